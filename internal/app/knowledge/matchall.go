package knowledge

import (
	"context"
	"errors"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/app/inventory"
)

// ReleaseMatch is the outcome of matching one release: which release, and
// what changed in its findings.
type ReleaseMatch struct {
	Release *vigil.Release
	Summary *MatchSummary
}

// MatchAllReleases matches the current SBOM of every release of the
// organization that has one against the knowledge base, as MatchRelease
// does for one release (each release in its own transaction). Releases
// without an SBOM are skipped; any other error stops the run and is
// returned with the releases matched so far.
func (s *Service) MatchAllReleases(ctx context.Context, sc vigil.Scope) ([]ReleaseMatch, error) {
	var rels []*vigil.Release
	err := s.store.View(ctx, func(tx Tx) error {
		var err error
		rels, _, err = tx.FindReleases(ctx, sc, vigil.ReleaseFilter{})
		return err
	})
	if err != nil {
		return nil, err
	}
	today := s.today()
	for _, r := range rels {
		r.Phase = r.Refresh(today)
	}
	out := []ReleaseMatch{}
	for _, r := range rels {
		if err := ctx.Err(); err != nil {
			return out, err
		}
		sum, err := s.MatchRelease(ctx, sc, r.ID, nil)
		if errors.Is(err, inventory.ErrNoSBOM) {
			continue
		}
		if err != nil {
			return out, err
		}
		out = append(out, ReleaseMatch{Release: r, Summary: sum})
	}
	return out, nil
}

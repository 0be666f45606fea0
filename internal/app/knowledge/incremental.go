package knowledge

import (
	"context"
	"fmt"
	"slices"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/app/assets"
	"github.com/vigil/vigil/internal/match"
	"github.com/vigil/vigil/internal/store"
)

// maxIncremental bounds the records an import remembers for incremental
// matching; past it, every release with an SBOM is rematched instead (a
// first full NVD import changes everything anyway).
const maxIncremental = 20000

// changeSet is what an import stored, for incremental matching.
type changeSet struct {
	records  []match.Record
	keys     map[vigil.IndexKey]bool
	overflow bool
	// limit is how many records it remembers before overflowing.
	limit int
	// kev are the entries the import added to the KEV catalog (not the
	// ones it changed); epss is set when it stored EPSS scores. Neither
	// changes a match; both are fleet events.
	kev  []*vigil.KEVEntry
	epss bool
}

// newChangeSet starts the change set of one import.
func (s *Service) newChangeSet() *changeSet {
	limit := s.incrementalLimit
	if limit <= 0 {
		limit = maxIncremental
	}
	return &changeSet{keys: map[vigil.IndexKey]bool{}, limit: limit}
}

// WithIncrementalLimit returns a copy of the service whose imports remember
// at most n changed records for incremental matching (maxIncremental when
// n <= 0); past it, every release with an SBOM is rematched.
func (s *Service) WithIncrementalLimit(n int) *Service {
	c := *s
	c.incrementalLimit = n
	return &c
}

func (c *changeSet) add(rec match.Record, keys []vigil.IndexKey) {
	if c == nil {
		return
	}
	if len(c.records) >= c.limit {
		c.overflow, c.records, c.keys = true, nil, nil
	}
	if c.overflow {
		return
	}
	c.records = append(c.records, rec)
	for _, k := range keys {
		c.keys[k] = true
	}
}

// merge adds what o collected.
func (c *changeSet) merge(o *changeSet) {
	if o.overflow {
		c.overflow, c.records, c.keys = true, nil, nil
		return
	}
	c.kev = append(c.kev, o.kev...)
	c.epss = c.epss || o.epss
	for _, r := range o.records {
		c.add(r, nil)
	}
	if c.overflow {
		return
	}
	for k := range o.keys {
		c.keys[k] = true
	}
}

func (c *changeSet) addVuln(r *store.KBVuln) {
	var keys []vigil.IndexKey
	for _, p := range r.Packages {
		if p.PURL != "" {
			keys = append(keys, vigil.IndexKey{Kind: vigil.KeyPURL, Value: p.PURL})
		}
		keys = append(keys, vigil.IndexKey{Kind: vigil.KeyPackageName, Value: p.Name},
			vigil.IndexKey(match.EcoPackageKey(p.Ecosystem, p.Name)))
	}
	for _, cpe := range r.CPEs {
		keys = append(keys, vigil.IndexKey{Kind: vigil.KeyCPE, Value: cpe.Vendor + ":" + cpe.Product})
	}
	c.add(match.Record{Vuln: r.Vuln}, keys)
}

func (c *changeSet) addAdvisory(r *store.KBAdvisory) {
	var keys []vigil.IndexKey
	for _, p := range r.Products {
		switch p.Kind {
		case "purl":
			keys = append(keys, vigil.IndexKey{Kind: vigil.KeyPURL, Value: p.Value})
		case "cpe":
			keys = append(keys, vigil.IndexKey{Kind: vigil.KeyCPE, Value: p.Value})
		case "hash":
			keys = append(keys, vigil.IndexKey{Kind: vigil.KeyHash, Value: p.Value})
		default:
			keys = append(keys, vigil.IndexKey{Kind: vigil.KeyName, Value: p.Value})
		}
	}
	c.add(match.Record{Advisory: r.Advisory}, keys)
}

// IncrementalSummary says what matching after an import did.
type IncrementalSummary struct {
	Records  int  `json:"records"`
	Releases int  `json:"releases"`
	New      int  `json:"new"`
	Changed  int  `json:"changed"`
	Resolved int  `json:"resolved"`
	Full     bool `json:"full"`
	// ExposureEvents counts the fleet events recorded in hospitals'
	// fleets (see recordExposureEvents).
	ExposureEvents int `json:"exposure_events"`
}

// rematch matches what an import changed against the components it may
// touch, in every organization, found through the reverse index: only the
// releases holding such components are looked at, and only for the changed
// records. Without matchers it does nothing.
func (s *Service) rematch(ctx context.Context, c *changeSet) (*IncrementalSummary, error) {
	sum := &IncrementalSummary{}
	if c == nil {
		return sum, nil
	}
	if s.engine == nil || len(s.engine.Matchers()) == 0 || (!c.overflow && len(c.records) == 0) {
		var err error
		sum.ExposureEvents, err = s.recordExposureEvents(ctx, c, nil)
		return sum, err
	}
	sum.Records, sum.Full = len(c.records), c.overflow
	keys := make([]vigil.IndexKey, 0, len(c.keys))
	for k := range c.keys {
		keys = append(keys, k)
	}
	orgs, err := s.orgs(ctx)
	if err != nil {
		return nil, err
	}
	// appeared collects, on a full rematch, the vulnerabilities whose
	// findings are new or reopened: the exposure events' input when the
	// import was too large to remember its records.
	var appeared []string
	for _, org := range orgs {
		sc := vigil.Scope{OrgID: org.ID, Actor: "system:incremental-match"}
		releases := map[int64]bool{}
		err := s.store.View(ctx, func(tx Tx) error {
			if c.overflow {
				docs, err := tx.FindSBOMs(ctx, sc, vigil.SBOMFilter{CurrentOnly: true})
				for _, d := range docs {
					releases[d.ReleaseID] = true
				}
				return err
			}
			hits, err := tx.FindComponentsByKeys(ctx, sc, keys)
			for _, h := range hits {
				releases[h.ReleaseID] = true
			}
			return err
		})
		if err != nil {
			return nil, fmt.Errorf("incremental match for %s: %w", org.Slug, err)
		}
		for id := range releases {
			var only []match.Record
			if !c.overflow {
				only = c.records
			}
			ms, err := s.MatchRelease(ctx, sc, id, only)
			if err != nil {
				return nil, fmt.Errorf("incremental match of release %d: %w", id, err)
			}
			sum.Releases++
			sum.New += ms.New
			sum.Changed += ms.Changed
			sum.Resolved += ms.Resolved
			if c.overflow {
				appeared = append(appeared, ms.appeared...)
			}
		}
	}
	if sum.ExposureEvents, err = s.recordExposureEvents(ctx, c, appeared); err != nil {
		return nil, err
	}
	return sum, nil
}

// recordExposureEvents runs after incremental matching: for every
// healthcare provider, it has the fleet link its assets to the device
// advisories the import added or changed and record the fleet events the
// import makes (assets.RecordFleetEvents): assets newly exposed to, or no
// longer exposed to, a vulnerability the import added or changed,
// advisories published or revised, KEV additions and EPSS crossings.
// After an import too large to remember its records (c.overflow), the
// vulnerabilities are those of the findings the full rematch created or
// reopened (appeared); device advisories are not relinked then, since
// which of them changed is not known.
func (s *Service) recordExposureEvents(ctx context.Context, c *changeSet, appeared []string) (int, error) {
	if c == nil || (len(c.kev) == 0 && !c.epss && ((!c.overflow && len(c.records) == 0) || (c.overflow && len(appeared) == 0))) {
		return 0, nil
	}
	in := assets.EventInput{VulnIDs: slices.Clone(appeared), KEV: c.kev, EPSS: c.epss}
	for _, r := range c.records {
		switch {
		case r.Vuln != nil:
			in.VulnIDs = append(in.VulnIDs, aliasesOf(r.Vuln)...)
		case r.Advisory != nil:
			in.Advisories = append(in.Advisories, r.Advisory)
			in.VulnIDs = append(in.VulnIDs, advisoryVulns(r.Advisory)...)
		}
	}
	in.VulnIDs = vigil.UniqueSorted(in.VulnIDs)
	orgs, err := s.orgs(ctx)
	if err != nil {
		return 0, err
	}
	total := 0
	for _, org := range orgs {
		if org.Kind != vigil.HealthcareProvider {
			continue
		}
		sc := vigil.Scope{OrgID: org.ID, Actor: "system:exposure-events"}
		err := s.store.Update(ctx, func(tx Tx) error {
			evs, err := assets.RecordFleetEvents(ctx, tx, sc, in)
			total += len(evs)
			return err
		})
		if err != nil {
			return total, fmt.Errorf("fleet events for %s: %w", org.Slug, err)
		}
	}
	return total, nil
}

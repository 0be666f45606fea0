package catalog

import (
	"context"
	"fmt"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/lifecycle"
)

// PhaseMove is one phase change that RefreshPhases recorded.
type PhaseMove struct {
	ReleaseID int64       `json:"release_id"`
	Product   string      `json:"product"`
	Version   string      `json:"version"`
	From      vigil.Phase `json:"from_phase"`
	To        vigil.Phase `json:"to_phase"`
	Reason    string      `json:"reason"`
}

// RefreshPhases brings the stored phase of every release of the scope that
// follows its milestones up to today, and records each move in the
// release's history as done by lifecycle.Actor, with the milestone that
// was reached. Releases whose phase a person set are left alone. Running
// it twice, or in two processes at once, records each move once.
func (s *Service) RefreshPhases(ctx context.Context, sc vigil.Scope) ([]PhaseMove, error) {
	today := s.today()
	moves := []PhaseMove{}
	err := s.store.Update(ctx, func(tx Tx) error {
		rs, _, err := tx.FindReleases(ctx, sc, vigil.ReleaseFilter{})
		if err != nil {
			return err
		}
		for _, r := range rs {
			if err := ctx.Err(); err != nil {
				return err
			}
			to := r.Refresh(today)
			if r.PhaseExplicit || to == r.Phase {
				continue
			}
			ok, err := tx.AdvanceReleasePhase(ctx, sc, r.ID, r.Phase, to)
			if err != nil {
				return err
			}
			if !ok {
				continue // someone else moved it meanwhile
			}
			m := PhaseMove{ReleaseID: r.ID, Product: r.Product, Version: r.Version, From: r.Phase, To: to,
				Reason: lifecycle.MoveReason(r.Milestones, r.Phase, to, today)}
			if err := tx.AddPhaseChange(ctx, sc, &vigil.PhaseChange{
				ReleaseID: r.ID, From: m.From, To: m.To, Actor: lifecycle.Actor, Reason: m.Reason,
			}); err != nil {
				return err
			}
			moves = append(moves, m)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return moves, nil
}

// OrgPhaseMoves are the moves of one organization's releases.
type OrgPhaseMoves struct {
	Org   string      `json:"org"`
	Moves []PhaseMove `json:"moves"`
}

// RefreshAllPhases runs RefreshPhases for every organization, acting as
// lifecycle.Actor: the job vigil serve runs daily and vigil lifecycle
// refresh --all runs by hand. An organization that fails does not stop the
// others; the first error is returned with what was done.
func (s *Service) RefreshAllPhases(ctx context.Context) ([]OrgPhaseMoves, error) {
	var orgs []*vigil.Organization
	err := s.store.View(ctx, func(tx Tx) error {
		var err error
		orgs, _, err = tx.FindOrgs(ctx, vigil.OrgFilter{})
		return err
	})
	if err != nil {
		return nil, err
	}
	out := []OrgPhaseMoves{}
	var first error
	for _, o := range orgs {
		moves, err := s.RefreshPhases(ctx, vigil.Scope{OrgID: o.ID, Actor: lifecycle.Actor})
		if err != nil {
			if first == nil {
				first = fmt.Errorf("refresh phases of %s: %w", o.Slug, err)
			}
			continue
		}
		if len(moves) > 0 {
			out = append(out, OrgPhaseMoves{Org: o.Slug, Moves: moves})
		}
	}
	return out, first
}

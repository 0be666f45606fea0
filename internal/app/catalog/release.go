package catalog

import (
	"context"
	"fmt"
	"strings"

	"github.com/vigil/vigil"
)

// ReleaseDetail is a release with its phase history.
type ReleaseDetail struct {
	vigil.Release
	History []*vigil.PhaseChange `json:"history"`
}

// CreateRelease adds a version of one of the scope's products. Without an
// explicit phase the phase follows the milestones.
func (s *Service) CreateRelease(ctx context.Context, sc vigil.Scope, productID int64, in vigil.ReleaseInput) (*vigil.Release, error) {
	in.Version = strings.TrimSpace(in.Version)
	if err := in.Validate(); err != nil {
		return nil, err
	}
	r := &vigil.Release{ProductID: productID, Version: in.Version, Milestones: in.Milestones}
	if in.Phase != "" {
		r.Phase, r.PhaseExplicit = in.Phase, true
	} else {
		r.Phase = r.PhaseOn(s.today())
	}
	err := s.store.Update(ctx, func(tx Tx) error {
		p, err := tx.FindProductByID(ctx, sc, productID)
		if err != nil {
			return err
		}
		r.Product = p.Name
		if err := tx.CreateRelease(ctx, sc, r); err != nil {
			return err
		}
		return tx.AddPhaseChange(ctx, sc, &vigil.PhaseChange{
			ReleaseID: r.ID, To: r.Phase, Actor: sc.Who(), Reason: "release created",
		})
	})
	if err != nil {
		return nil, err
	}
	return r, nil
}

// Releases lists the scope's releases, each with the phase it is in today.
// Asking for the releases of a product the scope cannot see is not found.
func (s *Service) Releases(ctx context.Context, sc vigil.Scope, f vigil.ReleaseFilter) ([]*vigil.Release, int, error) {
	var out []*vigil.Release
	var total int
	err := s.store.View(ctx, func(tx Tx) error {
		if f.ProductID != nil {
			if _, err := tx.FindProductByID(ctx, sc, *f.ProductID); err != nil {
				return err
			}
		}
		var err error
		out, total, err = tx.FindReleases(ctx, sc, f)
		return err
	})
	today := s.today()
	for _, r := range out {
		r.Phase = r.Refresh(today)
	}
	return out, total, err
}

// Release returns one of the scope's releases with its phase history.
func (s *Service) Release(ctx context.Context, sc vigil.Scope, id int64) (*ReleaseDetail, error) {
	var d *ReleaseDetail
	err := s.store.View(ctx, func(tx Tx) error {
		r, err := tx.FindReleaseByID(ctx, sc, id)
		if err != nil {
			return err
		}
		d, err = s.detail(ctx, tx, sc, r)
		return err
	})
	return d, err
}

// ReleaseByVersion finds a release by product handle and version, the way a
// person names it on the command line.
func (s *Service) ReleaseByVersion(ctx context.Context, sc vigil.Scope, productRef, version string) (*ReleaseDetail, error) {
	var d *ReleaseDetail
	err := s.store.View(ctx, func(tx Tx) error {
		p, err := ResolveProduct(ctx, tx, sc, productRef)
		if err != nil {
			return err
		}
		r, err := tx.FindReleaseByVersion(ctx, sc, p.ID, version)
		if err != nil {
			return err
		}
		d, err = s.detail(ctx, tx, sc, r)
		return err
	})
	return d, err
}

func (s *Service) detail(ctx context.Context, tx Tx, sc vigil.Scope, r *vigil.Release) (*ReleaseDetail, error) {
	hist, err := tx.FindPhaseChanges(ctx, sc, r.ID)
	if err != nil {
		return nil, err
	}
	r.Phase = r.Refresh(s.today())
	return &ReleaseDetail{Release: *r, History: hist}, nil
}

// UpdateRelease changes a release's milestones. A release whose phase
// follows its milestones moves with them, and the move is recorded.
func (s *Service) UpdateRelease(ctx context.Context, sc vigil.Scope, id int64, u vigil.ReleaseUpdate) (*vigil.Release, error) {
	var out *vigil.Release
	err := s.store.Update(ctx, func(tx Tx) error {
		cur, err := tx.FindReleaseByID(ctx, sc, id)
		if err != nil {
			return err
		}
		next := u.Apply(*cur)
		if err := next.Validate(); err != nil {
			return err
		}
		before := cur.Refresh(s.today())
		next.Phase = next.Refresh(s.today())
		if err := tx.UpdateRelease(ctx, sc, &next); err != nil {
			return err
		}
		if next.Phase != before {
			if err := tx.AddPhaseChange(ctx, sc, &vigil.PhaseChange{
				ReleaseID: id, From: before, To: next.Phase, Actor: sc.Who(), Reason: "milestones changed",
			}); err != nil {
				return err
			}
		}
		out = &next
		return nil
	})
	return out, err
}

// PhaseChangeInput asks to move a release to another phase.
type PhaseChangeInput struct {
	// Phase is the phase to set. Empty with FollowMilestones hands the
	// phase back to the milestones.
	Phase vigil.Phase `json:"phase,omitempty"`
	// Reason is required: a phase change moves responsibility between
	// manufacturer and hospital, and the record must say why.
	Reason string `json:"reason"`
	// Force allows moving back in the lifecycle.
	Force bool `json:"force,omitempty"`
	// FollowMilestones clears an explicit phase so that the release's
	// phase follows its milestones again.
	FollowMilestones bool `json:"follow_milestones,omitempty"`
}

// SetReleasePhase moves a release to a phase and records who did it and why.
func (s *Service) SetReleasePhase(ctx context.Context, sc vigil.Scope, id int64, in PhaseChangeInput) (*ReleaseDetail, error) {
	in.Reason = strings.TrimSpace(in.Reason)
	if in.FollowMilestones && in.Phase != "" {
		return nil, fmt.Errorf("give a phase or follow milestones, not both: %w", vigil.ErrInvalid)
	}
	var d *ReleaseDetail
	err := s.store.Update(ctx, func(tx Tx) error {
		r, err := tx.FindReleaseByID(ctx, sc, id)
		if err != nil {
			return err
		}
		from := r.Refresh(s.today())
		to := in.Phase
		if in.FollowMilestones {
			to = r.PhaseOn(s.today())
		}
		if err := vigil.CheckPhaseChange(from, to, in.Reason, in.Force || in.FollowMilestones); err != nil {
			return err
		}
		r.Phase, r.PhaseExplicit = to, !in.FollowMilestones
		if err := tx.UpdateRelease(ctx, sc, r); err != nil {
			return err
		}
		if from != to || in.FollowMilestones {
			if err := tx.AddPhaseChange(ctx, sc, &vigil.PhaseChange{
				ReleaseID: id, From: from, To: to, Actor: sc.Who(), Reason: in.Reason,
			}); err != nil {
				return err
			}
		}
		d, err = s.detail(ctx, tx, sc, r)
		return err
	})
	return d, err
}

// DeleteRelease deletes a release.
func (s *Service) DeleteRelease(ctx context.Context, sc vigil.Scope, id int64) error {
	return s.store.Update(ctx, func(tx Tx) error { return tx.DeleteRelease(ctx, sc, id) })
}

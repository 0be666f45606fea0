package access

import (
	"context"
	"fmt"
	"strings"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/app/catalog"
	"github.com/vigil/vigil/internal/store"
)

// ShareInput is what sharing takes: the healthcare provider to share with,
// and optionally one product (by name or id) and one of its releases.
type ShareInput struct {
	Grantee string `json:"grantee"`
	Product string `json:"product,omitempty"`
	Release string `json:"release,omitempty"`
}

// Share lets a healthcare provider see a manufacturer's releases (all of
// them, a product's, or one) to map its assets onto them and see their
// findings. Only a manufacturer shares, and only with a healthcare
// provider; nothing is visible to another organization without a share.
func (s *Service) Share(ctx context.Context, sc vigil.Scope, in ShareInput) (*vigil.Share, error) {
	in.Grantee, in.Product, in.Release = strings.TrimSpace(in.Grantee), strings.TrimSpace(in.Product), strings.TrimSpace(in.Release)
	if in.Grantee == "" {
		return nil, &vigil.ValidationError{Fields: []vigil.FieldError{{Field: "grantee", Message: "is required"}}}
	}
	if in.Release != "" && in.Product == "" {
		return nil, &vigil.ValidationError{Fields: []vigil.FieldError{{Field: "release", Message: "needs a product"}}}
	}
	var sh *vigil.Share
	err := s.store.Update(ctx, func(tx Tx) error {
		if err := store.RequireScope(sc); err != nil {
			return err
		}
		own, err := tx.FindOrgByID(ctx, sc.OrgID)
		if err != nil {
			return err
		}
		if own.Kind != vigil.Manufacturer {
			return fmt.Errorf("organization %s is a %s; only manufacturers share releases: %w", own.Slug, own.Kind, vigil.ErrInvalid)
		}
		g, err := tx.FindOrgBySlug(ctx, in.Grantee)
		if err != nil {
			return err
		}
		if g.Kind != vigil.HealthcareProvider {
			return fmt.Errorf("organization %s is a %s; releases are shared with healthcare providers: %w", g.Slug, g.Kind, vigil.ErrInvalid)
		}
		sh = &vigil.Share{GranteeOrgID: g.ID, Grantee: g.Slug, Owner: own.Slug}
		if in.Product != "" {
			p, err := catalog.ResolveProduct(ctx, tx, sc, in.Product)
			if err != nil {
				return err
			}
			sh.ProductID, sh.Product = p.ID, p.Name
			if in.Release != "" {
				r, err := tx.FindReleaseByVersion(ctx, sc, p.ID, in.Release)
				if err != nil {
					return err
				}
				sh.ReleaseID, sh.ReleaseVersion = r.ID, r.Version
			}
		}
		if err := tx.CreateShare(ctx, sc, sh); err != nil {
			return fmt.Errorf("share %s with %s: %w", sh.Covers(), g.Slug, err)
		}
		return nil
	})
	return sh, err
}

// Shares lists the shares the organization granted and received.
func (s *Service) Shares(ctx context.Context, sc vigil.Scope) (granted, received []*vigil.Share, err error) {
	err = s.store.View(ctx, func(tx Tx) error {
		if granted, err = tx.FindShares(ctx, sc, true); err != nil {
			return err
		}
		received, err = tx.FindShares(ctx, sc, false)
		return err
	})
	if granted == nil {
		granted = []*vigil.Share{}
	}
	if received == nil {
		received = []*vigil.Share{}
	}
	return granted, received, err
}

// Unshare revokes a share the organization granted. Hospitals keep their
// assets; their mappings to releases no longer visible are dropped at the
// next mapping run, and exposure stops seeing the releases' findings at
// once.
func (s *Service) Unshare(ctx context.Context, sc vigil.Scope, id int64) error {
	return s.store.Update(ctx, func(tx Tx) error { return tx.DeleteShare(ctx, sc, id) })
}

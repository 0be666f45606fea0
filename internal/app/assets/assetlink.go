package assets

import (
	"context"
	"fmt"
	"strings"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/store"
)

// AdvisoryLink is an asset ↔ device-advisory product link as a person
// reviews it: the asset, the product, the score and evidence, and the
// decision taken on it, if any.
type AdvisoryLink struct {
	AssetID      int64  `json:"asset_id"`
	AssetTag     string `json:"asset_tag,omitempty"`
	Manufacturer string `json:"manufacturer"`
	Model        string `json:"model"`
	Version      string `json:"version,omitempty"`
	vigil.AdvisoryProduct
	// Decision is the person's word on the link, when one was given
	// (a rejected link shows here only while it is not re-found).
	Decision *vigil.AdvisoryLinkDecision `json:"decision,omitempty"`
}

// LinkFilter selects links.
type LinkFilter struct {
	// Asset is an asset's tag, serial or id; empty for the whole fleet.
	Asset string
	// Possible keeps only the links below the threshold that no one
	// decided on: the review worklist.
	Possible bool
}

// AdvisoryLinks lists the fleet's links to device-advisory products, by
// asset, advisory and product, with their score, evidence and decision.
func (s *Service) AdvisoryLinks(ctx context.Context, sc vigil.Scope, f LinkFilter) ([]AdvisoryLink, error) {
	out := []AdvisoryLink{}
	err := s.store.View(ctx, func(tx Tx) error {
		if err := store.RequireScope(sc); err != nil {
			return err
		}
		pf := vigil.AdvisoryProductFilter{}
		var assetID *int64
		if strings.TrimSpace(f.Asset) != "" {
			a, err := ResolveAsset(ctx, tx, sc, f.Asset)
			if err != nil {
				return err
			}
			pf.AssetID, assetID = &a.ID, &a.ID
		}
		ps, err := tx.FindAdvisoryProducts(ctx, sc, pf)
		if err != nil {
			return err
		}
		ds, err := tx.FindAdvisoryLinkDecisions(ctx, sc, assetID)
		if err != nil {
			return err
		}
		decisions := map[string]*vigil.AdvisoryLinkDecision{}
		for _, d := range ds {
			decisions[linkKey(d.AssetID, d.Advisory, d.ProductID)] = d
		}
		assets := map[int64]*vigil.Asset{}
		for _, p := range ps {
			d := decisions[linkKey(p.AssetID, p.Advisory, p.ProductID)]
			if f.Possible && (p.Confidence != vigil.MappingPossible || d != nil) {
				continue
			}
			a := assets[p.AssetID]
			if a == nil {
				if a, err = tx.FindAssetByID(ctx, sc, p.AssetID); err != nil {
					return err
				}
				assets[p.AssetID] = a
			}
			if !a.Status.Active() {
				continue
			}
			out = append(out, AdvisoryLink{AssetID: a.ID, AssetTag: a.AssetTag, Manufacturer: a.Manufacturer, Model: a.Model,
				Version: a.Version, AdvisoryProduct: p, Decision: d})
		}
		return nil
	})
	return out, err
}

func linkKey(asset int64, advisory, product string) string {
	return fmt.Sprintf("%d\x00%s\x00%s", asset, advisory, product)
}

// LinkDecisionInput is a person's decision on a link.
type LinkDecisionInput struct {
	Asset     string
	Advisory  string
	ProductID string
	Decision  vigil.LinkDecision
	Note      string
}

// DecideAdvisoryLink records a person's decision on a link between an asset
// and an advisory's product, then maps the asset again so that the
// decision shows at once: a confirmed link counts whatever its score; a
// rejected one leaves the asset's exposure and does not come back until
// the advisory's next revision. The product must be in the advisory (the
// knowledge base's copy); the decision is kept by the advisory's tracking
// id, so re-imports of the inventory and re-syncs of the feeds keep it.
func (s *Service) DecideAdvisoryLink(ctx context.Context, sc vigil.Scope, in LinkDecisionInput) (*AdvisoryLink, error) {
	var assetID int64
	var decision *vigil.AdvisoryLinkDecision
	err := s.store.Update(ctx, func(tx Tx) error {
		if err := requireProvider(ctx, tx, sc); err != nil {
			return err
		}
		a, err := ResolveAsset(ctx, tx, sc, in.Asset)
		if err != nil {
			return err
		}
		assetID = a.ID
		// A decision is on a link the asset has (`asset link list` shows
		// them): that gives the knowledge base's copy of the advisory.
		ps, err := tx.FindAdvisoryProducts(ctx, sc, vigil.AdvisoryProductFilter{AssetID: &a.ID})
		if err != nil {
			return err
		}
		var link *vigil.AdvisoryProduct
		for i := range ps {
			if strings.EqualFold(ps[i].Advisory, strings.TrimSpace(in.Advisory)) && ps[i].ProductID == in.ProductID {
				link = &ps[i]
			}
		}
		if link == nil {
			return fmt.Errorf("asset %s has no link to product %q of advisory %q (see `vigil asset link list`): %w",
				in.Asset, in.ProductID, in.Advisory, vigil.ErrNotFound)
		}
		adv, err := tx.FindAdvisoryByID(ctx, link.AdvisoryID)
		if err != nil {
			return err
		}
		in.Advisory = adv.ID
		d := &vigil.AdvisoryLinkDecision{AssetID: a.ID, Advisory: adv.ID, ProductID: in.ProductID, Revision: adv.Version,
			Decision: in.Decision, Note: strings.TrimSpace(in.Note)}
		if err := tx.PutAdvisoryLinkDecision(ctx, sc, d); err != nil {
			return err
		}
		decision = d
		m, err := newMapper(ctx, tx, sc)
		if err != nil {
			return err
		}
		return m.mapAdvisories(ctx, tx, a, &MappingSummary{})
	})
	if err != nil {
		return nil, err
	}
	links, err := s.AdvisoryLinks(ctx, sc, LinkFilter{Asset: fmt.Sprint(assetID)})
	if err != nil {
		return nil, err
	}
	for i := range links {
		if links[i].Advisory == in.Advisory && links[i].ProductID == in.ProductID {
			links[i].Decision = decision
			return &links[i], nil
		}
	}
	// Rejected: the link is gone; say so with the decision.
	return &AdvisoryLink{AssetID: assetID, AdvisoryProduct: vigil.AdvisoryProduct{AssetID: assetID, Advisory: in.Advisory, ProductID: in.ProductID},
		Decision: decision}, nil
}

package assets

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/fleet"
	"github.com/vigil/vigil/internal/fleet/ident"
	"github.com/vigil/vigil/internal/match"
	"github.com/vigil/vigil/internal/store"
)

// canonicalVuln is the id work items and events file a vulnerability
// under: its CVE id when the knowledge base knows one, else as given.
func canonicalVuln(ctx context.Context, tx Tx, id string) (string, error) {
	id = strings.TrimSpace(id)
	if id == "" || len(id) > 200 {
		return "", fmt.Errorf("vulnerability id %q: %w", id, vigil.ErrInvalid)
	}
	if vigil.IsCVE(id) {
		return id, nil
	}
	recs, err := tx.FindKBVulns(ctx, id)
	if err != nil {
		return "", err
	}
	for _, r := range recs {
		if k := fleet.VulnKey(r.ID, r.Aliases); vigil.IsCVE(k) {
			return k, nil
		}
	}
	return id, nil
}

// WorkItemDetail is a work item with its history and what counts today.
type WorkItemDetail struct {
	vigil.WorkItem
	AssetTag  string                  `json:"asset_tag,omitempty"`
	Effective vigil.RemediationState  `json:"effective_state"`
	Expired   bool                    `json:"risk_acceptance_expired"`
	History   []*vigil.WorkItemChange `json:"history"`
}

// SetRemediation records where the remediation of a vulnerability on an
// asset stands: patch available or applied, a compensating control (what
// it is), or a risk acceptance (approver, reason, expiry). Every change is
// appended to the item's history, which is never rewritten.
func (s *Service) SetRemediation(ctx context.Context, sc vigil.Scope, assetRef, vulnID string, in vigil.WorkItemInput) (*WorkItemDetail, error) {
	in.Detail, in.Approver, in.Reason = strings.TrimSpace(in.Detail), strings.TrimSpace(in.Approver), strings.TrimSpace(in.Reason)
	if err := in.Validate(s.today()); err != nil {
		return nil, err
	}
	var assetID int64
	var key string
	err := s.store.Update(ctx, func(tx Tx) error {
		if err := requireProvider(ctx, tx, sc); err != nil {
			return err
		}
		a, err := ResolveAsset(ctx, tx, sc, assetRef)
		if err != nil {
			return err
		}
		assetID = a.ID
		if key, err = canonicalVuln(ctx, tx, vulnID); err != nil {
			return err
		}
		w, err := tx.FindWorkItem(ctx, sc, a.ID, key)
		from := vigil.RemediationState("")
		switch {
		case errors.Is(err, vigil.ErrNotFound):
			w = &vigil.WorkItem{AssetID: a.ID, VulnID: key}
		case err != nil:
			return err
		default:
			from = w.State
		}
		w.State, w.Detail, w.Approver, w.Reason, w.ExpiresOn = in.State, in.Detail, in.Approver, in.Reason, in.ExpiresOn
		return tx.PutWorkItem(ctx, sc, w, &vigil.WorkItemChange{FromState: from, ToState: in.State, Detail: in.Detail,
			Approver: in.Approver, Reason: in.Reason, ExpiresOn: in.ExpiresOn})
	})
	if err != nil {
		return nil, err
	}
	return s.workItem(ctx, sc, assetID, key)
}

func (s *Service) workItem(ctx context.Context, sc vigil.Scope, assetID int64, vuln string) (*WorkItemDetail, error) {
	var d WorkItemDetail
	err := s.store.View(ctx, func(tx Tx) error {
		w, err := tx.FindWorkItem(ctx, sc, assetID, vuln)
		if err != nil {
			return err
		}
		a, err := tx.FindAssetByID(ctx, sc, assetID)
		if err != nil {
			return err
		}
		d.WorkItem, d.AssetTag = *w, a.AssetTag
		d.History, err = tx.FindWorkItemChanges(ctx, sc, w.ID)
		return err
	})
	if err != nil {
		return nil, err
	}
	d.Effective, d.Expired = d.WorkItem.Effective(s.today()), d.WorkItem.Expired(s.today())
	return &d, nil
}

// WorkItem returns the remediation of a vulnerability on an asset with its
// history.
func (s *Service) WorkItem(ctx context.Context, sc vigil.Scope, assetRef, vulnID string) (*WorkItemDetail, error) {
	var assetID int64
	var key string
	err := s.store.View(ctx, func(tx Tx) error {
		a, err := ResolveAsset(ctx, tx, sc, assetRef)
		if err != nil {
			return err
		}
		assetID = a.ID
		key, err = canonicalVuln(ctx, tx, vulnID)
		return err
	})
	if err != nil {
		return nil, err
	}
	return s.workItem(ctx, sc, assetID, key)
}

// WorklistOptions select worklist entries.
type WorklistOptions struct {
	// Limit bounds the entries (0: all).
	Limit int
	// IncludeDone also lists items patched or under an unexpired risk
	// acceptance.
	IncludeDone bool
	// ExpiredOnly lists only items whose risk acceptance ran out.
	ExpiredOnly bool
}

// Worklist lists the fleet's open asset × vulnerability items, highest
// contextual priority first, each with its factors explained. Items patched
// or under an unexpired risk acceptance are left out unless asked for; an
// expired acceptance is open again and says so.
func (s *Service) Worklist(ctx context.Context, sc vigil.Scope, opt WorklistOptions) ([]*ExposedAsset, error) {
	var out []*ExposedAsset
	err := s.store.View(ctx, func(tx Tx) error {
		if err := store.RequireScope(sc); err != nil {
			return err
		}
		es, err := exposures(ctx, tx, sc, nil, "")
		if err != nil {
			return err
		}
		items, err := tx.FindWorkItems(ctx, sc, vigil.WorkItemFilter{})
		if err != nil {
			return err
		}
		if err := enrich(ctx, tx, sc, s.today(), es, items); err != nil {
			return err
		}
		for _, e := range es {
			switch {
			case !e.exposed:
			case opt.ExpiredOnly && !e.RiskExpired:
			case !opt.IncludeDone && (e.Remediation == vigil.RemediationPatchApplied || e.Remediation == vigil.RemediationRiskAccepted):
			default:
				out = append(out, e)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	sortByPriority(out)
	if opt.Limit > 0 && len(out) > opt.Limit {
		out = out[:opt.Limit]
	}
	if out == nil {
		out = []*ExposedAsset{}
	}
	return out, nil
}

// AssetEvents lists the exposure events of the fleet, newest first.
func (s *Service) AssetEvents(ctx context.Context, sc vigil.Scope, f vigil.AssetEventFilter) ([]*vigil.AssetEvent, error) {
	var out []*vigil.AssetEvent
	err := s.store.View(ctx, func(tx Tx) error {
		var err error
		out, err = tx.FindAssetEvents(ctx, sc, f)
		return err
	})
	if out == nil {
		out = []*vigil.AssetEvent{}
	}
	return out, err
}

// linkNewAdvisories maps the organization's assets to the products of
// advisories an import stored. The candidates are the assets whose lookup
// keys meet the advisories' — the same keys mapAdvisories looks an asset
// up by (model names and device-identification keys: model numbers,
// tokens), so an asset is linked alike whether it or the advisory came
// first. They are found in memory: one pass over the fleet per import, not
// one query per asset.
func linkNewAdvisories(ctx context.Context, tx Tx, sc vigil.Scope, advs []*vigil.Advisory) error {
	names := map[string]bool{}
	for _, a := range advs {
		for _, p := range a.ProductTree.Products() {
			for _, n := range []string{p.Product, p.Name, p.Vendor + " " + p.Product} {
				if k := match.NormalizeName(n); k != "" {
					names[k] = true
				}
			}
			for _, k := range ident.ProductKeys(p) {
				names[k] = true
			}
		}
	}
	if len(names) == 0 {
		return nil
	}
	m, err := newMapper(ctx, tx, sc)
	if err != nil {
		return err
	}
	assets, _, err := tx.FindAssets(ctx, sc, vigil.AssetFilter{})
	if err != nil {
		return err
	}
	sum := &MappingSummary{}
	for _, a := range assets {
		if err := ctx.Err(); err != nil {
			return err
		}
		hit := false
		for _, n := range append(fleet.LookupNames(a, m.aliases), ident.LookupKeys(a.Model)...) {
			if names[n] {
				hit = true
				break
			}
		}
		if hit {
			if err := m.mapAdvisories(ctx, tx, a, sum); err != nil {
				return err
			}
		}
	}
	return nil
}

package assets

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/app/triage"
	"github.com/vigil/vigil/internal/fleet"
	"github.com/vigil/vigil/internal/fleet/ident"
)

// mapper maps assets of one organization within one transaction: the
// catalogue it can see, its aliases, and the advisories already read.
type mapper struct {
	sc         vigil.Scope
	catalog    *fleet.Catalog
	aliases    *fleet.Aliases
	advisories map[int64]*vigil.Advisory
	// threshold is the organization's link threshold (RiskSettings).
	threshold float64
}

func newMapper(ctx context.Context, tx Tx, sc vigil.Scope) (*mapper, error) {
	rels, err := tx.FindCatalogReleases(ctx, sc, vigil.CatalogFilter{})
	if err != nil {
		return nil, err
	}
	own, err := tx.FindManufacturerAliases(ctx, sc)
	if err != nil {
		return nil, err
	}
	rs, err := triage.RiskSettingsOf(ctx, tx, sc)
	if err != nil {
		return nil, err
	}
	return &mapper{sc: sc, catalog: fleet.NewCatalog(rels), aliases: fleet.NewAliases(own), advisories: map[int64]*vigil.Advisory{},
		threshold: rs.LinkThreshold}, nil
}

// MappingSummary says what a mapping run changed.
type MappingSummary struct {
	Assets int `json:"assets"`
	// Mapped and Unmapped count assets whose release mapping was set or
	// removed; Kept those a person confirmed, which automatic mapping
	// never changes.
	Mapped   int `json:"mapped"`
	Unmapped int `json:"unmapped"`
	Kept     int `json:"kept_confirmed"`
	// AdvisoryLinks counts assets whose device-advisory products changed.
	AdvisoryLinks int `json:"advisory_links_changed"`
}

// mapAsset brings one asset's release mapping and advisory products up to
// date, writing only what changed. A confirmed mapping stays unless its
// release is no longer visible (the share was revoked).
func (m *mapper) mapAsset(ctx context.Context, tx Tx, a *vigil.Asset, sum *MappingSummary) error {
	if sum == nil {
		sum = &MappingSummary{}
	}
	if a.Status == vigil.AssetDecommissioned {
		// Frozen with its certificate: its mapping is history too.
		return nil
	}
	sum.Assets++
	cur := a.Mapping
	_, visible := m.catalog.Release(cur.ReleaseID)
	switch {
	case cur.Confidence == vigil.MappingConfirmed && visible:
		sum.Kept++
	default:
		next := vigil.AssetMapping{MappedBy: "system:auto-map"}
		if c, ok := m.catalog.Auto(a, m.aliases); ok {
			next.ReleaseID, next.Confidence, next.Reason = c.Release.ID, c.Confidence, c.Reason()
		}
		if next.ReleaseID != cur.ReleaseID || next.Confidence != cur.Confidence || next.Reason != cur.Reason {
			if err := tx.SetAssetMapping(ctx, m.sc, a.ID, next); err != nil {
				return err
			}
			if next.ReleaseID != 0 {
				sum.Mapped++
			} else if cur.ReleaseID != 0 {
				sum.Unmapped++
			}
		}
	}
	return m.mapAdvisories(ctx, tx, a, sum)
}

// mapAdvisories links an asset to the device-advisory products that name
// it: candidates found through the knowledge base's advisory product index
// (by name, model number and identification key), each identified with
// its evidence and score (fleet.AdvisoryProducts). A person's decisions
// stand: a confirmed link stays confirmed; a rejected one is left out
// while the advisory is at the revision it was rejected on.
func (m *mapper) mapAdvisories(ctx context.Context, tx Tx, a *vigil.Asset, sum *MappingSummary) error {
	keys := append(fleet.LookupNames(a, m.aliases), ident.LookupKeys(a.Model)...)
	hits, err := tx.FindAdvisoryIDsByProductNames(ctx, keys)
	if err != nil {
		return err
	}
	decided, err := tx.FindAdvisoryLinkDecisions(ctx, m.sc, &a.ID)
	if err != nil {
		return err
	}
	decisions := map[[2]string]*vigil.AdvisoryLinkDecision{}
	for _, d := range decided {
		decisions[[2]string{d.Advisory, d.ProductID}] = d
	}
	var want []vigil.AdvisoryProduct
	seen := map[int64]bool{}
	for _, h := range hits {
		if seen[h.AdvisoryID] {
			continue
		}
		seen[h.AdvisoryID] = true
		adv, err := m.advisory(ctx, tx, h.AdvisoryID)
		if err != nil {
			return err
		}
		found := map[string]bool{}
		for _, p := range fleet.AdvisoryProducts(a, adv, h.AdvisoryID, m.aliases, m.threshold) {
			found[p.ProductID] = true
			switch d := decisions[[2]string{adv.ID, p.ProductID}]; {
			case d == nil:
			case d.Decision == vigil.LinkRejected && d.Revision == adv.Version:
				continue
			case d.Decision == vigil.LinkConfirmed:
				p.Confidence = vigil.MappingConfirmed
				p.Reason = "confirmed by " + d.DecidedBy + "; " + p.Reason
			}
			want = append(want, p)
		}
		want = append(want, confirmedOnly(a, adv, h.AdvisoryID, decisions, found)...)
	}
	have, err := tx.FindAdvisoryProducts(ctx, m.sc, vigil.AdvisoryProductFilter{AssetID: &a.ID})
	if err != nil {
		return err
	}
	if sameAdvisoryProducts(have, want) {
		return nil
	}
	sum.AdvisoryLinks++
	return tx.ReplaceAdvisoryProducts(ctx, m.sc, a.ID, want)
}

// confirmedOnly returns the links a person confirmed that identification
// no longer finds (the inventory row changed, the advisory's revision
// reworded the product): a person's word is kept while the advisory still
// has the product.
func confirmedOnly(a *vigil.Asset, adv *vigil.Advisory, advisoryID int64, decisions map[[2]string]*vigil.AdvisoryLinkDecision, found map[string]bool) []vigil.AdvisoryProduct {
	var out []vigil.AdvisoryProduct
	for _, p := range adv.ProductTree.Products() {
		d := decisions[[2]string{adv.ID, p.ProductID}]
		if d == nil || d.Decision != vigil.LinkConfirmed || found[p.ProductID] {
			continue
		}
		found[p.ProductID] = true
		out = append(out, vigil.AdvisoryProduct{AssetID: a.ID, AdvisoryID: advisoryID, Advisory: adv.ID, Revision: adv.Version,
			ProductID: p.ProductID, Name: p.Name, Confidence: vigil.MappingConfirmed,
			Reason: "confirmed by " + d.DecidedBy + " (identification no longer finds it)"})
	}
	return out
}

func (m *mapper) advisory(ctx context.Context, tx Tx, id int64) (*vigil.Advisory, error) {
	if a, ok := m.advisories[id]; ok {
		return a, nil
	}
	a, err := tx.FindAdvisoryByID(ctx, id)
	if err != nil {
		return nil, err
	}
	m.advisories[id] = a
	return a, nil
}

func sameAdvisoryProducts(a, b []vigil.AdvisoryProduct) bool {
	key := func(p vigil.AdvisoryProduct) string {
		return strconv.FormatInt(p.AdvisoryID, 10) + "\x00" + p.ProductID + "\x00" + string(p.Confidence) + "\x00" + p.Reason + "\x00" + p.Name +
			"\x00" + strconv.FormatFloat(p.Score, 'f', 2, 64)
	}
	ka, kb := make([]string, len(a)), make([]string, len(b))
	for i, p := range a {
		ka[i] = key(p)
	}
	for i, p := range b {
		kb[i] = key(p)
	}
	slices.Sort(ka)
	slices.Sort(kb)
	return slices.Equal(ka, kb)
}

// MapAssets maps every asset of the fleet again: after a share, a new
// release, a new alias or new advisories.
func (s *Service) MapAssets(ctx context.Context, sc vigil.Scope) (*MappingSummary, error) {
	sum := &MappingSummary{}
	err := s.store.Update(ctx, func(tx Tx) error {
		if err := requireProvider(ctx, tx, sc); err != nil {
			return err
		}
		m, err := newMapper(ctx, tx, sc)
		if err != nil {
			return err
		}
		assets, _, err := tx.FindAssets(ctx, sc, vigil.AssetFilter{})
		if err != nil {
			return err
		}
		for _, a := range assets {
			if err := ctx.Err(); err != nil {
				return err
			}
			if err := m.mapAsset(ctx, tx, a, sum); err != nil {
				return err
			}
		}
		return nil
	})
	return sum, err
}

// UnmappedAsset is an asset with no release, and the releases closest to
// it.
type UnmappedAsset struct {
	Asset            *vigil.Asset            `json:"asset"`
	Candidates       []fleet.Candidate       `json:"candidates"`
	AdvisoryProducts []vigil.AdvisoryProduct `json:"advisory_products"`
}

// UnmappedAssets lists the assets no release is mapped to (decommissioned
// ones left out), each with its closest candidates and the device-advisory
// products that still name it.
func (s *Service) UnmappedAssets(ctx context.Context, sc vigil.Scope) ([]UnmappedAsset, error) {
	var out []UnmappedAsset
	err := s.store.View(ctx, func(tx Tx) error {
		m, err := newMapper(ctx, tx, sc)
		if err != nil {
			return err
		}
		assets, _, err := tx.FindAssets(ctx, sc, vigil.AssetFilter{Unmapped: true})
		if err != nil {
			return err
		}
		for _, a := range assets {
			if !a.Status.Active() {
				continue
			}
			aps, err := tx.FindAdvisoryProducts(ctx, sc, vigil.AdvisoryProductFilter{AssetID: &a.ID})
			if err != nil {
				return err
			}
			if aps == nil {
				aps = []vigil.AdvisoryProduct{}
			}
			cands := m.catalog.Candidates(a, m.aliases)
			if cands == nil {
				cands = []fleet.Candidate{}
			}
			out = append(out, UnmappedAsset{Asset: a, Candidates: cands, AdvisoryProducts: aps})
		}
		return nil
	})
	return out, err
}

// ReleaseRef names a catalogue release as a person types it: an id, or
// "Product@version" (optionally of one owner organization).
type ReleaseRef struct {
	Ref   string
	Owner string
}

func resolveCatalogRelease(cat *fleet.Catalog, ref ReleaseRef) (*vigil.CatalogRelease, error) {
	r := strings.TrimSpace(ref.Ref)
	if id, err := strconv.ParseInt(r, 10, 64); err == nil {
		if c, ok := cat.Release(id); ok {
			return c, nil
		}
		return nil, fmt.Errorf("release %d is not in your catalogue or shared with you: %w", id, vigil.ErrNotFound)
	}
	product, version, ok := strings.Cut(r, "@")
	if !ok {
		return nil, fmt.Errorf("release %q: give an id or PRODUCT@VERSION: %w", r, vigil.ErrInvalid)
	}
	var found []*vigil.CatalogRelease
	for _, c := range cat.Releases() {
		if c.Product == product && c.Version == version && (ref.Owner == "" || c.Owner == ref.Owner) {
			found = append(found, c)
		}
	}
	switch len(found) {
	case 0:
		return nil, fmt.Errorf("release %q is not in your catalogue or shared with you: %w", r, vigil.ErrNotFound)
	case 1:
		return found[0], nil
	}
	owners := make([]string, len(found))
	for i, c := range found {
		owners[i] = c.Owner
	}
	return nil, fmt.Errorf("release %q exists at %s; choose one with --owner: %w", r, strings.Join(owners, ", "), vigil.ErrInvalid)
}

// MapAsset sets (or, with an empty ref, removes) an asset's release by a
// person's decision: the mapping is confirmed and automatic mapping leaves
// it alone.
func (s *Service) MapAsset(ctx context.Context, sc vigil.Scope, assetRef string, rel ReleaseRef, note string) (*vigil.Asset, error) {
	var id int64
	err := s.store.Update(ctx, func(tx Tx) error {
		if err := requireProvider(ctx, tx, sc); err != nil {
			return err
		}
		a, err := ResolveAsset(ctx, tx, sc, assetRef)
		if err != nil {
			return err
		}
		id = a.ID
		if strings.TrimSpace(rel.Ref) == "" {
			return tx.SetAssetMapping(ctx, sc, a.ID, vigil.AssetMapping{MappedBy: sc.Actor})
		}
		m, err := newMapper(ctx, tx, sc)
		if err != nil {
			return err
		}
		c, err := resolveCatalogRelease(m.catalog, rel)
		if err != nil {
			return err
		}
		reason := "confirmed by " + sc.Actor
		if note = strings.TrimSpace(note); note != "" {
			reason += ": " + note
		}
		if len(reason) > 2000 {
			return fmt.Errorf("note is longer than 2000 characters: %w", vigil.ErrInvalid)
		}
		return tx.SetAssetMapping(ctx, sc, a.ID, vigil.AssetMapping{ReleaseID: c.ID, Confidence: vigil.MappingConfirmed,
			Reason: reason, MappedBy: sc.Actor})
	})
	if err != nil {
		return nil, err
	}
	return s.assetByID(ctx, sc, id)
}

// Catalog lists the releases the organization can map assets to: its own
// and those manufacturers shared with it.
func (s *Service) Catalog(ctx context.Context, sc vigil.Scope) ([]*vigil.CatalogRelease, error) {
	var out []*vigil.CatalogRelease
	err := s.store.View(ctx, func(tx Tx) error {
		var err error
		out, err = tx.FindCatalogReleases(ctx, sc, vigil.CatalogFilter{})
		return err
	})
	if out == nil {
		out = []*vigil.CatalogRelease{}
	}
	return out, err
}

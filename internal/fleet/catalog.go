package fleet

import (
	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/match"
)

// Catalog indexes the releases a hospital can map to by model key (each
// device model and the product name, compared as match.NameKey does), so
// that mapping a fleet of 100,000 assets looks up each asset's model
// rather than scoring every release.
type Catalog struct {
	releases []*vigil.CatalogRelease
	byModel  map[string][]*vigil.CatalogRelease
	byID     map[int64]*vigil.CatalogRelease
}

// NewCatalog indexes releases.
func NewCatalog(releases []*vigil.CatalogRelease) *Catalog {
	c := &Catalog{releases: releases, byModel: map[string][]*vigil.CatalogRelease{}, byID: map[int64]*vigil.CatalogRelease{}}
	for _, r := range releases {
		c.byID[r.ID] = r
		seen := map[string]bool{}
		for _, n := range append([]string{r.Product}, r.DeviceModels...) {
			if k := match.NameKey(n); k != "" && !seen[k] {
				seen[k] = true
				c.byModel[k] = append(c.byModel[k], r)
			}
		}
	}
	return c
}

// Release returns a release of the catalogue by id.
func (c *Catalog) Release(id int64) (*vigil.CatalogRelease, bool) {
	r, ok := c.byID[id]
	return r, ok
}

// Releases returns every release.
func (c *Catalog) Releases() []*vigil.CatalogRelease { return c.releases }

// Auto returns the release an asset maps to automatically (see Best):
// only releases whose model equals the asset's are considered, which is
// all that exact and probable need.
func (c *Catalog) Auto(a *vigil.Asset, al *Aliases) (Candidate, bool) {
	model, _ := ModelVersion(a)
	return Best(Rank(a, c.byModel[match.NameKey(model)], al))
}

// Candidates ranks every release for an asset (see Rank): the closest
// candidates of an asset that did not map.
func (c *Catalog) Candidates(a *vigil.Asset, al *Aliases) []Candidate {
	return Rank(a, c.releases, al)
}

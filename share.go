package vigil

import "time"

// Share is a manufacturer organization's explicit grant to a healthcare
// provider organization: the grantee may see the shared releases (their
// product, SBOM findings and statements) to map its assets onto them.
// Nothing of one organization is visible to another without a share.
//
// A share covers all of the manufacturer's products (ProductID zero), one
// product and all its releases (ReleaseID zero), or one release.
type Share struct {
	ID    int64 `json:"id"`
	OrgID int64 `json:"org_id"`
	// GranteeOrgID is the healthcare provider that may see; Grantee its
	// slug, for display.
	GranteeOrgID int64  `json:"grantee_org_id"`
	Grantee      string `json:"grantee"`
	// Owner is the sharing organization's slug, for the grantee's view.
	Owner          string    `json:"owner"`
	ProductID      int64     `json:"product_id,omitempty"`
	Product        string    `json:"product,omitempty"`
	ReleaseID      int64     `json:"release_id,omitempty"`
	ReleaseVersion string    `json:"release_version,omitempty"`
	CreatedBy      string    `json:"created_by"`
	CreatedAt      time.Time `json:"created_at"`
}

// Covers says what the share grants, in words.
func (s *Share) Covers() string {
	switch {
	case s.ReleaseID != 0:
		return "release " + s.Product + " " + s.ReleaseVersion
	case s.ProductID != 0:
		return "every release of " + s.Product
	}
	return "every product"
}

// CatalogRelease is a release a healthcare provider can map assets to: one
// of its own catalogue, or one a manufacturer shared with it.
type CatalogRelease struct {
	Release
	// Manufacturer and DeviceModels are the product's.
	Manufacturer string   `json:"manufacturer"`
	DeviceModels []string `json:"device_models"`
	// Owner is the slug of the organization the release belongs to;
	// Shared is true when that is not the viewer.
	Owner  string `json:"owner"`
	Shared bool   `json:"shared"`
	// HasSBOM is true when the release has a current SBOM.
	HasSBOM bool `json:"has_sbom"`
}

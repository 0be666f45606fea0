package vigil

// Filters and pages select what a listing returns. They are the domain's
// words for a query, shared by the application layer and the stores.

// Page limits a listing. A zero Limit means no limit.
type Page struct {
	Offset int
	Limit  int
}

// OrgFilter selects organizations.
type OrgFilter struct {
	Kind *OrgKind
	Page
}

// ProductFilter selects products of one organization, ordered by name.
type ProductFilter struct {
	Name         *string
	Manufacturer *string
	Page
}

// ReleaseFilter selects releases of one organization, ordered by product
// name, then creation.
type ReleaseFilter struct {
	ProductID *int64
	Page
}

// AssetFilter selects assets of one organization, ordered by asset tag,
// then serial, then id.
type AssetFilter struct {
	Status *AssetStatus
	// ReleaseIDs selects assets mapped to any of the releases.
	ReleaseIDs []int64
	// IDs selects assets by id.
	IDs []int64
	// Unmapped selects assets with no release.
	Unmapped bool
	// Mapped selects assets with a release.
	Mapped bool
	Page
}

// AdvisoryProductFilter selects advisory products of one organization.
type AdvisoryProductFilter struct {
	AssetID *int64
	VulnIDs []string
}

// CatalogFilter selects catalogue releases.
type CatalogFilter struct {
	ReleaseID *int64
	// ReleaseIDs and ProductIDs select releases by id, or of products.
	ReleaseIDs []int64
	ProductIDs []int64
}

// VisibleFindingFilter selects findings of visible releases.
type VisibleFindingFilter struct {
	// VulnIDs selects findings of these vulnerabilities (their vuln_id).
	VulnIDs []string
	// ReleaseIDs selects findings of these releases.
	ReleaseIDs []int64
	// MappedOnly selects findings of releases an asset of sc is mapped to.
	MappedOnly      bool
	IncludeResolved bool
}

// AssetEventFilter selects events.
type AssetEventFilter struct {
	VulnID  *string
	AssetID *int64
	// Kinds selects events of these kinds (all when empty).
	Kinds []AssetEventKind
	Page
}

// WorkItemFilter selects work items.
type WorkItemFilter struct {
	AssetID *int64
	VulnID  *string
}

// FindingFilter selects findings of one organization.
type FindingFilter struct {
	// ID selects one finding.
	ID        *int64
	ReleaseID *int64
	SBOMID    *int64
	VulnID    *string
	// ComponentKey with ReleaseID finds the same component on a release.
	ComponentKey *string
	// IncludeResolved also returns findings that no longer match.
	IncludeResolved bool
}

// DecommissionFilter selects decommissionings of one organization.
type DecommissionFilter struct {
	AssetID *int64
	// Query finds decommissionings whose asset tag, serial, manufacturer,
	// model, reason or certificate number contains it (case-insensitive).
	Query string
}

// NoticeFilter selects notices of one organization.
type NoticeFilter struct {
	ReleaseID *int64
	Kind      *NoticeKind
}

// TransferFilter selects transfers of one organization.
type TransferFilter struct {
	ReleaseID *int64
}

// MDS2Filter selects forms of one organization.
type MDS2Filter struct {
	ReleaseID *int64
	Candidate *string
	// CandidatesOnly leaves out release forms.
	CandidatesOnly bool
	// CurrentOnly leaves out superseded forms.
	CurrentOnly bool
}

// SBOMFilter selects SBOM documents of one organization.
type SBOMFilter struct {
	ReleaseID *int64
	// CurrentOnly leaves out superseded documents.
	CurrentOnly bool
}

// VEXDocumentFilter selects imported VEX documents.
type VEXDocumentFilter struct {
	// SHA256 finds earlier imports of the same bytes.
	SHA256 *string
	Page
}

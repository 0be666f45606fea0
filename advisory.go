package vigil

import (
	"strings"
	"time"
)

// Advisory is a CSAF 2.0 document as the knowledge base keeps it: who
// published it, the product tree naming the products it speaks of, and per
// vulnerability the status of each product. Device advisories (CISA ICSMA)
// and VEX documents are both advisories.
type Advisory struct {
	// ID is the document's tracking id (e.g. "ICSMA-24-163-01").
	ID       string           `json:"id"`
	Title    string           `json:"title"`
	Category AdvisoryCategory `json:"category"`
	// CSAFVersion is the document's csaf_version ("2.0").
	CSAFVersion string    `json:"csaf_version"`
	Publisher   Publisher `json:"publisher"`
	Lang        string    `json:"lang,omitempty"`
	// TLP is the distribution's TLP label (CLEAR, WHITE, GREEN, AMBER,
	// RED), empty when the document has none.
	TLP string `json:"tlp,omitempty"`
	// Status and Version are the tracking status and version.
	Status    TrackingStatus `json:"status"`
	Version   string         `json:"version"`
	Published time.Time      `json:"published"`
	Modified  time.Time      `json:"modified"`
	// AggregateSeverity is the publisher's overall rating, as text.
	AggregateSeverity string      `json:"aggregate_severity,omitempty"`
	Summary           string      `json:"summary,omitempty"`
	References        []Reference `json:"references,omitempty"`
	ProductTree       ProductTree `json:"product_tree"`
	// Vulnerabilities holds, per vulnerability, what the document says of
	// each product.
	Vulnerabilities []AdvisoryVulnerability `json:"vulnerabilities,omitempty"`
	Provenance
}

// Validate checks what every importer must produce, reporting all problems.
func (a *Advisory) Validate() error {
	var v ValidationError
	if strings.TrimSpace(a.ID) == "" {
		v.Add("id", "is required")
	}
	if !a.Category.Valid() {
		v.Add("category", "%q is not a known CSAF category", a.Category)
	}
	if a.Status != "" && !a.Status.Valid() {
		v.Add("status", "must be one of %v", TrackingStatuses)
	}
	a.Provenance.validate(&v)
	return v.Err()
}

// AdvisoryCategory is the CSAF document category. CSAF allows any other
// category as a base profile; the ones below are those of the standard's
// profiles.
type AdvisoryCategory string

const (
	CategoryBase             AdvisoryCategory = "csaf_base"
	CategorySecurityIncident AdvisoryCategory = "csaf_security_incident_response"
	CategoryInformational    AdvisoryCategory = "csaf_informational_advisory"
	CategorySecurityAdvisory AdvisoryCategory = "csaf_security_advisory"
	CategoryVEX              AdvisoryCategory = "csaf_vex"
)

// AdvisoryCategories lists the categories of the CSAF 2.0 profiles.
var AdvisoryCategories = []AdvisoryCategory{CategoryBase, CategorySecurityIncident,
	CategoryInformational, CategorySecurityAdvisory, CategoryVEX}

// Valid reports whether c is non-empty: CSAF treats unknown categories as
// the base profile, so any non-blank text is allowed.
func (c AdvisoryCategory) Valid() bool { return strings.TrimSpace(string(c)) != "" }

// Profile reports whether c is one of the standard's named profiles.
func (c AdvisoryCategory) Profile() bool { return validToken(c, AdvisoryCategories) }

// TrackingStatus is a CSAF document's tracking status.
type TrackingStatus string

const (
	TrackingDraft   TrackingStatus = "draft"
	TrackingFinal   TrackingStatus = "final"
	TrackingInterim TrackingStatus = "interim"
)

// TrackingStatuses lists the statuses.
var TrackingStatuses = []TrackingStatus{TrackingDraft, TrackingFinal, TrackingInterim}

// Valid reports whether s is a known status.
func (s TrackingStatus) Valid() bool { return validToken(s, TrackingStatuses) }

// Publisher is the CSAF document's publisher.
type Publisher struct {
	Name string `json:"name"`
	// Namespace is the publisher's URL, which scopes its tracking ids.
	Namespace string `json:"namespace"`
	// Category is the CSAF publisher category (vendor, coordinator, …).
	Category string `json:"category"`
}

// ProductTree names the products an advisory speaks of: a tree of branches
// (vendor → product name → version), standalone full product names,
// relationships (a component installed on a platform) and product groups.
type ProductTree struct {
	Branches         []Branch          `json:"branches,omitempty"`
	FullProductNames []FullProductName `json:"full_product_names,omitempty"`
	Relationships    []Relationship    `json:"relationships,omitempty"`
	ProductGroups    []ProductGroup    `json:"product_groups,omitempty"`
}

// BranchCategory is a CSAF branch category.
type BranchCategory string

const (
	BranchArchitecture        BranchCategory = "architecture"
	BranchHostName            BranchCategory = "host_name"
	BranchLanguage            BranchCategory = "language"
	BranchLegacy              BranchCategory = "legacy"
	BranchPatchLevel          BranchCategory = "patch_level"
	BranchProductFamily       BranchCategory = "product_family"
	BranchProductName         BranchCategory = "product_name"
	BranchProductVersion      BranchCategory = "product_version"
	BranchProductVersionRange BranchCategory = "product_version_range"
	BranchServicePack         BranchCategory = "service_pack"
	BranchSpecification       BranchCategory = "specification"
	BranchVendor              BranchCategory = "vendor"
)

// BranchCategories lists the categories.
var BranchCategories = []BranchCategory{BranchArchitecture, BranchHostName, BranchLanguage,
	BranchLegacy, BranchPatchLevel, BranchProductFamily, BranchProductName, BranchProductVersion,
	BranchProductVersionRange, BranchServicePack, BranchSpecification, BranchVendor}

// Valid reports whether c is a known category.
func (c BranchCategory) Valid() bool { return validToken(c, BranchCategories) }

// Branch is one level of the product tree. A leaf carries a Product.
type Branch struct {
	Category BranchCategory `json:"category"`
	// Name is the vendor, product name, version or, for
	// product_version_range, a vers range ("vers:generic/>=1.0|<2.0") or
	// free text.
	Name     string           `json:"name"`
	Branches []Branch         `json:"branches,omitempty"`
	Product  *FullProductName `json:"product,omitempty"`
}

// FullProductName is a product the document refers to by ProductID.
type FullProductName struct {
	ProductID string `json:"product_id"`
	Name      string `json:"name"`
	// Helper identifies the product for matching; nil when absent.
	Helper *ProductIdentificationHelper `json:"helper,omitempty"`
}

// ProductIdentificationHelper identifies a product beyond its name.
type ProductIdentificationHelper struct {
	CPE           string       `json:"cpe,omitempty"`
	PURL          string       `json:"purl,omitempty"`
	ModelNumbers  []string     `json:"model_numbers,omitempty"`
	SKUs          []string     `json:"skus,omitempty"`
	SerialNumbers []string     `json:"serial_numbers,omitempty"`
	Hashes        []FileHashes `json:"hashes,omitempty"`
	SBOMURLs      []string     `json:"sbom_urls,omitempty"`
	GenericURIs   []GenericURI `json:"x_generic_uris,omitempty"`
}

// FileHashes are cryptographic hashes of one file of a product.
type FileHashes struct {
	FileName string     `json:"filename"`
	Hashes   []FileHash `json:"hashes"`
}

// FileHash is one digest of a product file as CSAF gives it: hex-encoded,
// with the algorithm's name as CSAF writes it ("sha256").
type FileHash struct {
	Algorithm string `json:"algorithm"`
	Value     string `json:"value"`
}

// GenericURI is an identifier URI in a namespace CSAF does not know.
type GenericURI struct {
	Namespace string `json:"namespace"`
	URI       string `json:"uri"`
}

// RelationshipCategory is how two products relate.
type RelationshipCategory string

const (
	DefaultComponentOf  RelationshipCategory = "default_component_of"
	ExternalComponentOf RelationshipCategory = "external_component_of"
	InstalledOn         RelationshipCategory = "installed_on"
	InstalledWith       RelationshipCategory = "installed_with"
	OptionalComponentOf RelationshipCategory = "optional_component_of"
)

// RelationshipCategories lists the categories.
var RelationshipCategories = []RelationshipCategory{DefaultComponentOf, ExternalComponentOf,
	InstalledOn, InstalledWith, OptionalComponentOf}

// Valid reports whether c is a known category.
func (c RelationshipCategory) Valid() bool { return validToken(c, RelationshipCategories) }

// Relationship makes a new product (FullProductName) from two: Product in
// the given relation to RelatesTo, e.g. a library installed on a device.
type Relationship struct {
	Category        RelationshipCategory `json:"category"`
	Product         string               `json:"product_reference"`
	RelatesTo       string               `json:"relates_to_product_reference"`
	FullProductName FullProductName      `json:"full_product_name"`
}

// ProductGroup names a set of products.
type ProductGroup struct {
	GroupID    string   `json:"group_id"`
	ProductIDs []string `json:"product_ids"`
	Summary    string   `json:"summary,omitempty"`
}

// TreeProduct is a product of the tree with the branch path that leads to
// it, flattened for matching.
type TreeProduct struct {
	FullProductName
	Vendor  string `json:"vendor,omitempty"`
	Family  string `json:"family,omitempty"`
	Product string `json:"product,omitempty"`
	// Version is the product_version branch, VersionRange the
	// product_version_range branch; at most one is set.
	Version      string `json:"version,omitempty"`
	VersionRange string `json:"version_range,omitempty"`
}

// Products returns every product the tree defines: branch leaves (with
// their path), full product names and relationship products, in document
// order.
func (t ProductTree) Products() []TreeProduct {
	var out []TreeProduct
	var walk func(bs []Branch, path TreeProduct, depth int)
	walk = func(bs []Branch, path TreeProduct, depth int) {
		if depth > maxBranchDepth {
			return
		}
		for _, b := range bs {
			p := path
			switch b.Category {
			case BranchVendor:
				p.Vendor = b.Name
			case BranchProductFamily:
				p.Family = b.Name
			case BranchProductName:
				p.Product = b.Name
			case BranchProductVersion:
				p.Version = b.Name
			case BranchProductVersionRange:
				p.VersionRange = b.Name
			}
			if b.Product != nil {
				leaf := p
				leaf.FullProductName = *b.Product
				out = append(out, leaf)
			}
			walk(b.Branches, p, depth+1)
		}
	}
	walk(t.Branches, TreeProduct{}, 0)
	for _, f := range t.FullProductNames {
		out = append(out, TreeProduct{FullProductName: f})
	}
	for _, r := range t.Relationships {
		out = append(out, TreeProduct{FullProductName: r.FullProductName})
	}
	return out
}

// maxBranchDepth bounds product tree walks; the CSAF schema allows 30.
const maxBranchDepth = 30

// AdvisoryVulnerability is what an advisory says about one vulnerability.
type AdvisoryVulnerability struct {
	// CVE is the CVE id, empty when the vulnerability has none.
	CVE string `json:"cve,omitempty"`
	// IDs are other identifiers (system name and text).
	IDs   []VulnerabilityID `json:"ids,omitempty"`
	Title string            `json:"title,omitempty"`
	// CWE is the weakness id, e.g. "CWE-798", with its name.
	CWE           string         `json:"cwe,omitempty"`
	CWEName       string         `json:"cwe_name,omitempty"`
	Summary       string         `json:"summary,omitempty"`
	DiscoveryDate time.Time      `json:"discovery_date,omitzero"`
	ReleaseDate   time.Time      `json:"release_date,omitzero"`
	ProductStatus ProductStatus  `json:"product_status"`
	Flags         []Flag         `json:"flags,omitempty"`
	Remediations  []Remediation  `json:"remediations,omitempty"`
	Threats       []Threat       `json:"threats,omitempty"`
	Scores        []ProductScore `json:"scores,omitempty"`
	References    []Reference    `json:"references,omitempty"`
}

// VulnerabilityID is an identifier in a tracking system other than CVE.
type VulnerabilityID struct {
	SystemName string `json:"system_name"`
	Text       string `json:"text"`
}

// ProductStatusKind is one of the CSAF product status lists.
type ProductStatusKind string

const (
	ProductFirstAffected      ProductStatusKind = "first_affected"
	ProductFirstFixed         ProductStatusKind = "first_fixed"
	ProductFixed              ProductStatusKind = "fixed"
	ProductKnownAffected      ProductStatusKind = "known_affected"
	ProductKnownNotAffected   ProductStatusKind = "known_not_affected"
	ProductLastAffected       ProductStatusKind = "last_affected"
	ProductRecommended        ProductStatusKind = "recommended"
	ProductUnderInvestigation ProductStatusKind = "under_investigation"
)

// ProductStatusKinds lists the kinds in CSAF order.
var ProductStatusKinds = []ProductStatusKind{ProductFirstAffected, ProductFirstFixed, ProductFixed,
	ProductKnownAffected, ProductKnownNotAffected, ProductLastAffected, ProductRecommended, ProductUnderInvestigation}

// Valid reports whether k is a known kind.
func (k ProductStatusKind) Valid() bool { return validToken(k, ProductStatusKinds) }

// ProductStatus lists product ids by status for one vulnerability.
type ProductStatus struct {
	FirstAffected      []string `json:"first_affected,omitempty"`
	FirstFixed         []string `json:"first_fixed,omitempty"`
	Fixed              []string `json:"fixed,omitempty"`
	KnownAffected      []string `json:"known_affected,omitempty"`
	KnownNotAffected   []string `json:"known_not_affected,omitempty"`
	LastAffected       []string `json:"last_affected,omitempty"`
	Recommended        []string `json:"recommended,omitempty"`
	UnderInvestigation []string `json:"under_investigation,omitempty"`
}

// List returns the product ids under kind k.
func (s ProductStatus) List(k ProductStatusKind) []string {
	switch k {
	case ProductFirstAffected:
		return s.FirstAffected
	case ProductFirstFixed:
		return s.FirstFixed
	case ProductFixed:
		return s.Fixed
	case ProductKnownAffected:
		return s.KnownAffected
	case ProductKnownNotAffected:
		return s.KnownNotAffected
	case ProductLastAffected:
		return s.LastAffected
	case ProductRecommended:
		return s.Recommended
	case ProductUnderInvestigation:
		return s.UnderInvestigation
	}
	return nil
}

// Of returns the kinds under which product id is listed, in CSAF order.
func (s ProductStatus) Of(id string) []ProductStatusKind {
	var out []ProductStatusKind
	for _, k := range ProductStatusKinds {
		for _, p := range s.List(k) {
			if p == id {
				out = append(out, k)
				break
			}
		}
	}
	return out
}

// Affected reports whether the kind says the product is affected.
func (k ProductStatusKind) Affected() bool {
	return k == ProductFirstAffected || k == ProductKnownAffected || k == ProductLastAffected
}

// FlagLabel is a CSAF flag label: the machine-readable justification of a
// known_not_affected status.
type FlagLabel string

const (
	ComponentNotPresent                         FlagLabel = "component_not_present"
	InlineMitigationsAlreadyExist               FlagLabel = "inline_mitigations_already_exist"
	VulnerableCodeCannotBeControlledByAdversary FlagLabel = "vulnerable_code_cannot_be_controlled_by_adversary"
	VulnerableCodeNotInExecutePath              FlagLabel = "vulnerable_code_not_in_execute_path"
	VulnerableCodeNotPresent                    FlagLabel = "vulnerable_code_not_present"
)

// FlagLabels lists the labels.
var FlagLabels = []FlagLabel{ComponentNotPresent, InlineMitigationsAlreadyExist,
	VulnerableCodeCannotBeControlledByAdversary, VulnerableCodeNotInExecutePath, VulnerableCodeNotPresent}

// Valid reports whether l is a known label.
func (l FlagLabel) Valid() bool { return validToken(l, FlagLabels) }

// Flag justifies, for some products, why they are not affected.
type Flag struct {
	Label      FlagLabel `json:"label"`
	Date       time.Time `json:"date,omitzero"`
	ProductIDs []string  `json:"product_ids,omitempty"`
	GroupIDs   []string  `json:"group_ids,omitempty"`
}

// RemediationCategory is a CSAF remediation category.
type RemediationCategory string

const (
	Mitigation    RemediationCategory = "mitigation"
	NoFixPlanned  RemediationCategory = "no_fix_planned"
	NoneAvailable RemediationCategory = "none_available"
	VendorFix     RemediationCategory = "vendor_fix"
	Workaround    RemediationCategory = "workaround"
)

// RemediationCategories lists the categories.
var RemediationCategories = []RemediationCategory{Mitigation, NoFixPlanned, NoneAvailable, VendorFix, Workaround}

// Valid reports whether c is a known category.
func (c RemediationCategory) Valid() bool { return validToken(c, RemediationCategories) }

// Remediation is what to do about a vulnerability for some products.
type Remediation struct {
	Category     RemediationCategory `json:"category"`
	Details      string              `json:"details"`
	URL          string              `json:"url,omitempty"`
	Date         time.Time           `json:"date,omitzero"`
	Entitlements []string            `json:"entitlements,omitempty"`
	// RestartRequired is the CSAF restart category ("none", "machine", …).
	RestartRequired string   `json:"restart_required,omitempty"`
	ProductIDs      []string `json:"product_ids,omitempty"`
	GroupIDs        []string `json:"group_ids,omitempty"`
}

// ThreatCategory is a CSAF threat category.
type ThreatCategory string

const (
	ThreatExploitStatus ThreatCategory = "exploit_status"
	ThreatImpact        ThreatCategory = "impact"
	ThreatTargetSet     ThreatCategory = "target_set"
)

// ThreatCategories lists the categories.
var ThreatCategories = []ThreatCategory{ThreatExploitStatus, ThreatImpact, ThreatTargetSet}

// Valid reports whether c is a known category.
func (c ThreatCategory) Valid() bool { return validToken(c, ThreatCategories) }

// Threat describes exploitation, impact or targets for some products; an
// "impact" threat is the human-readable justification of
// known_not_affected.
type Threat struct {
	Category   ThreatCategory `json:"category"`
	Details    string         `json:"details"`
	Date       time.Time      `json:"date,omitzero"`
	ProductIDs []string       `json:"product_ids,omitempty"`
	GroupIDs   []string       `json:"group_ids,omitempty"`
}

// ProductScore is a set of severities that applies to some products.
type ProductScore struct {
	ProductIDs []string   `json:"product_ids"`
	Severities []Severity `json:"severities"`
}

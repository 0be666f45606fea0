// Package csaf is vigil's one model of a CSAF 2.0 document: the wire
// types that both the advisory importer (internal/feed/csaf) and the CSAF
// VEX codec (internal/vex/csaf) decode and encode, the checks a document
// must pass — the JSON schema and the mandatory tests of section 6.1 —
// and the verification of checksums and OpenPGP signatures beside a file.
//
// Check runs, in order:
//
//  1. the CSAF 2.0 JSON schema with the FIRST CVSS v2/v3.0/v3.1 schemas
//     it references, as github.com/gocsaf/csaf/v3 embeds them, compiled
//     once per process on first use (nothing is fetched). That variant
//     forbids properties the standard does not define, which the official
//     schema allows and CSAF optional test 6.2.20 only warns about: such
//     problems are warnings unless Config.Strict;
//  2. the mandatory tests this package implements (see MandatoryTests;
//     6.1.8 is covered by the schema).
//
// gocsaf's Go types are not used: in v3.7.0 ProductGroups is a struct
// where the JSON has an array (product_groups, group_ids), and the types
// are pointers throughout. The types here are plain, hold the parts of
// CSAF 2.0 vigil reads or writes, and list their fields in the standard's
// (alphabetical) order so that written documents read like the OASIS
// examples. Optional fields are omitted when empty.
package csaf

import "encoding/json"

// Document is a CSAF 2.0 document.
type Document struct {
	Document        Meta            `json:"document"`
	ProductTree     ProductTree     `json:"product_tree"`
	Vulnerabilities []Vulnerability `json:"vulnerabilities"`
}

// Meta is the document-level metadata ("document").
type Meta struct {
	AggregateSeverity AggregateSeverity `json:"aggregate_severity,omitzero"`
	Category          string            `json:"category"`
	CSAFVersion       string            `json:"csaf_version"`
	Distribution      Distribution      `json:"distribution,omitzero"`
	Lang              string            `json:"lang,omitempty"`
	Notes             []Note            `json:"notes,omitempty"`
	Publisher         Publisher         `json:"publisher"`
	References        []Reference       `json:"references,omitempty"`
	Title             string            `json:"title"`
	Tracking          Tracking          `json:"tracking"`
}

// AggregateSeverity is the publisher's overall severity of the document.
type AggregateSeverity struct {
	Namespace string `json:"namespace,omitempty"`
	Text      string `json:"text"`
}

// Distribution says how the document may be shared.
type Distribution struct {
	Text string `json:"text,omitempty"`
	TLP  TLP    `json:"tlp,omitzero"`
}

// TLP is the Traffic Light Protocol label of a document.
type TLP struct {
	Label string `json:"label"`
	URL   string `json:"url,omitempty"`
}

// Note is a note of a document or a vulnerability.
type Note struct {
	Category string `json:"category"`
	Text     string `json:"text"`
	Title    string `json:"title,omitempty"`
}

// Publisher is who issues the document.
type Publisher struct {
	Category  string `json:"category"`
	Name      string `json:"name"`
	Namespace string `json:"namespace"`
}

// Reference is a link to more information.
type Reference struct {
	Category string `json:"category,omitempty"`
	Summary  string `json:"summary"`
	URL      string `json:"url"`
}

// Tracking identifies the document and its version.
type Tracking struct {
	CurrentReleaseDate string     `json:"current_release_date"`
	Generator          *Generator `json:"generator,omitempty"`
	ID                 string     `json:"id"`
	InitialReleaseDate string     `json:"initial_release_date"`
	RevisionHistory    []Revision `json:"revision_history"`
	Status             string     `json:"status"`
	Version            string     `json:"version"`
}

// Generator names the tool that wrote the document.
type Generator struct {
	Date   string `json:"date,omitempty"`
	Engine Engine `json:"engine"`
}

// Engine is a generator's name and version.
type Engine struct {
	Name    string `json:"name"`
	Version string `json:"version,omitempty"`
}

// Revision is one entry of the revision history.
type Revision struct {
	Date    string `json:"date"`
	Number  string `json:"number"`
	Summary string `json:"summary"`
}

// ProductTree defines the products the document speaks of.
type ProductTree struct {
	Branches         []Branch          `json:"branches,omitempty"`
	FullProductNames []FullProductName `json:"full_product_names,omitempty"`
	ProductGroups    []ProductGroup    `json:"product_groups,omitempty"`
	Relationships    []Relationship    `json:"relationships,omitempty"`
}

// Branch is a node of the product tree: vendor, product name, version…
// A branch holds a product or branches, never both.
type Branch struct {
	Branches []Branch         `json:"branches,omitempty"`
	Category string           `json:"category"`
	Name     string           `json:"name"`
	Product  *FullProductName `json:"product,omitempty"`
}

// FullProductName defines one product.
type FullProductName struct {
	Name      string  `json:"name"`
	ProductID string  `json:"product_id"`
	Helper    *Helper `json:"product_identification_helper,omitempty"`
}

// Helper is a product's product_identification_helper.
type Helper struct {
	CPE           string       `json:"cpe,omitempty"`
	Hashes        []Hashes     `json:"hashes,omitempty"`
	ModelNumbers  []string     `json:"model_numbers,omitempty"`
	PURL          string       `json:"purl,omitempty"`
	SBOMURLs      []string     `json:"sbom_urls,omitempty"`
	SerialNumbers []string     `json:"serial_numbers,omitempty"`
	SKUs          []string     `json:"skus,omitempty"`
	XGenericURIs  []GenericURI `json:"x_generic_uris,omitempty"`
}

// Hashes are the cryptographic hashes of one file of a product.
type Hashes struct {
	FileHashes []FileHash `json:"file_hashes"`
	FileName   string     `json:"filename"`
}

// FileHash is one hash of a file.
type FileHash struct {
	Algorithm string `json:"algorithm"`
	Value     string `json:"value"`
}

// GenericURI identifies a product in a namespace CSAF does not name.
type GenericURI struct {
	Namespace string `json:"namespace"`
	URI       string `json:"uri"`
}

// ProductGroup names a set of products.
type ProductGroup struct {
	GroupID    string   `json:"group_id"`
	ProductIDs []string `json:"product_ids"`
	Summary    string   `json:"summary,omitempty"`
}

// Relationship defines a product made of two others ("component as a
// part of product", "installed on").
type Relationship struct {
	Category                  string          `json:"category"`
	FullProductName           FullProductName `json:"full_product_name"`
	ProductReference          string          `json:"product_reference"`
	RelatesToProductReference string          `json:"relates_to_product_reference"`
}

// Vulnerability is one vulnerability and what it means for the products.
type Vulnerability struct {
	CVE           string        `json:"cve,omitempty"`
	CWE           CWE           `json:"cwe,omitzero"`
	DiscoveryDate string        `json:"discovery_date,omitempty"`
	Flags         []Flag        `json:"flags,omitempty"`
	IDs           []ID          `json:"ids,omitempty"`
	Notes         []Note        `json:"notes,omitempty"`
	ProductStatus ProductStatus `json:"product_status"`
	References    []Reference   `json:"references,omitempty"`
	ReleaseDate   string        `json:"release_date,omitempty"`
	Remediations  []Remediation `json:"remediations,omitempty"`
	Scores        []Score       `json:"scores,omitempty"`
	Threats       []Threat      `json:"threats,omitempty"`
	Title         string        `json:"title,omitempty"`
}

// CWE is the weakness of a vulnerability.
type CWE struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// ID is a vulnerability's id in a system other than CVE.
type ID struct {
	SystemName string `json:"system_name"`
	Text       string `json:"text"`
}

// Flag is a machine-readable justification of not_affected.
type Flag struct {
	Date       string   `json:"date,omitempty"`
	GroupIDs   []string `json:"group_ids,omitempty"`
	Label      string   `json:"label"`
	ProductIDs []string `json:"product_ids,omitempty"`
}

// Remediation is what to do about a vulnerability.
type Remediation struct {
	Category        string          `json:"category"`
	Date            string          `json:"date,omitempty"`
	Details         string          `json:"details"`
	Entitlements    []string        `json:"entitlements,omitempty"`
	GroupIDs        []string        `json:"group_ids,omitempty"`
	ProductIDs      []string        `json:"product_ids,omitempty"`
	RestartRequired RestartRequired `json:"restart_required,omitzero"`
	URL             string          `json:"url,omitempty"`
}

// RestartRequired says what a remediation must restart.
type RestartRequired struct {
	Category string `json:"category"`
	Details  string `json:"details,omitempty"`
}

// Threat is the context of a vulnerability: its impact, exploit status
// or target set.
type Threat struct {
	Category   string   `json:"category"`
	Date       string   `json:"date,omitempty"`
	Details    string   `json:"details"`
	GroupIDs   []string `json:"group_ids,omitempty"`
	ProductIDs []string `json:"product_ids,omitempty"`
}

// Score is the CVSS of a vulnerability for some products.
type Score struct {
	CVSSv2   *CVSS    `json:"cvss_v2,omitempty"`
	CVSSv3   *CVSS    `json:"cvss_v3,omitempty"`
	Products []string `json:"products"`
}

// CVSS is the part of a FIRST CVSS object vigil keeps; the score keeps
// the digits its source wrote.
type CVSS struct {
	BaseScore    json.Number `json:"baseScore"`
	VectorString string      `json:"vectorString"`
	Version      string      `json:"version"`
}

// ProductStatus lists the products by status.
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

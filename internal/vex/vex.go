// Package vex is the format-free model of a VEX document (Vulnerability
// Exploitability eXchange): who says it, about which products and
// components, and per vulnerability × product one statement of status,
// justification, response and detail. The exporters and parsers of the
// three formats vigil speaks — CSAF 2.0 VEX (internal/vex/csaf), OpenVEX 0.2
// (internal/vex/openvex) and CycloneDX 1.6 VEX (internal/vex/cyclonedx) — convert
// between this model and their bytes; internal/vex/codecs detects which one a
// document is. The package holds no I/O.
//
// The statuses, justifications and responses are vigil's triage vocabulary
// (vigil.TriageState, vigil.Justification, vigil.Response): VEX's own
// tokens. Each format maps them onto its words; where a format has no word
// for one (CSAF and OpenVEX know no "false positive", CycloneDX no
// "component not present") the format package documents what it writes.
package vex

import (
	"crypto/sha1"
	"encoding/hex"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/vigil/vigil"
)

// Format names a VEX format (vigil.VEXFormat).
type Format = vigil.VEXFormat

// The formats.
const (
	FormatCSAF      = vigil.VEXCSAF
	FormatOpenVEX   = vigil.VEXOpenVEX
	FormatCycloneDX = vigil.VEXCycloneDX
)

// Formats lists the formats.
var Formats = vigil.VEXFormats

// Document is one VEX document.
type Document struct {
	// Format is the format the document was read from; exporters ignore it.
	Format Format `json:"format,omitempty"`
	// ID is the document's own identifier: CSAF document.tracking.id,
	// OpenVEX @id, CycloneDX serialNumber.
	ID string `json:"id"`
	// Version is the document's revision: CSAF tracking.version, OpenVEX
	// version, CycloneDX version.
	Version string `json:"version,omitempty"`
	Title   string `json:"title,omitempty"`
	// Publisher is who issues the statements: CSAF publisher.name, OpenVEX
	// author, CycloneDX metadata.manufacturer (or supplier).
	Publisher string `json:"publisher,omitempty"`
	// PublisherURL is the publisher's namespace (CSAF publisher.namespace,
	// CycloneDX manufacturer url).
	PublisherURL string `json:"publisher_url,omitempty"`
	// Issued is when the document was first issued; Updated when this
	// revision was (CSAF initial/current_release_date, OpenVEX timestamp
	// and last_updated, CycloneDX metadata.timestamp for both).
	Issued  time.Time `json:"issued,omitzero"`
	Updated time.Time `json:"updated,omitzero"`
	// Summary says what the document is about (CSAF document notes,
	// CycloneDX metadata properties are not used).
	Summary string `json:"summary,omitempty"`
	// Tool names what produced the document, "name version".
	Tool string `json:"tool,omitempty"`
	// Products are the products and components the statements name, each
	// once.
	Products   []Product   `json:"products"`
	Statements []Statement `json:"statements"`
	// Warnings are what a parser left out and why, with where ("$.vulnerabilities[3]:
	// names no product"). Writers ignore them.
	Warnings []string `json:"warnings,omitempty"`
}

// Product is a product or a component of one, as a document identifies it.
type Product struct {
	// Ref is the product's id inside the document: CSAF product_id,
	// OpenVEX @id, CycloneDX bom-ref (possibly a BOM-Link
	// "urn:cdx:serial/version#ref" into another document).
	Ref string `json:"ref"`
	// Label is the product's full display name.
	Label string `json:"label,omitempty"`
	// Vendor, Name and Version are the product's identity in words (CSAF
	// branches vendor → product_name → product_version, CycloneDX
	// manufacturer/group, name, version).
	Vendor  string `json:"vendor,omitempty"`
	Name    string `json:"name,omitempty"`
	Version string `json:"version,omitempty"`
	// Type is what kind of thing the product is (library, firmware,
	// device, …: CycloneDX component type); empty lets the writer choose.
	Type vigil.ComponentType `json:"type,omitempty"`
	// Group is the namespace of Name (CycloneDX group: a Maven groupId, an
	// npm scope), not who made it (that is Vendor).
	Group string `json:"group,omitempty"`
	// VersionRange, when set, is the versions the product stands for: a
	// vers string or the free text CSAF advisories write (CSAF branch
	// product_version_range), read as the matcher reads it.
	VersionRange string `json:"version_range,omitempty"`
	// PURL and CPE identify it by machine (CSAF
	// product_identification_helper, OpenVEX identifiers, CycloneDX
	// purl/cpe).
	PURL string `json:"purl,omitempty"`
	CPE  string `json:"cpe,omitempty"`
	// Models are device model numbers (CSAF model_numbers).
	Models []string `json:"models,omitempty"`
}

// Describe names the product for a person: its label, else its identity.
func (p Product) Describe() string {
	switch {
	case p.Label != "":
		return p.Label
	case p.Name != "":
		return strings.TrimSpace(strings.Join([]string{p.Vendor, p.Name, p.Version}, " "))
	case p.PURL != "":
		return p.PURL
	case p.CPE != "":
		return p.CPE
	}
	return p.Ref
}

// Statement is what the document says of one vulnerability in one
// product (or in one component of it).
type Statement struct {
	// Vulnerability is the vulnerability's id (a CVE id where there is one);
	// Aliases are its other ids.
	Vulnerability string   `json:"vulnerability"`
	Aliases       []string `json:"aliases,omitempty"`
	// References are the records that describe the vulnerability, each
	// with its real source and address: the knowledge-base records that
	// matched, and advisories that group it with others. A reference is
	// never an alias: an advisory may be about many vulnerabilities.
	References []Reference `json:"references,omitempty"`
	// Description describes the vulnerability (not the product's status).
	Description string `json:"description,omitempty"`
	// Ratings are the vulnerability's severity scores (CycloneDX
	// vulnerabilities[].ratings). CSAF and OpenVEX writers leave them out.
	Ratings []Rating `json:"ratings,omitempty"`
	// Product is the Ref of the product the statement is about; Component,
	// when set, the Ref of the component of it that carries the
	// vulnerability (CSAF default_component_of, OpenVEX subcomponents,
	// CycloneDX affects on a component of metadata.component).
	Product   string `json:"product"`
	Component string `json:"component,omitempty"`
	// Versions, when set, narrows the statement to these versions of what
	// it is about: each a version or a vers range (CycloneDX
	// affects[].versions version and range).
	Versions []string          `json:"versions,omitempty"`
	Status   vigil.TriageState `json:"status"`
	// Justification says why the product is not affected.
	Justification vigil.Justification `json:"justification,omitempty"`
	// Response is what is done about it (affected, fixed).
	Response vigil.Response `json:"response,omitempty"`
	// Detail is the impact statement: why the status holds (OpenVEX
	// impact_statement or status_notes, CSAF threat of category impact,
	// CycloneDX analysis.detail).
	Detail string `json:"detail,omitempty"`
	// Action is the action statement: what a user should do (OpenVEX
	// action_statement, CSAF remediation details).
	Action string `json:"action,omitempty"`
	// Timestamp is when the statement was made, when the document says.
	Timestamp time.Time `json:"timestamp,omitzero"`
}

// Reference is a record about a vulnerability: its id in its source, the
// source's name ("CISA", "OSV", "NVD") and where to read it.
type Reference struct {
	ID     string `json:"id"`
	Source string `json:"source,omitempty"`
	URL    string `json:"url,omitempty"`
}

// Rating is one severity score of a vulnerability: a CVSS base score with
// its version and vector, or only a qualitative severity.
type Rating struct {
	// Source is who assessed ("nvd@nist.gov", a CNA); empty when unknown.
	Source string `json:"source,omitempty"`
	// Version is the CVSS version; empty for a rating that is not CVSS.
	Version vigil.CVSSVersion `json:"version,omitempty"`
	Vector  string            `json:"vector,omitempty"`
	// Score is the base score, 0 when none is given: CycloneDX writers
	// (github.com/CycloneDX/cyclonedx-go) leave a zero score out, so a
	// 0.0 does not survive them; its Severity (NONE) says it.
	Score    float64      `json:"score,omitempty"`
	Severity vigil.Rating `json:"severity,omitempty"`
}

// NameUUID is the RFC 9562 version 5 (name-based) UUID of name in the URL
// namespace, as a urn:uuid: a stable document id for a name.
func NameUUID(name string) string {
	ns := []byte{0x6b, 0xa7, 0xb8, 0x11, 0x9d, 0xad, 0x11, 0xd1, 0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4, 0x30, 0xc8}
	h := sha1.Sum(append(ns, name...))
	u := h[:16]
	u[6] = u[6]&0x0f | 0x50
	u[8] = u[8]&0x3f | 0x80
	x := hex.EncodeToString(u)
	return "urn:uuid:" + x[0:8] + "-" + x[8:12] + "-" + x[12:16] + "-" + x[16:20] + "-" + x[20:]
}

// Index maps each product's ref to it, for lookups over a large document.
func (d *Document) Index() map[string]Product {
	m := make(map[string]Product, len(d.Products))
	for _, p := range d.Products {
		if _, ok := m[p.Ref]; !ok {
			m[p.Ref] = p
		}
	}
	return m
}

// ProductByRef returns the product with ref.
func (d *Document) ProductByRef(ref string) (Product, bool) {
	for _, p := range d.Products {
		if p.Ref == ref {
			return p, true
		}
	}
	return Product{}, false
}

// Validate checks what every format needs of a document: an id, known
// tokens, and statements that name products the document lists. It
// reports every problem at once.
func (d *Document) Validate() error {
	var v vigil.ValidationError
	if strings.TrimSpace(d.ID) == "" {
		v.Add("id", "is required")
	}
	refs := map[string]bool{}
	for i, p := range d.Products {
		f := fmt.Sprintf("products[%d]", i)
		if p.Ref == "" {
			v.Add(f+".ref", "is required")
		} else if refs[p.Ref] {
			v.Add(f+".ref", "%q is listed twice", p.Ref)
		}
		refs[p.Ref] = true
		if p.Type != "" && !p.Type.Valid() {
			v.Add(f+".type", "unknown component type %q", p.Type)
		}
	}
	type key struct{ vuln, product, component string }
	seen := map[key]bool{}
	for i, s := range d.Statements {
		f := fmt.Sprintf("statements[%d]", i)
		k := key{s.Vulnerability, s.Product, s.Component}
		if seen[k] {
			v.Add(f, "a second statement on %s for %q", s.Vulnerability, s.Product+" "+s.Component)
		}
		seen[k] = true
		if strings.TrimSpace(s.Vulnerability) == "" {
			v.Add(f+".vulnerability", "is required")
		}
		if !refs[s.Product] {
			v.Add(f+".product", "%q is not a product of the document", s.Product)
		}
		if s.Component != "" && !refs[s.Component] {
			v.Add(f+".component", "%q is not a product of the document", s.Component)
		}
		if !s.Status.Valid() {
			v.Add(f+".status", "must be one of %v", vigil.TriageStates)
		}
		if s.Justification != "" && !s.Justification.Valid() {
			v.Add(f+".justification", "must be one of %v", vigil.Justifications)
		}
		if s.Response != "" && !s.Response.Valid() {
			v.Add(f+".response", "must be one of %v", vigil.Responses)
		}
		for j, r := range s.Ratings {
			if r.Version != "" && !r.Version.Valid() {
				v.Add(fmt.Sprintf("%s.ratings[%d].version", f, j), "must be one of %v", vigil.CVSSVersions)
			}
			if r.Severity != "" && !r.Severity.Valid() {
				v.Add(fmt.Sprintf("%s.ratings[%d].severity", f, j), "must be one of %v", vigil.Ratings)
			}
		}
	}
	return v.Err()
}

// Sort puts products in ref order and statements in vulnerability,
// product, component order, so that equal documents encode alike.
func (d *Document) Sort() {
	slices.SortFunc(d.Products, func(a, b Product) int { return strings.Compare(a.Ref, b.Ref) })
	slices.SortStableFunc(d.Statements, func(a, b Statement) int {
		if c := strings.Compare(a.Vulnerability, b.Vulnerability); c != 0 {
			return c
		}
		if c := strings.Compare(a.Product, b.Product); c != 0 {
			return c
		}
		return strings.Compare(a.Component, b.Component)
	})
}

// Codec reads and writes one format.
type Codec interface {
	// Format names the format.
	Format() Format
	// Detect reports whether head (the first bytes of a document) looks
	// like this format.
	Detect(head []byte) bool
	// Parse reads a whole document. Errors say what is wrong and where
	// (a JSON path).
	Parse(r io.Reader) (*Document, error)
	// Write encodes d deterministically: the same document gives the same
	// bytes.
	Write(w io.Writer, d *Document) error
}

// MaxDocumentSize bounds the bytes of one VEX document a parser reads.
const MaxDocumentSize = 64 << 20

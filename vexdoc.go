package vigil

import "time"

// VEXFormat names a VEX format.
type VEXFormat string

const (
	VEXCSAF      VEXFormat = "csaf"      // CSAF 2.0, profile csaf_vex
	VEXOpenVEX   VEXFormat = "openvex"   // OpenVEX 0.2
	VEXCycloneDX VEXFormat = "cyclonedx" // CycloneDX 1.6 with vulnerabilities
)

// VEXFormats lists the formats.
var VEXFormats = []VEXFormat{VEXCSAF, VEXOpenVEX, VEXCycloneDX}

// Valid reports whether f is a known format.
func (f VEXFormat) Valid() bool { return validToken(f, VEXFormats) }

// VEXDocument is an imported VEX document (from a component's supplier, or
// a manufacturer's own): what it says about itself, its bytes, and what
// applying its statements did.
type VEXDocument struct {
	ID     int64     `json:"id"`
	OrgID  int64     `json:"org_id"`
	Format VEXFormat `json:"format"`
	// DocumentID is the document's own identifier (CSAF tracking id,
	// OpenVEX @id, CycloneDX serialNumber).
	DocumentID string `json:"document_id"`
	Version    string `json:"version,omitempty"`
	Title      string `json:"title,omitempty"`
	Publisher  string `json:"publisher,omitempty"`
	// Issued and Updated are the document's own dates.
	Issued  time.Time `json:"issued,omitzero"`
	Updated time.Time `json:"updated,omitzero"`
	// SHA256 and Size describe the bytes as received.
	SHA256 string `json:"sha256"`
	Size   int64  `json:"size"`
	// Statements counts the document's statements; the rest count what
	// applying them to the organization's findings did.
	Statements int       `json:"statements"`
	Applied    int       `json:"applied"`
	Unchanged  int       `json:"unchanged"`
	Conflicts  int       `json:"conflicts"`
	Unmatched  int       `json:"unmatched"`
	Invalid    int       `json:"invalid"`
	ImportedAt time.Time `json:"imported_at"`
	ImportedBy string    `json:"imported_by"`
}

// VEXStatement is one statement of an imported VEX document, as stored:
// what it says and what applying it did.
type VEXStatement struct {
	ID         int64 `json:"id"`
	OrgID      int64 `json:"org_id"`
	DocumentID int64 `json:"document_id"`
	// Index is the statement's position in the document (from 0).
	Index         int           `json:"index"`
	VulnID        string        `json:"vuln_id"`
	Aliases       []string      `json:"aliases,omitempty"`
	Product       string        `json:"product"`
	Component     string        `json:"component,omitempty"`
	Status        TriageState   `json:"status"`
	Justification Justification `json:"justification,omitempty"`
	Response      Response      `json:"response,omitempty"`
	Detail        string        `json:"detail,omitempty"`
	Action        string        `json:"action,omitempty"`
	// StatedAt is the statement's timestamp (else the document's).
	StatedAt time.Time `json:"stated_at,omitzero"`
	// Matched counts the findings it is about; Applied, Unchanged and
	// Conflicts what became of them.
	Matched   int `json:"matched"`
	Applied   int `json:"applied"`
	Unchanged int `json:"unchanged"`
	Conflicts int `json:"conflicts"`
}

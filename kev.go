package vigil

import (
	"regexp"
	"strings"
)

// RansomwareUse says whether a KEV entry is known to be used in ransomware
// campaigns (CISA's tokens).
type RansomwareUse string

const (
	RansomwareKnown   RansomwareUse = "Known"
	RansomwareUnknown RansomwareUse = "Unknown"
)

// Valid reports whether r is Known or Unknown.
func (r RansomwareUse) Valid() bool { return r == RansomwareKnown || r == RansomwareUnknown }

// KEVEntry is one entry of CISA's Known Exploited Vulnerabilities catalog:
// proof that a vulnerability is exploited in the wild, with the date US
// federal agencies must have acted by.
type KEVEntry struct {
	CVEID             string        `json:"cve_id"`
	VendorProject     string        `json:"vendor_project"`
	Product           string        `json:"product"`
	VulnerabilityName string        `json:"vulnerability_name"`
	DateAdded         Date          `json:"date_added"`
	ShortDescription  string        `json:"short_description"`
	RequiredAction    string        `json:"required_action"`
	DueDate           Date          `json:"due_date,omitzero"`
	RansomwareUse     RansomwareUse `json:"known_ransomware_campaign_use"`
	Notes             string        `json:"notes,omitempty"`
	CWEs              []string      `json:"cwes,omitempty"`
	// CatalogVersion is the catalog's version (e.g. "2025.08.25") when
	// the file states it.
	CatalogVersion string `json:"catalog_version,omitempty"`
	Provenance
}

var cvePattern = regexp.MustCompile(`^CVE-[0-9]{4}-[0-9]{4,}$`)

// IsCVE reports whether id is a well-formed CVE id.
func IsCVE(id string) bool { return cvePattern.MatchString(id) }

// Validate checks every field and reports all problems at once.
func (e *KEVEntry) Validate() error {
	var v ValidationError
	if !IsCVE(e.CVEID) {
		v.Add("cve_id", "%q is not a CVE id", e.CVEID)
	}
	if e.DateAdded.IsZero() {
		v.Add("date_added", "is required")
	}
	if e.RansomwareUse != "" && !e.RansomwareUse.Valid() {
		v.Add("known_ransomware_campaign_use", "must be %q or %q", RansomwareKnown, RansomwareUnknown)
	}
	if strings.TrimSpace(e.VendorProject) == "" {
		v.Add("vendor_project", "is required")
	}
	e.Provenance.validate(&v)
	return v.Err()
}

// EPSSScore is FIRST's estimate, on one day, of the probability that a CVE
// is exploited in the next 30 days, and its percentile among all scored
// CVEs. Scores are kept by date: history, not only the latest.
type EPSSScore struct {
	CVEID      string  `json:"cve_id"`
	Score      float64 `json:"epss"`
	Percentile float64 `json:"percentile"`
	// Date is the score_date of the file the score came from.
	Date Date `json:"score_date"`
	// ModelVersion is the EPSS model that computed it, e.g. "v2025.03.14".
	ModelVersion string `json:"model_version,omitempty"`
	Provenance
}

// Validate checks every field and reports all problems at once.
func (e *EPSSScore) Validate() error {
	var v ValidationError
	if !IsCVE(e.CVEID) {
		v.Add("cve_id", "%q is not a CVE id", e.CVEID)
	}
	if !(e.Score >= 0 && e.Score <= 1) {
		v.Add("epss", "must be between 0 and 1")
	}
	if !(e.Percentile >= 0 && e.Percentile <= 1) {
		v.Add("percentile", "must be between 0 and 1")
	}
	if e.Date.IsZero() {
		v.Add("score_date", "is required")
	}
	e.Provenance.validate(&v)
	return v.Err()
}

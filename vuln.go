package vigil

import (
	"encoding/json"
	"strconv"
	"strings"
	"time"
)

// The vulnerability knowledge base is public reference data: it belongs to no
// organization and is read-only to all. Its records come from feeds (NVD, CVE
// 5, OSV, CISA KEV, FIRST EPSS, CSAF advisories); each record says which feed
// it came from and under which id (Provenance), so a merged view can show
// which source said what.

// Source names the feed a knowledge-base record came from.
type Source string

const (
	// SourceNVD is the NVD CVE API 2.0 and its 1.1 JSON feed files.
	SourceNVD Source = "nvd"
	// SourceCVE5 is CVE JSON 5.x records (cvelistV5, CISA vulnrichment).
	SourceCVE5 Source = "cve5"
	// SourceOSV is OSV records (osv.dev and the databases it aggregates).
	SourceOSV Source = "osv"
	// SourceKEV is CISA's Known Exploited Vulnerabilities catalog.
	SourceKEV Source = "kev"
	// SourceEPSS is FIRST's Exploit Prediction Scoring System.
	SourceEPSS Source = "epss"
	// SourceCSAF is CSAF 2.0 advisories.
	SourceCSAF Source = "csaf"
)

// Sources lists the known feeds.
var Sources = []Source{SourceNVD, SourceCVE5, SourceOSV, SourceKEV, SourceEPSS, SourceCSAF}

// Valid reports whether s is a known feed.
func (s Source) Valid() bool { return validToken(s, Sources) }

// Provenance says where a record came from: the feed and the record's id in
// that feed. The pair identifies the record; re-importing it replaces the
// earlier copy when it is newer.
type Provenance struct {
	Source Source `json:"source"`
	// SourceID is the record's id in its source: a CVE id for NVD, CVE 5,
	// KEV and EPSS, the OSV id, the CSAF document's tracking id.
	SourceID string `json:"source_id"`
}

func (p Provenance) validate(v *ValidationError) {
	if !p.Source.Valid() {
		v.Add("source", "must be one of %v", Sources)
	}
	if strings.TrimSpace(p.SourceID) == "" {
		v.Add("source_id", "is required")
	}
}

// Vulnerability is one record about one vulnerability as one source tells
// it. The same vulnerability usually has several records (an NVD CVE, an OSV
// GHSA, a CSAF advisory); Aliases links them and the store merges them.
type Vulnerability struct {
	// ID is the record's identifier: CVE-YYYY-NNNN, GHSA-…, GO-…, PYSEC-….
	ID string `json:"id"`
	// Aliases are other identifiers of the same vulnerability; Related are
	// identifiers of close but distinct ones (OSV "related").
	Aliases []string `json:"aliases,omitempty"`
	Related []string `json:"related,omitempty"`
	Summary string   `json:"summary,omitempty"`
	// Details is the long description (English when the source has several
	// languages).
	Details   string    `json:"details,omitempty"`
	Published time.Time `json:"published,omitzero"`
	Modified  time.Time `json:"modified,omitzero"`
	// Withdrawn is when the record was withdrawn (OSV) or rejected (CVE
	// "REJECTED", NVD "Rejected"); zero while it stands. A withdrawn record
	// is kept and marked, never deleted.
	Withdrawn time.Time `json:"withdrawn,omitzero"`
	// Status is the source's own record status, e.g. NVD "Analyzed", CVE 5
	// "PUBLISHED"; informative only.
	Status string `json:"status,omitempty"`
	// Assigner is who issued the record: the CNA, the OSV database.
	Assigner string `json:"assigner,omitempty"`
	// CWEs are weakness ids such as "CWE-79"; NVD's "NVD-CWE-noinfo" and
	// "NVD-CWE-Other" are kept as given.
	CWEs       []string    `json:"cwes,omitempty"`
	References []Reference `json:"references,omitempty"`
	Severities []Severity  `json:"severities,omitempty"`
	// Affected are package ranges (OSV, and CVE 5 records that name
	// packages); matching on purls and version orders uses them.
	Affected []AffectedPackage `json:"affected,omitempty"`
	// Products are the CVE 5 "affected" products by vendor, product and
	// version (CNA and ADP containers).
	Products []AffectedProduct `json:"products,omitempty"`
	// Configurations are NVD's CPE 2.3 applicability statements.
	Configurations []CPEConfiguration `json:"configurations,omitempty"`
	// KEV is the catalog entry as the record itself states it (NVD's
	// cisaExploitAdd… fields), nil when it does not.
	KEV *KEVMention `json:"kev,omitempty"`
	// ADP holds the Authorized Data Publisher containers of a CVE 5 record,
	// CISA's ("CISA-ADP") first.
	ADP []ADPContainer `json:"adp,omitempty"`
	Provenance
}

// Validate checks what every importer must produce, reporting all problems.
func (x *Vulnerability) Validate() error {
	var v ValidationError
	if strings.TrimSpace(x.ID) == "" {
		v.Add("id", "is required")
	}
	x.Provenance.validate(&v)
	for i, s := range x.Severities {
		s.validate(&v, indexed("severities", i))
	}
	for i, a := range x.Affected {
		a.validate(&v, indexed("affected", i))
	}
	for i, c := range x.Configurations {
		c.validate(&v, indexed("configurations", i))
	}
	for i, a := range x.ADP {
		for j, s := range a.Severities {
			s.validate(&v, indexed(indexed("adp", i)+".severities", j))
		}
	}
	return v.Err()
}

// Reference is a link about a vulnerability.
type Reference struct {
	URL string `json:"url"`
	// Type is the source's category: OSV's ADVISORY, ARTICLE, FIX, …;
	// CSAF's self or external. Empty when the source gives none.
	Type string `json:"type,omitempty"`
	// Tags are NVD's and CVE 5's reference tags ("Patch", "Vendor Advisory").
	Tags []string `json:"tags,omitempty"`
	// Name is a title or summary when the source gives one.
	Name string `json:"name,omitempty"`
}

// CVSSVersion is a CVSS specification version, as written in vectors.
type CVSSVersion string

const (
	CVSS20 CVSSVersion = "2.0"
	CVSS30 CVSSVersion = "3.0"
	CVSS31 CVSSVersion = "3.1"
	CVSS40 CVSSVersion = "4.0"
)

// CVSSVersions lists the supported versions, oldest first.
var CVSSVersions = []CVSSVersion{CVSS20, CVSS30, CVSS31, CVSS40}

// Valid reports whether c is a supported CVSS version.
func (c CVSSVersion) Valid() bool { return validToken(c, CVSSVersions) }

// Rating is a qualitative severity as CVSS v3/v4 (and NVD for v2) names it.
type Rating string

const (
	RatingNone     Rating = "NONE"
	RatingLow      Rating = "LOW"
	RatingMedium   Rating = "MEDIUM"
	RatingHigh     Rating = "HIGH"
	RatingCritical Rating = "CRITICAL"
)

// Ratings lists the ratings from least to most severe.
var Ratings = []Rating{RatingNone, RatingLow, RatingMedium, RatingHigh, RatingCritical}

// Valid reports whether r is a known rating.
func (r Rating) Valid() bool { return validToken(r, Ratings) }

// Rank orders ratings: 0 for NONE up to 4 for CRITICAL, -1 when unknown.
func (r Rating) Rank() int {
	for i, q := range Ratings {
		if q == r {
			return i
		}
	}
	return -1
}

// Severity is one assessment of a vulnerability's severity. For CVSS the
// vector string is the truth: BaseScore and Rating are computed from it
// (Computed is then true) and the score the source printed beside it is kept
// in GivenScore. A score that comes without a vector is kept as given.
type Severity struct {
	// Source is who assessed: NVD's "nvd@nist.gov", a CNA, "CISA-ADP",
	// or empty when the record's source is the assessor.
	Source string `json:"source,omitempty"`
	// Primary marks NVD's own assessment ("type": "Primary").
	Primary bool `json:"primary,omitempty"`
	// Version is the CVSS version; empty for a non-CVSS rating.
	Version CVSSVersion `json:"version,omitempty"`
	Vector  string      `json:"vector,omitempty"`
	// BaseScore is the CVSS base score (for 4.0: CVSS-B, or the score
	// of the metrics the vector holds).
	BaseScore float64 `json:"base_score"`
	Rating    Rating  `json:"rating,omitempty"`
	// Computed says BaseScore and Rating were computed from Vector.
	Computed bool `json:"computed,omitempty"`
	// GivenScore is the score the source printed; HasGivenScore says
	// whether it printed one (0.0 is a real score).
	GivenScore    float64 `json:"given_score,omitempty"`
	HasGivenScore bool    `json:"has_given_score,omitempty"`
	// Scheme and Text hold a non-CVSS rating: OSV's "Ubuntu" with
	// "medium", GHSA's database severity "HIGH", CSAF's aggregate severity.
	Scheme string `json:"scheme,omitempty"`
	Text   string `json:"text,omitempty"`
}

func (s Severity) validate(v *ValidationError, field string) {
	if s.Version != "" && !s.Version.Valid() {
		v.Add(field+".version", "must be one of %v", CVSSVersions)
	}
	if s.Rating != "" && !s.Rating.Valid() {
		v.Add(field+".rating", "must be one of %v", Ratings)
	}
	if s.BaseScore < 0 || s.BaseScore > 10 {
		v.Add(field+".base_score", "must be between 0 and 10")
	}
	if s.Version == "" && s.Vector == "" && s.Scheme == "" && !s.HasGivenScore && s.Rating == "" {
		v.Add(field, "has neither a vector, a score nor a rating")
	}
}

// Ecosystem is an OSV ecosystem name ("npm", "PyPI", "Go", "Maven",
// "crates.io", "Debian:12", "AlmaLinux:9", "Bitnami", …). The set is open:
// OSV adds ecosystems and suffixes releases, so it has no Valid.
type Ecosystem string

// Base returns the ecosystem without its release suffix: "Debian" for
// "Debian:12".
func (e Ecosystem) Base() Ecosystem {
	if i := strings.IndexByte(string(e), ':'); i >= 0 {
		return e[:i]
	}
	return e
}

// AffectedPackage is a package a vulnerability affects, with the version
// ranges and explicit versions that are affected (OSV "affected[]").
type AffectedPackage struct {
	Ecosystem Ecosystem `json:"ecosystem,omitempty"`
	Name      string    `json:"name,omitempty"`
	PURL      string    `json:"purl,omitempty"`
	Ranges    []Range   `json:"ranges,omitempty"`
	// Versions lists affected versions explicitly, in addition to Ranges.
	Versions []string `json:"versions,omitempty"`
	// Severities are per-package severities (OSV affected[].severity).
	Severities []Severity `json:"severities,omitempty"`
	// EcosystemSpecific and DatabaseSpecific are kept as the source wrote
	// them (e.g. Go's affected symbols under "imports").
	EcosystemSpecific json.RawMessage `json:"ecosystem_specific,omitempty"`
	DatabaseSpecific  json.RawMessage `json:"database_specific,omitempty"`
}

func (a AffectedPackage) validate(v *ValidationError, field string) {
	for i, r := range a.Ranges {
		r.validate(v, indexed(field+".ranges", i))
	}
}

// RangeType says how a range's versions are ordered (OSV range types).
type RangeType string

const (
	// RangeSemVer orders versions by SemVer 2.0.
	RangeSemVer RangeType = "SEMVER"
	// RangeEcosystem orders versions by the package ecosystem's own rules.
	RangeEcosystem RangeType = "ECOSYSTEM"
	// RangeGit names commits of the repository in Range.Repo.
	RangeGit RangeType = "GIT"
)

// RangeTypes lists the range types.
var RangeTypes = []RangeType{RangeSemVer, RangeEcosystem, RangeGit}

// Valid reports whether t is a known range type.
func (t RangeType) Valid() bool { return validToken(t, RangeTypes) }

// EventKind is the kind of a range event (OSV event keys).
type EventKind string

const (
	// Introduced opens an affected interval; "0" means from the start.
	Introduced EventKind = "introduced"
	// Fixed closes it: the version is not affected.
	Fixed EventKind = "fixed"
	// LastAffected closes it: the version is still affected.
	LastAffected EventKind = "last_affected"
	// Limit bounds the range for GIT ranges: commits past it are out.
	Limit EventKind = "limit"
)

// EventKinds lists the event kinds.
var EventKinds = []EventKind{Introduced, Fixed, LastAffected, Limit}

// Valid reports whether k is a known event kind.
func (k EventKind) Valid() bool { return validToken(k, EventKinds) }

// Range is a set of affected versions described by events in order.
type Range struct {
	Type RangeType `json:"type"`
	// Repo is the repository URL of a GIT range.
	Repo   string  `json:"repo,omitempty"`
	Events []Event `json:"events"`
}

func (r Range) validate(v *ValidationError, field string) {
	if !r.Type.Valid() {
		v.Add(field+".type", "must be one of %v", RangeTypes)
	}
	if r.Type == RangeGit && r.Repo == "" {
		v.Add(field+".repo", "is required for a GIT range")
	}
	if len(r.Events) == 0 {
		v.Add(field+".events", "is empty")
	}
	for i, e := range r.Events {
		if !e.Kind.Valid() {
			v.Add(indexed(field+".events", i)+".kind", "must be one of %v", EventKinds)
		}
		if e.Version == "" {
			v.Add(indexed(field+".events", i)+".version", "is required")
		}
	}
}

// Event is one point of a Range: a version (or commit) and what happens
// there.
type Event struct {
	Kind    EventKind `json:"kind"`
	Version string    `json:"version"`
}

// VersionStatus is a CVE 5 version status.
type VersionStatus string

const (
	VersionAffected   VersionStatus = "affected"
	VersionUnaffected VersionStatus = "unaffected"
	VersionUnknown    VersionStatus = "unknown"
)

// VersionStatuses lists the CVE 5 version statuses.
var VersionStatuses = []VersionStatus{VersionAffected, VersionUnaffected, VersionUnknown}

// Valid reports whether s is a known status.
func (s VersionStatus) Valid() bool { return validToken(s, VersionStatuses) }

// AffectedProduct is a CVE 5 "affected" entry: a product by vendor and
// name (or package), with the statuses of its versions.
type AffectedProduct struct {
	Vendor        string   `json:"vendor,omitempty"`
	Product       string   `json:"product,omitempty"`
	CollectionURL string   `json:"collection_url,omitempty"`
	PackageName   string   `json:"package_name,omitempty"`
	CPEs          []string `json:"cpes,omitempty"`
	Platforms     []string `json:"platforms,omitempty"`
	Modules       []string `json:"modules,omitempty"`
	// DefaultStatus applies to versions no entry covers.
	DefaultStatus VersionStatus    `json:"default_status,omitempty"`
	Versions      []ProductVersion `json:"versions,omitempty"`
}

// ProductVersion is one CVE 5 version entry: a single version, or a range
// from Version up to LessThan (excluded) or LessThanOrEqual (included).
type ProductVersion struct {
	Version         string        `json:"version"`
	Status          VersionStatus `json:"status"`
	VersionType     string        `json:"version_type,omitempty"`
	LessThan        string        `json:"less_than,omitempty"`
	LessThanOrEqual string        `json:"less_than_or_equal,omitempty"`
}

// Operator joins the children of a CPE configuration node.
type Operator string

const (
	OpAnd Operator = "AND"
	OpOr  Operator = "OR"
)

// Valid reports whether o is AND or OR.
func (o Operator) Valid() bool { return o == OpAnd || o == OpOr }

// CPEConfiguration is one NVD applicability statement: the vulnerability
// applies when the configuration's nodes, joined by Operator (OR when
// empty), hold. A typical "running on" statement is AND(OR(vulnerable
// application CPEs), OR(platform CPEs with Vulnerable false)).
type CPEConfiguration struct {
	Operator Operator  `json:"operator,omitempty"`
	Negate   bool      `json:"negate,omitempty"`
	Nodes    []CPENode `json:"nodes"`
}

func (c CPEConfiguration) validate(v *ValidationError, field string) {
	if c.Operator != "" && !c.Operator.Valid() {
		v.Add(field+".operator", "must be AND or OR")
	}
	for i, n := range c.Nodes {
		n.validate(v, indexed(field+".nodes", i), 0)
	}
}

// maxCPEDepth bounds configuration trees (NVD's are two levels deep).
const maxCPEDepth = 16

// CPENode holds CPE matches and child nodes joined by Operator; Negate
// inverts the node's result. NVD API 2.0 nodes have no children; the 1.1
// feed nests them one level.
type CPENode struct {
	Operator Operator   `json:"operator"`
	Negate   bool       `json:"negate,omitempty"`
	Matches  []CPEMatch `json:"matches,omitempty"`
	Children []CPENode  `json:"children,omitempty"`
}

func (n CPENode) validate(v *ValidationError, field string, depth int) {
	if depth > maxCPEDepth {
		v.Add(field, "nests deeper than %d", maxCPEDepth)
		return
	}
	if !n.Operator.Valid() {
		v.Add(field+".operator", "must be AND or OR")
	}
	for i, m := range n.Matches {
		if !strings.HasPrefix(m.Criteria, "cpe:2.3:") {
			v.Add(indexed(field+".matches", i)+".criteria", "%q is not a CPE 2.3 formatted string", m.Criteria)
		}
	}
	for i, c := range n.Children {
		c.validate(v, indexed(field+".children", i), depth+1)
	}
}

// CPEMatch is one CPE 2.3 match criterion with an optional version range.
// A match with Vulnerable false names a platform the vulnerable part runs
// on: it satisfies its node but is never the vulnerable component itself.
type CPEMatch struct {
	Vulnerable bool `json:"vulnerable"`
	// Criteria is a CPE 2.3 formatted string, possibly with wildcards.
	Criteria              string `json:"criteria"`
	MatchCriteriaID       string `json:"match_criteria_id,omitempty"`
	VersionStartIncluding string `json:"version_start_including,omitempty"`
	VersionStartExcluding string `json:"version_start_excluding,omitempty"`
	VersionEndIncluding   string `json:"version_end_including,omitempty"`
	VersionEndExcluding   string `json:"version_end_excluding,omitempty"`
}

// HasRange reports whether m bounds the version beyond its criteria.
func (m CPEMatch) HasRange() bool {
	return m.VersionStartIncluding != "" || m.VersionStartExcluding != "" ||
		m.VersionEndIncluding != "" || m.VersionEndExcluding != ""
}

// KEVMention is what a vulnerability record itself says about the CISA KEV
// catalog (NVD cisa* fields, CVE 5 CISA-ADP "kev" metric).
type KEVMention struct {
	DateAdded         Date   `json:"date_added,omitzero"`
	DueDate           Date   `json:"due_date,omitzero"`
	RequiredAction    string `json:"required_action,omitempty"`
	VulnerabilityName string `json:"vulnerability_name,omitempty"`
	Reference         string `json:"reference,omitempty"`
}

// ADPContainer is an Authorized Data Publisher container of a CVE 5
// record; CISA's ("CISA-ADP", vulnrichment) carries SSVC, KEV, CVSS and
// CPEs.
type ADPContainer struct {
	// Provider is the ADP's short name, e.g. "CISA-ADP".
	Provider   string            `json:"provider"`
	Title      string            `json:"title,omitempty"`
	Updated    time.Time         `json:"updated,omitzero"`
	SSVC       *SSVC             `json:"ssvc,omitempty"`
	KEV        *KEVMention       `json:"kev,omitempty"`
	Severities []Severity        `json:"severities,omitempty"`
	CWEs       []string          `json:"cwes,omitempty"`
	Products   []AffectedProduct `json:"products,omitempty"`
	References []Reference       `json:"references,omitempty"`
}

// CPEs returns every CPE the container's products name.
func (a ADPContainer) CPEs() []string {
	var out []string
	for _, p := range a.Products {
		out = append(out, p.CPEs...)
	}
	return out
}

// SSVC is a Stakeholder-Specific Vulnerability Categorization as CISA
// publishes it: decision points and the values chosen.
type SSVC struct {
	ID        string         `json:"id,omitempty"`
	Role      string         `json:"role,omitempty"`
	Version   string         `json:"version,omitempty"`
	Timestamp time.Time      `json:"timestamp,omitzero"`
	Decisions []SSVCDecision `json:"decisions"`
}

// SSVCDecision is one decision point and its value, as written by CISA
// ("Exploitation": "poc", "Automatable": "no", "Technical Impact": "total").
type SSVCDecision struct {
	Point string `json:"point"`
	Value string `json:"value"`
}

// Value returns the value of decision point name (compared without regard
// to case), or "" when absent.
func (s SSVC) Value(point string) string {
	for _, d := range s.Decisions {
		if strings.EqualFold(d.Point, point) {
			return d.Value
		}
	}
	return ""
}

// indexed formats "field[i]".
func indexed(field string, i int) string {
	return field + "[" + strconv.Itoa(i) + "]"
}

// validToken reports whether t is one of list.
func validToken[T comparable](t T, list []T) bool {
	for _, x := range list {
		if x == t {
			return true
		}
	}
	return false
}

// Outranks reports whether s is the better severity to show than other:
// a computed CVSS score of a newer version first, then the higher score.
func (s *Severity) Outranks(other *Severity) bool {
	if s.Vector == "" && !s.HasGivenScore {
		return false
	}
	if other == nil {
		return true
	}
	if s.Version != other.Version {
		return s.Version > other.Version
	}
	return s.BaseScore > other.BaseScore
}

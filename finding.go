package vigil

import "time"

// Confidence says how sure a match is, from the identifier that matched:
// an exact package URL beats a CPE, which beats a name and version.
type Confidence string

const (
	ConfidenceExact     Confidence = "exact"     // purl, or a CSAF identification helper
	ConfidenceCPE       Confidence = "cpe"       // CPE 2.3 applicability
	ConfidenceHeuristic Confidence = "heuristic" // normalised vendor/product name and version
)

// Confidences lists the levels from most to least sure.
var Confidences = []Confidence{ConfidenceExact, ConfidenceCPE, ConfidenceHeuristic}

// Valid reports whether c is a known level.
func (c Confidence) Valid() bool { return validToken(c, Confidences) }

// Rank orders confidences: 0 for exact, higher for less sure, -1 unknown.
func (c Confidence) Rank() int {
	for i, d := range Confidences {
		if c == d {
			return i
		}
	}
	return -1
}

// MatchStatus is what a matched source says of a component: affected, or a
// statement that it is not (CSAF known_not_affected, fixed), kept as
// evidence rather than reported as a finding.
type MatchStatus string

const (
	MatchAffected           MatchStatus = "affected"
	MatchUnderInvestigation MatchStatus = "under_investigation"
	MatchNotAffected        MatchStatus = "not_affected"
	MatchFixed              MatchStatus = "fixed"
)

// MatchStatuses lists the statuses.
var MatchStatuses = []MatchStatus{MatchAffected, MatchUnderInvestigation, MatchNotAffected, MatchFixed}

// Valid reports whether s is a known status.
func (s MatchStatus) Valid() bool { return validToken(s, MatchStatuses) }

// IsFinding reports whether a match with this status is a finding (the
// component may be vulnerable) rather than evidence that it is not.
func (s MatchStatus) IsFinding() bool { return s == MatchAffected || s == MatchUnderInvestigation }

// Evidence says why a component matched: which rule, which identifier,
// which range or configuration node, from which source record.
type Evidence struct {
	// Matcher and MatcherVersion name the matcher (bumped when its
	// behaviour changes, so old findings can be told apart).
	Matcher        string `json:"matcher"`
	MatcherVersion int    `json:"matcher_version"`
	// Identifier is what matched on the component's side: its purl, CPE,
	// model number, or "name version".
	Identifier string `json:"identifier"`
	// Criterion is what it matched on the record's side: the affected
	// package, the CPE match string, the CSAF product id and helper.
	Criterion string `json:"criterion"`
	// Range is the version rule that held, in words: "introduced 1.0,
	// fixed 1.2.3", "versionEndExcluding 4.8.2", "<2.0 per vers".
	Range string `json:"range,omitempty"`
	// Node is the CPE configuration path that held, e.g.
	// "configurations[0].nodes[0] AND (running on cpe:2.3:o:…)".
	Node string `json:"node,omitempty"`
	// Source is the knowledge-base record that said it.
	Source Provenance `json:"source"`
	// Detail is anything else a reader needs: a CSAF flag or
	// justification, a platform the vulnerable part runs on.
	Detail string `json:"detail,omitempty"`
	// Records are every knowledge-base record that matched this component
	// for this vulnerability through this matcher, each with its own id,
	// source and range: a PyPI vulnerability often has a PYSEC and a GHSA
	// record for one CVE, and a finding keeps one match but names both.
	// The first is Source's own.
	Records []RecordMatch `json:"records,omitempty"`
}

// RecordMatch is one record that matched: which, from where, by what
// range, saying what.
type RecordMatch struct {
	Source Provenance  `json:"source"`
	Range  string      `json:"range,omitempty"`
	Status MatchStatus `json:"status,omitempty"`
}

// Equal reports whether two pieces of evidence say the same.
func (e Evidence) Equal(o Evidence) bool {
	if e.Matcher != o.Matcher || e.MatcherVersion != o.MatcherVersion || e.Identifier != o.Identifier || e.Criterion != o.Criterion ||
		e.Range != o.Range || e.Node != o.Node || e.Source != o.Source || e.Detail != o.Detail || len(e.Records) != len(o.Records) {
		return false
	}
	for i := range e.Records {
		if e.Records[i] != o.Records[i] {
			return false
		}
	}
	return true
}

// AddRecord adds what match m says to e's records, once per record: m is
// another record's match on the same component and vulnerability.
func (e *Evidence) AddRecord(m Match) {
	r := RecordMatch{Source: m.Evidence.Source, Range: m.Evidence.Range, Status: m.Status}
	for _, x := range e.Records {
		if x.Source == r.Source {
			return
		}
	}
	e.Records = append(e.Records, r)
}

// Match is one vulnerability matched to one component of an SBOM, as a
// matcher finds it, before it is stored as a finding.
type Match struct {
	// VulnID is the vulnerability's id as its record names it (a CVE id
	// when the record has one).
	VulnID string `json:"vuln_id"`
	// Aliases are the record's other ids.
	Aliases []string `json:"aliases,omitempty"`
	// ComponentRef is the component's Ref in its document.
	ComponentRef string      `json:"component_ref"`
	Status       MatchStatus `json:"status"`
	Confidence   Confidence  `json:"confidence"`
	Evidence     Evidence    `json:"evidence"`
}

// Finding is a stored match on a release's component, with its life: when
// it was first and last seen, when it resolved, and the finding of the
// same component and vulnerability on the product's previous release.
type Finding struct {
	ID          int64 `json:"id"`
	OrgID       int64 `json:"org_id"`
	ReleaseID   int64 `json:"release_id"`
	ComponentID int64 `json:"component_id"`
	SBOMID      int64 `json:"sbom_id"`
	Match
	// ComponentKey identifies the component across releases (purl without
	// version, or type/group/name), to link findings release to release.
	ComponentKey string `json:"component_key"`
	// ComponentName and ComponentVersion are copied for display.
	ComponentName    string    `json:"component_name"`
	ComponentVersion string    `json:"component_version,omitempty"`
	FirstSeenAt      time.Time `json:"first_seen_at"`
	LastSeenAt       time.Time `json:"last_seen_at"`
	// ResolvedAt is set when a rematch no longer finds it.
	ResolvedAt time.Time `json:"resolved_at,omitzero"`
	// PreviousID links to the same component and vulnerability on the
	// product's previous release, so decisions can carry over.
	PreviousID int64 `json:"previous_id,omitempty"`
	// Triage is the current triage decision; nil while nobody decided
	// (the finding is then under investigation).
	Triage *TriageDecision `json:"triage,omitempty"`
}

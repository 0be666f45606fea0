// Package scan is the result of a one-shot SBOM scan and the formats it is
// written in: a ranked list of (component, vulnerability) verdicts with the
// signals that rank them, as JSON, SARIF 2.1.0 or a VEX document (which
// the VEX codecs write; vigil scan writes CycloneDX 1.6 VEX). It is pure:
// values in, bytes out.
package scan

import (
	"fmt"
	"sort"
	"strings"

	"github.com/vigil/vigil"
)

// Result is a scan of one SBOM.
type Result struct {
	Document    *vigil.SBOMDocument `json:"document"`
	Components  int                 `json:"components"`
	Candidates  int                 `json:"candidate_records"`
	Findings    []Entry             `json:"findings"`
	Unsupported []string            `json:"unsupported,omitempty"`
}

// Entry is one component and vulnerability with what is known of it.
type Entry struct {
	Component  *vigil.Component  `json:"component"`
	VulnID     string            `json:"vuln_id"`
	Aliases    []string          `json:"aliases,omitempty"`
	Summary    string            `json:"summary,omitempty"`
	Status     vigil.MatchStatus `json:"status"`
	Confidence vigil.Confidence  `json:"confidence"`
	Severity   *vigil.Severity   `json:"severity,omitempty"`
	KEV        *vigil.KEVEntry   `json:"kev,omitempty"`
	EPSS       *vigil.EPSSScore  `json:"epss,omitempty"`
	Evidence   []vigil.Evidence  `json:"evidence"`
}

// Rating is the finding's qualitative severity, "" when unknown.
func (f Entry) Rating() vigil.Rating {
	if f.Severity == nil {
		return ""
	}
	return f.Severity.Rating
}

// Sort orders findings as a person should read them: known exploited
// first, then by severity, then by EPSS, then by id.
func Sort(fs []Entry) {
	sort.SliceStable(fs, func(i, j int) bool { return before(fs[i], fs[j]) })
}

func before(a, b Entry) bool {
	if a.Status.IsFinding() != b.Status.IsFinding() {
		return a.Status.IsFinding()
	}
	if (a.KEV != nil) != (b.KEV != nil) {
		return a.KEV != nil
	}
	if sa, sb := score(a.Severity), score(b.Severity); sa != sb {
		return sa > sb
	}
	if ea, eb := epss(a.EPSS), epss(b.EPSS); ea != eb {
		return ea > eb
	}
	if a.VulnID != b.VulnID {
		return a.VulnID < b.VulnID
	}
	return a.Component.Ref < b.Component.Ref
}

func score(s *vigil.Severity) float64 {
	if s == nil {
		return -1
	}
	return s.BaseScore
}

func epss(e *vigil.EPSSScore) float64 {
	if e == nil {
		return -1
	}
	return e.Score
}

// ParseFailOn reads a --fail-on severity: none, low, medium, high,
// critical, or kev (any known exploited vulnerability).
func ParseFailOn(s string) (string, error) {
	switch v := strings.ToLower(s); v {
	case "", "none", "low", "medium", "high", "critical", "kev":
		return v, nil
	}
	return "", fmt.Errorf("%q: want none, low, medium, high, critical or kev", s)
}

// FailsOn reports whether the result holds a finding at or above level;
// a finding of unknown severity counts as reaching any level. Statements
// that a component is not affected or fixed never fail.
func (r *Result) FailsOn(level string) bool {
	if level == "" || level == "none" {
		return false
	}
	for _, f := range r.Findings {
		if !f.Status.IsFinding() {
			continue
		}
		if level == "kev" {
			if f.KEV != nil {
				return true
			}
			continue
		}
		// A finding of unknown severity fails any level: nothing shows it
		// is below the bar.
		if f.Rating() == "" || f.Rating().Rank() >= vigil.Rating(strings.ToUpper(level)).Rank() {
			return true
		}
	}
	return false
}

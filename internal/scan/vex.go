package scan

import (
	"io"
	"sort"
	"strings"
	"time"

	cdx "github.com/CycloneDX/cyclonedx-go"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/vex/cyclonedx"
)

// WriteCycloneDXVEX writes the result as a CycloneDX 1.6 VEX: each
// vulnerability with the components it affects and an analysis state
// (in_triage for findings nobody triaged yet, not_affected or resolved
// where a vendor statement says so). now stamps the document.
func WriteCycloneDXVEX(w io.Writer, r *Result, now time.Time, version string) error {
	bom := cdx.NewBOM()
	bom.Metadata = &cdx.Metadata{
		Timestamp: now.UTC().Format(time.RFC3339),
		Tools:     &cdx.ToolsChoice{Components: &[]cdx.Component{{Type: cdx.ComponentTypeApplication, Name: "vigil", Version: version}}},
	}
	comps := map[string]cdx.Component{}
	type vulnEntry struct {
		v       cdx.Vulnerability
		affects map[string]bool
	}
	vulns := map[string]*vulnEntry{}
	for _, f := range r.Findings {
		c := f.Component
		comps[c.Ref] = cdx.Component{BOMRef: c.Ref, Type: cdx.ComponentType(c.Type), Name: c.Name, Version: c.Version, PackageURL: c.PURL, Group: c.Group}
		e := vulns[f.VulnID]
		if e == nil {
			e = &vulnEntry{affects: map[string]bool{}}
			e.v = cdx.Vulnerability{ID: f.VulnID, Description: f.Summary}
			if f.Severity != nil && f.Severity.Vector != "" {
				score := f.Severity.BaseScore
				e.v.Ratings = &[]cdx.VulnerabilityRating{{Score: &score, Severity: cdx.Severity(strings.ToLower(string(f.Severity.Rating))), Method: cvssMethod(f.Severity.Version), Vector: f.Severity.Vector}}
			}
			if len(f.Aliases) > 0 {
				refs := make([]cdx.VulnerabilityReference, 0, len(f.Aliases))
				for _, a := range f.Aliases {
					refs = append(refs, cdx.VulnerabilityReference{ID: a, Source: cyclonedx.Source(a)})
				}
				e.v.References = &refs
			}
			e.v.Analysis = &cdx.VulnerabilityAnalysis{State: analysisState(f.Status)}
			vulns[f.VulnID] = e
		}
		e.affects[c.Ref] = true
	}
	ids := make([]string, 0, len(vulns))
	for id := range vulns {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	out := make([]cdx.Vulnerability, 0, len(ids))
	for _, id := range ids {
		e := vulns[id]
		refs := make([]string, 0, len(e.affects))
		for ref := range e.affects {
			refs = append(refs, ref)
		}
		sort.Strings(refs)
		affects := make([]cdx.Affects, len(refs))
		for i, ref := range refs {
			affects[i] = cdx.Affects{Ref: ref}
		}
		e.v.Affects = &affects
		out = append(out, e.v)
	}
	refs := make([]string, 0, len(comps))
	for ref := range comps {
		refs = append(refs, ref)
	}
	sort.Strings(refs)
	cs := make([]cdx.Component, len(refs))
	for i, ref := range refs {
		cs[i] = comps[ref]
	}
	bom.Components = &cs
	bom.Vulnerabilities = &out
	enc := cdx.NewBOMEncoder(w, cdx.BOMFileFormatJSON)
	enc.SetPretty(true)
	return enc.EncodeVersion(bom, cdx.SpecVersion1_6)
}

// analysisState is a match's CycloneDX analysis state: a finding nobody
// triaged yet is in triage, a source's not-affected or fixed statement
// keeps its word. The mapping onto CycloneDX is internal/vex/cyclonedx's, the
// one vigil's VEX export uses.
func analysisState(s vigil.MatchStatus) cdx.ImpactAnalysisState {
	switch s {
	case vigil.MatchNotAffected:
		return cyclonedx.State(vigil.TriageNotAffected)
	case vigil.MatchFixed:
		return cyclonedx.State(vigil.TriageFixed)
	default:
		return cyclonedx.State(vigil.TriageUnderInvestigation)
	}
}

func cvssMethod(v vigil.CVSSVersion) cdx.ScoringMethod {
	switch v {
	case vigil.CVSS20:
		return cdx.ScoringMethodCVSSv2
	case vigil.CVSS30:
		return cdx.ScoringMethodCVSSv3
	case vigil.CVSS40:
		return cdx.ScoringMethodCVSSv4
	default:
		return cdx.ScoringMethodCVSSv31
	}
}

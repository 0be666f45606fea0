package scan

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
)

// SARIF 2.1.0, the subset code-scanning tools read.
type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool    sarifTool     `json:"tool"`
	Results []sarifResult `json:"results"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name           string      `json:"name"`
	Version        string      `json:"version"`
	InformationURI string      `json:"informationUri"`
	Rules          []sarifRule `json:"rules"`
}

type sarifRule struct {
	ID               string         `json:"id"`
	ShortDescription sarifText      `json:"shortDescription"`
	HelpURI          string         `json:"helpUri,omitempty"`
	Properties       map[string]any `json:"properties,omitempty"`
}

type sarifText struct {
	Text string `json:"text"`
}

type sarifResult struct {
	RuleID     string          `json:"ruleId"`
	Level      string          `json:"level"`
	Message    sarifText       `json:"message"`
	Locations  []sarifLocation `json:"locations"`
	Properties map[string]any  `json:"properties,omitempty"`
}

type sarifLocation struct {
	PhysicalLocation sarifPhysical  `json:"physicalLocation"`
	LogicalLocations []sarifLogical `json:"logicalLocations,omitempty"`
}

type sarifPhysical struct {
	ArtifactLocation sarifArtifact `json:"artifactLocation"`
}

type sarifArtifact struct {
	URI string `json:"uri"`
}

type sarifLogical struct {
	Name               string `json:"name"`
	FullyQualifiedName string `json:"fullyQualifiedName,omitempty"`
	Kind               string `json:"kind"`
}

// WriteSARIF writes the findings (not the not-affected statements) as a
// SARIF 2.1.0 log; artifact is the scanned file's name.
func WriteSARIF(w io.Writer, r *Result, artifact, version string) error {
	rules := map[string]sarifRule{}
	run := sarifRun{Tool: sarifTool{Driver: sarifDriver{Name: "vigil", Version: version, InformationURI: "https://github.com/vigil/vigil"}}, Results: []sarifResult{}}
	for _, f := range r.Findings {
		if !f.Status.IsFinding() {
			continue
		}
		if _, ok := rules[f.VulnID]; !ok {
			rule := sarifRule{ID: f.VulnID, ShortDescription: sarifText{Text: orID(f.Summary, f.VulnID)}, Properties: map[string]any{"tags": []string{"security", "vulnerability"}}}
			if f.Severity != nil {
				rule.Properties["security-severity"] = fmt.Sprintf("%.1f", f.Severity.BaseScore)
			}
			rules[f.VulnID] = rule
		}
		name := f.Component.PURL
		if name == "" {
			name = f.Component.Name + " " + f.Component.Version
		}
		msg := fmt.Sprintf("%s %s is affected by %s", f.Component.Name, f.Component.Version, f.VulnID)
		if f.KEV != nil {
			msg += " (known exploited, CISA KEV)"
		}
		res := sarifResult{
			RuleID: f.VulnID, Level: sarifLevel(f), Message: sarifText{Text: msg},
			Locations: []sarifLocation{{
				PhysicalLocation: sarifPhysical{ArtifactLocation: sarifArtifact{URI: artifact}},
				LogicalLocations: []sarifLogical{{Name: f.Component.Name, FullyQualifiedName: name, Kind: "package"}},
			}},
			Properties: map[string]any{"confidence": f.Confidence, "kev": f.KEV != nil},
		}
		run.Results = append(run.Results, res)
	}
	ids := make([]string, 0, len(rules))
	for id := range rules {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	run.Tool.Driver.Rules = make([]sarifRule, 0, len(ids))
	for _, id := range ids {
		run.Tool.Driver.Rules = append(run.Tool.Driver.Rules, rules[id])
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(sarifLog{Schema: "https://json.schemastore.org/sarif-2.1.0.json", Version: "2.1.0", Runs: []sarifRun{run}})
}

func sarifLevel(f Entry) string {
	switch {
	case f.KEV != nil:
		return "error"
	case f.Severity == nil:
		return "warning"
	case f.Severity.BaseScore >= 7:
		return "error"
	case f.Severity.BaseScore >= 4:
		return "warning"
	default:
		return "note"
	}
}

func orID(summary, id string) string {
	if summary == "" {
		return id
	}
	return summary
}

package cli

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/scan"
)

// TestWriteScanJSON checks that the streamed scan JSON is byte for byte what
// encoding the whole result with render's indent gives.
func TestWriteScanJSON(t *testing.T) {
	entry := func(ref, id string) scan.Entry {
		return scan.Entry{
			Component: &vigil.Component{Ref: ref, Name: "a<b>&c", Version: "1.0", PURL: "pkg:npm/a@1.0"},
			VulnID:    id, Aliases: []string{"GHSA-1"}, Summary: "line\nbreak \"quoted\"", Status: vigil.MatchAffected,
			Confidence: vigil.ConfidenceExact,
			Evidence:   []vigil.Evidence{{Matcher: "match/purlrange", Identifier: "pkg:npm/a@1.0", Range: "introduced 0"}},
		}
	}
	doc := &vigil.SBOMDocument{Format: "CycloneDX", Name: `"findings": [] in a name`}
	for _, tc := range []struct {
		name string
		res  *scan.Result
	}{
		{"NoFindings", &scan.Result{Document: doc, Components: 3, Findings: []scan.Entry{}}},
		{"Findings", &scan.Result{Document: doc, Components: 3, Candidates: 2,
			Findings: []scan.Entry{entry("c1", "CVE-2024-1"), entry("c2", "CVE-2024-2")}, Unsupported: []string{"X: why"}}},
		{"NilFindings", &scan.Result{Components: 0}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var want, got bytes.Buffer
			enc := json.NewEncoder(&want)
			enc.SetIndent("", "  ")
			if err := enc.Encode(tc.res); err != nil {
				t.Fatal(err)
			}
			if err := writeScanJSON(&got, tc.res); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want.String(), got.String()); diff != "" {
				t.Errorf("writeScanJSON (-encoder +streamed):\n%s", diff)
			}
		})
	}
}

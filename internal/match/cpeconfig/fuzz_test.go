package cpeconfig

import (
	"context"
	"testing"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/cpe"
	"github.com/vigil/vigil/internal/match"
)

// FuzzMatch evaluates a two-node configuration, a vulnerable criterion
// with a range and a platform criterion, against two components, and
// checks the result against the rules stated plainly: the configuration
// holds by its operator over the two nodes (the second maybe negated),
// and only components satisfying the vulnerable criterion are reported,
// only when it holds and the first node is true.
func FuzzMatch(f *testing.F) {
	f.Add("cpe:2.3:a:vmware:tools:*:*:*:*:*:*:*:*", "10.0.0", "10.3.25", "cpe:2.3:o:linux:linux_kernel:-:*:*:*:*:*:*:*",
		"cpe:2.3:a:vmware:tools:10.3.24:*:*:*:*:*:*:*", "", "cpe:2.3:o:linux:linux_kernel:5.15:*:*:*:*:*:*:*", true, false)
	f.Add("cpe:2.3:a:ibm:security_verify_privilege_on-premises:*:*:*:*:*:*:*:*", "", "11.5", "cpe:2.3:o:microsoft:windows:-:*:*:*:*:*:*:*",
		"cpe:2.3:a:ibm:security_verify_privilege_on-premises:*:*:*:*:*:*:*:*", "11.4", "cpe:2.3:o:microsoft:windows:-:*:*:*:*:*:*:*", true, true)
	f.Add("cpe:2.3:a:espressif:esp-idf:4.*:*:*:*:*:*:*:*", "", "", "cpe:2.3:h:espressif:esp32:-:*:*:*:*:*:*:*",
		"cpe:/a:espressif:esp-idf:4.1", "", "cpe:2.3:h:espressif:esp32:-:*:*:*:*:*:*:*", false, false)
	f.Fuzz(func(t *testing.T, crit, start, end, platform, comp, compVersion, platComp string, and, negate bool) {
		op := vigil.OpOr
		if and {
			op = vigil.OpAnd
		}
		v := &vigil.Vulnerability{ID: "FUZZ", Configurations: []vigil.CPEConfiguration{{Operator: op, Nodes: []vigil.CPENode{
			{Operator: vigil.OpOr, Matches: []vigil.CPEMatch{{Vulnerable: true, Criteria: crit, VersionStartIncluding: start, VersionEndExcluding: end}}},
			{Operator: vigil.OpOr, Negate: negate, Matches: []vigil.CPEMatch{{Vulnerable: false, Criteria: platform}}},
		}}}}
		comps := []*vigil.Component{
			{Ref: "app", Version: compVersion, CPEs: []string{comp}},
			{Ref: "platform", CPEs: []string{platComp}},
		}
		sbom := match.NewSBOM(comps)
		res, err := New().Match(context.Background(), match.Record{Vuln: v}, sbom)
		if err != nil {
			t.Fatal(err)
		}

		// The same rules, stated plainly.
		idx := match.NewCPEIndex(sbom)
		critName, critErr := cpe.Parse(crit)
		platName, platErr := cpe.Parse(platform)
		if platErr == nil && platName[cpe.Version] == cpe.NA {
			platName[cpe.Version] = cpe.Any
		}
		vulnHits := map[string]bool{}
		var platHit bool
		for i := 0; i < idx.Len(); i++ {
			e := idx.Entry(i)
			if critErr == nil && cpe.IsSuperset(critName, e.Name) && inRange(&v.Configurations[0].Nodes[0].Matches[0], e.Version) {
				vulnHits[comps[e.Component].Ref] = true
			}
			if platErr == nil && cpe.IsSuperset(platName, e.Name) {
				platHit = true
			}
		}
		n0, n1 := len(vulnHits) > 0, platHit != negate
		holds := n0 || n1
		if and {
			holds = n0 && n1
		}
		want := map[string]bool{}
		if holds && n0 {
			want = vulnHits
		}
		got := map[string]bool{}
		for _, m := range res.Matches {
			if got[m.ComponentRef] {
				t.Fatalf("%s reported twice", m.ComponentRef)
			}
			got[m.ComponentRef] = true
			if m.Status != vigil.MatchAffected || m.Confidence != vigil.ConfidenceCPE || m.Evidence.Matcher != Name {
				t.Fatalf("odd match %+v", m)
			}
		}
		if len(got) != len(want) {
			t.Fatalf("reported %v, want %v (n0 %v n1 %v holds %v)", got, want, n0, n1, holds)
		}
		for r := range want {
			if !got[r] {
				t.Fatalf("reported %v, want %v", got, want)
			}
		}
		if (critErr != nil || platErr != nil) && len(res.Unsupported) == 0 {
			t.Fatalf("invalid criteria not reported: %v / %v", critErr, platErr)
		}
	})
}

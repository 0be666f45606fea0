package fleet

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/vigil/vigil"
)

func TestVulnKey(t *testing.T) {
	for _, tc := range []struct {
		id      string
		aliases []string
		want    string
	}{
		{"CVE-2020-11022", []string{"GHSA-gxr4-xjj5-5px2"}, "CVE-2020-11022"},
		{"GHSA-gxr4-xjj5-5px2", []string{"PYSEC-1", "CVE-2020-11022", "CVE-2020-11023"}, "CVE-2020-11022"},
		{"GHSA-gxr4-xjj5-5px2", []string{"PYSEC-1"}, "GHSA-gxr4-xjj5-5px2"},
		{"ICSMA-22-1", nil, "ICSMA-22-1"},
	} {
		if got := VulnKey(tc.id, tc.aliases); got != tc.want {
			t.Errorf("VulnKey(%s, %v) = %s, want %s", tc.id, tc.aliases, got, tc.want)
		}
	}
}

func TestAdvisoryVulnIDAndNames(t *testing.T) {
	cve := &vigil.AdvisoryVulnerability{CVE: "CVE-2022-1", IDs: []vigil.VulnerabilityID{{SystemName: "vendor", Text: "V-7"}}}
	other := &vigil.AdvisoryVulnerability{IDs: []vigil.VulnerabilityID{{SystemName: "vendor", Text: "V-8"}, {Text: "V-9"}}}
	none := &vigil.AdvisoryVulnerability{}
	for _, tc := range []struct {
		v    *vigil.AdvisoryVulnerability
		id   string
		want map[string]bool
		hit  bool
	}{
		{cve, "CVE-2022-1", map[string]bool{"CVE-2022-1": true}, true},
		{cve, "CVE-2022-1", map[string]bool{"V-7": true}, true},
		{cve, "CVE-2022-1", map[string]bool{"V-8": true}, false},
		{other, "V-8", map[string]bool{"V-9": true}, true},
		{none, "", map[string]bool{"CVE-2022-1": true}, false},
	} {
		if got := AdvisoryVulnID(tc.v); got != tc.id {
			t.Errorf("AdvisoryVulnID(%+v) = %q, want %q", tc.v, got, tc.id)
		}
		if got := Names(tc.v, tc.want); got != tc.hit {
			t.Errorf("Names(%+v, %v) = %v, want %v", tc.v, tc.want, got, tc.hit)
		}
	}
}

func TestStatementOf(t *testing.T) {
	adv := &vigil.Advisory{ID: "ICSMA-22-1", ProductTree: vigil.ProductTree{ProductGroups: []vigil.ProductGroup{
		{GroupID: "G-pumps", ProductIDs: []string{"P-1", "P-2"}},
	}}}
	long := strings.Repeat("x", 310)
	v := &vigil.AdvisoryVulnerability{
		CVE: "CVE-2022-1",
		ProductStatus: vigil.ProductStatus{
			KnownAffected:      []string{"P-1"},
			UnderInvestigation: []string{"P-3"},
			KnownNotAffected:   []string{"P-4", "G-pumps"},
			Fixed:              []string{"P-4"},
		},
		Remediations: []vigil.Remediation{
			{Category: vigil.VendorFix, Details: "Update to 2.1. Reboot after.", GroupIDs: []string{"G-pumps"}},
			{Category: vigil.Mitigation, Details: "Segment the network.", ProductIDs: []string{"P-1"}},
			{Category: vigil.VendorFix, Details: long, ProductIDs: []string{"P-3"}},
		},
		Flags: []vigil.Flag{
			{Label: "component_not_present", ProductIDs: []string{"P-4"}},
			{Label: "vulnerable_code_not_present", ProductIDs: []string{"P-4"}},
		},
		Threats: []vigil.Threat{
			{Category: vigil.ThreatImpact, Details: "No patient impact. The port is closed.", ProductIDs: []string{"P-4"}},
			{Category: vigil.ThreatExploitStatus, Details: "None known.", ProductIDs: []string{"P-4"}},
			{Category: vigil.ThreatImpact, Details: "Display only.", GroupIDs: []string{"G-pumps"}},
		},
	}
	for _, tc := range []struct {
		product string
		want    ProductStatement
		ok      bool
	}{
		// Listed directly and through its group: affected wins, the group's
		// vendor fix applies, the mitigation does not count as a patch.
		{"P-1", ProductStatement{Status: "known_affected, known_not_affected", Affected: true,
			Patches: []string{"ICSMA-22-1: Update to 2.1."}}, true},
		// Only through its group: not affected, with the group's impact.
		{"P-2", ProductStatement{Status: "known_not_affected", Impacts: []string{"Display only."}}, true},
		// Under investigation counts as exposed; a long fix is cut.
		{"P-3", ProductStatement{Status: "under_investigation", Affected: true,
			Patches: []string{"ICSMA-22-1: " + long[:300] + "…"}}, true},
		// Each kind once; the last covering flag is the justification;
		// only impact threats.
		{"P-4", ProductStatement{Status: "fixed, known_not_affected", Justification: "vulnerable_code_not_present",
			Impacts: []string{"No patient impact."}}, true},
		{"P-5", ProductStatement{}, false},
	} {
		got, ok := StatementOf(adv, v, tc.product)
		if ok != tc.ok {
			t.Errorf("%s: ok %v, want %v", tc.product, ok, tc.ok)
		}
		if d := cmp.Diff(tc.want, got, cmpopts.EquateEmpty()); d != "" {
			t.Errorf("%s (-want +got):\n%s", tc.product, d)
		}
	}
}

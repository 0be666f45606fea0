package vigil

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestVulnerabilityValidate(t *testing.T) {
	ok := Vulnerability{ID: "CVE-2024-0001", Provenance: Provenance{Source: SourceNVD, SourceID: "CVE-2024-0001"},
		Severities: []Severity{{Version: CVSS31, Vector: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", BaseScore: 9.8}},
		Affected: []AffectedPackage{{Ecosystem: "npm", Name: "x", Ranges: []Range{{Type: RangeSemVer,
			Events: []Event{{Kind: Introduced, Version: "0"}, {Kind: Fixed, Version: "1.0.0"}}}}}},
		Configurations: []CPEConfiguration{{Nodes: []CPENode{{Operator: OpOr,
			Matches: []CPEMatch{{Vulnerable: true, Criteria: "cpe:2.3:a:x:y:*:*:*:*:*:*:*:*"}}}}}},
	}
	tests := []struct {
		name   string
		edit   func(v *Vulnerability)
		fields []string
	}{
		{"OK", func(*Vulnerability) {}, nil},
		{"ErrIDRequired", func(v *Vulnerability) { v.ID = " " }, []string{"id"}},
		{"ErrSource", func(v *Vulnerability) { v.Source = "rss" }, []string{"source"}},
		{"ErrVersion", func(v *Vulnerability) { v.Severities[0].Version = "5.0" }, []string{"severities[0].version"}},
		{"ErrScore", func(v *Vulnerability) { v.Severities[0].BaseScore = 11 }, []string{"severities[0].base_score"}},
		{"ErrRangeType", func(v *Vulnerability) { v.Affected[0].Ranges[0].Type = "semver" }, []string{"affected[0].ranges[0].type"}},
		{"ErrGitRepo", func(v *Vulnerability) { v.Affected[0].Ranges[0].Type = RangeGit }, []string{"affected[0].ranges[0].repo"}},
		{"ErrEvent", func(v *Vulnerability) { v.Affected[0].Ranges[0].Events[1].Kind = "patched" },
			[]string{"affected[0].ranges[0].events[1].kind"}},
		{"ErrOperator", func(v *Vulnerability) { v.Configurations[0].Nodes[0].Operator = "XOR" },
			[]string{"configurations[0].nodes[0].operator"}},
		{"ErrCPE", func(v *Vulnerability) { v.Configurations[0].Nodes[0].Matches[0].Criteria = "cpe:/a:x:y" },
			[]string{"configurations[0].nodes[0].matches[0].criteria"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			v := ok
			v.Severities = append([]Severity(nil), ok.Severities...)
			v.Affected = []AffectedPackage{ok.Affected[0]}
			v.Affected[0].Ranges = []Range{{Type: ok.Affected[0].Ranges[0].Type, Events: append([]Event(nil), ok.Affected[0].Ranges[0].Events...)}}
			v.Configurations = []CPEConfiguration{{Nodes: []CPENode{{Operator: OpOr, Matches: append([]CPEMatch(nil), ok.Configurations[0].Nodes[0].Matches...)}}}}
			tc.edit(&v)
			err := v.Validate()
			var got []string
			var ve *ValidationError
			if errors.As(err, &ve) {
				for _, f := range ve.Fields {
					got = append(got, f.Field)
				}
			}
			if diff := cmp.Diff(tc.fields, got); diff != "" {
				t.Errorf("Validate fields (-want +got):\n%s", diff)
			}
			if tc.fields != nil && !errors.Is(err, ErrInvalid) {
				t.Errorf("error %v does not wrap ErrInvalid", err)
			}
		})
	}
}

func TestProductTreeProducts(t *testing.T) {
	pt := ProductTree{
		Branches: []Branch{{Category: BranchVendor, Name: "Acme Medical", Branches: []Branch{{
			Category: BranchProductName, Name: "Infusion Pump X", Branches: []Branch{
				{Category: BranchProductVersion, Name: "2.1", Product: &FullProductName{ProductID: "P1", Name: "Acme Infusion Pump X 2.1"}},
				{Category: BranchProductVersionRange, Name: "vers:generic/<2.0", Product: &FullProductName{ProductID: "P2", Name: "old"}},
			}}}}},
		FullProductNames: []FullProductName{{ProductID: "P3", Name: "Gateway", Helper: &ProductIdentificationHelper{ModelNumbers: []string{"GW-1"}}}},
		Relationships: []Relationship{{Category: InstalledOn, Product: "P3", RelatesTo: "P1",
			FullProductName: FullProductName{ProductID: "P4", Name: "Gateway on Pump"}}},
	}
	want := []TreeProduct{
		{FullProductName: FullProductName{ProductID: "P1", Name: "Acme Infusion Pump X 2.1"}, Vendor: "Acme Medical", Product: "Infusion Pump X", Version: "2.1"},
		{FullProductName: FullProductName{ProductID: "P2", Name: "old"}, Vendor: "Acme Medical", Product: "Infusion Pump X", VersionRange: "vers:generic/<2.0"},
		{FullProductName: FullProductName{ProductID: "P3", Name: "Gateway", Helper: &ProductIdentificationHelper{ModelNumbers: []string{"GW-1"}}}},
		{FullProductName: FullProductName{ProductID: "P4", Name: "Gateway on Pump"}},
	}
	if diff := cmp.Diff(want, pt.Products()); diff != "" {
		t.Errorf("Products (-want +got):\n%s", diff)
	}
}

func TestProductStatusOf(t *testing.T) {
	s := ProductStatus{KnownAffected: []string{"A"}, Fixed: []string{"B"}, Recommended: []string{"B"}, KnownNotAffected: []string{"C"}}
	tests := []struct {
		id   string
		want []ProductStatusKind
	}{
		{"A", []ProductStatusKind{ProductKnownAffected}},
		{"B", []ProductStatusKind{ProductFixed, ProductRecommended}},
		{"C", []ProductStatusKind{ProductKnownNotAffected}},
		{"D", nil},
	}
	for _, tc := range tests {
		if diff := cmp.Diff(tc.want, s.Of(tc.id)); diff != "" {
			t.Errorf("Of(%s) (-want +got):\n%s", tc.id, diff)
		}
	}
	if !ProductKnownAffected.Affected() || ProductFixed.Affected() {
		t.Error("Affected() wrong")
	}
}

func TestEnums(t *testing.T) {
	for _, ok := range []interface{ Valid() bool }{SourceOSV, CVSS40, RatingCritical, RangeGit, Limit, VersionUnknown,
		OpAnd, BranchProductVersionRange, InstalledOn, ProductUnderInvestigation, VulnerableCodeNotPresent,
		NoFixPlanned, ThreatImpact, TrackingFinal, RansomwareKnown} {
		if !ok.Valid() {
			t.Errorf("%v not valid", ok)
		}
	}
	for _, bad := range []interface{ Valid() bool }{Source("x"), CVSSVersion("3"), Rating("high"), RangeType("semver"),
		EventKind("fix"), Operator("NOT"), BranchCategory("x"), FlagLabel("x"), RansomwareUse("known")} {
		if bad.Valid() {
			t.Errorf("%v valid", bad)
		}
	}
	if Ecosystem("Debian:12").Base() != "Debian" || Ecosystem("npm").Base() != "npm" {
		t.Error("Ecosystem.Base")
	}
	if !IsCVE("CVE-2021-44228") || IsCVE("CVE-21-1") || IsCVE("GHSA-xxxx") {
		t.Error("IsCVE")
	}
}

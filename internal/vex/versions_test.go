package vex

import (
	"testing"

	"github.com/vigil/vigil"
)

// TestMatchVersionRanges: a supplier's statement on a range of a
// component's versions holds for the versions in it, by the matcher's
// version order, whichever way the format writes the range.
func TestMatchVersionRanges(t *testing.T) {
	d := &Document{ID: "x", Products: []Product{
		// CSAF: product_version_range under vendor and product_name.
		{Ref: "CSAFPID-0001", Vendor: "Wind River", Name: "VxWorks", VersionRange: "vers:generic/>=6.5|<7"},
		{Ref: "CSAFPID-0002", Vendor: "Wind River", Name: "VxWorks", VersionRange: "<= 6.5"},
		{Ref: "CSAFPID-0003", Vendor: "Wind River", Name: "VxWorks", VersionRange: "vers:generic/>=7"},
		{Ref: "CSAFPID-0004", Vendor: "Wind River", Name: "VxWorks", Version: "6.9.0"},
		// OpenVEX / CycloneDX: a purl, with and without a version.
		{Ref: "purl-690", PURL: "pkg:generic/windriver/vxworks@6.9.0"},
		{Ref: "purl-68", PURL: "pkg:generic/windriver/vxworks@6.8"},
		{Ref: "purl", PURL: "pkg:generic/windriver/vxworks"},
		{Ref: "cpe-690", CPE: "cpe:2.3:o:windriver:vxworks:6.9.0:*:*:*:*:*:*:*"},
	}}
	target := Target{VulnID: "CVE-2019-12256", ComponentName: "vxworks", ComponentVersion: "6.9",
		PURL: "pkg:generic/windriver/vxworks@6.9", CPEs: []string{"cpe:2.3:o:windriver:vxworks:6.9:*:*:*:*:*:*:*"}}
	for _, tc := range []struct {
		prod     string
		versions []string
		want     bool
	}{
		{"CSAFPID-0001", nil, true},
		{"CSAFPID-0002", nil, false},
		{"CSAFPID-0003", nil, false},
		{"CSAFPID-0004", nil, true},
		{"purl-690", nil, true},
		{"purl-68", nil, false},
		{"cpe-690", nil, true},
		// CycloneDX affects[].versions: a range, a version, neither holding.
		{"purl", []string{"vers:generic/>=6.5|<7"}, true},
		{"purl", []string{"6.9.0"}, true},
		{"purl", []string{"vers:generic/<6.5", "7.0"}, false},
		{"purl", nil, true},
	} {
		s := Statement{Vulnerability: "CVE-2019-12256", Product: tc.prod, Versions: tc.versions, Status: vigil.TriageNotAffected}
		if _, got := Match(d, s, target); got != tc.want {
			t.Errorf("%s %v on vxworks 6.9: matched %v, want %v", tc.prod, tc.versions, got, tc.want)
		}
	}
}

func TestVersionIn(t *testing.T) {
	for _, tc := range []struct {
		spec, v string
		want    bool
	}{
		{"", "1.0", true},
		{"1.0", "", false},
		{"6.9", "6.9.0", true},
		{"6.9", "6.10", false},
		{"vers:generic/>=6.5|<7", "6.9", true},
		{"vers:generic/>=6.5|<7", "6.10", true},
		{"vers:generic/>=6.5|<7", "7.0", false},
		{"vers:all/*", "anything", true},
		{"Versions 2.3.0 and prior", "2.2.9", true},
		{"653 MCE 3.x", "653 MCE 3.x", true},
		{"653 MCE 3.x", "653 MCE 4.x", false},
	} {
		if got := VersionIn(tc.spec, tc.v); got != tc.want {
			t.Errorf("VersionIn(%q, %q) = %v, want %v", tc.spec, tc.v, got, tc.want)
		}
	}
}

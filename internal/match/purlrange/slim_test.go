package purlrange

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/match"
)

func TestEncodeAffected(t *testing.T) {
	for _, tc := range []struct {
		name    string
		entries []vigil.AffectedPackage
	}{
		{"None", nil},
		{"Ranges", []vigil.AffectedPackage{{Ecosystem: "Debian:12", Name: "openssl", PURL: "pkg:deb/debian/openssl",
			Ranges: []vigil.Range{{Type: vigil.RangeEcosystem, Events: []vigil.Event{{Kind: vigil.Introduced, Version: "0"}, {Kind: vigil.Fixed, Version: "3.0.11-1~deb12u2"}}}}}}},
		{"GitAndVersions", []vigil.AffectedPackage{
			{Ecosystem: "npm", Name: "@scope/x", Versions: []string{"1.0.0", "1.0.1-rc.1", ""}},
			{Ranges: []vigil.Range{{Type: vigil.RangeGit, Repo: "https://example.org/r.git", Events: []vigil.Event{{Kind: vigil.Introduced, Version: "abc"}}}}},
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := DecodeAffected(EncodeAffected(tc.entries))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.entries, got, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("decode(encode) (-want +got):\n%s", diff)
			}
		})
	}
}

func TestDecodeAffected(t *testing.T) {
	// The JSON form is what migration 00006 writes for records imported
	// before it: OSV affected entries as vigil stores them.
	got, err := DecodeAffected([]byte(`[{"ecosystem":"PyPI","name":"django","ranges":[{"type":"ECOSYSTEM","events":[{"kind":"introduced","version":"4.2"}]}],"severities":[{"version":"3.1","vector":"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}]}]`))
	if err != nil || len(got) != 1 || got[0].Name != "django" || len(got[0].Ranges) != 1 {
		t.Errorf("DecodeAffected(JSON) = %+v, %v", got, err)
	}
	good := EncodeAffected([]vigil.AffectedPackage{{Ecosystem: "npm", Name: "x", Versions: []string{"1.0.0"}}})
	for _, tc := range []struct {
		name string
		b    []byte
	}{
		{"Empty", nil},
		{"UnknownForm", []byte{0x7f, 0}},
		{"Truncated", good[:len(good)-2]},
		{"Trailing", append(append([]byte{}, good...), 0)},
		{"HugeCount", []byte{slimFormat, 0xff, 0xff, 0xff, 0xff, 0x0f}},
		{"BadJSON", []byte(`[{"name":`)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got, err := DecodeAffected(tc.b); err == nil {
				t.Errorf("DecodeAffected(%x) = %+v, want an error", tc.b, got)
			}
		})
	}
}

func TestReportsAlways(t *testing.T) {
	for _, tc := range []struct {
		name string
		a    vigil.AffectedPackage
		want bool
	}{
		{"Ordinary", vigil.AffectedPackage{Ecosystem: "npm", Name: "x", Ranges: []vigil.Range{rng(vigil.RangeSemVer, "introduced", "0", "fixed", "1.0.0")}}, false},
		{"GitOnly", vigil.AffectedPackage{Ecosystem: "npm", Name: "x", Ranges: []vigil.Range{{Type: vigil.RangeGit, Repo: "r", Events: []vigil.Event{{Kind: vigil.Introduced, Version: "a"}}}}}, true},
		{"GitWithVersions", vigil.AffectedPackage{Ecosystem: "npm", Name: "x", Versions: []string{"1.0.0"},
			Ranges: []vigil.Range{{Type: vigil.RangeGit, Repo: "r", Events: []vigil.Event{{Kind: vigil.Introduced, Version: "a"}}}}}, false},
		{"UnknownOrder", vigil.AffectedPackage{Ecosystem: "Nonesuch", Name: "x", Ranges: []vigil.Range{rng(vigil.RangeEcosystem, "introduced", "0")}}, true},
		{"NoPackage", vigil.AffectedPackage{Ranges: []vigil.Range{rng(vigil.RangeSemVer, "introduced", "0")}}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := ReportsAlways(tc.a); got != tc.want {
				t.Errorf("ReportsAlways = %v, want %v", got, tc.want)
			}
		})
	}
}

// TestSlimDecidesAsWhole checks, on every real OSV record of the test
// data, what the scan relies on (docs/matching.md, "Candidates"): matching
// a record's slim rows — each affected entry alone, in the slim form, with
// the entries ReportsAlways picks — finds something (a match or a report)
// exactly when matching the whole record does, for an SBOM holding each
// package at every version the record names.
func TestSlimDecidesAsWhole(t *testing.T) {
	ctx := context.Background()
	m := New()
	records, decided := 0, 0
	for _, path := range realOSVFiles(t) {
		for _, raw := range readRaw(t, path) {
			v := raw.vuln()
			var comps []*vigil.Component
			for _, a := range v.Affected {
				var vers []string
				vers = append(vers, a.Versions...)
				for _, r := range a.Ranges {
					for _, e := range r.Events {
						vers = append(vers, e.Version)
					}
				}
				for _, ver := range vers {
					if p, ok := testPURL(string(a.Ecosystem), a.Name, ver); ok {
						comps = append(comps, &vigil.Component{Ref: p, PURL: p})
					}
				}
			}
			sbom := match.NewSBOM(comps)
			whole, err := m.Match(ctx, match.Record{Vuln: v}, sbom)
			if err != nil {
				t.Fatal(err)
			}
			var always []vigil.AffectedPackage
			for _, a := range v.Affected {
				if ReportsAlways(a) {
					always = append(always, Slim(a))
				}
			}
			slim := false
			for _, a := range v.Affected {
				entries, err := DecodeAffected(EncodeAffected(append([]vigil.AffectedPackage{Slim(a)}, always...)))
				if err != nil {
					t.Fatal(err)
				}
				res, err := m.Match(ctx, match.Record{Vuln: &vigil.Vulnerability{ID: v.ID, Affected: entries}}, sbom)
				if err != nil {
					t.Fatal(err)
				}
				slim = slim || len(res.Matches)+len(res.Unsupported) > 0
			}
			if withdrawn := !v.Withdrawn.IsZero(); !withdrawn {
				if got := len(whole.Matches)+len(whole.Unsupported) > 0; got != slim {
					t.Errorf("%s %s: whole record finds something: %v, its slim rows: %v", path, v.ID, got, slim)
				}
				if slim {
					decided++
				}
			}
			records++
		}
	}
	if decided < 100 {
		t.Errorf("only %d of %d records found anything; want the test to exercise matching", decided, records)
	}
}

package sbom

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/vigil/vigil"
)

func TestCheck(t *testing.T) {
	eos := vigil.Date{Year: 2030, Month: 1, Day: 1}
	full := vigil.Component{Ref: "a", Name: "a", Version: "1", Supplier: "s", PURL: "pkg:npm/a@1", SupportLevel: vigil.SupportActive, EndOfSupport: eos}
	tests := []struct {
		name  string
		doc   vigil.SBOMDocument
		comps []vigil.Component
		deps  []vigil.Dependency
		want  *Report
	}{
		{
			name:  "complete",
			doc:   vigil.SBOMDocument{Authors: []string{"x"}, Timestamp: time.Unix(1, 0)},
			comps: []vigil.Component{full},
			deps:  []vigil.Dependency{{Ref: "a"}},
			want: &Report{Components: 1, Complete: 1, DocumentMissing: []Element{}, Findings: []ComponentFinding{},
				Elements: counts(1, nil)},
		},
		{
			name: "everything missing",
			comps: []vigil.Component{
				full,
				{Ref: "b", Name: "b", CPEs: []string{"cpe:2.3:a:b:b:*:*:*:*:*:*:*:*"}, Manufacturer: "m"},
			},
			want: &Report{Components: 2, Complete: 0,
				DocumentMissing: []Element{ElementAuthor, ElementTimestamp, ElementDependency},
				Findings: []ComponentFinding{
					{Ref: "a", Name: "a", Version: "1", PURL: "pkg:npm/a@1", Missing: []Element{ElementDependency}},
					{Ref: "b", Name: "b", Missing: []Element{ElementVersion, ElementDependency, ElementSupportLevel, ElementEndOfSupport}},
				},
				Elements: counts(2, map[Element]int{ElementVersion: 1, ElementDependency: 2, ElementSupportLevel: 1, ElementEndOfSupport: 1})},
		},
		{
			// The root and each component listed with an empty dependsOn,
			// as sbom-tool writes it: a graph in form, no edge in it.
			name:  "entries but no edges",
			doc:   vigil.SBOMDocument{Authors: []string{"x"}, Timestamp: time.Unix(1, 0)},
			comps: []vigil.Component{full, {Ref: "b", Name: "b", Version: "2", PURL: "pkg:npm/b@2", Supplier: "s", SupportLevel: full.SupportLevel, EndOfSupport: full.EndOfSupport}},
			deps:  []vigil.Dependency{{Ref: "a"}, {Ref: "b"}},
			want: &Report{Components: 2, Complete: 2, DocumentMissing: []Element{ElementDependency}, Findings: []ComponentFinding{},
				DocumentNotes: []string{"the dependency graph has entries but no edges: no component is said to depend on another"},
				Elements:      counts(2, nil)},
		},
		{
			name:  "nesting is a relationship, tools are authors",
			doc:   vigil.SBOMDocument{Tools: []string{"syft"}, Timestamp: time.Unix(1, 0)},
			comps: []vigil.Component{{Ref: "p", Name: "p"}, {Ref: "c", ParentRef: "p", Name: "c"}},
			want: &Report{Components: 2, DocumentMissing: []Element{}, DependencyEdges: 1,
				Findings: []ComponentFinding{
					{Ref: "p", Name: "p", Missing: []Element{ElementSupplier, ElementVersion, ElementUniqueIdentifier, ElementSupportLevel, ElementEndOfSupport}},
					{Ref: "c", Name: "c", Missing: []Element{ElementSupplier, ElementVersion, ElementUniqueIdentifier, ElementSupportLevel, ElementEndOfSupport}},
				},
				Elements: counts(2, map[Element]int{ElementSupplier: 2, ElementVersion: 2, ElementUniqueIdentifier: 2, ElementSupportLevel: 2, ElementEndOfSupport: 2})},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Check(&tt.doc, tt.comps, tt.deps)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got)\n%s", diff)
			}
			if got.OK() != (len(tt.want.Findings) == 0 && len(tt.want.DocumentMissing) == 0) {
				t.Errorf("OK() = %v", got.OK())
			}
		})
	}
}

func counts(n int, missing map[Element]int) []ElementCount {
	var out []ElementCount
	for _, e := range ComponentElements {
		out = append(out, ElementCount{Element: e, NTIA: e.NTIA(), Present: n - missing[e], Missing: missing[e]})
	}
	return out
}

// TestCheck_medicalDevice runs the check on the real device SBOM: it names
// its components by CPE or purl and states the FDA fields in the
// manufacturer's own words ("Level of Support", "End-of-Support") on each
// of its 65 components; only the redacted device in metadata lacks them.
func TestCheck_medicalDevice(t *testing.T) {
	doc, col, err := parseBytes(t, readFile(t, "cyclonedx/medical-device-case-study/extended.sbom.json"))
	if err != nil {
		t.Fatal(err)
	}
	r := Check(doc, col.Components, col.Dependencies)
	if r.Components != len(col.Components) {
		t.Errorf("components = %d", r.Components)
	}
	for _, e := range r.Elements {
		if (e.Element == ElementSupportLevel || e.Element == ElementEndOfSupport) && (e.Present != 65 || e.Missing != r.Components-65) {
			t.Errorf("%s present on %d, missing on %d of %d components; the file states it on 65", e.Element, e.Present, e.Missing, r.Components)
		}
		if e.Element == ElementName && e.Missing != 0 {
			t.Errorf("name missing on %d components", e.Missing)
		}
	}
	if r.OK() {
		t.Errorf("report OK; the device component lacks the FDA fields")
	}
}

func TestDiff(t *testing.T) {
	c := func(purl, name, version string) vigil.Component {
		return vigil.Component{Ref: name + "@" + version, Type: vigil.ComponentLibrary, Name: name, Version: version, PURL: purl}
	}
	a := []vigil.Component{
		c("pkg:npm/lodash@4.17.20", "lodash", "4.17.20"),
		c("pkg:npm/left-pad@1.0.0", "left-pad", "1.0.0"),
		c("pkg:npm/react@18.0.0", "react", "18.0.0"),
		c("", "firmware", "1.0"),
		c("pkg:deb/debian/openssl@1.1.1?arch=amd64", "openssl", "1.1.1"),
	}
	b := []vigil.Component{
		c("pkg:npm/lodash@4.17.21", "lodash", "4.17.21"),
		c("pkg:npm/react@18.0.0", "react", "18.0.0"),
		c("pkg:npm/react@17.0.2", "react", "17.0.2"),
		c("", "firmware", "1.1"),
		c("pkg:deb/debian/openssl@3.0.0?arch=amd64", "openssl", "3.0.0"),
		c("pkg:pypi/requests@2.31.0", "requests", "2.31.0"),
	}
	got := Diff(a, b)
	type change struct{ Key, From, To string }
	var changes []change
	for _, ch := range got.Changed {
		changes = append(changes, change{ch.Key, ch.From.Version, ch.To.Version})
	}
	names := func(cs []vigil.Component) []string {
		var out []string
		for _, c := range cs {
			out = append(out, c.Name+"@"+c.Version)
		}
		return out
	}
	want := []change{
		{"component:library//firmware", "1.0", "1.1"},
		{"pkg:deb/debian/openssl?arch=amd64", "1.1.1", "3.0.0"},
		{"pkg:npm/lodash", "4.17.20", "4.17.21"},
	}
	if diff := cmp.Diff(want, changes); diff != "" {
		t.Errorf("changed (-want +got)\n%s", diff)
	}
	if diff := cmp.Diff([]string{"react@17.0.2", "requests@2.31.0"}, names(got.Added)); diff != "" {
		t.Errorf("added (-want +got)\n%s", diff)
	}
	if diff := cmp.Diff([]string{"left-pad@1.0.0"}, names(got.Removed)); diff != "" {
		t.Errorf("removed (-want +got)\n%s", diff)
	}
	same := Diff(a, a)
	if len(same.Added)+len(same.Removed)+len(same.Changed) != 0 {
		t.Errorf("Diff(a, a) = %+v", same)
	}
}

// TestDiff_releases compares two real releases: laravel in CycloneDX 1.2
// and 1.4 list the same components.
func TestDiff_releases(t *testing.T) {
	_, a, err := parseBytes(t, readFile(t, "cyclonedx/bom-examples/SBOM/laravel-7.12.0/bom.1.2.json"))
	if err != nil {
		t.Fatal(err)
	}
	_, b, err := parseBytes(t, readFile(t, "cyclonedx/bom-examples/SBOM/laravel-7.12.0/bom.1.4.xml"))
	if err != nil {
		t.Fatal(err)
	}
	d := Diff(a.Components, b.Components)
	if len(d.Added)+len(d.Removed)+len(d.Changed) != 0 {
		t.Errorf("laravel 1.2 JSON vs 1.4 XML differ: %d added, %d removed, %d changed", len(d.Added), len(d.Removed), len(d.Changed))
	}
}

func TestParseSupportCSV(t *testing.T) {
	in := "\ufeffPURL;Name;Version;Support Level;End of Support;note\n" +
		"pkg:npm/lodash@4.17.21;;;actively maintained;2027-06-30;ok\n" +
		"pkg:npm/left-pad;;;abandoned;;every version\n" +
		";FreeRTOS;10.0.1;no longer maintained;2020-12-31T00:00:00Z;\n" +
		"\n" +
		";wolfSSL;;limited;;any version\n" +
		"pkg:npm/;;;active;;bad purl\n" +
		";x;1;sometimes;2020-13-01;bad level and date\n" +
		";y;1;;;nothing\n" +
		";;1;active;;no key\n"
	recs, bad, err := ParseSupportCSV(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	want := []SupportRecord{
		{Line: 2, PURL: "pkg:npm/lodash@4.17.21", SupportLevel: vigil.SupportActive, EndOfSupport: vigil.Date{Year: 2027, Month: 6, Day: 30}},
		{Line: 3, PURL: "pkg:npm/left-pad", SupportLevel: vigil.SupportAbandoned},
		{Line: 4, Name: "FreeRTOS", Version: "10.0.1", SupportLevel: vigil.SupportNone, EndOfSupport: vigil.Date{Year: 2020, Month: 12, Day: 31}},
		{Line: 6, Name: "wolfSSL", SupportLevel: vigil.SupportLimited},
	}
	if diff := cmp.Diff(want, recs); diff != "" {
		t.Errorf("records (-want +got)\n%s", diff)
	}
	var got []string
	for _, e := range bad {
		got = append(got, e.Error())
	}
	wantBad := []string{
		`line 7: purl: invalid purl "pkg:npm/": `,
		`line 8: support_level: "sometimes" is not one of`,
		`line 8: end_of_support: date "2020-13-01": want YYYY-MM-DD`,
		`line 9: neither support_level nor end_of_support given`,
		`line 10: neither purl nor name given`,
	}
	if len(got) != len(wantBad) {
		t.Fatalf("row errors = %q", got)
	}
	for i := range wantBad {
		if !strings.HasPrefix(got[i], wantBad[i]) {
			t.Errorf("row error %d = %q; want prefix %q", i, got[i], wantBad[i])
		}
	}

	x := NewSupportIndex(recs)
	apply := func(c vigil.Component) vigil.Component { x.Apply(&c); return c }
	if c := apply(vigil.Component{Name: "left-pad", Version: "1.3.0", PURL: "pkg:npm/left-pad@1.3.0"}); c.SupportLevel != vigil.SupportAbandoned {
		t.Errorf("purl without version did not match: %+v", c)
	}
	if c := apply(vigil.Component{Name: "FreeRTOS", Version: "10.0.1"}); c.EndOfSupport.IsZero() {
		t.Errorf("name+version did not match: %+v", c)
	}
	if c := apply(vigil.Component{Name: "wolfSSL", Version: "5.0"}); c.SupportLevel != vigil.SupportLimited {
		t.Errorf("name without version did not match: %+v", c)
	}
	if x.Apply(&vigil.Component{Name: "other", Version: "1"}) {
		t.Errorf("unrelated component matched")
	}
}

func TestParseSupportCSV_badHeader(t *testing.T) {
	for _, in := range []string{"", "a,b,c\n1,2,3\n", "purl,version\npkg:npm/a@1,1\n"} {
		if _, _, err := ParseSupportCSV(strings.NewReader(in)); err == nil {
			t.Errorf("ParseSupportCSV(%q) accepted it", in)
		}
	}
}

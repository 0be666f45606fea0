package cpe

import (
	"bufio"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// wfn builds a Name from WFN values, Any for those not given.
func wfn(vals ...string) Name {
	var n Name
	for i := range n {
		n[i] = Any
		if i < len(vals) && vals[i] != "" {
			n[i] = vals[i]
		}
	}
	return n
}

// The unbinding examples of NISTIR 7695 §6.2.3 (formatted strings) and
// §6.1.3 (URIs), with the WFNs the spec gives.
func TestParse(t *testing.T) {
	tests := []struct {
		name, in string
		want     Name
		wantErr  bool
	}{
		{name: "FS example 1", in: "cpe:2.3:a:microsoft:internet_explorer:8.0.6001:beta:*:*:*:*:*:*",
			want: wfn("a", "microsoft", "internet_explorer", `8\.0\.6001`, "beta")},
		{name: "FS example 2 wildcards", in: "cpe:2.3:a:microsoft:internet_explorer:8.*:sp?:*:*:*:*:*:*",
			want: wfn("a", "microsoft", "internet_explorer", `8\.*`, "sp?")},
		{name: "FS example 3 NA and extended attributes", in: "cpe:2.3:a:hp:insight_diagnostics:7.4.0.1570:-:*:*:online:win2003:x64:*",
			want: wfn("a", "hp", "insight_diagnostics", `7\.4\.0\.1570`, NA, "", "", "online", "win2003", "x64")},
		{name: "FS example 4", in: "cpe:2.3:a:hp:openview_network_manager:7.51:*:*:*:*:linux:*:*",
			want: wfn("a", "hp", "openview_network_manager", `7\.51`, "", "", "", "", "linux")},
		{name: "FS example 5 quoted characters", in: `cpe:2.3:a:foo\\bar:big\$money_2010:*:*:*:*:special:ipod_touch:80gb:*`,
			want: wfn("a", `foo\\bar`, `big\$money_2010`, "", "", "", "", "special", "ipod_touch", `80gb`)},
		{name: "FS quoted colon", in: `cpe:2.3:a:foo:bar\:baz:1.0:*:*:*:*:*:*:*`,
			want: wfn("a", "foo", `bar\:baz`, `1\.0`)},
		{name: "FS quoted wildcard is literal", in: `cpe:2.3:a:foo:bar:1\*:*:*:*:*:*:*:*`,
			want: wfn("a", "foo", "bar", `1\*`)},
		{name: "FS upper case is lowered", in: "CPE:2.3:O:Microsoft:Windows_10:-:*:*:*:*:*:X64:*",
			want: wfn("o", "microsoft", "windows_10", NA, "", "", "", "", "", "x64")},
		{name: "FS embedded wildcard", in: "cpe:2.3:a:foo:bar:1.*.1:*:*:*:*:*:*:*", wantErr: true},
		{name: "FS star and question mixed", in: "cpe:2.3:a:foo:bar:*?1:*:*:*:*:*:*:*", wantErr: true},
		{name: "FS too few attributes", in: "cpe:2.3:a:foo:bar:1.0", wantErr: true},
		{name: "FS too many attributes", in: "cpe:2.3:a:foo:bar:1.0:*:*:*:*:*:*:*:*", wantErr: true},
		{name: "FS empty value", in: "cpe:2.3:a::bar:1.0:*:*:*:*:*:*:*", wantErr: true},
		{name: "FS bad part", in: "cpe:2.3:x:foo:bar:1.0:*:*:*:*:*:*:*", wantErr: true},
		{name: "FS space", in: "cpe:2.3:a:foo:b r:1.0:*:*:*:*:*:*:*", wantErr: true},
		{name: "FS trailing backslash", in: `cpe:2.3:a:foo:bar:*:*:*:*:*:*:*:x\`, wantErr: true},

		{name: "URI example 1", in: "cpe:/a:microsoft:internet_explorer:8.0.6001:beta",
			want: wfn("a", "microsoft", "internet_explorer", `8\.0\.6001`, "beta")},
		{name: "URI example 2 encoded literals", in: "cpe:/a:microsoft:internet_explorer:8.%2a:sp%3f",
			want: wfn("a", "microsoft", "internet_explorer", `8\.\*`, `sp\?`)},
		{name: "URI example 3 encoded wildcards", in: "cpe:/a:microsoft:internet_explorer:8.%02:sp%01",
			want: wfn("a", "microsoft", "internet_explorer", `8\.*`, "sp?")},
		{name: "URI example 4 packed edition", in: "cpe:/a:hp:insight_diagnostics:7.4.0.1570::~~online~win2003~x64~",
			want: wfn("a", "hp", "insight_diagnostics", `7\.4\.0\.1570`, "", "", "", "online", "win2003", "x64")},
		{name: "URI example 5 NA", in: "cpe:/a:hp:openview_network_manager:7.51:-:~~~linux~~",
			want: wfn("a", "hp", "openview_network_manager", `7\.51`, NA, "", "", "", "linux")},
		{name: "URI example 6 bad encoding", in: "cpe:/a:foo%5cbar:big%24money_2010%07:::~~special~ipod_touch~80gb~", wantErr: true},
		{name: "URI example 7 tilde", in: "cpe:/a:foo~bar:big%7emoney_2010",
			want: wfn("a", `foo\~bar`, `big\~money_2010`)},
		{name: "URI example 8 embedded wildcard", in: "cpe:/a:foo:bar:12.%02.1234", wantErr: true},
		{name: "URI CVE 5 Red Hat", in: "cpe:/o:redhat:enterprise_linux:10",
			want: wfn("o", "redhat", "enterprise_linux", "10")},
		{name: "neither form", in: "cpe:2.2:a:foo", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse(tt.in)
			if tt.wantErr {
				if err == nil || !errors.Is(err, ErrInvalid) {
					t.Fatalf("Parse(%q) = %v, %v; want an ErrInvalid", tt.in, got, err)
				}
				return
			}
			if err != nil {
				t.Fatalf("Parse(%q): %v", tt.in, err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Parse(%q) (-want +got):\n%s", tt.in, diff)
			}
			again, err := Parse(got.String())
			if err != nil || again != got {
				t.Errorf("Parse(%q.String() = %q) = %v, %v; want %v", tt.in, got.String(), again, err, got)
			}
		})
	}
}

// The binding examples of NISTIR 7695 §6.2.2.
func TestString(t *testing.T) {
	tests := []struct {
		in   Name
		want string
	}{
		{wfn("a", "microsoft", "internet_explorer", `8\.0\.6001`, "beta", Any), "cpe:2.3:a:microsoft:internet_explorer:8.0.6001:beta:*:*:*:*:*:*"},
		{wfn("a", "microsoft", "internet_explorer", `8\.*`, "sp?"), "cpe:2.3:a:microsoft:internet_explorer:8.*:sp?:*:*:*:*:*:*"},
		{wfn("a", "hp", "insight", `7\.4\.0\.1570`, NA, "", "", "", "win2003", "x64"), "cpe:2.3:a:hp:insight:7.4.0.1570:-:*:*:*:win2003:x64:*"},
		{wfn("a", `foo\\bar`, `big\$money`, "", "", "", "", "", "ipod_touch", "80gb"), `cpe:2.3:a:foo\\bar:big\$money:*:*:*:*:*:ipod_touch:80gb:*`},
	}
	for _, tt := range tests {
		if got := tt.in.String(); got != tt.want {
			t.Errorf("%v.String() = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// NISTIR 7696 Table 6-2: every pair of source and target kinds. i and k
// are distinct strings, j a string with wildcards that matches i ("fo*")
// or not, m a target with wildcards.
func TestCompareAttr(t *testing.T) {
	tests := []struct {
		source, target string
		want           Relation
	}{
		{Any, Any, Equal},         // 1
		{Any, NA, Superset},       // 2
		{Any, "foo", Superset},    // 3
		{Any, "fo*", Undefined},   // 4
		{NA, Any, Subset},         // 5
		{NA, NA, Equal},           // 6
		{NA, "foo", Disjoint},     // 7
		{NA, "fo*", Undefined},    // 8
		{"foo", Any, Subset},      // 9
		{"foo", NA, Disjoint},     // 10
		{"foo", "foo", Equal},     // 11
		{"foo", "bar", Disjoint},  // 12
		{"foo", "fo*", Undefined}, // 13
		{"fo*", Any, Subset},      // 14
		{"fo*", NA, Disjoint},     // 15
		{"fo*", "foo", Superset},  // 16, i matches j
		{"fo*", "bar", Disjoint},  // 16, it does not
		{"fo*", "ba?", Undefined}, // 17
		{"Foo", "fOO", Equal},     // case-insensitive
		{`8\.*`, `8\.0\.6001`, Superset},
		{`8\.*`, `9\.0`, Disjoint},
		{`*\.0`, `8\.0`, Superset},
		{`*6001`, `8\.0\.6001`, Superset},
		{`*0\.6*`, `8\.0\.6001`, Superset},
		{"sp?", "sp2", Superset},
		{"sp?", "sp", Superset}, // "?" is at most one character
		{"sp?", "sp12", Disjoint},
		{"??oo", "foo", Superset},
		{"?oo", "ffoo", Disjoint},
		{"???", "ab", Superset},
		{"???", "abcd", Disjoint},
		{`8\.0?`, `8\.0\.1`, Disjoint}, // a quoted character counts once
		{`8\.0??`, `8\.0\.1`, Superset},
		{`\*`, `\*`, Equal},
		{"a*", `\*a`, Disjoint},
	}
	for _, tt := range tests {
		if got := CompareAttr(tt.source, tt.target); got != tt.want {
			t.Errorf("CompareAttr(%q, %q) = %v, want %v", tt.source, tt.target, got, tt.want)
		}
	}
}

// The name comparison examples of the CPE reference implementation
// (NIST/MITRE CPENameMatcherTest) and NISTIR 7696 §7.
func TestCompareNames(t *testing.T) {
	ie := wfn("a", "microsoft", "internet_explorer", `8\.0\.6001`, "beta", Any, "sp2")
	anyIE := wfn("a", "microsoft", "internet_explorer")
	if IsDisjoint(ie, anyIE) || IsEqual(ie, anyIE) || !IsSubset(ie, anyIE) || IsSuperset(ie, anyIE) {
		t.Errorf("IE 8.0.6001 beta vs IE ANY: want subset only")
	}
	if !IsSuperset(anyIE, ie) || IsSubset(anyIE, ie) {
		t.Errorf("IE ANY vs IE 8.0.6001 beta: want superset")
	}
	adobe, err := ParseFS("cpe:2.3:a:adobe:*:9.*:*:PalmOS:*:*:*:*:*")
	if err != nil {
		t.Fatal(err)
	}
	reader, err := ParseURI("cpe:/a::Reader:9.3.2:-:-")
	if err != nil {
		t.Fatal(err)
	}
	if !IsDisjoint(adobe, reader) || IsEqual(adobe, reader) || IsSubset(adobe, reader) || IsSuperset(adobe, reader) {
		t.Errorf("adobe 9.* PalmOS vs Reader 9.3.2: want disjoint only")
	}
	// NISTIR 7696 §7 example: a wildcarded version against a concrete one.
	src, _ := ParseFS("cpe:2.3:a:microsoft:internet_explorer:8.*:sp?:*:*:*:*:*:*")
	tgt, _ := ParseFS("cpe:2.3:a:microsoft:internet_explorer:8.0.6001:sp1:*:*:*:*:*:*")
	if !IsSuperset(src, tgt) {
		t.Errorf("IE 8.* sp? should be a superset of IE 8.0.6001 sp1: %v", Compare(src, tgt))
	}
	if IsSuperset(tgt, src) {
		t.Errorf("a target with wildcards is undefined, never a superset")
	}
	if got := Compare(src, tgt); got[Version] != Superset || got[Part] != Equal || got[Update] != Superset {
		t.Errorf("Compare = %v", got)
	}
	eq, _ := Parse("cpe:/a:microsoft:internet_explorer:8.0.6001:beta")
	eq2, _ := Parse("cpe:2.3:a:microsoft:internet_explorer:8.0.6001:beta:*:*:*:*:*:*")
	if !IsEqual(eq, eq2) {
		t.Errorf("URI and FS of one name: want equal")
	}
}

func TestCompareVersions(t *testing.T) {
	f, err := os.Open("testdata/versions.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	n := 0
	for line := 1; sc.Scan(); line++ {
		s := strings.TrimSpace(sc.Text())
		if s == "" || strings.HasPrefix(s, "#") {
			continue
		}
		fs := strings.Fields(s)
		if len(fs) != 3 {
			t.Fatalf("versions.txt:%d: want A OP B, got %q", line, s)
		}
		want := map[string]int{"<": -1, "=": 0, ">": 1}[fs[1]]
		if got := CompareVersions(fs[0], fs[2]); got != want {
			t.Errorf("versions.txt:%d: CompareVersions(%q, %q) = %d, want %d", line, fs[0], fs[2], got, want)
		}
		if got := CompareVersions(fs[2], fs[0]); got != -want {
			t.Errorf("versions.txt:%d: CompareVersions(%q, %q) = %d, want %d", line, fs[2], fs[0], got, -want)
		}
		n++
	}
	if n < 40 {
		t.Errorf("only %d fixture lines", n)
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"cpe:2.3:a:microsoft:internet_explorer:8.0.6001:beta:*:*:*:*:*:*",
		"cpe:2.3:a:microsoft:internet_explorer:8.*:sp?:*:*:*:*:*:*",
		`cpe:2.3:a:foo\\bar:big\$money_2010:*:*:*:*:special:ipod_touch:80gb:*`,
		"cpe:2.3:o:microsoft:windows:-:*:*:*:*:*:*:*",
		"cpe:2.3:a:espressif:esp-idf:*:*:*:*:*:*:*:*",
		"cpe:/a:hp:insight_diagnostics:7.4.0.1570::~~online~win2003~x64~",
		"cpe:/a:microsoft:internet_explorer:8.%02:sp%01",
		"cpe:/o:redhat:enterprise_linux:10",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := Parse(s)
		if err != nil {
			return
		}
		// What Parse accepts binds to a formatted string that parses
		// back to the same name, and compares equal to itself.
		again, err := ParseFS(n.String())
		if err != nil {
			t.Fatalf("Parse(%q).String() = %q: %v", s, n.String(), err)
		}
		if again != n {
			t.Fatalf("round trip of %q: %v then %v", s, n, again)
		}
		for a := range numAttrs {
			if r := CompareAttr(n[a], n[a]); r != Equal && r != Undefined {
				t.Fatalf("%s %q against itself: %v", a, n[a], r)
			}
		}
		_ = CompareVersions(n.Unquoted(Version), n.Unquoted(Update))
	})
}

func FuzzCompareVersions(f *testing.F) {
	f.Add("4.8.1", "4.10.0", "2.0.9-hotfix.7")
	f.Add("1.0rc1", "1.0", "1.0.0")
	f.Add("v1.2", "1.1.1k", "20240814")
	f.Fuzz(func(t *testing.T, a, b, c string) {
		ab, ba := CompareVersions(a, b), CompareVersions(b, a)
		if ab != -ba {
			t.Fatalf("antisymmetry: %q vs %q: %d and %d", a, b, ab, ba)
		}
		if CompareVersions(a, a) != 0 {
			t.Fatalf("%q != itself", a)
		}
		bc, ac := CompareVersions(b, c), CompareVersions(a, c)
		if ab <= 0 && bc <= 0 && ac > 0 {
			t.Fatalf("transitivity: %q <= %q <= %q but %q > %q", a, b, c, a, c)
		}
	})
}

// TestEscape quotes what tools write bare in CPE 2.3 formatted strings and
// leaves what is already bound alone.
func TestEscape(t *testing.T) {
	tests := []struct{ in, want string }{
		{"cpe:2.3:a:gnu:g++:4.8:*:*:*:*:*:*:*", `cpe:2.3:a:gnu:g\+\+:4.8:*:*:*:*:*:*:*`},
		{`cpe:2.3:a:gnu:g\+\+:4.8:*:*:*:*:*:*:*`, `cpe:2.3:a:gnu:g\+\+:4.8:*:*:*:*:*:*:*`},
		{"cpe:2.3:a:Don_Ho:Notepad++(x64):8.1:*:*:*:*:*:*:*", `cpe:2.3:a:Don_Ho:Notepad\+\+\(x64\):8.1:*:*:*:*:*:*:*`},
		{"cpe:2.3:o:amazon:freertos:10.0.1:*:*:*:*:*:*:*", "cpe:2.3:o:amazon:freertos:10.0.1:*:*:*:*:*:*:*"},
		{"cpe:2.3:a:acme:lib:1.0-rc?:-:*:*:*:*:*:*", "cpe:2.3:a:acme:lib:1.0-rc?:-:*:*:*:*:*:*"},
		{`cpe:2.3:a:acme:a!b@c:1:*:*:*:*:*:*:x\`, `cpe:2.3:a:acme:a\!b\@c:1:*:*:*:*:*:*:x\\`},
		{`cpe:2.3:a:acme:c\+\+lib:1\.0\_1:*:*:*:*:*:*:*`, `cpe:2.3:a:acme:c\+\+lib:1.0_1:*:*:*:*:*:*:*`},
		{"cpe:/a:gnu:g++:4.8", "cpe:/a:gnu:g++:4.8"},
		{"not a cpe", "not a cpe"},
	}
	for _, tt := range tests {
		got := Escape(tt.in)
		if got != tt.want {
			t.Errorf("Escape(%q) = %q; want %q", tt.in, got, tt.want)
		}
		if Escape(got) != got {
			t.Errorf("Escape(%q) is not idempotent: %q", got, Escape(got))
		}
		if strings.HasPrefix(tt.in, "cpe:2.3:") {
			a, errA := Parse(tt.in)
			b, errB := Parse(got)
			if errA == nil && (errB != nil || a != b) {
				t.Errorf("Escape(%q) changed the name: %v %v / %v", tt.in, a, b, errB)
			}
		}
	}
}

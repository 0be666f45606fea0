package purlrange

import (
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/match"
)

// fuzzRange reads "TYPE kind version kind version …" into a range.
func fuzzRange(s string) vigil.Range {
	f := strings.Fields(s)
	if len(f) == 0 {
		return vigil.Range{}
	}
	return rng(vigil.RangeType(f[0]), f[1:]...)
}

// FuzzMatch feeds the purl → ecosystem mapping and range evaluation a
// component purl and an affected package (ecosystem, name, one range, a
// versions list). Besides not panicking, it checks that a match is always
// of the component's own package, that results are deterministic, and, for
// a purl that maps, that the component matches a record listing its version
// or introducing it, and does not match one fixing it.
func FuzzMatch(f *testing.F) {
	seeds := []struct{ purl, eco, name, rng, listed string }{
		{"pkg:npm/%40angular/core@11.0.5-rc.1", "npm", "@angular/core", "SEMVER introduced 0 fixed 11.0.5-rc.2", ""},
		{"pkg:pypi/Django@4.2.8.dev1", "PyPI", "django", "ECOSYSTEM introduced 4.2 fixed 4.2.8", "4.2.7 4.2.8rc1"},
		{"pkg:maven/org.apache.logging.log4j/log4j-core@2.15.0-rc1", "Maven", "org.apache.logging.log4j:log4j-core", "ECOSYSTEM introduced 2.0-beta9 fixed 2.15.0", ""},
		{"pkg:golang/stdlib@go1.20.10", "Go", "stdlib", "SEMVER introduced 0 fixed 1.20.11 introduced 1.21.0-0 fixed 1.21.4", ""},
		{"pkg:deb/debian/openssl@1:3.0.11-1~deb12u1?distro=debian-12", "Debian:12", "openssl", "ECOSYSTEM introduced 0 fixed 3.0.11-1~deb12u2", ""},
		{"pkg:rpm/almalinux/swtpm@0.7.0-3.20211109gitb79fd91.el9?epoch=1&distro=almalinux-9", "AlmaLinux:9", "swtpm", "ECOSYSTEM introduced 0 fixed 0.7.0-3.20211109gitb79fd91.el9", ""},
		{"pkg:apk/alpine/openssl@1.0.2p-r0?distro=alpine-3.8.1", "Alpine:v3.8", "openssl", "ECOSYSTEM introduced 0 fixed 1.0.2q-r0", ""},
		{"pkg:apk/chainguard/haproxy-2.2@2.2.33-r0?arch=x86_64", "Chainguard", "haproxy-2.2", "ECOSYSTEM introduced 0 fixed 2.2.34-r0", ""},
		{"pkg:bitnami/activemq@5.15.12", "Bitnami", "activemq", "SEMVER introduced 0 fixed 5.15.13", ""},
		{"pkg:nuget/Newtonsoft.Json@13.0.1-beta1", "NuGet", "newtonsoft.json", "ECOSYSTEM introduced 0 fixed 13.0.1", ""},
		{"pkg:gem/nokogiri@1.13.4.rc1", "RubyGems", "nokogiri", "ECOSYSTEM introduced 0 last_affected 1.13.3", ""},
		{"pkg:composer/laravel/framework@v8.22.0", "Packagist", "laravel/framework", "ECOSYSTEM introduced 8.0.0 fixed 8.22.1", ""},
		{"pkg:cargo/tokio@1.18.3", "crates.io", "tokio", "SEMVER introduced 1.7.0 fixed 1.18.4 limit 2.0.0", ""},
		{"pkg:pypi/requests@2.3.0", "PyPI", "requests", "GIT introduced 0 fixed 3a6f2e1", "2.3.0 2.4.0"},
		{"pkg:deb/ubuntu/curl@7.81.0-1ubuntu1.14?distro=jammy", "Ubuntu:22.04:LTS", "curl", "ECOSYSTEM introduced 0 fixed 7.81.0-1ubuntu1.15", ""},
		{"pkg:hex/phoenix@1.7.0", "Hex", "phoenix", "ECOSYSTEM introduced 1.6.0 fixed 1.7.1", ""},
		{"pkg:github/actions/checkout@v4", "GitHub Actions", "actions/checkout", "ECOSYSTEM introduced 0 fixed 4.1.0", ""},
		{"pkg:npm/x", "npm", "x", "SEMVER introduced 0", ""},
		{"pkg:deb/debian/x@1.0-a:b", "Debian", "x", "ECOSYSTEM introduced 0 fixed 1.0-a:b", ""},
	}
	for _, s := range seeds {
		f.Add(s.purl, s.eco, s.name, s.rng, s.listed)
	}
	m := New()
	ctx := context.Background()
	f.Fuzz(func(t *testing.T, purl, eco, name, rngText, listed string) {
		pkg, perr := FromPURL(purl)
		if perr == nil {
			if n := NormalizeName(pkg.Ecosystem, pkg.Name); n != pkg.Name {
				t.Fatalf("FromPURL(%q) name %q is not normalised (%q)", purl, pkg.Name, n)
			}
			if !mapped(pkg.Ecosystem) {
				t.Fatalf("FromPURL(%q) gives ecosystem %q that mapped denies", purl, pkg.Ecosystem)
			}
		}
		comp := &vigil.Component{Ref: "c", PURL: purl}
		sbom := match.NewSBOM([]*vigil.Component{comp})
		v := &vigil.Vulnerability{ID: "F", Affected: []vigil.AffectedPackage{{
			Ecosystem: vigil.Ecosystem(eco), Name: name,
			Ranges: []vigil.Range{fuzzRange(rngText)}, Versions: strings.Fields(listed)}}}
		res, err := m.Match(ctx, match.Record{Vuln: v}, sbom)
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Matches) > 0 {
			if perr != nil {
				t.Fatalf("%q matched though it maps to no package: %v", purl, perr)
			}
			if pkg.Key() != Key(vigil.Ecosystem(eco), name) || !sameRelease(suffix(vigil.Ecosystem(eco)), pkg.Release) {
				t.Fatalf("%q (%s) matched %s/%s", purl, pkg.Key(), eco, name)
			}
		}
		again, _ := m.Match(ctx, match.Record{Vuln: v}, match.NewSBOM([]*vigil.Component{comp}))
		if diff := cmp.Diff(res, again); diff != "" {
			t.Fatalf("not deterministic (-first +second)\n%s", diff)
		}
		if perr != nil || pkg.Version == "" {
			return
		}
		// Records built from the component's own package.
		recEco := pkg.Ecosystem
		if pkg.Release != "" {
			recEco += vigil.Ecosystem(":" + pkg.Release)
		}
		own := func(ap vigil.AffectedPackage) match.Result {
			ap.Ecosystem, ap.Name = recEco, pkg.Name
			r, err := m.Match(ctx, match.Record{Vuln: &vigil.Vulnerability{ID: "O", Affected: []vigil.AffectedPackage{ap}}}, sbom)
			if err != nil {
				t.Fatal(err)
			}
			return r
		}
		ordered := knownOrder(pkg.Ecosystem)
		if r := own(vigil.AffectedPackage{Versions: []string{pkg.Version}}); ordered && len(r.Matches) != 1 {
			t.Fatalf("%q not matched by a record listing %q: %+v", purl, pkg.Version, r)
		}
		for _, typ := range []vigil.RangeType{vigil.RangeSemVer, vigil.RangeEcosystem} {
			if typ == vigil.RangeEcosystem && (!ordered || !parses(pkg)) {
				continue
			}
			if r := own(vigil.AffectedPackage{Ranges: []vigil.Range{rng(typ, "introduced", pkg.Version)}}); len(r.Matches) != 1 {
				t.Fatalf("%q not matched by %s introduced %q: %+v", purl, typ, pkg.Version, r)
			}
			if pkg.Version == "0" {
				continue // "fixed 0" after "introduced 0" is degenerate
			}
			if r := own(vigil.AffectedPackage{Ranges: []vigil.Range{rng(typ, "introduced", "0", "fixed", pkg.Version)}}); len(r.Matches) != 0 {
				t.Fatalf("%q matched by %s fixed %q: %+v", purl, typ, pkg.Version, r)
			}
			if r := own(vigil.AffectedPackage{Ranges: []vigil.Range{rng(typ, "introduced", "0", "last_affected", pkg.Version)}}); len(r.Matches) != 1 {
				t.Fatalf("%q not matched by %s last_affected %q: %+v", purl, typ, pkg.Version, r)
			}
		}
	})
}

func parses(p Package) bool {
	_, err := parse(p.Ecosystem, vigil.RangeEcosystem, p.Version)
	return err == nil
}

package purlrange

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/osv-scalibr/semantic"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/match"
)

func TestFromPURL(t *testing.T) {
	tests := []struct {
		purl    string
		want    Package
		wantErr string
	}{
		{"pkg:npm/%40angular/core@16.2.0", Package{Ecosystem: "npm", Name: "@angular/core", Version: "16.2.0"}, ""},
		{"pkg:npm/lodash@4.17.21", Package{Ecosystem: "npm", Name: "lodash", Version: "4.17.21"}, ""},
		{"pkg:pypi/Zope.Interface@5.4.0", Package{Ecosystem: "PyPI", Name: "zope-interface", Version: "5.4.0"}, ""},
		{"pkg:pypi/typing_extensions@4.8.0", Package{Ecosystem: "PyPI", Name: "typing-extensions", Version: "4.8.0"}, ""},
		{"pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1?type=jar", Package{Ecosystem: "Maven", Name: "org.apache.logging.log4j:log4j-core", Version: "2.14.1"}, ""},
		{"pkg:golang/golang.org/x/net@v0.17.0#html", Package{Ecosystem: "Go", Name: "golang.org/x/net", Version: "v0.17.0"}, ""},
		{"pkg:golang/stdlib@go1.21.3", Package{Ecosystem: "Go", Name: "stdlib", Version: "1.21.3"}, ""},
		{"pkg:cargo/tokio@1.28.0", Package{Ecosystem: "crates.io", Name: "tokio", Version: "1.28.0"}, ""},
		{"pkg:nuget/Newtonsoft.Json@12.0.3", Package{Ecosystem: "NuGet", Name: "newtonsoft.json", Version: "12.0.3"}, ""},
		{"pkg:gem/nokogiri@1.13.3", Package{Ecosystem: "RubyGems", Name: "nokogiri", Version: "1.13.3"}, ""},
		{"pkg:composer/Laravel/Framework@v8.22.0", Package{Ecosystem: "Packagist", Name: "laravel/framework", Version: "v8.22.0"}, ""},
		{"pkg:deb/debian/openssl@3.0.11-1~deb12u1?arch=amd64&distro=debian-12", Package{Ecosystem: "Debian", Release: "12", Name: "openssl", Version: "3.0.11-1~deb12u1"}, ""},
		{"pkg:deb/debian/libc6@2.36-9?distro=bookworm", Package{Ecosystem: "Debian", Release: "12", Name: "libc6", Version: "2.36-9"}, ""},
		{"pkg:deb/ubuntu/curl@7.81.0-1ubuntu1.15?distro=ubuntu-22.04", Package{Ecosystem: "Ubuntu", Release: "22.04", Name: "curl", Version: "7.81.0-1ubuntu1.15"}, ""},
		{"pkg:deb/debian/perl@5.36.0-7?epoch=1", Package{Ecosystem: "Debian", Name: "perl", Version: "1:5.36.0-7"}, ""},
		{"pkg:rpm/almalinux/openssl@3.0.7-27.el9?arch=x86_64&epoch=1&distro=almalinux-9.3", Package{Ecosystem: "AlmaLinux", Release: "9.3", Name: "openssl", Version: "1:3.0.7-27.el9"}, ""},
		{"pkg:rpm/redhat/openssl@1.1.1k-5.el8_5?distro=rhel-8.5", Package{Ecosystem: "Red Hat", Release: "8.5", Name: "openssl", Version: "1.1.1k-5.el8_5"}, ""},
		{"pkg:rpm/rocky/bash@5.1.8-6.el9?distro=el9", Package{Ecosystem: "Rocky Linux", Release: "9", Name: "bash", Version: "5.1.8-6.el9"}, ""},
		{"pkg:apk/alpine/openssl@3.1.4-r0?arch=x86_64&distro=alpine-3.18.4", Package{Ecosystem: "Alpine", Release: "3.18.4", Name: "openssl", Version: "3.1.4-r0"}, ""},
		{"pkg:apk/wolfi/haproxy-3.0@3.0.9-r0?arch=aarch64", Package{Ecosystem: "Wolfi", Name: "haproxy-3.0", Version: "3.0.9-r0"}, ""},
		{"pkg:bitnami/nginx@1.25.2", Package{Ecosystem: "Bitnami", Name: "nginx", Version: "1.25.2"}, ""},
		{"pkg:hex/phoenix@1.7.0", Package{Ecosystem: "Hex", Name: "phoenix", Version: "1.7.0"}, ""},
		{"pkg:deb/raspbian/openssl@1.1.1", Package{}, `deb distribution "raspbian" has no OSV ecosystem`},
		{"pkg:docker/library/nginx@1.25", Package{}, `type "docker" has no OSV ecosystem`},
		{"pkg:npm/", Package{}, "invalid purl"},
		{"not a purl", Package{}, "invalid purl"},
	}
	for _, tt := range tests {
		got, err := FromPURL(tt.purl)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("FromPURL(%q) error = %v, want %q", tt.purl, err, tt.wantErr)
			}
			continue
		}
		if err != nil {
			t.Errorf("FromPURL(%q): %v", tt.purl, err)
			continue
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("FromPURL(%q) (-want +got)\n%s", tt.purl, diff)
		}
	}
}

func TestNormalizeName(t *testing.T) {
	tests := []struct {
		eco        vigil.Ecosystem
		name, want string
	}{
		{"PyPI", "Friendly-Bard", "friendly-bard"},
		{"PyPI", "friendly.bard", "friendly-bard"},
		{"PyPI", "FRIENDLY__.-bard", "friendly-bard"},
		{"PyPI", "_x_", "-x-"},
		{"NuGet", "Newtonsoft.Json", "newtonsoft.json"},
		{"Packagist", "Symfony/HTTP-Kernel", "symfony/http-kernel"},
		{"Maven", "org.Foo:Bar", "org.Foo:Bar"},
		{"Go", "github.com/BurntSushi/toml", "github.com/BurntSushi/toml"},
		{"Debian:12", "libSDL2", "libSDL2"},
	}
	for _, tt := range tests {
		if got := NormalizeName(tt.eco, tt.name); got != tt.want {
			t.Errorf("NormalizeName(%q, %q) = %q, want %q", tt.eco, tt.name, got, tt.want)
		}
	}
}

// eco builds an ECOSYSTEM range from alternating kind, version pairs.
func eco(kv ...string) vigil.Range { return rng(vigil.RangeEcosystem, kv...) }

// semver builds a SEMVER range.
func semver(kv ...string) vigil.Range { return rng(vigil.RangeSemVer, kv...) }

func rng(t vigil.RangeType, kv ...string) vigil.Range {
	r := vigil.Range{Type: t}
	for i := 0; i+1 < len(kv); i += 2 {
		r.Events = append(r.Events, vigil.Event{Kind: vigil.EventKind(kv[i]), Version: kv[i+1]})
	}
	return r
}

// matchOne runs the matcher for one affected package over components
// made from purls, returning the refs matched, their evidence ranges and
// what was unsupported.
func matchOne(t *testing.T, ap vigil.AffectedPackage, purls ...string) (map[string]string, []string) {
	t.Helper()
	var comps []*vigil.Component
	for _, p := range purls {
		comps = append(comps, &vigil.Component{Ref: p, Name: p, PURL: p})
	}
	v := &vigil.Vulnerability{ID: "TEST-1", Affected: []vigil.AffectedPackage{ap},
		Provenance: vigil.Provenance{Source: vigil.SourceOSV, SourceID: "TEST-1"}}
	res, err := New().Match(context.Background(), match.Record{Vuln: v}, match.NewSBOM(comps))
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, m := range res.Matches {
		got[m.ComponentRef] = m.Evidence.Range
	}
	return got, res.Unsupported
}

type versionCase struct {
	purl     string
	affected bool
}

func TestMatch_Ecosystems(t *testing.T) {
	tests := []struct {
		name  string
		ap    vigil.AffectedPackage
		cases []versionCase
	}{
		{"npm prereleases", vigil.AffectedPackage{Ecosystem: "npm", Name: "next",
			Ranges: []vigil.Range{semver("introduced", "13.4.0", "fixed", "14.1.1")}}, []versionCase{
			{"pkg:npm/next@13.3.4", false},
			{"pkg:npm/next@13.4.0-canary.1", false}, // a prerelease precedes its release
			{"pkg:npm/next@13.4.0", true},
			{"pkg:npm/next@14.1.1-canary.82", true}, // before 14.1.1
			{"pkg:npm/next@14.1.1", false},
			{"pkg:npm/next@14.2.0-canary.1", false},
		}},
		{"npm prerelease numbers", vigil.AffectedPackage{Ecosystem: "npm", Name: "@angular/core",
			Ranges: []vigil.Range{semver("introduced", "0", "fixed", "11.0.5-rc.2")}}, []versionCase{
			{"pkg:npm/%40angular/core@11.0.5-rc.1", true},
			{"pkg:npm/%40angular/core@11.0.5-rc.10", false}, // numeric identifiers compare as numbers
			{"pkg:npm/%40angular/core@11.0.5-next.0", true}, // "next" < "rc" in ASCII
			{"pkg:npm/%40angular/core@10.2.4", true},
			{"pkg:npm/%40angular/core@11.0.5+build.1", false},
		}},
		{"PyPI post/dev/pre/epoch", vigil.AffectedPackage{Ecosystem: "PyPI", Name: "Django",
			Ranges: []vigil.Range{eco("introduced", "4.2", "fixed", "4.2.8")}}, []versionCase{
			{"pkg:pypi/django@4.2rc1", false}, // before 4.2
			{"pkg:pypi/django@4.2", true},
			{"pkg:pypi/django@4.2.0", true},
			{"pkg:pypi/django@4.2.8.dev1", true}, // dev releases precede
			{"pkg:pypi/django@4.2.8rc1", true},
			{"pkg:pypi/django@4.2.8", false},
			{"pkg:pypi/django@4.2.8.post1", false}, // post releases follow
			{"pkg:pypi/Django@4.2.7", true},
			{"pkg:pypi/django@1!4.2.1", false}, // epoch 1 sorts after every epoch-0 version
			{"pkg:pypi/django@4.2.7+ubuntu1", true},
		}},
		{"PyPI epoch in range", vigil.AffectedPackage{Ecosystem: "PyPI", Name: "zope.interface",
			Ranges: []vigil.Range{eco("introduced", "1!1.0", "fixed", "1!2.0")}}, []versionCase{
			{"pkg:pypi/zope-interface@5.0", false},
			{"pkg:pypi/zope.interface@1!1.5", true},
			{"pkg:pypi/Zope_Interface@1!2.0", false},
		}},
		{"Maven qualifiers", vigil.AffectedPackage{Ecosystem: "Maven", Name: "org.apache.logging.log4j:log4j-core",
			Ranges: []vigil.Range{eco("introduced", "2.0-beta9", "fixed", "2.15.0")}}, []versionCase{
			{"pkg:maven/org.apache.logging.log4j/log4j-core@2.0-alpha1", false},
			{"pkg:maven/org.apache.logging.log4j/log4j-core@2.0-beta9", true},
			{"pkg:maven/org.apache.logging.log4j/log4j-core@2.0-rc1", true},
			{"pkg:maven/org.apache.logging.log4j/log4j-core@2.0", true},
			{"pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1", true},
			{"pkg:maven/org.apache.logging.log4j/log4j-core@2.15.0-rc1", true},
			{"pkg:maven/org.apache.logging.log4j/log4j-core@2.15.0-SNAPSHOT", true},
			{"pkg:maven/org.apache.logging.log4j/log4j-core@2.15.0", false},
			{"pkg:maven/org.apache.logging.log4j/log4j-core@2.15", false}, // 2.15 == 2.15.0
			{"pkg:maven/org.apache.logging.log4j/log4j-api@2.14.1", false},
		}},
		{"Maven RELEASE and sp", vigil.AffectedPackage{Ecosystem: "Maven", Name: "org.springframework:spring-beans",
			Ranges: []vigil.Range{eco("introduced", "0", "fixed", "5.2.20.RELEASE")}}, []versionCase{
			{"pkg:maven/org.springframework/spring-beans@5.2.19.RELEASE", true},
			{"pkg:maven/org.springframework/spring-beans@5.2.20.RELEASE", false},
			{"pkg:maven/org.springframework/spring-beans@5.2.20", false}, // "release" is the release
			{"pkg:maven/org.springframework/spring-beans@5.2.20-sp1", false},
		}},
		{"Go modules and stdlib", vigil.AffectedPackage{Ecosystem: "Go", Name: "golang.org/x/net",
			Ranges: []vigil.Range{semver("introduced", "0", "fixed", "0.17.0")}}, []versionCase{
			{"pkg:golang/golang.org/x/net@v0.16.0", true},
			{"pkg:golang/golang.org/x/net@v0.0.0-20230101000000-abcdef123456", true}, // pseudo-version
			{"pkg:golang/golang.org/x/net@v0.17.0", false},
			{"pkg:golang/golang.org/x/net@v0.17.1-0.20231010000000-abcdef123456", false},
		}},
		{"Go stdlib", vigil.AffectedPackage{Ecosystem: "Go", Name: "stdlib",
			Ranges: []vigil.Range{semver("introduced", "0", "fixed", "1.20.10", "introduced", "1.21.0-0", "fixed", "1.21.3")}}, []versionCase{
			{"pkg:golang/stdlib@go1.20.9", true},
			{"pkg:golang/stdlib@1.20.10", false},
			{"pkg:golang/stdlib@go1.21rc2", true}, // between 1.21.0-0 and 1.21.3
			{"pkg:golang/stdlib@v1.21.2", true},
			{"pkg:golang/stdlib@1.21.3", false},
		}},
		{"crates.io", vigil.AffectedPackage{Ecosystem: "crates.io", Name: "tokio",
			Ranges: []vigil.Range{semver("introduced", "1.7.0", "fixed", "1.18.4"), semver("introduced", "1.19.0", "fixed", "1.20.1")}}, []versionCase{
			{"pkg:cargo/tokio@1.6.9", false},
			{"pkg:cargo/tokio@1.18.3", true},
			{"pkg:cargo/tokio@1.18.4", false},
			{"pkg:cargo/tokio@1.19.2", true},
			{"pkg:cargo/tokio@1.20.1", false},
		}},
		{"NuGet case-insensitive", vigil.AffectedPackage{Ecosystem: "NuGet", Name: "Newtonsoft.Json",
			Ranges: []vigil.Range{eco("introduced", "0", "fixed", "13.0.1")}}, []versionCase{
			{"pkg:nuget/newtonsoft.json@12.0.3", true},
			{"pkg:nuget/Newtonsoft.Json@13.0.1-beta1", true},
			{"pkg:nuget/Newtonsoft.Json@13.0.1", false},
			{"pkg:nuget/Newtonsoft.Json@13.0.1.0", false}, // four-part equals three-part
		}},
		{"RubyGems prereleases", vigil.AffectedPackage{Ecosystem: "RubyGems", Name: "nokogiri",
			Ranges: []vigil.Range{eco("introduced", "0", "fixed", "1.13.4")}}, []versionCase{
			{"pkg:gem/nokogiri@1.13.3", true},
			{"pkg:gem/nokogiri@1.13.4.rc1", true},
			{"pkg:gem/nokogiri@1.13.4", false},
			{"pkg:gem/nokogiri@1.13.10", false},
		}},
		{"Packagist", vigil.AffectedPackage{Ecosystem: "Packagist", Name: "laravel/framework",
			Ranges: []vigil.Range{eco("introduced", "8.0.0", "fixed", "8.22.1")}}, []versionCase{
			{"pkg:composer/laravel/framework@v8.22.0", true},
			{"pkg:composer/laravel/framework@8.22.1", false},
			{"pkg:composer/laravel/framework@7.30.4", false},
		}},
		{"Debian epoch and tilde", vigil.AffectedPackage{Ecosystem: "Debian:12", Name: "openssl",
			Ranges: []vigil.Range{eco("introduced", "0", "fixed", "3.0.11-1~deb12u2")}}, []versionCase{
			{"pkg:deb/debian/openssl@3.0.11-1~deb12u1?distro=debian-12", true},
			{"pkg:deb/debian/openssl@3.0.11-1~deb12u2?distro=bookworm", false},
			{"pkg:deb/debian/openssl@3.0.11-1?distro=debian-12", false}, // ~ sorts before nothing
			{"pkg:deb/debian/openssl@3.0.9-1?distro=debian-11", false},  // another release
			{"pkg:deb/debian/openssl@1:1.0-1?distro=debian-12", false},  // epoch 1 beats every epoch 0
			{"pkg:deb/debian/openssl@1.0-1?distro=debian-12&epoch=1", false},
			{"pkg:deb/debian/openssl@3.0.9-1", true}, // no release given: every Debian record applies
			{"pkg:deb/ubuntu/openssl@3.0.9-1?distro=ubuntu-22.04", false},
		}},
		{"Ubuntu LTS suffix", vigil.AffectedPackage{Ecosystem: "Ubuntu:22.04:LTS", Name: "curl",
			Ranges: []vigil.Range{eco("introduced", "0", "fixed", "7.81.0-1ubuntu1.15")}}, []versionCase{
			{"pkg:deb/ubuntu/curl@7.81.0-1ubuntu1.14?distro=jammy", true},
			{"pkg:deb/ubuntu/curl@7.81.0-1ubuntu1.14?distro=ubuntu-20.04", false},
			{"pkg:deb/ubuntu/curl@7.81.0-1ubuntu1.15?distro=ubuntu-22.04", false},
		}},
		{"RPM epoch", vigil.AffectedPackage{Ecosystem: "AlmaLinux:9", Name: "openssl",
			Ranges: []vigil.Range{eco("introduced", "0", "fixed", "1:3.0.7-6.el9_2")}}, []versionCase{
			{"pkg:rpm/almalinux/openssl@3.0.7-5.el9?epoch=1&distro=almalinux-9", true},
			{"pkg:rpm/almalinux/openssl@3.0.7-6.el9_2?epoch=1&distro=almalinux-9.2", false},
			{"pkg:rpm/almalinux/openssl@1:3.0.7-24.el9?distro=almalinux-9", false},
			{"pkg:rpm/almalinux/openssl@3.0.7-27.el9?distro=almalinux-9", true}, // epoch 0 < 1
			{"pkg:rpm/almalinux/openssl@3.0.7-5.el9?epoch=1&distro=almalinux-8", false},
			{"pkg:rpm/redhat/openssl@3.0.7-5.el9?epoch=1&distro=rhel-9", false}, // another ecosystem
		}},
		{"Red Hat CPE-like suffix", vigil.AffectedPackage{Ecosystem: "Red Hat:enterprise_linux:9::appstream", Name: "nodejs",
			Ranges: []vigil.Range{eco("introduced", "0", "fixed", "1:18.18.2-2.module+el9.2.0+20381+8d9bd5c4")}}, []versionCase{
			{"pkg:rpm/redhat/nodejs@18.18.2-1.module%2Bel9.2.0?epoch=1&distro=rhel-9.2", true},
			{"pkg:rpm/redhat/nodejs@18.18.2-2.module%2Bel9.2.0%2B20381%2B8d9bd5c4?epoch=1&distro=rhel-9.2", false},
			{"pkg:rpm/redhat/nodejs@18.18.2-1?epoch=1&distro=rhel-8", false},
		}},
		{"Alpine", vigil.AffectedPackage{Ecosystem: "Alpine:v3.18", Name: "openssl",
			Ranges: []vigil.Range{eco("introduced", "0", "fixed", "3.1.4-r1")}}, []versionCase{
			{"pkg:apk/alpine/openssl@3.1.4-r0?distro=alpine-3.18.4", true},
			{"pkg:apk/alpine/openssl@3.1.4-r1?distro=alpine-3.18.4", false},
			{"pkg:apk/alpine/openssl@3.1.3-r10?distro=3.18.2", true},
			{"pkg:apk/alpine/openssl@3.1.4_rc1-r0?distro=alpine-3.18", true},
			{"pkg:apk/alpine/openssl@3.1.3-r0?distro=alpine-3.19.0", false},
		}},
		{"Bitnami SemVer", vigil.AffectedPackage{Ecosystem: "Bitnami", Name: "nginx",
			Ranges: []vigil.Range{semver("introduced", "0", "fixed", "1.25.3")}}, []versionCase{
			{"pkg:bitnami/nginx@1.25.2", true},
			{"pkg:bitnami/nginx@1.25.3", false},
			{"pkg:bitnami/nginx-ingress-controller@1.9.0", false},
		}},
		{"last_affected", vigil.AffectedPackage{Ecosystem: "PyPI", Name: "jinja2",
			Ranges: []vigil.Range{eco("introduced", "2.0", "last_affected", "2.11.2")}}, []versionCase{
			{"pkg:pypi/jinja2@1.2", false},
			{"pkg:pypi/jinja2@2.11.2", true},
			{"pkg:pypi/Jinja2@2.11.2.post1", false},
			{"pkg:pypi/jinja2@2.11.3", false},
		}},
		{"limit", vigil.AffectedPackage{Ecosystem: "npm", Name: "x",
			Ranges: []vigil.Range{semver("introduced", "1.0.0", "limit", "2.0.0")}}, []versionCase{
			{"pkg:npm/x@0.9.0", false},
			{"pkg:npm/x@1.5.0", true},
			{"pkg:npm/x@2.0.0", false},
		}},
		{"events out of order", vigil.AffectedPackage{Ecosystem: "Go", Name: "example.com/m",
			Ranges: []vigil.Range{semver("fixed", "1.2.0", "introduced", "1.1.0", "fixed", "1.0.5", "introduced", "0")}}, []versionCase{
			{"pkg:golang/example.com/m@v1.0.4", true},
			{"pkg:golang/example.com/m@v1.0.5", false},
			{"pkg:golang/example.com/m@v1.1.0", true},
			{"pkg:golang/example.com/m@v1.2.0", false},
		}},
		{"versions list and GIT range", vigil.AffectedPackage{Ecosystem: "PyPI", Name: "pillow",
			Ranges: []vigil.Range{{Type: vigil.RangeGit, Repo: "https://github.com/python-pillow/Pillow",
				Events: []vigil.Event{{Kind: vigil.Introduced, Version: "0"}, {Kind: vigil.Fixed, Version: "6f2b7e9f"}}}},
			Versions: []string{"9.0.0", "9.0.1", "9.1.0rc1"}}, []versionCase{
			{"pkg:pypi/pillow@9.0.1", true},
			{"pkg:pypi/Pillow@9.0.0", true},
			{"pkg:pypi/pillow@9.0", true},       // 9.0 == 9.0.0 in PEP 440
			{"pkg:pypi/pillow@9.1.0-rc1", true}, // the same PEP 440 version
			{"pkg:pypi/pillow@9.2.0", false},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var purls []string
			for _, c := range tt.cases {
				purls = append(purls, c.purl)
			}
			got, unsupported := matchOne(t, tt.ap, purls...)
			for _, u := range unsupported {
				t.Errorf("unsupported: %s", u)
			}
			for _, c := range tt.cases {
				if _, ok := got[c.purl]; ok != c.affected {
					t.Errorf("%s: affected = %v, want %v", c.purl, ok, c.affected)
				}
			}
		})
	}
}

func TestMatch_Evidence(t *testing.T) {
	v := &vigil.Vulnerability{
		ID: "GHSA-jfh8-c2jp-5v3q", Aliases: []string{"CVE-2021-44228"},
		Affected: []vigil.AffectedPackage{
			{Ecosystem: "Maven", Name: "org.apache.logging.log4j:log4j-core",
				Ranges: []vigil.Range{eco("introduced", "2.13.0", "fixed", "2.15.0"), eco("introduced", "2.0-beta9", "fixed", "2.12.2")}},
			{Ecosystem: "Debian:12", Name: "apache-log4j2", Ranges: []vigil.Range{eco("introduced", "0", "fixed", "2.15.0-1")}},
		},
		Provenance: vigil.Provenance{Source: vigil.SourceOSV, SourceID: "GHSA-jfh8-c2jp-5v3q"},
	}
	sbom := match.NewSBOM([]*vigil.Component{
		{Ref: "a", PURL: "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1"},
		{Ref: "b", PURL: "pkg:maven/org.apache.logging.log4j/log4j-core@2.12.1"},
		{Ref: "c", PURL: "pkg:maven/org.apache.logging.log4j/log4j-core@2.15.0"},
		{Ref: "d", PURL: "pkg:deb/debian/apache-log4j2@2.13.3-1"},
		{Ref: "e", PURL: "pkg:maven/org.apache.logging.log4j/log4j-core", Version: "2.14.0"},
		{Ref: "f", PURL: "pkg:maven/org.apache.logging.log4j/log4j-core"},
		{Ref: "g", Name: "log4j-core", Version: "2.14.1"},
	})
	res, err := New().Match(context.Background(), match.Record{Vuln: v}, sbom)
	if err != nil {
		t.Fatal(err)
	}
	ev := func(id, crit, rng, detail string) vigil.Evidence {
		return vigil.Evidence{Matcher: Name, MatcherVersion: 1, Identifier: id, Criterion: crit, Range: rng,
			Source: v.Provenance, Detail: detail}
	}
	m := func(ref string, e vigil.Evidence) vigil.Match {
		return vigil.Match{VulnID: v.ID, Aliases: v.Aliases, ComponentRef: ref, Status: vigil.MatchAffected,
			Confidence: vigil.ConfidenceExact, Evidence: e}
	}
	want := match.Result{
		Matches: []vigil.Match{
			m("a", ev("pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1", "Maven/org.apache.logging.log4j:log4j-core", "introduced 2.13.0, fixed 2.15.0", "")),
			m("b", ev("pkg:maven/org.apache.logging.log4j/log4j-core@2.12.1", "Maven/org.apache.logging.log4j:log4j-core", "introduced 2.0-beta9, fixed 2.12.2", "")),
			m("e", ev("pkg:maven/org.apache.logging.log4j/log4j-core", "Maven/org.apache.logging.log4j:log4j-core", "introduced 2.13.0, fixed 2.15.0",
				"version taken from the component: its purl has none")),
			m("d", ev("pkg:deb/debian/apache-log4j2@2.13.3-1", "Debian:12/apache-log4j2", "introduced 0, fixed 2.15.0-1",
				"the purl names no distro release; the record is for Debian:12")),
		},
		Unsupported: []string{"GHSA-jfh8-c2jp-5v3q: affected[0]: component f (pkg:maven/org.apache.logging.log4j/log4j-core): no version"},
	}
	if diff := cmp.Diff(want, res, cmp.AllowUnexported()); diff != "" {
		t.Errorf("Match (-want +got)\n%s", diff)
	}
}

func TestMatch_Unsupported(t *testing.T) {
	git := vigil.Range{Type: vigil.RangeGit, Repo: "https://github.com/python/cpython",
		Events: []vigil.Event{{Kind: vigil.Introduced, Version: "0"}, {Kind: vigil.Fixed, Version: "6c939cb6"}}}
	tests := []struct {
		name string
		ap   vigil.AffectedPackage
		want []string
	}{
		{"unknown ecosystem", vigil.AffectedPackage{Ecosystem: "Linux", Name: "Kernel", Ranges: []vigil.Range{eco("introduced", "0", "fixed", "6.1")}},
			[]string{`T: affected[0]: ecosystem "Linux": version order unknown`}},
		{"order without purl", vigil.AffectedPackage{Ecosystem: "GHC", Name: "ghc", Ranges: []vigil.Range{eco("introduced", "0", "fixed", "9.2")}},
			[]string{`T: affected[0]: ecosystem "GHC": no package URL type maps to it`}},
		{"purl without order", vigil.AffectedPackage{Ecosystem: "GitHub Actions", Name: "tj-actions/changed-files", Ranges: []vigil.Range{eco("introduced", "0", "fixed", "46.0.1")}},
			[]string{`T: affected[0]: ecosystem "GitHub Actions": version order unknown`}},
		{"GIT only", vigil.AffectedPackage{Ranges: []vigil.Range{git}},
			[]string{`T: affected[0]: names no package; GIT ranges not evaluated`}},
		{"GIT without versions", vigil.AffectedPackage{Ecosystem: "PyPI", Name: "x", Ranges: []vigil.Range{git}},
			[]string{`T: affected[0].ranges[0]: GIT range of https://github.com/python/cpython not evaluated (no versions list)`}},
		{"GIT with versions", vigil.AffectedPackage{Ecosystem: "PyPI", Name: "x", Ranges: []vigil.Range{git}, Versions: []string{"1.0"}}, nil},
		{"bad event", vigil.AffectedPackage{Ecosystem: "Debian:12", Name: "musl", Ranges: []vigil.Range{eco("introduced", "0", "fixed", "1.0-a:b")}},
			[]string{`T: affected[0].ranges[0]: events[1]: fixed "1.0-a:b": invalid version`}},
		{"bad component version", vigil.AffectedPackage{Ecosystem: "Debian:12", Name: "musl", Ranges: []vigil.Range{eco("introduced", "0", "fixed", "1.2.4-2")}},
			[]string{`T: affected[0]: component m (pkg:deb/debian/musl@1.2-a:b): version "1.2-a:b": invalid version`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := &vigil.Vulnerability{ID: "T", Affected: []vigil.AffectedPackage{tt.ap}}
			sbom := match.NewSBOM([]*vigil.Component{
				{Ref: "m", PURL: "pkg:deb/debian/musl@1.2-a:b"},
				{Ref: "pkg:pypi/x@2.0", PURL: "pkg:pypi/x@2.0"},
			})
			res, err := New().Match(context.Background(), match.Record{Vuln: v}, sbom)
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Matches) != 0 {
				t.Errorf("matches = %v, want none", res.Matches)
			}
			if len(res.Unsupported) != len(tt.want) {
				t.Fatalf("unsupported = %q, want %q", res.Unsupported, tt.want)
			}
			for i := range tt.want {
				if !strings.HasPrefix(res.Unsupported[i], tt.want[i]) {
					t.Errorf("unsupported[%d] = %q, want prefix %q", i, res.Unsupported[i], tt.want[i])
				}
			}
		})
	}
}

func TestKnownOrder(t *testing.T) {
	for _, e := range []vigil.Ecosystem{"AlmaLinux:9", "Alpaquita", "Alpine:v3.18", "BellSoft Hardened Containers",
		"Bitnami", "Bioconductor", "Chainguard", "ConanCenter", "CRAN", "crates.io", "Debian:12",
		"Docker Hardened Images", "GHC", "Go", "Hackage", "Hex", "Julia", "Mageia", "Maven", "MinimOS", "npm",
		"NuGet", "openEuler", "openSUSE", "Packagist", "Pub", "PyPI", "Red Hat:enterprise_linux:9::appstream",
		"Rocky Linux", "RubyGems", "SUSE", "SwiftURL", "Ubuntu:22.04:LTS", "Wolfi"} {
		_, err := semantic.Parse("1", string(e))
		if known := !errors.Is(err, semantic.ErrUnsupportedEcosystem); known != knownOrder(e) {
			t.Errorf("knownOrder(%q) = %v, semantic knows it: %v", e, knownOrder(e), known)
		}
	}
	for _, e := range []vigil.Ecosystem{"Linux", "Android", "OSS-Fuzz", "GitHub Actions", "GIT", "UVI", ""} {
		if knownOrder(e) {
			t.Errorf("knownOrder(%q) = true", e)
		}
		if _, err := semantic.Parse("1", string(e)); !errors.Is(err, semantic.ErrUnsupportedEcosystem) {
			t.Errorf("semantic now orders %q: add it to knownOrder", e)
		}
	}
	// Every ecosystem a purl maps to has a known order, but GitHub Actions.
	for _, e := range []vigil.Ecosystem{"npm", "PyPI", "Maven", "Go", "crates.io", "NuGet", "RubyGems", "Packagist",
		"Hex", "Pub", "CRAN", "Hackage", "ConanCenter", "Bitnami", "Debian", "Ubuntu", "AlmaLinux", "Red Hat",
		"Rocky Linux", "openSUSE", "SUSE", "openEuler", "Mageia", "Alpine", "Chainguard", "Wolfi", "Alpaquita", "MinimOS"} {
		if !mapped(e) || !knownOrder(e) {
			t.Errorf("%q: mapped %v, knownOrder %v", e, mapped(e), knownOrder(e))
		}
	}
}

func TestMatch_Withdrawn(t *testing.T) {
	v := &vigil.Vulnerability{ID: "GHSA-x", Withdrawn: time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC),
		Affected: []vigil.AffectedPackage{{Ecosystem: "npm", Name: "a", Ranges: []vigil.Range{semver("introduced", "0")}}}}
	res, err := New().Match(context.Background(), match.Record{Vuln: v}, match.NewSBOM([]*vigil.Component{{Ref: "a", PURL: "pkg:npm/a@1.0.0"}}))
	if err != nil || len(res.Matches)+len(res.Unsupported) != 0 {
		t.Errorf("Match(withdrawn) = %+v, %v; want nothing", res, err)
	}
}

func TestMatch_Canceled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	v := &vigil.Vulnerability{ID: "X", Affected: []vigil.AffectedPackage{{Ecosystem: "npm", Name: "a", Ranges: []vigil.Range{semver("introduced", "0")}}}}
	if _, err := New().Match(ctx, match.Record{Vuln: v}, match.NewSBOM(nil)); err != context.Canceled {
		t.Errorf("Match(canceled) error = %v, want context.Canceled", err)
	}
}

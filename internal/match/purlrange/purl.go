package purlrange

import (
	"fmt"
	"strings"

	"github.com/package-url/packageurl-go"

	"github.com/vigil/vigil"
)

// Package is a component's package as OSV names it, derived from its
// package URL.
type Package struct {
	// Ecosystem is the OSV ecosystem without a release: "PyPI", "Debian",
	// "AlmaLinux", "Alpine".
	Ecosystem vigil.Ecosystem
	// Release is the distribution release the purl's "distro" qualifier
	// names, as OSV suffixes ecosystems: "12" (debian-12, bookworm),
	// "22.04", "9" (almalinux-9, el9), "3.18.4" (alpine-3.18.4). Empty
	// when the purl names none.
	Release string
	// Name is the package name as OSV writes it ("@angular/core",
	// "org.apache.logging.log4j:log4j-core", "github.com/x/y"), normalised
	// for comparison by NormalizeName.
	Name string
	// Version is the version as the ecosystem writes it, with an rpm or
	// deb "epoch" qualifier folded in ("1:1.1.1k-5.el8_5") and the "go"
	// prefix of Go's stdlib and toolchain versions removed.
	Version string
}

// Key is the index key of the package: the ecosystem and the normalised
// name, "PyPI/requests".
func (p Package) Key() string { return Key(p.Ecosystem, p.Name) }

// Key returns the index key of a package: the base ecosystem and the name
// normalised for it.
func Key(eco vigil.Ecosystem, name string) string {
	base := eco.Base()
	return string(base) + "/" + NormalizeName(base, name)
}

// FromPURL maps a package URL to the OSV package it names. The error says
// why it cannot: an invalid purl, or a type (or distribution namespace)
// no OSV ecosystem with a known version order corresponds to.
func FromPURL(s string) (Package, error) {
	p, err := packageurl.FromString(s)
	if err != nil {
		return Package{}, fmt.Errorf("invalid purl %q: %w", s, err)
	}
	q := p.Qualifiers.Map()
	var pkg Package
	ns := p.Namespace
	switch p.Type {
	case packageurl.TypeNPM:
		pkg.Ecosystem, pkg.Name = "npm", join(ns, "/", p.Name)
	case packageurl.TypePyPi:
		pkg.Ecosystem, pkg.Name = "PyPI", p.Name
	case packageurl.TypeMaven:
		pkg.Ecosystem, pkg.Name = "Maven", join(ns, ":", p.Name)
	case packageurl.TypeGolang:
		pkg.Ecosystem, pkg.Name = "Go", join(ns, "/", p.Name)
	case packageurl.TypeCargo:
		pkg.Ecosystem, pkg.Name = "crates.io", p.Name
	case packageurl.TypeNuget:
		pkg.Ecosystem, pkg.Name = "NuGet", p.Name
	case packageurl.TypeGem:
		pkg.Ecosystem, pkg.Name = "RubyGems", p.Name
	case packageurl.TypeComposer:
		pkg.Ecosystem, pkg.Name = "Packagist", join(ns, "/", p.Name)
	case packageurl.TypeHex:
		pkg.Ecosystem, pkg.Name = "Hex", p.Name
	case packageurl.TypePub:
		pkg.Ecosystem, pkg.Name = "Pub", p.Name
	case packageurl.TypeCran:
		pkg.Ecosystem, pkg.Name = "CRAN", p.Name
	case packageurl.TypeHackage:
		pkg.Ecosystem, pkg.Name = "Hackage", p.Name
	case packageurl.TypeConan:
		pkg.Ecosystem, pkg.Name = "ConanCenter", p.Name
	case packageurl.TypeBitnami:
		pkg.Ecosystem, pkg.Name = "Bitnami", p.Name
	case packageurl.TypeGithub, "githubactions":
		pkg.Ecosystem, pkg.Name = "GitHub Actions", join(ns, "/", p.Name)
	case packageurl.TypeDebian:
		pkg.Ecosystem, pkg.Name = distroEcosystem(p.Type, ns), p.Name
	case packageurl.TypeRPM:
		pkg.Ecosystem, pkg.Name = distroEcosystem(p.Type, ns), p.Name
	case packageurl.TypeApk:
		pkg.Ecosystem, pkg.Name = distroEcosystem(p.Type, ns), p.Name
	}
	if pkg.Ecosystem == "" {
		if ns != "" && (p.Type == packageurl.TypeDebian || p.Type == packageurl.TypeRPM || p.Type == packageurl.TypeApk) {
			return Package{}, fmt.Errorf("purl %q: %s distribution %q has no OSV ecosystem", s, p.Type, ns)
		}
		return Package{}, fmt.Errorf("purl %q: type %q has no OSV ecosystem", s, p.Type)
	}
	pkg.Name = NormalizeName(pkg.Ecosystem, pkg.Name)
	if d := q["distro"]; d != "" && isDistro(pkg.Ecosystem) {
		pkg.Release = distroRelease(d)
	}
	pkg.Version = p.Version
	switch {
	case pkg.Version == "":
	case (p.Type == packageurl.TypeRPM || p.Type == packageurl.TypeDebian) && q["epoch"] != "" && !strings.Contains(pkg.Version, ":"):
		pkg.Version = q["epoch"] + ":" + pkg.Version
	case pkg.Ecosystem == "Go" && (pkg.Name == "stdlib" || pkg.Name == "toolchain"):
		pkg.Version = strings.TrimPrefix(pkg.Version, "go")
	}
	return pkg, nil
}

func join(ns, sep, name string) string {
	if ns == "" {
		return name
	}
	return ns + sep + name
}

// distroEcosystem maps the namespace (the distribution) of a deb, rpm or
// apk purl to its OSV ecosystem, or "" when OSV has none.
func distroEcosystem(typ, ns string) vigil.Ecosystem {
	ns = strings.ToLower(ns)
	switch typ {
	case packageurl.TypeDebian:
		switch ns {
		case "debian":
			return "Debian"
		case "ubuntu":
			return "Ubuntu"
		}
	case packageurl.TypeRPM:
		switch ns {
		case "almalinux":
			return "AlmaLinux"
		case "redhat", "rhel":
			return "Red Hat"
		case "rocky", "rocky-linux", "rockylinux":
			return "Rocky Linux"
		case "opensuse":
			return "openSUSE"
		case "suse", "sles":
			return "SUSE"
		case "openeuler":
			return "openEuler"
		case "mageia":
			return "Mageia"
		}
	case packageurl.TypeApk:
		switch ns {
		case "alpine":
			return "Alpine"
		case "chainguard":
			return "Chainguard"
		case "wolfi":
			return "Wolfi"
		case "alpaquita":
			return "Alpaquita"
		case "minimos":
			return "MinimOS"
		}
	}
	return ""
}

// isDistro reports whether OSV suffixes the ecosystem with a release.
func isDistro(eco vigil.Ecosystem) bool {
	switch eco {
	case "Debian", "Ubuntu", "AlmaLinux", "Red Hat", "Rocky Linux", "openSUSE", "SUSE", "openEuler", "Mageia", "Alpine", "Alpaquita":
		return true
	}
	return false
}

// distroRelease turns a purl "distro" qualifier into a release:
// "debian-12" and "bookworm" → "12", "ubuntu-22.04" and "jammy" → "22.04",
// "almalinux-9", "rhel-9" and "el9" → "9", "alpine-3.18.4" → "3.18.4".
func distroRelease(d string) string {
	d = strings.ToLower(strings.TrimSpace(d))
	if i := strings.LastIndexByte(d, '-'); i >= 0 && hasDigit(d[i+1:]) {
		d = d[i+1:]
	}
	if r := codename(d); r != "" {
		return r
	}
	if strings.HasPrefix(d, "el") && hasDigit(d) {
		d = d[2:]
	}
	d = strings.TrimPrefix(d, "v")
	if !hasDigit(d) || strings.ContainsAny(d, ": ") {
		return "" // not a release: "sid", "rolling", garbage
	}
	return d
}

// codename maps Debian and Ubuntu code names to release numbers.
func codename(d string) string {
	switch d {
	case "jessie":
		return "8"
	case "stretch":
		return "9"
	case "buster":
		return "10"
	case "bullseye":
		return "11"
	case "bookworm":
		return "12"
	case "trixie":
		return "13"
	case "forky":
		return "14"
	case "xenial":
		return "16.04"
	case "bionic":
		return "18.04"
	case "focal":
		return "20.04"
	case "jammy":
		return "22.04"
	case "noble":
		return "24.04"
	}
	return ""
}

func hasDigit(s string) bool {
	return strings.ContainsAny(s, "0123456789")
}

// sameRelease reports whether a record's ecosystem suffix ("12",
// "v3.18", "22.04:LTS", "enterprise_linux:9::appstream") is for the
// component's release. Either side empty is no constraint; otherwise one
// of the suffix's fields must equal the release or one extend the other by
// a dot ("3.18" and "3.18.4", "9" and "9.2").
func sameRelease(suffix, release string) bool {
	if suffix == "" || release == "" {
		return true
	}
	r := strings.TrimPrefix(strings.ToLower(release), "v")
	constrained := false
	for f := range strings.SplitSeq(suffix, ":") {
		f = strings.TrimPrefix(strings.ToLower(f), "v")
		if f == "" {
			continue
		}
		constrained = true
		if f == r || strings.HasPrefix(r, f+".") || strings.HasPrefix(f, r+".") {
			return true
		}
	}
	return !constrained
}

// suffix returns an ecosystem's release suffix: "12" for "Debian:12".
func suffix(eco vigil.Ecosystem) string {
	if i := strings.IndexByte(string(eco), ':'); i >= 0 {
		return string(eco[i+1:])
	}
	return ""
}

// NormalizeName returns the form of a package name two spellings of the
// same package share in the (base) ecosystem: PEP 503 for PyPI; lower case
// where names are case-insensitive (NuGet, Packagist, crates.io, Hex, Pub,
// GitHub Actions); the name unchanged elsewhere.
func NormalizeName(eco vigil.Ecosystem, name string) string {
	switch eco.Base() {
	case "PyPI":
		return pep503(name)
	case "NuGet", "Packagist", "crates.io", "Hex", "Pub", "GitHub Actions":
		return strings.ToLower(name)
	}
	return name
}

// pep503 lower-cases name and collapses runs of "-", "_" and "." into "-".
func pep503(name string) string {
	var b strings.Builder
	b.Grow(len(name))
	sep := false
	for i := 0; i < len(name); i++ {
		c := name[i]
		switch {
		case c == '-' || c == '_' || c == '.':
			sep = true
			continue
		case 'A' <= c && c <= 'Z':
			c += 'a' - 'A'
		}
		if sep {
			b.WriteByte('-')
			sep = false
		}
		b.WriteByte(c)
	}
	if sep {
		b.WriteByte('-')
	}
	return b.String()
}

// mapped reports whether FromPURL maps some purl type to the (base)
// ecosystem.
func mapped(eco vigil.Ecosystem) bool {
	switch eco.Base() {
	case "npm", "PyPI", "Maven", "Go", "crates.io", "NuGet", "RubyGems", "Packagist",
		"Hex", "Pub", "CRAN", "Hackage", "ConanCenter", "Bitnami", "GitHub Actions",
		"Debian", "Ubuntu", "AlmaLinux", "Red Hat", "Rocky Linux", "openSUSE", "SUSE",
		"openEuler", "Mageia", "Alpine", "Chainguard", "Wolfi", "Alpaquita", "MinimOS":
		return true
	}
	return false
}

package vex

import (
	"slices"
	"strings"

	"github.com/package-url/packageurl-go"

	"github.com/vigil/vigil/internal/cpe"
	"github.com/vigil/vigil/internal/match/csafproduct"
)

// Target is a finding as statement matching sees it: the vulnerability,
// the release it is on, and the component that carries it.
type Target struct {
	VulnID  string
	Aliases []string

	// The release: its product's manufacturer, name and device models,
	// its version, and the purl and CPE of the device release (from its
	// SBOM's described component, or vigil's pkg:generic purl).
	Manufacturer string
	ProductName  string
	Models       []string
	Version      string
	DevicePURL   string
	DeviceCPE    string

	// The component: its SBOM's serial number and its ref there, name,
	// version, purl and CPEs.
	SBOMSerial       string
	ComponentRef     string
	ComponentName    string
	ComponentVersion string
	PURL             string
	CPEs             []string
}

// Match reports whether statement s of d is about target t, and how: a
// statement on the device release ("release by purl", "release by name and
// version", "release by model"), optionally narrowed to a component of it,
// or a statement on the component alone ("component by purl", "by CPE",
// "by BOM-Link", "by name and version"), as a supplier of a component
// writes it. A statement on a product that is not the release and a
// component of it says nothing about the release and does not match.
//
// Versions are compared as the CSAF product matcher compares them (one
// ordering, csafproduct.CompareVersions, and its vers ranges): a product's
// version, its version range, a purl's version, and the statement's own
// Versions, which narrow it to the versions of what it is about (the
// component's when it names one, else the release's).
func Match(d *Document, s Statement, t Target) (string, bool) {
	if !sameVuln(s, t) {
		return "", false
	}
	p, ok := d.ProductByRef(s.Product)
	if !ok {
		return "", false
	}
	if how, ok := releaseMatch(p, t); ok {
		if s.Component == "" {
			return how, versionsHold(s.Versions, t.Version)
		}
		c, ok := d.ProductByRef(s.Component)
		if !ok {
			return "", false
		}
		if chow, ok := componentMatch(c, t); ok {
			return how + ", " + chow, versionsHold(s.Versions, t.ComponentVersion)
		}
		return "", false
	}
	if s.Component == "" {
		how, ok := componentMatch(p, t)
		return how, ok && versionsHold(s.Versions, t.ComponentVersion)
	}
	return "", false
}

// versionsHold reports whether version v is one of specs (each a version
// or a range); no specs hold for every version.
func versionsHold(specs []string, v string) bool {
	if len(specs) == 0 {
		return true
	}
	return slices.ContainsFunc(specs, func(spec string) bool { return VersionIn(spec, v) })
}

// VersionIn reports whether version v is what spec names: every version
// when spec is empty; else the versions of a range (a vers string, or the
// free text advisories write, "<=6.5", "vers:generic/>=6.5|<7", read by
// csafproduct.ParseRange) or one version, compared by the matcher's
// version order ("6.9" and "6.9.0" are one version).
func VersionIn(spec, v string) bool {
	spec, v = strings.TrimSpace(spec), strings.TrimSpace(v)
	if spec == "" {
		return true
	}
	if v == "" {
		return false
	}
	if strings.EqualFold(spec, v) {
		return true
	}
	if r, err := csafproduct.ParseRange(spec); err == nil {
		ok, err := r.Contains(v)
		return err == nil && ok
	}
	return csafproduct.CompareVersions(spec, v) == 0
}

func sameVuln(s Statement, t Target) bool {
	return SameVulnerability(s.Vulnerability, s.Aliases, t.VulnID, t.Aliases)
}

// norm keeps lower-case letters and digits: "Acme Medical Devices, Inc." and
// "acme-medical-devices-inc" compare equal.
func norm(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if 'a' <= r && r <= 'z' || '0' <= r && r <= '9' || r > 127 {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// vendorMatches is lenient on legal suffixes: one normalised name must
// begin with the other ("Acme" and "Acme Medical Devices").
func vendorMatches(a, b string) bool {
	a, b = norm(a), norm(b)
	if a == "" || b == "" {
		return a == b
	}
	return strings.HasPrefix(a, b) || strings.HasPrefix(b, a)
}

func releaseMatch(p Product, t Target) (string, bool) {
	if p.PURL != "" && t.DevicePURL != "" && purlMatch(p.PURL, t.DevicePURL) && VersionIn(p.VersionRange, t.Version) {
		return "release by purl", true
	}
	if p.CPE != "" && t.DeviceCPE != "" && cpeMatch(p.CPE, t.DeviceCPE) && VersionIn(p.VersionRange, t.Version) {
		return "release by CPE", true
	}
	versionOK := VersionIn(p.Version, t.Version) && VersionIn(p.VersionRange, t.Version)
	vendorOK := p.Vendor == "" || vendorMatches(p.Vendor, t.Manufacturer)
	if !versionOK || !vendorOK {
		return "", false
	}
	if p.Name != "" && norm(p.Name) == norm(t.ProductName) {
		return "release by name and version", true
	}
	for _, m := range p.Models {
		for _, tm := range t.Models {
			if norm(m) != "" && norm(m) == norm(tm) {
				return "release by model", true
			}
		}
	}
	// A CSAF product named "Vendor Product Version" with no branches.
	if p.Name == "" && p.Label != "" && p.Version == "" && t.ProductName != "" {
		l := norm(p.Label)
		if strings.Contains(l, norm(t.ProductName)) && strings.HasSuffix(l, norm(t.Version)) && vendorMatches(p.Label, t.Manufacturer) {
			return "release by label", true
		}
	}
	return "", false
}

func componentMatch(c Product, t Target) (string, bool) {
	if !VersionIn(c.VersionRange, t.ComponentVersion) {
		return "", false
	}
	if serial, ref, ok := bomLink(c.Ref); ok && t.SBOMSerial != "" {
		if strings.EqualFold(serial, strings.TrimPrefix(t.SBOMSerial, "urn:uuid:")) && ref == t.ComponentRef {
			return "component by BOM-Link", true
		}
		return "", false
	}
	if c.PURL != "" && t.PURL != "" {
		if purlMatch(c.PURL, t.PURL) {
			return "component by purl", true
		}
		return "", false
	}
	if c.CPE != "" {
		for _, x := range t.CPEs {
			if cpeMatch(c.CPE, x) {
				return "component by CPE", true
			}
		}
		if len(t.CPEs) > 0 {
			return "", false
		}
	}
	if c.Name != "" && (c.Version != "" || c.VersionRange != "") && norm(c.Name) == norm(t.ComponentName) && VersionIn(c.Version, t.ComponentVersion) {
		return "component by name and version", true
	}
	return "", false
}

// bomLink splits a CycloneDX BOM-Link "urn:cdx:SERIAL/VERSION#REF".
func bomLink(s string) (serial, ref string, ok bool) {
	rest, ok := strings.CutPrefix(s, "urn:cdx:")
	if !ok {
		return "", "", false
	}
	head, ref, ok := strings.Cut(rest, "#")
	if !ok {
		return "", "", false
	}
	serial, _, _ = strings.Cut(head, "/")
	return serial, ref, serial != "" && ref != ""
}

// purlMatch compares a statement's purl with a target's: type, namespace
// and name alike (case-insensitively), the version alike when the
// statement gives one; qualifiers and subpath are ignored.
func purlMatch(stmt, target string) bool {
	a, err := packageurl.FromString(stmt)
	if err != nil {
		return false
	}
	b, err := packageurl.FromString(target)
	if err != nil {
		return false
	}
	if !strings.EqualFold(a.Type, b.Type) || !strings.EqualFold(a.Namespace, b.Namespace) || !strings.EqualFold(a.Name, b.Name) {
		return false
	}
	return VersionIn(a.Version, b.Version)
}

// cpeMatch compares CPE names by part, vendor, product and version; a
// statement's ANY version matches every version.
func cpeMatch(stmt, target string) bool {
	a, err := cpe.Parse(stmt)
	if err != nil {
		return false
	}
	b, err := cpe.Parse(target)
	if err != nil {
		return false
	}
	for _, attr := range []cpe.Attr{cpe.Part, cpe.Vendor, cpe.Product} {
		if !strings.EqualFold(a.Unquoted(attr), b.Unquoted(attr)) {
			return false
		}
	}
	v := a.Get(cpe.Version)
	return v == cpe.Any || v == "" || VersionIn(a.Unquoted(cpe.Version), b.Unquoted(cpe.Version))
}

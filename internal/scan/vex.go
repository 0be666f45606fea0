package scan

import (
	"strings"
	"time"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/vex"
)

// VEX is the result as a VEX document, for any of the VEX codecs (scan
// writes it as CycloneDX VEX with internal/vex/cyclonedx): per finding,
// a statement on its vulnerability in its component, with the analysis a
// scan can give — under investigation for findings nobody triaged yet,
// not affected or fixed where a vendor statement says so — and the
// finding's aliases, summary and CVSS rating. The statements are about
// components of the scanned SBOM, a product the document names only by
// ref (writers leave it out). now stamps the document, to the second;
// version is vigil's. The document id is a name-based UUID of the
// timestamp and the statements, so one scan gives one id.
func VEX(r *Result, now time.Time, version string) *vex.Document {
	now = now.UTC().Truncate(time.Second)
	d := &vex.Document{Version: "1", Issued: now, Updated: now, Tool: strings.TrimSpace("vigil " + version)}
	sbom := sbomRef(r)
	d.Products = append(d.Products, vex.Product{Ref: sbom})
	type key struct{ vuln, ref string }
	seen := map[key]bool{}
	products := map[string]bool{}
	for _, f := range r.Findings {
		c := f.Component
		k := key{f.VulnID, c.Ref}
		if seen[k] {
			continue
		}
		seen[k] = true
		if !products[c.Ref] {
			products[c.Ref] = true
			d.Products = append(d.Products, vex.Product{Ref: c.Ref, Type: c.Type, Group: c.Group, Name: c.Name, Version: c.Version, PURL: c.PURL})
		}
		s := vex.Statement{Vulnerability: f.VulnID, Aliases: f.Aliases, Description: f.Summary, Product: sbom, Component: c.Ref,
			Status: state(f.Status)}
		if f.Severity != nil && f.Severity.Vector != "" {
			// A vector without a version has been CVSS 3.1 since scan
			// wrote its first VEX.
			ver := f.Severity.Version
			if ver == "" {
				ver = vigil.CVSS31
			}
			s.Ratings = []vex.Rating{{Source: f.Severity.Source, Version: ver, Vector: f.Severity.Vector, Score: f.Severity.BaseScore,
				Severity: f.Severity.Rating}}
		}
		d.Statements = append(d.Statements, s)
	}
	d.Sort()
	name := []string{"vigil scan", now.Format(time.RFC3339)}
	for _, s := range d.Statements {
		name = append(name, s.Vulnerability+" "+s.Component+" "+string(s.Status))
	}
	d.ID = vex.NameUUID(strings.Join(name, "\n"))
	return d
}

// sbomRef is the ref the scanned SBOM goes by in the VEX: its serial
// number, or "sbom", made unlike every component's ref.
func sbomRef(r *Result) string {
	ref := "sbom"
	if r.Document != nil && r.Document.SerialNumber != "" {
		ref = r.Document.SerialNumber
	}
	taken := map[string]bool{}
	for _, f := range r.Findings {
		taken[f.Component.Ref] = true
	}
	for taken[ref] {
		ref += "#sbom"
	}
	return ref
}

// state is a match's VEX status: a finding nobody triaged yet is under
// investigation, a source's not-affected or fixed statement keeps its
// word.
func state(s vigil.MatchStatus) vigil.TriageState {
	switch s {
	case vigil.MatchNotAffected:
		return vigil.TriageNotAffected
	case vigil.MatchFixed:
		return vigil.TriageFixed
	default:
		return vigil.TriageUnderInvestigation
	}
}

package sbom

import (
	"bufio"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"strings"
	"time"

	cdx "github.com/CycloneDX/cyclonedx-go"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/cpe"
)

const cdxSchema16 = "http://cyclonedx.org/schema/bom-1.6.schema.json"

// cdxExternalRefTypes are the CycloneDX 1.6 external reference types.
func cdxExternalRefType(t string) cdx.ExternalReferenceType {
	switch t {
	case "vcs", "issue-tracker", "website", "advisories", "bom", "mailing-list", "social", "chat",
		"documentation", "support", "source-distribution", "distribution", "distribution-intake",
		"license", "build-meta", "build-system", "release-notes", "security-contact", "model-card",
		"log", "configuration", "evidence", "formulation", "attestation", "threat-model",
		"adversary-model", "risk-assessment", "vulnerability-assertion", "exploitability-statement",
		"pentest-report", "static-analysis-report", "dynamic-analysis-report", "runtime-analysis-report",
		"component-analysis-report", "maturity-report", "certification-report", "codified-infrastructure",
		"quality-metrics", "poam", "electronic-signature", "digital-signature", "rfc-9116", "other":
		return cdx.ExternalReferenceType(t)
	}
	return cdx.ERTypeOther
}

// cdxLicenses writes the license strings the way the 1.6 schema allows: a
// single expression, or a list of licenses by SPDX id or by name.
func cdxLicenses(ls []string) *cdx.Licenses {
	if len(ls) == 0 {
		return nil
	}
	var out cdx.Licenses
	if len(ls) == 1 && !isSPDXLicenseID(ls[0]) && !isLicenseName(ls[0]) {
		out = append(out, cdx.LicenseChoice{Expression: ls[0]})
		return &out
	}
	for _, l := range ls {
		if isSPDXLicenseID(l) {
			out = append(out, cdx.LicenseChoice{License: &cdx.License{ID: l}})
		} else {
			out = append(out, cdx.LicenseChoice{License: &cdx.License{Name: l}})
		}
	}
	return &out
}

// isLicenseName tells a license name ("Apache License 2.0") from an SPDX
// expression ("MIT OR Apache-2.0", "LicenseRef-x").
func isLicenseName(s string) bool {
	if !strings.ContainsAny(s, " \t") {
		return false
	}
	for _, op := range []string{" AND ", " OR ", " WITH ", " and ", " or ", " with "} {
		if strings.Contains(s, op) {
			return false
		}
	}
	return true
}

func cdxComponentOf(c *vigil.Component, t *tree) cdx.Component {
	out := cdx.Component{
		BOMRef:      c.Ref,
		Type:        cdx.ComponentType(c.Type),
		Group:       c.Group,
		Name:        c.Name,
		Version:     c.Version,
		Author:      c.Author,
		Publisher:   c.Publisher,
		Description: c.Description,
		Scope:       cdx.Scope(c.Scope),
		Copyright:   c.Copyright,
		PackageURL:  c.PURL,
		Licenses:    cdxLicenses(c.Licenses),
	}
	if out.Type == "" {
		out.Type = cdx.ComponentTypeLibrary
	}
	if c.Supplier != "" {
		out.Supplier = &cdx.OrganizationalEntity{Name: c.Supplier}
	}
	if c.Manufacturer != "" {
		out.Manufacturer = &cdx.OrganizationalEntity{Name: c.Manufacturer}
	}
	if c.SWIDTagID != "" {
		out.SWID = &cdx.SWID{TagID: c.SWIDTagID, Name: c.Name, Version: c.Version}
	}
	var props []cdx.Property
	for _, p := range fdaProperties(c) {
		props = append(props, cdx.Property{Name: p.Name, Value: p.Value})
	}
	for i, name := range c.CPEs {
		name = cpe.Escape(name)
		if i == 0 {
			out.CPE = name
			continue
		}
		props = append(props, cdx.Property{Name: PropCPE, Value: name})
	}
	for _, p := range c.Properties {
		if exportedProperty(p) {
			props = append(props, cdx.Property{Name: p.Name, Value: p.Value})
		}
	}
	if len(props) > 0 {
		out.Properties = &props
	}
	var hashes []cdx.Hash
	for _, h := range c.Hashes {
		if h.Alg.CycloneDX() {
			hashes = append(hashes, cdx.Hash{Algorithm: cdx.HashAlgorithm(h.Alg), Value: h.Value})
		}
	}
	if len(hashes) > 0 {
		out.Hashes = &hashes
	}
	var refs []cdx.ExternalReference
	hasDist := false
	for _, r := range c.ExternalRefs {
		typ := cdxExternalRefType(r.Type)
		hasDist = hasDist || typ == cdx.ERTypeDistribution && r.URL == c.DownloadLocation
		refs = append(refs, cdx.ExternalReference{Type: typ, URL: r.URL})
	}
	if c.DownloadLocation != "" && !hasDist {
		refs = append(refs, cdx.ExternalReference{Type: cdx.ERTypeDistribution, URL: c.DownloadLocation})
	}
	if len(refs) > 0 {
		out.ExternalReferences = &refs
	}
	if kids := t.children[c.Ref]; len(kids) > 0 {
		nested := make([]cdx.Component, len(kids))
		for i, k := range kids {
			nested[i] = cdxComponentOf(k, t)
		}
		out.Components = &nested
	}
	return out
}

func cdxMetadataOf(doc *vigil.SBOMDocument, t *tree) *cdx.Metadata {
	m := &cdx.Metadata{}
	if !doc.Timestamp.IsZero() {
		m.Timestamp = doc.Timestamp.UTC().Format(time.RFC3339)
	}
	if len(doc.Tools) > 0 {
		tools := make([]cdx.Component, len(doc.Tools))
		for i, name := range doc.Tools {
			tools[i] = cdx.Component{Type: cdx.ComponentTypeApplication, Name: name}
		}
		m.Tools = &cdx.ToolsChoice{Components: &tools}
	}
	if len(doc.Authors) > 0 {
		authors := make([]cdx.OrganizationalContact, len(doc.Authors))
		for i, a := range doc.Authors {
			authors[i] = cdx.OrganizationalContact{Name: a}
		}
		m.Authors = &authors
	}
	if doc.Supplier != "" {
		m.Supplier = &cdx.OrganizationalEntity{Name: doc.Supplier}
	}
	if t.root != nil {
		c := cdxComponentOf(t.root, t)
		m.Component = &c
	}
	return m
}

func cdxDependencies(deps []vigil.Dependency) []cdx.Dependency {
	out := make([]cdx.Dependency, len(deps))
	for i, d := range deps {
		out[i] = cdx.Dependency{Ref: d.Ref}
		if len(d.DependsOn) > 0 {
			on := d.DependsOn
			out[i].Dependencies = &on
		}
	}
	return out
}

// encodeCycloneDXJSON writes the document piece by piece: one component
// is marshalled at a time.
func encodeCycloneDXJSON(w io.Writer, doc *vigil.SBOMDocument, comps []vigil.Component, deps []vigil.Dependency) error {
	bw := bufio.NewWriter(w)
	t := buildTree(doc, comps)
	header := struct {
		Schema       string `json:"$schema"`
		BOMFormat    string `json:"bomFormat"`
		SpecVersion  string `json:"specVersion"`
		SerialNumber string `json:"serialNumber,omitempty"`
		Version      int    `json:"version"`
	}{cdxSchema16, "CycloneDX", "1.6", serialURN(doc.SerialNumber), max(doc.Version, 1)}
	hb, err := json.MarshalIndent(header, "", "  ")
	if err != nil {
		return fmt.Errorf("encode cyclonedx json: %w", err)
	}
	bw.Write(hb[:len(hb)-2]) // without "\n}"
	writeField := func(name string, v any) error {
		b, err := json.MarshalIndent(v, "  ", "  ")
		if err != nil {
			return fmt.Errorf("encode cyclonedx json %s: %w", name, err)
		}
		fmt.Fprintf(bw, ",\n  %q: ", name)
		bw.Write(b)
		return nil
	}
	if err := writeField("metadata", cdxMetadataOf(doc, t)); err != nil {
		return err
	}
	bw.WriteString(",\n  \"components\": [")
	for i, c := range t.roots {
		b, err := json.MarshalIndent(cdxComponentOf(c, t), "    ", "  ")
		if err != nil {
			return fmt.Errorf("encode cyclonedx json component %q: %w", c.Ref, err)
		}
		if i > 0 {
			bw.WriteString(",")
		}
		bw.WriteString("\n    ")
		bw.Write(b)
	}
	if len(t.roots) > 0 {
		bw.WriteString("\n  ")
	}
	bw.WriteString("]")
	if len(deps) > 0 {
		if err := writeField("dependencies", cdxDependencies(deps)); err != nil {
			return err
		}
	}
	bw.WriteString("\n}\n")
	return bw.Flush()
}

func encodeCycloneDXXML(w io.Writer, doc *vigil.SBOMDocument, comps []vigil.Component, deps []vigil.Dependency) error {
	bw := bufio.NewWriter(w)
	t := buildTree(doc, comps)
	bw.WriteString(xml.Header)
	e := xml.NewEncoder(bw)
	e.Indent("", "  ")
	root := xml.StartElement{Name: xml.Name{Local: "bom"}, Attr: []xml.Attr{
		{Name: xml.Name{Local: "xmlns"}, Value: cdxNamespacePrefix + "1.6"},
	}}
	if s := serialURN(doc.SerialNumber); s != "" {
		root.Attr = append(root.Attr, xml.Attr{Name: xml.Name{Local: "serialNumber"}, Value: s})
	}
	root.Attr = append(root.Attr, xml.Attr{Name: xml.Name{Local: "version"}, Value: fmt.Sprint(max(doc.Version, 1))})
	fail := func(err error) error { return fmt.Errorf("encode cyclonedx xml: %w", err) }
	if err := e.EncodeToken(root); err != nil {
		return fail(err)
	}
	if err := e.EncodeElement(cdxMetadataOf(doc, t), xml.StartElement{Name: xml.Name{Local: "metadata"}}); err != nil {
		return fail(err)
	}
	comp := xml.StartElement{Name: xml.Name{Local: "components"}}
	if err := e.EncodeToken(comp); err != nil {
		return fail(err)
	}
	for _, c := range t.roots {
		if err := e.EncodeElement(cdxComponentOf(c, t), xml.StartElement{Name: xml.Name{Local: "component"}}); err != nil {
			return fail(fmt.Errorf("component %q: %w", c.Ref, err))
		}
	}
	if err := e.EncodeToken(comp.End()); err != nil {
		return fail(err)
	}
	if len(deps) > 0 {
		ds := xml.StartElement{Name: xml.Name{Local: "dependencies"}}
		if err := e.EncodeToken(ds); err != nil {
			return fail(err)
		}
		for _, d := range cdxDependencies(deps) {
			if err := e.EncodeElement(d, xml.StartElement{Name: xml.Name{Local: "dependency"}}); err != nil {
				return fail(err)
			}
		}
		if err := e.EncodeToken(ds.End()); err != nil {
			return fail(err)
		}
	}
	if err := e.EncodeToken(root.End()); err != nil {
		return fail(err)
	}
	if err := e.Flush(); err != nil {
		return fail(err)
	}
	bw.WriteString("\n")
	return bw.Flush()
}

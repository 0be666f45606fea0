package sbom

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/vigil/vigil"
)

var reSPDXIDValue = regexp.MustCompile(`^SPDXRef-[A-Za-z0-9.-]+$`)

// spdxIDOf returns ref when it is a valid SPDX id, else a valid id made
// from it: the allowed characters, then a hash of the whole ref so that two
// refs never meet.
func spdxIDOf(ref string) string {
	if reSPDXIDValue.MatchString(ref) {
		return ref
	}
	var b strings.Builder
	b.WriteString("SPDXRef-")
	for _, r := range strings.TrimPrefix(ref, "SPDXRef-") {
		if r < 0x80 && (r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '-') {
			b.WriteRune(r)
		} else {
			b.WriteByte('-')
		}
		if b.Len() > 64 {
			break
		}
	}
	h := sha256.Sum256([]byte(ref))
	b.WriteString("-")
	b.WriteString(hex.EncodeToString(h[:4]))
	return b.String()
}

// spdxNamespace returns the document namespace to write: doc.SerialNumber
// when it is an absolute URI, else one derived from it.
func spdxNamespace(doc *vigil.SBOMDocument) string {
	if u, err := url.Parse(doc.SerialNumber); err == nil && u.Scheme != "" && !strings.HasPrefix(doc.SerialNumber, "urn:uuid:") {
		return doc.SerialNumber
	}
	id := strings.TrimPrefix(serialURN(doc.SerialNumber), "urn:uuid:")
	if id == "" {
		id = strings.TrimPrefix(serialURN(doc.Name+"|"+doc.Timestamp.UTC().Format(time.RFC3339)), "urn:uuid:")
	}
	return "https://vigil.invalid/spdx/" + url.PathEscape(spdxDocName(doc)) + "-" + id
}

func spdxDocName(doc *vigil.SBOMDocument) string {
	if doc.Name != "" {
		return doc.Name
	}
	return "sbom"
}

func spdxTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05Z") }

func spdxCreators(doc *vigil.SBOMDocument) []string {
	var out []string
	for _, a := range doc.Authors {
		out = append(out, "Organization: "+a)
	}
	for _, t := range doc.Tools {
		out = append(out, "Tool: "+t)
	}
	if len(out) == 0 {
		out = append(out, "Tool: vigil")
	}
	return out
}

// spdxLicense joins license strings into one SPDX expression.
func spdxLicense(ls []string) string {
	switch len(ls) {
	case 0:
		return "NOASSERTION"
	case 1:
		return ls[0]
	}
	parts := make([]string, len(ls))
	for i, l := range ls {
		if strings.ContainsAny(l, " ") {
			l = "(" + l + ")"
		}
		parts[i] = l
	}
	return strings.Join(parts, " AND ")
}

// spdxPackageOf turns a component into an SPDX package; annotations carry
// the FDA fields and a type SPDX lacks, dated at stamp.
func spdxPackageOf(c *vigil.Component, stamp string) spdxPackage {
	p := spdxPackage{
		SPDXID:           spdxIDOf(c.Ref),
		Name:             c.Name,
		VersionInfo:      c.Version,
		DownloadLocation: "NOASSERTION",
		LicenseConcluded: "NOASSERTION",
		LicenseDeclared:  spdxLicense(c.Licenses),
		CopyrightText:    c.Copyright,
		Description:      c.Description,
	}
	if c.Supplier != "" {
		p.Supplier = "Organization: " + c.Supplier
	}
	if c.Author != "" {
		p.Originator = "Organization: " + c.Author
	}
	if c.DownloadLocation != "" {
		p.DownloadLocation = c.DownloadLocation
	}
	for _, h := range c.Hashes {
		if name := spdxAlgName(h.Alg); name != "" {
			p.Checksums = append(p.Checksums, spdxChecksum{Algorithm: name, ChecksumValue: h.Value})
		}
	}
	if c.PURL != "" {
		p.ExternalRefs = append(p.ExternalRefs, spdxExternalRef{ReferenceCategory: "PACKAGE-MANAGER", ReferenceType: "purl", ReferenceLocator: c.PURL})
	}
	for _, prop := range c.Properties {
		if prop.Name == "vigil:purl" {
			p.ExternalRefs = append(p.ExternalRefs, spdxExternalRef{ReferenceCategory: "PACKAGE-MANAGER", ReferenceType: "purl", ReferenceLocator: prop.Value})
		}
	}
	for _, cpe := range c.CPEs {
		typ := "cpe23Type"
		if strings.HasPrefix(cpe, "cpe:/") {
			typ = "cpe22Type"
		}
		p.ExternalRefs = append(p.ExternalRefs, spdxExternalRef{ReferenceCategory: "SECURITY", ReferenceType: typ, ReferenceLocator: cpe})
	}
	if c.SWIDTagID != "" {
		p.ExternalRefs = append(p.ExternalRefs, spdxExternalRef{ReferenceCategory: "PACKAGE-MANAGER", ReferenceType: "swid", ReferenceLocator: c.SWIDTagID})
	}
	for _, r := range c.ExternalRefs {
		if r.Type == "website" && p.Homepage == "" {
			p.Homepage = r.URL
			continue
		}
		typ := r.Type
		if typ == "" || strings.ContainsAny(typ, " \t") {
			typ = "other"
		}
		p.ExternalRefs = append(p.ExternalRefs, spdxExternalRef{ReferenceCategory: "OTHER", ReferenceType: typ, ReferenceLocator: r.URL})
	}
	purpose, ok := spdxPurpose(c.Type)
	p.PrimaryPackagePurpose = purpose
	annotate := func(comment string) {
		p.Annotations = append(p.Annotations, spdxAnnotation{AnnotationDate: stamp, AnnotationType: "OTHER", Annotator: "Tool: vigil", Comment: comment})
	}
	if !ok {
		annotate(PropType + "=" + string(c.Type))
	}
	for _, f := range fdaProperties(c) {
		annotate(f.Name + "=" + f.Value)
	}
	if !c.EndOfSupport.IsZero() {
		p.ValidUntilDate = spdxTime(c.EndOfSupport.Time())
	}
	return p
}

// spdxRelationships lists DESCRIBES, CONTAINS (nesting) and DEPENDS_ON.
func spdxRelationships(doc *vigil.SBOMDocument, comps []vigil.Component, deps []vigil.Dependency) []spdxRelationship {
	var out []spdxRelationship
	for _, d := range doc.Describes {
		out = append(out, spdxRelationship{Element: "SPDXRef-DOCUMENT", Type: "DESCRIBES", Related: spdxIDOf(d)})
	}
	for _, c := range comps {
		if c.ParentRef != "" {
			out = append(out, spdxRelationship{Element: spdxIDOf(c.ParentRef), Type: "CONTAINS", Related: spdxIDOf(c.Ref)})
		}
	}
	for _, d := range deps {
		for _, on := range d.DependsOn {
			out = append(out, spdxRelationship{Element: spdxIDOf(d.Ref), Type: "DEPENDS_ON", Related: spdxIDOf(on)})
		}
	}
	return out
}

// spdxStamp is the date written on annotations and creation info.
func spdxStamp(doc *vigil.SBOMDocument) string {
	if doc.Timestamp.IsZero() {
		return spdxTime(time.Unix(0, 0))
	}
	return spdxTime(doc.Timestamp)
}

type spdxOutPackage struct {
	SPDXID                string            `json:"SPDXID"`
	Name                  string            `json:"name"`
	VersionInfo           string            `json:"versionInfo,omitempty"`
	Supplier              string            `json:"supplier,omitempty"`
	Originator            string            `json:"originator,omitempty"`
	DownloadLocation      string            `json:"downloadLocation"`
	FilesAnalyzed         bool              `json:"filesAnalyzed"`
	Homepage              string            `json:"homepage,omitempty"`
	Checksums             []spdxChecksum    `json:"checksums,omitempty"`
	LicenseConcluded      string            `json:"licenseConcluded"`
	LicenseDeclared       string            `json:"licenseDeclared"`
	CopyrightText         string            `json:"copyrightText,omitempty"`
	Description           string            `json:"description,omitempty"`
	ExternalRefs          []spdxExternalRef `json:"externalRefs,omitempty"`
	PrimaryPackagePurpose string            `json:"primaryPackagePurpose,omitempty"`
	ValidUntilDate        string            `json:"validUntilDate,omitempty"`
	Annotations           []spdxAnnotation  `json:"annotations,omitempty"`
}

func outPackage(p spdxPackage) spdxOutPackage {
	return spdxOutPackage{
		SPDXID: p.SPDXID, Name: p.Name, VersionInfo: p.VersionInfo, Supplier: p.Supplier,
		Originator: p.Originator, DownloadLocation: p.DownloadLocation, Homepage: p.Homepage,
		Checksums: p.Checksums, LicenseConcluded: p.LicenseConcluded, LicenseDeclared: p.LicenseDeclared,
		CopyrightText: p.CopyrightText, Description: p.Description, ExternalRefs: p.ExternalRefs,
		PrimaryPackagePurpose: p.PrimaryPackagePurpose, ValidUntilDate: p.ValidUntilDate, Annotations: p.Annotations,
	}
}

func encodeSPDXJSON(w io.Writer, doc *vigil.SBOMDocument, comps []vigil.Component, deps []vigil.Dependency) error {
	bw := bufio.NewWriter(w)
	stamp := spdxStamp(doc)
	header := struct {
		SPDXVersion  string           `json:"spdxVersion"`
		DataLicense  string           `json:"dataLicense"`
		SPDXID       string           `json:"SPDXID"`
		Name         string           `json:"name"`
		Namespace    string           `json:"documentNamespace"`
		CreationInfo spdxCreationInfo `json:"creationInfo"`
	}{"SPDX-2.3", "CC0-1.0", "SPDXRef-DOCUMENT", spdxDocName(doc), spdxNamespace(doc),
		spdxCreationInfo{Created: stamp, Creators: spdxCreators(doc)}}
	hb, err := json.MarshalIndent(header, "", "  ")
	if err != nil {
		return fmt.Errorf("encode spdx json: %w", err)
	}
	bw.Write(hb[:len(hb)-2])
	bw.WriteString(",\n  \"packages\": [")
	for i := range comps {
		p := spdxPackageOf(&comps[i], stamp)
		b, err := json.MarshalIndent(outPackage(p), "    ", "  ")
		if err != nil {
			return fmt.Errorf("encode spdx json package %q: %w", comps[i].Ref, err)
		}
		if i > 0 {
			bw.WriteString(",")
		}
		bw.WriteString("\n    ")
		bw.Write(b)
	}
	if len(comps) > 0 {
		bw.WriteString("\n  ")
	}
	bw.WriteString("]")
	if rels := spdxRelationships(doc, comps, deps); len(rels) > 0 {
		b, err := json.MarshalIndent(rels, "  ", "  ")
		if err != nil {
			return fmt.Errorf("encode spdx json relationships: %w", err)
		}
		bw.WriteString(",\n  \"relationships\": ")
		bw.Write(b)
	}
	bw.WriteString("\n}\n")
	return bw.Flush()
}

// tvValue writes a tag-value value, in <text> when it spans lines or could
// be mistaken for markup.
func tvValue(v string) string {
	if strings.ContainsAny(v, "\n\r") || strings.HasPrefix(v, "<text>") || v != strings.TrimSpace(v) {
		return "<text>" + strings.ReplaceAll(v, "</text>", "</ text>") + "</text>"
	}
	return v
}

func encodeSPDXTagValue(w io.Writer, doc *vigil.SBOMDocument, comps []vigil.Component, deps []vigil.Dependency) error {
	bw := bufio.NewWriter(w)
	stamp := spdxStamp(doc)
	line := func(tag, value string) {
		if value == "" {
			return
		}
		bw.WriteString(tag)
		bw.WriteString(": ")
		bw.WriteString(tvValue(value))
		bw.WriteString("\n")
	}
	line("SPDXVersion", "SPDX-2.3")
	line("DataLicense", "CC0-1.0")
	line("SPDXID", "SPDXRef-DOCUMENT")
	line("DocumentName", spdxDocName(doc))
	line("DocumentNamespace", spdxNamespace(doc))
	for _, c := range spdxCreators(doc) {
		line("Creator", c)
	}
	line("Created", stamp)
	for i := range comps {
		p := spdxPackageOf(&comps[i], stamp)
		bw.WriteString("\n")
		line("PackageName", p.Name)
		line("SPDXID", p.SPDXID)
		line("PackageVersion", p.VersionInfo)
		line("PackageSupplier", p.Supplier)
		line("PackageOriginator", p.Originator)
		line("PackageDownloadLocation", p.DownloadLocation)
		line("FilesAnalyzed", "false")
		line("PackageHomePage", p.Homepage)
		for _, c := range p.Checksums {
			line("PackageChecksum", c.Algorithm+": "+c.ChecksumValue)
		}
		line("PackageLicenseConcluded", p.LicenseConcluded)
		line("PackageLicenseDeclared", p.LicenseDeclared)
		line("PackageCopyrightText", p.CopyrightText)
		line("PackageDescription", p.Description)
		for _, r := range p.ExternalRefs {
			line("ExternalRef", r.ReferenceCategory+" "+r.ReferenceType+" "+r.ReferenceLocator)
		}
		line("PrimaryPackagePurpose", p.PrimaryPackagePurpose)
		line("ValidUntilDate", p.ValidUntilDate)
		for _, a := range p.Annotations {
			line("Annotator", a.Annotator)
			line("AnnotationDate", a.AnnotationDate)
			line("AnnotationType", a.AnnotationType)
			line("SPDXREF", p.SPDXID)
			line("AnnotationComment", a.Comment)
		}
	}
	if rels := spdxRelationships(doc, comps, deps); len(rels) > 0 {
		bw.WriteString("\n")
		for _, r := range rels {
			line("Relationship", r.Element+" "+r.Type+" "+r.Related)
		}
	}
	return bw.Flush()
}

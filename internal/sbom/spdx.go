package sbom

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/vigil/vigil"
)

// spdxPackage is an SPDX 2.x package as JSON has it; the tag-value parser
// fills the same struct.
type spdxPackage struct {
	SPDXID                string            `json:"SPDXID"`
	Name                  string            `json:"name"`
	VersionInfo           string            `json:"versionInfo"`
	Supplier              string            `json:"supplier"`
	Originator            string            `json:"originator"`
	DownloadLocation      string            `json:"downloadLocation"`
	Homepage              string            `json:"homepage"`
	Checksums             []spdxChecksum    `json:"checksums"`
	LicenseConcluded      string            `json:"licenseConcluded"`
	LicenseDeclared       string            `json:"licenseDeclared"`
	CopyrightText         string            `json:"copyrightText"`
	Summary               string            `json:"summary"`
	Description           string            `json:"description"`
	ExternalRefs          []spdxExternalRef `json:"externalRefs"`
	PrimaryPackagePurpose string            `json:"primaryPackagePurpose"`
	ValidUntilDate        string            `json:"validUntilDate"`
	Annotations           []spdxAnnotation  `json:"annotations"`
}

type spdxChecksum struct {
	Algorithm     string `json:"algorithm"`
	ChecksumValue string `json:"checksumValue"`
}

type spdxExternalRef struct {
	ReferenceCategory string `json:"referenceCategory"`
	ReferenceType     string `json:"referenceType"`
	ReferenceLocator  string `json:"referenceLocator"`
	Comment           string `json:"comment,omitempty"`
}

type spdxAnnotation struct {
	AnnotationDate string `json:"annotationDate"`
	AnnotationType string `json:"annotationType"`
	Annotator      string `json:"annotator"`
	Comment        string `json:"comment"`
}

type spdxRelationship struct {
	Element string `json:"spdxElementId"`
	Type    string `json:"relationshipType"`
	Related string `json:"relatedSpdxElement"`
	Comment string `json:"comment,omitempty"`
}

type spdxCreationInfo struct {
	Created            string   `json:"created"`
	Creators           []string `json:"creators"`
	LicenseListVersion string   `json:"licenseListVersion,omitempty"`
	Comment            string   `json:"comment,omitempty"`
}

// spdxVersions are the SPDX versions read.
var spdxVersions = map[string]string{"SPDX-2.1": "2.1", "SPDX-2.2": "2.2", "SPDX-2.3": "2.3"}

func (s *state) spdxVersion(v, path string) error {
	ver, ok := spdxVersions[strings.TrimSpace(v)]
	if !ok {
		return &Error{Path: path, Offset: -1, Msg: fmt.Sprintf("SPDX version %q: vigil reads SPDX-2.2 and SPDX-2.3 (and 2.1)", v), Err: ErrUnsupported}
	}
	s.doc.SpecVersion = ver
	return nil
}

func (s *state) spdxCreated(v, path string) error {
	t, err := time.Parse(time.RFC3339, strings.TrimSpace(v))
	if err != nil {
		return &Error{Path: path, Offset: -1, Msg: fmt.Sprintf("created %q is not an RFC 3339 date-time", v)}
	}
	s.doc.Timestamp = t.UTC()
	return nil
}

func (s *state) spdxCreator(v string) {
	kind, name, ok := strings.Cut(strings.TrimSpace(v), ":")
	name = strings.TrimSpace(name)
	if !ok {
		s.doc.Authors = append(s.doc.Authors, strings.TrimSpace(v))
		return
	}
	switch strings.TrimSpace(kind) {
	case "Tool":
		s.doc.Tools = append(s.doc.Tools, name)
	default:
		s.doc.Authors = append(s.doc.Authors, name)
	}
}

// spdxAlgs maps SPDX checksum algorithms to vigil's.
var spdxAlgs = map[string]vigil.HashAlg{
	"SHA1": vigil.HashSHA1, "SHA224": vigil.HashSHA224, "SHA256": vigil.HashSHA256,
	"SHA384": vigil.HashSHA384, "SHA512": vigil.HashSHA512, "SHA3-256": vigil.HashSHA3_256,
	"SHA3-384": vigil.HashSHA3_384, "SHA3-512": vigil.HashSHA3_512, "BLAKE2b-256": vigil.HashBLAKE2b256,
	"BLAKE2b-384": vigil.HashBLAKE2b384, "BLAKE2b-512": vigil.HashBLAKE2b512, "BLAKE3": vigil.HashBLAKE3,
	"MD2": vigil.HashMD2, "MD4": vigil.HashMD4, "MD5": vigil.HashMD5, "MD6": vigil.HashMD6, "ADLER32": vigil.HashADLER32,
}

func spdxAlgName(a vigil.HashAlg) string {
	for k, v := range spdxAlgs {
		if v == a {
			return k
		}
	}
	return ""
}

// spdxPurposes maps SPDX primaryPackagePurpose to component types. SOURCE,
// ARCHIVE, INSTALL and OTHER have no CycloneDX twin and read as library,
// file, application and library.
var spdxPurposes = map[string]vigil.ComponentType{
	"APPLICATION": vigil.ComponentApplication, "FRAMEWORK": vigil.ComponentFramework,
	"LIBRARY": vigil.ComponentLibrary, "CONTAINER": vigil.ComponentContainer,
	"OPERATING-SYSTEM": vigil.ComponentOperatingSystem, "DEVICE": vigil.ComponentDevice,
	"FIRMWARE": vigil.ComponentFirmware, "FILE": vigil.ComponentFile,
	"SOURCE": vigil.ComponentLibrary, "ARCHIVE": vigil.ComponentFile,
	"INSTALL": vigil.ComponentApplication, "OTHER": vigil.ComponentLibrary,
}

// spdxPurpose is the purpose Encode writes for t; types SPDX lacks are
// written as OTHER with a vigil:component_type annotation.
func spdxPurpose(t vigil.ComponentType) (string, bool) {
	switch t {
	case vigil.ComponentApplication:
		return "APPLICATION", true
	case vigil.ComponentFramework:
		return "FRAMEWORK", true
	case vigil.ComponentLibrary, "":
		return "LIBRARY", true
	case vigil.ComponentContainer:
		return "CONTAINER", true
	case vigil.ComponentOperatingSystem:
		return "OPERATING-SYSTEM", true
	case vigil.ComponentDevice:
		return "DEVICE", true
	case vigil.ComponentFirmware:
		return "FIRMWARE", true
	case vigil.ComponentFile:
		return "FILE", true
	}
	return "OTHER", false
}

// noAssertion reports whether an SPDX value says nothing.
func noAssertion(v string) bool {
	v = strings.TrimSpace(v)
	return v == "" || v == "NOASSERTION" || v == "NONE"
}

// spdxAgent strips "Organization: " or "Person: " from an SPDX agent.
func spdxAgent(v string) string {
	if noAssertion(v) {
		return ""
	}
	for _, p := range []string{"Organization:", "Person:", "Tool:"} {
		if rest, ok := strings.CutPrefix(strings.TrimSpace(v), p); ok {
			return strings.TrimSpace(rest)
		}
	}
	return strings.TrimSpace(v)
}

// spdxMap turns a package into a component.
func (s *state) spdxMap(p *spdxPackage, path string) (*vigil.Component, error) {
	if p.SPDXID == "" {
		return nil, &Error{Path: field(path, "SPDXID"), Offset: -1, Msg: "package has no SPDXID"}
	}
	if p.Name == "" {
		return nil, &Error{Path: field(path, "name"), Offset: -1, Msg: "package has no name"}
	}
	v := &vigil.Component{
		Ref:         p.SPDXID,
		Type:        vigil.ComponentLibrary,
		Name:        p.Name,
		Version:     p.VersionInfo,
		Supplier:    spdxAgent(p.Supplier),
		Author:      spdxAgent(p.Originator),
		Description: p.Description,
	}
	if v.Description == "" {
		v.Description = p.Summary
	}
	if !noAssertion(p.CopyrightText) {
		v.Copyright = p.CopyrightText
	}
	if !noAssertion(p.DownloadLocation) {
		v.DownloadLocation = strings.TrimSpace(p.DownloadLocation)
	}
	if pp := strings.TrimSpace(p.PrimaryPackagePurpose); pp != "" {
		t, ok := spdxPurposes[strings.ReplaceAll(strings.ToUpper(pp), "_", "-")]
		if !ok {
			return nil, &Error{Path: field(path, "primaryPackagePurpose"), Offset: -1, Msg: fmt.Sprintf("unknown primary package purpose %q", pp)}
		}
		v.Type = t
	}
	switch {
	case !noAssertion(p.LicenseDeclared):
		v.Licenses = []string{strings.TrimSpace(p.LicenseDeclared)}
		if err := s.checkLicense(field(path, "licenseDeclared"), "licence expression", p.LicenseDeclared); err != nil {
			return nil, err
		}
	case !noAssertion(p.LicenseConcluded):
		v.Licenses = []string{strings.TrimSpace(p.LicenseConcluded)}
		if err := s.checkLicense(field(path, "licenseConcluded"), "licence expression", p.LicenseConcluded); err != nil {
			return nil, err
		}
	}
	for i, c := range p.Checksums {
		alg, ok := spdxAlgs[strings.TrimSpace(c.Algorithm)]
		h := vigil.Hash{Alg: alg, Value: strings.ToLower(strings.TrimSpace(c.ChecksumValue))}
		if !ok {
			return nil, &Error{Path: idx(field(path, "checksums"), i), Offset: -1, Msg: fmt.Sprintf("unknown checksum algorithm %q", c.Algorithm)}
		}
		if msg := h.Check(); msg != "" {
			return nil, &Error{Path: idx(field(path, "checksums"), i), Offset: -1, Msg: msg}
		}
		v.Hashes = append(v.Hashes, h)
	}
	if !noAssertion(p.Homepage) {
		v.ExternalRefs = append(v.ExternalRefs, vigil.ExternalRef{Type: "website", URL: normalizeURL(p.Homepage)})
	}
	for i, r := range p.ExternalRefs {
		rp := idx(field(path, "externalRefs"), i)
		loc := strings.TrimSpace(r.ReferenceLocator)
		switch strings.TrimSpace(r.ReferenceType) {
		case "purl":
			purl, err := normalizePURL(loc)
			if err != nil && s.strict {
				return nil, &Error{Path: field(rp, "referenceLocator"), Offset: -1, Msg: err.Error()}
			}
			if err != nil {
				// One bad reference does not lose the package, nor the
				// document: kept, flagged, and said where.
				s.warn("%s: %v: the package is kept without it", field(rp, "referenceLocator"), err)
				v.Properties = append(v.Properties, vigil.Property{Name: PropWarning, Value: "malformed purl reference " + strconv.Quote(loc)})
				continue
			}
			if v.PURL == "" {
				v.PURL = purl
			} else if purl != v.PURL {
				v.Properties = append(v.Properties, vigil.Property{Name: "vigil:purl", Value: purl})
			}
		case "cpe22Type", "cpe23Type":
			v.CPEs = append(v.CPEs, loc)
		case "swid":
			v.SWIDTagID = loc
		default:
			v.ExternalRefs = append(v.ExternalRefs, vigil.ExternalRef{Type: strings.TrimSpace(r.ReferenceType), URL: normalizeURL(loc)})
		}
	}
	var fda fdaInput
	if d := strings.TrimSpace(p.ValidUntilDate); d != "" {
		// SPDX 2.3: "the end of the support period for a package from the
		// supplier".
		fda.take(PropEndOfSupport, d, field(path, "validUntilDate"))
	}
	for i, a := range p.Annotations {
		if err := s.spdxAnnotate(v, &fda, a.Comment, idx(field(path, "annotations"), i)); err != nil {
			return nil, &Error{Path: idx(field(path, "annotations"), i), Offset: -1, Msg: err.Error()}
		}
	}
	if err := s.fdaApply(v, &fda, path); err != nil {
		return nil, err
	}
	return v, nil
}

// spdxAnnotate reads FDA fields and vigil's properties from an annotation
// comment: lines of "name=value" or "name: value", where name is any of
// the names the FDA fields go by in the wild ("Level of Support: Inactive")
// or a vigil property. Other lines are left alone.
func (s *state) spdxAnnotate(v *vigil.Component, fda *fdaInput, comment, where string) error {
	for _, line := range strings.Split(comment, "\n") {
		name, value, ok := strings.Cut(line, "=")
		if !ok {
			if name, value, ok = strings.Cut(line, ": "); !ok {
				continue
			}
		}
		name, value = strings.TrimSpace(name), strings.TrimSpace(value)
		switch {
		case name == PropType:
			t := vigil.ComponentType(value)
			if !t.Valid() {
				return fmt.Errorf("unknown component type %q", value)
			}
			v.Type = t
		case name == PropCPE:
			v.CPEs = append(v.CPEs, value)
		default:
			fda.take(name, value, where)
		}
	}
	return nil
}

// spdxRelationship turns one relationship into a dependency edge, or into
// a DESCRIBES fact about the document. Other relationship types are not
// dependencies and are ignored.
func (s *state) spdxRelationship(r *spdxRelationship, path string) error {
	a, b := strings.TrimSpace(r.Element), strings.TrimSpace(r.Related)
	if noAssertion(b) || noAssertion(a) {
		return nil
	}
	typ := strings.ToUpper(strings.TrimSpace(r.Type))
	switch typ {
	case "DESCRIBES":
		if a == "SPDXRef-DOCUMENT" {
			s.doc.Describes = append(s.doc.Describes, b)
		}
		return nil
	case "DESCRIBED_BY":
		if b == "SPDXRef-DOCUMENT" {
			s.doc.Describes = append(s.doc.Describes, a)
		}
		return nil
	case "DEPENDS_ON", "CONTAINS", "STATIC_LINK", "DYNAMIC_LINK", "HAS_PREREQUISITE":
		// a depends on (or contains) b.
	case "DEPENDENCY_OF", "CONTAINED_BY", "BUILD_DEPENDENCY_OF", "DEV_DEPENDENCY_OF", "OPTIONAL_DEPENDENCY_OF",
		"PROVIDED_DEPENDENCY_OF", "TEST_DEPENDENCY_OF", "RUNTIME_DEPENDENCY_OF", "PREREQUISITE_FOR", "PACKAGE_OF":
		a, b = b, a
	case "":
		return &Error{Path: field(path, "relationshipType"), Offset: -1, Msg: "relationship has no type"}
	default:
		return nil
	}
	if a == "SPDXRef-DOCUMENT" {
		return nil
	}
	return s.emitDependency(&vigil.Dependency{Ref: a, DependsOn: []string{b}}, path)
}

package sbom

import (
	"fmt"
	"regexp"
	"strings"
	"time"

	cdx "github.com/CycloneDX/cyclonedx-go"

	"github.com/vigil/vigil"
)

// cdxComponent decodes one CycloneDX component with cyclonedx-go's types,
// but sees whether bom-ref was given (an empty bom-ref is an error) and
// decodes nested components into the same type.
type cdxComponent struct {
	cdx.Component
	BOMRef     *string        `json:"bom-ref" xml:"bom-ref,attr"`
	Components []cdxComponent `json:"components" xml:"components>component"`
}

type cdxMetadata struct {
	cdx.Metadata
	Component *cdxComponent `json:"component" xml:"component"`
}

// cdxSpecVersions are the versions read; 1.0 and 1.1 exist only in XML.
var cdxSpecVersions = map[string]bool{"1.0": true, "1.1": true, "1.2": true, "1.3": true, "1.4": true, "1.5": true, "1.6": true}

var reSerial = regexp.MustCompile(`^(urn:uuid:[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|\{[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\})$`)

func (s *state) cdxSerial(v string, path string) error {
	if v != "" && !reSerial.MatchString(v) {
		return &Error{Path: path, Offset: -1, Msg: fmt.Sprintf("serial number %q is not urn:uuid:<RFC 4122 UUID>", v)}
	}
	s.doc.SerialNumber = v
	return nil
}

func (s *state) cdxSpecVersion(v string, path string) error {
	if !cdxSpecVersions[v] {
		return &Error{Path: path, Offset: -1, Msg: fmt.Sprintf("CycloneDX spec version %q: vigil reads 1.2 to 1.6", v)}
	}
	s.doc.SpecVersion = v
	return nil
}

// cdxMetadata takes the document-level facts and emits the described
// component.
func (s *state) cdxMetadata(m *cdxMetadata, path string) error {
	if m.Timestamp != "" {
		t, err := time.Parse(time.RFC3339, strings.TrimSpace(m.Timestamp))
		if err != nil {
			return &Error{Path: field(path, "timestamp"), Offset: -1, Msg: fmt.Sprintf("timestamp %q is not an RFC 3339 date-time", m.Timestamp)}
		}
		s.doc.Timestamp = t.UTC()
	}
	if m.Authors != nil {
		for _, a := range *m.Authors {
			if n := contactName(a); n != "" {
				s.doc.Authors = append(s.doc.Authors, n)
			}
		}
	}
	if m.Tools != nil {
		if m.Tools.Tools != nil {
			for _, t := range *m.Tools.Tools {
				s.doc.Tools = append(s.doc.Tools, joinNonEmpty(" ", t.Vendor, t.Name, t.Version))
			}
		}
		if m.Tools.Components != nil {
			for _, t := range *m.Tools.Components {
				s.doc.Tools = append(s.doc.Tools, joinNonEmpty(" ", t.Group, t.Name, t.Version))
			}
		}
		if m.Tools.Services != nil {
			for _, t := range *m.Tools.Services {
				s.doc.Tools = append(s.doc.Tools, joinNonEmpty(" ", t.Group, t.Name, t.Version))
			}
		}
	}
	switch {
	case m.Supplier != nil && m.Supplier.Name != "":
		s.doc.Supplier = m.Supplier.Name
	case m.Manufacturer != nil && m.Manufacturer.Name != "":
		s.doc.Supplier = m.Manufacturer.Name
	case m.Manufacture != nil && m.Manufacture.Name != "":
		s.doc.Supplier = m.Manufacture.Name
	}
	if m.Licenses != nil {
		// The document's own licence is not kept, but a wrong one is said.
		for i, l := range *m.Licenses {
			p := idx(field(path, "licenses"), i)
			switch {
			case l.Expression != "":
				if err := s.checkLicense(field(p, "expression"), "licence expression", l.Expression); err != nil {
					return err
				}
			case l.License != nil && l.License.ID != "":
				if err := s.checkLicense(field(field(p, "license"), "id"), "licence id", l.License.ID); err != nil {
					return err
				}
			case l.License != nil && l.License.Name == "":
				if err := s.problem(field(p, "license"), "license has neither id nor name"); err != nil {
					return err
				}
			}
		}
	}
	if m.Properties != nil {
		for i, p := range *m.Properties {
			if p.Name == "" {
				if err := s.problem(idx(field(path, "properties"), i), "property has no name; it is dropped"); err != nil {
					return err
				}
			}
		}
	}
	if m.Component != nil {
		p := field(path, "component")
		ref := s.cdxRef(m.Component, p)
		if s.doc.Name == "" {
			s.doc.Name = m.Component.Name
		}
		s.doc.Describes = append(s.doc.Describes, ref)
		if err := s.cdxComponent(m.Component, p, "", 0); err != nil {
			return err
		}
	}
	return nil
}

func contactName(a cdx.OrganizationalContact) string {
	switch {
	case a.Name != "" && a.Email != "":
		return a.Name + " <" + a.Email + ">"
	case a.Name != "":
		return a.Name
	}
	return a.Email
}

func joinNonEmpty(sep string, parts ...string) string {
	out := parts[:0:0]
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, sep)
}

// cdxRef is the component's bom-ref, or a ref made from its path in the
// document when it has none.
func (s *state) cdxRef(c *cdxComponent, path string) string {
	if c.BOMRef != nil {
		return *c.BOMRef
	}
	return "vigil:" + path
}

// cdxComponent maps one component and its nested components, parents first.
func (s *state) cdxComponent(c *cdxComponent, path, parent string, depth int) error {
	if depth > s.limits.MaxDepth {
		return &Error{Path: path, Offset: -1, Msg: fmt.Sprintf("components nested deeper than the limit of %d", s.limits.MaxDepth)}
	}
	v, err := s.cdxMap(c, path)
	if err != nil {
		return err
	}
	v.ParentRef = parent
	if err := s.emit(v, path); err != nil {
		return err
	}
	for i := range c.Components {
		if err := s.cdxComponent(&c.Components[i], idx(field(path, "components"), i), v.Ref, depth+1); err != nil {
			return err
		}
	}
	return nil
}

func (s *state) cdxMap(c *cdxComponent, path string) (*vigil.Component, error) {
	if c.BOMRef != nil && *c.BOMRef == "" {
		return nil, &Error{Path: field(path, "bom-ref"), Offset: -1, Msg: "bom-ref is empty"}
	}
	v := &vigil.Component{
		Ref:         s.cdxRef(c, path),
		Type:        vigil.ComponentType(c.Type),
		Group:       c.Group,
		Name:        c.Name,
		Version:     c.Version,
		Publisher:   c.Publisher,
		Copyright:   c.Copyright,
		Description: c.Description,
		Scope:       vigil.ComponentScope(c.Scope),
	}
	if c.Type == "" {
		return nil, &Error{Path: field(path, "type"), Offset: -1, Msg: "component has no type"}
	}
	if !v.Type.Valid() {
		return nil, &Error{Path: field(path, "type"), Offset: -1, Msg: fmt.Sprintf("unknown component type %q", c.Type)}
	}
	if c.Name == "" {
		return nil, &Error{Path: field(path, "name"), Offset: -1, Msg: "component has no name"}
	}
	if v.Scope != "" && !v.Scope.Valid() {
		return nil, &Error{Path: field(path, "scope"), Offset: -1, Msg: fmt.Sprintf("unknown scope %q", c.Scope)}
	}
	if c.Supplier != nil {
		v.Supplier = c.Supplier.Name
	}
	if c.Manufacturer != nil {
		v.Manufacturer = c.Manufacturer.Name
	}
	v.Author = c.Author
	if v.Author == "" && c.Authors != nil {
		var names []string
		for _, a := range *c.Authors {
			if n := contactName(a); n != "" {
				names = append(names, n)
			}
		}
		v.Author = strings.Join(names, ", ")
	}
	if c.PackageURL != "" {
		p, err := normalizePURL(c.PackageURL)
		if err != nil {
			return nil, &Error{Path: field(path, "purl"), Offset: -1, Msg: err.Error()}
		}
		v.PURL = p
	}
	if c.CPE != "" {
		v.CPEs = append(v.CPEs, strings.TrimSpace(c.CPE))
	}
	if c.SWID != nil {
		v.SWIDTagID = c.SWID.TagID
		if c.SWID.TagID == "" || c.SWID.Name == "" {
			if err := s.problem(field(path, "swid"), "SWID tag without tagId or name (only the tag id is kept)"); err != nil {
				return nil, err
			}
		}
	}
	if err := s.cdxCheckPedigree(c.Pedigree, field(path, "pedigree")); err != nil {
		return nil, err
	}
	if c.Hashes != nil {
		for i, h := range *c.Hashes {
			vh := vigil.Hash{Alg: vigil.HashAlg(h.Algorithm), Value: strings.ToLower(strings.TrimSpace(h.Value))}
			if msg := vh.Check(); msg != "" {
				return nil, &Error{Path: idx(field(path, "hashes"), i), Offset: -1, Msg: msg}
			}
			v.Hashes = append(v.Hashes, vh)
		}
	}
	if c.Licenses != nil {
		if err := s.cdxCheckLicenses(*c.Licenses, field(path, "licenses")); err != nil {
			return nil, err
		}
		for i, l := range *c.Licenses {
			p := idx(field(path, "licenses"), i)
			switch {
			case l.License != nil && l.Expression != "":
				return nil, &Error{Path: p, Offset: -1, Msg: "license choice has both a license and an expression"}
			case l.Expression != "":
				if err := s.checkLicense(field(p, "expression"), "licence expression", l.Expression); err != nil {
					return nil, err
				}
				v.Licenses = append(v.Licenses, strings.TrimSpace(l.Expression))
			case l.License != nil && l.License.ID != "":
				if err := s.checkLicense(field(field(p, "license"), "id"), "licence id", l.License.ID); err != nil {
					return nil, err
				}
				v.Licenses = append(v.Licenses, strings.TrimSpace(l.License.ID))
			case l.License != nil && l.License.Name != "":
				v.Licenses = append(v.Licenses, strings.TrimSpace(l.License.Name))
			case l.License != nil:
				return nil, &Error{Path: field(p, "license"), Offset: -1, Msg: "license has neither id nor name"}
			default:
				return nil, &Error{Path: p, Offset: -1, Msg: "license choice is empty"}
			}
		}
	}
	if c.ExternalReferences != nil {
		for _, r := range *c.ExternalReferences {
			v.ExternalRefs = append(v.ExternalRefs, vigil.ExternalRef{Type: string(r.Type), URL: normalizeURL(r.URL)})
		}
	}
	var fda fdaInput
	if c.Properties != nil {
		for i, p := range *c.Properties {
			pp := idx(field(path, "properties"), i)
			if p.Name == "" {
				if err := s.problem(pp, "property has no name; it is dropped"); err != nil {
					return nil, err
				}
				continue
			}
			if p.Name == PropCPE {
				v.CPEs = append(v.CPEs, p.Value)
				continue
			}
			if !fda.take(p.Name, p.Value, pp) {
				v.Properties = append(v.Properties, vigil.Property{Name: p.Name, Value: p.Value})
			}
		}
	}
	if err := s.fdaApply(v, &fda, path); err != nil {
		return nil, err
	}
	return v, nil
}

func (s *state) cdxDependency(d *cdx.Dependency, path string) error {
	v := &vigil.Dependency{Ref: d.Ref}
	if d.Dependencies != nil {
		for i, r := range *d.Dependencies {
			if r == "" {
				return &Error{Path: idx(field(path, "dependsOn"), i), Offset: -1, Msg: "empty ref"}
			}
			v.DependsOn = append(v.DependsOn, r)
		}
	}
	return s.emitDependency(v, path)
}

// Services are not kept, but what is wrong in them is said: a document
// whose services are malformed is not one to take silently.

// cdxService is what vigil checks of a service, decoded from either form.
type cdxService struct {
	Name       string
	Data       []cdxFlow
	Properties []cdx.Property
	Services   []cdxService
}

// cdxFlow is one data classification of a service and its direction.
type cdxFlow struct {
	Flow           string `json:"flow"`
	Classification string `json:"classification"`
}

// cdxServiceJSON is a service as CycloneDX JSON writes it (1.2–1.6: data
// is a list of {flow, classification}).
type cdxServiceJSON struct {
	Name       string           `json:"name"`
	Data       []cdxFlow        `json:"data"`
	Properties []cdx.Property   `json:"properties"`
	Services   []cdxServiceJSON `json:"services"`
}

func (j *cdxServiceJSON) service() cdxService {
	out := cdxService{Name: j.Name, Data: j.Data, Properties: j.Properties}
	for i := range j.Services {
		out.Services = append(out.Services, j.Services[i].service())
	}
	return out
}

// cdxServiceXML is a service as CycloneDX XML writes it: <data> holds
// <classification flow="…">, or (1.5+) <dataflow> elements that hold them.
type cdxServiceXML struct {
	Name string `xml:"name"`
	Data struct {
		Classification []cdxFlowXML `xml:"classification"`
		Dataflow       []struct {
			Classification []cdxFlowXML `xml:"classification"`
		} `xml:"dataflow"`
	} `xml:"data"`
	Properties []cdx.Property  `xml:"properties>property"`
	Services   []cdxServiceXML `xml:"services>service"`
}

type cdxFlowXML struct {
	Flow  string `xml:"flow,attr"`
	Value string `xml:",chardata"`
}

func (x *cdxServiceXML) service() cdxService {
	out := cdxService{Name: x.Name, Properties: x.Properties}
	for _, c := range x.Data.Classification {
		out.Data = append(out.Data, cdxFlow{Flow: c.Flow, Classification: c.Value})
	}
	for _, d := range x.Data.Dataflow {
		for _, c := range d.Classification {
			out.Data = append(out.Data, cdxFlow{Flow: c.Flow, Classification: c.Value})
		}
	}
	for i := range x.Services {
		out.Services = append(out.Services, x.Services[i].service())
	}
	return out
}

// cdxDataFlows are the directions the specification allows.
var cdxDataFlows = map[string]bool{"inbound": true, "outbound": true, "bi-directional": true, "unknown": true}

// cdxCheckService reports what is wrong in a service and its nested
// services, as per-document problems: services are not kept.
func (s *state) cdxCheckService(sv *cdxService, path string, depth int) error {
	if depth > s.limits.MaxDepth {
		return &Error{Path: path, Offset: -1, Msg: fmt.Sprintf("services nested deeper than the limit of %d", s.limits.MaxDepth)}
	}
	if strings.TrimSpace(sv.Name) == "" {
		if err := s.problem(field(path, "name"), "service has no name (services are not kept)"); err != nil {
			return err
		}
	}
	for i, d := range sv.Data {
		p := idx(field(path, "data"), i)
		if !cdxDataFlows[strings.TrimSpace(d.Flow)] {
			if err := s.problem(field(p, "flow"), fmt.Sprintf("data flow %q is not one of inbound, outbound, bi-directional, unknown (services are not kept)", d.Flow)); err != nil {
				return err
			}
		}
		if strings.TrimSpace(d.Classification) == "" {
			if err := s.problem(field(p, "classification"), "data has no classification (services are not kept)"); err != nil {
				return err
			}
		}
	}
	for i, p := range sv.Properties {
		if p.Name == "" {
			if err := s.problem(idx(field(path, "properties"), i), "property has no name (services are not kept)"); err != nil {
				return err
			}
		}
	}
	for i := range sv.Services {
		if err := s.cdxCheckService(&sv.Services[i], idx(field(path, "services"), i), depth+1); err != nil {
			return err
		}
	}
	return nil
}

// cdxCheckLicenses reports what is wrong in a licence list that vigil
// keeps only as strings: an expression beside other entries (up to 1.6 an
// expression stands alone) and licence text in an encoding other than
// base64.
func (s *state) cdxCheckLicenses(ls cdx.Licenses, path string) error {
	if len(ls) > 1 {
		for i, l := range ls {
			if l.Expression != "" {
				if err := s.problem(idx(path, i), "a licence expression must be the only entry of its licence list"); err != nil {
					return err
				}
				break
			}
		}
	}
	for i, l := range ls {
		if l.License != nil && l.License.Text != nil && l.License.Text.Encoding != "" && l.License.Text.Encoding != "base64" {
			if err := s.problem(field(field(idx(path, i), "license"), "text"), fmt.Sprintf("encoding %q is not base64 (licence text is not kept)", l.License.Text.Encoding)); err != nil {
				return err
			}
		}
		if l.License != nil && l.License.Properties != nil {
			for j, p := range *l.License.Properties {
				if p.Name == "" {
					if err := s.problem(idx(field(field(idx(path, i), "license"), "properties"), j), "property has no name"); err != nil {
						return err
					}
				}
			}
		}
	}
	return nil
}

var (
	cdxPatchTypes = map[cdx.PatchType]bool{cdx.PatchTypeBackport: true, cdx.PatchTypeCherryPick: true, cdx.PatchTypeMonkey: true, cdx.PatchTypeUnofficial: true}
	cdxIssueTypes = map[cdx.IssueType]bool{cdx.IssueTypeDefect: true, cdx.IssueTypeEnhancement: true, cdx.IssueTypeSecurity: true}
)

// cdxCheckPedigree reports unknown patch and issue types in a pedigree,
// which vigil does not keep.
func (s *state) cdxCheckPedigree(p *cdx.Pedigree, path string) error {
	if p == nil || p.Patches == nil {
		return nil
	}
	for i, pt := range *p.Patches {
		pp := idx(field(path, "patches"), i)
		if !cdxPatchTypes[pt.Type] {
			if err := s.problem(field(pp, "type"), fmt.Sprintf("patch type %q is not one of unofficial, monkey, backport, cherry-pick (pedigree is not kept)", pt.Type)); err != nil {
				return err
			}
		}
		if pt.Resolves == nil {
			continue
		}
		for j, is := range *pt.Resolves {
			if !cdxIssueTypes[is.Type] {
				if err := s.problem(field(idx(field(pp, "resolves"), j), "type"), fmt.Sprintf("issue type %q is not one of defect, enhancement, security (pedigree is not kept)", is.Type)); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

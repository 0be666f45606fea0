// Package cyclonedx reads and writes CycloneDX VEX — a CycloneDX 1.6 BOM whose
// vulnerabilities carry an analysis — as vex.Document values, with
// github.com/CycloneDX/cyclonedx-go at the boundary. It reads JSON and XML
// (specVersion 1.4 to 1.6) and writes JSON 1.6.
//
// Writing: when every statement is about one product, that product is
// metadata.component and the components the statements name are the BOM's
// components; each vulnerability's affects lists the components (or the
// product itself) it is about. Statements that say the same thing share
// one vulnerability entry. A statement about a component of one of several
// products keeps only the component. The mappings:
//
//   - states: affected ↔ exploitable, not_affected ↔ not_affected, fixed ↔
//     resolved (resolved_with_pedigree reads as fixed), under_investigation ↔
//     in_triage, false_positive ↔ false_positive;
//   - justifications: vulnerable_code_not_present and component_not_present
//     → code_not_present (component_not_present also as the property
//     vigil:justification, which reads back exactly),
//     vulnerable_code_not_in_execute_path ↔ code_not_reachable,
//     vulnerable_code_cannot_be_controlled_by_adversary → requires_environment
//     (requires_configuration and requires_dependency read as it too),
//     inline_mitigations_already_exist → protected_by_mitigating_control
//     (protected_by_compiler, _at_runtime and _at_perimeter read as it too);
//   - ratings ↔ vulnerabilities[].ratings: CVSS 2.0, 3.0, 3.1 and 4.0 ↔
//     the methods CVSSv2, CVSSv3, CVSSv31 and CVSSv4 (other methods read
//     as a rating without a version), severity in lower case, source
//     as the source's name;
//   - a product's type and group ↔ the component's type and group (a
//     product without a type is written as a library, or as the
//     application or device metadata.component describes);
//   - the response is the first of analysis.response; the detail is
//     analysis.detail, the action recommendation, the timestamp
//     analysis.lastUpdated.
//
// A vulnerability without analysis.state says nothing about exploitability
// and is left out. A document without serialNumber is identified by the
// SHA-256 of its bytes; a document id that is not a urn:uuid is written as
// a name-based UUID serialNumber plus the property vigil:document_id.
package cyclonedx

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	cdx "github.com/CycloneDX/cyclonedx-go"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/ingest"
	"github.com/vigil/vigil/internal/vex"
)

// Name is the codec's name.
const Name = "vex/cyclonedx"

// Properties vigil writes where CycloneDX has no field.
const (
	PropDocumentID    = "vigil:document_id"
	PropJustification = "vigil:justification"
)

// Codec is the CycloneDX VEX codec.
type Codec struct{}

// New returns the codec.
func New() Codec { return Codec{} }

var _ vex.Codec = Codec{}

// Format implements vex.Codec.
func (Codec) Format() vex.Format { return vex.FormatCycloneDX }

// Detect recognises a CycloneDX BOM in JSON or XML.
func (Codec) Detect(head []byte) bool {
	h := bytes.TrimLeft(head, " \t\r\n\ufeff")
	switch {
	case bytes.HasPrefix(h, []byte("{")):
		return bytes.Contains(head, []byte(`"bomFormat"`)) && bytes.Contains(head, []byte("CycloneDX"))
	case bytes.HasPrefix(h, []byte("<")):
		return bytes.Contains(head, []byte("http://cyclonedx.org/schema/bom/"))
	}
	return false
}

// State maps a triage state to CycloneDX's analysis state.
func State(s vigil.TriageState) cdx.ImpactAnalysisState {
	switch s {
	case vigil.TriageAffected:
		return cdx.IASExploitable
	case vigil.TriageNotAffected:
		return cdx.IASNotAffected
	case vigil.TriageFixed:
		return cdx.IASResolved
	case vigil.TriageFalsePositive:
		return cdx.IASFalsePositive
	}
	return cdx.IASInTriage
}

func stateOf(s cdx.ImpactAnalysisState) (vigil.TriageState, bool) {
	switch s {
	case cdx.IASExploitable:
		return vigil.TriageAffected, true
	case cdx.IASNotAffected:
		return vigil.TriageNotAffected, true
	case cdx.IASResolved, cdx.IASResolvedWithPedigree:
		return vigil.TriageFixed, true
	case cdx.IASFalsePositive:
		return vigil.TriageFalsePositive, true
	case cdx.IASInTriage:
		return vigil.TriageUnderInvestigation, true
	}
	return "", false
}

func justification(j vigil.Justification) cdx.ImpactAnalysisJustification {
	switch j {
	case vigil.JustComponentNotPresent, vigil.JustVulnerableCodeNotPresent:
		return cdx.IAJCodeNotPresent
	case vigil.JustVulnerableCodeNotInExecutePath:
		return cdx.IAJCodeNotReachable
	case vigil.JustVulnerableCodeCannotBeControlled:
		return cdx.IAJRequiresEnvironment
	case vigil.JustInlineMitigationsAlreadyExist:
		return cdx.IAJProtectedByMitigatingControl
	}
	return ""
}

func justificationOf(j cdx.ImpactAnalysisJustification) (vigil.Justification, bool) {
	switch j {
	case cdx.IAJCodeNotPresent:
		return vigil.JustVulnerableCodeNotPresent, true
	case cdx.IAJCodeNotReachable:
		return vigil.JustVulnerableCodeNotInExecutePath, true
	case cdx.IAJRequiresConfiguration, cdx.IAJRequiresDependency, cdx.IAJRequiresEnvironment:
		return vigil.JustVulnerableCodeCannotBeControlled, true
	case cdx.IAJProtectedByCompiler, cdx.IAJProtectedAtRuntime, cdx.IAJProtectedAtPerimeter, cdx.IAJProtectedByMitigatingControl:
		return vigil.JustInlineMitigationsAlreadyExist, true
	case "":
		return "", true
	}
	return "", false
}

// Source names the database an identifier comes from, as CycloneDX asks
// of a vulnerability and its references.
func Source(id string) *cdx.Source {
	switch {
	case vigil.IsCVE(id):
		return &cdx.Source{Name: "NVD", URL: "https://nvd.nist.gov/vuln/detail/" + id}
	case strings.HasPrefix(id, "GHSA-"):
		return &cdx.Source{Name: "GitHub Advisories", URL: "https://github.com/advisories/" + id}
	default:
		return &cdx.Source{Name: "OSV", URL: "https://osv.dev/vulnerability/" + id}
	}
}

var uuidURN = regexp.MustCompile(`^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[1-5][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

func formatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339Nano)
}

// Write implements vex.Codec.
func (Codec) Write(w io.Writer, d *vex.Document) error {
	if err := d.Validate(); err != nil {
		return fmt.Errorf("cyclonedx vex: %w", err)
	}
	if len(d.Statements) == 0 {
		return fmt.Errorf("cyclonedx vex: no statements: %w", vigil.ErrInvalid)
	}
	bom := cdx.NewBOM()
	bom.Version = 1
	if n, err := strconv.Atoi(d.Version); err == nil && n > 0 {
		bom.Version = n
	}
	var props []cdx.Property
	if uuidURN.MatchString(d.ID) {
		bom.SerialNumber = d.ID
	} else {
		bom.SerialNumber = vex.NameUUID(d.ID)
		props = append(props, cdx.Property{Name: PropDocumentID, Value: d.ID})
	}
	md := &cdx.Metadata{Timestamp: formatTime(d.Updated)}
	if d.Publisher != "" || d.PublisherURL != "" {
		md.Manufacturer = &cdx.OrganizationalEntity{Name: d.Publisher}
		if d.PublisherURL != "" {
			md.Manufacturer.URL = &[]string{d.PublisherURL}
		}
	}
	if d.Tool != "" {
		name, version, _ := strings.Cut(d.Tool, " ")
		md.Tools = &cdx.ToolsChoice{Components: &[]cdx.Component{{Type: cdx.ComponentTypeApplication, Name: name, Version: version}}}
	}
	if len(props) > 0 {
		md.Properties = &props
	}
	bom.Metadata = md

	// One product for all statements: it is what the BOM describes.
	main := ""
	for i, s := range d.Statements {
		if i == 0 {
			main = s.Product
		} else if s.Product != main {
			main = ""
			break
		}
	}
	idx := d.Index()
	if p, ok := idx[main]; ok && named(p) {
		typ := cdx.ComponentTypeApplication
		if len(p.Models) > 0 {
			typ = cdx.ComponentTypeDevice
		}
		c := component(p, typ)
		md.Component = &c
	} else {
		main = ""
	}
	var comps []cdx.Component
	for _, p := range d.Products {
		if p.Ref != main && named(p) {
			comps = append(comps, component(p, cdx.ComponentTypeLibrary))
		}
	}
	if comps != nil {
		bom.Components = &comps
	}

	type entry struct {
		v        cdx.Vulnerability
		refs     []string
		versions [][]string
	}
	var entries []*entry
	byKey := map[string]*entry{}
	sts := slices.Clone(d.Statements)
	slices.SortStableFunc(sts, func(a, b vex.Statement) int {
		if c := strings.Compare(a.Vulnerability, b.Vulnerability); c != 0 {
			return c
		}
		if c := strings.Compare(a.Product, b.Product); c != 0 {
			return c
		}
		return strings.Compare(a.Component, b.Component)
	})
	for _, s := range sts {
		v := vulnerability(s)
		ref := s.Component
		if ref == "" {
			ref = s.Product
		}
		k := vulnKey(v)
		e := byKey[k]
		if e == nil {
			e = &entry{v: v}
			byKey[k] = e
			entries = append(entries, e)
		}
		if !slices.Contains(e.refs, ref) {
			e.refs = append(e.refs, ref)
			e.versions = append(e.versions, s.Versions)
		}
	}
	vulns := make([]cdx.Vulnerability, 0, len(entries))
	for _, e := range entries {
		affects := make([]cdx.Affects, len(e.refs))
		for i, r := range e.refs {
			affects[i] = cdx.Affects{Ref: r}
			if vs := e.versions[i]; len(vs) > 0 {
				avs := make([]cdx.AffectedVersions, len(vs))
				for j, x := range vs {
					if strings.HasPrefix(x, "vers:") {
						avs[j].Range = x
					} else {
						avs[j].Version = x
					}
					avs[j].Status = affectedStatus(e.v)
				}
				affects[i].Range = &avs
			}
		}
		e.v.Affects = &affects
		vulns = append(vulns, e.v)
	}
	bom.Vulnerabilities = &vulns
	enc := cdx.NewBOMEncoder(w, cdx.BOMFileFormatJSON)
	enc.SetPretty(true).SetEscapeHTML(false)
	if err := enc.EncodeVersion(bom, cdx.SpecVersion1_6); err != nil {
		return fmt.Errorf("cyclonedx vex: %w", err)
	}
	return nil
}

// named reports whether p has something to write as a component's name.
func named(p vex.Product) bool {
	return p.Name != "" || p.Label != "" || p.PURL != "" || p.CPE != "" || p.Vendor != "" || p.Version != ""
}

func component(p vex.Product, typ cdx.ComponentType) cdx.Component {
	name := p.Name
	if name == "" {
		name = p.Describe()
	}
	if p.Type != "" {
		typ = cdx.ComponentType(p.Type)
	}
	c := cdx.Component{BOMRef: p.Ref, Type: typ, Group: p.Group, Name: name, Version: p.Version, PackageURL: p.PURL, CPE: p.CPE}
	if p.Vendor != "" {
		c.Manufacturer = &cdx.OrganizationalEntity{Name: p.Vendor}
	}
	return c
}

func vulnerability(s vex.Statement) cdx.Vulnerability {
	// Each id cites the source of the record it came from where the
	// statement knows it (a CISA advisory, not osv.dev); other records
	// about it (an advisory grouping it with others) are advisories, not
	// references, which CycloneDX reads as the same vulnerability.
	known := map[string]vex.Reference{}
	for _, r := range s.References {
		if r.Source != "" && r.URL != "" {
			known[strings.ToUpper(r.ID)] = r
		}
	}
	src := func(id string) *cdx.Source {
		if r, ok := known[strings.ToUpper(id)]; ok {
			return &cdx.Source{Name: r.Source, URL: r.URL}
		}
		return Source(id)
	}
	v := cdx.Vulnerability{ID: s.Vulnerability, Source: src(s.Vulnerability), Description: s.Description, Recommendation: s.Action}
	var advisories []cdx.Advisory
	for _, r := range s.References {
		if r.URL == "" || strings.EqualFold(r.ID, s.Vulnerability) || slices.ContainsFunc(s.Aliases, func(a string) bool { return strings.EqualFold(a, r.ID) }) {
			continue
		}
		title := r.ID
		if r.Source != "" {
			title += " (" + r.Source + ")"
		}
		advisories = append(advisories, cdx.Advisory{Title: title, URL: r.URL})
	}
	if len(advisories) > 0 {
		v.Advisories = &advisories
	}
	if len(s.Ratings) > 0 {
		rs := make([]cdx.VulnerabilityRating, len(s.Ratings))
		for i, r := range s.Ratings {
			rs[i] = rating(r)
		}
		v.Ratings = &rs
	}
	if len(s.Aliases) > 0 {
		refs := make([]cdx.VulnerabilityReference, len(s.Aliases))
		for i, a := range s.Aliases {
			refs[i] = cdx.VulnerabilityReference{ID: a, Source: src(a)}
		}
		v.References = &refs
	}
	a := &cdx.VulnerabilityAnalysis{State: State(s.Status), Justification: justification(s.Justification), Detail: s.Detail,
		LastUpdated: formatTime(s.Timestamp)}
	if s.Response != "" {
		a.Response = &[]cdx.ImpactAnalysisResponse{cdx.ImpactAnalysisResponse(s.Response)}
	}
	v.Analysis = a
	if s.Justification == vigil.JustComponentNotPresent {
		v.Properties = &[]cdx.Property{{Name: PropJustification, Value: string(s.Justification)}}
	}
	return v
}

// methods maps CVSS versions onto CycloneDX scoring methods.
var methods = map[vigil.CVSSVersion]cdx.ScoringMethod{
	vigil.CVSS20: cdx.ScoringMethodCVSSv2,
	vigil.CVSS30: cdx.ScoringMethodCVSSv3,
	vigil.CVSS31: cdx.ScoringMethodCVSSv31,
	vigil.CVSS40: cdx.ScoringMethodCVSSv4,
}

// rating writes a rating: the method is the CVSS version's (other for a
// rating that is not CVSS), the severity CycloneDX's lower-case word, no
// score for a zero one.
func rating(r vex.Rating) cdx.VulnerabilityRating {
	c := cdx.VulnerabilityRating{Method: methods[r.Version], Vector: r.Vector, Severity: cdx.Severity(strings.ToLower(string(r.Severity)))}
	if r.Score != 0 {
		score := r.Score
		c.Score = &score
	}
	if r.Source != "" {
		c.Source = &cdx.Source{Name: r.Source}
	}
	return c
}

// ratingOf reads a rating back. A method other than CVSS (OWASP, SSVC,
// other) reads as a rating without a version; a severity vigil has no
// word for (info, unknown) as none given.
func ratingOf(c cdx.VulnerabilityRating) vex.Rating {
	var r vex.Rating
	for v, m := range methods {
		if c.Method == m {
			r.Version = v
		}
	}
	r.Vector = c.Vector
	if c.Score != nil {
		r.Score = *c.Score
	}
	if sev := vigil.Rating(strings.ToUpper(string(c.Severity))); sev.Valid() {
		r.Severity = sev
	}
	if c.Source != nil {
		r.Source = c.Source.Name
	}
	return r
}

// statusOfState is the affects version status that agrees with a
// statement's state.
func statusOfState(st vigil.TriageState) cdx.VulnerabilityStatus {
	switch st {
	case vigil.TriageNotAffected, vigil.TriageFalsePositive, vigil.TriageFixed:
		return cdx.VulnerabilityStatusNotAffected
	case vigil.TriageAffected:
		return cdx.VulnerabilityStatusAffected
	}
	return cdx.VulnerabilityStatusUnknown
}

// affectedStatus is the version status written for an entry's analysis.
func affectedStatus(v cdx.Vulnerability) cdx.VulnerabilityStatus {
	if v.Analysis == nil {
		return cdx.VulnerabilityStatusUnknown
	}
	st, _ := stateOf(v.Analysis.State)
	return statusOfState(st)
}

// vulnKey is what a vulnerability entry says, all but what it affects:
// statements with one key share one entry.
func vulnKey(v cdx.Vulnerability) string {
	v.Affects = nil
	b, _ := json.Marshal(v)
	return string(b)
}

// Parse implements vex.Codec.
func (c Codec) Parse(r io.Reader) (*vex.Document, error) {
	raw, err := io.ReadAll(io.LimitReader(r, vex.MaxDocumentSize+1))
	if err != nil {
		return nil, fmt.Errorf("cyclonedx vex: read: %w", err)
	}
	if len(raw) > vex.MaxDocumentSize {
		return nil, fmt.Errorf("cyclonedx vex: larger than %d bytes: %w", vex.MaxDocumentSize, vigil.ErrInvalid)
	}
	format := cdx.BOMFileFormatJSON
	if h := bytes.TrimLeft(raw, " \t\r\n\ufeff"); bytes.HasPrefix(h, []byte("<")) {
		format = cdx.BOMFileFormatXML
	} else if err := checkJSON(raw); err != nil {
		return nil, err
	}
	var bom cdx.BOM
	if err := cdx.NewBOMDecoder(bytes.NewReader(raw), format).Decode(&bom); err != nil {
		return nil, fmt.Errorf("cyclonedx vex: %w: %w", err, vigil.ErrInvalid)
	}
	if bom.BOMFormat != "CycloneDX" && format == cdx.BOMFileFormatJSON {
		return nil, fmt.Errorf("cyclonedx vex: $.bomFormat: %q is not CycloneDX: %w", bom.BOMFormat, vigil.ErrInvalid)
	}
	if bom.Vulnerabilities == nil || len(*bom.Vulnerabilities) == 0 {
		return nil, fmt.Errorf("cyclonedx vex: the BOM has no vulnerabilities, so it is an SBOM, not a VEX: %w", vigil.ErrInvalid)
	}
	sum := sha256.Sum256(raw)
	return decode(&bom, "sha256:"+hex.EncodeToString(sum[:]))
}

// checkJSON scans a JSON document against the nesting and string limits
// before anything decodes it.
func checkJSON(raw []byte) error {
	if _, err := io.Copy(io.Discard, ingest.GuardJSON(bytes.NewReader(raw), ingest.Limits{MaxDocumentSize: vex.MaxDocumentSize})); err != nil {
		return fmt.Errorf("cyclonedx vex: %w", err)
	}
	return nil
}

func parseTime(path, s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("cyclonedx vex: %s: %q is not an RFC 3339 time: %w", path, s, vigil.ErrInvalid)
	}
	return t.UTC(), nil
}

func decode(bom *cdx.BOM, digest string) (*vex.Document, error) {
	d := &vex.Document{Format: vex.FormatCycloneDX, ID: bom.SerialNumber, Version: strconv.Itoa(max(bom.Version, 1))}
	main := ""
	if md := bom.Metadata; md != nil {
		var err error
		if d.Updated, err = parseTime("$.metadata.timestamp", md.Timestamp); err != nil {
			return nil, err
		}
		d.Issued = d.Updated
		org := md.Manufacturer
		if org == nil {
			org = md.Manufacture
		}
		if org == nil {
			org = md.Supplier
		}
		if org != nil {
			d.Publisher = org.Name
			if org.URL != nil && len(*org.URL) > 0 {
				d.PublisherURL = (*org.URL)[0]
			}
		}
		if md.Tools != nil && md.Tools.Components != nil && len(*md.Tools.Components) > 0 {
			t := (*md.Tools.Components)[0]
			d.Tool = strings.TrimSpace(t.Name + " " + t.Version)
		}
		if md.Properties != nil {
			for _, p := range *md.Properties {
				if p.Name == PropDocumentID && p.Value != "" {
					d.ID = p.Value
				}
			}
		}
		if c := md.Component; c != nil {
			p, err := product(*c, "$.metadata.component")
			if err != nil {
				return nil, err
			}
			if p.Ref == "" {
				p.Ref = "metadata.component"
			}
			main = p.Ref
			d.Products = append(d.Products, p)
		}
	}
	if d.ID == "" {
		d.ID = digest
	}
	known := map[string]bool{main: main != ""}
	var walk func(cs []cdx.Component, path string, depth int) error
	walk = func(cs []cdx.Component, path string, depth int) error {
		if depth > 64 {
			return fmt.Errorf("cyclonedx vex: %s: components nest deeper than 64: %w", path, vigil.ErrInvalid)
		}
		for i, c := range cs {
			p := fmt.Sprintf("%s[%d]", path, i)
			prod, err := product(c, p)
			if err != nil {
				return err
			}
			if prod.Ref != "" && !known[prod.Ref] {
				known[prod.Ref] = true
				d.Products = append(d.Products, prod)
			}
			if c.Components != nil {
				if err := walk(*c.Components, p+".components", depth+1); err != nil {
					return err
				}
			}
		}
		return nil
	}
	if bom.Components != nil {
		if err := walk(*bom.Components, "$.components", 0); err != nil {
			return nil, err
		}
	}
	type key struct{ vuln, product, component string }
	seen := map[key]bool{}
	first := map[string]vex.Statement{}
	if bom.Vulnerabilities != nil {
		for i, v := range *bom.Vulnerabilities {
			path := fmt.Sprintf("$.vulnerabilities[%d]", i)
			if v.Analysis == nil || v.Analysis.State == "" {
				d.Warnings = append(d.Warnings, path+": left out: no analysis.state, so it says nothing about exploitability")
				continue
			}
			if v.ID == "" {
				return nil, fmt.Errorf("cyclonedx vex: %s.id is empty: %w", path, vigil.ErrInvalid)
			}
			status, ok := stateOf(v.Analysis.State)
			if !ok {
				return nil, fmt.Errorf("cyclonedx vex: %s.analysis.state: unknown %q: %w", path, v.Analysis.State, vigil.ErrInvalid)
			}
			just, ok := justificationOf(v.Analysis.Justification)
			if !ok {
				return nil, fmt.Errorf("cyclonedx vex: %s.analysis.justification: unknown %q: %w", path, v.Analysis.Justification, vigil.ErrInvalid)
			}
			if v.Properties != nil {
				for _, p := range *v.Properties {
					if p.Name == PropJustification && vigil.Justification(p.Value).Valid() && justification(vigil.Justification(p.Value)) == v.Analysis.Justification {
						just = vigil.Justification(p.Value)
					}
				}
			}
			ts, err := parseTime(path+".analysis.lastUpdated", v.Analysis.LastUpdated)
			if err != nil {
				return nil, err
			}
			base := vex.Statement{Vulnerability: v.ID, Description: v.Description, Status: status, Justification: just,
				Detail: v.Analysis.Detail, Action: v.Recommendation, Timestamp: ts}
			if v.Analysis.Response != nil {
				for _, r := range *v.Analysis.Response {
					if vigil.Response(r).Valid() {
						base.Response = vigil.Response(r)
						break
					}
				}
			}
			if v.Ratings != nil {
				for _, r := range *v.Ratings {
					base.Ratings = append(base.Ratings, ratingOf(r))
				}
			}
			if v.References != nil {
				for _, r := range *v.References {
					if r.ID != "" && r.ID != v.ID && !slices.Contains(base.Aliases, r.ID) {
						base.Aliases = append(base.Aliases, r.ID)
					}
				}
			}
			if f, ok := first[v.ID]; ok {
				base.Aliases, base.Description, base.Ratings = f.Aliases, f.Description, f.Ratings
			} else {
				first[v.ID] = base
			}
			if v.Affects == nil || len(*v.Affects) == 0 {
				if main == "" {
					d.Warnings = append(d.Warnings, path+": left out: no affects and no metadata.component, so it names no product")
					continue
				}
				v.Affects = &[]cdx.Affects{{Ref: main}}
			}
			for j, a := range *v.Affects {
				if a.Ref == "" {
					return nil, fmt.Errorf("cyclonedx vex: %s.affects[%d].ref is empty: %w", path, j, vigil.ErrInvalid)
				}
				if !known[a.Ref] {
					// A BOM-Link or a ref into a BOM this document does not
					// carry: the ref is all there is to match on.
					known[a.Ref] = true
					d.Products = append(d.Products, vex.Product{Ref: a.Ref})
				}
				s := base
				s.Aliases = slices.Clone(base.Aliases)
				s.Ratings = slices.Clone(base.Ratings)
				// The versions of the ref the entry is about, whatever
				// status each states (that is the vulnerability's, the
				// analysis the exploitability).
				if a.Range != nil {
					for k, av := range *a.Range {
						x := strings.TrimSpace(av.Range)
						if x == "" {
							x = strings.TrimSpace(av.Version)
						}
						switch {
						case x == "":
							d.Warnings = append(d.Warnings, fmt.Sprintf("%s.affects[%d].versions[%d]: neither version nor range: left out", path, j, k))
						default:
							s.Versions = append(s.Versions, x)
						}
					}
					if len(s.Versions) == 0 {
						d.Warnings = append(d.Warnings, fmt.Sprintf("%s.affects[%d]: no version the analysis holds for: left out", path, j))
						continue
					}
				}
				if main != "" && a.Ref != main {
					s.Product, s.Component = main, a.Ref
				} else {
					s.Product = a.Ref
				}
				k := key{s.Vulnerability, s.Product, s.Component}
				if seen[k] {
					continue
				}
				seen[k] = true
				d.Statements = append(d.Statements, s)
			}
		}
	}
	d.Sort()
	if err := d.Validate(); err != nil {
		return nil, fmt.Errorf("cyclonedx vex: %w", err)
	}
	return d, nil
}

func product(c cdx.Component, path string) (vex.Product, error) {
	if c.Name == "" {
		return vex.Product{}, fmt.Errorf("cyclonedx vex: %s.name is required: %w", path, vigil.ErrInvalid)
	}
	p := vex.Product{Ref: c.BOMRef, Type: vigil.ComponentType(c.Type), Group: c.Group, Name: c.Name, Version: c.Version, PURL: c.PackageURL, CPE: c.CPE}
	if !p.Type.Valid() {
		p.Type = ""
	}
	switch {
	case c.Manufacturer != nil:
		p.Vendor = c.Manufacturer.Name
	case c.Supplier != nil:
		p.Vendor = c.Supplier.Name
	}
	return p, nil
}

// Package openvex reads and writes OpenVEX 0.2 documents as vex.Document
// values, with github.com/openvex/go-vex's types at the boundary.
//
// Products are OpenVEX components: @id is the product's ref, identifiers
// carry its purl and CPE. OpenVEX has no words for a product's vendor, name,
// version, label or model numbers, so a device that should be found again
// on import needs a purl or CPE as its ref (vigil's exporter gives a device
// release without one a pkg:generic purl). A statement about a component of
// a product lists it among the product's subcomponents; statements that say
// the same thing share one OpenVEX statement.
//
// Per status, following the OpenVEX rules go-vex checks:
//
//   - not_affected: justification and impact_statement (the detail);
//   - affected: action_statement (the action, else a sentence for the
//     response; OpenVEX requires one) and status_notes (the detail);
//   - fixed and under_investigation: status_notes (OpenVEX allows no
//     action statement there, so a fixed statement's response and action
//     are not written);
//   - false_positive, which OpenVEX has no word for: not_affected with the
//     justification given or vulnerable_code_not_present, and an impact
//     statement that begins "False positive:".
//
// OpenVEX knows no response; an action statement that is exactly the
// sentence written for a response reads back as that response.
package openvex

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	ovex "github.com/openvex/go-vex/pkg/vex"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/ingest"
	"github.com/vigil/vigil/internal/vex"
)

// Name is the codec's name.
const Name = "vex/openvex"

// Context is the JSON-LD context of the documents written.
const Context = "https://openvex.dev/ns/v0.2.0"

// FalsePositivePrefix begins the impact statement of a false positive.
const FalsePositivePrefix = "False positive: "

// Codec is the OpenVEX codec.
type Codec struct{}

// New returns the codec.
func New() Codec { return Codec{} }

var _ vex.Codec = Codec{}

// Format implements vex.Codec.
func (Codec) Format() vex.Format { return vex.FormatOpenVEX }

// Detect recognises a JSON document whose @context is OpenVEX's.
func (Codec) Detect(head []byte) bool {
	return bytes.HasPrefix(bytes.TrimLeft(head, " \t\r\n\ufeff"), []byte("{")) && bytes.Contains(head, []byte(`"https://openvex.dev/ns`))
}

// actions are the sentences written when an affected statement has no
// action of its own.
var actions = map[vigil.Response]string{
	vigil.ResponseUpdate:              "Update to a fixed version.",
	vigil.ResponseWorkaroundAvailable: "Apply the workaround the manufacturer provides.",
	vigil.ResponseRollback:            "Roll back to a version that is not affected.",
	vigil.ResponseWillNotFix:          "The manufacturer will not fix this vulnerability.",
	vigil.ResponseCanNotFix:           "The manufacturer cannot fix this vulnerability.",
	"":                                ovex.NoActionStatementMsg,
}

// Write implements vex.Codec.
func (Codec) Write(w io.Writer, d *vex.Document) error {
	if err := d.Validate(); err != nil {
		return fmt.Errorf("openvex: %w", err)
	}
	version := 1
	if n, err := strconv.Atoi(d.Version); err == nil && n > 0 {
		version = n
	}
	author := d.Publisher
	if author == "" {
		author = ovex.DefaultAuthor
	}
	doc := document{Context: Context, ID: d.ID, Author: author, Version: version, Tooling: d.Tool}
	issued := d.Issued
	if issued.IsZero() {
		issued = d.Updated
	}
	doc.Timestamp = formatTime(issued)
	if !d.Updated.IsZero() && !d.Updated.Equal(issued) {
		doc.LastUpdated = formatTime(d.Updated)
	}
	// Statements that say the same thing share one OpenVEX statement;
	// those about components and those about whole products never do,
	// since OpenVEX reads a product with subcomponents as being about
	// those only.
	type group struct {
		st       ovex.Statement
		parts    bool
		products []string
		subs     map[string][]string
	}
	var groups []*group
	byKey := map[string]*group{}
	find := func(st ovex.Statement, parts bool) *group {
		k := statementKey(st, parts)
		if g, ok := byKey[k]; ok {
			return g
		}
		g := &group{st: st, parts: parts, subs: map[string][]string{}}
		byKey[k] = g
		groups = append(groups, g)
		return g
	}
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
		g := find(statementOf(s), s.Component != "")
		if !slices.Contains(g.products, s.Product) {
			g.products = append(g.products, s.Product)
		}
		if s.Component != "" {
			g.subs[s.Product] = append(g.subs[s.Product], s.Component)
		}
	}
	idx := d.Index()
	for _, g := range groups {
		for _, ref := range g.products {
			op := ovex.Product{Component: component(idx[ref])}
			for _, c := range g.subs[ref] {
				cp := idx[c]
				op.Subcomponents = append(op.Subcomponents, ovex.Subcomponent{Component: component(cp)})
			}
			g.st.Products = append(g.st.Products, op)
		}
		doc.Statements = append(doc.Statements, g.st)
	}
	if doc.Statements == nil {
		doc.Statements = []ovex.Statement{}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(&doc); err != nil {
		return fmt.Errorf("openvex: %w", err)
	}
	return nil
}

// document is an OpenVEX document's top level. go-vex's VEX writes
// timestamps to the second and an absent one as "", which it cannot read
// back; statements are go-vex's own.
type document struct {
	Context     string           `json:"@context"`
	ID          string           `json:"@id"`
	Author      string           `json:"author"`
	Role        string           `json:"role,omitempty"`
	Timestamp   string           `json:"timestamp,omitempty"`
	LastUpdated string           `json:"last_updated,omitempty"`
	Version     int              `json:"version"`
	Tooling     string           `json:"tooling,omitempty"`
	Supplier    string           `json:"supplier,omitempty"`
	Statements  []ovex.Statement `json:"statements"`
}

func formatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339Nano)
}

func parseTime(path, s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("openvex: %s: %q is not an RFC 3339 time: %w", path, s, vigil.ErrInvalid)
	}
	return t.UTC(), nil
}

// statementKey is what a statement says, all but its products: statements
// with one key share one OpenVEX statement.
func statementKey(st ovex.Statement, parts bool) string {
	st.Products = nil
	b, _ := json.Marshal(&st)
	return strconv.FormatBool(parts) + string(b)
}

func component(p vex.Product) ovex.Component {
	c := ovex.Component{ID: p.Ref}
	if p.PURL != "" || p.CPE != "" {
		c.Identifiers = map[ovex.IdentifierType]string{}
		if p.PURL != "" {
			c.Identifiers[ovex.PURL] = p.PURL
		}
		if strings.HasPrefix(p.CPE, "cpe:/") {
			c.Identifiers[ovex.CPE22] = p.CPE
		} else if p.CPE != "" {
			c.Identifiers[ovex.CPE23] = p.CPE
		}
	}
	return c
}

func statementOf(s vex.Statement) ovex.Statement {
	st := ovex.Statement{Vulnerability: ovex.Vulnerability{Name: ovex.VulnerabilityID(s.Vulnerability), Description: s.Description}}
	for _, a := range s.Aliases {
		st.Vulnerability.Aliases = append(st.Vulnerability.Aliases, ovex.VulnerabilityID(a))
	}
	if !s.Timestamp.IsZero() {
		t := s.Timestamp.UTC()
		st.Timestamp = &t
	}
	switch s.Status {
	case vigil.TriageNotAffected:
		st.Status, st.Justification, st.ImpactStatement = ovex.StatusNotAffected, ovex.Justification(s.Justification), s.Detail
		if st.Justification == "" && st.ImpactStatement == "" {
			st.ImpactStatement = notAffected
		}
	case vigil.TriageFalsePositive:
		st.Status, st.Justification = ovex.StatusNotAffected, ovex.Justification(s.Justification)
		if st.Justification == "" {
			st.Justification = ovex.VulnerableCodeNotPresent
		}
		detail := s.Detail
		if detail == "" {
			detail = "the match of this vulnerability to the product was wrong."
		}
		st.ImpactStatement = FalsePositivePrefix + detail
	case vigil.TriageAffected:
		st.Status, st.StatusNotes, st.ActionStatement = ovex.StatusAffected, s.Detail, s.Action
		if st.ActionStatement == "" {
			st.ActionStatement = actions[s.Response]
		}
	case vigil.TriageFixed:
		st.Status, st.StatusNotes = ovex.StatusFixed, s.Detail
	case vigil.TriageUnderInvestigation:
		st.Status, st.StatusNotes = ovex.StatusUnderInvestigation, s.Detail
	}
	return st
}

// notAffected is the impact statement written for a not_affected
// statement with neither justification nor detail (OpenVEX needs one).
const notAffected = "The product is not affected."

// Parse implements vex.Codec.
func (Codec) Parse(r io.Reader) (*vex.Document, error) {
	raw, err := io.ReadAll(ingest.GuardJSON(r, ingest.Limits{MaxDocumentSize: vex.MaxDocumentSize}))
	if err != nil {
		return nil, fmt.Errorf("openvex: read: %w", err)
	}
	var in document
	if err := json.Unmarshal(raw, &in); err != nil {
		return nil, fmt.Errorf("openvex: %w", describe(err))
	}
	if !strings.HasPrefix(in.Context, "https://openvex.dev/ns") {
		return nil, fmt.Errorf("openvex: $.@context: %q is not OpenVEX's: %w", in.Context, vigil.ErrInvalid)
	}
	if v := strings.TrimPrefix(strings.TrimPrefix(in.Context, "https://openvex.dev/ns"), "/"); v != "" && !strings.HasPrefix(v, "v0.2") {
		return nil, fmt.Errorf("openvex: $.@context: version %s is not supported (only 0.2): %w", v, vigil.ErrInvalid)
	}
	d := &vex.Document{Format: vex.FormatOpenVEX, ID: in.ID, Version: strconv.Itoa(in.Version), Tool: in.Tooling}
	if in.Author != ovex.DefaultAuthor {
		d.Publisher = in.Author
	}
	if in.ID == "" {
		return nil, fmt.Errorf("openvex: $.@id is empty: %w", vigil.ErrInvalid)
	}
	if d.Issued, err = parseTime("$.timestamp", in.Timestamp); err != nil {
		return nil, err
	}
	if d.Updated, err = parseTime("$.last_updated", in.LastUpdated); err != nil {
		return nil, err
	}
	if d.Updated.IsZero() {
		d.Updated = d.Issued
	}
	if d.Issued.IsZero() {
		d.Issued = d.Updated
	}
	if in.Version <= 0 {
		d.Version = "1"
	}
	seenProduct := map[string]int{}
	addProduct := func(c ovex.Component, path string) (string, error) {
		p := vex.Product{Ref: c.ID, PURL: c.Identifiers[ovex.PURL], CPE: c.Identifiers[ovex.CPE23]}
		if p.CPE == "" {
			p.CPE = c.Identifiers[ovex.CPE22]
		}
		switch {
		case p.PURL == "" && strings.HasPrefix(p.Ref, "pkg:"):
			p.PURL = p.Ref
		case p.CPE == "" && strings.HasPrefix(p.Ref, "cpe:"):
			p.CPE = p.Ref
		}
		if p.Ref == "" {
			p.Ref = p.PURL
		}
		if p.Ref == "" {
			p.Ref = p.CPE
		}
		if p.Ref == "" {
			return "", fmt.Errorf("openvex: %s: a product needs an @id, a purl or a CPE: %w", path, vigil.ErrInvalid)
		}
		if _, ok := seenProduct[p.Ref]; !ok {
			seenProduct[p.Ref] = len(d.Products)
			d.Products = append(d.Products, p)
		}
		return p.Ref, nil
	}
	type key struct{ vuln, product, component string }
	at := map[key]int{}
	for i, st := range in.Statements {
		path := fmt.Sprintf("$.statements[%d]", i)
		if err := st.Validate(); err != nil {
			return nil, fmt.Errorf("openvex: %s: %s: %w", path, err, vigil.ErrInvalid)
		}
		base := vex.Statement{Vulnerability: string(st.Vulnerability.Name), Description: st.Vulnerability.Description}
		if base.Vulnerability == "" {
			base.Vulnerability = st.Vulnerability.ID
		}
		if base.Vulnerability == "" {
			return nil, fmt.Errorf("openvex: %s.vulnerability: no name: %w", path, vigil.ErrInvalid)
		}
		for _, a := range st.Vulnerability.Aliases {
			base.Aliases = append(base.Aliases, string(a))
		}
		if st.Timestamp != nil {
			base.Timestamp = st.Timestamp.UTC()
		}
		switch st.Status {
		case ovex.StatusNotAffected:
			base.Status, base.Justification, base.Detail = vigil.TriageNotAffected, vigil.Justification(st.Justification), st.ImpactStatement
			if base.Detail == notAffected {
				base.Detail = ""
			}
			if base.Justification != "" && !base.Justification.Valid() {
				return nil, fmt.Errorf("openvex: %s.justification: %q is not an OpenVEX justification: %w", path, st.Justification, vigil.ErrInvalid)
			}
		case ovex.StatusAffected:
			base.Status, base.Detail, base.Action = vigil.TriageAffected, st.StatusNotes, st.ActionStatement
			for r, text := range actions {
				if text == base.Action {
					base.Response, base.Action = r, ""
				}
			}
		case ovex.StatusFixed:
			base.Status, base.Detail = vigil.TriageFixed, st.StatusNotes
		case ovex.StatusUnderInvestigation:
			base.Status, base.Detail = vigil.TriageUnderInvestigation, st.StatusNotes
		}
		if len(st.Products) == 0 {
			return nil, fmt.Errorf("openvex: %s.products: none: %w", path, vigil.ErrInvalid)
		}
		for j, p := range st.Products {
			pp := fmt.Sprintf("%s.products[%d]", path, j)
			ref, err := addProduct(p.Component, pp)
			if err != nil {
				return nil, err
			}
			var comps []string
			for k, sc := range p.Subcomponents {
				c, err := addProduct(sc.Component, fmt.Sprintf("%s.subcomponents[%d]", pp, k))
				if err != nil {
					return nil, err
				}
				comps = append(comps, c)
			}
			if len(comps) == 0 {
				comps = []string{""}
			}
			for _, c := range comps {
				s := base
				s.Aliases = slices.Clone(base.Aliases)
				s.Product, s.Component = ref, c
				k := key{s.Vulnerability, s.Product, s.Component}
				// A later statement on the same product supersedes an
				// earlier one unless it is older.
				if n, ok := at[k]; ok {
					if !s.Timestamp.IsZero() && s.Timestamp.Before(d.Statements[n].Timestamp) {
						continue
					}
					d.Statements[n] = s
					continue
				}
				at[k] = len(d.Statements)
				d.Statements = append(d.Statements, s)
			}
		}
	}
	// Aliases and descriptions are the vulnerability's: the first
	// statement's stand for all, as the writer groups them.
	first := map[string]vex.Statement{}
	for i := range d.Statements {
		s := &d.Statements[i]
		if f, ok := first[s.Vulnerability]; ok {
			s.Aliases, s.Description = slices.Clone(f.Aliases), f.Description
		} else {
			first[s.Vulnerability] = *s
		}
	}
	d.Sort()
	if err := d.Validate(); err != nil {
		return nil, fmt.Errorf("openvex: %w", err)
	}
	return d, nil
}

func describe(err error) error {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return fmt.Errorf("$.%s: %s where %s belongs: %w", te.Field, te.Value, te.Type, vigil.ErrInvalid)
	}
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return fmt.Errorf("offset %d: %s: %w", se.Offset, se.Error(), vigil.ErrInvalid)
	}
	var pe *time.ParseError
	if errors.As(err, &pe) {
		return fmt.Errorf("a timestamp: %s: %w", pe.Error(), vigil.ErrInvalid)
	}
	return fmt.Errorf("%w: %w", err, vigil.ErrInvalid)
}

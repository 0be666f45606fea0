// Package csaf reads and writes CSAF 2.0 VEX documents (profile
// csaf_vex) as vex.Document values.
//
// Writing: products go into product_tree branches vendor → product_name →
// product_version (a product without vendor or name becomes a
// full_product_name), each with a product_identification_helper carrying
// its purl, CPE and model numbers. A statement about a component of a
// product becomes a default_component_of relationship, whose product id
// the product_status lists. Per status:
//
//   - affected → known_affected, with a remediation (an action statement,
//     required by CSAF 6.1.27.10): update → vendor_fix, workaround_available
//     and rollback → workaround, will_not_fix → no_fix_planned,
//     can_not_fix or none given → none_available;
//   - not_affected → known_not_affected, with a flag whose label is the
//     justification and, when there is a detail, a threat of category
//     impact (the impact statement 6.1.27.9 requires);
//   - fixed → fixed (with a remediation when a response is given);
//   - under_investigation → under_investigation;
//   - false_positive, which CSAF has no word for → known_not_affected with
//     the justification given, or vulnerable_code_not_present (a false
//     match means the product does not contain the vulnerable code), and
//     an impact statement that begins "False positive:".
//
// Reading maps back: first_affected/last_affected count as affected,
// first_fixed as fixed, mitigation as workaround_available, optional_patch
// as update; recommended is not a status and is left out. Product groups
// are expanded. The parser checks structure only; callers that want the
// schema and the mandatory tests run internal/csaf.Check.
package csaf

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/vigil/vigil"
	csafdoc "github.com/vigil/vigil/internal/csaf"
	"github.com/vigil/vigil/internal/ingest"
	"github.com/vigil/vigil/internal/vex"
)

// Name is the codec's name.
const Name = "vex/csaf"

// Codec is the CSAF VEX codec.
type Codec struct{}

// New returns the codec.
func New() Codec { return Codec{} }

var _ vex.Codec = Codec{}

// Format implements vex.Codec.
func (Codec) Format() vex.Format { return vex.FormatCSAF }

// Detect recognises a JSON document with a "csaf_version" key.
func (Codec) Detect(head []byte) bool {
	return bytes.HasPrefix(bytes.TrimLeft(head, " \t\r\n\ufeff"), []byte("{")) && bytes.Contains(head, []byte(`"csaf_version"`))
}

// Remediation categories of CSAF 2.0.
const (
	remVendorFix     = "vendor_fix"
	remWorkaround    = "workaround"
	remMitigation    = "mitigation"
	remNoFixPlanned  = "no_fix_planned"
	remNoneAvailable = "none_available"
	remOptionalPatch = "optional_patch"
)

// FalsePositivePrefix begins the impact statement of a false positive
// written as known_not_affected.
const FalsePositivePrefix = "False positive: "

func remediationCategory(r vigil.Response) string {
	switch r {
	case vigil.ResponseUpdate:
		return remVendorFix
	case vigil.ResponseWorkaroundAvailable, vigil.ResponseRollback:
		return remWorkaround
	case vigil.ResponseWillNotFix:
		return remNoFixPlanned
	default:
		return remNoneAvailable
	}
}

func responseOf(category string) vigil.Response {
	switch category {
	case remVendorFix, remOptionalPatch:
		return vigil.ResponseUpdate
	case remWorkaround, remMitigation:
		return vigil.ResponseWorkaroundAvailable
	case remNoFixPlanned:
		return vigil.ResponseWillNotFix
	}
	return "" // none_available: no response yet
}

func formatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02T15:04:05.000Z")
}

// Write implements vex.Codec. The document must validate.
func (Codec) Write(w io.Writer, d *vex.Document) error {
	if err := d.Validate(); err != nil {
		return fmt.Errorf("csaf vex: %w", err)
	}
	out, err := encode(d)
	if err != nil {
		return err
	}
	b, err := json.MarshalIndent(out, "", "  ")
	if err != nil {
		return fmt.Errorf("csaf vex: %w", err)
	}
	_, err = w.Write(append(b, '\n'))
	return err
}

func encode(d *vex.Document) (*csafdoc.Document, error) {
	if d.Publisher == "" || d.PublisherURL == "" {
		return nil, fmt.Errorf("csaf vex: publisher and publisher_url are required: %w", vigil.ErrInvalid)
	}
	if d.Updated.IsZero() {
		return nil, fmt.Errorf("csaf vex: updated is required: %w", vigil.ErrInvalid)
	}
	refs := map[string]bool{}
	for _, p := range d.Products {
		refs[p.Ref] = true
	}
	for _, s := range d.Statements {
		if s.Component != "" && refs[relID(s.Component, s.Product)] {
			return nil, fmt.Errorf("csaf vex: product ref %q collides with a relationship id: %w", relID(s.Component, s.Product), vigil.ErrInvalid)
		}
	}
	issued := d.Issued
	if issued.IsZero() || issued.After(d.Updated) {
		issued = d.Updated
	}
	version := d.Version
	if version == "" {
		version = "1"
	}
	title := d.Title
	if title == "" {
		title = "VEX " + d.ID
	}
	out := &csafdoc.Document{Document: csafdoc.Meta{
		Category: "csaf_vex", CSAFVersion: "2.0", Lang: "en", Title: title,
		Publisher: csafdoc.Publisher{Category: "vendor", Name: d.Publisher, Namespace: d.PublisherURL},
		Tracking: csafdoc.Tracking{
			ID: d.ID, Status: "final", Version: version,
			InitialReleaseDate: formatTime(issued), CurrentReleaseDate: formatTime(d.Updated),
			RevisionHistory: []csafdoc.Revision{{Date: formatTime(d.Updated), Number: version, Summary: "Current version."}},
		},
	}}
	if d.Summary != "" {
		out.Document.Notes = []csafdoc.Note{{Category: "summary", Title: "Summary", Text: d.Summary}}
	}
	if d.Tool != "" {
		g := &csafdoc.Generator{Date: formatTime(d.Updated)}
		g.Engine.Name, g.Engine.Version, _ = strings.Cut(d.Tool, " ")
		out.Document.Tracking.Generator = g
	}
	out.ProductTree = tree(d)

	// Statements by vulnerability, in first-seen order of a sorted copy.
	sts := slices.Clone(d.Statements)
	slices.SortStableFunc(sts, func(a, b vex.Statement) int { return strings.Compare(a.Vulnerability, b.Vulnerability) })
	for len(sts) > 0 {
		n := 1
		for n < len(sts) && sts[n].Vulnerability == sts[0].Vulnerability {
			n++
		}
		out.Vulnerabilities = append(out.Vulnerabilities, vulnOf(d, sts[:n]))
		sts = sts[n:]
	}
	return out, nil
}

// relID is the product id of "component as a part of product". Write
// refuses a document whose product refs collide with one.
func relID(component, product string) string { return component + ":as-component-of:" + product }

func tree(d *vex.Document) csafdoc.ProductTree {
	var t csafdoc.ProductTree
	root := &node{}
	for _, p := range d.Products {
		label := p.Label
		if label == "" {
			label = p.Describe()
		}
		fpn := csafdoc.FullProductName{Name: label, ProductID: p.Ref}
		if p.PURL != "" || p.CPE != "" || len(p.Models) > 0 {
			fpn.Helper = &csafdoc.Helper{CPE: p.CPE, PURL: p.PURL, ModelNumbers: p.Models}
		}
		var steps [][2]string
		version := [2]string{"product_version", p.Version}
		if p.Version == "" && p.VersionRange != "" {
			version = [2]string{"product_version_range", p.VersionRange}
		}
		for _, step := range [][2]string{{"vendor", p.Vendor}, {"product_name", p.Name}, version} {
			if step[1] != "" {
				steps = append(steps, step)
			}
		}
		if len(steps) == 0 {
			t.FullProductNames = append(t.FullProductNames, fpn)
			continue
		}
		// A CSAF branch holds a product or branches, never both: a product
		// whose place is taken gets a sibling branch of the same name.
		n := root
		for _, step := range steps[:len(steps)-1] {
			n = n.child(step[0], step[1], func(c *node) bool { return c.product == nil })
		}
		last := steps[len(steps)-1]
		n.child(last[0], last[1], func(c *node) bool { return c.product == nil && len(c.children) == 0 }).product = &fpn
	}
	t.Branches = root.branches()
	idx := d.Index()
	taken := map[string]bool{}
	for _, p := range d.Products {
		taken[p.Ref] = true
	}
	for _, s := range sortedStatements(d) {
		if s.Component == "" || taken[relID(s.Component, s.Product)] {
			continue
		}
		taken[relID(s.Component, s.Product)] = true
		c, p := idx[s.Component], idx[s.Product]
		t.Relationships = append(t.Relationships, csafdoc.Relationship{
			Category:                  "default_component_of",
			FullProductName:           csafdoc.FullProductName{Name: c.Describe() + " as a component of " + p.Describe(), ProductID: relID(s.Component, s.Product)},
			ProductReference:          s.Component,
			RelatesToProductReference: s.Product,
		})
	}
	return t
}

// node is a branch being built: children in first-seen order.
type node struct {
	category, name string
	product        *csafdoc.FullProductName
	children       []*node
}

// child returns the first child of that category and name that ok
// accepts, or a new one.
func (n *node) child(category, name string, ok func(*node) bool) *node {
	for _, c := range n.children {
		if c.category == category && c.name == name && ok(c) {
			return c
		}
	}
	c := &node{category: category, name: name}
	n.children = append(n.children, c)
	return c
}

func (n *node) branches() []csafdoc.Branch {
	var out []csafdoc.Branch
	for _, c := range n.children {
		out = append(out, csafdoc.Branch{Category: c.category, Name: c.name, Product: c.product, Branches: c.branches()})
	}
	return out
}

func sortedStatements(d *vex.Document) []vex.Statement {
	sts := slices.Clone(d.Statements)
	slices.SortStableFunc(sts, func(a, b vex.Statement) int {
		if c := strings.Compare(a.Component, b.Component); c != 0 {
			return c
		}
		return strings.Compare(a.Product, b.Product)
	})
	return sts
}

func pid(s vex.Statement) string {
	if s.Component != "" {
		return relID(s.Component, s.Product)
	}
	return s.Product
}

// vulnOf writes the statements on one vulnerability. Statements that say
// the same thing share one flag, threat or remediation.
func vulnOf(d *vex.Document, sts []vex.Statement) csafdoc.Vulnerability {
	first := sts[0]
	var v csafdoc.Vulnerability
	ids := first.Aliases
	if vigil.IsCVE(first.Vulnerability) {
		v.CVE = first.Vulnerability
	} else {
		ids = append([]string{first.Vulnerability}, ids...)
	}
	for _, a := range ids {
		v.IDs = append(v.IDs, csafdoc.ID{SystemName: systemName(a), Text: a})
	}
	if first.Description != "" {
		v.Notes = append(v.Notes, csafdoc.Note{Category: "description", Title: "Vulnerability description", Text: first.Description})
	}
	counts := map[vigil.TriageState]int{}
	type group struct {
		category, label, details, date string
		ids                            []string
	}
	var flags, threats, rems []*group
	add := func(list *[]*group, category, label, details, date, id string) {
		for _, g := range *list {
			if g.category == category && g.label == label && g.details == details && g.date == date {
				g.ids = append(g.ids, id)
				return
			}
		}
		*list = append(*list, &group{category: category, label: label, details: details, date: date, ids: []string{id}})
	}
	for _, s := range sts {
		id := pid(s)
		date := formatTime(s.Timestamp)
		status, just, detail := s.Status, s.Justification, s.Detail
		if status == vigil.TriageFalsePositive {
			status = vigil.TriageNotAffected
			if just == "" {
				just = vigil.JustVulnerableCodeNotPresent
			}
			if detail == "" {
				detail = "the match of this vulnerability to the product was wrong."
			}
			detail = FalsePositivePrefix + detail
		}
		counts[status]++
		ps := &v.ProductStatus
		switch status {
		case vigil.TriageAffected:
			ps.KnownAffected = append(ps.KnownAffected, id)
			action := s.Action
			if action == "" {
				action = defaultAction(s.Response)
			}
			add(&rems, remediationCategory(s.Response), "", action, date, id)
		case vigil.TriageNotAffected:
			ps.KnownNotAffected = append(ps.KnownNotAffected, id)
			if just != "" {
				add(&flags, "", string(just), "", date, id)
			}
			if detail == "" && just == "" {
				detail = notAffected
			}
		case vigil.TriageFixed:
			ps.Fixed = append(ps.Fixed, id)
			if s.Response != "" || s.Action != "" {
				action := s.Action
				if action == "" {
					action = defaultAction(s.Response)
				}
				add(&rems, remediationCategory(s.Response), "", action, date, id)
			}
		case vigil.TriageUnderInvestigation:
			ps.UnderInvestigation = append(ps.UnderInvestigation, id)
		}
		if detail != "" {
			add(&threats, "impact", "", detail, date, id)
		}
	}
	for _, g := range flags {
		v.Flags = append(v.Flags, csafdoc.Flag{Label: g.label, Date: g.date, ProductIDs: g.ids})
	}
	for _, g := range threats {
		v.Threats = append(v.Threats, csafdoc.Threat{Category: g.category, Details: g.details, Date: g.date, ProductIDs: g.ids})
	}
	for _, g := range rems {
		v.Remediations = append(v.Remediations, csafdoc.Remediation{Category: g.category, Details: g.details, Date: g.date, ProductIDs: g.ids})
	}
	// CSAF requires notes on every vulnerability (6.1.27.5); a summary of
	// the statuses is one, and the parser does not take it for a
	// description.
	var parts []string
	for _, st := range []vigil.TriageState{vigil.TriageAffected, vigil.TriageNotAffected, vigil.TriageFixed, vigil.TriageUnderInvestigation} {
		if counts[st] > 0 {
			parts = append(parts, fmt.Sprintf("%s %d", strings.ReplaceAll(string(st), "_", " "), counts[st]))
		}
	}
	v.Notes = append(v.Notes, csafdoc.Note{Category: "summary", Title: "Status", Text: "Products by status: " + strings.Join(parts, ", ") + "."})
	return v
}

// defaultAction is the action statement written when a statement has
// none: CSAF requires one for every affected product.
func defaultAction(r vigil.Response) string {
	switch r {
	case vigil.ResponseUpdate:
		return "Update to a fixed version."
	case vigil.ResponseWorkaroundAvailable:
		return "Apply the workaround the manufacturer provides."
	case vigil.ResponseRollback:
		return "Roll back to a version that is not affected."
	case vigil.ResponseWillNotFix:
		return "The manufacturer will not fix this vulnerability."
	case vigil.ResponseCanNotFix:
		return "The manufacturer cannot fix this vulnerability."
	}
	return noRemediation
}

// Sentences written where CSAF needs text and the statement has none; the
// parser reads them back as no text.
const (
	noRemediation = "No remediation is available yet."
	notAffected   = "The product is not affected."
)

// systemName names the database an id comes from, by its prefix.
func systemName(id string) string {
	switch {
	case vigil.IsCVE(id):
		return "CVE"
	case strings.HasPrefix(id, "GHSA-"):
		return "GitHub Security Advisories"
	}
	if p, _, ok := strings.Cut(id, "-"); ok && p != "" {
		return p
	}
	return "vendor"
}

// Parse implements vex.Codec.
func (Codec) Parse(r io.Reader) (*vex.Document, error) {
	raw, err := io.ReadAll(ingest.GuardJSON(r, ingest.Limits{MaxDocumentSize: vex.MaxDocumentSize}))
	if err != nil {
		return nil, fmt.Errorf("csaf vex: read: %w", err)
	}
	var in csafdoc.Document
	dec := json.NewDecoder(bytes.NewReader(raw))
	if err := dec.Decode(&in); err != nil {
		return nil, fmt.Errorf("csaf vex: %w", describe(err))
	}
	return decode(&in)
}

// describe turns a JSON decoding error into one that says where.
func describe(err error) error {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return fmt.Errorf("$.%s: %s where %s belongs: %w", te.Field, te.Value, te.Type, vigil.ErrInvalid)
	}
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return fmt.Errorf("offset %d: %s: %w", se.Offset, se.Error(), vigil.ErrInvalid)
	}
	return fmt.Errorf("%w: %w", err, vigil.ErrInvalid)
}

func parseTime(path, s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	t, err := ingest.ParseTime(s)
	if err != nil {
		return time.Time{}, fmt.Errorf("csaf vex: %s: %w: %w", path, err, vigil.ErrInvalid)
	}
	return t.UTC(), nil
}

// maxBranchDepth bounds product_tree nesting (CSAF allows 30 levels).
const maxBranchDepth = 40

func decode(in *csafdoc.Document) (*vex.Document, error) {
	m := in.Document
	if m.CSAFVersion != "2.0" {
		return nil, fmt.Errorf("csaf vex: $.document.csaf_version: %q is not 2.0: %w", m.CSAFVersion, vigil.ErrInvalid)
	}
	d := &vex.Document{
		Format: vex.FormatCSAF, ID: m.Tracking.ID, Version: m.Tracking.Version, Title: m.Title,
		Publisher: m.Publisher.Name, PublisherURL: m.Publisher.Namespace,
	}
	if d.ID == "" {
		return nil, fmt.Errorf("csaf vex: $.document.tracking.id is empty: %w", vigil.ErrInvalid)
	}
	var err error
	if d.Issued, err = parseTime("$.document.tracking.initial_release_date", m.Tracking.InitialReleaseDate); err != nil {
		return nil, err
	}
	if d.Updated, err = parseTime("$.document.tracking.current_release_date", m.Tracking.CurrentReleaseDate); err != nil {
		return nil, err
	}
	// What the writer fills in where a (schema-invalid) document has
	// nothing, so that a document reads back as written.
	if d.Issued.IsZero() || d.Issued.After(d.Updated) && !d.Updated.IsZero() {
		d.Issued = d.Updated
	}
	if d.Version == "" {
		d.Version = "1"
	}
	if d.Title == "" {
		d.Title = "VEX " + d.ID
	}
	if g := m.Tracking.Generator; g != nil && g.Engine.Name != "" {
		d.Tool = strings.TrimSpace(g.Engine.Name + " " + g.Engine.Version)
	}
	for _, n := range m.Notes {
		if n.Category == "summary" {
			d.Summary = n.Text
			break
		}
	}

	// Products: every definition in the tree, each id once.
	defined := map[string]bool{}
	var addErr error
	addProduct := func(p vex.Product, path string) {
		if p.Ref == "" {
			if addErr == nil {
				addErr = fmt.Errorf("csaf vex: %s.product_id is empty: %w", path, vigil.ErrInvalid)
			}
			return
		}
		if defined[p.Ref] {
			return
		}
		defined[p.Ref] = true
		d.Products = append(d.Products, p)
	}
	fromFPN := func(f csafdoc.FullProductName, vendor, name, version string) vex.Product {
		p := vex.Product{Ref: f.ProductID, Vendor: vendor, Name: name, Version: version}
		if f.Helper != nil {
			p.PURL, p.CPE = f.Helper.PURL, f.Helper.CPE
			if len(f.Helper.ModelNumbers) > 0 {
				p.Models = slices.Clone(f.Helper.ModelNumbers)
			}
		}
		// A name that says no more than the identity is not kept as a label.
		if f.Name != p.Describe() {
			p.Label = f.Name
		}
		return p
	}
	var walk func(bs []csafdoc.Branch, path string, depth int, vendor, name, version, rng string) error
	walk = func(bs []csafdoc.Branch, path string, depth int, vendor, name, version, rng string) error {
		if depth > maxBranchDepth {
			return fmt.Errorf("csaf vex: %s: branches nest deeper than %d: %w", path, maxBranchDepth, vigil.ErrInvalid)
		}
		for i, b := range bs {
			p := fmt.Sprintf("%s[%d]", path, i)
			v, n, ver, r := vendor, name, version, rng
			switch b.Category {
			case "vendor":
				v = b.Name
			case "product_name":
				n = b.Name
			case "product_version":
				ver, r = b.Name, ""
			case "product_version_range":
				// The statement holds for the versions in the range
				// (vex.Match evaluates it as the matcher does).
				ver, r = "", b.Name
			}
			if b.Product != nil {
				prod := fromFPN(*b.Product, v, n, ver)
				prod.VersionRange = r
				addProduct(prod, p+".product")
			}
			if err := walk(b.Branches, p+".branches", depth+1, v, n, ver, r); err != nil {
				return err
			}
		}
		return nil
	}
	if err := walk(in.ProductTree.Branches, "$.product_tree.branches", 0, "", "", "", ""); err != nil {
		return nil, err
	}
	for i, f := range in.ProductTree.FullProductNames {
		addProduct(fromFPN(f, "", "", ""), fmt.Sprintf("$.product_tree.full_product_names[%d]", i))
	}
	if addErr != nil {
		return nil, addErr
	}
	// A relationship's product is "component as a part of product".
	type pair struct{ product, component string }
	rels := map[string]pair{}
	for i, r := range in.ProductTree.Relationships {
		path := fmt.Sprintf("$.product_tree.relationships[%d]", i)
		rid := r.FullProductName.ProductID
		if rid == "" {
			return nil, fmt.Errorf("csaf vex: %s.full_product_name.product_id is empty: %w", path, vigil.ErrInvalid)
		}
		for _, ref := range []string{r.ProductReference, r.RelatesToProductReference} {
			if !defined[ref] {
				return nil, fmt.Errorf("csaf vex: %s: product %q is not defined: %w", path, ref, vigil.ErrInvalid)
			}
		}
		switch r.Category {
		case "default_component_of", "optional_component_of", "external_component_of":
			rels[rid] = pair{product: r.RelatesToProductReference, component: r.ProductReference}
		default: // installed_on, installed_with: the statement is about the installed product
			rels[rid] = pair{product: r.ProductReference}
		}
	}
	groups := map[string][]string{}
	for _, g := range in.ProductTree.ProductGroups {
		groups[g.GroupID] = g.ProductIDs
	}
	expand := func(ids, gids []string) []string {
		out := slices.Clone(ids)
		for _, g := range gids {
			out = append(out, groups[g]...)
		}
		return out
	}

	type key struct{ vuln, product, component string }
	seen := map[key]bool{}
	vulnMeta := map[string]vex.Statement{}
	for i, v := range in.Vulnerabilities {
		path := fmt.Sprintf("$.vulnerabilities[%d]", i)
		base := vex.Statement{}
		var ids []string
		for _, x := range v.IDs {
			if x.Text != "" {
				ids = append(ids, x.Text)
			}
		}
		switch {
		case v.CVE != "":
			base.Vulnerability, base.Aliases = v.CVE, ids
		case len(ids) > 0:
			base.Vulnerability, base.Aliases = ids[0], ids[1:]
		default:
			return nil, fmt.Errorf("csaf vex: %s: neither cve nor ids: %w", path, vigil.ErrInvalid)
		}
		if len(base.Aliases) == 0 {
			base.Aliases = nil
		}
		for _, n := range v.Notes {
			if n.Category == "description" {
				base.Description = n.Text
				break
			}
		}
		// The first entry on a vulnerability names it for all.
		if prev, ok := vulnMeta[base.Vulnerability]; ok {
			base.Aliases, base.Description = prev.Aliases, prev.Description
		} else {
			vulnMeta[base.Vulnerability] = base
		}
		just := map[string]vex.Statement{}
		for j, f := range v.Flags {
			t, err := parseTime(fmt.Sprintf("%s.flags[%d].date", path, j), f.Date)
			if err != nil {
				return nil, err
			}
			for _, id := range expand(f.ProductIDs, f.GroupIDs) {
				if _, ok := just[id]; !ok && vigil.Justification(f.Label).Valid() {
					just[id] = vex.Statement{Justification: vigil.Justification(f.Label), Timestamp: t}
				}
			}
		}
		impact := map[string]vex.Statement{}
		for j, th := range v.Threats {
			if th.Category != "impact" {
				continue
			}
			t, err := parseTime(fmt.Sprintf("%s.threats[%d].date", path, j), th.Date)
			if err != nil {
				return nil, err
			}
			for _, id := range expand(th.ProductIDs, th.GroupIDs) {
				if _, ok := impact[id]; !ok {
					detail := th.Details
					if detail == notAffected {
						detail = ""
					}
					impact[id] = vex.Statement{Detail: detail, Timestamp: t}
				}
			}
		}
		action := map[string]vex.Statement{}
		for j, rm := range v.Remediations {
			t, err := parseTime(fmt.Sprintf("%s.remediations[%d].date", path, j), rm.Date)
			if err != nil {
				return nil, err
			}
			for _, id := range expand(rm.ProductIDs, rm.GroupIDs) {
				if _, ok := action[id]; !ok {
					a := vex.Statement{Response: responseOf(rm.Category), Action: rm.Details, Timestamp: t}
					if a.Action == defaultAction(a.Response) {
						a.Action = ""
					}
					action[id] = a
				}
			}
		}
		ps := v.ProductStatus
		for _, list := range []struct {
			status vigil.TriageState
			ids    []string
		}{
			{vigil.TriageAffected, ps.KnownAffected}, {vigil.TriageAffected, ps.FirstAffected}, {vigil.TriageAffected, ps.LastAffected},
			{vigil.TriageNotAffected, ps.KnownNotAffected},
			{vigil.TriageFixed, ps.Fixed}, {vigil.TriageFixed, ps.FirstFixed},
			{vigil.TriageUnderInvestigation, ps.UnderInvestigation},
		} {
			for _, id := range list.ids {
				s := base
				s.Aliases = slices.Clone(base.Aliases)
				if rp, ok := rels[id]; ok {
					s.Product, s.Component = rp.product, rp.component
				} else if defined[id] {
					s.Product = id
				} else {
					return nil, fmt.Errorf("csaf vex: %s.product_status: product %q is not defined: %w", path, id, vigil.ErrInvalid)
				}
				k := key{s.Vulnerability, s.Product, s.Component}
				if seen[k] {
					continue // a contradicting second status (CSAF 6.1.6); the first stands
				}
				seen[k] = true
				s.Status = list.status
				switch s.Status {
				case vigil.TriageNotAffected:
					s.Justification, s.Timestamp = just[id].Justification, just[id].Timestamp
					s.Detail = impact[id].Detail
					if s.Timestamp.IsZero() {
						s.Timestamp = impact[id].Timestamp
					}
				case vigil.TriageAffected, vigil.TriageFixed:
					a := action[id]
					s.Response, s.Action, s.Timestamp = a.Response, a.Action, a.Timestamp
					s.Detail = impact[id].Detail
					if s.Timestamp.IsZero() {
						s.Timestamp = impact[id].Timestamp
					}
				}
				d.Statements = append(d.Statements, s)
			}
		}
	}
	d.Sort()
	if err := d.Validate(); err != nil {
		return nil, fmt.Errorf("csaf vex: %w", err)
	}
	return d, nil
}

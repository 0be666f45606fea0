package disclosure

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/app/catalog"
	"github.com/vigil/vigil/internal/app/inventory"
	"github.com/vigil/vigil/internal/app/triage"
	"github.com/vigil/vigil/internal/csaf"
	"github.com/vigil/vigil/internal/vex"
	"github.com/vigil/vigil/internal/vex/codecs"
)

// VEXExportOptions tune an export.
type VEXExportOptions struct {
	// PublisherURL is the publisher's namespace (CSAF publisher.namespace);
	// empty: urn:vigil:org:SLUG.
	PublisherURL string
	// Tool names the program, "vigil VERSION".
	Tool string
}

// VEXExport is an exported VEX document.
type VEXExport struct {
	Format     vigil.VEXFormat `json:"format"`
	DocumentID string          `json:"document_id"`
	Product    string          `json:"product"`
	Version    string          `json:"version"`
	// Statements counts the statements, ByStatus by status.
	Statements int                       `json:"statements"`
	ByStatus   map[vigil.TriageState]int `json:"by_status"`
	// Filename is a suggested file name.
	Filename string `json:"filename"`
	// Content is the document.
	Content []byte `json:"-"`
}

// ExportVEX writes a VEX document for a release in format: one statement
// per vulnerability × component of the release's open findings, with each
// finding's current triage decision (none: under_investigation). The
// device release is the product, identified by its manufacturer, name,
// version and models, and by machine with its SBOM's described component's
// purl and CPE (else a pkg:generic purl); the components carry their purl
// and CPE. A CSAF export is checked against the CSAF 2.0 schema and the
// mandatory tests before it is returned.
func (s *Service) ExportVEX(ctx context.Context, sc vigil.Scope, productRef, version string, format vigil.VEXFormat, opt VEXExportOptions) (*VEXExport, error) {
	return s.exportVEX(ctx, sc, format, opt, func(tx Tx) (*vigil.Product, *vigil.Release, error) {
		p, err := catalog.ResolveProduct(ctx, tx, sc, productRef)
		if err != nil {
			return nil, nil, err
		}
		rel, err := tx.FindReleaseByVersion(ctx, sc, p.ID, version)
		return p, rel, err
	})
}

// ExportReleaseVEX is ExportVEX for the release with id.
func (s *Service) ExportReleaseVEX(ctx context.Context, sc vigil.Scope, releaseID int64, format vigil.VEXFormat, opt VEXExportOptions) (*VEXExport, error) {
	return s.exportVEX(ctx, sc, format, opt, func(tx Tx) (*vigil.Product, *vigil.Release, error) {
		rel, err := tx.FindReleaseByID(ctx, sc, releaseID)
		if err != nil {
			return nil, nil, err
		}
		p, err := tx.FindProductByID(ctx, sc, rel.ProductID)
		return p, rel, err
	})
}

func (s *Service) exportVEX(ctx context.Context, sc vigil.Scope, format vigil.VEXFormat, opt VEXExportOptions,
	find func(Tx) (*vigil.Product, *vigil.Release, error)) (*VEXExport, error) {
	codec, err := codecs.ByFormat(format)
	if err != nil {
		return nil, err
	}
	var doc *vex.Document
	err = s.store.View(ctx, func(tx Tx) error {
		p, rel, err := find(tx)
		if err != nil {
			return err
		}
		org, err := tx.FindOrgByID(ctx, sc.OrgID)
		if err != nil {
			return err
		}
		in := vex.Release{OrgSlug: org.Slug, OrgName: org.Name, PublisherURL: opt.PublisherURL, Product: *p, Version: rel.Version,
			Now: s.now(), Tool: opt.Tool}
		findings, err := tx.FindFindings(ctx, sc, vigil.FindingFilter{ReleaseID: &rel.ID})
		if err != nil {
			return err
		}
		comps := map[int64]*vigil.Component{}
		sboms := map[int64]bool{}
		for _, f := range findings {
			sboms[f.SBOMID] = true
			comps[f.ComponentID] = nil
		}
		if cur, err := inventory.CurrentSBOM(ctx, tx, sc, rel.ID); err == nil {
			sboms[cur.ID] = true
			if err := tx.EachComponent(ctx, sc, cur.ID, func(c *vigil.Component) error {
				if len(cur.Describes) > 0 && c.Ref == cur.Describes[0] {
					in.PURL = c.PURL
					if len(c.CPEs) > 0 {
						in.CPE = c.CPEs[0]
					}
				}
				if _, ok := comps[c.ID]; ok {
					comps[c.ID] = c
				}
				return nil
			}); err != nil {
				return err
			}
			delete(sboms, cur.ID)
		} else if !errors.Is(err, vigil.ErrNotFound) {
			return err
		}
		for id := range sboms {
			if err := tx.EachComponent(ctx, sc, id, func(c *vigil.Component) error {
				if _, ok := comps[c.ID]; ok {
					comps[c.ID] = c
				}
				return nil
			}); err != nil {
				return err
			}
		}
		type serial struct {
			id      string
			version int
		}
		serials := map[int64]serial{}
		for _, f := range findings {
			if _, ok := serials[f.SBOMID]; ok || f.SBOMID == 0 {
				continue
			}
			sb, err := tx.FindSBOMByID(ctx, sc, f.SBOMID)
			if err != nil {
				return err
			}
			serials[f.SBOMID] = serial{sb.SerialNumber, sb.Version}
		}
		descriptions := map[string]string{}
		cites := &citations{csaf: map[string]*vex.Reference{}}
		for _, f := range findings {
			if !f.Status.IsFinding() {
				continue // a source's not-affected evidence, not a finding
			}
			c := comps[f.ComponentID]
			if c == nil {
				c = &vigil.Component{ID: f.ComponentID, Ref: f.ComponentRef, Name: f.ComponentName, Version: f.ComponentVersion}
			}
			desc, ok := descriptions[f.VulnID]
			if !ok {
				if desc, err = vulnDescription(ctx, tx, f.VulnID); err != nil {
					return err
				}
				descriptions[f.VulnID] = desc
			}
			refs, err := cites.of(ctx, tx, f)
			if err != nil {
				return err
			}
			ef := vex.Finding{VulnID: f.VulnID, Aliases: f.Aliases, Description: desc, References: refs, Component: *c,
				SBOMSerial: serials[f.SBOMID].id, SBOMVersion: serials[f.SBOMID].version}
			if d := f.Triage; d != nil {
				ef.State, ef.Justification, ef.Response, ef.Detail, ef.DecidedAt = d.State, d.Justification, d.Response, d.Detail, d.At
			}
			in.Findings = append(in.Findings, ef)
		}
		doc = vex.Build(in)
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(doc.Statements) == 0 {
		return nil, fmt.Errorf("release %s %s has no open findings: a VEX document would state nothing: %w",
			doc.Products[0].Name, doc.Products[0].Version, vigil.ErrInvalid)
	}
	var b bytes.Buffer
	if err := codec.Write(&b, doc); err != nil {
		return nil, err
	}
	if format == vigil.VEXCSAF {
		if err := checkCSAF(b.Bytes()); err != nil {
			return nil, err
		}
	}
	out := &VEXExport{Format: format, DocumentID: doc.ID, Product: doc.Products[0].Name, Version: doc.Products[0].Version,
		Statements: len(doc.Statements), ByStatus: map[vigil.TriageState]int{}, Content: b.Bytes()}
	for _, st := range doc.Statements {
		out.ByStatus[st.Status]++
	}
	out.Filename = vex.Filename(out.Product, out.Version, format)
	return out, nil
}

// citations turns a finding's evidence into references to the records it
// rests on, each with its real source and address, looking each CSAF
// advisory up once.
type citations struct {
	csaf map[string]*vex.Reference
}

func (c *citations) of(ctx context.Context, tx Tx, f *vigil.Finding) ([]vex.Reference, error) {
	provs := []vigil.Provenance{f.Evidence.Source}
	for _, r := range f.Evidence.Records {
		provs = append(provs, r.Source)
	}
	var out []vex.Reference
	for _, p := range provs {
		if p.SourceID == "" || slices.ContainsFunc(out, func(r vex.Reference) bool { return r.ID == p.SourceID }) {
			continue
		}
		switch p.Source {
		case vigil.SourceCSAF:
			r, ok := c.csaf[p.SourceID]
			if !ok {
				as, err := tx.FindAdvisoriesByVuln(ctx, f.VulnID)
				if err != nil {
					return nil, err
				}
				for _, a := range as {
					if a.Provenance.SourceID == p.SourceID || a.ID == p.SourceID {
						r = &vex.Reference{ID: p.SourceID, Source: a.Publisher.Name, URL: advisoryURL(a)}
					}
				}
				c.csaf[p.SourceID] = r
			}
			if r != nil {
				out = append(out, *r)
			} else {
				out = append(out, vex.Reference{ID: p.SourceID, Source: "CSAF"})
			}
		case vigil.SourceOSV:
			if strings.HasPrefix(p.SourceID, "GHSA-") {
				out = append(out, vex.Reference{ID: p.SourceID, Source: "GitHub Advisories", URL: "https://github.com/advisories/" + p.SourceID})
			} else {
				out = append(out, vex.Reference{ID: p.SourceID, Source: "OSV", URL: "https://osv.dev/vulnerability/" + p.SourceID})
			}
		case vigil.SourceNVD:
			out = append(out, vex.Reference{ID: p.SourceID, Source: "NVD", URL: "https://nvd.nist.gov/vuln/detail/" + p.SourceID})
		case vigil.SourceCVE5:
			out = append(out, vex.Reference{ID: p.SourceID, Source: "CVE", URL: "https://www.cve.org/CVERecord?id=" + p.SourceID})
		}
	}
	return out, nil
}

// advisoryURL is where a CSAF advisory is read: its self reference for
// people (CISA lists the JSON file and the web page), else any self
// reference, else its first reference.
func advisoryURL(a *vigil.Advisory) string {
	for _, r := range a.References {
		if r.Type == "self" && r.URL != "" && !strings.HasSuffix(strings.ToLower(r.URL), ".json") {
			return r.URL
		}
	}
	for _, r := range a.References {
		if r.Type == "self" && r.URL != "" {
			return r.URL
		}
	}
	if len(a.References) > 0 {
		return a.References[0].URL
	}
	return ""
}

// vulnDescription is the knowledge base's summary of a vulnerability, or
// "" when it has none.
func vulnDescription(ctx context.Context, tx Tx, id string) (string, error) {
	vs, err := tx.FindKBVulns(ctx, id)
	if err != nil {
		return "", err
	}
	for _, v := range vs {
		if v.Summary != "" {
			return firstLine(v.Summary), nil
		}
	}
	for _, v := range vs {
		if v.Details != "" {
			return firstLine(v.Details), nil
		}
	}
	return "", nil
}

// checkCSAF runs the CSAF 2.0 schema and mandatory tests over an exported
// document: vigil never hands out CSAF that fails them.
func checkCSAF(b []byte) error {
	problems, err := csafProblems(b)
	if err != nil {
		return err
	}
	if len(problems) > 0 {
		msgs := make([]string, len(problems))
		for i, p := range problems {
			msgs[i] = p.String()
		}
		return fmt.Errorf("exported CSAF fails its checks (a bug in vigil): %s", strings.Join(msgs, "; "))
	}
	return nil
}

func csafProblems(b []byte) ([]csaf.Problem, error) {
	doc, err := csaf.Decode(b)
	if err != nil {
		return nil, fmt.Errorf("csaf: %w: %w", err, vigil.ErrInvalid)
	}
	return csaf.Check(doc, csaf.Config{})
}

// VEXImportOptions tune an import.
type VEXImportOptions struct {
	// DryRun previews: everything is worked out, nothing is stored.
	DryRun bool
	// Force lets statements replace a person's (or a carried) decision
	// that differs, instead of listing it as a conflict.
	Force bool
}

// Outcomes of applying a statement to a finding.
const (
	OutcomeApplied   = "applied"   // the finding's decision is now the statement's
	OutcomeUnchanged = "unchanged" // it already was
	OutcomeConflict  = "conflict"  // a person (or a carried decision) said otherwise; kept
	OutcomeInvalid   = "invalid"   // the statement cannot be a decision (see Reason)
)

// VEXImport says what an import did (or, in a dry run, would do).
type VEXImport struct {
	Document *vigil.VEXDocument `json:"document"`
	DryRun   bool               `json:"dry_run"`
	// Statements are the document's statements with what each did.
	Statements []VEXStatementResult `json:"statements"`
	// Conflicts repeats the conflicts of all statements, for a reader
	// who wants only them.
	Conflicts []VEXOutcome `json:"conflicts"`
	// Warnings are what the parser left out and why.
	Warnings []string `json:"warnings,omitempty"`
}

// VEXStatementResult is one statement and its outcomes.
type VEXStatementResult struct {
	vigil.VEXStatement
	Outcomes []VEXOutcome `json:"outcomes"`
}

// VEXOutcome is what one statement did to one finding.
type VEXOutcome struct {
	Statement int    `json:"statement"`
	FindingID int64  `json:"finding_id"`
	Release   string `json:"release"`
	VulnID    string `json:"vuln_id"`
	Component string `json:"component"`
	// Match says how the statement matched the finding.
	Match  string `json:"match"`
	Result string `json:"result"`
	// Stated is the decision the statement makes; Current the finding's
	// decision before it (for a conflict: the one that stands).
	Stated  vigil.TriageInput     `json:"stated"`
	Current *vigil.TriageDecision `json:"current,omitempty"`
	Reason  string                `json:"reason,omitempty"`
}

// errDryRun rolls a dry run's transaction back.
var errDryRun = errors.New("dry run")

// ImportVEX reads a VEX document (CSAF 2.0 VEX, OpenVEX 0.2 or CycloneDX
// VEX, detected from its content), stores it with its statements, and
// applies each statement to the organization's open findings it is about
// (by vulnerability id or alias, and by release name/version/model/purl and
// component purl/CPE/BOM-Link/name — see vex.Match) as a triage decision
// with source vex, the document and statement as its source reference and
// the statement's timestamp (else the document's) as its source time. A
// statement never silently overrides a person's decision: where one
// differs, the finding keeps it and the conflict is listed with both
// sides (unless opt.Force). Where several statements are about one
// finding, the most specific (about the component, not only the product)
// and then the newest applies. Everything happens in one transaction; a
// dry run rolls it back.
func (s *Service) ImportVEX(ctx context.Context, sc vigil.Scope, r io.Reader, opt VEXImportOptions) (*VEXImport, error) {
	raw, err := io.ReadAll(io.LimitReader(r, vex.MaxDocumentSize+1))
	if err != nil {
		return nil, fmt.Errorf("read VEX: %w", err)
	}
	if len(raw) > vex.MaxDocumentSize {
		return nil, fmt.Errorf("VEX document larger than %d MiB: %w", vex.MaxDocumentSize>>20, vigil.ErrInvalid)
	}
	codec, err := codecs.Detect(raw)
	if err != nil {
		return nil, err
	}
	if codec.Format() == vigil.VEXCSAF {
		problems, err := csafProblems(raw)
		if err != nil {
			return nil, err
		}
		if len(problems) > 0 {
			var v vigil.ValidationError
			for _, p := range problems {
				v.Add(p.Path, "CSAF %s: %s", p.Test, p.Reason)
			}
			return nil, fmt.Errorf("CSAF VEX fails the CSAF 2.0 checks: %w", &v)
		}
	}
	doc, err := codec.Parse(bytes.NewReader(raw))
	if err != nil {
		return nil, err
	}
	doc.StripGroupingAliases()
	sum := sha256.Sum256(raw)
	rec := &vigil.VEXDocument{Format: codec.Format(), DocumentID: doc.ID, Version: doc.Version, Title: doc.Title, Publisher: doc.Publisher,
		Issued: doc.Issued, Updated: doc.Updated, SHA256: hex.EncodeToString(sum[:]), Size: int64(len(raw)),
		Statements: len(doc.Statements), ImportedBy: sc.Who()}
	out := &VEXImport{Document: rec, DryRun: opt.DryRun, Warnings: doc.Warnings, Conflicts: []VEXOutcome{}}
	err = s.store.Update(ctx, func(tx Tx) error {
		if err := tx.CreateVEXDocument(ctx, sc, rec, raw); err != nil {
			return err
		}
		targets, err := vexTargets(ctx, tx, sc, doc)
		if err != nil {
			return err
		}
		results := make([]VEXStatementResult, len(doc.Statements))
		// Per finding, the statement that applies: the most specific, then
		// the newest, then the last in the document.
		type pick struct {
			stmt int
			how  string
		}
		chosen := map[int]pick{}
		matched := make([]int, len(doc.Statements))
		for i, st := range doc.Statements {
			if err := ctx.Err(); err != nil {
				return err
			}
			for _, ti := range targets.byVuln(st) {
				how, ok := vex.Match(doc, st, targets.list[ti].Target)
				if !ok {
					continue
				}
				matched[i]++
				if p, ok := chosen[ti]; ok && !vex.Precedes(st, doc.Statements[p.stmt]) {
					continue
				}
				chosen[ti] = pick{stmt: i, how: how}
			}
		}
		order := make([]int, 0, len(chosen))
		for ti := range chosen {
			order = append(order, ti)
		}
		slices.Sort(order)
		for _, ti := range order {
			p := chosen[ti]
			t := targets.list[ti]
			st := doc.Statements[p.stmt]
			o := VEXOutcome{Statement: p.stmt, FindingID: t.finding.ID, Release: t.release, VulnID: t.finding.VulnID,
				Component: strings.TrimSpace(t.finding.ComponentName + " " + t.finding.ComponentVersion), Match: p.how,
				Current: t.finding.Triage}
			o.Stated = vex.Decision(st, doc, fmt.Sprintf("vex_documents/%d#%d %s", rec.ID, p.stmt, doc.ID), opt.Force)
			in := triage.NormalizeInput(o.Stated)
			cur := t.finding.Triage
			if err := in.Validate(); err != nil {
				o.Result, o.Reason = OutcomeInvalid, err.Error()
			} else if cur == nil && in.State == vigil.TriageUnderInvestigation && in.Detail == "" && in.Response == "" {
				// Nobody decided, so the finding is under investigation:
				// a bare statement saying so (one's own export read back)
				// changes nothing.
				o.Result, o.Reason = OutcomeUnchanged, "the finding is under investigation already"
			} else if cur != nil && cur.Source != vigil.DecisionVEX && !cur.Differs(in) {
				// A statement that agrees with a person keeps the person's
				// decision (and its attribution).
				o.Result, o.Reason = OutcomeUnchanged, fmt.Sprintf("agrees with the %s decision of %s", cur.Source, cur.Actor)
			} else if cur != nil && cur.Source == vigil.DecisionVEX && !cur.Differs(in) && cur.Detail == in.Detail {
				// The same statement again (a re-import, or a later document
				// repeating it): the first source stands.
				o.Result, o.Reason = OutcomeUnchanged, "already decided so by "+cur.SourceRef
			} else if appended, err := triage.Decide(ctx, tx, sc, t.finding, in, 0); errors.Is(err, vigil.ErrConflict) {
				o.Result, o.Reason = OutcomeConflict, err.Error()
				out.Conflicts = append(out.Conflicts, o)
			} else if err != nil {
				return err
			} else if appended {
				o.Result = OutcomeApplied
			} else {
				o.Result = OutcomeUnchanged
			}
			results[p.stmt].Outcomes = append(results[p.stmt].Outcomes, o)
		}
		var rows []*vigil.VEXStatement
		idx := doc.Index()
		for i, st := range doc.Statements {
			res := &results[i]
			res.VEXStatement = vex.Record(doc, idx, i, st)
			res.Matched = matched[i]
			if res.Outcomes == nil {
				res.Outcomes = []VEXOutcome{}
			}
			for _, o := range res.Outcomes {
				switch o.Result {
				case OutcomeApplied:
					res.Applied++
					rec.Applied++
				case OutcomeUnchanged:
					res.Unchanged++
					rec.Unchanged++
				case OutcomeConflict:
					res.Conflicts++
					rec.Conflicts++
				case OutcomeInvalid:
					rec.Invalid++
				}
			}
			if res.Matched == 0 {
				rec.Unmatched++
			}
			rows = append(rows, &res.VEXStatement)
		}
		if err := tx.AddVEXStatements(ctx, sc, rec.ID, rows); err != nil {
			return err
		}
		if err := tx.UpdateVEXDocumentCounts(ctx, sc, rec); err != nil {
			return err
		}
		out.Statements = results
		if opt.DryRun {
			return errDryRun
		}
		return nil
	})
	if errors.Is(err, errDryRun) {
		err = nil
	}
	if err != nil {
		return nil, err
	}
	if out.Statements == nil {
		out.Statements = []VEXStatementResult{}
	}
	return out, nil
}

// vexTarget is one open finding with what matching needs.
type vexTarget struct {
	vex.Target
	finding *vigil.Finding
	release string
}

type vexTargetSet struct {
	list []vexTarget
	// vuln maps lower-cased vulnerability ids and aliases to targets.
	vuln map[string][]int
}

// byVuln returns the targets whose vulnerability the statement names.
func (ts *vexTargetSet) byVuln(st vex.Statement) []int {
	var out []int
	for _, id := range append([]string{st.Vulnerability}, st.Aliases...) {
		out = append(out, ts.vuln[strings.ToLower(strings.TrimSpace(id))]...)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// vexTargets loads the organization's open findings on the vulnerabilities
// a document names, with their releases, products and components.
func vexTargets(ctx context.Context, tx Tx, sc vigil.Scope, doc *vex.Document) (*vexTargetSet, error) {
	want := map[string]bool{}
	for _, st := range doc.Statements {
		for _, id := range append([]string{st.Vulnerability}, st.Aliases...) {
			want[strings.ToLower(strings.TrimSpace(id))] = true
		}
	}
	ts := &vexTargetSet{vuln: map[string][]int{}}
	rels, _, err := tx.FindReleases(ctx, sc, vigil.ReleaseFilter{})
	if err != nil {
		return nil, err
	}
	products := map[int64]*vigil.Product{}
	for _, rel := range rels {
		fs, err := tx.FindFindings(ctx, sc, vigil.FindingFilter{ReleaseID: &rel.ID})
		if err != nil {
			return nil, err
		}
		var mine []*vigil.Finding
		for _, f := range fs {
			if !f.Status.IsFinding() {
				continue
			}
			hit := false
			for _, id := range append([]string{f.VulnID}, f.Aliases...) {
				hit = hit || want[strings.ToLower(id)]
			}
			if hit {
				mine = append(mine, f)
			}
		}
		if len(mine) == 0 {
			continue
		}
		p := products[rel.ProductID]
		if p == nil {
			if p, err = tx.FindProductByID(ctx, sc, rel.ProductID); err != nil {
				return nil, err
			}
			products[rel.ProductID] = p
		}
		base := vex.Target{Manufacturer: p.Manufacturer, ProductName: p.Name, Models: p.DeviceModels, Version: rel.Version}
		// The components of the findings, and the device's own identity
		// from the SBOM's described component.
		comps := map[int64]*vigil.Component{}
		serials := map[int64]string{}
		for _, f := range mine {
			comps[f.ComponentID] = nil
			serials[f.SBOMID] = ""
		}
		for id := range serials {
			sb, err := tx.FindSBOMByID(ctx, sc, id)
			if err != nil {
				return nil, err
			}
			serials[id] = sb.SerialNumber
			describes := ""
			if len(sb.Describes) > 0 && sb.SupersededAt.IsZero() {
				describes = sb.Describes[0]
			}
			if err := tx.EachComponent(ctx, sc, id, func(c *vigil.Component) error {
				if describes != "" && c.Ref == describes {
					base.DevicePURL = c.PURL
					if len(c.CPEs) > 0 {
						base.DeviceCPE = c.CPEs[0]
					}
				}
				if _, ok := comps[c.ID]; ok {
					comps[c.ID] = c
				}
				return nil
			}); err != nil {
				return nil, err
			}
		}
		if base.DevicePURL == "" {
			base.DevicePURL = vex.DevicePURL(p.Manufacturer, p.Name, rel.Version)
		}
		for _, f := range mine {
			t := base
			t.VulnID, t.Aliases = f.VulnID, f.Aliases
			t.SBOMSerial, t.ComponentRef = serials[f.SBOMID], f.ComponentRef
			t.ComponentName, t.ComponentVersion = f.ComponentName, f.ComponentVersion
			if c := comps[f.ComponentID]; c != nil {
				t.PURL, t.CPEs = c.PURL, c.CPEs
			}
			i := len(ts.list)
			ts.list = append(ts.list, vexTarget{Target: t, finding: f, release: p.Name + " " + rel.Version})
			for _, id := range append([]string{f.VulnID}, f.Aliases...) {
				k := strings.ToLower(id)
				if len(ts.vuln[k]) == 0 || ts.vuln[k][len(ts.vuln[k])-1] != i {
					ts.vuln[k] = append(ts.vuln[k], i)
				}
			}
		}
	}
	return ts, nil
}

// VEXDocuments lists the organization's imported VEX documents, newest
// first.
func (s *Service) VEXDocuments(ctx context.Context, sc vigil.Scope, page vigil.Page) ([]*vigil.VEXDocument, int, error) {
	var out []*vigil.VEXDocument
	var n int
	err := s.store.View(ctx, func(tx Tx) error {
		var err error
		out, n, err = tx.FindVEXDocuments(ctx, sc, vigil.VEXDocumentFilter{Page: page})
		return err
	})
	return out, n, err
}

// VEXDocumentDetail is an imported document with its statements.
type VEXDocumentDetail struct {
	vigil.VEXDocument
	Statements []*vigil.VEXStatement `json:"statements"`
}

// VEXDocument returns an imported document and its statements.
func (s *Service) VEXDocument(ctx context.Context, sc vigil.Scope, id int64) (*VEXDocumentDetail, error) {
	var out *VEXDocumentDetail
	err := s.store.View(ctx, func(tx Tx) error {
		d, err := tx.FindVEXDocumentByID(ctx, sc, id)
		if err != nil {
			return err
		}
		sts, err := tx.FindVEXStatements(ctx, sc, id)
		if err != nil {
			return err
		}
		out = &VEXDocumentDetail{VEXDocument: *d, Statements: sts}
		return nil
	})
	return out, err
}

// firstLine is a vulnerability description's first line, at most 300 bytes.
func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	if len(s) > 300 {
		s = s[:300] + "…"
	}
	return s
}

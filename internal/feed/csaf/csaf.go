// Package csaf imports CSAF 2.0 advisories (and VEX documents) into
// vigil.Advisory: the feed adapter on top of internal/csaf, which owns the
// wire types, the checks (the JSON schema and the mandatory tests) and the
// verification of checksums and signatures. A document that fails the
// checks is rejected as one record, with every problem found; problems
// that only warn (optional test 6.2.20) go with the imported record.
// Checksums and OpenPGP signatures beside a file are checked by
// csaf.Verifier, before import.
package csaf

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/vigil/vigil"
	csafdoc "github.com/vigil/vigil/internal/csaf"
	"github.com/vigil/vigil/internal/feed"
	"github.com/vigil/vigil/internal/ingest"
)

// Name is the importer's name.
const Name = "feed/csaf"

// Importer reads CSAF 2.0 JSON documents.
type Importer struct {
	limits ingest.Limits
	cfg    csafdoc.Config
}

// New returns a CSAF importer bounded by limits (zero: defaults), running
// the checks cfg selects.
func New(limits ingest.Limits, cfg csafdoc.Config) (*Importer, error) {
	return &Importer{limits: limits.WithDefaults(), cfg: cfg}, nil
}

var _ feed.Importer = (*Importer)(nil)

// Name implements feed.Importer.
func (*Importer) Name() string { return Name }

// Detect recognises a document with a "csaf_version" key.
func (*Importer) Detect(head []byte) bool {
	return bytes.HasPrefix(bytes.TrimLeft(head, " \t\r\n\ufeff"), []byte("{")) && bytes.Contains(head, []byte(`"csaf_version"`))
}

// Check runs the checks the importer was configured with on a decoded
// document (as csafdoc.Decode returns it) and returns every problem.
func (im *Importer) Check(doc any) ([]csafdoc.Problem, error) { return csafdoc.Check(doc, im.cfg) }

// Import implements feed.Importer. A CSAF document is one record.
func (im *Importer) Import(ctx context.Context, r io.Reader, sink feed.Sink) (feed.Report, error) {
	rep := feed.Report{Importer: Name, Files: 1}
	raw, err := io.ReadAll(ingest.GuardJSON(r, im.limits))
	if err != nil {
		return rep, fmt.Errorf("read: %w", err)
	}
	doc, err := csafdoc.Decode(raw)
	if err != nil {
		return rep, fmt.Errorf("decode: %w", err)
	}
	var w csafdoc.Document
	if err := json.Unmarshal(raw, &w); err != nil {
		rep.Reject(vigil.SourceCSAF, "", "$", err)
		return rep, nil
	}
	id := w.Document.Tracking.ID
	problems, err := im.Check(doc)
	if err != nil {
		return rep, err
	}
	if csafdoc.Rejects(problems) {
		rep.Records++
		rep.Rejected++
		for _, p := range problems {
			rep.AddProblem(feed.Problem{Source: vigil.SourceCSAF, RecordID: id, Path: p.Path, Reason: p.Test + ": " + p.Reason, Warning: p.Warning})
		}
		return rep, nil
	}
	for _, p := range problems {
		rep.Warn(vigil.SourceCSAF, id, p.Path, p.Test+": "+p.Reason)
	}
	a, err := advisory(&w, &rep)
	if err != nil {
		rep.Reject(vigil.SourceCSAF, id, "$", err)
		return rep, nil
	}
	return rep, feed.Deliver(ctx, &rep, vigil.SourceCSAF, id, "$", a, func() (feed.Outcome, error) {
		return sink.PutAdvisory(ctx, a)
	})
}

func fullProductName(f csafdoc.FullProductName) vigil.FullProductName {
	out := vigil.FullProductName{ProductID: f.ProductID, Name: f.Name}
	if h := f.Helper; h != nil {
		ph := &vigil.ProductIdentificationHelper{CPE: h.CPE, PURL: h.PURL, ModelNumbers: h.ModelNumbers,
			SKUs: h.SKUs, SerialNumbers: h.SerialNumbers, SBOMURLs: h.SBOMURLs}
		for _, fh := range h.Hashes {
			x := vigil.FileHashes{FileName: fh.FileName}
			for _, v := range fh.FileHashes {
				x.Hashes = append(x.Hashes, vigil.FileHash{Algorithm: v.Algorithm, Value: v.Value})
			}
			ph.Hashes = append(ph.Hashes, x)
		}
		for _, g := range h.XGenericURIs {
			ph.GenericURIs = append(ph.GenericURIs, vigil.GenericURI{Namespace: g.Namespace, URI: g.URI})
		}
		out.Helper = ph
	}
	return out
}

func branch(b csafdoc.Branch) vigil.Branch {
	out := vigil.Branch{Category: vigil.BranchCategory(b.Category), Name: b.Name}
	if b.Product != nil {
		p := fullProductName(*b.Product)
		out.Product = &p
	}
	for _, c := range b.Branches {
		out.Branches = append(out.Branches, branch(c))
	}
	return out
}

func refs(in []csafdoc.Reference) []vigil.Reference {
	var out []vigil.Reference
	for _, r := range in {
		out = append(out, vigil.Reference{URL: r.URL, Type: r.Category, Name: r.Summary})
	}
	return out
}

func summary(notes []csafdoc.Note) string {
	for _, c := range []string{"summary", "description", "general"} {
		for _, n := range notes {
			if n.Category == c {
				return n.Text
			}
		}
	}
	return ""
}

func advisory(w *csafdoc.Document, rep *feed.Report) (*vigil.Advisory, error) {
	d := w.Document
	a := &vigil.Advisory{
		ID: d.Tracking.ID, Title: d.Title, Category: vigil.AdvisoryCategory(d.Category), CSAFVersion: d.CSAFVersion,
		Publisher: vigil.Publisher{Name: d.Publisher.Name, Namespace: d.Publisher.Namespace, Category: d.Publisher.Category},
		Lang:      d.Lang, TLP: d.Distribution.TLP.Label, Status: vigil.TrackingStatus(d.Tracking.Status),
		Version: d.Tracking.Version, AggregateSeverity: d.AggregateSeverity.Text, Summary: summary(d.Notes),
		References: refs(d.References),
		Provenance: vigil.Provenance{Source: vigil.SourceCSAF, SourceID: d.Tracking.ID},
	}
	var err error
	if a.Published, err = feed.ParseTime(d.Tracking.InitialReleaseDate); err != nil {
		return nil, fmt.Errorf("document.tracking.initial_release_date: %w", err)
	}
	if a.Modified, err = feed.ParseTime(d.Tracking.CurrentReleaseDate); err != nil {
		return nil, fmt.Errorf("document.tracking.current_release_date: %w", err)
	}
	pt := &a.ProductTree
	for _, b := range w.ProductTree.Branches {
		pt.Branches = append(pt.Branches, branch(b))
	}
	for _, f := range w.ProductTree.FullProductNames {
		pt.FullProductNames = append(pt.FullProductNames, fullProductName(f))
	}
	for _, r := range w.ProductTree.Relationships {
		pt.Relationships = append(pt.Relationships, vigil.Relationship{Category: vigil.RelationshipCategory(r.Category),
			Product: r.ProductReference, RelatesTo: r.RelatesToProductReference, FullProductName: fullProductName(r.FullProductName)})
	}
	for _, g := range w.ProductTree.ProductGroups {
		pt.ProductGroups = append(pt.ProductGroups, vigil.ProductGroup{GroupID: g.GroupID, ProductIDs: g.ProductIDs, Summary: g.Summary})
	}
	for i, v := range w.Vulnerabilities {
		path := fmt.Sprintf("$.vulnerabilities[%d]", i)
		ps := v.ProductStatus
		out := vigil.AdvisoryVulnerability{
			CVE: v.CVE, Title: v.Title, CWE: v.CWE.ID, CWEName: v.CWE.Name, Summary: summary(v.Notes),
			References: refs(v.References),
			ProductStatus: vigil.ProductStatus{FirstAffected: ps.FirstAffected, FirstFixed: ps.FirstFixed, Fixed: ps.Fixed,
				KnownAffected: ps.KnownAffected, KnownNotAffected: ps.KnownNotAffected, LastAffected: ps.LastAffected,
				Recommended: ps.Recommended, UnderInvestigation: ps.UnderInvestigation},
		}
		for _, x := range v.IDs {
			out.IDs = append(out.IDs, vigil.VulnerabilityID{SystemName: x.SystemName, Text: x.Text})
		}
		if out.DiscoveryDate, err = feed.ParseTime(v.DiscoveryDate); err != nil {
			return nil, fmt.Errorf("%s.discovery_date: %w", path, err)
		}
		if out.ReleaseDate, err = feed.ParseTime(v.ReleaseDate); err != nil {
			return nil, fmt.Errorf("%s.release_date: %w", path, err)
		}
		for _, f := range v.Flags {
			t, err := feed.ParseTime(f.Date)
			if err != nil {
				return nil, fmt.Errorf("%s.flags: %w", path, err)
			}
			out.Flags = append(out.Flags, vigil.Flag{Label: vigil.FlagLabel(f.Label), Date: t, ProductIDs: f.ProductIDs, GroupIDs: f.GroupIDs})
		}
		for _, r := range v.Remediations {
			t, err := feed.ParseTime(r.Date)
			if err != nil {
				return nil, fmt.Errorf("%s.remediations: %w", path, err)
			}
			out.Remediations = append(out.Remediations, vigil.Remediation{Category: vigil.RemediationCategory(r.Category),
				Details: r.Details, URL: r.URL, Date: t, Entitlements: r.Entitlements, RestartRequired: r.RestartRequired.Category,
				ProductIDs: r.ProductIDs, GroupIDs: r.GroupIDs})
		}
		for _, th := range v.Threats {
			t, err := feed.ParseTime(th.Date)
			if err != nil {
				return nil, fmt.Errorf("%s.threats: %w", path, err)
			}
			out.Threats = append(out.Threats, vigil.Threat{Category: vigil.ThreatCategory(th.Category), Details: th.Details,
				Date: t, ProductIDs: th.ProductIDs, GroupIDs: th.GroupIDs})
		}
		for j, s := range v.Scores {
			ps := vigil.ProductScore{ProductIDs: s.Products}
			for _, c := range []*csafdoc.CVSS{s.CVSSv3, s.CVSSv2} {
				if c == nil {
					continue
				}
				sv := vigil.Severity{Source: d.Publisher.Name, Version: vigil.CVSSVersion(c.Version), Vector: c.VectorString}
				sv.GivenScore, sv.HasGivenScore = feed.Number(c.BaseScore)
				feed.Score(rep, vigil.SourceCSAF, a.ID, fmt.Sprintf("%s.scores[%d]", path, j), &sv)
				ps.Severities = append(ps.Severities, sv)
			}
			out.Scores = append(out.Scores, ps)
		}
		a.Vulnerabilities = append(a.Vulnerabilities, out)
	}
	if a.ID == "" {
		return nil, errors.New("document.tracking.id is empty")
	}
	return a, nil
}

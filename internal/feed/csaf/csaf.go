// Package csaf imports CSAF 2.0 documents (advisories, VEX) into
// vigil.Advisory. Each document is checked, in order, against:
//
//  1. the CSAF 2.0 JSON schema with the FIRST CVSS v2/v3.0/v3.1 schemas
//     it references, as github.com/gocsaf/csaf/v3 embeds and compiles
//     them once (nothing is fetched). That variant forbids properties the
//     standard does not define, which the official schema allows and CSAF
//     optional test 6.2.20 only warns about: such problems are warnings
//     unless Config.Strict;
//  2. the mandatory tests of CSAF 2.0 section 6.1 that this package
//     implements (see MandatoryTests; 6.1.8 is covered by the schema).
//
// A document that fails is rejected as one record, with every problem
// found. Checksums and OpenPGP signatures beside a file are checked by
// Verifier, before import.
//
// gocsaf's Go types are not used for decoding: in v3.7.0 ProductGroups is
// a struct where the JSON has an array (product_groups, group_ids), and the
// types are pointers throughout; this package decodes into its own plain
// wire types and converts to vigil's.
package csaf

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	gocsaf "github.com/gocsaf/csaf/v3/csaf"
	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/feed"
)

// Name is the importer's name.
const Name = "feed/csaf"

// Config selects the checks.
type Config struct {
	// Strict rejects documents with properties the standard does not
	// define (the official schema allows them; CSAF optional test 6.2.20
	// only warns, and so does this package without Strict).
	Strict bool
	// SkipSchema turns the JSON schema check off (not recommended).
	SkipSchema bool
	// SkipMandatory turns the mandatory tests off.
	SkipMandatory bool
}

// Importer reads CSAF 2.0 JSON documents.
type Importer struct {
	limits feed.Limits
	cfg    Config
}

// New returns a CSAF importer bounded by limits (zero: defaults). The
// schema is gocsaf's, compiled once per process on first use.
func New(limits feed.Limits, cfg Config) (*Importer, error) {
	return &Importer{limits: limits.WithDefaults(), cfg: cfg}, nil
}

var _ feed.Importer = (*Importer)(nil)

// Name implements feed.Importer.
func (*Importer) Name() string { return Name }

// Detect recognises a document with a "csaf_version" key.
func (*Importer) Detect(head []byte) bool {
	return bytes.HasPrefix(bytes.TrimLeft(head, " \t\r\n\ufeff"), []byte("{")) && bytes.Contains(head, []byte(`"csaf_version"`))
}

// Problem is one failed check of a document.
type Problem struct {
	// Test is the CSAF section of the check: "schema", or "6.1.1" and so on.
	Test string
	// Path is a JSON path into the document.
	Path   string
	Reason string
	// Warning is true for a problem that does not reject the document.
	Warning bool
}

func (p Problem) String() string { return p.Test + " " + p.Path + ": " + p.Reason }

// Check runs the schema and the mandatory tests on a decoded document
// (as jsonschema.UnmarshalJSON returns it) and returns every problem.
func (im *Importer) Check(doc any) ([]Problem, error) {
	var out []Problem
	if !im.cfg.SkipSchema {
		msgs, err := gocsaf.ValidateCSAF(doc)
		if err != nil {
			return nil, fmt.Errorf("csaf schema: %w", err)
		}
		for _, m := range msgs {
			path, reason, _ := strings.Cut(m, ": ")
			p := Problem{Test: "schema", Path: pointerToPath(path), Reason: reason}
			if !im.cfg.Strict && strings.HasPrefix(reason, "additional properties") {
				p.Test, p.Warning = "6.2.20", true
			}
			out = append(out, p)
		}
		if Rejects(out) {
			// The mandatory tests assume a document of the right shape.
			return out, nil
		}
	}
	if !im.cfg.SkipMandatory {
		out = append(out, Mandatory(doc)...)
	}
	return out, nil
}

// Import implements feed.Importer. A CSAF document is one record.
func (im *Importer) Import(ctx context.Context, r io.Reader, sink feed.Sink) (feed.Report, error) {
	rep := feed.Report{Importer: Name, Files: 1}
	raw, err := io.ReadAll(feed.GuardJSON(r, im.limits))
	if err != nil {
		return rep, fmt.Errorf("read: %w", err)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		return rep, fmt.Errorf("decode: %w", err)
	}
	var w wire
	if err := json.Unmarshal(raw, &w); err != nil {
		rep.Reject(vigil.SourceCSAF, "", "$", err)
		return rep, nil
	}
	id := w.Document.Tracking.ID
	problems, err := im.Check(doc)
	if err != nil {
		return rep, err
	}
	if Rejects(problems) {
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
	a, err := w.advisory(&rep)
	if err != nil {
		rep.Reject(vigil.SourceCSAF, id, "$", err)
		return rep, nil
	}
	return rep, feed.Deliver(ctx, &rep, vigil.SourceCSAF, id, "$", a, func() (feed.Outcome, error) {
		return sink.PutAdvisory(ctx, a)
	})
}

// Rejects reports whether problems hold one that rejects the document.
func Rejects(problems []Problem) bool {
	for _, p := range problems {
		if !p.Warning {
			return true
		}
	}
	return false
}

// pointerToPath turns "/document/tracking" into "$.document.tracking".
func pointerToPath(p string) string {
	var b strings.Builder
	b.WriteString("$")
	for _, part := range strings.Split(p, "/") {
		if part == "" {
			continue
		}
		if isDigits(part) {
			b.WriteString("[" + part + "]")
		} else {
			b.WriteString("." + part)
		}
	}
	return b.String()
}

func isDigits(s string) bool {
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return s != ""
}

// wire is a CSAF 2.0 document, the parts vigil keeps.
type wire struct {
	Document struct {
		Category          string `json:"category"`
		CSAFVersion       string `json:"csaf_version"`
		Title             string `json:"title"`
		Lang              string `json:"lang"`
		AggregateSeverity struct {
			Text string `json:"text"`
		} `json:"aggregate_severity"`
		Distribution struct {
			TLP struct {
				Label string `json:"label"`
			} `json:"tlp"`
		} `json:"distribution"`
		Notes     []note `json:"notes"`
		Publisher struct {
			Name      string `json:"name"`
			Namespace string `json:"namespace"`
			Category  string `json:"category"`
		} `json:"publisher"`
		References []reference `json:"references"`
		Tracking   struct {
			ID                 string `json:"id"`
			Status             string `json:"status"`
			Version            string `json:"version"`
			InitialReleaseDate string `json:"initial_release_date"`
			CurrentReleaseDate string `json:"current_release_date"`
		} `json:"tracking"`
	} `json:"document"`
	ProductTree struct {
		Branches         []branch          `json:"branches"`
		FullProductNames []fullProductName `json:"full_product_names"`
		Relationships    []struct {
			Category                  string          `json:"category"`
			ProductReference          string          `json:"product_reference"`
			RelatesToProductReference string          `json:"relates_to_product_reference"`
			FullProductName           fullProductName `json:"full_product_name"`
		} `json:"relationships"`
		ProductGroups []struct {
			GroupID    string   `json:"group_id"`
			ProductIDs []string `json:"product_ids"`
			Summary    string   `json:"summary"`
		} `json:"product_groups"`
	} `json:"product_tree"`
	Vulnerabilities []struct {
		CVE string `json:"cve"`
		IDs []struct {
			SystemName string `json:"system_name"`
			Text       string `json:"text"`
		} `json:"ids"`
		Title string `json:"title"`
		CWE   struct {
			ID   string `json:"id"`
			Name string `json:"name"`
		} `json:"cwe"`
		Notes         []note      `json:"notes"`
		DiscoveryDate string      `json:"discovery_date"`
		ReleaseDate   string      `json:"release_date"`
		References    []reference `json:"references"`
		ProductStatus struct {
			FirstAffected      []string `json:"first_affected"`
			FirstFixed         []string `json:"first_fixed"`
			Fixed              []string `json:"fixed"`
			KnownAffected      []string `json:"known_affected"`
			KnownNotAffected   []string `json:"known_not_affected"`
			LastAffected       []string `json:"last_affected"`
			Recommended        []string `json:"recommended"`
			UnderInvestigation []string `json:"under_investigation"`
		} `json:"product_status"`
		Flags []struct {
			Label      string   `json:"label"`
			Date       string   `json:"date"`
			ProductIDs []string `json:"product_ids"`
			GroupIDs   []string `json:"group_ids"`
		} `json:"flags"`
		Remediations []struct {
			Category        string   `json:"category"`
			Details         string   `json:"details"`
			URL             string   `json:"url"`
			Date            string   `json:"date"`
			Entitlements    []string `json:"entitlements"`
			ProductIDs      []string `json:"product_ids"`
			GroupIDs        []string `json:"group_ids"`
			RestartRequired struct {
				Category string `json:"category"`
			} `json:"restart_required"`
		} `json:"remediations"`
		Threats []struct {
			Category   string   `json:"category"`
			Details    string   `json:"details"`
			Date       string   `json:"date"`
			ProductIDs []string `json:"product_ids"`
			GroupIDs   []string `json:"group_ids"`
		} `json:"threats"`
		Scores []struct {
			Products []string  `json:"products"`
			CVSSv2   *cvssWire `json:"cvss_v2"`
			CVSSv3   *cvssWire `json:"cvss_v3"`
		} `json:"scores"`
	} `json:"vulnerabilities"`
}

type note struct {
	Category string `json:"category"`
	Text     string `json:"text"`
	Title    string `json:"title"`
}

type reference struct {
	Category string `json:"category"`
	Summary  string `json:"summary"`
	URL      string `json:"url"`
}

type cvssWire struct {
	Version      string      `json:"version"`
	VectorString string      `json:"vectorString"`
	BaseScore    json.Number `json:"baseScore"`
}

type branch struct {
	Category string           `json:"category"`
	Name     string           `json:"name"`
	Branches []branch         `json:"branches"`
	Product  *fullProductName `json:"product"`
}

type fullProductName struct {
	ProductID string `json:"product_id"`
	Name      string `json:"name"`
	Helper    *struct {
		CPE           string   `json:"cpe"`
		PURL          string   `json:"purl"`
		ModelNumbers  []string `json:"model_numbers"`
		SKUs          []string `json:"skus"`
		SerialNumbers []string `json:"serial_numbers"`
		SBOMURLs      []string `json:"sbom_urls"`
		Hashes        []struct {
			FileName   string `json:"filename"`
			FileHashes []struct {
				Algorithm string `json:"algorithm"`
				Value     string `json:"value"`
			} `json:"file_hashes"`
		} `json:"hashes"`
		XGenericURIs []struct {
			Namespace string `json:"namespace"`
			URI       string `json:"uri"`
		} `json:"x_generic_uris"`
	} `json:"product_identification_helper"`
}

func (f fullProductName) convert() vigil.FullProductName {
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

func (b branch) convert() vigil.Branch {
	out := vigil.Branch{Category: vigil.BranchCategory(b.Category), Name: b.Name}
	if b.Product != nil {
		p := b.Product.convert()
		out.Product = &p
	}
	for _, c := range b.Branches {
		out.Branches = append(out.Branches, c.convert())
	}
	return out
}

func refs(in []reference) []vigil.Reference {
	var out []vigil.Reference
	for _, r := range in {
		out = append(out, vigil.Reference{URL: r.URL, Type: r.Category, Name: r.Summary})
	}
	return out
}

func summary(notes []note) string {
	for _, c := range []string{"summary", "description", "general"} {
		for _, n := range notes {
			if n.Category == c {
				return n.Text
			}
		}
	}
	return ""
}

func (w *wire) advisory(rep *feed.Report) (*vigil.Advisory, error) {
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
		pt.Branches = append(pt.Branches, b.convert())
	}
	for _, f := range w.ProductTree.FullProductNames {
		pt.FullProductNames = append(pt.FullProductNames, f.convert())
	}
	for _, r := range w.ProductTree.Relationships {
		pt.Relationships = append(pt.Relationships, vigil.Relationship{Category: vigil.RelationshipCategory(r.Category),
			Product: r.ProductReference, RelatesTo: r.RelatesToProductReference, FullProductName: r.FullProductName.convert()})
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
			for _, c := range []*cvssWire{s.CVSSv3, s.CVSSv2} {
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

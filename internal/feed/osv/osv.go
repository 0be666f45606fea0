// Package osv imports OSV records (https://ossf.github.io/osv-schema/): one
// record per JSON document, or a JSON array of records, as osv.dev serves
// them and as its per-ecosystem all.zip holds them (one entry each; feed
// opens the zip). Each record is checked against the constraints of the
// OSV JSON schema 1.7 (check.go, plain Go: no schema file ships with the
// product) before it is converted; a record whose only fault is an id
// prefix the schema does not list (a database newer than schema 1.7) is
// kept with a warning.
package osv

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/feed"
	"github.com/vigil/vigil/internal/ingest"
)

// Name is the importer's name.
const Name = "feed/osv"

// Importer reads OSV JSON.
type Importer struct {
	limits ingest.Limits
	cfg    Config
}

// Config selects the checks.
type Config struct {
	// SkipChecks turns off the check of each record against the OSV
	// schema's constraints (check.go), which costs about 40 % of the
	// import time (docs/performance.md, "OSV schema checks"); a mirror of
	// osv.dev's own exports may skip it. The record is still decoded into typed fields and
	// validated (vigil.Vulnerability.Validate).
	SkipChecks bool
}

// New returns an OSV importer bounded by limits (zero: defaults). It
// cannot fail; it returns an error like the other importers' New, which
// list.go calls alike.
func New(limits ingest.Limits, cfg Config) (*Importer, error) {
	return &Importer{limits: limits.WithDefaults(), cfg: cfg}, nil
}

var _ feed.Importer = (*Importer)(nil)

// Name implements feed.Importer.
func (*Importer) Name() string { return Name }

// Detect recognises an OSV record: an object (or array of objects) with
// "id" and "modified" keys and none of the other formats' markers.
func (*Importer) Detect(head []byte) bool {
	t := bytes.TrimLeft(head, " \t\r\n\ufeff")
	if !bytes.HasPrefix(t, []byte("{")) && !bytes.HasPrefix(t, []byte("[")) {
		return false
	}
	for _, other := range []string{`"dataType"`, `"cveMetadata"`, `"NVD_CVE"`, `"CVE_Items"`, `"catalogVersion"`, `"csaf_version"`, `"ghsaId"`, `"$schema"`} {
		if bytes.Contains(head, []byte(other)) {
			return false
		}
	}
	return bytes.Contains(head, []byte(`"id"`)) && bytes.Contains(head, []byte(`"modified"`))
}

// Import implements feed.Importer.
func (im *Importer) Import(ctx context.Context, r io.Reader, sink feed.Sink) (feed.Report, error) {
	rep := feed.Report{Importer: Name, Files: 1}
	br := bufio.NewReader(r)
	first, err := firstByte(br)
	if err != nil {
		return rep, fmt.Errorf("decode: %w", err)
	}
	dec := feed.NewDecoder(br, im.limits)
	if first == '[' {
		n := 0
		err = feed.Array(dec, func(i int) error {
			if n++; n > im.limits.MaxRecords {
				return fmt.Errorf("more than %d records: %w", im.limits.MaxRecords, ingest.ErrLimit)
			}
			return im.one(ctx, dec, &rep, sink, fmt.Sprintf("$[%d]", i))
		})
	} else {
		err = im.one(ctx, dec, &rep, sink, "$")
	}
	if err != nil {
		return rep, fmt.Errorf("decode: %w", err)
	}
	return rep, nil
}

func firstByte(br *bufio.Reader) (byte, error) {
	for {
		b, err := br.ReadByte()
		if err != nil {
			return 0, err
		}
		switch b {
		case ' ', '\t', '\r', '\n':
			continue
		case 0xEF: // UTF-8 byte order mark
			br.Discard(2)
			continue
		}
		return b, br.UnreadByte()
	}
}

// one decodes, validates and delivers the record dec is positioned at.
func (im *Importer) one(ctx context.Context, dec *json.Decoder, rep *feed.Report, sink feed.Sink, path string) error {
	var raw json.RawMessage
	if err := dec.Decode(&raw); err != nil {
		return err
	}
	var rec record
	if err := json.Unmarshal(raw, &rec); err != nil {
		rep.Reject(vigil.SourceOSV, rec.ID, path, err)
		return nil
	}
	if !im.cfg.SkipChecks {
		if f := checkJSON(raw); f != nil {
			if !f.IDOnly {
				rep.Reject(vigil.SourceOSV, rec.ID, path+f.Path, errors.New("osv schema: "+f.Reason))
				return nil
			}
			// Only the id fails: its prefix is not (yet) in the schema's
			// list of home databases. OSV adds databases often; keep the
			// record.
			rep.Warn(vigil.SourceOSV, rec.ID, path+f.Path, "osv schema: "+f.Reason)
		}
	}
	v, err := rec.vulnerability(rep, path)
	if err != nil {
		rep.Reject(vigil.SourceOSV, rec.ID, path, err)
		return nil
	}
	return feed.Deliver(ctx, rep, vigil.SourceOSV, v.ID, path, v, func() (feed.Outcome, error) {
		return sink.PutVulnerability(ctx, v)
	})
}

// pointerToPath turns a JSON pointer "/affected/0/ranges" into
// ".affected[0].ranges".
func pointerToPath(p string) string {
	var b strings.Builder
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

// record is an OSV record (schema 1.7).
type record struct {
	SchemaVersion string     `json:"schema_version"`
	ID            string     `json:"id"`
	Modified      string     `json:"modified"`
	Published     string     `json:"published"`
	Withdrawn     string     `json:"withdrawn"`
	Aliases       []string   `json:"aliases"`
	Related       []string   `json:"related"`
	Upstream      []string   `json:"upstream"`
	Summary       string     `json:"summary"`
	Details       string     `json:"details"`
	Severity      []severity `json:"severity"`
	Affected      []struct {
		Package struct {
			Ecosystem string `json:"ecosystem"`
			Name      string `json:"name"`
			PURL      string `json:"purl"`
		} `json:"package"`
		Severity []severity `json:"severity"`
		Ranges   []struct {
			Type   string              `json:"type"`
			Repo   string              `json:"repo"`
			Events []map[string]string `json:"events"`
		} `json:"ranges"`
		Versions          []string        `json:"versions"`
		EcosystemSpecific json.RawMessage `json:"ecosystem_specific"`
		DatabaseSpecific  json.RawMessage `json:"database_specific"`
	} `json:"affected"`
	References []struct {
		Type string `json:"type"`
		URL  string `json:"url"`
	} `json:"references"`
	DatabaseSpecific struct {
		CWEIDs []string `json:"cwe_ids"`
	} `json:"database_specific"`
}

type severity struct {
	Type  string `json:"type"`
	Score string `json:"score"`
}

// eventOrder is the order events are emitted in when one object holds
// several keys (the schema allows one per object).
var eventOrder = []vigil.EventKind{vigil.Introduced, vigil.Fixed, vigil.LastAffected, vigil.Limit}

func (r *record) vulnerability(rep *feed.Report, path string) (*vigil.Vulnerability, error) {
	v := &vigil.Vulnerability{
		ID: r.ID, Aliases: r.Aliases, Related: r.Related, Summary: r.Summary, Details: r.Details,
		Provenance: vigil.Provenance{Source: vigil.SourceOSV, SourceID: r.ID},
	}
	if i := strings.IndexAny(r.ID, "-"); i > 0 {
		v.Assigner = r.ID[:i]
	}
	var err error
	if v.Modified, err = feed.ParseTime(r.Modified); err != nil {
		return nil, fmt.Errorf("modified: %w", err)
	}
	if v.Published, err = feed.ParseTime(r.Published); err != nil {
		return nil, fmt.Errorf("published: %w", err)
	}
	if v.Withdrawn, err = feed.ParseTime(r.Withdrawn); err != nil {
		return nil, fmt.Errorf("withdrawn: %w", err)
	}
	v.CWEs = feed.AppendUnique(nil, r.DatabaseSpecific.CWEIDs...)
	v.Severities = severities(rep, r.ID, path+".severity", r.Severity)
	for _, ref := range r.References {
		v.References = append(v.References, vigil.Reference{URL: ref.URL, Type: ref.Type})
	}
	for i, a := range r.Affected {
		ap := vigil.AffectedPackage{
			Ecosystem: vigil.Ecosystem(a.Package.Ecosystem), Name: a.Package.Name, PURL: a.Package.PURL,
			Versions: a.Versions, EcosystemSpecific: a.EcosystemSpecific, DatabaseSpecific: a.DatabaseSpecific,
		}
		ap.Severities = severities(rep, r.ID, fmt.Sprintf("%s.affected[%d].severity", path, i), a.Severity)
		for _, rg := range a.Ranges {
			out := vigil.Range{Type: vigil.RangeType(rg.Type), Repo: rg.Repo}
			for _, ev := range rg.Events {
				for _, k := range eventOrder {
					if ver, ok := ev[string(k)]; ok {
						out.Events = append(out.Events, vigil.Event{Kind: k, Version: ver})
					}
				}
			}
			ap.Ranges = append(ap.Ranges, out)
		}
		v.Affected = append(v.Affected, ap)
	}
	return v, nil
}

func severities(rep *feed.Report, id, path string, in []severity) []vigil.Severity {
	var out []vigil.Severity
	for i, s := range in {
		sv := vigil.Severity{}
		switch s.Type {
		case "CVSS_V2", "CVSS_V3", "CVSS_V4":
			sv.Vector = s.Score
			feed.Score(rep, vigil.SourceOSV, id, fmt.Sprintf("%s[%d]", path, i), &sv)
			if want := map[string]string{"CVSS_V2": "2", "CVSS_V3": "3", "CVSS_V4": "4"}[s.Type]; sv.Computed && !strings.HasPrefix(string(sv.Version), want) {
				rep.Warn(vigil.SourceOSV, id, fmt.Sprintf("%s[%d]", path, i), fmt.Sprintf("%s holds a CVSS %s vector", s.Type, sv.Version))
			}
		default:
			sv.Scheme, sv.Text = s.Type, s.Score
		}
		out = append(out, sv)
	}
	return out
}

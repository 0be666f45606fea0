// Package cve5 imports CVE JSON 5.x records, one per document, as in
// CVEProject/cvelistV5 and CISA's vulnrichment: the CNA container and the
// ADP containers, CISA's ("CISA-ADP") with its SSVC decision, KEV date,
// CVSS and CPEs.
package cve5

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/feed"
	"github.com/vigil/vigil/internal/ingest"
)

// Name is the importer's name.
const Name = "feed/cve5"

// Importer reads CVE JSON 5.x records.
type Importer struct {
	limits ingest.Limits
}

// New returns a CVE 5 importer bounded by limits (zero: defaults).
func New(limits ingest.Limits) *Importer { return &Importer{limits: limits.WithDefaults()} }

var _ feed.Importer = (*Importer)(nil)

// Name implements feed.Importer.
func (*Importer) Name() string { return Name }

// Detect recognises "dataType": "CVE_RECORD" or a cveMetadata key.
func (*Importer) Detect(head []byte) bool {
	return bytes.HasPrefix(bytes.TrimLeft(head, " \t\r\n\ufeff"), []byte("{")) &&
		(bytes.Contains(head, []byte(`"CVE_RECORD"`)) || bytes.Contains(head, []byte(`"cveMetadata"`)))
}

// Import implements feed.Importer.
func (im *Importer) Import(ctx context.Context, r io.Reader, sink feed.Sink) (feed.Report, error) {
	rep := feed.Report{Importer: Name, Files: 1}
	dec := feed.NewDecoder(r, im.limits)
	var rec record
	if err := dec.Decode(&rec); err != nil {
		if feed.IsRecordError(err) {
			rep.Reject(vigil.SourceCVE5, rec.Meta.CVEID, "$", err)
			return rep, nil
		}
		return rep, fmt.Errorf("decode: %w", err)
	}
	v, err := rec.vulnerability(&rep)
	if err != nil {
		rep.Reject(vigil.SourceCVE5, rec.Meta.CVEID, "$", err)
		return rep, nil
	}
	return rep, feed.Deliver(ctx, &rep, vigil.SourceCVE5, v.ID, "$", v, func() (feed.Outcome, error) {
		return sink.PutVulnerability(ctx, v)
	})
}

type record struct {
	DataType    string `json:"dataType"`
	DataVersion string `json:"dataVersion"`
	Meta        struct {
		CVEID             string `json:"cveId"`
		AssignerShortName string `json:"assignerShortName"`
		State             string `json:"state"`
		DatePublished     string `json:"datePublished"`
		DateUpdated       string `json:"dateUpdated"`
		DateRejected      string `json:"dateRejected"`
	} `json:"cveMetadata"`
	Containers struct {
		CNA container   `json:"cna"`
		ADP []container `json:"adp"`
	} `json:"containers"`
}

type container struct {
	Title            string `json:"title"`
	ProviderMetadata struct {
		ShortName   string `json:"shortName"`
		DateUpdated string `json:"dateUpdated"`
	} `json:"providerMetadata"`
	Descriptions []struct {
		Lang  string `json:"lang"`
		Value string `json:"value"`
	} `json:"descriptions"`
	RejectedReasons []struct {
		Lang  string `json:"lang"`
		Value string `json:"value"`
	} `json:"rejectedReasons"`
	Affected []struct {
		Vendor        string   `json:"vendor"`
		Product       string   `json:"product"`
		CollectionURL string   `json:"collectionURL"`
		PackageName   string   `json:"packageName"`
		CPEs          []string `json:"cpes"`
		Platforms     []string `json:"platforms"`
		Modules       []string `json:"modules"`
		DefaultStatus string   `json:"defaultStatus"`
		Versions      []struct {
			Version         string `json:"version"`
			Status          string `json:"status"`
			VersionType     string `json:"versionType"`
			LessThan        string `json:"lessThan"`
			LessThanOrEqual string `json:"lessThanOrEqual"`
		} `json:"versions"`
	} `json:"affected"`
	ProblemTypes []struct {
		Descriptions []struct {
			CWEID       string `json:"cweId"`
			Description string `json:"description"`
		} `json:"descriptions"`
	} `json:"problemTypes"`
	References []struct {
		URL  string   `json:"url"`
		Name string   `json:"name"`
		Tags []string `json:"tags"`
	} `json:"references"`
	Metrics []struct {
		V40   *cvssData `json:"cvssV4_0"`
		V31   *cvssData `json:"cvssV3_1"`
		V30   *cvssData `json:"cvssV3_0"`
		V20   *cvssData `json:"cvssV2_0"`
		Other *struct {
			Type    string          `json:"type"`
			Content json.RawMessage `json:"content"`
		} `json:"other"`
	} `json:"metrics"`
}

type cvssData struct {
	Version      string      `json:"version"`
	VectorString string      `json:"vectorString"`
	BaseScore    json.Number `json:"baseScore"`
}

func english(ls []struct {
	Lang  string `json:"lang"`
	Value string `json:"value"`
}) string {
	for _, l := range ls {
		if strings.HasPrefix(strings.ToLower(l.Lang), "en") {
			return l.Value
		}
	}
	if len(ls) > 0 {
		return ls[0].Value
	}
	return ""
}

func (r *record) vulnerability(rep *feed.Report) (*vigil.Vulnerability, error) {
	id := r.Meta.CVEID
	cna := r.Containers.CNA
	v := &vigil.Vulnerability{
		ID: id, Summary: cna.Title, Details: english(cna.Descriptions),
		Status: r.Meta.State, Assigner: r.Meta.AssignerShortName,
		Provenance: vigil.Provenance{Source: vigil.SourceCVE5, SourceID: id},
	}
	if v.Details == "" {
		v.Details = english(cna.RejectedReasons)
	}
	var err error
	if v.Published, err = feed.ParseTime(r.Meta.DatePublished); err != nil {
		return nil, fmt.Errorf("cveMetadata.datePublished: %w", err)
	}
	if v.Modified, err = feed.ParseTime(r.Meta.DateUpdated); err != nil {
		return nil, fmt.Errorf("cveMetadata.dateUpdated: %w", err)
	}
	if r.Meta.State == "REJECTED" {
		if v.Withdrawn, err = feed.ParseTime(r.Meta.DateRejected); err != nil {
			return nil, fmt.Errorf("cveMetadata.dateRejected: %w", err)
		}
		if v.Withdrawn.IsZero() {
			v.Withdrawn = v.Modified
		}
	}
	if v.Modified.IsZero() {
		v.Modified = v.Published
	}
	v.CWEs = cna.cwes(nil)
	v.References = cna.references()
	v.Products = cna.products()
	v.Severities = cna.severities(rep, id, "$.containers.cna")
	for i, a := range r.Containers.ADP {
		path := fmt.Sprintf("$.containers.adp[%d]", i)
		out := vigil.ADPContainer{
			Provider: a.ProviderMetadata.ShortName, Title: a.Title,
			CWEs: a.cwes(nil), Products: a.products(), References: a.references(),
			Severities: a.severities(rep, id, path),
		}
		if out.Updated, err = feed.ParseTime(a.ProviderMetadata.DateUpdated); err != nil {
			rep.Warn(vigil.SourceCVE5, id, path+".providerMetadata.dateUpdated", err.Error())
		}
		for j, m := range a.Metrics {
			if m.Other == nil {
				continue
			}
			mp := fmt.Sprintf("%s.metrics[%d].other", path, j)
			switch m.Other.Type {
			case "ssvc":
				s, err := ssvc(m.Other.Content)
				if err != nil {
					rep.Warn(vigil.SourceCVE5, id, mp, err.Error())
					continue
				}
				out.SSVC = s
			case "kev":
				k, err := kev(m.Other.Content)
				if err != nil {
					rep.Warn(vigil.SourceCVE5, id, mp, err.Error())
					continue
				}
				out.KEV = k
			}
		}
		v.ADP = append(v.ADP, out)
	}
	return v, nil
}

func (c *container) cwes(out []string) []string {
	for _, p := range c.ProblemTypes {
		for _, d := range p.Descriptions {
			out = feed.AppendUnique(out, d.CWEID)
		}
	}
	return out
}

func (c *container) references() []vigil.Reference {
	var out []vigil.Reference
	for _, r := range c.References {
		out = append(out, vigil.Reference{URL: r.URL, Name: r.Name, Tags: r.Tags})
	}
	return out
}

func (c *container) products() []vigil.AffectedProduct {
	var out []vigil.AffectedProduct
	for _, a := range c.Affected {
		p := vigil.AffectedProduct{Vendor: a.Vendor, Product: a.Product, CollectionURL: a.CollectionURL,
			PackageName: a.PackageName, CPEs: a.CPEs, Platforms: a.Platforms, Modules: a.Modules,
			DefaultStatus: vigil.VersionStatus(a.DefaultStatus)}
		for _, v := range a.Versions {
			p.Versions = append(p.Versions, vigil.ProductVersion{Version: v.Version, Status: vigil.VersionStatus(v.Status),
				VersionType: v.VersionType, LessThan: v.LessThan, LessThanOrEqual: v.LessThanOrEqual})
		}
		out = append(out, p)
	}
	return out
}

func (c *container) severities(rep *feed.Report, id, path string) []vigil.Severity {
	var out []vigil.Severity
	for i, m := range c.Metrics {
		for _, d := range []struct {
			key string
			ver vigil.CVSSVersion
			c   *cvssData
		}{{"cvssV4_0", vigil.CVSS40, m.V40}, {"cvssV3_1", vigil.CVSS31, m.V31}, {"cvssV3_0", vigil.CVSS30, m.V30}, {"cvssV2_0", vigil.CVSS20, m.V20}} {
			if d.c == nil {
				continue
			}
			s := vigil.Severity{Source: c.ProviderMetadata.ShortName, Version: d.ver, Vector: d.c.VectorString}
			s.GivenScore, s.HasGivenScore = feed.Number(d.c.BaseScore)
			feed.Score(rep, vigil.SourceCVE5, id, fmt.Sprintf("%s.metrics[%d].%s", path, i, d.key), &s)
			out = append(out, s)
		}
	}
	return out
}

func ssvc(raw json.RawMessage) (*vigil.SSVC, error) {
	var c struct {
		ID        string              `json:"id"`
		Role      string              `json:"role"`
		Version   string              `json:"version"`
		Timestamp string              `json:"timestamp"`
		Options   []map[string]string `json:"options"`
	}
	if err := json.Unmarshal(raw, &c); err != nil {
		return nil, fmt.Errorf("ssvc: %w", err)
	}
	s := &vigil.SSVC{ID: c.ID, Role: c.Role, Version: c.Version}
	var err error
	if s.Timestamp, err = feed.ParseTime(c.Timestamp); err != nil {
		return nil, fmt.Errorf("ssvc timestamp: %w", err)
	}
	for _, o := range c.Options {
		for k, val := range o {
			s.Decisions = append(s.Decisions, vigil.SSVCDecision{Point: k, Value: val})
		}
	}
	return s, nil
}

func kev(raw json.RawMessage) (*vigil.KEVMention, error) {
	var c struct {
		DateAdded string `json:"dateAdded"`
		Reference string `json:"reference"`
	}
	if err := json.Unmarshal(raw, &c); err != nil {
		return nil, fmt.Errorf("kev: %w", err)
	}
	d, err := vigil.ParseDate(c.DateAdded)
	if err != nil {
		return nil, fmt.Errorf("kev dateAdded: %w", err)
	}
	return &vigil.KEVMention{DateAdded: d, Reference: c.Reference}, nil
}

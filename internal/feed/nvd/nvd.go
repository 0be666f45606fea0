// Package nvd imports NVD CVE data: CVE API 2.0 responses (a page of
// "vulnerabilities", or a bare CVE object as in mirrors that store one CVE
// per file) and the legacy JSON 1.1 feed files ("CVE_Items"). Both stream
// their record arrays with json.Decoder tokens, one CVE in memory at a time.
package nvd

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

// Name is the API 2.0 importer's name.
const Name = "feed/nvd"

// Importer reads NVD CVE API 2.0 JSON.
type Importer struct {
	limits ingest.Limits
}

// New returns an API 2.0 importer bounded by limits (zero: defaults).
func New(limits ingest.Limits) *Importer { return &Importer{limits: limits.WithDefaults()} }

var _ feed.Importer = (*Importer)(nil)

// Name implements feed.Importer.
func (*Importer) Name() string { return Name }

// Detect recognises an API 2.0 response ("format": "NVD_CVE") or a bare
// API 2.0 CVE object (sourceIdentifier and vulnStatus keys).
func (*Importer) Detect(head []byte) bool {
	if !bytes.HasPrefix(bytes.TrimLeft(head, " \t\r\n\ufeff"), []byte("{")) {
		return false
	}
	if bytes.Contains(head, []byte(`"NVD_CVE"`)) || bytes.Contains(head, []byte(`"resultsPerPage"`)) {
		return true
	}
	return bytes.Contains(head, []byte(`"sourceIdentifier"`)) && bytes.Contains(head, []byte(`"vulnStatus"`)) &&
		!bytes.Contains(head, []byte(`"CVE_Items"`))
}

// Import implements feed.Importer.
func (im *Importer) Import(ctx context.Context, r io.Reader, sink feed.Sink) (feed.Report, error) {
	rep := feed.Report{Importer: Name, Files: 1}
	br := bufio.NewReaderSize(r, feed.HeadSize)
	head, _ := br.Peek(feed.HeadSize)
	dec := feed.NewDecoder(br, im.limits)
	if !bytes.Contains(head, []byte(`"vulnerabilities"`)) && bytes.Contains(head, []byte(`"sourceIdentifier"`)) {
		// A bare CVE object.
		var c cve
		if err := dec.Decode(&c); err != nil {
			if feed.IsRecordError(err) {
				rep.Reject(vigil.SourceNVD, c.ID, "$", err)
				return rep, nil
			}
			return rep, fmt.Errorf("decode: %w", err)
		}
		return rep, im.put(ctx, &rep, sink, &c, "$")
	}
	n := 0
	err := feed.Object(dec, func(key string) error {
		if key != "vulnerabilities" {
			return feed.Skip(dec)
		}
		return feed.Array(dec, func(i int) error {
			path := fmt.Sprintf("$.vulnerabilities[%d].cve", i)
			if n++; n > im.limits.MaxRecords {
				return fmt.Errorf("more than %d records: %w", im.limits.MaxRecords, ingest.ErrLimit)
			}
			var item struct {
				CVE *cve `json:"cve"`
			}
			if err := dec.Decode(&item); err != nil {
				if feed.IsRecordError(err) {
					id := ""
					if item.CVE != nil {
						id = item.CVE.ID
					}
					rep.Reject(vigil.SourceNVD, id, path, err)
					return nil
				}
				return err
			}
			if item.CVE == nil {
				rep.Reject(vigil.SourceNVD, "", path, errors.New("no cve object"))
				return nil
			}
			return im.put(ctx, &rep, sink, item.CVE, path)
		})
	})
	if err != nil {
		return rep, fmt.Errorf("decode: %w", err)
	}
	return rep, nil
}

func (im *Importer) put(ctx context.Context, rep *feed.Report, sink feed.Sink, c *cve, path string) error {
	v, err := c.vulnerability(rep, path)
	if err != nil {
		rep.Reject(vigil.SourceNVD, c.ID, path, err)
		return nil
	}
	return feed.Deliver(ctx, rep, vigil.SourceNVD, v.ID, path, v, func() (feed.Outcome, error) {
		return sink.PutVulnerability(ctx, v)
	})
}

// cve is an NVD API 2.0 "cve" object (the fields vigil keeps).
type cve struct {
	ID               string   `json:"id"`
	SourceIdentifier string   `json:"sourceIdentifier"`
	Published        string   `json:"published"`
	LastModified     string   `json:"lastModified"`
	VulnStatus       string   `json:"vulnStatus"`
	Descriptions     []langed `json:"descriptions"`
	Metrics          struct {
		V40 []metric `json:"cvssMetricV40"`
		V31 []metric `json:"cvssMetricV31"`
		V30 []metric `json:"cvssMetricV30"`
		V2  []metric `json:"cvssMetricV2"`
	} `json:"metrics"`
	Weaknesses []struct {
		Source      string   `json:"source"`
		Type        string   `json:"type"`
		Description []langed `json:"description"`
	} `json:"weaknesses"`
	Configurations []struct {
		Operator string `json:"operator"`
		Negate   bool   `json:"negate"`
		Nodes    []node `json:"nodes"`
	} `json:"configurations"`
	References []struct {
		URL    string   `json:"url"`
		Source string   `json:"source"`
		Tags   []string `json:"tags"`
	} `json:"references"`
	CISAExploitAdd        string `json:"cisaExploitAdd"`
	CISAActionDue         string `json:"cisaActionDue"`
	CISARequiredAction    string `json:"cisaRequiredAction"`
	CISAVulnerabilityName string `json:"cisaVulnerabilityName"`
}

type langed struct {
	Lang  string `json:"lang"`
	Value string `json:"value"`
}

type metric struct {
	Source   string `json:"source"`
	Type     string `json:"type"`
	CVSSData struct {
		Version      string      `json:"version"`
		VectorString string      `json:"vectorString"`
		BaseScore    json.Number `json:"baseScore"`
	} `json:"cvssData"`
}

type node struct {
	Operator string `json:"operator"`
	Negate   bool   `json:"negate"`
	CPEMatch []struct {
		Vulnerable            bool   `json:"vulnerable"`
		Criteria              string `json:"criteria"`
		MatchCriteriaID       string `json:"matchCriteriaId"`
		VersionStartIncluding string `json:"versionStartIncluding"`
		VersionStartExcluding string `json:"versionStartExcluding"`
		VersionEndIncluding   string `json:"versionEndIncluding"`
		VersionEndExcluding   string `json:"versionEndExcluding"`
	} `json:"cpeMatch"`
}

// english returns the English text of a multi-language list, else the
// first.
func english(ls []langed) string {
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

func (c *cve) vulnerability(rep *feed.Report, path string) (*vigil.Vulnerability, error) {
	v := &vigil.Vulnerability{
		ID:         c.ID,
		Details:    english(c.Descriptions),
		Status:     c.VulnStatus,
		Assigner:   c.SourceIdentifier,
		Provenance: vigil.Provenance{Source: vigil.SourceNVD, SourceID: c.ID},
	}
	var err error
	if v.Published, err = feed.ParseTime(c.Published); err != nil {
		return nil, fmt.Errorf("published: %w", err)
	}
	if v.Modified, err = feed.ParseTime(c.LastModified); err != nil {
		return nil, fmt.Errorf("lastModified: %w", err)
	}
	if strings.EqualFold(c.VulnStatus, "Rejected") {
		v.Withdrawn = v.Modified
	}
	for _, group := range []struct {
		key string
		ms  []metric
	}{{"cvssMetricV40", c.Metrics.V40}, {"cvssMetricV31", c.Metrics.V31}, {"cvssMetricV30", c.Metrics.V30}, {"cvssMetricV2", c.Metrics.V2}} {
		for i, m := range group.ms {
			s := vigil.Severity{
				Source:  m.Source,
				Primary: m.Type == "Primary",
				Version: vigil.CVSSVersion(m.CVSSData.Version),
				Vector:  m.CVSSData.VectorString,
			}
			s.GivenScore, s.HasGivenScore = feed.Number(m.CVSSData.BaseScore)
			feed.Score(rep, vigil.SourceNVD, c.ID, fmt.Sprintf("%s.metrics.%s[%d]", path, group.key, i), &s)
			v.Severities = append(v.Severities, s)
		}
	}
	for _, w := range c.Weaknesses {
		for _, d := range w.Description {
			v.CWEs = feed.AppendUnique(v.CWEs, d.Value)
		}
	}
	for _, r := range c.References {
		v.References = append(v.References, vigil.Reference{URL: r.URL, Tags: r.Tags})
	}
	for _, cfg := range c.Configurations {
		out := vigil.CPEConfiguration{Operator: vigil.Operator(cfg.Operator), Negate: cfg.Negate}
		for _, n := range cfg.Nodes {
			out.Nodes = append(out.Nodes, n.node())
		}
		v.Configurations = append(v.Configurations, out)
	}
	if c.CISAExploitAdd != "" {
		k := &vigil.KEVMention{RequiredAction: c.CISARequiredAction, VulnerabilityName: c.CISAVulnerabilityName}
		if k.DateAdded, err = vigil.ParseDate(c.CISAExploitAdd); err != nil {
			return nil, fmt.Errorf("cisaExploitAdd: %w", err)
		}
		if c.CISAActionDue != "" {
			if k.DueDate, err = vigil.ParseDate(c.CISAActionDue); err != nil {
				return nil, fmt.Errorf("cisaActionDue: %w", err)
			}
		}
		v.KEV = k
	}
	return v, nil
}

func (n node) node() vigil.CPENode {
	out := vigil.CPENode{Operator: vigil.Operator(n.Operator), Negate: n.Negate}
	for _, m := range n.CPEMatch {
		out.Matches = append(out.Matches, vigil.CPEMatch{
			Vulnerable: m.Vulnerable, Criteria: m.Criteria, MatchCriteriaID: m.MatchCriteriaID,
			VersionStartIncluding: m.VersionStartIncluding, VersionStartExcluding: m.VersionStartExcluding,
			VersionEndIncluding: m.VersionEndIncluding, VersionEndExcluding: m.VersionEndExcluding,
		})
	}
	return out
}

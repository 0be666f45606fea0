package nvd

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

// LegacyName is the JSON 1.1 feed importer's name.
const LegacyName = "feed/nvd-1.1"

// Legacy reads NVD JSON 1.1 feed files (nvdcve-1.1-YYYY.json), retired by
// NVD in 2023 but still how many offline mirrors are kept.
type Legacy struct {
	limits ingest.Limits
}

// NewLegacy returns a 1.1 feed importer bounded by limits (zero: defaults).
func NewLegacy(limits ingest.Limits) *Legacy { return &Legacy{limits: limits.WithDefaults()} }

var _ feed.Importer = (*Legacy)(nil)

// Name implements feed.Importer.
func (*Legacy) Name() string { return LegacyName }

// Detect recognises a 1.1 feed by its CVE_data_type / CVE_Items keys.
func (*Legacy) Detect(head []byte) bool {
	return bytes.HasPrefix(bytes.TrimLeft(head, " \t\r\n\ufeff"), []byte("{")) &&
		(bytes.Contains(head, []byte(`"CVE_Items"`)) || bytes.Contains(head, []byte(`"CVE_data_type"`)))
}

// Import implements feed.Importer.
func (im *Legacy) Import(ctx context.Context, r io.Reader, sink feed.Sink) (feed.Report, error) {
	rep := feed.Report{Importer: LegacyName, Files: 1}
	dec := feed.NewDecoder(r, im.limits)
	n := 0
	err := feed.Object(dec, func(key string) error {
		if key != "CVE_Items" {
			return feed.Skip(dec)
		}
		return feed.Array(dec, func(i int) error {
			path := fmt.Sprintf("$.CVE_Items[%d]", i)
			if n++; n > im.limits.MaxRecords {
				return fmt.Errorf("more than %d records: %w", im.limits.MaxRecords, ingest.ErrLimit)
			}
			var it item
			if err := dec.Decode(&it); err != nil {
				if feed.IsRecordError(err) {
					rep.Reject(vigil.SourceNVD, it.CVE.Meta.ID, path, err)
					return nil
				}
				return err
			}
			v, err := it.vulnerability(&rep, path)
			if err != nil {
				rep.Reject(vigil.SourceNVD, it.CVE.Meta.ID, path, err)
				return nil
			}
			return feed.Deliver(ctx, &rep, vigil.SourceNVD, v.ID, path, v, func() (feed.Outcome, error) {
				return sink.PutVulnerability(ctx, v)
			})
		})
	})
	if err != nil {
		return rep, fmt.Errorf("decode: %w", err)
	}
	return rep, nil
}

// item is one CVE_Items element.
type item struct {
	CVE struct {
		Meta struct {
			ID       string `json:"ID"`
			Assigner string `json:"ASSIGNER"`
		} `json:"CVE_data_meta"`
		ProblemType struct {
			Data []struct {
				Description []langed `json:"description"`
			} `json:"problemtype_data"`
		} `json:"problemtype"`
		References struct {
			Data []struct {
				URL       string   `json:"url"`
				Name      string   `json:"name"`
				RefSource string   `json:"refsource"`
				Tags      []string `json:"tags"`
			} `json:"reference_data"`
		} `json:"references"`
		Description struct {
			Data []langed `json:"description_data"`
		} `json:"description"`
	} `json:"cve"`
	Configurations struct {
		Nodes []legacyNode `json:"nodes"`
	} `json:"configurations"`
	Impact struct {
		V3 struct {
			CVSS legacyCVSS `json:"cvssV3"`
		} `json:"baseMetricV3"`
		V2 struct {
			CVSS legacyCVSS `json:"cvssV2"`
		} `json:"baseMetricV2"`
	} `json:"impact"`
	Published    string `json:"publishedDate"`
	LastModified string `json:"lastModifiedDate"`
}

type legacyCVSS struct {
	Version      string      `json:"version"`
	VectorString string      `json:"vectorString"`
	BaseScore    json.Number `json:"baseScore"`
}

type legacyNode struct {
	Operator string       `json:"operator"`
	Negate   bool         `json:"negate"`
	Children []legacyNode `json:"children"`
	CPEMatch []struct {
		Vulnerable            bool   `json:"vulnerable"`
		CPE23URI              string `json:"cpe23Uri"`
		VersionStartIncluding string `json:"versionStartIncluding"`
		VersionStartExcluding string `json:"versionStartExcluding"`
		VersionEndIncluding   string `json:"versionEndIncluding"`
		VersionEndExcluding   string `json:"versionEndExcluding"`
	} `json:"cpe_match"`
}

func (it *item) vulnerability(rep *feed.Report, path string) (*vigil.Vulnerability, error) {
	id := it.CVE.Meta.ID
	v := &vigil.Vulnerability{
		ID:         id,
		Details:    english(it.CVE.Description.Data),
		Assigner:   it.CVE.Meta.Assigner,
		Provenance: vigil.Provenance{Source: vigil.SourceNVD, SourceID: id},
	}
	var err error
	if v.Published, err = feed.ParseTime(it.Published); err != nil {
		return nil, fmt.Errorf("publishedDate: %w", err)
	}
	if v.Modified, err = feed.ParseTime(it.LastModified); err != nil {
		return nil, fmt.Errorf("lastModifiedDate: %w", err)
	}
	if strings.HasPrefix(v.Details, "** REJECT **") {
		v.Withdrawn = v.Modified
		v.Status = "Rejected"
	}
	for _, m := range []struct {
		key string
		c   legacyCVSS
	}{{"baseMetricV3.cvssV3", it.Impact.V3.CVSS}, {"baseMetricV2.cvssV2", it.Impact.V2.CVSS}} {
		if m.c.VectorString == "" && m.c.BaseScore == "" {
			continue
		}
		s := vigil.Severity{Source: "nvd@nist.gov", Primary: true, Version: vigil.CVSSVersion(m.c.Version), Vector: m.c.VectorString}
		s.GivenScore, s.HasGivenScore = feed.Number(m.c.BaseScore)
		feed.Score(rep, vigil.SourceNVD, id, path+".impact."+m.key, &s)
		v.Severities = append(v.Severities, s)
	}
	for _, p := range it.CVE.ProblemType.Data {
		for _, d := range p.Description {
			v.CWEs = feed.AppendUnique(v.CWEs, d.Value)
		}
	}
	for _, r := range it.CVE.References.Data {
		v.References = append(v.References, vigil.Reference{URL: r.URL, Tags: r.Tags, Name: r.Name, Type: r.RefSource})
	}
	for _, n := range it.Configurations.Nodes {
		switch {
		case len(n.Children) > 0:
			cfg := vigil.CPEConfiguration{Operator: vigil.Operator(n.Operator), Negate: n.Negate}
			for _, c := range n.Children {
				cfg.Nodes = append(cfg.Nodes, c.node(0))
			}
			v.Configurations = append(v.Configurations, cfg)
		case len(n.CPEMatch) > 0:
			v.Configurations = append(v.Configurations, vigil.CPEConfiguration{Nodes: []vigil.CPENode{n.node(0)}})
		}
	}
	return v, nil
}

// maxNodeDepth bounds 1.1 node nesting (NVD's is at most two levels).
const maxNodeDepth = 8

func (n legacyNode) node(depth int) vigil.CPENode {
	out := vigil.CPENode{Operator: vigil.Operator(n.Operator), Negate: n.Negate}
	for _, m := range n.CPEMatch {
		out.Matches = append(out.Matches, vigil.CPEMatch{
			Vulnerable: m.Vulnerable, Criteria: m.CPE23URI,
			VersionStartIncluding: m.VersionStartIncluding, VersionStartExcluding: m.VersionStartExcluding,
			VersionEndIncluding: m.VersionEndIncluding, VersionEndExcluding: m.VersionEndExcluding,
		})
	}
	if depth < maxNodeDepth {
		for _, c := range n.Children {
			out.Children = append(out.Children, c.node(depth+1))
		}
	}
	return out
}

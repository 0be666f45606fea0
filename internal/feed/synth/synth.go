// Package synth writes synthetic vulnerability feeds of any size, shaped
// like the real ones (NVD CVE API 2.0 pages, OSV records), for benchmarks
// and scale tests. Output is deterministic for a seed. The real NVD holds
// about 300,000 CVEs and OSV about 500,000 records; NVDSize and OSVSize
// are those figures.
package synth

import (
	"archive/zip"
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"time"
)

// Sizes of the real feeds, for full-scale runs.
const (
	NVDSize = 300_000
	OSVSize = 500_000
)

var (
	avs = []string{"N", "A", "L", "P"}
	lhs = []string{"L", "H"}
	prs = []string{"N", "L", "H"}
	uis = []string{"N", "R"}
	ss  = []string{"U", "C"}
	cia = []string{"N", "L", "H"}
)

func pick(r *rand.Rand, xs []string) string { return xs[r.IntN(len(xs))] }

func vector31(r *rand.Rand) string {
	return fmt.Sprintf("CVSS:3.1/AV:%s/AC:%s/PR:%s/UI:%s/S:%s/C:%s/I:%s/A:%s",
		pick(r, avs), pick(r, lhs), pick(r, prs), pick(r, uis), pick(r, ss), pick(r, cia), pick(r, cia), pick(r, cia))
}

func version(r *rand.Rand) string {
	return fmt.Sprintf("%d.%d.%d", r.IntN(10), r.IntN(20), r.IntN(30))
}

var epoch = time.Date(2015, 1, 1, 0, 0, 0, 0, time.UTC)

func date(r *rand.Rand) time.Time {
	return epoch.Add(time.Duration(r.Int64N(int64(10 * 365 * 24 * time.Hour))))
}

// NVD writes one NVD CVE API 2.0 response holding n CVEs. About a third
// of the CVEs have an AND configuration with a "running on" platform node.
func NVD(w io.Writer, n int, seed uint64) error {
	r := rand.New(rand.NewPCG(seed, 1))
	bw := bufio.NewWriterSize(w, 1<<20)
	fmt.Fprintf(bw, `{"resultsPerPage":%d,"startIndex":0,"totalResults":%d,"format":"NVD_CVE","version":"2.0","timestamp":"2025-01-01T00:00:00.000","vulnerabilities":[`, n, n)
	for i := 0; i < n; i++ {
		if i > 0 {
			bw.WriteByte(',')
		}
		pub := date(r)
		vendor := fmt.Sprintf("vendor%d", r.IntN(5000))
		product := fmt.Sprintf("product%d", r.IntN(20))
		match := []map[string]any{{
			"vulnerable": true, "criteria": fmt.Sprintf("cpe:2.3:a:%s:%s:*:*:*:*:*:*:*:*", vendor, product),
			"versionEndExcluding": version(r), "matchCriteriaId": fmt.Sprintf("%08X-0000-0000-0000-%012X", i, r.Uint64()&0xffffffffffff),
		}}
		for j := r.IntN(4); j > 0; j-- {
			match = append(match, map[string]any{"vulnerable": true,
				"criteria": fmt.Sprintf("cpe:2.3:a:%s:%s:%s:*:*:*:*:*:*:*", vendor, product, version(r))})
		}
		cfg := map[string]any{"nodes": []any{map[string]any{"operator": "OR", "negate": false, "cpeMatch": match}}}
		if r.IntN(3) == 0 {
			cfg = map[string]any{"operator": "AND", "nodes": []any{
				map[string]any{"operator": "OR", "negate": false, "cpeMatch": match},
				map[string]any{"operator": "OR", "negate": false, "cpeMatch": []any{map[string]any{"vulnerable": false,
					"criteria": fmt.Sprintf("cpe:2.3:o:os%d:os:-:*:*:*:*:*:*:*", r.IntN(50))}}},
			}}
		}
		cve := map[string]any{
			"id": fmt.Sprintf("CVE-%d-%d", pub.Year(), 10000+i), "sourceIdentifier": "cna@example.org",
			"published": pub.Format("2006-01-02T15:04:05.000"), "lastModified": pub.Add(48 * time.Hour).Format("2006-01-02T15:04:05.000"),
			"vulnStatus":   "Analyzed",
			"descriptions": []any{map[string]any{"lang": "en", "value": fmt.Sprintf("A synthetic flaw in %s %s allows remote attackers to do something bad.", vendor, product)}},
			"metrics": map[string]any{"cvssMetricV31": []any{map[string]any{"source": "nvd@nist.gov", "type": "Primary",
				"cvssData": map[string]any{"version": "3.1", "vectorString": vector31(r)}}}},
			"weaknesses":     []any{map[string]any{"source": "nvd@nist.gov", "type": "Primary", "description": []any{map[string]any{"lang": "en", "value": fmt.Sprintf("CWE-%d", 20+r.IntN(900))}}}},
			"configurations": []any{cfg},
			"references":     []any{map[string]any{"url": fmt.Sprintf("https://example.org/advisories/%d", i), "source": "cna@example.org", "tags": []string{"Vendor Advisory"}}},
		}
		b, err := json.Marshal(map[string]any{"cve": cve})
		if err != nil {
			return err
		}
		bw.Write(b)
	}
	bw.WriteString("]}")
	return bw.Flush()
}

var ecosystems = []string{"npm", "PyPI", "Go", "Maven", "crates.io", "Debian:12", "Alpine:v3.20"}

// osvRecord builds OSV record i: one to three affected packages, with
// SEMVER or ECOSYSTEM ranges (introduced / fixed / last_affected) and
// sometimes explicit versions; package names are Zipf-distributed.
func osvRecord(r *rand.Rand, z *rand.Zipf, i int) map[string]any {
	mod := date(r)
	var affected []any
	for j := 1 + r.IntN(3); j > 0; j-- {
		eco := ecosystems[r.IntN(len(ecosystems))]
		typ := "ECOSYSTEM"
		if eco == "npm" || eco == "Go" || eco == "crates.io" {
			typ = "SEMVER"
		}
		events := []any{map[string]any{"introduced": "0"}}
		if r.IntN(4) == 0 {
			events = append(events, map[string]any{"last_affected": version(r)})
		} else {
			events = append(events, map[string]any{"fixed": version(r)})
		}
		a := map[string]any{
			"package": map[string]any{"ecosystem": eco, "name": fmt.Sprintf("pkg-%d", z.Uint64())},
			"ranges":  []any{map[string]any{"type": typ, "events": events}},
		}
		if r.IntN(5) == 0 {
			a["versions"] = []string{version(r), version(r)}
		}
		affected = append(affected, a)
	}
	return map[string]any{
		"schema_version": "1.6.0", "id": fmt.Sprintf("OSV-%d-%06d", mod.Year(), i),
		"modified": mod.Format(time.RFC3339), "published": mod.Add(-24 * time.Hour).Format(time.RFC3339),
		"aliases": []string{fmt.Sprintf("CVE-%d-%d", mod.Year(), 500000+i)},
		"summary": "Synthetic vulnerability", "details": "A synthetic record for benchmarks.",
		"severity":   []any{map[string]any{"type": "CVSS_V3", "score": vector31(r)}},
		"affected":   affected,
		"references": []any{map[string]any{"type": "ADVISORY", "url": fmt.Sprintf("https://example.org/osv/%d", i)}},
	}
}

func zipf(r *rand.Rand) *rand.Zipf { return rand.NewZipf(r, 1.1, 1, 50_000) }

// OSV writes n OSV records as one JSON array.
func OSV(w io.Writer, n int, seed uint64) error {
	r := rand.New(rand.NewPCG(seed, 2))
	z := zipf(r)
	bw := bufio.NewWriterSize(w, 1<<20)
	bw.WriteByte('[')
	for i := 0; i < n; i++ {
		if i > 0 {
			bw.WriteByte(',')
		}
		b, err := json.Marshal(osvRecord(r, z, i))
		if err != nil {
			return err
		}
		bw.Write(b)
	}
	bw.WriteByte(']')
	return bw.Flush()
}

// OSVZip writes n OSV records as an all.zip: one ID.json entry each, the
// way osv.dev publishes per-ecosystem archives.
func OSVZip(w io.Writer, n int, seed uint64) error {
	r := rand.New(rand.NewPCG(seed, 2))
	z := zipf(r)
	zw := zip.NewWriter(w)
	for i := 0; i < n; i++ {
		rec := osvRecord(r, z, i)
		f, err := zw.Create(rec["id"].(string) + ".json")
		if err != nil {
			return err
		}
		if err := json.NewEncoder(f).Encode(rec); err != nil {
			return err
		}
	}
	return zw.Close()
}

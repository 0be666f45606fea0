package synth

import (
	"archive/zip"
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"math/bits"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"time"
)

// DBDir is the directory under osv-scanner's --local-db-path that holds
// one <Ecosystem>/all.zip per ecosystem (osv-scalibr's
// enricher/vulnmatch/osvlocal, which osv-scanner v2.5.0 uses).
const DBDir = "osv-scalibr"

// ZipPath is where ecosystem e's all.zip goes under the database root.
func ZipPath(root string, e Ecosystem) string {
	return filepath.Join(root, DBDir, string(e), "all.zip")
}

type osvRecord struct {
	SchemaVersion string        `json:"schema_version"`
	ID            string        `json:"id"`
	Modified      string        `json:"modified"`
	Published     string        `json:"published"`
	Aliases       []string      `json:"aliases"`
	Summary       string        `json:"summary"`
	Details       string        `json:"details"`
	Severity      []osvSeverity `json:"severity"`
	Affected      []osvAffected `json:"affected"`
	References    []osvRef      `json:"references"`
}

type osvSeverity struct {
	Type  string `json:"type"`
	Score string `json:"score"`
}

type osvRef struct {
	Type string `json:"type"`
	URL  string `json:"url"`
}

type osvAffected struct {
	Package  osvPackage `json:"package"`
	Ranges   []osvRange `json:"ranges,omitempty"`
	Versions []string   `json:"versions,omitempty"`
}

type osvPackage struct {
	Ecosystem string `json:"ecosystem"`
	Name      string `json:"name"`
}

type osvRange struct {
	Type   string     `json:"type"`
	Events []osvEvent `json:"events"`
}

type osvEvent struct {
	Introduced   string `json:"introduced,omitempty"`
	Fixed        string `json:"fixed,omitempty"`
	LastAffected string `json:"last_affected,omitempty"`
}

var cvss = [][]string{{"N", "A", "L", "P"}, {"L", "H"}, {"N", "L", "H"}, {"N", "R"}, {"U", "C"}, {"N", "L", "H"}, {"N", "L", "H"}, {"N", "L", "H"}}

func vector(r *rand.Rand) string {
	p := make([]any, len(cvss))
	for i, xs := range cvss {
		p[i] = xs[r.IntN(len(xs))]
	}
	return fmt.Sprintf("CVSS:3.1/AV:%s/AC:%s/PR:%s/UI:%s/S:%s/C:%s/I:%s/A:%s", p...)
}

var epoch = time.Date(2015, 1, 1, 0, 0, 0, 0, time.UTC)

// JSON returns the OSV JSON of the record (schema 1.6.0).
func (rec *Record) JSON(seed uint64) ([]byte, error) {
	r := rand.New(rand.NewPCG(seed, 0x05f0000000+uint64(rec.Index)))
	mod := epoch.Add(time.Duration(r.Int64N(int64(10 * 365 * 24 * time.Hour)))).Truncate(time.Second)
	out := osvRecord{
		SchemaVersion: "1.6.0", ID: rec.ID,
		Modified: mod.Format(time.RFC3339), Published: mod.Add(-72 * time.Hour).Format(time.RFC3339),
		Aliases:    []string{rec.Alias},
		Summary:    fmt.Sprintf("Synthetic flaw in %s", rec.Affected[0].Package.Name()),
		Details:    "A synthetic advisory of the vigil matching benchmark (internal/match/synth).",
		Severity:   []osvSeverity{{"CVSS_V3", vector(r)}},
		References: []osvRef{{"ADVISORY", "https://example.org/advisories/" + rec.ID}},
	}
	typ := "ECOSYSTEM"
	if rec.Ecosystem.SEMVER() {
		typ = "SEMVER"
	}
	for _, a := range rec.Affected {
		oa := osvAffected{Package: osvPackage{rec.Ecosystem.OSVEcosystem(), a.Package.Name()}, Versions: a.Versions}
		if len(a.Events) > 0 {
			rg := osvRange{Type: typ}
			for _, e := range a.Events {
				var ev osvEvent
				switch e.Kind {
				case "introduced":
					ev.Introduced = e.Version
				case "fixed":
					ev.Fixed = e.Version
				case "last_affected":
					ev.LastAffected = e.Version
				}
				rg.Events = append(rg.Events, ev)
			}
			oa.Ranges = []osvRange{rg}
		}
		out.Affected = append(out.Affected, oa)
	}
	return json.Marshal(out)
}

// CorpusStats says what WriteCorpus wrote.
type CorpusStats struct {
	Advisories  int               `json:"advisories"`
	PerEco      map[Ecosystem]int `json:"per_ecosystem"`
	Entries     int               `json:"affected_entries"`
	Packages    int               `json:"packages"`
	Bytes       int64             `json:"zip_bytes"`
	Zips        []string          `json:"zips"`
	VersionOnly int               `json:"versions_only_entries"`
	LastAff     int               `json:"last_affected_ranges"`
	TwoRanges   int               `json:"two_interval_ranges"`
}

// WriteCorpus generates the corpus into root/osv-scalibr/<Ecosystem>/all.zip,
// one ID.json entry per advisory in its ecosystem's zip.
func WriteCorpus(root string, o Options) (*Corpus, *CorpusStats, error) {
	o = o.withDefaults()
	st := &CorpusStats{PerEco: map[Ecosystem]int{}}
	zips := map[Ecosystem]*zip.Writer{}
	files := map[Ecosystem]*os.File{}
	bufs := map[Ecosystem]*bufio.Writer{}
	closeAll := func() {
		for _, f := range files {
			f.Close()
		}
	}
	for _, e := range Ecosystems {
		p := ZipPath(root, e)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			closeAll()
			return nil, nil, err
		}
		f, err := os.Create(p)
		if err != nil {
			closeAll()
			return nil, nil, err
		}
		files[e] = f
		bufs[e] = bufio.NewWriterSize(f, 1<<20)
		zips[e] = zip.NewWriter(bufs[e])
		st.Zips = append(st.Zips, p)
	}
	c, err := Generate(o, func(rec *Record) error {
		b, err := rec.JSON(o.Seed)
		if err != nil {
			return err
		}
		w, err := zips[rec.Ecosystem].Create(rec.ID + ".json")
		if err != nil {
			return err
		}
		if _, err := w.Write(b); err != nil {
			return err
		}
		st.PerEco[rec.Ecosystem]++
		for _, a := range rec.Affected {
			st.Entries++
			switch {
			case len(a.Events) == 0:
				st.VersionOnly++
			case len(a.Events) == 4:
				st.TwoRanges++
			}
			for _, e := range a.Events {
				if e.Kind == "last_affected" {
					st.LastAff++
				}
			}
		}
		return nil
	})
	if err != nil {
		closeAll()
		return nil, nil, err
	}
	for _, e := range Ecosystems {
		if err := zips[e].Close(); err != nil {
			closeAll()
			return nil, nil, err
		}
		if err := bufs[e].Flush(); err != nil {
			closeAll()
			return nil, nil, err
		}
		fi, err := files[e].Stat()
		if err != nil {
			closeAll()
			return nil, nil, err
		}
		st.Bytes += fi.Size()
		if err := files[e].Close(); err != nil {
			return nil, nil, err
		}
	}
	st.Advisories = c.records
	st.Packages = len(c.packages)
	return c, st, nil
}

// Pair is one expected finding: a component's purl and an advisory id.
type Pair struct {
	PURL string
	ID   string
}

// SBOMOptions shape one SBOM.
type SBOMOptions struct {
	// Components is the number of components (the device itself not
	// counted).
	Components int
	// VulnerablePerMille is the share of components affected by at least
	// one advisory, per mille (default 100, i.e. 10 %).
	VulnerablePerMille int
	// Seed selects the SBOM.
	Seed uint64
}

type cdxBOM struct {
	BOMFormat    string         `json:"bomFormat"`
	SpecVersion  string         `json:"specVersion"`
	SerialNumber string         `json:"serialNumber"`
	Version      int            `json:"version"`
	Metadata     cdxMetadata    `json:"metadata"`
	Components   []cdxComponent `json:"components"`
}

type cdxMetadata struct {
	Timestamp string       `json:"timestamp"`
	Tools     cdxTools     `json:"tools"`
	Component cdxComponent `json:"component"`
}

type cdxTools struct {
	Components []cdxComponent `json:"components"`
}

type cdxComponent struct {
	Type    string `json:"type"`
	BOMRef  string `json:"bom-ref,omitempty"`
	Name    string `json:"name"`
	Version string `json:"version,omitempty"`
	PURL    string `json:"purl,omitempty"`
}

// Component is one SBOM component drawn from the corpus.
type Component struct {
	Package  *Package
	Position int
}

// Components draws an SBOM's components: VulnerablePerMille of them at a
// version some advisory affects (an advisory drawn uniformly, so popular
// packages come up more, then one of its affected versions), the rest at
// a version no advisory affects: half of those of packages with
// advisories, half of any package name. No purl appears twice.
func (c *Corpus) Components(o SBOMOptions) []Component {
	if o.VulnerablePerMille <= 0 {
		o.VulnerablePerMille = 100
	}
	r := rand.New(rand.NewPCG(o.Seed, 0x5b0f+uint64(o.Components)))
	vulnerable := o.Components * o.VulnerablePerMille / 1000
	seen := map[string]bool{}
	out := make([]Component, 0, o.Components)
	add := func(p *Package, k int) bool {
		u := p.PURL(k)
		if seen[u] {
			return false
		}
		seen[u] = true
		out = append(out, Component{p, k})
		return true
	}
	for len(out) < vulnerable {
		en := c.entries[r.IntN(len(c.entries))]
		p := c.pkg(en.key)
		add(p, nth(en.set, r.IntN(popcount(en.set))))
	}
	total := 0
	for _, w := range weights {
		total += w
	}
	for tries := 0; len(out) < o.Components; tries++ {
		var p *Package
		var k pkgKey
		if r.IntN(2) == 0 {
			k = c.entries[r.IntN(len(c.entries))].key
			p = c.pkg(k)
		} else {
			p = c.Package(pickEcosystem(r, total), r.IntN(c.opt.Names))
			k = pkgKey{uint8(p.Ecosystem.index()), int32(p.Index)}
		}
		clean := ^c.affected(k) & (1<<len(p.Versions) - 1)
		add(p, nth(clean, r.IntN(popcount(clean))))
		if tries > 100*o.Components {
			break // the corpus is too small for this many distinct purls
		}
	}
	// Interleave vulnerable and clean components.
	r.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	return out
}

func popcount(x uint64) int { return bits.OnesCount64(x) }

// nth returns the position of the n-th set bit of x (n from 0).
func nth(x uint64, n int) int {
	for k := 0; k < 64; k++ {
		if x&(1<<k) != 0 {
			if n == 0 {
				return k
			}
			n--
		}
	}
	panic("synth: nth beyond the set")
}

// Truth returns the expected (purl, advisory id) pairs of comps, sorted.
func (c *Corpus) Truth(comps []Component) []Pair {
	var out []Pair
	for _, cm := range comps {
		u := cm.Package.PURL(cm.Position)
		for _, a := range c.Affects(cm.Package, cm.Position) {
			out = append(out, Pair{u, c.ids[a]})
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].PURL != out[j].PURL {
			return out[i].PURL < out[j].PURL
		}
		return out[i].ID < out[j].ID
	})
	return out
}

// WriteSBOM writes comps as a CycloneDX 1.6 JSON SBOM. Each component's
// name is the package's full OSV name (@scope/name, group:artifact, the Go
// module path), because osv-scanner matches on the CycloneDX name field
// (osv-scalibr's sbom/cdx extractor); vigil matches on the purl.
func WriteSBOM(w io.Writer, comps []Component, seed uint64) error {
	bom := cdxBOM{
		BOMFormat: "CycloneDX", SpecVersion: "1.6", Version: 1,
		SerialNumber: fmt.Sprintf("urn:uuid:%08x-0000-4000-8000-%012x", seed&0xffffffff, len(comps)),
		Metadata: cdxMetadata{
			Timestamp: "2025-01-01T00:00:00Z",
			Tools:     cdxTools{Components: []cdxComponent{{Type: "application", Name: "vigil matchbench"}}},
			Component: cdxComponent{Type: "device", BOMRef: "device", Name: "Acme Infusion Pump", Version: "5.1.0"},
		},
		Components: make([]cdxComponent, 0, len(comps)),
	}
	for i, cm := range comps {
		p := cm.Package
		bom.Components = append(bom.Components, cdxComponent{
			Type: "library", BOMRef: fmt.Sprintf("c%d", i+1),
			Name: p.Name(), Version: p.SBOMVersion(cm.Position), PURL: p.PURL(cm.Position),
		})
	}
	bw := bufio.NewWriterSize(w, 1<<20)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(bom); err != nil {
		return err
	}
	return bw.Flush()
}

// ID returns advisory i's id and its alias (a CVE id, unique too).
func (c *Corpus) ID(i int) (id, alias string) { return c.ids[i], c.aliases[i] }

// WriteTruth writes pairs as tab-separated lines: purl, advisory id.
func WriteTruth(w io.Writer, pairs []Pair) error {
	bw := bufio.NewWriter(w)
	for _, p := range pairs {
		fmt.Fprintf(bw, "%s\t%s\n", p.PURL, p.ID)
	}
	return bw.Flush()
}

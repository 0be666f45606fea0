package purlrange

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/osv-scalibr/semantic"
	"github.com/package-url/packageurl-go"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/feed/feedtest"
	"github.com/vigil/vigil/internal/feed/osv"
	"github.com/vigil/vigil/internal/ingest"
	"github.com/vigil/vigil/internal/match"
	"github.com/vigil/vigil/internal/realdata"
)

// osvDir is the shared OSV test data.

// rawRecord is an OSV record as plain encoding/json reads it: the test's
// own view of the data, independent of internal/feed/osv.
type rawRecord struct {
	ID        string   `json:"id"`
	Aliases   []string `json:"aliases"`
	Withdrawn string   `json:"withdrawn"`
	Affected  []struct {
		Package struct {
			Ecosystem string `json:"ecosystem"`
			Name      string `json:"name"`
			PURL      string `json:"purl"`
		} `json:"package"`
		Ranges []struct {
			Type   string              `json:"type"`
			Repo   string              `json:"repo"`
			Events []map[string]string `json:"events"`
		} `json:"ranges"`
		Versions []string `json:"versions"`
	} `json:"affected"`
}

// realOSVFiles lists every OSV record file of the test data: all JSON but
// the schema, and of ghsa-conversion only the *.osv.json halves (the
// others are GitHub's own format).
func realOSVFiles(t testing.TB) []string {
	t.Helper()
	var files []string
	err := filepath.WalkDir(osvDir(t), func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		switch {
		case d.IsDir() && d.Name() == "schema":
			return filepath.SkipDir
		case d.IsDir() || !strings.HasSuffix(path, ".json"):
		case strings.Contains(path, "ghsa-conversion") && !strings.HasSuffix(path, ".osv.json"):
		default:
			files = append(files, path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 300 {
		t.Fatalf("found %d OSV files under %s, want the whole test data", len(files), osvDir(t))
	}
	return files
}

func readRaw(t testing.TB, path string) []rawRecord {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	b = bytes.TrimSpace(b)
	var recs []rawRecord
	if bytes.HasPrefix(b, []byte("[")) {
		err = json.Unmarshal(b, &recs)
	} else {
		var r rawRecord
		err = json.Unmarshal(b, &r)
		recs = append(recs, r)
	}
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return recs
}

// vuln converts the test's own decoding into the matcher's input.
func (r *rawRecord) vuln() *vigil.Vulnerability {
	v := &vigil.Vulnerability{ID: r.ID, Aliases: r.Aliases,
		Provenance: vigil.Provenance{Source: vigil.SourceOSV, SourceID: r.ID}}
	if r.Withdrawn != "" {
		w, err := time.Parse(time.RFC3339, r.Withdrawn)
		if err != nil {
			panic(fmt.Sprintf("%s: withdrawn %q: %v", r.ID, r.Withdrawn, err))
		}
		v.Withdrawn = w
	}
	for _, a := range r.Affected {
		ap := vigil.AffectedPackage{Ecosystem: vigil.Ecosystem(a.Package.Ecosystem), Name: a.Package.Name,
			PURL: a.Package.PURL, Versions: a.Versions}
		for _, rg := range a.Ranges {
			out := vigil.Range{Type: vigil.RangeType(rg.Type), Repo: rg.Repo}
			for _, ev := range rg.Events {
				for _, k := range []string{"introduced", "fixed", "last_affected", "limit"} {
					if ver, ok := ev[k]; ok {
						out.Events = append(out.Events, vigil.Event{Kind: vigil.EventKind(k), Version: ver})
					}
				}
			}
			ap.Ranges = append(ap.Ranges, out)
		}
		v.Affected = append(v.Affected, ap)
	}
	return v
}

// testPURL writes the purl a real SBOM would give a package of the OSV
// ecosystem and name at version: the inverse of FromPURL, written
// independently. Distribution releases go into the distro qualifier, RPM
// epochs into the epoch qualifier, Go versions get their "v" (stdlib its
// "go"). ok is false for ecosystems the test does not cover.
func testPURL(eco, name, version string) (string, bool) {
	base, release, _ := strings.Cut(eco, ":")
	var typ, ns string
	q := map[string]string{}
	switch base {
	case "npm":
		typ = "npm"
		if strings.HasPrefix(name, "@") {
			ns, name, _ = strings.Cut(name, "/")
		}
	case "PyPI":
		typ = "pypi"
	case "Maven":
		typ = "maven"
		ns, name, _ = strings.Cut(name, ":")
	case "Go":
		typ = "golang"
		if i := strings.LastIndexByte(name, '/'); i >= 0 {
			ns, name = name[:i], name[i+1:]
		}
		if name == "stdlib" || name == "toolchain" {
			version = "go" + version
		} else {
			version = "v" + version
		}
	case "crates.io":
		typ = "cargo"
	case "NuGet":
		typ = "nuget"
	case "RubyGems":
		typ = "gem"
	case "Packagist":
		typ = "composer"
		ns, name, _ = strings.Cut(name, "/")
	case "Bitnami":
		typ = "bitnami"
	case "Debian", "Ubuntu":
		typ, ns = "deb", strings.ToLower(base)
		if release != "" {
			q["distro"] = ns + "-" + release
		}
	case "AlmaLinux":
		typ, ns = "rpm", "almalinux"
		if release != "" {
			q["distro"] = "almalinux-" + release
		}
		if e, rest, ok := strings.Cut(version, ":"); ok {
			q["epoch"], version = e, rest
		}
	case "Alpine", "Chainguard", "Wolfi":
		typ, ns = "apk", strings.ToLower(base)
		if release != "" {
			q["distro"] = "alpine-" + strings.TrimPrefix(release, "v")
		}
	default:
		return "", false
	}
	p := packageurl.NewPackageURL(typ, ns, name, version, packageurl.QualifiersFromMap(q), "")
	return p.ToString(), true
}

// oracle decides independently whether version is affected by the
// entries of one record for (eco, name): it is listed in a versions list,
// or lies in an interval of a SEMVER or ECOSYSTEM range, the intervals
// being built by pairing each introduced with the next fixed (excluded) or
// last_affected (included) in version order. GIT ranges are ignored, as
// the matcher must ignore them. ok is false when a version does not parse.
func oracle(v *vigil.Vulnerability, eco, name, version string) (affected, ok bool) {
	base := strings.SplitN(eco, ":", 2)[0]
	for _, a := range v.Affected {
		if string(a.Ecosystem) != eco || a.Name != name {
			continue
		}
		if slices.Contains(a.Versions, version) {
			return true, true
		}
		for _, r := range a.Ranges {
			if r.Type == vigil.RangeGit {
				continue
			}
			p := func(s string) (semantic.Version, error) {
				if r.Type == vigil.RangeSemVer {
					return semantic.ParseSemverVersion(s), nil
				}
				return semantic.Parse(s, base)
			}
			x, err := p(version)
			if err != nil {
				return false, false
			}
			type pt struct {
				kind string
				v    semantic.Version // nil for "0"
			}
			var pts []pt
			for _, e := range r.Events {
				if e.Kind == vigil.Limit {
					continue // none in the test data's SEMVER/ECOSYSTEM ranges
				}
				if e.Kind == vigil.Introduced && e.Version == "0" {
					pts = append(pts, pt{string(e.Kind), nil})
					continue
				}
				w, err := p(e.Version)
				if err != nil {
					return false, false
				}
				pts = append(pts, pt{string(e.Kind), w})
			}
			cmpv := func(a, b semantic.Version) int { c, _ := a.Compare(b); return c }
			sort.SliceStable(pts, func(i, j int) bool {
				if pts[i].v == nil || pts[j].v == nil {
					return pts[i].v == nil && pts[j].v != nil
				}
				return cmpv(pts[i].v, pts[j].v) < 0
			})
			for i, s := range pts {
				if s.kind != "introduced" {
					continue
				}
				if s.v != nil && cmpv(x, s.v) < 0 {
					continue
				}
				// The interval closes at the next fixed or last_affected.
				open := true
				for _, e := range pts[i+1:] {
					if e.kind == "fixed" {
						open = cmpv(x, e.v) < 0
						break
					}
					if e.kind == "last_affected" {
						open = cmpv(x, e.v) <= 0
						break
					}
				}
				if open {
					return true, true
				}
			}
		}
	}
	return false, true
}

type probe struct {
	eco, name, version string
	kind               string // "listed", "introduced", "fixed", "last_affected"
	purl               string
}

// probes returns one probe per distinct component the record's own data
// suggests: each listed version and each event version of its SEMVER and
// ECOSYSTEM ranges, for every affected package with an ecosystem and name.
func probes(v *vigil.Vulnerability) (ps []probe, skipped int) {
	seen := map[string]bool{}
	add := func(eco, name, version, kind string) {
		purl, ok := testPURL(eco, name, version)
		if !ok {
			skipped++
			return
		}
		if seen[purl] {
			return
		}
		seen[purl] = true
		ps = append(ps, probe{eco, name, version, kind, purl})
	}
	for _, a := range v.Affected {
		if a.Ecosystem == "" || a.Name == "" {
			continue
		}
		for _, lv := range a.Versions {
			add(string(a.Ecosystem), a.Name, lv, "listed")
		}
		for _, r := range a.Ranges {
			if r.Type == vigil.RangeGit {
				continue
			}
			for _, e := range r.Events {
				if e.Version == "0" || e.Kind == vigil.Limit {
					continue
				}
				add(string(a.Ecosystem), a.Name, e.Version, string(e.Kind))
			}
		}
	}
	return ps, skipped
}

// TestMatch_RealOSV checks the matcher against every real OSV record in the
// project's test data (issue 5, item 5): each version a record lists as
// affected matches; each fixed version does not, unless another range or
// the versions list of the same package covers it (the oracle above, from
// the record's own data); introduced and last_affected versions match
// unless the oracle says otherwise. Withdrawn records match nothing.
func TestMatch_RealOSV(t *testing.T) {
	files := realOSVFiles(t)
	m := New()
	ctx := context.Background()
	var (
		records, withdrawn, noProbe, skippedEco int
		byKind                                  = map[string]int{}
		coveredFixed                            = map[string]int{}
		unsupported                             []string
		ecos                                    = map[string]int{}
	)
	for _, path := range files {
		for _, raw := range readRaw(t, path) {
			records++
			v := raw.vuln()
			ps, skipped := probes(v)
			skippedEco += skipped
			if len(ps) == 0 {
				noProbe++
			}
			var comps []*vigil.Component
			for i, p := range ps {
				comps = append(comps, &vigil.Component{Ref: fmt.Sprintf("c%d", i), PURL: p.purl})
			}
			res, err := m.Match(ctx, match.Record{Vuln: v}, match.NewSBOM(comps))
			if err != nil {
				t.Fatal(err)
			}
			for _, u := range res.Unsupported {
				unsupported = append(unsupported, filepath.Base(path)+": "+u)
			}
			got := map[string]vigil.Match{}
			for _, mt := range res.Matches {
				if _, dup := got[mt.ComponentRef]; dup {
					t.Errorf("%s: %s matched twice", v.ID, mt.ComponentRef)
				}
				got[mt.ComponentRef] = mt
			}
			if raw.Withdrawn != "" {
				withdrawn++
				if len(res.Matches) > 0 {
					t.Errorf("%s: withdrawn record matched %d components", v.ID, len(res.Matches))
				}
				continue
			}
			for i, p := range ps {
				want, ok := oracle(v, p.eco, p.name, p.version)
				if !ok {
					t.Errorf("%s: %s %s: version does not parse for the oracle", v.ID, p.kind, p.purl)
					continue
				}
				if p.kind == "listed" && !want {
					t.Fatalf("%s: oracle says listed %s is not affected", v.ID, p.purl)
				}
				byKind[p.kind]++
				ecos[strings.SplitN(p.eco, ":", 2)[0]]++
				if p.kind == "fixed" && want {
					coveredFixed[v.ID]++
				}
				mt, matched := got[fmt.Sprintf("c%d", i)]
				if matched != want {
					t.Errorf("%s (%s): %s %s: matched = %v, want %v", v.ID, path, p.kind, p.purl, matched, want)
					continue
				}
				if matched && (mt.VulnID != v.ID || mt.Evidence.Identifier != p.purl || mt.Evidence.Range == "" ||
					mt.Evidence.Source != v.Provenance || !slices.Equal(mt.Aliases, v.Aliases)) {
					t.Errorf("%s: %s: evidence %+v", v.ID, p.purl, mt)
				}
			}
		}
	}
	total := 0
	for _, n := range byKind {
		total += n
	}
	t.Logf("%d files, %d records (%d withdrawn, %d without a probe), %d versions checked: %v; by ecosystem %v",
		len(files), records, withdrawn, noProbe, total, byKind, ecos)
	t.Logf("fixed versions another range or list of the same package covers, by record: %v", coveredFixed)
	t.Logf("%d event/list versions of ecosystems the test builds no purl for", skippedEco)
	t.Logf("%d unsupported:\n%s", len(unsupported), strings.Join(unsupported, "\n"))
	if byKind["fixed"] < 500 || byKind["listed"] < 50 {
		t.Errorf("checked too little: %v", byKind)
	}
}

// TestMatch_RealOSVImported runs the same probes through the records as
// internal/feed/osv converts them: for every record the importer accepts,
// the matcher must find exactly what it finds with the test's own
// decoding.
func TestMatch_RealOSVImported(t *testing.T) {
	im, err := osv.New(ingest.Limits{}, osv.Config{})
	if err != nil {
		t.Fatal(err)
	}
	m := New()
	ctx := context.Background()
	compared := 0
	for _, path := range realOSVFiles(t) {
		raws := readRaw(t, path)
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		var sink feedtest.Sink
		_, err = im.Import(ctx, f, &sink)
		f.Close()
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		for _, raw := range raws {
			imported := sink.Vulnerability(raw.ID)
			if imported == nil {
				continue // rejected by the importer: covered by TestMatch_RealOSV
			}
			direct := raw.vuln()
			ps, _ := probes(direct)
			var comps []*vigil.Component
			for i, p := range ps {
				comps = append(comps, &vigil.Component{Ref: fmt.Sprintf("c%d", i), PURL: p.purl})
			}
			sbom := match.NewSBOM(comps)
			want, _ := m.Match(ctx, match.Record{Vuln: direct}, sbom)
			if raw.Withdrawn != "" {
				want = match.Result{}
			}
			got, _ := m.Match(ctx, match.Record{Vuln: imported}, sbom)
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("%s: imported record matches differently (-direct +imported)\n%s", raw.ID, diff)
			}
			compared++
		}
	}
	t.Logf("%d imported records compared", compared)
}

// osvDir is the shared test data folder osv.
func osvDir(t testing.TB) string {
	t.Helper()
	return realdata.Path(t, "osv")
}

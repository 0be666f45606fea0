// Command matchbench runs vigil and osv-scanner side by side on identical
// inputs and measures matching speed, memory and accuracy (issue 5, item
// 6; docs/performance.md, "Matching: vigil vs osv-scanner").
//
// It generates, into a work directory, one synthetic OSV corpus
// (internal/match/synth: ~200k advisories over npm, PyPI, Go, Maven,
// crates.io, Debian and Alpine) as osv-scanner's offline database
// (WORK/db/osv-scalibr/<Ecosystem>/all.zip), CycloneDX 1.6 JSON SBOMs of
// the chosen sizes with 10 % vulnerable components, and each SBOM's truth
// (the expected purl / advisory id pairs, from the generator's own
// construction). Then, for each SBOM:
//
//   - osv-scanner: scan source --offline --offline-vulnerabilities
//     --local-db-path WORK/db --all-vulns --format json -L SBOM, the zips
//     read on every run (that is how it works);
//   - vigil: the same zips imported once into a fresh SQLite store
//     (vigil feed import --skip-osv-schema, measured on its own), then
//     vigil scan SBOM -o json against it.
//
// Every run goes through /usr/bin/time -v: wall time, user+sys CPU and peak
// RSS. Outputs are parsed into (purl, advisory id) pairs — osv-scanner's
// results[].packages[], vigil's findings[] with status affected (vuln_id,
// or an alias) — and compared with the truth: recall and precision. It
// prints a table and writes WORK/matchbench.md (a markdown snippet) and
// WORK/results.json.
//
//	go run ./tools/matchbench                                  # everything, sizes 1k,10k,100k
//	go run ./tools/matchbench -sizes 1000,10000 -skip-vigil    # osv-scanner only
//	go run ./tools/matchbench -advisories 20000 -sizes 1000    # a quick smoke run
//
// osv-scanner: -osv-scanner PATH, else osv-scanner on $PATH, else
// $(go env GOPATH)/bin/osv-scanner; install it with
// go install github.com/google/osv-scanner/v2/cmd/osv-scanner@v2.5.0.
package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/package-url/packageurl-go"

	"github.com/vigil/vigil/internal/match/synth"
	"github.com/vigil/vigil/tools/internal/scale"
)

type options struct {
	work       string
	sizes      []int
	advisories int
	names      int
	seed       uint64
	vulnerable int
	osvScanner string
	vigil      string
	skipOSV    bool
	skipVigil  bool
	skipGen    bool
	osvMax     int
	timeout    time.Duration
	runs       int
	reuseDB    bool
}

func main() {
	var o options
	var sizes string
	flag.StringVar(&o.work, "work", filepath.Join(os.TempDir(), "vigil-matchbench"), "work directory (corpus, SBOMs, outputs)")
	flag.StringVar(&sizes, "sizes", "1000,10000,100000", "SBOM sizes (components), comma-separated")
	flag.IntVar(&o.advisories, "advisories", synth.DefaultAdvisories, "OSV advisories in the corpus")
	flag.IntVar(&o.names, "names", synth.DefaultNames, "package names per ecosystem")
	flag.Uint64Var(&o.seed, "seed", 1, "generator seed")
	flag.IntVar(&o.vulnerable, "vulnerable", 100, "vulnerable components per mille")
	flag.StringVar(&o.osvScanner, "osv-scanner", "", "osv-scanner binary (default: $PATH, then $(go env GOPATH)/bin)")
	flag.StringVar(&o.vigil, "vigil", "", "vigil binary (default: go build ./cmd/vigil into the work directory)")
	flag.BoolVar(&o.skipOSV, "skip-osv", false, "do not run osv-scanner")
	flag.BoolVar(&o.skipVigil, "skip-vigil", false, "do not run vigil")
	flag.BoolVar(&o.skipGen, "skip-gen", false, "reuse the corpus zips already in the work directory (same -seed, -advisories, -names); SBOMs and truth are always written")
	flag.IntVar(&o.osvMax, "osv-max", 0, "run osv-scanner only on SBOMs of at most this many components (0: all)")
	flag.DurationVar(&o.timeout, "timeout", time.Hour, "limit per tool run")
	flag.IntVar(&o.runs, "runs", 1, "run each tool this many times per SBOM; the table shows the medians")
	flag.BoolVar(&o.reuseDB, "reuse-import", false, "scan with the vigil store already in the work directory (WORK/vigil.db) instead of importing the corpus afresh")
	flag.Parse()
	for _, s := range strings.Split(sizes, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n <= 0 {
			fmt.Fprintf(os.Stderr, "matchbench: -sizes: %q is not a positive number\n", s)
			os.Exit(2)
		}
		o.sizes = append(o.sizes, n)
	}
	if o.runs < 1 {
		fmt.Fprintln(os.Stderr, "matchbench: -runs must be at least 1")
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, o); err != nil {
		fmt.Fprintln(os.Stderr, "matchbench:", err)
		os.Exit(1)
	}
}

// measure is what /usr/bin/time -v says of one run.
type measure struct {
	Wall    float64 `json:"wall_s"`
	CPU     float64 `json:"cpu_s"`
	PeakRSS int64   `json:"peak_rss_kb"`
	Exit    int     `json:"exit"`
}

// result is one tool on one SBOM.
type result struct {
	Tool       string  `json:"tool"`
	Components int     `json:"components"`
	measure            // of the scan
	Truth      int     `json:"truth_pairs"`
	Found      int     `json:"found_pairs"`
	TP         int     `json:"true_positives"`
	Recall     float64 `json:"recall"`
	Precision  float64 `json:"precision"`
	Unmapped   int     `json:"unmapped_findings"`
	Note       string  `json:"note,omitempty"`
	// Runs are the single runs the medians above come from, each with the
	// load average (1 min) just before it.
	Runs []runMeasure `json:"runs,omitempty"`
}

type runMeasure struct {
	measure
	Load string `json:"load"`
}

// repeat runs one tool o.runs times; it returns the median of each figure
// (wall, CPU and peak RSS taken apart) and every run.
func repeat(o options, run func() (*measure, error)) (*measure, []runMeasure, error) {
	var runs []runMeasure
	for range o.runs {
		l := scale.LoadAverage()
		m, err := run()
		if err != nil {
			return nil, nil, err
		}
		runs = append(runs, runMeasure{*m, l})
	}
	med := &measure{Exit: runs[len(runs)-1].Exit}
	pick := func(get func(measure) float64) float64 {
		xs := make([]float64, len(runs))
		for i, r := range runs {
			xs[i] = get(r.measure)
		}
		sort.Float64s(xs)
		if len(xs)%2 == 1 {
			return xs[len(xs)/2]
		}
		return (xs[len(xs)/2-1] + xs[len(xs)/2]) / 2
	}
	med.Wall = pick(func(m measure) float64 { return m.Wall })
	med.CPU = pick(func(m measure) float64 { return m.CPU })
	med.PeakRSS = int64(pick(func(m measure) float64 { return float64(m.PeakRSS) }))
	for _, r := range runs {
		if r.Exit != runs[0].Exit {
			med.Exit = r.Exit
		}
	}
	return med, runs, nil
}

type report struct {
	Started     time.Time          `json:"started"`
	Machine     string             `json:"machine"`
	LoadBefore  string             `json:"load_before"`
	LoadAfter   string             `json:"load_after"`
	OSVScanner  string             `json:"osv_scanner_version"`
	VigilCommit string             `json:"vigil_commit"`
	Corpus      *synth.CorpusStats `json:"corpus"`
	GenSeconds  float64            `json:"generate_s"`
	Import      *measure           `json:"vigil_import,omitempty"`
	Results     []result           `json:"results"`
	Commands    []string           `json:"commands"`
}

func run(ctx context.Context, o options) error {
	rep := &report{Started: time.Now().UTC(), Machine: machine(), LoadBefore: scale.LoadAverage()}
	if err := os.MkdirAll(o.work, 0o755); err != nil {
		return err
	}
	db := filepath.Join(o.work, "db")
	fmt.Printf("matchbench: work directory %s; load %s\n", o.work, rep.LoadBefore)

	// 1. Inputs. The corpus stays in memory for the truth.
	start := time.Now()
	if !o.skipGen {
		if err := os.RemoveAll(db); err != nil {
			return err
		}
	}
	var corpus *synth.Corpus
	var err error
	opt := synth.Options{Seed: o.seed, Advisories: o.advisories, Names: o.names}
	if o.skipGen {
		corpus, err = synth.Generate(opt, func(*synth.Record) error { return nil })
		rep.Corpus = &synth.CorpusStats{Advisories: o.advisories}
	} else {
		corpus, rep.Corpus, err = synth.WriteCorpus(db, opt)
	}
	if err != nil {
		return fmt.Errorf("corpus: %w", err)
	}
	truths := map[int][]synth.Pair{}
	boms := map[int]string{}
	for _, n := range o.sizes {
		comps := corpus.Components(synth.SBOMOptions{Components: n, VulnerablePerMille: o.vulnerable, Seed: o.seed})
		boms[n] = filepath.Join(o.work, fmt.Sprintf("sbom-%d.cdx.json", n))
		truths[n] = corpus.Truth(comps)
		if err := writeFile(boms[n], func(w io.Writer) error { return synth.WriteSBOM(w, comps, o.seed) }); err != nil {
			return err
		}
		if err := writeFile(filepath.Join(o.work, fmt.Sprintf("truth-%d.tsv", n)), func(w io.Writer) error {
			return synth.WriteTruth(w, truths[n])
		}); err != nil {
			return err
		}
	}
	rep.GenSeconds = time.Since(start).Seconds()
	fmt.Printf("matchbench: generated %d advisories (%d affected entries, %.0f MB of zips) and SBOMs %v in %.1f s\n",
		rep.Corpus.Advisories, rep.Corpus.Entries, float64(rep.Corpus.Bytes)/1e6, o.sizes, rep.GenSeconds)
	ids := map[string]string{} // advisory id or alias → advisory id
	for i := 0; i < corpus.Advisories(); i++ {
		id, alias := corpus.ID(i)
		ids[id], ids[alias] = id, id
	}
	zips := make([]string, 0, len(synth.Ecosystems))
	for _, e := range synth.Ecosystems {
		zips = append(zips, synth.ZipPath(db, e))
	}

	// 2. osv-scanner.
	if !o.skipOSV {
		bin, err := findOSVScanner(o.osvScanner)
		if err != nil {
			return err
		}
		if out, err := exec.CommandContext(ctx, bin, "--version").Output(); err == nil {
			rep.OSVScanner = strings.TrimPrefix(firstLine(string(out)), "osv-scanner version: ")
		}
		for _, n := range o.sizes {
			if o.osvMax > 0 && n > o.osvMax {
				continue
			}
			args := []string{"scan", "source", "--offline", "--offline-vulnerabilities", "--local-db-path", db, "--all-vulns", "--format", "json", "-L", boms[n]}
			rep.Commands = append(rep.Commands, strings.ReplaceAll("osv-scanner "+strings.Join(args, " "), o.work, "WORK"))
			out := filepath.Join(o.work, fmt.Sprintf("osv-scanner-%d.json", n))
			m, runs, err := repeat(o, func() (*measure, error) {
				return timed(ctx, o.timeout, out, filepath.Join(o.work, fmt.Sprintf("osv-scanner-%d.stderr", n)), nil, bin, args...)
			})
			if err != nil {
				return err
			}
			res := result{Tool: "osv-scanner", Components: n, measure: *m, Runs: runs}
			// osv-scanner exits 1 when it found vulnerabilities.
			if m.Exit != 0 && m.Exit != 1 {
				res.Note = fmt.Sprintf("exit %d (see %s)", m.Exit, strings.TrimSuffix(out, ".json")+".stderr")
			}
			found, unmapped, err := osvScannerPairs(out, ids)
			if err != nil {
				res.Note = strings.TrimSpace(res.Note + " " + err.Error())
			}
			score(&res, truths[n], found, unmapped)
			rep.Results = append(rep.Results, res)
			fmt.Println(line(res))
		}
	}

	// 3. vigil: build, import once, scan each SBOM.
	if !o.skipVigil {
		bin := o.vigil
		if bin == "" {
			bin = filepath.Join(o.work, "vigil")
			build := exec.CommandContext(ctx, "go", "build", "-o", bin, "./cmd/vigil")
			build.Stdout, build.Stderr = os.Stdout, os.Stderr
			if err := build.Run(); err != nil {
				return fmt.Errorf("go build ./cmd/vigil: %w", err)
			}
		}
		if o.vigil != "" {
			rep.VigilCommit = o.vigil
		} else if out, err := exec.CommandContext(ctx, "git", "rev-parse", "--short", "HEAD").Output(); err == nil {
			rep.VigilCommit = strings.TrimSpace(string(out))
		}
		store := filepath.Join(o.work, "vigil.db")
		env := append(os.Environ(), "VIGIL_DB=sqlite:"+store, "XDG_CONFIG_HOME="+filepath.Join(o.work, "config"))
		args := append([]string{"feed", "import", "--skip-osv-schema", "-o", "json"}, zips...)
		rep.Commands = append(rep.Commands, strings.ReplaceAll("VIGIL_DB=sqlite:WORK/vigil.db vigil "+strings.Join(args, " "), o.work, "WORK"))
		if !o.reuseDB {
			for _, suffix := range []string{"", "-wal", "-shm"} {
				if err := os.Remove(store + suffix); err != nil && !errors.Is(err, os.ErrNotExist) {
					return err
				}
			}
			imp := filepath.Join(o.work, "vigil-import.json")
			m, err := timed(ctx, o.timeout, imp, filepath.Join(o.work, "vigil-import.stderr"), env, bin, args...)
			if err != nil {
				return err
			}
			rep.Import = m
			if m.Exit != 0 {
				return fmt.Errorf("vigil feed import: exit %d (see %s)", m.Exit, filepath.Join(o.work, "vigil-import.stderr"))
			}
			fmt.Printf("vigil import: %.1f s wall, %.1f s CPU, %d MiB peak RSS, exit %d\n", m.Wall, m.CPU, m.PeakRSS/1024, m.Exit)
		}
		for _, n := range o.sizes {
			args := []string{"scan", boms[n], "-o", "json"}
			rep.Commands = append(rep.Commands, strings.ReplaceAll("VIGIL_DB=sqlite:WORK/vigil.db vigil "+strings.Join(args, " "), o.work, "WORK"))
			out := filepath.Join(o.work, fmt.Sprintf("vigil-%d.json", n))
			m, runs, err := repeat(o, func() (*measure, error) {
				return timed(ctx, o.timeout, out, filepath.Join(o.work, fmt.Sprintf("vigil-%d.stderr", n)), env, bin, args...)
			})
			if err != nil {
				return err
			}
			res := result{Tool: "vigil", Components: n, measure: *m, Runs: runs}
			if m.Exit != 0 {
				res.Note = fmt.Sprintf("exit %d (see %s)", m.Exit, strings.TrimSuffix(out, ".json")+".stderr")
			}
			found, unmapped, err := vigilPairs(out, ids)
			if err != nil {
				res.Note = strings.TrimSpace(res.Note + " " + err.Error())
			}
			score(&res, truths[n], found, unmapped)
			rep.Results = append(rep.Results, res)
			fmt.Println(line(res))
		}
	}
	rep.LoadAfter = scale.LoadAverage()

	fmt.Println()
	printTable(os.Stdout, rep)
	md := filepath.Join(o.work, "matchbench.md")
	if err := writeFile(md, func(w io.Writer) error { return markdown(w, rep) }); err != nil {
		return err
	}
	if err := writeFile(filepath.Join(o.work, "results.json"), func(w io.Writer) error {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(rep)
	}); err != nil {
		return err
	}
	fmt.Printf("\nwrote %s and %s\n", md, filepath.Join(o.work, "results.json"))
	return nil
}

func writeFile(name string, fn func(io.Writer) error) error {
	f, err := os.Create(name)
	if err != nil {
		return err
	}
	if err := fn(f); err != nil {
		f.Close()
		return fmt.Errorf("%s: %w", name, err)
	}
	return f.Close()
}

func findOSVScanner(flagValue string) (string, error) {
	if flagValue != "" {
		return flagValue, nil
	}
	if p, err := exec.LookPath("osv-scanner"); err == nil {
		return p, nil
	}
	if out, err := exec.Command("go", "env", "GOPATH").Output(); err == nil {
		p := filepath.Join(strings.TrimSpace(string(out)), "bin", "osv-scanner")
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
	}
	return "", errors.New("osv-scanner not found: go install github.com/google/osv-scanner/v2/cmd/osv-scanner@v2.5.0, or pass -osv-scanner")
}

// timed runs bin args under /usr/bin/time -v with stdout to out and
// stderr (time's report included) to errFile, and reads the report. A
// non-zero exit of the tool is returned in measure.Exit, not as an error.
func timed(ctx context.Context, limit time.Duration, out, errFile string, env []string, bin string, args ...string) (*measure, error) {
	ctx, cancel := context.WithTimeout(ctx, limit)
	defer cancel()
	stdout, err := os.Create(out)
	if err != nil {
		return nil, err
	}
	defer stdout.Close()
	var stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, "/usr/bin/time", append([]string{"-v", bin}, args...)...)
	cmd.Stdout, cmd.Stderr, cmd.Env = stdout, &stderr, env
	err = cmd.Run()
	if werr := os.WriteFile(errFile, stderr.Bytes(), 0o644); werr != nil {
		return nil, werr
	}
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		return nil, fmt.Errorf("%s: %w", bin, err)
	}
	if ctx.Err() != nil {
		return nil, fmt.Errorf("%s %s: %w", filepath.Base(bin), strings.Join(args, " "), ctx.Err())
	}
	m, err := parseTime(stderr.Bytes())
	if err != nil {
		return nil, fmt.Errorf("%s: /usr/bin/time -v: %w (see %s)", filepath.Base(bin), err, errFile)
	}
	return m, nil
}

// parseTime reads GNU time's -v report.
func parseTime(b []byte) (*measure, error) {
	m := &measure{}
	var seen int
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		k, v, ok := strings.Cut(strings.TrimSpace(sc.Text()), ": ")
		if !ok {
			continue
		}
		switch {
		case k == "User time (seconds)" || k == "System time (seconds)":
			f, _ := strconv.ParseFloat(v, 64)
			m.CPU += f
			seen++
		case strings.HasPrefix(k, "Elapsed (wall clock) time"):
			m.Wall = clock(v)
			seen++
		case k == "Maximum resident set size (kbytes)":
			m.PeakRSS, _ = strconv.ParseInt(v, 10, 64)
			seen++
		case k == "Exit status":
			m.Exit, _ = strconv.Atoi(v)
		}
	}
	if seen < 4 {
		return nil, errors.New("no report")
	}
	return m, nil
}

// clock reads h:mm:ss or m:ss.ss.
func clock(s string) float64 {
	var t float64
	for _, p := range strings.Split(s, ":") {
		f, _ := strconv.ParseFloat(p, 64)
		t = t*60 + f
	}
	return t
}

// pairSet holds pairs with canonical purls (canonical), since a tool may
// re-encode the purl it read (vigil writes "+" as "%2B").
type pairSet map[synth.Pair]bool

// canonical is the purl as packageurl-go writes it, or s if it does not
// parse.
func canonical(s string) string {
	p, err := packageurl.FromString(s)
	if err != nil {
		return s
	}
	return p.ToString()
}

// osvScannerPairs reads osv-scanner's JSON: results[].packages[] with the
// package (name, version, ecosystem) and its vulnerabilities' ids. The
// package is mapped back to its purl through the SBOM's own components
// (osv-scanner names SBOM packages by the component's name and version).
func osvScannerPairs(file string, ids map[string]string) (pairSet, int, error) {
	var doc struct {
		Results []struct {
			Source struct {
				Path string `json:"path"`
			} `json:"source"`
			Packages []struct {
				Package struct {
					Name      string `json:"name"`
					Version   string `json:"version"`
					Ecosystem string `json:"ecosystem"`
				} `json:"package"`
				Vulnerabilities []struct {
					ID      string   `json:"id"`
					Aliases []string `json:"aliases"`
				} `json:"vulnerabilities"`
			} `json:"packages"`
		} `json:"results"`
	}
	b, err := os.ReadFile(file)
	if err != nil {
		return nil, 0, err
	}
	if len(bytes.TrimSpace(b)) == 0 {
		return pairSet{}, 0, errors.New("empty output")
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		return nil, 0, fmt.Errorf("%s: %w", file, err)
	}
	// The purls of the SBOM beside the truth: same directory and size.
	purls, err := sbomPURLs(strings.Replace(strings.TrimSuffix(file, ".json"), "osv-scanner-", "sbom-", 1) + ".cdx.json")
	if err != nil {
		return nil, 0, err
	}
	out, unmapped := pairSet{}, 0
	for _, r := range doc.Results {
		for _, p := range r.Packages {
			eco, _, _ := strings.Cut(p.Package.Ecosystem, ":")
			u, ok := purls[pkgKey{eco, p.Package.Name, p.Package.Version}]
			for _, v := range p.Vulnerabilities {
				id, known := ids[v.ID]
				if !ok || !known {
					unmapped++
					continue
				}
				out[synth.Pair{PURL: canonical(u), ID: id}] = true
			}
		}
	}
	return out, unmapped, nil
}

type pkgKey struct{ eco, name, version string }

var purlEcosystem = map[string]string{"npm": "npm", "pypi": "PyPI", "golang": "Go", "maven": "Maven", "cargo": "crates.io", "deb": "Debian", "apk": "Alpine"}

func sbomPURLs(file string) (map[pkgKey]string, error) {
	var doc struct {
		Components []struct {
			Name    string `json:"name"`
			Version string `json:"version"`
			PURL    string `json:"purl"`
		} `json:"components"`
	}
	b, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	out := make(map[pkgKey]string, len(doc.Components))
	for _, c := range doc.Components {
		typ, _, _ := strings.Cut(strings.TrimPrefix(c.PURL, "pkg:"), "/")
		out[pkgKey{purlEcosystem[typ], c.Name, c.Version}] = c.PURL
	}
	return out, nil
}

// vigilPairs reads vigil scan -o json: findings[] whose status is
// affected, as (component.purl, vuln_id), vuln_id mapped to the advisory
// id directly or through the finding's aliases (vigil may key a finding by
// the CVE the advisory aliases).
func vigilPairs(file string, ids map[string]string) (pairSet, int, error) {
	var doc struct {
		Findings []struct {
			Component struct {
				PURL string `json:"purl"`
			} `json:"component"`
			VulnID  string   `json:"vuln_id"`
			Aliases []string `json:"aliases"`
			Status  string   `json:"status"`
		} `json:"findings"`
	}
	b, err := os.ReadFile(file)
	if err != nil {
		return nil, 0, err
	}
	if len(bytes.TrimSpace(b)) == 0 {
		return pairSet{}, 0, errors.New("empty output")
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		return nil, 0, fmt.Errorf("%s: %w", file, err)
	}
	out, unmapped := pairSet{}, 0
	for _, f := range doc.Findings {
		if f.Status != "affected" {
			continue
		}
		id, ok := ids[f.VulnID]
		for _, a := range f.Aliases {
			if ok {
				break
			}
			id, ok = ids[a]
		}
		if !ok {
			unmapped++
			continue
		}
		out[synth.Pair{PURL: canonical(f.Component.PURL), ID: id}] = true
	}
	return out, unmapped, nil
}

func score(r *result, truth []synth.Pair, found pairSet, unmapped int) {
	r.Truth, r.Found, r.Unmapped = len(truth), len(found)+unmapped, unmapped
	for _, p := range truth {
		if found[synth.Pair{PURL: canonical(p.PURL), ID: p.ID}] {
			r.TP++
		}
	}
	if r.Truth > 0 {
		r.Recall = float64(r.TP) / float64(r.Truth)
	}
	if r.Found > 0 {
		r.Precision = float64(r.TP) / float64(r.Found)
	}
}

func pct(x float64) string { return fmt.Sprintf("%.2f %%", 100*x) }

// precision is n/a when nothing was reported.
func precision(r result) string {
	if r.Found == 0 {
		return "n/a"
	}
	return pct(r.Precision)
}

func line(r result) string {
	return fmt.Sprintf("%-11s %7d components: %8.1f s wall, %8.1f s CPU, %6d MiB peak RSS, recall %s, precision %s (%d/%d truth pairs, %d found) %s",
		r.Tool, r.Components, r.Wall, r.CPU, r.PeakRSS/1024, pct(r.Recall), precision(r), r.TP, r.Truth, r.Found, r.Note)
}

func printTable(w io.Writer, rep *report) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "tool\tcomponents\twall s\tCPU s\tpeak RSS MiB\ttruth pairs\tfound\trecall\tprecision\t")
	for _, r := range rep.Results {
		fmt.Fprintf(tw, "%s\t%d\t%.1f\t%.1f\t%d\t%d\t%d\t%s\t%s\t\n", r.Tool, r.Components, r.Wall, r.CPU, r.PeakRSS/1024, r.Truth, r.Found, pct(r.Recall), precision(r))
	}
	tw.Flush()
	if rep.Import != nil {
		fmt.Fprintf(w, "vigil feed import (once, not in the scan times): %.1f s wall, %.1f s CPU, %d MiB peak RSS\n", rep.Import.Wall, rep.Import.CPU, rep.Import.PeakRSS/1024)
	}
	for _, l := range ratios(rep) {
		fmt.Fprintln(w, l)
	}
	fmt.Fprintf(w, "load average before: %s; after: %s\n", rep.LoadBefore, rep.LoadAfter)
}

// ratios compares the tools on each SBOM both ran on.
func ratios(rep *report) []string {
	var out []string
	for _, o := range rep.Results {
		if o.Tool != "osv-scanner" {
			continue
		}
		for _, v := range rep.Results {
			if v.Tool == "vigil" && v.Components == o.Components && v.Wall > 0 && v.CPU > 0 {
				out = append(out, fmt.Sprintf("%s components: vigil %.1f× faster in wall time, %.1f× in CPU time, %.0f %% of osv-scanner's peak RSS.",
					thousands(o.Components), o.Wall/v.Wall, o.CPU/v.CPU, 100*float64(v.PeakRSS)/float64(o.PeakRSS)))
			}
		}
	}
	return out
}

func markdown(w io.Writer, rep *report) error {
	fmt.Fprintf(w, "Run %s on %s; osv-scanner %s; vigil %s. Load average before: %s; after: %s.\n",
		rep.Started.Format("2006-01-02 15:04 UTC"), rep.Machine, orDash(rep.OSVScanner), orDash(rep.VigilCommit), rep.LoadBefore, rep.LoadAfter)
	c := rep.Corpus
	fmt.Fprintf(w, "Corpus: %d advisories, %d affected entries, %.0f MB of all.zip; generated with the SBOMs in %.0f s.\n\n",
		c.Advisories, c.Entries, float64(c.Bytes)/1e6, rep.GenSeconds)
	fmt.Fprintln(w, "| tool | components | runs | wall (median) | CPU user+sys (median) | peak RSS (median) | load (1 min) before each run | truth pairs | reported | recall | precision |")
	fmt.Fprintln(w, "|---|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|")
	for _, r := range rep.Results {
		var loads []string
		for _, x := range r.Runs {
			l, _, _ := strings.Cut(x.Load, " ")
			loads = append(loads, l)
		}
		fmt.Fprintf(w, "| %s | %s | %d | %.2f s | %.2f s | %d MiB | %s | %s | %s | %s | %s |\n", r.Tool, thousands(r.Components), len(r.Runs), r.Wall, r.CPU, r.PeakRSS/1024,
			strings.Join(loads, ", "), thousands(r.Truth), thousands(r.Found), pct(r.Recall), precision(r))
	}
	for _, l := range ratios(rep) {
		fmt.Fprintf(w, "\n%s\n", l)
	}
	if rep.Import != nil {
		fmt.Fprintf(w, "\nvigil feed import of the same zips into a fresh SQLite store (once, before the scans): %.1f s wall, %.1f s CPU, %d MiB peak RSS.\n",
			rep.Import.Wall, rep.Import.CPU, rep.Import.PeakRSS/1024)
	}
	fmt.Fprintln(w, "\n```sh")
	for _, c := range rep.Commands {
		fmt.Fprintln(w, c)
	}
	_, err := fmt.Fprintln(w, "```")
	return err
}

func thousands(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func firstLine(s string) string {
	l, _, _ := strings.Cut(strings.TrimSpace(s), "\n")
	return l
}

func machine() string {
	model := "?"
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, l := range strings.Split(string(b), "\n") {
			if k, v, ok := strings.Cut(l, ":"); ok && strings.TrimSpace(k) == "model name" {
				model = strings.TrimSpace(v)
				break
			}
		}
	}
	return fmt.Sprintf("%d cores (%s), %s", runtime.NumCPU(), model, runtime.Version())
}

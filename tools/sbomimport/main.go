// Command sbomimport measures a whole SBOM import into a store: it generates
// a synthetic SBOM (internal/sbom/synth) into a temporary file, opens and
// migrates a SQLite or PostgreSQL store, creates an organization, product
// and release through the service, and times service.ImportSBOM of the
// file. It prints one line: store, format, components, dependencies,
// seconds, components/s and the process's peak RSS (VmHWM). The harness
// behind docs/performance.md ("SBOM import into the store").
//
//	go build -o /tmp/sbomimport ./tools/sbomimport
//	/tmp/sbomimport -n 100000                                  # SQLite in a temporary directory
//	/tmp/sbomimport -n 100000 -db postgres://postgres@127.0.0.1:5432/test?sslmode=disable
//	/usr/bin/time -v /tmp/sbomimport -sbom big.json            # an existing file
//
// The SBOM is generated in a child process (the generator holds the whole
// document in memory, about 560 MB for 300k components), so the parent's
// peak RSS is the import's alone. /usr/bin/time -v reports the largest of
// the process and its children, so to confirm the figure with it, generate
// the file first (tools/sbomgen) and pass it with -sbom.
//
// On PostgreSQL every run uses a schema of its own (search_path), dropped
// at the end unless -keep is given. A SQLite -db path must not exist yet;
// without -db the database is a file in a temporary directory, removed at
// the end unless -keep is given.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"strconv"
	"time"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/app"
	"github.com/vigil/vigil/internal/sbom"
	"github.com/vigil/vigil/internal/sbom/synth"
	"github.com/vigil/vigil/tools/internal/scale"
)

type options struct {
	n          int
	format     string
	seed       uint64
	db         string
	file       string
	keep       bool
	cpuProfile string
	memProfile string
	writeOnly  string
}

func main() {
	var o options
	flag.IntVar(&o.n, "n", 1000, "number of components to generate")
	flag.StringVar(&o.format, "format", string(sbom.KindCycloneDXJSON), fmt.Sprintf("format to generate, one of %v", sbom.Kinds))
	flag.Uint64Var(&o.seed, "seed", 1, "generator seed")
	flag.StringVar(&o.db, "db", "", "SQLite file (must not exist) or postgres:// URL; empty: SQLite in a temporary directory")
	flag.StringVar(&o.file, "sbom", "", "import this file instead of generating one (-n, -format and -seed are ignored)")
	flag.BoolVar(&o.keep, "keep", false, "keep the temporary SQLite file or the PostgreSQL schema")
	flag.StringVar(&o.cpuProfile, "cpuprofile", "", "write a CPU profile of the import to this file")
	flag.StringVar(&o.memProfile, "memprofile", "", "write a heap profile (allocations) at the end of the import to this file")
	flag.StringVar(&o.writeOnly, "write-only", "", "only generate the SBOM into this file and exit (what the harness runs in its child)")
	flag.Parse()
	if flag.NArg() != 0 {
		fmt.Fprintln(os.Stderr, "sbomimport: unexpected arguments:", flag.Args())
		os.Exit(2)
	}
	if !sbom.Kind(o.format).Valid() {
		fmt.Fprintf(os.Stderr, "sbomimport: unknown format %q, want one of %v\n", o.format, sbom.Kinds)
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	var err error
	if o.writeOnly != "" {
		err = generate(o.writeOnly, o)
	} else {
		err = run(ctx, o)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "sbomimport:", err)
		os.Exit(1)
	}
}

// generate writes the synthetic SBOM to path.
func generate(path string, o options) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := synth.Write(f, sbom.Kind(o.format), synth.Options{Components: o.n, Seed: o.seed}); err != nil {
		f.Close()
		return fmt.Errorf("generate: %w", err)
	}
	return f.Close()
}

// generateInChild runs this program with -write-only, so the generator's
// memory never counts towards this process's peak RSS.
func generateInChild(ctx context.Context, path string, o options) error {
	self, err := os.Executable()
	if err != nil {
		return err
	}
	cmd := exec.CommandContext(ctx, self, "-n", strconv.Itoa(o.n), "-format", o.format,
		"-seed", strconv.FormatUint(o.seed, 10), "-write-only", path)
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("generate in a child process: %w", err)
	}
	return nil
}

func run(ctx context.Context, o options) (err error) {
	tmp, err := os.MkdirTemp("", "sbomimport-")
	if err != nil {
		return err
	}
	defer func() {
		if o.keep && o.db == "" {
			fmt.Fprintln(os.Stderr, "sbomimport: kept", tmp)
			return
		}
		os.RemoveAll(tmp)
	}()

	path := o.file
	if path == "" {
		path = filepath.Join(tmp, "sbom")
		genStart := time.Now()
		if err := generateInChild(ctx, path, o); err != nil {
			return err
		}
		fmt.Fprintf(os.Stderr, "sbomimport: generated %d components (%s) in %.1f s\n", o.n, o.format, time.Since(genStart).Seconds())
	}
	fi, err := os.Stat(path)
	if err != nil {
		return err
	}

	st, backend, closeStore, err := scale.OpenStore(ctx, o.db, tmp, "vigil_scale_", o.keep)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, closeStore()) }()

	svc := app.New(st)
	slug := "scale-" + scale.RandomHex(4)
	if _, err := svc.Access.CreateOrg(ctx, vigil.OrgInput{Slug: slug, Kind: vigil.Manufacturer}); err != nil {
		return err
	}
	sc, _, err := svc.Access.ScopeFor(ctx, slug, "sbomimport")
	if err != nil {
		return err
	}
	p, err := svc.Catalog.CreateProduct(ctx, sc, vigil.ProductInput{Name: "Scale Pump", Manufacturer: "Acme Medical"})
	if err != nil {
		return err
	}
	rel, err := svc.Catalog.CreateRelease(ctx, sc, p.ID, vigil.ReleaseInput{Version: "1.0"})
	if err != nil {
		return err
	}

	in, err := os.Open(path)
	if err != nil {
		return err
	}
	defer in.Close()
	if o.cpuProfile != "" {
		pf, err := os.Create(o.cpuProfile)
		if err != nil {
			return err
		}
		defer pf.Close()
		if err := pprof.StartCPUProfile(pf); err != nil {
			return err
		}
	}
	start := time.Now()
	res, err := svc.Inventory.ImportSBOM(ctx, sc, rel.ID, in)
	elapsed := time.Since(start)
	if o.cpuProfile != "" {
		pprof.StopCPUProfile()
	}
	if err != nil {
		return err
	}
	if o.memProfile != "" {
		if err := writeHeapProfile(o.memProfile); err != nil {
			return err
		}
	}
	d := res.Document
	if o.file == "" && d.Components != o.n {
		return fmt.Errorf("stored %d components, generated %d", d.Components, o.n)
	}
	hwm, err := scale.PeakRSS()
	if err != nil {
		return err
	}
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	fmt.Printf("store=%s format=%s-%s spec=%s bytes=%d components=%d dependencies=%d seconds=%.2f components_per_s=%.0f peak_rss_mb=%.1f heap_sys_mb=%.1f gc=%d\n",
		backend, d.Format, d.Encoding, d.SpecVersion, fi.Size(), d.Components, d.Dependencies, elapsed.Seconds(),
		float64(d.Components)/elapsed.Seconds(), float64(hwm)/(1<<20), float64(ms.HeapSys)/(1<<20), ms.NumGC)
	return nil
}

func writeHeapProfile(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := pprof.Lookup("allocs").WriteTo(f, 0); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// Command kbimport measures a full knowledge-base import into a store: it
// writes a synthetic feed (internal/feed/synth: an NVD CVE API 2.0
// response, or an osv.dev-style all.zip) into a temporary file, opens and
// migrates a SQLite or PostgreSQL store, and times service.ImportFeeds of
// the file, then a second import of the same file (every record unchanged,
// what a daily sync mostly sees). It prints one line per import: store,
// source, records, accepted/unchanged/rejected, seconds, records/s, the CPU
// time the process spent (on a busy machine the wall clock also counts
// waiting for a core) and the process's peak RSS (VmHWM). The harness
// behind docs/performance.md ("Knowledge-base import into the store").
//
//	go build -o /tmp/kbimport ./tools/kbimport
//	/tmp/kbimport -source nvd -n 300000                       # SQLite in a temporary directory
//	/tmp/kbimport -source osv -n 500000 -skip-osv-schema -db postgres://postgres@127.0.0.1:5432/test?sslmode=disable
//	/usr/bin/time -v /tmp/kbimport -source nvd -n 300000 -reimport=false   # confirm the peak RSS
//
// The generators stream, so the corpus is written in this process; the peak
// RSS is reset (/proc/self/clear_refs) before each import, so each figure is
// that import's own. The reset also lowers what /usr/bin/time -v reports
// (the same kernel counter, read at exit): it shows the last import's peak,
// so confirm the first import's figure with -reimport=false.
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
	"os/signal"
	"path/filepath"
	"runtime/pprof"
	"syscall"
	"time"

	"github.com/vigil/vigil/internal/app"
	"github.com/vigil/vigil/internal/app/knowledge"
	"github.com/vigil/vigil/internal/feed"
	"github.com/vigil/vigil/internal/feed/synth"
	"github.com/vigil/vigil/tools/internal/scale"
)

type options struct {
	source        string
	n             int
	seed          uint64
	db            string
	file          string
	skipOSVSchema bool
	reimport      bool
	keep          bool
	cpuProfile    string
}

func main() {
	var o options
	flag.StringVar(&o.source, "source", "nvd", "synthetic feed to generate: nvd (one CVE API 2.0 response) or osv (an all.zip)")
	flag.IntVar(&o.n, "n", 1000, fmt.Sprintf("number of records to generate (the real NVD: %d, OSV: %d)", synth.NVDSize, synth.OSVSize))
	flag.Uint64Var(&o.seed, "seed", 1, "generator seed")
	flag.StringVar(&o.db, "db", "", "SQLite file (must not exist) or postgres:// URL; empty: SQLite in a temporary directory")
	flag.StringVar(&o.file, "feed", "", "import this file instead of generating one (-source, -n and -seed are ignored)")
	flag.BoolVar(&o.skipOSVSchema, "skip-osv-schema", false, "skip the OSV JSON-schema check (knowledge.FeedOptions.SkipOSVSchema)")
	flag.BoolVar(&o.reimport, "reimport", true, "time a second import of the same file (every record unchanged)")
	flag.BoolVar(&o.keep, "keep", false, "keep the temporary files or the PostgreSQL schema")
	flag.StringVar(&o.cpuProfile, "cpuprofile", "", "write CPU profiles of the imports to this file (the second import to FILE.reimport)")
	flag.Parse()
	if flag.NArg() != 0 {
		fmt.Fprintln(os.Stderr, "kbimport: unexpected arguments:", flag.Args())
		os.Exit(2)
	}
	if o.source != "nvd" && o.source != "osv" {
		fmt.Fprintf(os.Stderr, "kbimport: -source %q: want nvd or osv\n", o.source)
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, o); err != nil {
		fmt.Fprintln(os.Stderr, "kbimport:", err)
		os.Exit(1)
	}
}

// generate writes the synthetic corpus to a file in dir.
func generate(dir string, o options) (string, error) {
	path := filepath.Join(dir, "nvd.json")
	write := synth.NVD
	if o.source == "osv" {
		path, write = filepath.Join(dir, "all.zip"), synth.OSVZip
	}
	f, err := os.Create(path)
	if err != nil {
		return "", err
	}
	if err := write(f, o.n, o.seed); err != nil {
		f.Close()
		return "", fmt.Errorf("generate: %w", err)
	}
	return path, f.Close()
}

func run(ctx context.Context, o options) (err error) {
	tmp, err := os.MkdirTemp("", "kbimport-")
	if err != nil {
		return err
	}
	defer func() {
		if o.keep {
			fmt.Fprintln(os.Stderr, "kbimport: kept", tmp)
			return
		}
		os.RemoveAll(tmp)
	}()

	path := o.file
	if path == "" {
		genStart := time.Now()
		if path, err = generate(tmp, o); err != nil {
			return err
		}
		fmt.Fprintf(os.Stderr, "kbimport: generated %d %s records in %.1f s\n", o.n, o.source, time.Since(genStart).Seconds())
	}
	fi, err := os.Stat(path)
	if err != nil {
		return err
	}

	st, backend, closeStore, err := scale.OpenStore(ctx, o.db, tmp, "vigil_kbscale_", o.keep)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, closeStore()) }()
	svc := app.New(st)
	opt := knowledge.FeedOptions{SkipOSVSchema: o.skipOSVSchema}

	passes := []string{"first", "reimport"}
	if !o.reimport {
		passes = passes[:1]
	}
	for i, pass := range passes {
		profile := o.cpuProfile
		if profile != "" && i > 0 {
			profile += "." + pass
		}
		rep, elapsed, cpu, hwm, err := importOnce(ctx, svc, path, opt, profile)
		if err != nil {
			return fmt.Errorf("%s import: %w", pass, err)
		}
		if err := check(rep, pass, o); err != nil {
			return err
		}
		fmt.Printf("store=%s source=%s pass=%s schema_checked=%t bytes=%d records=%d accepted=%d unchanged=%d rejected=%d seconds=%.2f records_per_s=%.0f cpu_seconds=%.2f peak_rss_mb=%.1f\n",
			backend, sourceName(o, path), pass, o.source == "osv" && !o.skipOSVSchema, fi.Size(), rep.Records, rep.Accepted, rep.Unchanged, rep.Rejected,
			elapsed.Seconds(), float64(rep.Records)/elapsed.Seconds(), cpu.Seconds(), float64(hwm)/(1<<20))
	}
	return nil
}

func sourceName(o options, path string) string {
	if o.file != "" {
		return filepath.Base(path)
	}
	return o.source
}

// importOnce times one svc.ImportFeeds of path and returns its wall-clock
// time, the CPU time this process spent on it (user and system; on a
// shared machine the wall clock also counts waiting for a core, and a
// PostgreSQL server's own work is not in it) and the process's peak RSS
// during it.
func importOnce(ctx context.Context, svc *app.App, path string, opt knowledge.FeedOptions, profile string) (rep feed.Report, elapsed, cpu time.Duration, hwm int64, err error) {
	scale.ResetPeakRSS()
	if profile != "" {
		pf, err := os.Create(profile)
		if err != nil {
			return rep, 0, 0, 0, err
		}
		defer pf.Close()
		if err := pprof.StartCPUProfile(pf); err != nil {
			return rep, 0, 0, 0, err
		}
	}
	cpu0 := cpuTime()
	start := time.Now()
	rep, err = svc.Knowledge.ImportFeeds(ctx, []string{path}, opt)
	elapsed = time.Since(start)
	cpu = cpuTime() - cpu0
	if profile != "" {
		pprof.StopCPUProfile()
	}
	if err != nil {
		return rep, elapsed, cpu, 0, err
	}
	hwm, err = scale.PeakRSS()
	return rep, elapsed, cpu, hwm, err
}

// cpuTime is the user and system CPU time this process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// check makes sure the import did what a benchmark assumes: every
// generated record read, none rejected, all stored the first time and all
// unchanged the second.
func check(rep feed.Report, pass string, o options) error {
	if rep.Rejected != 0 {
		return fmt.Errorf("%s import: %d records rejected, e.g. %+v", pass, rep.Rejected, rep.Problems[:min(3, len(rep.Problems))])
	}
	if o.file != "" {
		return nil
	}
	want := feed.Report{Records: o.n, Accepted: o.n}
	got := feed.Report{Records: rep.Records, Accepted: rep.Accepted, Unchanged: rep.Unchanged}
	if pass != "first" {
		want = feed.Report{Records: o.n, Unchanged: o.n}
	}
	if got.Records != want.Records || got.Accepted != want.Accepted || got.Unchanged != want.Unchanged {
		return fmt.Errorf("%s import: records/accepted/unchanged %d/%d/%d, want %d/%d/%d", pass,
			got.Records, got.Accepted, got.Unchanged, want.Records, want.Accepted, want.Unchanged)
	}
	return nil
}

// Command scanprofile runs one vigil CLI command in-process, as the vigil
// binary would, under the Go profiler: a CPU profile of the whole command
// and a heap profile at its end. It is how the figures of vigil scan in
// docs/performance.md ("Matching: vigil vs osv-scanner") were explained.
//
//	go run ./tools/scanprofile -db WORK/vigil.db -cpuprofile cpu.out -- scan WORK/sbom-10000.cdx.json -o json
//	go tool pprof -top cpu.out
//
// Standard output of the command goes to -out (default: discarded), so
// that writing it to a terminal is not what is measured.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime"
	"runtime/pprof"
	"time"

	"github.com/vigil/vigil/internal/app"
	"github.com/vigil/vigil/internal/cli"
	"github.com/vigil/vigil/internal/store/sqlite"
)

func main() {
	db := flag.String("db", "", "SQLite store (required)")
	cpu := flag.String("cpuprofile", "", "write a CPU profile of the command to this file")
	mem := flag.String("memprofile", "", "write a heap profile (in use at the end, and allocations) to this file")
	out := flag.String("out", "", "write the command's standard output to this file (default: discard)")
	flag.Parse()
	if *db == "" || flag.NArg() == 0 {
		fmt.Fprintln(os.Stderr, "usage: scanprofile -db FILE [-cpuprofile F] [-memprofile F] [-out F] -- vigil-args...")
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, *db, *cpu, *mem, *out, flag.Args()); err != nil {
		fmt.Fprintln(os.Stderr, "scanprofile:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, db, cpu, mem, out string, args []string) error {
	var stdout io.Writer = io.Discard
	if out != "" {
		f, err := os.Create(out)
		if err != nil {
			return err
		}
		defer f.Close()
		stdout = f
	}
	env := cli.Env{
		Stdin:  os.Stdin,
		Stdout: stdout,
		Stderr: os.Stderr,
		Getenv: func(k string) string {
			if k == "VIGIL_DB" {
				return "sqlite:" + db
			}
			return os.Getenv(k)
		},
		Version: "scanprofile",
		Open: func(ctx context.Context, _ string, _ bool, opts ...app.Option) (*app.App, error) {
			st, err := sqlite.Open(ctx, db)
			if err != nil {
				return nil, err
			}
			return app.New(st, opts...), nil
		},
	}
	if cpu != "" {
		f, err := os.Create(cpu)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
	}
	start := time.Now()
	code := cli.Main(ctx, args, env)
	wall := time.Since(start)
	if cpu != "" {
		pprof.StopCPUProfile()
	}
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	fmt.Fprintf(os.Stderr, "scanprofile: exit %d, %.2f s wall, %d MiB heap in use at the end, %d MiB allocated in all, %d GCs\n",
		code, wall.Seconds(), ms.HeapInuse>>20, ms.TotalAlloc>>20, ms.NumGC)
	if mem != "" {
		f, err := os.Create(mem)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.Lookup("allocs").WriteTo(f, 0); err != nil {
			return err
		}
	}
	return nil
}

// Command load is vigil's load harness (make load, docs/performance.md): it
// starts a real `vigil serve` on a loopback port over a fresh store (a new
// SQLite file, or a fresh schema of a PostgreSQL database, dropped
// afterwards), then runs N concurrent clients on read and write routes of
// the API for a fixed number of requests, and stops by itself at that count
// or at the time limit, whichever comes first. It prints, per kind of
// route, throughput, p50/p99/max latency and errors, with the machine's
// load average beside them.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/vigil/vigil/tools/internal/scale"
)

type options struct {
	vigil    string
	db       string
	clients  int
	requests int
	limit    time.Duration
	writes   float64
}

func main() {
	var o options
	flag.StringVar(&o.vigil, "vigil", "bin/vigil", "the vigil binary to serve with")
	flag.StringVar(&o.db, "db", "", "PostgreSQL URL to test on (a fresh schema is created and dropped); empty: a new SQLite file")
	flag.IntVar(&o.clients, "clients", 32, "concurrent clients")
	flag.IntVar(&o.requests, "requests", 8000, "requests in all, then stop")
	flag.DurationVar(&o.limit, "time", 2*time.Minute, "stop after this long even if requests remain")
	flag.Float64Var(&o.writes, "writes", 0.3, "share of requests that write")
	flag.Parse()
	if err := run(o); err != nil {
		fmt.Fprintln(os.Stderr, "load:", err)
		os.Exit(1)
	}
}

func run(o options) error {
	if o.clients < 1 || o.requests < 1 || o.writes < 0 || o.writes > 1 {
		return errors.New("need -clients ≥ 1, -requests ≥ 1 and 0 ≤ -writes ≤ 1")
	}
	ctx, stop := context.WithTimeout(context.Background(), o.limit+time.Minute)
	defer stop()
	tmp, err := os.MkdirTemp("", "vigil-load-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)

	db, backend := "sqlite:"+filepath.Join(tmp, "vigil.db"), "sqlite"
	if o.db != "" {
		schema := fmt.Sprintf("vigil_load_%d", time.Now().UnixNano())
		if err := scale.AdminExec(ctx, o.db, "CREATE SCHEMA "+pgx.Identifier{schema}.Sanitize()); err != nil {
			return fmt.Errorf("create schema: %w", err)
		}
		defer scale.AdminExec(context.WithoutCancel(ctx), o.db, "DROP SCHEMA "+pgx.Identifier{schema}.Sanitize()+" CASCADE")
		sep := "?"
		if strings.Contains(o.db, "?") {
			sep = "&"
		}
		db, backend = o.db+sep+"search_path="+schema, "postgres"
	}
	env := append(os.Environ(), "VIGIL_DB="+db, "VIGIL_LOG_LEVEL=warn", "XDG_CONFIG_HOME="+tmp)
	vigil := func(args ...string) (string, error) {
		cmd := exec.CommandContext(ctx, o.vigil, args...)
		cmd.Env = env
		out, err := cmd.CombinedOutput()
		if err != nil {
			return "", fmt.Errorf("vigil %s: %w: %s", strings.Join(args, " "), err, out)
		}
		return string(out), nil
	}
	if _, err := vigil("db", "migrate"); err != nil {
		return err
	}
	if _, err := vigil("org", "create", "load", "--kind", "manufacturer"); err != nil {
		return err
	}
	out, err := vigil("token", "create", "load")
	if err != nil {
		return err
	}
	secret := regexp.MustCompile(`vgl_[A-Za-z0-9_-]+`).FindString(out)
	if secret == "" {
		return fmt.Errorf("no token in %q", out)
	}

	srv, err := scale.StartServe(ctx, o.vigil, nil, env, os.Stderr)
	if err != nil {
		return err
	}
	defer srv.Stop()
	base := srv.Base
	c := &client{base: base, token: secret, http: &http.Client{
		Timeout:   30 * time.Second,
		Transport: &http.Transport{MaxIdleConnsPerHost: o.clients, MaxConnsPerHost: o.clients},
	}}
	var product struct {
		ID int64 `json:"id"`
	}
	if _, err := c.do(ctx, "POST", "/api/v1/products", map[string]any{"name": "load-seed", "manufacturer": "Load"}, &product); err != nil {
		return fmt.Errorf("seed product: %w", err)
	}

	fmt.Printf("vigil serve on %s (%s), %d clients, %d requests (%.0f%% writes), time limit %s\n",
		strings.TrimPrefix(base, "http://"), backend, o.clients, o.requests, o.writes*100, o.limit)
	fmt.Printf("load average before: %s\n", scale.LoadAverage())
	res := c.hammer(ctx, o, product.ID)
	fmt.Printf("load average after:  %s\n", scale.LoadAverage())
	res.print(os.Stdout)
	if res.errors() > 0 {
		return fmt.Errorf("%d requests failed", res.errors())
	}
	return nil
}

type client struct {
	base, token string
	http        *http.Client
}

// do sends one request and decodes a 2xx JSON answer into out.
func (c *client) do(ctx context.Context, method, path string, body, out any) (int, error) {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return 0, err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, rd)
	if err != nil {
		return 0, err
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := c.http.Do(req)
	if err != nil {
		return 0, err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(io.LimitReader(res.Body, 8<<20))
	if err != nil {
		return res.StatusCode, err
	}
	if res.StatusCode/100 != 2 {
		return res.StatusCode, fmt.Errorf("%s %s: %s: %.200s", method, path, res.Status, b)
	}
	if out != nil {
		return res.StatusCode, json.Unmarshal(b, out)
	}
	return res.StatusCode, nil
}

// kind is a kind of request the clients send.
type kind struct {
	name  string
	write bool
	send  func(ctx context.Context, c *client, n int64) error
}

func kinds(product int64) []kind {
	return []kind{
		{"read  GET /products", false, func(ctx context.Context, c *client, _ int64) error {
			_, err := c.do(ctx, "GET", "/api/v1/products?limit=20", nil, nil)
			return err
		}},
		{"read  GET /products/{id}", false, func(ctx context.Context, c *client, _ int64) error {
			_, err := c.do(ctx, "GET", fmt.Sprintf("/api/v1/products/%d", product), nil, nil)
			return err
		}},
		{"write POST /products", true, func(ctx context.Context, c *client, n int64) error {
			_, err := c.do(ctx, "POST", "/api/v1/products", map[string]any{"name": fmt.Sprintf("load-%d", n), "manufacturer": "Load"}, nil)
			return err
		}},
		{"write POST /products/{id}/releases", true, func(ctx context.Context, c *client, n int64) error {
			_, err := c.do(ctx, "POST", fmt.Sprintf("/api/v1/products/%d/releases", product), map[string]any{"version": fmt.Sprintf("1.0.%d", n)}, nil)
			return err
		}},
	}
}

type sample struct {
	kind int
	took time.Duration
	err  error
}

type results struct {
	kinds   []kind
	samples []sample
	wall    time.Duration
}

// hammer runs the clients until the requests are spent or the time is up.
func (c *client) hammer(ctx context.Context, o options, product int64) *results {
	ks := kinds(product)
	var reads, writes []int
	for i, k := range ks {
		if k.write {
			writes = append(writes, i)
		} else {
			reads = append(reads, i)
		}
	}
	ctx, cancel := context.WithTimeout(ctx, o.limit)
	defer cancel()
	var next, nextRead, nextWrite atomic.Int64
	samples := make([]sample, o.requests)
	var wg sync.WaitGroup
	start := time.Now()
	for range o.clients {
		wg.Go(func() {
			for {
				n := next.Add(1) - 1
				if n >= int64(o.requests) || ctx.Err() != nil {
					return
				}
				// A fixed, spread-out pattern: write when the fraction
				// crosses the next whole step.
				var k int
				if len(writes) > 0 && float64(n+1)*o.writes >= float64(int64(float64(n)*o.writes)+1) {
					k = writes[int(nextWrite.Add(1))%len(writes)]
				} else {
					k = reads[int(nextRead.Add(1))%len(reads)]
				}
				t0 := time.Now()
				err := ks[k].send(ctx, c, n)
				samples[n] = sample{kind: k, took: time.Since(t0), err: err}
			}
		})
	}
	wg.Wait()
	wall := time.Since(start)
	done := min(next.Load(), int64(o.requests))
	return &results{kinds: ks, samples: samples[:done], wall: wall}
}

func (r *results) errors() int {
	n := 0
	for _, s := range r.samples {
		if s.err != nil {
			n++
		}
	}
	return n
}

func (r *results) print(w io.Writer) {
	fmt.Fprintf(w, "%d requests in %.1f s: %.0f req/s, %d errors\n", len(r.samples), r.wall.Seconds(), float64(len(r.samples))/r.wall.Seconds(), r.errors())
	fmt.Fprintf(w, "%-36s %7s %8s %8s %8s %8s %6s\n", "route", "count", "req/s", "p50 ms", "p99 ms", "max ms", "errors")
	line := func(name string, keep func(sample) bool) {
		var d []time.Duration
		errs := 0
		for _, s := range r.samples {
			if !keep(s) {
				continue
			}
			d = append(d, s.took)
			if s.err != nil {
				errs++
			}
		}
		if len(d) == 0 {
			return
		}
		slices.Sort(d)
		q := func(p float64) float64 {
			return float64(d[min(len(d)-1, int(p*float64(len(d))))].Microseconds()) / 1000
		}
		fmt.Fprintf(w, "%-36s %7d %8.0f %8.1f %8.1f %8.1f %6d\n", name, len(d), float64(len(d))/r.wall.Seconds(), q(0.50), q(0.99), q(1), errs)
	}
	for i, k := range r.kinds {
		line(k.name, func(s sample) bool { return s.kind == i })
	}
	line("all reads", func(s sample) bool { return !r.kinds[s.kind].write })
	line("all writes", func(s sample) bool { return r.kinds[s.kind].write })
	shown := 0
	for _, s := range r.samples {
		if s.err != nil && shown < 5 {
			fmt.Fprintf(w, "error: %v\n", s.err)
			shown++
		}
	}
}

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/vigil/vigil/internal/feed/synth"
	"github.com/vigil/vigil/internal/store/postgres/pgtest"
)

// TestConcurrentWritersDuringImport is issue 15's operator probe: a large
// feed import runs in one vigil process while 20 other vigil processes and
// the API (a vigil serve) write. Every write must succeed — no "database is
// locked", no 500 — and be there afterwards, and the import must land
// whole. It runs real subprocesses of a binary built once, on SQLite and
// on PostgreSQL.
func TestConcurrentWritersDuringImport(t *testing.T) {
	if testing.Short() {
		t.Skip("builds vigil and runs a large import: not in -short")
	}
	bin := filepath.Join(t.TempDir(), "vigil")
	build := exec.Command("go", "build", "-o", bin, ".")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	feed := func(records int) string {
		path := filepath.Join(t.TempDir(), "nvd.json")
		f, err := os.Create(path)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if err := synth.NVD(f, records, 15); err != nil {
			t.Fatal(err)
		}
		return path
	}
	t.Run("sqlite", func(t *testing.T) {
		concurrentWriters(t, bin, feed(10000), 10000, "sqlite:"+filepath.Join(t.TempDir(), "vigil.db"))
	})
	// Fewer records on PostgreSQL: there an import is a round trip per
	// statement, which on a starved CI machine takes minutes for 10,000
	// records; the property under test (writers never wait on it) needs
	// only that it overlaps them.
	t.Run("postgres", func(t *testing.T) {
		concurrentWriters(t, bin, feed(2000), 2000, pgtest.MustSchemaURL(t))
	})
}

func concurrentWriters(t *testing.T, bin, feedPath string, records int, db string) {
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Minute)
	defer cancel()
	env := append(os.Environ(), "VIGIL_DB="+db, "VIGIL_ORG=acme", "XDG_CONFIG_HOME="+t.TempDir(), "VIGIL_LOG_LEVEL=warn")
	vigil := func(args ...string) (string, error) {
		cmd := exec.CommandContext(ctx, bin, args...)
		cmd.Env = env
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		err := cmd.Run()
		return out.String(), err
	}
	mustVigil := func(args ...string) string {
		t.Helper()
		out, err := vigil(args...)
		if err != nil {
			t.Fatalf("vigil %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return out
	}
	mustVigil("db", "migrate")
	mustVigil("org", "create", "acme", "--kind", "manufacturer")
	secret := regexp.MustCompile(`vgl_[A-Za-z0-9_-]+`).FindString(mustVigil("token", "create", "probe"))

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	srv := exec.Command(bin, "serve", "--listen", addr)
	srv.Env = env
	var srvLog bytes.Buffer
	srv.Stderr = &srvLog
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		srv.Process.Signal(syscall.SIGTERM)
		srv.Wait()
		if t.Failed() {
			t.Logf("vigil serve log:\n%s", srvLog.String())
		}
	}()
	base := "http://" + addr
	for i := 0; ; i++ {
		if res, err := http.Get(base + "/readyz"); err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				break
			}
		}
		if i == 300 {
			t.Fatalf("vigil serve not ready:\n%s", srvLog.String())
		}
		time.Sleep(100 * time.Millisecond)
	}

	t.Logf("server ready")
	// The import starts first; the writers start once it runs.
	imp := exec.CommandContext(ctx, bin, "feed", "import", feedPath)
	imp.Env = env
	var impOut bytes.Buffer
	imp.Stdout, imp.Stderr = &impOut, &impOut
	start := time.Now()
	if err := imp.Start(); err != nil {
		t.Fatal(err)
	}
	impDone := make(chan error, 1)
	var importing atomic.Bool
	var importTook time.Duration
	importing.Store(true)
	go func() {
		err := imp.Wait()
		importTook = time.Since(start)
		importing.Store(false)
		impDone <- err
	}()

	var mu sync.Mutex
	var failures []string
	var want []string
	// slowest is per kind of writer: a CLI write's time includes
	// starting a process, an API write's does not.
	slowest := map[string]time.Duration{}
	record := func(name string, took time.Duration, err error, out string) {
		mu.Lock()
		defer mu.Unlock()
		if err != nil {
			failures = append(failures, fmt.Sprintf("%s: %v: %s", name, err, strings.TrimSpace(out)))
			return
		}
		want = append(want, name)
		kind, _, _ := strings.Cut(name, "-")
		slowest[kind] = max(slowest[kind], took)
	}
	var wg sync.WaitGroup
	for p := range 20 {
		wg.Go(func() {
			// Each process writes in turn while the import runs: at
			// least three times, at most ten.
			for i := 0; i < 3 || importing.Load() && i < 10; i++ {
				name := fmt.Sprintf("cli-%02d-%03d", p, i)
				t0 := time.Now()
				out, err := vigil("product", "create", name, "--manufacturer", "Acme")
				record(name, time.Since(t0), err, out)
				// Paced, so that 20 writers leave the two cores of a CI
				// machine to the import too.
				time.Sleep(time.Second)
			}
		})
	}
	wg.Go(func() {
		client := &http.Client{Timeout: time.Minute}
		for i := 0; i < 20 || importing.Load() && i < 100; i++ {
			name := fmt.Sprintf("api-%03d", i)
			body, _ := json.Marshal(map[string]string{"name": name, "manufacturer": "Acme"})
			req, _ := http.NewRequestWithContext(ctx, "POST", base+"/api/v1/products", bytes.NewReader(body))
			req.Header.Set("Authorization", "Bearer "+secret)
			req.Header.Set("Content-Type", "application/json")
			t0 := time.Now()
			res, err := client.Do(req)
			var out string
			if err == nil {
				var b bytes.Buffer
				b.ReadFrom(res.Body)
				res.Body.Close()
				out = b.String()
				if res.StatusCode != http.StatusCreated {
					err = fmt.Errorf("status %d", res.StatusCode)
				}
			}
			record(name, time.Since(t0), err, out)
			time.Sleep(100 * time.Millisecond)
		}
	})
	wg.Wait()
	t.Logf("writers done after %.1f s", time.Since(start).Seconds())
	if err := <-impDone; err != nil {
		t.Fatalf("feed import: %v\n%s", err, impOut.String())
	}
	t.Logf("import of %d records %.1f s; %d writes beside it, the slowest CLI one %.0f ms (process start included), API %.0f ms",
		records, importTook.Seconds(), len(want), float64(slowest["cli"].Microseconds())/1000, float64(slowest["api"].Microseconds())/1000)
	for _, f := range failures {
		t.Errorf("write failed: %s", f)
	}

	var products []struct {
		Name string `json:"name"`
	}
	if err := json.Unmarshal([]byte(mustVigil("product", "list", "-o", "json")), &products); err != nil {
		t.Fatal(err)
	}
	have := map[string]bool{}
	for _, p := range products {
		have[p.Name] = true
	}
	for _, name := range want {
		if !have[name] {
			t.Errorf("product %s was created but is not there", name)
		}
	}
	var status struct {
		Sources []struct {
			Source  string `json:"source"`
			Records int    `json:"records"`
		} `json:"sources"`
	}
	if err := json.Unmarshal([]byte(mustVigil("feed", "status", "-o", "json")), &status); err != nil {
		t.Fatal(err)
	}
	if len(status.Sources) != 1 || status.Sources[0].Source != "nvd" || status.Sources[0].Records != records {
		t.Errorf("knowledge base after the import: %+v, want %d nvd records", status.Sources, records)
	}
}

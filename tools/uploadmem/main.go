// Command uploadmem measures the API server's memory under hostile
// uploads (issue: a 200 MB single-line body to /api/v1/assets/import took
// the server to 1.2–1.5 GB, four at once to 3.3 GB). It starts `vigil
// serve` as a child process on a fresh SQLite database, creates the
// organizations and tokens through the CLI, then sends N concurrent
// single-line bodies of SIZE bytes, generated as they are sent, to the
// CMMS import route and to the support-addendum route, and reads the
// server's peak RSS (VmHWM) and its RSS afterwards (VmRSS) from
// /proc/PID/status. The harness behind docs/performance.md ("Hostile
// uploads"); `make uploadmem` runs it.
//
//	go build -o bin/vigil ./cmd/vigil && go run ./tools/uploadmem -vigil bin/vigil
//
// It exits non-zero when the peak passes -max (300 MB by default).
package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/vigil/vigil/tools/internal/scale"
)

func main() {
	bin := flag.String("vigil", "bin/vigil", "the vigil binary")
	size := flag.Int64("size", 200<<20, "bytes in each hostile body")
	n := flag.Int("n", 4, "concurrent uploads per route")
	maxMB := flag.Int("max", 300, "fail when the server's peak RSS passes this many MiB")
	flag.Parse()
	if err := run(*bin, *size, *n, *maxMB); err != nil {
		fmt.Fprintln(os.Stderr, "uploadmem:", err)
		os.Exit(1)
	}
}

func run(bin string, size int64, n, maxMB int) error {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	dir, err := os.MkdirTemp("", "uploadmem-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	db := "sqlite:" + filepath.Join(dir, "vigil.db") // only an explicit sqlite: path is created
	cli := func(args ...string) ([]byte, error) {
		out, err := exec.CommandContext(ctx, bin, append([]string{"--db", db}, args...)...).CombinedOutput()
		if err != nil {
			return nil, fmt.Errorf("vigil %s: %v: %s", strings.Join(args, " "), err, out)
		}
		return out, nil
	}
	if _, err := cli("db", "migrate"); err != nil {
		return err
	}
	// n hospitals (one upload each, so the per-organization limit does
	// not hide the server-wide one) and a manufacturer with an SBOM.
	tokens := map[string]string{}
	token := func(org string) error {
		out, err := cli("--org", org, "-o", "json", "token", "create", "harness")
		if err != nil {
			return err
		}
		var t struct{ Secret string }
		if err := json.Unmarshal(out, &t); err != nil {
			return fmt.Errorf("token: %v: %s", err, out)
		}
		tokens[org] = t.Secret
		return nil
	}
	for i := range n {
		org := "hospital-" + strconv.Itoa(i)
		if _, err := cli("org", "create", org, "--kind", "healthcare_provider"); err != nil {
			return err
		}
		if err := token(org); err != nil {
			return err
		}
	}
	if _, err := cli("org", "create", "acme", "--kind", "manufacturer"); err != nil {
		return err
	}
	sbom := filepath.Join(dir, "sbom.json")
	if err := os.WriteFile(sbom, []byte(`{"bomFormat":"CycloneDX","specVersion":"1.5","version":1,
		"components":[{"type":"library","name":"zlib","version":"1.2.13","purl":"pkg:generic/zlib@1.2.13"}]}`), 0o600); err != nil {
		return err
	}
	if _, err := cli("--org", "acme", "product", "create", "Pump", "--manufacturer", "Acme"); err != nil {
		return err
	}
	if _, err := cli("--org", "acme", "release", "create", "1.0", "--product", "Pump"); err != nil {
		return err
	}
	if _, err := cli("--org", "acme", "sbom", "import", sbom, "--product", "Pump", "--release", "1.0"); err != nil {
		return err
	}
	if err := token("acme"); err != nil {
		return err
	}
	out, err := cli("--org", "acme", "-o", "json", "release", "list")
	if err != nil {
		return err
	}
	var rels []struct{ ID int64 }
	if err := json.Unmarshal(out, &rels); err != nil || len(rels) == 0 {
		var wrapped struct{ Items []struct{ ID int64 } }
		if err2 := json.Unmarshal(out, &wrapped); err2 != nil || len(wrapped.Items) == 0 {
			return fmt.Errorf("release list: %v: %s", err, out)
		}
		rels = wrapped.Items
	}

	srv, err := scale.StartServe(ctx, bin, []string{"--db", db}, nil, io.Discard)
	if err != nil {
		return err
	}
	defer srv.Stop()
	base := srv.Base
	idle, _ := status(srv.Cmd.Process.Pid, "VmRSS")
	fmt.Printf("server pid %d, RSS at rest %d MiB; %d concurrent bodies of %d MiB (one line) per route\n", srv.Cmd.Process.Pid, idle>>10, n, size>>20)

	type route struct{ name, path, token string }
	routes := []route{}
	for i := range n {
		routes = append(routes, route{"assets/import", "/api/v1/assets/import", tokens["hospital-"+strconv.Itoa(i)]})
	}
	for range n {
		routes = append(routes, route{"sbom/support", fmt.Sprintf("/api/v1/releases/%d/sbom/support", rels[0].ID), tokens["acme"]})
	}
	var wg sync.WaitGroup
	results := make([]string, len(routes))
	start := time.Now()
	for i, r := range routes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i] = r.name + ": " + send(ctx, base+r.path, r.token, size)
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	time.Sleep(6 * time.Second) // the server returns memory after large uploads
	hwm, _ := status(srv.Cmd.Process.Pid, "VmHWM")
	after, _ := status(srv.Cmd.Process.Pid, "VmRSS")
	for _, r := range results {
		fmt.Println("  " + r)
	}
	fmt.Printf("peak RSS (VmHWM) %d MiB, RSS afterwards %d MiB, %d uploads in %.1fs\n", hwm>>10, after>>10, len(routes), elapsed.Seconds())
	if hwm>>10 > int64(maxMB) {
		return fmt.Errorf("peak RSS %d MiB is over %d MiB", hwm>>10, maxMB)
	}
	return nil
}

// send posts size bytes of one line, generated as they are sent, and
// returns the status and the start of the answer.
func send(ctx context.Context, url, token string, size int64) string {
	body := io.LimitReader(repeat('A'), size)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, io.MultiReader(strings.NewReader("asset_tag,purl,support_level\nT1,"), body))
	if err != nil {
		return err.Error()
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "text/csv")
	req.ContentLength = -1
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return "error: " + err.Error()
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(res.Body, 300))
	return res.Status + " " + string(bytes.TrimSpace(b))
}

type repeat byte

func (r repeat) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = byte(r)
	}
	return len(p), nil
}

// status reads a field of /proc/PID/status, in KiB.
func status(pid int, field string) (int64, error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), field+":"); ok {
			return strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
		}
	}
	return 0, fmt.Errorf("%s not in /proc/%d/status", field, pid)
}

// Command testsum reads `go test -json` on standard input and prints what a
// person wants from a whole-repository run: a line per package as go test
// prints it, the output of every failed test, how many tests were skipped
// because the shared test data is absent, and a closing count. It exits 1
// when anything failed, so `make test` fails exactly as go test would.
//
//	go test -race -count=1 -json ./... | go run ./tools/testsum
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	"github.com/vigil/vigil/internal/realdata"
)

// event is one line of `go test -json` (cmd/test2json).
type event struct {
	Action      string
	Package     string
	ImportPath  string
	Test        string
	Elapsed     float64
	Output      string
	FailedBuild string
}

type key struct{ pkg, test string }

type summary struct {
	out                       io.Writer
	output                    map[key]*strings.Builder
	build                     map[string]*strings.Builder
	passed, failed, skipped   int
	sharedSkipped             int
	sharedSkippedPackages     map[string]bool
	failedPackages, buildFail []string
}

func main() {
	s := &summary{
		out:                   os.Stdout,
		output:                map[key]*strings.Builder{},
		build:                 map[string]*strings.Builder{},
		sharedSkippedPackages: map[string]bool{},
	}
	if err := s.read(os.Stdin); err != nil {
		fmt.Fprintln(os.Stderr, "testsum:", err)
		os.Exit(1)
	}
	if !s.report() {
		os.Exit(1)
	}
}

func (s *summary) read(r io.Reader) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 1<<20), 64<<20)
	for sc.Scan() {
		line := sc.Bytes()
		var e event
		if len(line) == 0 || line[0] != '{' || json.Unmarshal(line, &e) != nil {
			// Not an event: go vet or the go command speaking for itself.
			fmt.Fprintln(s.out, string(line))
			continue
		}
		s.event(e)
	}
	return sc.Err()
}

func (s *summary) event(e event) {
	switch e.Action {
	case "build-output":
		b := s.build[e.ImportPath]
		if b == nil {
			b = &strings.Builder{}
			s.build[e.ImportPath] = b
		}
		b.WriteString(e.Output)
		return
	case "build-fail":
		s.buildFail = append(s.buildFail, e.ImportPath)
		return
	}
	k := key{e.Package, e.Test}
	switch e.Action {
	case "output":
		b := s.output[k]
		if b == nil {
			b = &strings.Builder{}
			s.output[k] = b
		}
		b.WriteString(e.Output)
	case "pass", "fail", "skip":
		if e.Test == "" {
			s.packageDone(e)
			return
		}
		switch e.Action {
		case "pass":
			s.passed++
		case "fail":
			s.failed++
			fmt.Fprint(s.out, s.output[k].String())
		case "skip":
			s.skipped++
			if b := s.output[k]; b != nil && strings.Contains(b.String(), realdata.SkipMarker) {
				s.sharedSkipped++
				s.sharedSkippedPackages[e.Package] = true
			}
		}
		delete(s.output, k)
	}
}

func (s *summary) packageDone(e event) {
	k := key{e.Package, ""}
	switch e.Action {
	case "pass":
		fmt.Fprintf(s.out, "ok  \t%s\t%.3fs\n", e.Package, e.Elapsed)
	case "skip":
		fmt.Fprintf(s.out, "?   \t%s\t[no test files]\n", e.Package)
	case "fail":
		if e.FailedBuild != "" {
			if b := s.build[e.FailedBuild]; b != nil {
				fmt.Fprint(s.out, b.String())
			}
		} else if b := s.output[k]; b != nil {
			// Output outside any test (a panic in TestMain, a timeout),
			// less go test's own verdict lines, printed below.
			for _, line := range strings.SplitAfter(b.String(), "\n") {
				if line != "FAIL\n" && !strings.HasPrefix(line, "FAIL\t") && !strings.HasPrefix(line, "exit status ") {
					fmt.Fprint(s.out, line)
				}
			}
		}
		fmt.Fprintf(s.out, "FAIL\t%s\t%.3fs\n", e.Package, e.Elapsed)
		s.failedPackages = append(s.failedPackages, e.Package)
	}
	delete(s.output, k)
}

// report prints the closing lines and says whether the run passed.
func (s *summary) report() bool {
	if s.sharedSkipped > 0 {
		pkgs := make([]string, 0, len(s.sharedSkippedPackages))
		for p := range s.sharedSkippedPackages {
			pkgs = append(pkgs, p)
		}
		sort.Strings(pkgs)
		fmt.Fprintf(s.out, "shared testdata absent: %d tests in %d packages skipped (set %s or put it at ../shared/testdata)\n",
			s.sharedSkipped, len(pkgs), realdata.EnvDir)
	}
	ok := len(s.failedPackages) == 0 && len(s.buildFail) == 0 && s.failed == 0 && s.passed > 0
	if len(s.failedPackages) > 0 {
		fmt.Fprintf(s.out, "failed packages: %s\n", strings.Join(s.failedPackages, " "))
	}
	if s.passed == 0 {
		fmt.Fprintln(s.out, "no test passed")
	}
	fmt.Fprintf(s.out, "%d passed, %d failed, %d skipped\n", s.passed, s.failed, s.skipped)
	return ok
}

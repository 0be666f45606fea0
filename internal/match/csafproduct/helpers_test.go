package csafproduct

import (
	"os"
	"path/filepath"
	"testing"

	csafdoc "github.com/vigil/vigil/internal/csaf"
	"github.com/vigil/vigil/internal/ingest"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/feed/csaf"
	"github.com/vigil/vigil/internal/feed/feedtest"
	"github.com/vigil/vigil/internal/match"
	"github.com/vigil/vigil/internal/realdata"
	"github.com/vigil/vigil/internal/sbom"
)

// advisories imports CSAF files with the repo's own importer (schema and
// mandatory tests included) and returns them by file base name.
func advisories(t testing.TB, paths ...string) map[string]*vigil.Advisory {
	t.Helper()
	im, err := csaf.New(ingest.Limits{}, csafdoc.Config{})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]*vigil.Advisory{}
	for _, p := range paths {
		f, err := os.Open(p)
		if err != nil {
			t.Fatal(err)
		}
		var sink feedtest.Sink
		rep, err := im.Import(t.Context(), f, &sink)
		f.Close()
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		if len(sink.Advisories) != 1 {
			t.Fatalf("%s: %d advisories imported (%+v)", p, len(sink.Advisories), rep.Problems)
		}
		out[filepath.Base(p)] = sink.Advisories[0]
	}
	return out
}

// glob lists files of the shared test data.
func glob(t testing.TB, pattern string) []string {
	t.Helper()
	ps, err := filepath.Glob(filepath.Join(testdata(t), pattern))
	if err != nil || len(ps) == 0 {
		t.Fatalf("glob %s: %v (%d files)", pattern, err, len(ps))
	}
	return ps
}

// parseSBOM reads an SBOM with the repo's own parser.
func parseSBOM(t testing.TB, path string) []*vigil.Component {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var col sbom.Collector
	if _, err := sbom.Parse(t.Context(), f, &col); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	out := make([]*vigil.Component, len(col.Components))
	for i := range col.Components {
		out[i] = &col.Components[i]
	}
	return out
}

func run(t testing.TB, a *vigil.Advisory, comps []*vigil.Component) match.Result {
	t.Helper()
	res, err := New().Match(t.Context(), match.Record{Advisory: a}, match.NewSBOM(comps))
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// testdata is the shared test data folder ..
func testdata(t testing.TB) string {
	t.Helper()
	return realdata.Path(t, ".")
}

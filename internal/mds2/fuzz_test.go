package mds2_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/mds2"
	"github.com/vigil/vigil/internal/mds2/synth"
)

// fixtureForm is the form behind the committed fixtures: one per layout,
// with an unknown ID, a duplicate and a bad answer planted.
func fixtureForm(cat *mds2.Catalogue) synth.Form {
	f := synth.Generate(cat, device(), 42)
	f.Extra = []synth.Row{{ID: "ABCD-1", Answer: "Yes"}, {ID: "SBOM-1", Answer: "No"}, {ID: "RMOT-3", Answer: "Perhaps"}}
	return f
}

// TestFixtures keeps testdata/fixtures (the generated fixtures, also the
// fuzz seeds) in step with the generator: -update rewrites them.
func TestFixtures(t *testing.T) {
	cat := mds2.LoadCatalogue()
	form := fixtureForm(cat)
	for _, l := range synth.Layouts() {
		path := filepath.Join("testdata", "fixtures", l.Name+"."+l.Ext)
		data := write(t, cat, l, form)
		if *update {
			if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, data, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		committed, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (run go test ./internal/mds2 -update)", err)
		}
		want, err := mds2.Read(t.Context(), cat, bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		got, err := mds2.Read(t.Context(), cat, bytes.NewReader(committed))
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s is stale (-generated +committed):\n%s", path, diff)
		}
	}
}

func seeds(f *testing.F) {
	matches, _ := filepath.Glob(filepath.Join("testdata", "fixtures", "*"))
	for _, m := range matches {
		data, err := os.ReadFile(m)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte("Question ID;Answer\nSBOM-1;Yes, see IFU\nSBOM-2;no\nSHAD-15;N/A\n"))
	f.Add([]byte("PK\x03\x04"))
}

// FuzzRead: no input panics; whatever is accepted survives export and a
// second read unchanged.
func FuzzRead(f *testing.F) {
	seeds(f)
	cat := mds2.LoadCatalogue()
	f.Fuzz(func(t *testing.T, data []byte) {
		lim := mds2.DefaultLimits
		lim.MaxRows = 2000
		res, err := mds2.ReadLimits(t.Context(), cat, bytes.NewReader(data), lim)
		if err != nil {
			return
		}
		for _, e := range res.Entries {
			if _, ok := cat.Question(e.QuestionID); !ok {
				t.Fatalf("entry for unknown question %s", e.QuestionID)
			}
			if e.Answer != "" && !e.Answer.Valid() {
				t.Fatalf("answer %q outside the vocabulary", e.Answer)
			}
			if hasControl(e.Text + e.Note) {
				return // XML cannot carry them; nothing to compare
			}
		}
		var buf bytes.Buffer
		if err := mds2.Export(&buf, cat, res.Entries, mds2.ExportInfo{}); err != nil {
			t.Fatal(err)
		}
		again, err := mds2.Read(t.Context(), cat, &buf)
		if len(res.Entries) == 0 {
			return
		}
		if err != nil {
			t.Fatalf("export does not read back: %v", err)
		}
		if diff := cmp.Diff(res.Entries, again.Entries, cmpopts.IgnoreFields(vigil.MDS2Entry{}, "Sheet", "Row")); diff != "" {
			t.Fatalf("export → read (-first +second):\n%s", diff)
		}
	})
}

func hasControl(s string) bool {
	return strings.ContainsFunc(s, func(r rune) bool { return r < 0x20 && r != '\t' && r != '\n' || r == 0xFFFD })
}

func FuzzParseAnswer(f *testing.F) {
	for _, s := range []string{"Yes", "Yes, see IFU", "N/A: none", "not applicable", "See note 4", "No.", "None", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		a, note, ok := mds2.ParseAnswer(s)
		if ok != (a != "") || (ok && !a.Valid()) {
			t.Fatalf("ParseAnswer(%q) = %q, %q, %v", s, a, note, ok)
		}
		if ok && note == "" {
			// An answer without a note reads back as itself.
			if b, n, ok := mds2.ParseAnswer(string(a)); !ok || b != a || n != "" {
				t.Fatalf("%q does not read back", a)
			}
		}
	})
}

func FuzzParseProfile(f *testing.F) {
	cat := mds2.LoadCatalogue()
	data, err := os.ReadFile("default-profile.yaml")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(data)
	f.Add([]byte(`{"name":"x","requirements":[{"question":"SBOM-1","accept":["Yes"]}]}`))
	f.Add([]byte("name: &a [*a]"))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := mds2.ParseProfile(cat, data)
		if err != nil {
			return
		}
		for _, r := range p.Requirements {
			if _, ok := cat.Question(r.Question); !ok || (r.Level != mds2.Must && r.Level != mds2.Should) || r.Weight <= 0 {
				t.Fatalf("accepted a bad requirement: %+v", r)
			}
		}
		// Evaluating never fails on an accepted profile.
		mds2.Evaluate(cat, p, "x", nil)
	})
}

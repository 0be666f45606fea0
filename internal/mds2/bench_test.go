package mds2_test

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/mds2"
	"github.com/vigil/vigil/internal/mds2/synth"
)

// BenchmarkRead reads a whole form in each layout.
func BenchmarkRead(b *testing.B) {
	cat := mds2.LoadCatalogue()
	form := synth.Generate(cat, device(), 1)
	for _, l := range synth.Layouts() {
		var buf bytes.Buffer
		if err := l.Write(&buf, cat, form); err != nil {
			b.Fatal(err)
		}
		data := buf.Bytes()
		b.Run(l.Name, func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := mds2.Read(b.Context(), cat, bytes.NewReader(data)); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkReadHugeSheet reads a CSV at the row limit: what a hostile or
// broken file costs at most.
func BenchmarkReadHugeSheet(b *testing.B) {
	cat := mds2.LoadCatalogue()
	var s strings.Builder
	s.WriteString("Question ID,Answer,Notes\n")
	for i := range mds2.DefaultLimits.MaxRows + 5000 {
		fmt.Fprintf(&s, "%s,Yes,row %d\n", cat.Questions[i%len(cat.Questions)].ID, i)
	}
	data := []byte(s.String())
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := mds2.Read(b.Context(), cat, bytes.NewReader(data)); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkExport(b *testing.B) {
	cat := mds2.LoadCatalogue()
	form := synth.Generate(cat, device(), 1)
	b.ReportAllocs()
	for b.Loop() {
		var buf bytes.Buffer
		if err := mds2.Export(&buf, cat, form.Entries, mds2.ExportInfo{Subject: "x"}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkEvaluate scores 50 candidates (the most one call takes)
// against the default profile and ranks them.
func BenchmarkEvaluate(b *testing.B) {
	cat := mds2.LoadCatalogue()
	p := mds2.DefaultProfile(cat)
	var forms [][]vigil.MDS2Entry
	for i := range 50 {
		forms = append(forms, synth.Generate(cat, device(), uint64(i)).Entries)
	}
	b.ReportAllocs()
	for b.Loop() {
		evs := make([]mds2.CandidateEvaluation, len(forms))
		for i, f := range forms {
			evs[i] = mds2.Evaluate(cat, p, fmt.Sprint(i), f)
		}
		mds2.NewReport(p, evs, "")
	}
}

func BenchmarkLoadCatalogue(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		mds2.LoadCatalogue()
	}
}

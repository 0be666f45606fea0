package synth

import (
	"bytes"
	"testing"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/sbom"
)

// TestWrite generates a document in every format and parses it back.
func TestWrite(t *testing.T) {
	const n = 2000
	for _, kind := range sbom.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			var a, b bytes.Buffer
			if err := Write(&a, kind, Options{Components: n, Seed: 7}); err != nil {
				t.Fatal(err)
			}
			if err := Write(&b, kind, Options{Components: n, Seed: 7}); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(a.Bytes(), b.Bytes()) {
				t.Errorf("same seed, different bytes")
			}
			var col sbom.Collector
			doc, err := sbom.Parse(t.Context(), &a, &col)
			if err != nil {
				t.Fatal(err)
			}
			if doc.Components != n {
				t.Errorf("parsed %d components; want %d", doc.Components, n)
			}
			nested, withEOS := 0, 0
			for _, c := range col.Components {
				if c.ParentRef != "" {
					nested++
				}
				if !c.EndOfSupport.IsZero() {
					withEOS++
				}
			}
			if f, _ := kind.Format(); f == vigil.FormatSPDX {
				nested = -1 // SPDX has no nesting: it became CONTAINS
			}
			if nested == 0 || withEOS == 0 || len(col.Dependencies) == 0 {
				t.Errorf("nested=%d with EOS=%d dependencies=%d; want some of each", nested, withEOS, len(col.Dependencies))
			}
			r := sbom.Check(doc, col.Components, col.Dependencies)
			if r.Components != n || r.Complete == 0 || r.OK() {
				t.Errorf("check: %d components, %d complete, OK=%v", r.Components, r.Complete, r.OK())
			}
		})
	}
}

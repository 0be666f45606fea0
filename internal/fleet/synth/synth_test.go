package synth

import (
	"slices"
	"testing"
)

func TestGenerateDeterministicAndSized(t *testing.T) {
	c := Small()
	c.Assets, c.Releases = 500, 20
	a, b := Generate(c), Generate(c)
	if len(a.Assets) != 500 || len(a.Releases) != 20 || len(a.Products) != 2 {
		t.Fatalf("sizes: %d assets, %d releases, %d products", len(a.Assets), len(a.Releases), len(a.Products))
	}
	findings := 0
	for i, r := range a.Releases {
		if len(r.Components) != c.ComponentsPerRel {
			t.Errorf("release %d has %d components", i, len(r.Components))
		}
		findings += len(r.Findings)
		if len(r.Findings) != len(b.Releases[i].Findings) || r.Components[0].Ref != b.Releases[i].Components[0].Ref {
			t.Errorf("release %d differs between two runs with the same seed", i)
		}
		refs := map[string]bool{}
		for _, c := range r.Components {
			if refs[c.Ref] {
				t.Errorf("release %d repeats component %s", i, c.Ref)
			}
			refs[c.Ref] = true
		}
	}
	if findings == 0 {
		t.Error("no findings generated")
	}
	if !slices.Equal(a.AssetRelease, b.AssetRelease) {
		t.Error("asset mapping differs between two runs with the same seed")
	}
	t.Logf("%d findings over %d releases", findings, len(a.Releases))
}

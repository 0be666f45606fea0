package match

import (
	"sync"
	"sync/atomic"
	"testing"

	"github.com/vigil/vigil"
)

func TestIndexOf(t *testing.T) {
	s := &SBOM{Components: []*vigil.Component{
		{Ref: "a", Name: "x"}, {Ref: "b", Name: "y"}, nil, {Ref: "c", Name: "x"}, {Ref: "d"},
	}}
	var builds atomic.Int32
	derive := func(c *vigil.Component) (string, int, bool) {
		builds.Add(1)
		return c.Name, len(c.Ref), c.Name != ""
	}
	var wg sync.WaitGroup
	ixs := make([]*Index[int], 8)
	for i := range ixs {
		wg.Go(func() { ixs[i] = IndexOf(s, "test", derive) })
	}
	wg.Wait()
	if n := builds.Load(); n != 4 {
		t.Errorf("derive called %d times, want 4 (one build)", n)
	}
	for _, ix := range ixs[1:] {
		if ix != ixs[0] {
			t.Fatal("IndexOf built more than one index")
		}
	}
	ix := ixs[0]
	if got := ix.Lookup("x"); len(got) != 2 || got[0].Component.Ref != "a" || got[1].Component.Ref != "c" || got[0].Value != 1 {
		t.Errorf("Lookup(x) = %+v", got)
	}
	if ix.Len() != 3 || ix.Keys() != 2 || ix.Lookup("z") != nil {
		t.Errorf("Len %d Keys %d", ix.Len(), ix.Keys())
	}
	other := IndexOf(s, "other", func(c *vigil.Component) (string, string, bool) { return c.Ref, c.Name, true })
	if len(other.Lookup("d")) != 1 {
		t.Error("second index missing d")
	}
	defer func() {
		if recover() == nil {
			t.Error("IndexOf with another type did not panic")
		}
	}()
	IndexOf(s, "test", func(*vigil.Component) (string, string, bool) { return "", "", false })
}

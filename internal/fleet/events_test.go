package fleet

import (
	"testing"

	"github.com/vigil/vigil"
)

func TestTransition(t *testing.T) {
	tests := []struct {
		name   string
		last   vigil.AssetEventKind
		now    ExposureNow
		want   vigil.AssetEventKind
		record bool
	}{
		{"first exposure", "", Exposed, vigil.EventExposed, true},
		{"still exposed", vigil.EventExposed, Exposed, "", false},
		{"statement removes", vigil.EventExposed, Removed, vigil.EventExposureRemoved, true},
		{"statement removes a restored exposure", vigil.EventExposureRestored, Removed, vigil.EventExposureRemoved, true},
		{"still removed", vigil.EventExposureRemoved, Removed, "", false},
		{"statement withdrawn", vigil.EventExposureRemoved, Exposed, vigil.EventExposureRestored, true},
		{"still restored", vigil.EventExposureRestored, Exposed, "", false},
		{"covered before ever exposed", "", Removed, "", false},
		{"no longer named is not a removal", vigil.EventExposed, NotNamed, "", false},
		{"nothing at all", "", NotNamed, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := Transition(tt.last, tt.now)
			if got != tt.want || ok != tt.record {
				t.Errorf("Transition(%q, %d) = %q, %v; want %q, %v", tt.last, tt.now, got, ok, tt.want, tt.record)
			}
		})
	}
}

func TestEPSSCrossed(t *testing.T) {
	p := func(f float64) *float64 { return &f }
	tests := []struct {
		name     string
		prev     *float64
		cur, thr float64
		crossed  bool
	}{
		{"rises through", p(0.05), 0.2, 0.1, true},
		{"reaches exactly", p(0.05), 0.1, 0.1, true},
		{"falls below", p(0.2), 0.05, 0.1, true},
		{"stays above", p(0.2), 0.3, 0.1, false},
		{"stays below", p(0.01), 0.05, 0.1, false},
		{"first score above", nil, 0.5, 0.1, true},
		{"first score below", nil, 0.05, 0.1, false},
		{"no threshold", p(0.0), 0.9, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := EPSSCrossed(tt.prev, tt.cur, tt.thr); got != tt.crossed {
				t.Errorf("EPSSCrossed = %v, want %v", got, tt.crossed)
			}
		})
	}
}

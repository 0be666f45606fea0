package sanitize

import (
	"errors"
	"testing"
	"time"

	"github.com/vigil/vigil"
)

func TestDecommissionable(t *testing.T) {
	recorded := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	rec := func(serial string, result vigil.VerificationResult) *vigil.Sanitization {
		r := pumpDisk()
		r.MediaSerial, r.VerificationResult, r.CreatedAt = serial, result, recorded
		return &r
	}
	passed := rec("SN-1", vigil.VerificationPassed)
	failed := rec("SN-1", vigil.VerificationFailed)
	other := rec("SN-2", vigil.VerificationPassed)
	phi := &vigil.Asset{AssetTag: "BME-1", PHI: true}
	noPHI := &vigil.Asset{AssetTag: "BME-2"}
	on := vigil.Date{Year: 2026, Month: 12, Day: 2}
	for _, tc := range []struct {
		name  string
		asset *vigil.Asset
		recs  []*vigil.Sanitization
		on    vigil.Date
		want  error
		state State
	}{
		{"no PHI, no record", noPHI, nil, on, nil, NotNeeded},
		{"PHI, no record", phi, nil, on, vigil.ErrConflict, Pending},
		{"PHI, complete record", phi, []*vigil.Sanitization{passed}, on, nil, Done},
		{"PHI, failed only", phi, []*vigil.Sanitization{failed}, on, vigil.ErrConflict, Pending},
		{"failed then redone", phi, []*vigil.Sanitization{failed, passed}, on, nil, Done},
		{"redone before it failed", phi, []*vigil.Sanitization{passed, failed}, on, vigil.ErrConflict, Pending},
		{"another medium does not redo it", phi, []*vigil.Sanitization{failed, other}, on, vigil.ErrConflict, Pending},
		{"no PHI, failed not redone", noPHI, []*vigil.Sanitization{failed}, on, vigil.ErrConflict, NotNeeded},
		{"record after the day", phi, []*vigil.Sanitization{passed}, vigil.Date{Year: 2026, Month: 11, Day: 29}, vigil.ErrInvalid, Pending},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := Decommissionable(tc.asset, tc.recs, tc.on)
			if (tc.want == nil) != (err == nil) || (tc.want != nil && !errors.Is(err, tc.want)) {
				t.Errorf("Decommissionable: %v, want %v", err, tc.want)
			}
			if got := StateOf(tc.asset, tc.recs, tc.on); got != tc.state {
				t.Errorf("StateOf: %s, want %s", got, tc.state)
			}
		})
	}
}

func TestStateNextAndRank(t *testing.T) {
	for _, tc := range []struct {
		s    State
		next string
		rank int
	}{
		{Pending, "sanitization pending", 0},
		{Done, "sanitized, ready to decommission", 1},
		{NotNeeded, "no PHI, ready to decommission", 2},
	} {
		if got := tc.s.Next(); got != tc.next {
			t.Errorf("%s.Next() = %q, want %q", tc.s, got, tc.next)
		}
		if got := tc.s.Rank(); got != tc.rank {
			t.Errorf("%s.Rank() = %d, want %d", tc.s, got, tc.rank)
		}
	}
}

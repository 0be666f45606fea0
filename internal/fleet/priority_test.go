package fleet

import (
	"testing"

	"github.com/vigil/vigil"
)

// TestPrioritizePhase: past end of support, an unfixed vulnerability on a
// device outranks the same one on a supported device, and says why.
func TestPrioritizePhase(t *testing.T) {
	a := &vigil.Asset{Criticality: vigil.CriticalityTherapeutic, Zone: "Clinical"}
	s := Signals{BaseScore: 7.5, Vector: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N"}
	none := Prioritize(s, Context{Asset: a})
	sup := Prioritize(s, Context{Asset: a, Phase: vigil.PhaseSupport})
	eos := Prioritize(s, Context{Asset: a, Phase: vigil.PhaseEndOfSupport})
	fixed := Prioritize(s, Context{Asset: a, Phase: vigil.PhaseEndOfSupport, FixAvailable: true})
	if none.Score != sup.Score || !(sup.Score < fixed.Score && fixed.Score < eos.Score) {
		t.Errorf("scores: unmapped %.1f, supported %.1f, eos with fix %.1f, eos %.1f", none.Score, sup.Score, fixed.Score, eos.Score)
	}
	last := eos.Factors[len(eos.Factors)-1]
	if last.Name != "lifecycle_phase" || last.Multiplier != 1.5 || last.Why == "" {
		t.Errorf("phase factor %+v", last)
	}
	for _, f := range none.Factors {
		if f.Name == "lifecycle_phase" {
			t.Errorf("unmapped asset has a phase factor %+v", f)
		}
	}
}

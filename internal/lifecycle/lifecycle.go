// Package lifecycle holds the rules of the device lifecycle that are not
// the phase arithmetic of the root package: why a phase changed, how the
// support of a release's components rolls up, how a phase weighs on the
// priority of an unfixed vulnerability, and (in lifecycle/sanitize) the
// NIST SP 800-88 sanitization records of decommissioning. It takes values
// and returns values; no I/O.
package lifecycle

import (
	"fmt"

	"github.com/vigil/vigil"
)

// Actor is who records the phase moves that follow from dates passing.
const Actor = "system:lifecycle"

// MoveReason says why a release that follows its milestones is in phase to
// on day d rather than from: the milestone that was reached, or moved.
func MoveReason(m vigil.Milestones, from, to vigil.Phase, d vigil.Date) string {
	var ms string
	switch to {
	case vigil.PhaseEndOfSupport:
		ms = "end of support " + m.EndOfSupportOn.String()
	case vigil.PhaseLimitedSupport:
		ms = "end-of-life notice " + m.EOLNoticeOn.String()
	case vigil.PhaseSupport:
		ms = "release " + m.ReleasedOn.String()
	default:
		return fmt.Sprintf("milestones no longer reached on %s: back to %s", d, to)
	}
	if from.Valid() && phaseRank(to) < phaseRank(from) {
		return fmt.Sprintf("milestones moved: on %s only the %s is reached", d, ms)
	}
	return fmt.Sprintf("%s reached (checked %s)", ms, d)
}

func phaseRank(p vigil.Phase) int {
	for i, q := range vigil.Phases {
		if p == q {
			return i
		}
	}
	return -1
}

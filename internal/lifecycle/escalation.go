package lifecycle

import "github.com/vigil/vigil"

// Escalation is how a device's lifecycle phase weighs on the priority of a
// vulnerability that is not fixed on it. Past end of support no patch will
// come: only compensating controls or replacement remain, so the same
// vulnerability ranks higher on an unsupported device than on a supported
// one. Priority functions multiply their score by Factor and show Reason
// in their explanation.
type Escalation struct {
	Phase  vigil.Phase `json:"phase"`
	Factor float64     `json:"factor"`
	Reason string      `json:"reason"`
}

// Phase escalation factors. They are multipliers on a priority score, so
// that ranking inside one phase is unchanged and a phase can lift a finding
// past one of the next severity band only when the band is close.
const (
	FactorSupported         = 1.0
	FactorLimited           = 1.25
	FactorLimitedFixed      = 1.1
	FactorEndOfSupport      = 1.5
	FactorEndOfSupportFixed = 1.2
)

// PhaseEscalation returns the escalation of an unfixed vulnerability on a
// device in phase p. fixAvailable says whether the manufacturer has a fix
// (a patched release) the device could still take.
func PhaseEscalation(p vigil.Phase, fixAvailable bool) Escalation {
	e := Escalation{Phase: p, Factor: FactorSupported}
	switch p {
	case vigil.PhaseDevelopment:
		e.Reason = "in development: to be fixed before release"
	case vigil.PhaseSupport:
		e.Reason = "supported: the manufacturer issues patches"
	case vigil.PhaseLimitedSupport:
		if fixAvailable {
			e.Factor, e.Reason = FactorLimitedFixed, "limited support: a fix exists, further patches are not assured"
		} else {
			e.Factor, e.Reason = FactorLimited, "limited support: patches are not assured, plan compensating controls"
		}
	case vigil.PhaseEndOfSupport:
		if fixAvailable {
			e.Factor, e.Reason = FactorEndOfSupportFixed, "past end of support: the available fix is the last one"
		} else {
			e.Factor, e.Reason = FactorEndOfSupport, "past end of support: no patch will come, only compensating controls or replacement"
		}
	default:
		e.Reason = "lifecycle phase unknown"
	}
	return e
}

// Apply returns score escalated.
func (e Escalation) Apply(score float64) float64 { return score * e.Factor }

// PhaseValue is the phase as a 0..1 term for additive (weighted-sum)
// priorities such as the manufacturer's finding queue: 0 while the
// manufacturer patches, 1 past end of support with no fix, in between for
// Limited Support; with the same reason as PhaseEscalation.
func PhaseValue(p vigil.Phase, fixAvailable bool) (float64, string) {
	e := PhaseEscalation(p, fixAvailable)
	return (e.Factor - FactorSupported) / (FactorEndOfSupport - FactorSupported), e.Reason
}

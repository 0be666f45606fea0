package fleet

import (
	"fmt"
	"math"
	"strings"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/lifecycle"
)

// Signals are what the knowledge base says of a vulnerability.
type Signals struct {
	// BaseScore and Vector are the CVSS base score and vector chosen for
	// the vulnerability (zero and empty when none is known).
	BaseScore float64
	Vector    string
	// Source says where the vector came from: the device advisory, NVD,
	// a CNA or CISA's ADP container of the CVE record.
	Source string
	KEV    bool
	// KEVRansomware is KEV's "known ransomware campaign use".
	KEVRansomware bool
	// EPSS is the latest EPSS probability (0–1); HasEPSS says one exists.
	EPSS    float64
	HasEPSS bool
}

// Context is what the hospital and the manufacturer know of one asset ×
// vulnerability.
type Context struct {
	Asset *vigil.Asset
	// Harm is the manufacturer's severity of potential patient harm for
	// the finding (its triage), empty when none was assessed.
	Harm vigil.Harm
	// Remediation is the work item's effective state (open when none).
	Remediation vigil.RemediationState
	// Control is the compensating control in place, when there is one.
	Control string
	// Phase is the lifecycle phase of the release the asset runs, today
	// (empty when unmapped); FixAvailable says whether a fix exists it
	// could still take. See lifecycle.PhaseEscalation.
	Phase        vigil.Phase
	FixAvailable bool
	// UnscoredBase is the organization's unscored_cvss setting: the base
	// a vulnerability with no CVSS score anywhere is ranked by (zero:
	// vigil.DefaultUnscoredCVSS, said so).
	UnscoredBase float64
}

// PriorityFactor is one term of a priority, explained.
type PriorityFactor struct {
	// Name is the factor: severity, exploitation, attack_vector,
	// patient_harm, network_exposure, compensating_control,
	// clinical_criticality, phi.
	Name string `json:"name"`
	// Multiplier is what the factor does to the score (severity is the
	// base itself, 0–10).
	Multiplier float64 `json:"multiplier"`
	// Why says what the factor saw.
	Why string `json:"why"`
}

// AssetPriority is an asset × vulnerability's contextual priority: the
// CVSS base score times a multiplier per factor, each explained.
type AssetPriority struct {
	Score float64 `json:"score"`
	// Severity is the CVSS rating of the base score (critical, high,
	// medium, low, none), or "unknown" when no score exists anywhere.
	Severity string           `json:"severity"`
	Factors  []PriorityFactor `json:"factors"`
}

// SeverityUnknown is the severity of a vulnerability with no CVSS score.
const SeverityUnknown = "unknown"

// rating is the CVSS v3/v4 qualitative rating of a base score.
func rating(base float64) string {
	switch {
	case base >= 9:
		return "critical"
	case base >= 7:
		return "high"
	case base >= 4:
		return "medium"
	case base > 0:
		return "low"
	}
	return "none"
}

// Explain renders the factors in one line: "7.5 × KEV 2.5 × …".
func (p AssetPriority) Explain() string {
	parts := make([]string, len(p.Factors))
	for i, f := range p.Factors {
		if f.Name == "severity" {
			parts[i] = fmt.Sprintf("%s %.1f", f.Name, f.Multiplier)
		} else {
			parts[i] = fmt.Sprintf("%s ×%.2g", f.Name, f.Multiplier)
		}
	}
	return strings.Join(parts, " ")
}

// Prioritize computes the contextual priority. The multipliers, chosen so
// that each factor can at most double or halve what the others say:
//
//   - exploitation: in CISA KEV ×2.5 (×3 with known ransomware use); else
//     1 + 2 × EPSS probability; no EPSS ×1;
//   - attack vector (CVSS AV): network ×1, adjacent ×0.85, local ×0.6,
//     physical ×0.4;
//   - patient harm (ISO 14971, the manufacturer's assessment):
//     catastrophic ×1.5, critical ×1.3, serious ×1.1, minor ×0.8,
//     negligible ×0.5; not assessed ×1;
//   - network exposure: reachable from the internet ×1.5; on a network
//     (an IP address or a zone) ×1; in a zone named isolated, segmented
//     or offline, or with neither IP nor zone ×0.6;
//   - compensating control in place ×0.5;
//   - clinical criticality: life-sustaining ×1.5, therapeutic ×1.3,
//     monitoring ×1.1, diagnostic ×1, non-clinical ×0.6;
//   - stores or transmits PHI ×1.1;
//   - lifecycle phase of the mapped release (lifecycle.PhaseEscalation):
//     past end of support ×1.5 (×1.2 when a fix exists), limited support
//     ×1.25 (×1.1), support and development ×1: no patch will come for
//     an unsupported device.
func Prioritize(s Signals, c Context) AssetPriority {
	var p AssetPriority
	base := s.BaseScore
	why := fmt.Sprintf("CVSS base score %.1f", base)
	if s.Vector != "" {
		why += " (" + s.Vector + ")"
	}
	if s.Source != "" {
		why += " from " + s.Source
	}
	p.Severity = rating(base)
	if base <= 0 {
		// No score in the advisory, NVD or the CVE record: the severity
		// is unknown, and the organization's setting ranks it.
		p.Severity = SeverityUnknown
		base = c.UnscoredBase
		setting := "the organization's unscored_cvss setting"
		if base <= 0 {
			base, setting = vigil.DefaultUnscoredCVSS, "the default of the unscored_cvss setting"
		}
		why = fmt.Sprintf("severity unknown (no CVSS vector in the advisory, NVD or the CVE record): ranked as %.1f by %s", base, setting)
	}
	p.Factors = append(p.Factors, PriorityFactor{"severity", base, why})

	switch {
	case s.KEV && s.KEVRansomware:
		p.add("exploitation", 3, "in CISA KEV, known ransomware campaign use")
	case s.KEV:
		p.add("exploitation", 2.5, "in CISA KEV: exploited in the wild")
	case s.HasEPSS:
		p.add("exploitation", 1+2*s.EPSS, fmt.Sprintf("EPSS %.3f: 1 + 2 × probability of exploitation in 30 days", s.EPSS))
	default:
		p.add("exploitation", 1, "not in KEV, no EPSS score")
	}

	switch av := attackVector(s.Vector); av {
	case "N":
		p.add("attack_vector", 1, "exploitable over the network (AV:N)")
	case "A":
		p.add("attack_vector", 0.85, "needs an adjacent network (AV:A)")
	case "L":
		p.add("attack_vector", 0.6, "needs local access (AV:L)")
	case "P":
		p.add("attack_vector", 0.4, "needs physical access (AV:P)")
	default:
		p.add("attack_vector", 1, "attack vector unknown (no CVSS vector): network assumed")
	}

	switch c.Harm {
	case vigil.HarmCatastrophic:
		p.add("patient_harm", 1.5, "manufacturer assessed potential harm catastrophic")
	case vigil.HarmCritical:
		p.add("patient_harm", 1.3, "manufacturer assessed potential harm critical")
	case vigil.HarmSerious:
		p.add("patient_harm", 1.1, "manufacturer assessed potential harm serious")
	case vigil.HarmMinor:
		p.add("patient_harm", 0.8, "manufacturer assessed potential harm minor")
	case vigil.HarmNegligible:
		p.add("patient_harm", 0.5, "manufacturer assessed potential harm negligible")
	default:
		p.add("patient_harm", 1, "no patient-harm assessment from the manufacturer")
	}

	a := c.Asset
	zone := strings.ToLower(a.Zone)
	switch {
	case a.InternetExposed:
		p.add("network_exposure", 1.5, "reachable from the internet")
	case strings.Contains(zone, "isolated") || strings.Contains(zone, "segment") || strings.Contains(zone, "offline") || strings.Contains(zone, "air"):
		p.add("network_exposure", 0.6, fmt.Sprintf("in zone %q", a.Zone))
	case a.IP != "" || a.Zone != "":
		where := a.Zone
		if where == "" {
			where = "IP " + a.IP
		} else {
			where = "zone " + where
		}
		p.add("network_exposure", 1, "on the hospital network ("+where+")")
	default:
		p.add("network_exposure", 0.6, "no IP address and no network zone recorded")
	}

	if c.Remediation == vigil.RemediationCompensating {
		ctl := c.Control
		if ctl == "" {
			ctl = "recorded"
		}
		p.add("compensating_control", 0.5, "compensating control in place: "+ctl)
	} else {
		p.add("compensating_control", 1, "no compensating control recorded")
	}

	switch a.Criticality {
	case vigil.CriticalityLifeSustaining:
		p.add("clinical_criticality", 1.5, "life-sustaining device")
	case vigil.CriticalityTherapeutic:
		p.add("clinical_criticality", 1.3, "therapeutic device")
	case vigil.CriticalityMonitoring:
		p.add("clinical_criticality", 1.1, "monitoring device")
	case vigil.CriticalityDiagnostic:
		p.add("clinical_criticality", 1, "diagnostic device")
	default:
		p.add("clinical_criticality", 0.6, "non-clinical device")
	}

	if a.PHI {
		p.add("phi", 1.1, "stores or transmits protected health information")
	}
	if c.Phase != "" {
		e := lifecycle.PhaseEscalation(c.Phase, c.FixAvailable)
		p.add("lifecycle_phase", e.Factor, e.Reason)
	}
	score := 1.0
	for _, f := range p.Factors {
		score *= f.Multiplier
	}
	p.Score = math.Round(score*10) / 10
	return p
}

func (p *AssetPriority) add(name string, m float64, why string) {
	p.Factors = append(p.Factors, PriorityFactor{name, math.Round(m*1000) / 1000, why})
}

// attackVector reads AV from a CVSS v3/v4 vector, or v2's AV:N/A/L.
func attackVector(vector string) string {
	for _, part := range strings.Split(vector, "/") {
		if v, ok := strings.CutPrefix(part, "AV:"); ok && v != "" {
			return v[:1]
		}
	}
	return ""
}

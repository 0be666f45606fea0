package risk

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/lifecycle"
)

// Factor is one term of a finding's priority: its value scaled to 0..1,
// the organization's weight for it and what it adds to the priority.
type Factor struct {
	Name   string  `json:"name"`
	Value  float64 `json:"value"`
	Weight float64 `json:"weight"`
	// Points is 100 × Value × Weight / the sum of all weights.
	Points float64 `json:"points"`
	Why    string  `json:"why"`
}

// Priority is a finding's place in the queue, explained.
type Priority struct {
	// Score is 0..100: the weighted mean of the factors, times 100.
	Score   float64  `json:"score"`
	Open    bool     `json:"open"`
	Factors []Factor `json:"factors"`
	Note    string   `json:"note,omitempty"`
}

// Prioritize scores one finding from its evaluation. A finding that is
// no longer open (not affected, false positive, fixed) scores 0 and
// sorts after every open one.
func Prioritize(in Input, ev Evaluation) Priority {
	w := in.Settings.Weights
	sum := w.CVSS + w.KEV + w.EPSS + w.Harm + w.Uncontrolled + w.Overdue + w.Confidence
	p := Priority{Open: in.State.Open()}
	add := func(name string, value, weight float64, why string) {
		f := Factor{Name: name, Value: round3(value), Weight: weight, Why: why}
		if sum > 0 {
			f.Points = round3(100 * value * weight / sum)
		}
		p.Factors = append(p.Factors, f)
		p.Score += f.Points
	}
	if ev.Scores.Vector != "" {
		why := fmt.Sprintf("CVSS %s %.1f", ev.Scores.Version, ev.Scores.Effective)
		if ev.Scores.Adjusted {
			why += fmt.Sprintf(" (base %.1f, adjusted for the release and finding)", ev.Scores.Base)
		}
		add("cvss", ev.Scores.Effective/10, w.CVSS, why)
	} else {
		add("cvss", 0.5, w.CVSS, "no CVSS vector: counted as 5.0")
	}
	// Known exploitation: KEV, else CISA's SSVC saying exploitation is
	// active (full weight) or a public proof of concept exists (half).
	ssvc := ""
	if in.SSVC != nil {
		ssvc = strings.ToLower(in.SSVC.Value("Exploitation"))
	}
	switch {
	case in.KEV != nil:
		add("kev", 1, w.KEV, "in CISA KEV since "+in.KEV.DateAdded.String())
	case ssvc == "active":
		add("kev", 1, w.KEV, "not in CISA KEV; CISA SSVC exploitation: active")
	case ssvc == "poc" || ssvc == "public poc":
		add("kev", 0.5, w.KEV, "not in CISA KEV; CISA SSVC exploitation: poc")
	default:
		add("kev", 0, w.KEV, "not in CISA KEV")
	}
	if in.EPSS != nil {
		add("epss", in.EPSS.Score, w.EPSS, fmt.Sprintf("EPSS %.4f (percentile %.2f) on %s", in.EPSS.Score, in.EPSS.Percentile, in.EPSS.Date))
	} else {
		add("epss", 0, w.EPSS, "no EPSS score")
	}
	harm, why := ev.Harm, "harm "+string(ev.Harm)
	if harm == "" {
		harm, why = in.Settings.UnassessedHarm, fmt.Sprintf("not assessed: counted as %s", in.Settings.UnassessedHarm)
	}
	add("harm", float64(max(harm.Rank(), 0))/float64(len(vigil.Harms)-1), w.Harm, why)
	if ev.Class == vigil.RiskUncontrolled {
		add("uncontrolled", 1, w.Uncontrolled, "uncontrolled risk")
	} else {
		add("uncontrolled", 0, w.Uncontrolled, string(ev.Class))
	}
	if ev.Overdue {
		add("overdue", 1, w.Overdue, "an FDA postmarket clock has run out")
	} else {
		add("overdue", 0, w.Overdue, "no clock overdue")
	}
	conf := map[vigil.Confidence]float64{vigil.ConfidenceExact: 1, vigil.ConfidenceCPE: 0.7, vigil.ConfidenceHeuristic: 0.4}[in.Confidence]
	add("confidence", conf, w.Confidence, "match confidence "+string(in.Confidence))
	// The lifecycle escalates the weighted score: past end of support no
	// patch will come for the devices in the field (lifecycle.md). A
	// planned fix (response "update") lowers the escalation.
	if in.Phase != "" {
		e := lifecycle.PhaseEscalation(in.Phase, in.Response == vigil.ResponseUpdate)
		if e.Factor != 1 {
			v, _ := lifecycle.PhaseValue(in.Phase, in.Response == vigil.ResponseUpdate)
			up := min(100, e.Apply(p.Score))
			p.Factors = append(p.Factors, Factor{Name: "lifecycle_phase", Value: round3(v), Points: round3(up - p.Score),
				Why: fmt.Sprintf("%s: score ×%.2g", e.Reason, e.Factor)})
			p.Score = up
		}
	}
	p.Score = round3(p.Score)
	if !p.Open {
		p.Score, p.Note = 0, fmt.Sprintf("triaged %s: not in the open queue", in.State)
	}
	return p
}

func round3(x float64) float64 { return math.Round(x*1000) / 1000 }

// Ranked is an item of the queue.
type Ranked struct {
	ID       int64
	KEV      bool
	CVSS     float64
	Priority Priority
}

// Sort orders the queue: open findings first, then by priority, KEV,
// CVSS, and id for a stable order.
func Sort(items []Ranked) {
	slices.SortStableFunc(items, func(a, b Ranked) int {
		if a.Priority.Open != b.Priority.Open {
			if a.Priority.Open {
				return -1
			}
			return 1
		}
		if c := cmp.Compare(b.Priority.Score, a.Priority.Score); c != 0 {
			return c
		}
		if a.KEV != b.KEV {
			if a.KEV {
				return -1
			}
			return 1
		}
		if c := cmp.Compare(b.CVSS, a.CVSS); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
}

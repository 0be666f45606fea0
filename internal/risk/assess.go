package risk

import (
	"fmt"
	"strings"
	"time"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/cvss"
)

// Exploitability thresholds on cvss.Exploitability's 0..1 scale: at or
// above High (AV:N/AC:L/PR:N/UI:N is 1, AV:A or PR:L with the rest low
// about 0.73) exploitability is high; at or above Medium (e.g. AV:L with
// the rest low, 0.65; AV:N/AC:H, 0.57) medium; below it (AV:P) low.
const (
	ExploitHigh   = 0.7
	ExploitMedium = 0.35
)

// Input is what the assessment of one finding is computed from.
type Input struct {
	// State, Response and DecidedAt are the finding's triage decision.
	State     vigil.TriageState
	Response  vigil.Response
	DecidedAt time.Time
	// Vector is the vector that applies (the rubric's, else the
	// knowledge base's) and VectorSource says whose it is.
	Vector       string
	VectorSource string
	// Overlays are the release's environment then the finding's own
	// threat/environmental metrics.
	Overlays []string
	KEV      *vigil.KEVEntry
	EPSS     *vigil.EPSSScore
	// SSVC is CISA's SSVC decision (CVE 5 CISA-ADP); its Exploitation
	// point is a signal beside KEV and EPSS.
	SSVC *vigil.SSVC
	// Assessment is the current patient-safety assessment, nil if none.
	Assessment *vigil.RiskAssessment
	// FirstSeen is when the finding was first matched: the clocks' start
	// unless the assessment says when the manufacturer learned of it.
	FirstSeen  time.Time
	Confidence vigil.Confidence
	Settings   vigil.RiskSettings
	Today      vigil.Date
	// Phase is the release's lifecycle phase today; empty leaves the
	// lifecycle out of the priority (see lifecycle.PhaseEscalation).
	Phase vigil.Phase
}

// Scores are a finding's CVSS scores: the vector's base score, and the
// score after the release's environment and the finding's overlay.
type Scores struct {
	Version     vigil.CVSSVersion `json:"version,omitempty"`
	Source      string            `json:"source,omitempty"`
	BaseVector  string            `json:"base_vector,omitempty"`
	Base        float64           `json:"base"`
	BaseRating  vigil.Rating      `json:"base_rating,omitempty"`
	Vector      string            `json:"vector,omitempty"`
	Effective   float64           `json:"effective"`
	Rating      vigil.Rating      `json:"rating,omitempty"`
	Adjusted    bool              `json:"adjusted"`
	OverlayNote string            `json:"overlay_note,omitempty"`
}

// Clock is one FDA postmarket clock of an uncontrolled risk.
type Clock struct {
	Name   string     `json:"name"`
	Due    vigil.Date `json:"due"`
	DoneOn vigil.Date `json:"done_on,omitzero"`
	// DaysLeft is negative when overdue.
	DaysLeft int  `json:"days_left"`
	Overdue  bool `json:"overdue"`
	Late     bool `json:"late,omitempty"`
}

// Evaluation is the patient-safety view of one finding.
type Evaluation struct {
	Scores         Scores               `json:"scores"`
	Exploitability vigil.Exploitability `json:"exploitability"`
	// ExploitabilityBasis lists why, in order of application.
	ExploitabilityBasis []string        `json:"exploitability_basis"`
	Harm                vigil.Harm      `json:"harm,omitempty"`
	Class               vigil.RiskClass `json:"class"`
	ClassBasis          string          `json:"class_basis"`
	LearnedOn           vigil.Date      `json:"learned_on"`
	Clocks              []Clock         `json:"clocks,omitempty"`
	Overdue             bool            `json:"overdue"`
}

// Evaluate computes the patient-safety view of a finding: its scores,
// exploitability (vector, then KEV and EPSS, then a person's override),
// harm, FDA postmarket classification and, for uncontrolled risk, the
// notification and remediation clocks.
func Evaluate(in Input) Evaluation {
	var ev Evaluation
	ev.Scores = score(in)
	ev.Exploitability, ev.ExploitabilityBasis = exploitability(in, ev.Scores)
	ev.LearnedOn = vigil.DateOf(in.FirstSeen.UTC())
	if in.Assessment != nil {
		ev.Harm = in.Assessment.Harm
		if !in.Assessment.LearnedOn.IsZero() {
			ev.LearnedOn = in.Assessment.LearnedOn
		}
	}
	set := in.Settings
	switch {
	case in.State == vigil.TriageNotAffected || in.State == vigil.TriageFalsePositive:
		ev.Class, ev.ClassBasis = vigil.RiskNotApplicable, fmt.Sprintf("triaged %s", in.State)
		return ev
	case in.Assessment == nil:
		ev.Class, ev.ClassBasis = vigil.RiskUnassessed, "no patient-safety assessment yet"
		return ev
	}
	least, ok := set.UncontrolledAt[ev.Exploitability]
	if ok && ev.Harm.Rank() >= least.Rank() {
		ev.Class = vigil.RiskUncontrolled
		ev.ClassBasis = fmt.Sprintf("%s exploitability with %s harm: uncontrolled from %s harm at this exploitability", ev.Exploitability, ev.Harm, least)
	} else {
		ev.Class = vigil.RiskControlled
		if ok {
			ev.ClassBasis = fmt.Sprintf("%s exploitability with %s harm: below %s, where risk becomes uncontrolled", ev.Exploitability, ev.Harm, least)
		} else {
			ev.ClassBasis = fmt.Sprintf("%s exploitability: never uncontrolled under the organization's settings", ev.Exploitability)
		}
	}
	if ev.Class != vigil.RiskUncontrolled {
		return ev
	}
	notified := in.Assessment.CustomersNotifiedOn
	var remediated vigil.Date
	if in.State == vigil.TriageFixed || in.Response == vigil.ResponseUpdate || in.Response == vigil.ResponseWorkaroundAvailable ||
		in.Response == vigil.ResponseRollback {
		remediated = vigil.DateOf(in.DecidedAt.UTC())
	}
	ev.Clocks = []Clock{
		clock("customer notification", ev.LearnedOn.AddDays(set.NotifyDays), notified, in.Today),
		clock("fix or compensating controls", ev.LearnedOn.AddDays(set.RemediateDays), remediated, in.Today),
	}
	for _, c := range ev.Clocks {
		ev.Overdue = ev.Overdue || c.Overdue
	}
	return ev
}

func clock(name string, due, done, today vigil.Date) Clock {
	c := Clock{Name: name, Due: due, DoneOn: done}
	if !done.IsZero() {
		c.Late = done.After(due)
		return c
	}
	c.DaysLeft = int(due.Time().Sub(today.Time()).Hours() / 24)
	c.Overdue = today.After(due)
	return c
}

func score(in Input) Scores {
	s := Scores{Source: in.VectorSource}
	if in.Vector == "" {
		return s
	}
	base, err := cvss.Parse(in.Vector)
	if err != nil {
		s.OverlayNote = err.Error()
		return s
	}
	s.Version, s.BaseVector, s.Base, s.BaseRating = base.Version, base.Vector, base.Base, base.Rating
	s.Vector, s.Effective, s.Rating = base.Vector, base.Effective(), cvss.RatingOf(base.Version, base.Effective())
	if base.Version == vigil.CVSS40 {
		s.Effective, s.Rating = base.Base, base.Rating
	}
	adj, err := cvss.Apply(base.Vector, in.Overlays...)
	if err != nil {
		s.OverlayNote = "environment not applied: " + err.Error()
		return s
	}
	if adj.Vector != base.Vector {
		s.Vector, s.Effective, s.Adjusted = adj.Vector, adj.Effective(), true
		s.Rating = cvss.RatingOf(adj.Version, s.Effective)
	}
	return s
}

func exploitability(in Input, s Scores) (vigil.Exploitability, []string) {
	var why []string
	level := vigil.ExploitabilityMedium
	if s.Vector != "" {
		x, err := cvss.Exploitability(s.Vector)
		if err == nil {
			switch {
			case x >= ExploitHigh:
				level = vigil.ExploitabilityHigh
			case x >= ExploitMedium:
				level = vigil.ExploitabilityMedium
			default:
				level = vigil.ExploitabilityLow
			}
			why = append(why, fmt.Sprintf("vector %s: exploitability %.2f of 1 → %s", s.Vector, x, level))
		}
	}
	if len(why) == 0 {
		why = append(why, "no CVSS vector: assumed medium")
	}
	raise := func(to vigil.Exploitability, reason string) {
		if to.Rank() > level.Rank() {
			level = to
			why = append(why, reason+" → "+string(to))
		} else {
			why = append(why, reason+" (already "+string(level)+")")
		}
	}
	if in.KEV != nil {
		raise(vigil.ExploitabilityHigh, fmt.Sprintf("known exploited (CISA KEV since %s)", in.KEV.DateAdded))
	}
	if in.SSVC != nil {
		// CISA's SSVC Exploitation point: "active" is exploitation seen
		// (KEV's meaning, often before the listing), "poc" a public proof
		// of concept, "none" neither.
		switch e := strings.ToLower(in.SSVC.Value("Exploitation")); e {
		case "active":
			raise(vigil.ExploitabilityHigh, "CISA SSVC exploitation: active")
		case "poc", "public poc":
			raise(vigil.ExploitabilityMedium, "CISA SSVC exploitation: poc")
		case "none":
			why = append(why, "CISA SSVC exploitation: none")
		}
	}
	if in.EPSS != nil {
		switch {
		case in.EPSS.Score >= in.Settings.EPSSHigh:
			raise(vigil.ExploitabilityHigh, fmt.Sprintf("EPSS %.3f ≥ %.3f", in.EPSS.Score, in.Settings.EPSSHigh))
		case in.EPSS.Score >= in.Settings.EPSSMedium:
			raise(vigil.ExploitabilityMedium, fmt.Sprintf("EPSS %.3f ≥ %.3f", in.EPSS.Score, in.Settings.EPSSMedium))
		}
	}
	if a := in.Assessment; a != nil && a.Exploitability != "" {
		level = a.Exploitability
		why = append(why, fmt.Sprintf("set to %s by %s: %s", a.Exploitability, a.Actor, a.ExploitabilityRationale))
	}
	return level, why
}

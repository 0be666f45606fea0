package vigil

import "time"

// The manufacturer's patient-safety view of a finding: the severity of the
// harm it could cause (ISO 14971), how exploitable it is, and from those
// the FDA postmarket classification, controlled or uncontrolled risk, with
// the clocks that follow.

// Exploitability is the likelihood that a vulnerability is exploited, in
// the three levels the FDA postmarket guidance's exploitability axis uses.
type Exploitability string

const (
	ExploitabilityLow    Exploitability = "low"
	ExploitabilityMedium Exploitability = "medium"
	ExploitabilityHigh   Exploitability = "high"
)

// Exploitabilities lists the levels from least to most likely.
var Exploitabilities = []Exploitability{ExploitabilityLow, ExploitabilityMedium, ExploitabilityHigh}

// Valid reports whether e is a known level.
func (e Exploitability) Valid() bool { return validToken(e, Exploitabilities) }

// Rank orders the levels: 0 for low up to 2 for high, -1 unknown.
func (e Exploitability) Rank() int {
	for i, x := range Exploitabilities {
		if x == e {
			return i
		}
	}
	return -1
}

// RiskClass is the FDA postmarket classification of a finding's risk to
// essential clinical performance.
type RiskClass string

const (
	// RiskControlled: the residual risk of patient harm is acceptable.
	RiskControlled RiskClass = "controlled"
	// RiskUncontrolled: it is not; customers must be told and the risk
	// remediated within the clocks.
	RiskUncontrolled RiskClass = "uncontrolled"
	// RiskUnassessed: nobody has judged the harm yet.
	RiskUnassessed RiskClass = "unassessed"
	// RiskNotApplicable: the finding is not affected or a false positive.
	RiskNotApplicable RiskClass = "not_applicable"
)

// RiskAssessment is a person's patient-safety assessment of one finding.
// Assessments are append-only: a new one supersedes the last and the old
// ones stay as history.
type RiskAssessment struct {
	ID        int64 `json:"id"`
	OrgID     int64 `json:"org_id"`
	FindingID int64 `json:"finding_id"`
	RiskAssessmentInput
	Actor string    `json:"actor"`
	At    time.Time `json:"at"`
}

// RiskAssessmentInput is what the assessor records.
type RiskAssessmentInput struct {
	// Harm is the severity of the potential harm to a patient if the
	// vulnerability were exploited, on the ISO 14971 scale.
	Harm          Harm   `json:"harm"`
	HarmRationale string `json:"harm_rationale"`
	// Exploitability, when set, replaces the level derived from the
	// vector, KEV and EPSS (e.g. compensating controls make it harder);
	// it needs a rationale.
	Exploitability          Exploitability `json:"exploitability,omitempty"`
	ExploitabilityRationale string         `json:"exploitability_rationale,omitempty"`
	// CompensatingControls are the controls in place or advised.
	CompensatingControls string `json:"compensating_controls,omitempty"`
	// CVSSOverlay are threat/temporal and environmental metrics for this
	// finding, e.g. "E:P/MAV:A", added to the vector (after the release's
	// environment).
	CVSSOverlay string `json:"cvss_overlay,omitempty"`
	// LearnedOn is when the manufacturer learned of the vulnerability,
	// the start of the clocks; zero means when the finding was first seen.
	LearnedOn Date `json:"learned_on,omitzero"`
	// CustomersNotifiedOn is when customers were told (stops the
	// notification clock).
	CustomersNotifiedOn Date `json:"customers_notified_on,omitzero"`
}

// MaxRiskText bounds the assessment's text fields.
const MaxRiskText = 8000

// Validate checks the assessment, reporting every problem.
func (in RiskAssessmentInput) Validate() error {
	var v ValidationError
	if !in.Harm.Valid() {
		v.Add("harm", "must be one of %v", Harms)
	}
	validateText(&v, "harm_rationale", in.HarmRationale, true, MaxRiskText)
	if in.Exploitability != "" && !in.Exploitability.Valid() {
		v.Add("exploitability", "must be one of %v", Exploitabilities)
	}
	validateText(&v, "exploitability_rationale", in.ExploitabilityRationale, in.Exploitability != "", MaxRiskText)
	validateText(&v, "compensating_controls", in.CompensatingControls, false, MaxRiskText)
	validateText(&v, "cvss_overlay", in.CVSSOverlay, false, 300)
	if !in.CustomersNotifiedOn.IsZero() && !in.LearnedOn.IsZero() && in.CustomersNotifiedOn.Before(in.LearnedOn) {
		v.Add("customers_notified_on", "is before learned_on")
	}
	return v.Err()
}

// RubricAnswers are one pass through the medical-device CVSS rubric for a
// finding: the answer to each question asked, and the vector they give.
// Like assessments they are append-only.
type RubricAnswers struct {
	ID        int64 `json:"id"`
	OrgID     int64 `json:"org_id"`
	FindingID int64 `json:"finding_id"`
	// Rubric names the rubric and its version, e.g. "mitre-medical/1".
	Rubric string `json:"rubric"`
	// Answers maps question id to answer id.
	Answers map[string]string `json:"answers"`
	// Notes are the assessor's remarks per question id.
	Notes map[string]string `json:"notes,omitempty"`
	// Vector is the CVSS 3.1 base vector the answers give.
	Vector string    `json:"vector"`
	Actor  string    `json:"actor"`
	At     time.Time `json:"at"`
}

// CVSSEnvironment is a release's environmental (and threat) CVSS metrics
// per version, added to every vector of its findings: how the device is
// deployed changes how bad a vulnerability is for it. Each overlay is a
// metric list such as "MAV:A/CR:H/IR:H/AR:H" for CVSS 3.x.
type CVSSEnvironment struct {
	ReleaseID int64     `json:"release_id"`
	CVSS2     string    `json:"cvss2,omitempty"`
	CVSS3     string    `json:"cvss3,omitempty"`
	CVSS4     string    `json:"cvss4,omitempty"`
	Rationale string    `json:"rationale,omitempty"`
	Actor     string    `json:"actor,omitempty"`
	UpdatedAt time.Time `json:"updated_at,omitzero"`
}

// Overlay is the overlay for vectors of version ver.
func (e *CVSSEnvironment) Overlay(ver CVSSVersion) string {
	if e == nil {
		return ""
	}
	switch ver {
	case CVSS20:
		return e.CVSS2
	case CVSS30, CVSS31:
		return e.CVSS3
	case CVSS40:
		return e.CVSS4
	}
	return ""
}

// PriorityWeights weigh the factors of the prioritised queue. Each factor
// is scaled to 0..1; the priority is the weighted sum over the sum of the
// weights, times 100.
type PriorityWeights struct {
	CVSS         float64 `json:"cvss"`
	KEV          float64 `json:"kev"`
	EPSS         float64 `json:"epss"`
	Harm         float64 `json:"harm"`
	Uncontrolled float64 `json:"uncontrolled"`
	Overdue      float64 `json:"overdue"`
	Confidence   float64 `json:"confidence"`
}

// RiskSettings are an organization's patient-safety rules: the clocks, how
// KEV and EPSS raise exploitability, where risk becomes uncontrolled and
// how the queue is weighed.
type RiskSettings struct {
	// NotifyDays and RemediateDays are the clocks for uncontrolled risk,
	// counted from LearnedOn: customer notification and a fix or
	// compensating controls (FDA postmarket guidance: 30 and 60 days).
	NotifyDays    int `json:"notify_days"`
	RemediateDays int `json:"remediate_days"`
	// EPSSHigh and EPSSMedium are the EPSS probabilities at or above which
	// exploitability is at least high or medium.
	EPSSHigh   float64 `json:"epss_high"`
	EPSSMedium float64 `json:"epss_medium"`
	// UncontrolledAt gives, per exploitability level, the least harm at
	// which risk is uncontrolled; a level missing from it never is.
	UncontrolledAt map[Exploitability]Harm `json:"uncontrolled_at"`
	// UnassessedHarm is the harm the queue counts for a finding nobody
	// assessed yet.
	UnassessedHarm Harm            `json:"unassessed_harm"`
	Weights        PriorityWeights `json:"weights"`
	// LinkThreshold is the identification score from which a device
	// advisory's product links an asset without a person's word; below
	// it the link is "possible", listed to confirm or reject.
	LinkThreshold float64 `json:"link_threshold,omitempty"`
	// UnscoredCVSS is the base score the fleet's priority ranks a
	// vulnerability by when no CVSS vector exists anywhere (advisory, NVD,
	// CVE record): its severity is shown as unknown, and this number,
	// never a silent default, places it in the queue.
	UnscoredCVSS float64   `json:"unscored_cvss,omitempty"`
	Actor        string    `json:"actor,omitempty"`
	UpdatedAt    time.Time `json:"updated_at,omitzero"`
}

// DefaultRiskSettings are the settings of an organization that set none:
// the FDA postmarket guidance's clocks and a matrix in its spirit.
func DefaultRiskSettings() RiskSettings {
	return RiskSettings{
		NotifyDays: 30, RemediateDays: 60,
		EPSSHigh: 0.1, EPSSMedium: 0.01,
		UncontrolledAt: map[Exploitability]Harm{
			ExploitabilityHigh:   HarmSerious,
			ExploitabilityMedium: HarmCritical,
			ExploitabilityLow:    HarmCatastrophic,
		},
		UnassessedHarm: HarmSerious,
		Weights:        PriorityWeights{CVSS: 25, KEV: 20, EPSS: 10, Harm: 25, Uncontrolled: 10, Overdue: 5, Confidence: 5},
		LinkThreshold:  DefaultLinkThreshold,
		UnscoredCVSS:   DefaultUnscoredCVSS,
	}
}

// DefaultLinkThreshold is the identification score from which a device
// advisory's product links an asset by default (see RiskSettings).
const DefaultLinkThreshold = 0.6

// DefaultUnscoredCVSS ranks a vulnerability with no CVSS anywhere as a
// high one: a device advisory about it exists, and unknown is not low.
const DefaultUnscoredCVSS = 7.0

// WithDefaults fills the settings added after an organization stored its
// own (stored settings lack them) from DefaultRiskSettings.
func (s RiskSettings) WithDefaults() RiskSettings {
	d := DefaultRiskSettings()
	if s.LinkThreshold == 0 {
		s.LinkThreshold = d.LinkThreshold
	}
	if s.UnscoredCVSS == 0 {
		s.UnscoredCVSS = d.UnscoredCVSS
	}
	return s
}

// Validate checks the settings, reporting every problem.
func (s RiskSettings) Validate() error {
	var v ValidationError
	if s.NotifyDays < 1 || s.NotifyDays > 3650 {
		v.Add("notify_days", "must be between 1 and 3650")
	}
	if s.RemediateDays < 1 || s.RemediateDays > 3650 {
		v.Add("remediate_days", "must be between 1 and 3650")
	}
	if !(s.EPSSHigh > 0 && s.EPSSHigh <= 1) {
		v.Add("epss_high", "must be above 0 and at most 1")
	}
	if !(s.EPSSMedium > 0 && s.EPSSMedium <= s.EPSSHigh) {
		v.Add("epss_medium", "must be above 0 and at most epss_high")
	}
	for e, h := range s.UncontrolledAt {
		if !e.Valid() {
			v.Add("uncontrolled_at", "unknown exploitability %q (want %v)", e, Exploitabilities)
		} else if !h.Valid() {
			v.Add("uncontrolled_at."+string(e), "must be one of %v", Harms)
		}
	}
	if !s.UnassessedHarm.Valid() {
		v.Add("unassessed_harm", "must be one of %v", Harms)
	}
	if s.LinkThreshold != 0 && !(s.LinkThreshold >= 0.3 && s.LinkThreshold <= 1) {
		v.Add("link_threshold", "must be between 0.3 and 1")
	}
	if s.UnscoredCVSS != 0 && !(s.UnscoredCVSS > 0 && s.UnscoredCVSS <= 10) {
		v.Add("unscored_cvss", "must be above 0 and at most 10")
	}
	w := s.Weights
	sum := 0.0
	for name, x := range map[string]float64{"cvss": w.CVSS, "kev": w.KEV, "epss": w.EPSS, "harm": w.Harm,
		"uncontrolled": w.Uncontrolled, "overdue": w.Overdue, "confidence": w.Confidence} {
		if !(x >= 0 && x <= 1000) {
			v.Add("weights."+name, "must be between 0 and 1000")
		}
		sum += x
	}
	if sum == 0 {
		v.Add("weights", "are all zero")
	}
	validateText(&v, "actor", s.Actor, false, 200)
	return v.Err()
}

// MaxRubricAnswers bounds the answers of one pass (the rubric has a few
// dozen questions).
const MaxRubricAnswers = 200

// ValidateText checks the free text of a pass: the notes.
func (a *RubricAnswers) ValidateText() error {
	var v ValidationError
	if len(a.Answers) > MaxRubricAnswers || len(a.Notes) > MaxRubricAnswers {
		v.Add("answers", "more than %d entries", MaxRubricAnswers)
		return v.Err()
	}
	for k, n := range a.Notes {
		validateText(&v, "notes."+k, n, false, MaxRiskText)
	}
	return v.Err()
}

// ValidateText checks the environment's rationale and the overlays'
// length; the cvss package checks the metrics.
func (e *CVSSEnvironment) ValidateText() error {
	var v ValidationError
	validateText(&v, "cvss2", e.CVSS2, false, 300)
	validateText(&v, "cvss3", e.CVSS3, false, 300)
	validateText(&v, "cvss4", e.CVSS4, false, 300)
	validateText(&v, "rationale", e.Rationale, false, MaxRiskText)
	return v.Err()
}

package vigil

import (
	"strings"
	"time"
)

// The triage vocabulary: what a person (or a VEX statement) decides about a
// finding. The tokens are VEX's own — CSAF VEX, OpenVEX and CycloneDX VEX
// name them alike, and each exporter maps them onto its format — so the same
// string goes into JSON, the database and the CLI.

// TriageState is the decision about a finding.
type TriageState string

const (
	TriageUnderInvestigation TriageState = "under_investigation"
	TriageAffected           TriageState = "affected"
	TriageNotAffected        TriageState = "not_affected"
	TriageFixed              TriageState = "fixed"
	TriageFalsePositive      TriageState = "false_positive"
)

// TriageStates lists the states in workflow order.
var TriageStates = []TriageState{TriageUnderInvestigation, TriageAffected, TriageNotAffected, TriageFixed, TriageFalsePositive}

// Valid reports whether s is a known state.
func (s TriageState) Valid() bool { return validToken(s, TriageStates) }

// Open reports whether a finding in this state still needs work: it may
// affect the device and nothing has fixed it.
func (s TriageState) Open() bool { return s == TriageUnderInvestigation || s == TriageAffected }

// Justification says why a component is not affected, in the words of the
// CISA "Vulnerability Exploitability eXchange (VEX) – Status Justifications"
// (the OpenVEX and CSAF VEX set).
type Justification string

const (
	JustComponentNotPresent              Justification = "component_not_present"
	JustVulnerableCodeNotPresent         Justification = "vulnerable_code_not_present"
	JustVulnerableCodeNotInExecutePath   Justification = "vulnerable_code_not_in_execute_path"
	JustVulnerableCodeCannotBeControlled Justification = "vulnerable_code_cannot_be_controlled_by_adversary"
	JustInlineMitigationsAlreadyExist    Justification = "inline_mitigations_already_exist"
)

// Justifications lists the justifications.
var Justifications = []Justification{
	JustComponentNotPresent, JustVulnerableCodeNotPresent, JustVulnerableCodeNotInExecutePath,
	JustVulnerableCodeCannotBeControlled, JustInlineMitigationsAlreadyExist,
}

// Valid reports whether j is a known justification.
func (j Justification) Valid() bool { return validToken(j, Justifications) }

// Response is what the manufacturer does about an affected finding
// (CycloneDX analysis.response, CSAF remediation categories).
type Response string

const (
	ResponseCanNotFix           Response = "can_not_fix"
	ResponseWillNotFix          Response = "will_not_fix"
	ResponseUpdate              Response = "update"
	ResponseRollback            Response = "rollback"
	ResponseWorkaroundAvailable Response = "workaround_available"
)

// Responses lists the responses.
var Responses = []Response{ResponseCanNotFix, ResponseWillNotFix, ResponseUpdate, ResponseRollback, ResponseWorkaroundAvailable}

// Valid reports whether r is a known response.
func (r Response) Valid() bool { return validToken(r, Responses) }

// DecisionSource says where a triage decision came from, so an imported VEX
// statement is never mistaken for a person's judgement.
type DecisionSource string

const (
	DecisionHuman   DecisionSource = "human"   // a person decided
	DecisionCarried DecisionSource = "carried" // carried over from another release's decision
	DecisionVEX     DecisionSource = "vex"     // applied from an imported VEX statement
)

// DecisionSources lists the sources.
var DecisionSources = []DecisionSource{DecisionHuman, DecisionCarried, DecisionVEX}

// Valid reports whether s is a known source.
func (s DecisionSource) Valid() bool { return validToken(s, DecisionSources) }

// Harm is the severity of potential harm to a patient on the ISO 14971
// five-level scale, used by the manufacturer's patient-safety assessment and
// by the hospital's contextual priority alike.
type Harm string

const (
	HarmNegligible   Harm = "negligible"
	HarmMinor        Harm = "minor"
	HarmSerious      Harm = "serious"
	HarmCritical     Harm = "critical"
	HarmCatastrophic Harm = "catastrophic"
)

// Harms lists the levels from least to most severe.
var Harms = []Harm{HarmNegligible, HarmMinor, HarmSerious, HarmCritical, HarmCatastrophic}

// Valid reports whether h is a known level.
func (h Harm) Valid() bool { return validToken(h, Harms) }

// Rank orders the levels: 0 for negligible up to 4 for catastrophic, -1
// unknown.
func (h Harm) Rank() int {
	for i, g := range Harms {
		if h == g {
			return i
		}
	}
	return -1
}

// TriageDecision is the current decision about a finding: the state, why,
// and where it came from. A finding without one is under investigation.
type TriageDecision struct {
	State         TriageState   `json:"state"`
	Justification Justification `json:"justification,omitempty"`
	Response      Response      `json:"response,omitempty"`
	// Detail is the free text: why (a person's reason, a VEX impact or
	// action statement).
	Detail string         `json:"detail,omitempty"`
	Source DecisionSource `json:"source"`
	// SourceRef says where a VEX decision came from (document id or URL
	// and statement) or, for a carried one, the finding and release it
	// was carried from.
	SourceRef string `json:"source_ref,omitempty"`
	// SourceTime is when the source made the statement (a VEX statement's
	// timestamp); zero for a person's decision.
	SourceTime time.Time `json:"source_time,omitzero"`
	Actor      string    `json:"actor"`
	At         time.Time `json:"at"`
	// CarriedFromID is the finding whose decision this one was carried
	// from (Source carried).
	CarriedFromID int64 `json:"carried_from_id,omitempty"`
}

// TriageEvent is one entry of a finding's append-only triage history:
// from → to, who, when, why and from which source. The finding's identity
// (release, vulnerability, component) is copied into the entry so the
// history outlives the finding row.
type TriageEvent struct {
	ID               int64       `json:"id"`
	OrgID            int64       `json:"org_id"`
	FindingID        int64       `json:"finding_id"`
	ReleaseID        int64       `json:"release_id"`
	VulnID           string      `json:"vuln_id"`
	ComponentKey     string      `json:"component_key"`
	ComponentVersion string      `json:"component_version,omitempty"`
	From             TriageState `json:"from_state"`
	TriageDecision
}

// TriageInput is a decision to record about a finding.
type TriageInput struct {
	State         TriageState    `json:"state"`
	Justification Justification  `json:"justification,omitempty"`
	Response      Response       `json:"response,omitempty"`
	Detail        string         `json:"detail,omitempty"`
	Source        DecisionSource `json:"source,omitempty"`
	SourceRef     string         `json:"source_ref,omitempty"`
	SourceTime    time.Time      `json:"source_time,omitzero"`
	// Force lets a VEX statement replace a person's (or a carried)
	// decision that differs; without it that is a conflict.
	Force bool `json:"force,omitempty"`
}

// Limits of the triage text fields.
const (
	MaxTriageDetail    = 8000
	MaxTriageSourceRef = 1000
)

// Validate checks the decision's consistency, reporting every problem:
// a known state; a justification exactly when not affected (a VEX
// statement may give an impact statement in Detail instead); a response
// only where something is to be done; a reason for a person's decision;
// the source reference of an imported statement.
func (in TriageInput) Validate() error {
	var v ValidationError
	src := in.Source
	if src == "" {
		src = DecisionHuman
	}
	if !src.Valid() {
		v.Add("source", "must be one of %v", DecisionSources)
	}
	if !in.State.Valid() {
		v.Add("state", "must be one of %v", TriageStates)
	}
	if in.Justification != "" && !in.Justification.Valid() {
		v.Add("justification", "must be one of %v", Justifications)
	}
	switch {
	case in.State == TriageNotAffected && in.Justification == "" && (src != DecisionVEX || strings.TrimSpace(in.Detail) == ""):
		v.Add("justification", "is required for not_affected (one of %v)", Justifications)
	case in.State != TriageNotAffected && in.Justification != "":
		v.Add("justification", "is only given for not_affected")
	}
	if in.Response != "" {
		if !in.Response.Valid() {
			v.Add("response", "must be one of %v", Responses)
		} else if in.State == TriageNotAffected || in.State == TriageFalsePositive {
			v.Add("response", "is not given for %s: nothing is to be done", in.State)
		}
	}
	validateText(&v, "detail", in.Detail, src == DecisionHuman, MaxTriageDetail)
	validateText(&v, "source_ref", in.SourceRef, src == DecisionVEX, MaxTriageSourceRef)
	if src == DecisionHuman && in.SourceRef != "" {
		v.Add("source_ref", "is only given for VEX or carried decisions")
	}
	return v.Err()
}

// Differs reports whether d decides something other than in: another
// state, justification or response.
func (d *TriageDecision) Differs(in TriageInput) bool {
	return d.State != in.State || d.Justification != in.Justification || d.Response != in.Response
}

// TriageState is the finding's current state: its decision's, or
// under_investigation when nobody decided yet.
func (f *Finding) TriageState() TriageState {
	if f.Triage == nil {
		return TriageUnderInvestigation
	}
	return f.Triage.State
}

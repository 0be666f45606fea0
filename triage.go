package vigil

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

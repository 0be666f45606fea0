package vigil

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func fields(err error) []string {
	ve, ok := err.(*ValidationError)
	if !ok {
		return nil
	}
	var out []string
	for _, f := range ve.Fields {
		out = append(out, f.Field)
	}
	return out
}

func TestTriageInputValidate(t *testing.T) {
	tests := []struct {
		name string
		in   TriageInput
		want []string
	}{
		{"HumanAffected", TriageInput{State: TriageAffected, Detail: "why"}, nil},
		{"HumanNotAffected", TriageInput{State: TriageNotAffected, Justification: JustComponentNotPresent, Detail: "why"}, nil},
		{"VEXImpactStatementInsteadOfJustification", TriageInput{State: TriageNotAffected, Source: DecisionVEX, SourceRef: "d#1", Detail: "not reachable"}, nil},
		{"VEXNotAffectedBare", TriageInput{State: TriageNotAffected, Source: DecisionVEX, SourceRef: "d#1"}, []string{"justification"}},
		{"CarriedNoDetail", TriageInput{State: TriageFixed, Source: DecisionCarried, SourceRef: "finding 1"}, nil},
		{"FixedWithUpdate", TriageInput{State: TriageFixed, Response: ResponseUpdate, Detail: "3.1"}, nil},
		{"FalsePositiveWithResponse", TriageInput{State: TriageFalsePositive, Response: ResponseWillNotFix, Detail: "x"}, []string{"response"}},
		{"UnknownResponse", TriageInput{State: TriageAffected, Response: "pray", Detail: "x"}, []string{"response"}},
		{"HumanWithSourceRef", TriageInput{State: TriageAffected, Detail: "x", SourceRef: "doc"}, []string{"source_ref"}},
		{"Everything", TriageInput{State: "", Justification: "x", Response: "y", Source: "z"}, []string{"source", "state", "justification", "justification", "response"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, fields(tt.in.Validate())); diff != "" {
				t.Errorf("fields (-want +got):\n%s", diff)
			}
		})
	}
}

func TestRiskSettingsValidate(t *testing.T) {
	if err := DefaultRiskSettings().Validate(); err != nil {
		t.Fatalf("defaults: %v", err)
	}
	s := DefaultRiskSettings()
	s.NotifyDays, s.EPSSMedium, s.UnassessedHarm = 0, 0.5, "bad"
	s.UncontrolledAt = map[Exploitability]Harm{"extreme": HarmMinor, ExploitabilityHigh: "fatal"}
	s.Weights = PriorityWeights{}
	got := fields(s.Validate())
	for _, want := range []string{"notify_days", "epss_medium", "uncontrolled_at", "uncontrolled_at.high", "unassessed_harm", "weights"} {
		found := false
		for _, g := range got {
			found = found || g == want
		}
		if !found {
			t.Errorf("no problem with %s in %v", want, got)
		}
	}
}

func TestTriageDecisionDiffers(t *testing.T) {
	d := &TriageDecision{State: TriageNotAffected, Justification: JustComponentNotPresent, Detail: "a"}
	if d.Differs(TriageInput{State: TriageNotAffected, Justification: JustComponentNotPresent, Detail: "b"}) {
		t.Error("another text alone is not another decision")
	}
	if !d.Differs(TriageInput{State: TriageNotAffected, Justification: JustVulnerableCodeNotPresent}) {
		t.Error("another justification is another decision")
	}
	var f Finding
	if f.TriageState() != TriageUnderInvestigation {
		t.Error("an undecided finding is under investigation")
	}
}

package mds2

import (
	"errors"
	"strings"
	"testing"

	"github.com/vigil/vigil"
)

func TestDefaultProfile(t *testing.T) {
	cat := LoadCatalogue()
	p := DefaultProfile(cat)
	musts := 0
	for _, r := range p.Requirements {
		if r.Rationale == "" {
			t.Errorf("%s: no rationale", r.Question)
		}
		if r.Level == Must {
			musts++
		}
	}
	if musts == 0 || musts == len(p.Requirements) {
		t.Errorf("%d musts of %d requirements", musts, len(p.Requirements))
	}
}

func TestParseProfile(t *testing.T) {
	cat := LoadCatalogue()
	tests := []struct {
		name string
		in   string
		want []string // substrings of the error, all of them
	}{
		{"JSON", `{"name":"x","requirements":[{"question":"sbom-1","accept":["yes"],"level":"must"}]}`, nil},
		{"Unknown", "name: x\nrequirements:\n - {question: ABCD-1, accept: [Yes]}\n", []string{`"ABCD-1" is not a question`}},
		{"Text", "name: x\nrequirements:\n - {question: DOC-1, accept: [Yes]}\n", []string{"free-text"}},
		{"All", "requirements:\n - {question: SBOM-1, accept: [Maybe], level: may, weight: -1}\n - {question: SBOM-1, accept: []}\n",
			[]string{"name: is required", `"Maybe"`, "must be must or should", "weight", "required twice", "lists no answer"}},
		{"Field", "name: x\nrequirments: []\n", []string{"requirments"}},
		{"Syntax", "name: [", []string{"profile"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := ParseProfile(cat, []byte(tt.in))
			if tt.want == nil {
				if err != nil {
					t.Fatal(err)
				}
				if p.Requirements[0].Question != "SBOM-1" || p.Requirements[0].Accept[0] != vigil.MDS2Yes || p.Requirements[0].Weight != 1 {
					t.Errorf("not normalised: %+v", p.Requirements[0])
				}
				return
			}
			if !errors.Is(err, vigil.ErrInvalid) {
				t.Fatalf("err = %v, want invalid", err)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
		})
	}
}

func TestEvaluate(t *testing.T) {
	cat := LoadCatalogue()
	p, err := ParseProfile(cat, []byte(`name: t
requirements:
  - {question: SBOM-1, accept: [Yes], level: must, weight: 3}
  - {question: CONN-2, accept: [Yes], level: must, weight: 1}
  - {question: ALOF-1, accept: [Yes, N/A], weight: 2}
  - {question: PAUT-8, accept: [Yes], weight: 4}
`))
	if err != nil {
		t.Fatal(err)
	}
	es := []vigil.MDS2Entry{
		{QuestionID: "SBOM-1", Answer: vigil.MDS2Yes},
		{QuestionID: "CONN-2", Answer: vigil.MDS2SeeNote, Note: "ask service"},
		{QuestionID: "ALOF-1", Answer: vigil.MDS2NA},
	}
	ev := Evaluate(cat, p, "a", es)
	if ev.Acceptable {
		t.Error("acceptable with CONN-2 needing review")
	}
	if ev.Earned != 5 || ev.Possible != 10 || ev.Score != 50 {
		t.Errorf("earned %v of %v = %v%%, want 5 of 10 = 50%%", ev.Earned, ev.Possible, ev.Score)
	}
	if len(ev.UnmetMusts) != 1 || ev.UnmetMusts[0].Question != "CONN-2" || ev.UnmetMusts[0].Status != Review {
		t.Errorf("unmet musts = %+v", ev.UnmetMusts)
	}
	if ev.Counts.Met != 2 || ev.Counts.Review != 1 || ev.Counts.Unanswered != 1 {
		t.Errorf("counts = %+v", ev.Counts)
	}
	evs := []CandidateEvaluation{ev, Evaluate(cat, p, "b", append(es[:1:1], vigil.MDS2Entry{QuestionID: "CONN-2", Answer: vigil.MDS2Yes}))}
	Rank(evs)
	if evs[0].Candidate != "b" {
		t.Errorf("rank: %s first", evs[0].Candidate)
	}
}

package risk

import (
	"bufio"
	"encoding/json"
	"errors"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/cvss"
)

// fixtureLines reads "fields -> want" lines, skipping comments.
func fixtureLines(t *testing.T, path string) [][2]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out [][2]string
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		in, want, ok := strings.Cut(line, " -> ")
		if !ok {
			t.Fatalf("%s:%d: no \" -> \"", path, n)
		}
		out = append(out, [2]string{in, want})
	}
	return out
}

// expandAnswers turns the fixture shorthand into rubric answers.
func expandAnswers(t *testing.T, r *Rubric, fields string) map[string]string {
	t.Helper()
	answers := map[string]string{}
	for _, f := range strings.Fields(fields) {
		k, v, _ := strings.Cut(f, "=")
		if k != "c" && k != "i" && k != "a" {
			answers[k] = v
			continue
		}
		for _, c := range r.Categories {
			answers[k+"_"+c.ID] = "none"
		}
		if v == "none" {
			continue
		}
		for _, part := range strings.Split(v, ",") {
			cat, level, _ := strings.Cut(part, ":")
			if _, ok := answers[k+"_"+cat]; !ok {
				t.Fatalf("unknown category %q", cat)
			}
			answers[k+"_"+cat] = level
		}
	}
	return answers
}

func TestRubricFixtures(t *testing.T) {
	r, err := MITRE()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range fixtureLines(t, "testdata/rubric.txt") {
		answers := expandAnswers(t, r, c[0])
		d, err := r.Derive(answers, nil)
		if err != nil {
			t.Errorf("%s: %v", c[0], err)
			continue
		}
		if d.Vector != c[1] {
			t.Errorf("%s:\n got %s\nwant %s", c[0], d.Vector, c[1])
		}
		// Every answer given is a step of the explanation.
		steps := 0
		for _, m := range d.Metrics {
			steps += len(m.Steps)
			if m.ValueName == "" {
				t.Errorf("%s: metric %s value %q has no name", c[0], m.Metric, m.Value)
			}
		}
		if steps != len(answers) {
			t.Errorf("%s: %d steps for %d answers", c[0], steps, len(answers))
		}
		// Walking with Next asks exactly these questions.
		got := map[string]string{}
		for q := r.Next(got); q != nil; q = r.Next(got) {
			a, ok := answers[q.ID]
			if !ok {
				t.Fatalf("%s: Next asks %s, which the case does not answer", c[0], q.ID)
			}
			got[q.ID] = a
		}
		if diff := cmp.Diff(answers, got); diff != "" {
			t.Errorf("%s: Next walk (-want +got):\n%s", c[0], diff)
		}
	}
}

func TestRubricDeriveErrors(t *testing.T) {
	r, err := MITRE()
	if err != nil {
		t.Fatal(err)
	}
	ok := expandAnswers(t, r, "av_network=yes av_layer34=yes ac_conditions=no pr_auth=no ui_user=no s_authority=no c=none i=none a=none")
	tests := []struct {
		name       string
		edit       func(a, n map[string]string)
		wantFields []string
	}{
		{"Unanswered", func(a, _ map[string]string) { delete(a, "ac_conditions") }, []string{"answers.ac_conditions"}},
		{"BadAnswer", func(a, _ map[string]string) { a["pr_auth"] = "maybe" }, []string{"answers.pr_auth"}},
		{"UnknownQuestion", func(a, _ map[string]string) { a["zz"] = "yes" }, []string{"answers.zz"}},
		{"NotReached", func(a, _ map[string]string) { a["av_wireless"] = "yes" }, []string{"answers.av_wireless"}},
		{"NoteWithoutAnswer", func(_, n map[string]string) { n["pr_level"] = "x" }, []string{"notes.pr_level"}},
		{"Several", func(a, _ map[string]string) { delete(a, "ui_user"); a["c_phi"] = "all" },
			[]string{"answers.ui_user", "answers.c_phi"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a := map[string]string{}
			for k, v := range ok {
				a[k] = v
			}
			n := map[string]string{}
			tc.edit(a, n)
			_, err := r.Derive(a, n)
			var ve *vigil.ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("err = %v, want a validation error", err)
			}
			var got []string
			for _, f := range ve.Fields {
				got = append(got, f.Field)
			}
			if diff := cmp.Diff(tc.wantFields, got); diff != "" {
				t.Errorf("fields (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseRubricRefusesBrokenData(t *testing.T) {
	raw, err := rubricFiles.ReadFile("rubric/mitre-medical.json")
	if err != nil {
		t.Fatal(err)
	}
	for name, edit := range map[string][2]string{
		"DanglingNext":  {`"next": "av_local"`, `"next": "av_nowhere"`},
		"UnknownValue":  {`"value": "P"}`, `"value": "Q"}`},
		"UnknownField":  {`"start": "ac_conditions"`, `"start": "ac_conditions", "stray": 1`},
		"WrongVersion":  {`"cvss_version": "3.1"`, `"cvss_version": "4.0"`},
		"BadRuleLevel":  {`"at_least": "total", "value": "H", "because": "total disclosure`, `"at_least": "most", "value": "H", "because": "total disclosure`},
		"MissingMetric": {`"metric": "UI"`, `"metric": "AC"`},
	} {
		t.Run(name, func(t *testing.T) {
			s := strings.Replace(string(raw), edit[0], edit[1], 1)
			if s == string(raw) {
				t.Fatalf("edit %q did not apply", edit[0])
			}
			if _, err := ParseRubric([]byte(s)); err == nil {
				t.Error("accepted")
			}
		})
	}
}

func TestEvaluateFixtures(t *testing.T) {
	set := vigil.DefaultRiskSettings()
	for _, c := range fixtureLines(t, "testdata/evaluate.txt") {
		in := Input{Settings: set, Confidence: vigil.ConfidenceExact, FirstSeen: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC),
			Today: vigil.Date{Year: 2026, Month: 1, Day: 10}}
		harm, override := "", ""
		for _, f := range strings.Fields(c[0]) {
			k, v, _ := strings.Cut(f, "=")
			switch k {
			case "vector":
				if v != "none" {
					in.Vector = v
				}
			case "kev":
				in.KEV = &vigil.KEVEntry{CVEID: "CVE-2024-0001", DateAdded: vigil.Date{Year: 2025, Month: 1, Day: 1}}
			case "epss":
				p, err := strconv.ParseFloat(v, 64)
				if err != nil {
					t.Fatal(err)
				}
				in.EPSS = &vigil.EPSSScore{Score: p}
			case "ssvc":
				// CISA ADP's SSVC Exploitation point, as vulnrichment writes it.
				in.SSVC = &vigil.SSVC{Role: "CISA Coordinator", Decisions: []vigil.SSVCDecision{{Point: "Exploitation", Value: v}}}
			case "harm":
				harm = v
			case "override":
				override = v
			case "state":
				in.State = vigil.TriageState(v)
			default:
				t.Fatalf("unknown field %q", k)
			}
		}
		if harm != "none" {
			in.Assessment = &vigil.RiskAssessment{Actor: "tester", RiskAssessmentInput: vigil.RiskAssessmentInput{
				Harm: vigil.Harm(harm), Exploitability: vigil.Exploitability(override), ExploitabilityRationale: "isolated network"}}
		}
		ev := Evaluate(in)
		got := string(ev.Exploitability) + " " + string(ev.Class)
		if got != c[1] {
			t.Errorf("%s:\n got %s (%v; %s)\nwant %s", c[0], got, ev.ExploitabilityBasis, ev.ClassBasis, c[1])
		}
		if len(ev.ExploitabilityBasis) == 0 || ev.ClassBasis == "" {
			t.Errorf("%s: unexplained: %+v", c[0], ev)
		}
		if (ev.Class == vigil.RiskUncontrolled) != (len(ev.Clocks) == 2) {
			t.Errorf("%s: clocks %v for class %s", c[0], ev.Clocks, ev.Class)
		}
	}
}

func TestClocks(t *testing.T) {
	set := vigil.DefaultRiskSettings()
	d := func(s string) vigil.Date {
		x, err := vigil.ParseDate(s)
		if err != nil {
			t.Fatal(err)
		}
		return x
	}
	base := Input{
		Vector: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", State: vigil.TriageAffected, Settings: set,
		FirstSeen:  time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC),
		Assessment: &vigil.RiskAssessment{RiskAssessmentInput: vigil.RiskAssessmentInput{Harm: vigil.HarmCritical}},
	}
	tests := []struct {
		name  string
		edit  func(*Input)
		today string
		want  []Clock
	}{
		{"RunningFromFirstSeen", nil, "2026-03-11", []Clock{
			{Name: "customer notification", Due: d("2026-03-31"), DaysLeft: 20},
			{Name: "fix or compensating controls", Due: d("2026-04-30"), DaysLeft: 50}}},
		{"NotificationOverdue", nil, "2026-04-01", []Clock{
			{Name: "customer notification", Due: d("2026-03-31"), DaysLeft: -1, Overdue: true},
			{Name: "fix or compensating controls", Due: d("2026-04-30"), DaysLeft: 29}}},
		{"LearnedEarlierNotifiedLateFixed", func(in *Input) {
			in.Assessment.LearnedOn, in.Assessment.CustomersNotifiedOn = d("2026-02-01"), d("2026-03-05")
			in.State, in.DecidedAt = vigil.TriageFixed, time.Date(2026, 3, 20, 0, 0, 0, 0, time.UTC)
		}, "2026-06-01", []Clock{
			{Name: "customer notification", Due: d("2026-03-03"), DoneOn: d("2026-03-05"), Late: true},
			{Name: "fix or compensating controls", Due: d("2026-04-02"), DoneOn: d("2026-03-20")}}},
		{"WorkaroundCounts", func(in *Input) {
			in.Response, in.DecidedAt = vigil.ResponseWorkaroundAvailable, time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)
		}, "2026-05-15", []Clock{
			{Name: "customer notification", Due: d("2026-03-31"), DaysLeft: -45, Overdue: true},
			{Name: "fix or compensating controls", Due: d("2026-04-30"), DoneOn: d("2026-03-02")}}},
		{"OrgClocks", func(in *Input) { in.Settings.NotifyDays, in.Settings.RemediateDays = 15, 45 }, "2026-03-01", []Clock{
			{Name: "customer notification", Due: d("2026-03-16"), DaysLeft: 15},
			{Name: "fix or compensating controls", Due: d("2026-04-15"), DaysLeft: 45}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := base
			a := *base.Assessment
			in.Assessment = &a
			if tc.edit != nil {
				tc.edit(&in)
			}
			in.Today = d(tc.today)
			ev := Evaluate(in)
			if diff := cmp.Diff(tc.want, ev.Clocks); diff != "" {
				t.Errorf("clocks (-want +got):\n%s", diff)
			}
		})
	}
}

func TestPrioritize(t *testing.T) {
	set := vigil.DefaultRiskSettings()
	mk := func(vector string, kev bool, harm vigil.Harm, state vigil.TriageState) (Input, Evaluation) {
		in := Input{Vector: vector, State: state, Settings: set, Confidence: vigil.ConfidenceExact,
			FirstSeen: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), Today: vigil.Date{Year: 2026, Month: 1, Day: 2}}
		if kev {
			in.KEV = &vigil.KEVEntry{DateAdded: vigil.Date{Year: 2025, Month: 1, Day: 1}}
		}
		if harm != "" {
			in.Assessment = &vigil.RiskAssessment{RiskAssessmentInput: vigil.RiskAssessmentInput{Harm: harm}}
		}
		return in, Evaluate(in)
	}
	crit := "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"
	low := "CVSS:3.1/AV:P/AC:H/PR:H/UI:R/S:U/C:L/I:N/A:N"
	items := []struct {
		id   int64
		in   Input
		ev   Evaluation
		want int // rank
	}{}
	add := func(id int64, rank int, vector string, kev bool, harm vigil.Harm, state vigil.TriageState) {
		in, ev := mk(vector, kev, harm, state)
		items = append(items, struct {
			id   int64
			in   Input
			ev   Evaluation
			want int
		}{id, in, ev, rank})
	}
	add(1, 4, low, false, vigil.HarmNegligible, vigil.TriageAffected)
	add(2, 1, crit, true, vigil.HarmCatastrophic, vigil.TriageAffected)
	add(3, 2, crit, false, vigil.HarmCritical, vigil.TriageUnderInvestigation)
	add(4, 3, crit, false, "", vigil.TriageUnderInvestigation) // unassessed: counted serious
	add(5, 5, crit, true, vigil.HarmCatastrophic, vigil.TriageNotAffected)
	var ranked []Ranked
	for _, it := range items {
		p := Prioritize(it.in, it.ev)
		total := 0.0
		for _, f := range p.Factors {
			total += f.Points
		}
		if p.Open && round3(total) != p.Score {
			t.Errorf("finding %d: factors add to %v, score %v", it.id, total, p.Score)
		}
		ranked = append(ranked, Ranked{ID: it.id, KEV: it.in.KEV != nil, CVSS: it.ev.Scores.Effective, Priority: p})
	}
	Sort(ranked)
	for i, r := range ranked {
		for _, it := range items {
			if it.id == r.ID && it.want != i+1 {
				t.Errorf("finding %d ranked %d, want %d (score %v)", r.ID, i+1, it.want, r.Priority.Score)
			}
		}
	}
	// The top one: everything counts fully but EPSS (none) and overdue.
	top := ranked[0].Priority
	if top.Score < 80 || top.Score > 90 {
		t.Errorf("top score %v; factors %+v", top.Score, top.Factors)
	}
	// Weights are the organization's: with only KEV weighed, the score is
	// 100 for KEV and 0 otherwise.
	set.Weights = vigil.PriorityWeights{KEV: 1}
	in, ev := mk(crit, true, vigil.HarmMinor, vigil.TriageAffected)
	in.Settings = set
	if p := Prioritize(in, ev); p.Score != 100 {
		t.Errorf("KEV-only weights: score %v", p.Score)
	}
}

func FuzzDerive(f *testing.F) {
	r, err := MITRE()
	if err != nil {
		f.Fatal(err)
	}
	raw, err := os.ReadFile("testdata/rubric.txt")
	if err != nil {
		f.Fatal(err)
	}
	for _, line := range strings.Split(string(raw), "\n") {
		in, _, ok := strings.Cut(line, " -> ")
		if !ok || strings.HasPrefix(line, "#") {
			continue
		}
		b, _ := json.Marshal(map[string]any{"answers": expandAnswersF(r, in)})
		f.Add(b)
	}
	f.Add([]byte(`{"answers": {"av_network": "yes"}, "notes": {"av_network": "Wi-Fi"}}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		var in struct {
			Answers map[string]string `json:"answers"`
			Notes   map[string]string `json:"notes"`
		}
		if json.Unmarshal(b, &in) != nil {
			return
		}
		d, err := r.Derive(in.Answers, in.Notes)
		if err != nil {
			var ve *vigil.ValidationError
			if !errors.As(err, &ve) || len(ve.Fields) == 0 {
				t.Fatalf("Derive error %v is not a validation error", err)
			}
			return
		}
		// Accepted answers are complete: Next asks nothing more, and the
		// vector is a valid CVSS 3.1 base vector.
		if q := r.Next(in.Answers); q != nil {
			t.Fatalf("accepted answers leave %s open", q.ID)
		}
		if _, err := cvss.Parse(d.Vector); err != nil {
			t.Fatalf("vector %s: %v", d.Vector, err)
		}
	})
}

// expandAnswersF is expandAnswers for fuzz seeds (no test to fail).
func expandAnswersF(r *Rubric, fields string) map[string]string {
	answers := map[string]string{}
	for _, f := range strings.Fields(fields) {
		k, v, _ := strings.Cut(f, "=")
		if k != "c" && k != "i" && k != "a" {
			answers[k] = v
			continue
		}
		for _, c := range r.Categories {
			answers[k+"_"+c.ID] = "none"
		}
		if v == "none" {
			continue
		}
		for _, part := range strings.Split(v, ",") {
			cat, level, _ := strings.Cut(part, ":")
			answers[k+"_"+cat] = level
		}
	}
	return answers
}

// TestPrioritizePhase: past end of support an open finding outranks the
// same finding on a supported release, and the factor says why; a
// planned fix lowers the escalation.
func TestPrioritizePhase(t *testing.T) {
	in := Input{State: vigil.TriageAffected, KEV: &vigil.KEVEntry{}, Confidence: vigil.ConfidenceExact,
		Settings: vigil.DefaultRiskSettings(), Today: vigil.Date{Year: 2026, Month: 12, Day: 1}}
	score := func(p vigil.Phase, r vigil.Response) Priority {
		in := in
		in.Phase, in.Response = p, r
		return Prioritize(in, Evaluate(in))
	}
	none, sup, eos, planned := score("", ""), score(vigil.PhaseSupport, ""), score(vigil.PhaseEndOfSupport, ""),
		score(vigil.PhaseEndOfSupport, vigil.ResponseUpdate)
	if none.Score != sup.Score || !(sup.Score < planned.Score && planned.Score < eos.Score) {
		t.Errorf("scores: none %.3f, support %.3f, eos with a planned fix %.3f, eos %.3f", none.Score, sup.Score, planned.Score, eos.Score)
	}
	if len(sup.Factors) != len(none.Factors) {
		t.Errorf("a supported release adds a factor: %+v", sup.Factors)
	}
	last := eos.Factors[len(eos.Factors)-1]
	if last.Name != "lifecycle_phase" || last.Value != 1 || last.Points <= 0 || last.Why == "" {
		t.Errorf("phase factor %+v", last)
	}
	if eos.Score > 100 {
		t.Errorf("score %.3f above 100", eos.Score)
	}
}

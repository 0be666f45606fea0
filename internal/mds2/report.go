package mds2

import (
	"embed"
	"fmt"
	"html/template"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/vigil/vigil"
)

//go:embed templates/*.html
var templateFS embed.FS

var funcs = template.FuncMap{
	"join": strings.Join,
	"add":  func(a, b int) int { return a + b },
	"inc":  func(i int) int { return i + 1 },
	"accept": func(as []vigil.MDS2Answer) string {
		s := make([]string, len(as))
		for i, a := range as {
			s[i] = string(a)
		}
		return strings.Join(s, " or ")
	},
}

func render(w io.Writer, name string, data any) error {
	t, err := template.New(name).Funcs(funcs).ParseFS(templateFS, "templates/"+name)
	if err != nil {
		return fmt.Errorf("template %s: %w", name, err)
	}
	return t.Execute(w, data)
}

// WriteHTML writes the comparison as a standalone HTML page.
func (c Comparison) WriteHTML(w io.Writer) error { return render(w, "compare.html", c) }

// ProcurementReport is candidates ranked against one profile.
type ProcurementReport struct {
	Title       string
	Generated   string
	Profile     *Profile
	Evaluations []CandidateEvaluation
}

// NewReport ranks evaluations into a report.
func NewReport(p *Profile, evs []CandidateEvaluation, generated string) ProcurementReport {
	evs = append([]CandidateEvaluation(nil), evs...)
	Rank(evs)
	return ProcurementReport{Title: "MDS2 procurement evaluation", Generated: generated, Profile: p, Evaluations: evs}
}

// WriteHTML writes the report as a standalone HTML page.
func (r ProcurementReport) WriteHTML(w io.Writer) error { return render(w, "report.html", r) }

// WriteText writes the report as plain text: the ranking, then each
// candidate's unmet musts and other gaps.
func (r ProcurementReport) WriteText(w io.Writer) error {
	fmt.Fprintf(w, "%s\nProfile: %s (%d requirements)\n", r.Title, oneLine(r.Profile.Name, 120), len(r.Profile.Requirements))
	if r.Generated != "" {
		fmt.Fprintf(w, "Generated: %s\n", r.Generated)
	}
	fmt.Fprintln(w)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "RANK\tCANDIDATE\tSCORE\tMUSTS\tMET\tUNMET\tREVIEW\tUNANSWERED")
	for i, e := range r.Evaluations {
		musts := "all met"
		if !e.Acceptable {
			musts = fmt.Sprintf("%d unmet", len(e.UnmetMusts))
		}
		fmt.Fprintf(tw, "%d\t%s\t%.1f%%\t%s\t%d\t%d\t%d\t%d\n", i+1, oneLine(e.Candidate, 40), e.Score, musts, e.Counts.Met, e.Counts.Unmet, e.Counts.Review, e.Counts.Unanswered)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, e := range r.Evaluations {
		verdict := "acceptable"
		if !e.Acceptable {
			verdict = "NOT acceptable"
		}
		fmt.Fprintf(w, "\n%s: %.1f%% (%.4g of %.4g), %s\n", oneLine(e.Candidate, 80), e.Score, e.Earned, e.Possible, verdict)
		for _, o := range e.UnmetMusts {
			fmt.Fprintf(w, "  MUST %-10s %s: %s%s — %s\n", o.Question, o.Status, answerText(o), noteText(o), oneLine(o.Rationale, 200))
		}
		for _, o := range e.Outcomes {
			if o.Level == Should && o.Status != Met {
				fmt.Fprintf(w, "  should %-8s %s: %s%s (weight %.4g)\n", o.Question, o.Status, answerText(o), noteText(o), o.Weight)
			}
		}
	}
	return nil
}

func answerText(o RequirementOutcome) string {
	if o.Answer == "" {
		return "no answer"
	}
	return oneLine(o.Answer, 40)
}

// noteText is the outcome's note in parentheses. An answer of See Note is
// only as good as its note, so that note is shown at length, and its
// absence said.
func noteText(o RequirementOutcome) string {
	switch {
	case o.Answer == string(vigil.MDS2SeeNote) && o.Note == "":
		return " (no note given)"
	case o.Note == "":
		return ""
	case o.Answer == string(vigil.MDS2SeeNote):
		return " (" + oneLine(o.Note, 300) + ")"
	}
	return " (" + oneLine(o.Note, 60) + ")"
}

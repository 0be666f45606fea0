package cli

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/vigil/vigil"
	application "github.com/vigil/vigil/internal/app"
	"github.com/vigil/vigil/internal/app/triage"
	"github.com/vigil/vigil/internal/risk"
)

// triageCommands are the finding subcommands of triage and patient-safety
// assessment.
func (a *app) triageCommands() []*cobra.Command {
	return []*cobra.Command{a.findingShowCommand(), a.findingTriageCommand(), a.findingHistoryCommand(),
		a.findingAssessCommand(), a.findingAssessmentsCommand(), a.findingRubricCommand(), a.findingCarryCommand(), a.findingOverdueCommand()}
}

func findingID(arg string) (int64, error) {
	id, err := strconv.ParseInt(arg, 10, 64)
	if err != nil || id <= 0 {
		return 0, usagef("finding ID %q: want a positive number (see 'vigil finding list')", arg)
	}
	return id, nil
}

func (a *app) findingShowCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "show ID",
		Short: "Show a finding with its triage decision, scores, exploitation signals and patient-safety assessment",
		Args:  exactArgs(1, "ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := findingID(args[0])
			if err != nil {
				return err
			}
			svc, sc, err := a.scope(cmd.Context())
			if err != nil {
				return err
			}
			fr, err := svc.Triage.FindingRisk(cmd.Context(), sc, id)
			if err != nil {
				return err
			}
			return a.render(cmd, fr, riskTable(fr))
		},
	}
}

func riskTable(fr *triage.FindingRisk) *table {
	f, ev := fr.Finding, fr.Evaluation
	t := keyValues(
		"finding", fmt.Sprintf("%d  %s on %s %s (%s)", f.ID, f.VulnID, f.ComponentName, orDash(f.ComponentVersion), fr.Release),
		"triage", decisionText(f),
	)
	for _, r := range f.Evidence.Records {
		rec := fmt.Sprintf("%s (%s)", r.Source.SourceID, r.Source.Source)
		if r.Range != "" {
			rec += " in " + r.Range
		}
		if r.Status != "" && r.Status != f.Status {
			rec += ": " + string(r.Status)
		}
		t.add("record", terminalSafe(rec))
	}
	s := ev.Scores
	if s.BaseVector != "" {
		t.add("cvss base", fmt.Sprintf("%.1f %s  %s  (from %s)", s.Base, s.BaseRating, s.BaseVector, s.Source))
		if s.Adjusted {
			t.add("cvss adjusted", fmt.Sprintf("%.1f %s  %s", s.Effective, s.Rating, s.Vector))
			t.add("overlays", strings.Join(fr.Overlays, " + "))
		}
	} else {
		t.add("cvss", "no vector (answer the rubric: vigil finding rubric "+fmt.Sprint(f.ID)+")")
	}
	if s.OverlayNote != "" {
		t.add("cvss note", s.OverlayNote)
	}
	if fr.KEV != nil {
		t.add("kev", fmt.Sprintf("known exploited since %s (ransomware: %s)", fr.KEV.DateAdded, orDash(string(fr.KEV.RansomwareUse))))
	} else {
		t.add("kev", "not listed")
	}
	if fr.EPSS != nil {
		t.add("epss", fmt.Sprintf("%.4f (percentile %.2f) on %s", fr.EPSS.Score, fr.EPSS.Percentile, fr.EPSS.Date))
	} else {
		t.add("epss", "-")
	}
	if x := fr.SSVC; x != nil {
		t.add("ssvc", fmt.Sprintf("CISA: exploitation %s, automatable %s, technical impact %s",
			orDash(x.Value("Exploitation")), orDash(x.Value("Automatable")), orDash(x.Value("Technical Impact"))))
	}
	t.add("exploitability", string(ev.Exploitability)+": "+strings.Join(ev.ExploitabilityBasis, "; "))
	if fr.Assessment != nil {
		as := fr.Assessment
		t.add("harm", fmt.Sprintf("%s: %s (%s, %s)", as.Harm, as.HarmRationale, as.Actor, as.At.Format("2006-01-02")))
		if as.CompensatingControls != "" {
			t.add("controls", as.CompensatingControls)
		}
	} else {
		t.add("harm", "not assessed (vigil finding assess "+fmt.Sprint(f.ID)+" --harm …)")
	}
	t.add("risk", fmt.Sprintf("%s: %s", ev.Class, ev.ClassBasis))
	for _, c := range ev.Clocks {
		t.add("clock", clockText(c))
	}
	t.add("priority", fmt.Sprintf("%.1f  %s", fr.Priority.Score, factorsText(fr.Priority)))
	if c := fr.CarryFrom; c != nil {
		t.add("carry", fmt.Sprintf("finding %d on the previous release is decided %s: vigil finding carry %d --preview",
			c.ID, c.TriageState(), c.ID))
	}
	return t
}

func decisionText(f *vigil.Finding) string {
	d := f.Triage
	if d == nil {
		return "under_investigation (no decision yet)"
	}
	s := string(d.State)
	if d.Justification != "" {
		s += " / " + string(d.Justification)
	}
	if d.Response != "" {
		s += " / response " + string(d.Response)
	}
	s += fmt.Sprintf(" — %s, %s by %s", d.Source, d.At.Format("2006-01-02"), d.Actor)
	if d.SourceRef != "" {
		s += " from " + d.SourceRef
	}
	if d.Detail != "" {
		s += ": " + d.Detail
	}
	return s
}

func clockText(c risk.Clock) string {
	switch {
	case !c.DoneOn.IsZero() && c.Late:
		return fmt.Sprintf("%s due %s, done %s (late)", c.Name, c.Due, c.DoneOn)
	case !c.DoneOn.IsZero():
		return fmt.Sprintf("%s due %s, done %s", c.Name, c.Due, c.DoneOn)
	case c.Overdue:
		return fmt.Sprintf("%s due %s: OVERDUE by %d days", c.Name, c.Due, -c.DaysLeft)
	}
	return fmt.Sprintf("%s due %s (%d days left)", c.Name, c.Due, c.DaysLeft)
}

func factorsText(p risk.Priority) string {
	if p.Note != "" {
		return p.Note
	}
	var parts []string
	for _, f := range p.Factors {
		if f.Points > 0 {
			parts = append(parts, fmt.Sprintf("%s %.1f", f.Name, f.Points))
		}
	}
	return strings.Join(parts, " + ")
}

func (a *app) findingTriageCommand() *cobra.Command {
	var state, just, resp, reason string
	cmd := &cobra.Command{
		Use:   "triage ID --state STATE [--justification J] [--response R] --reason TEXT",
		Short: "Record a triage decision about a finding (appended to its history)",
		Long: `Record a decision about a finding. States: under_investigation, affected,
not_affected (needs --justification: component_not_present,
vulnerable_code_not_present, vulnerable_code_not_in_execute_path,
vulnerable_code_cannot_be_controlled_by_adversary,
inline_mitigations_already_exist), fixed, false_positive. A response says what
is done: update, workaround_available, will_not_fix, can_not_fix, rollback.
--reason is required: every decision says why. Nothing is overwritten: see
'vigil finding history ID'.`,
		Args: exactArgs(1, "ID --state STATE --reason TEXT"),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := findingID(args[0])
			if err != nil {
				return err
			}
			if state == "" {
				return usagef("--state is required")
			}
			svc, sc, err := a.scope(cmd.Context())
			if err != nil {
				return err
			}
			f, err := svc.Triage.TriageFinding(cmd.Context(), sc, id, vigil.TriageInput{State: vigil.TriageState(state),
				Justification: vigil.Justification(just), Response: vigil.Response(resp), Detail: reason})
			if err != nil {
				return err
			}
			return a.render(cmd, f, keyValues("finding", fmt.Sprintf("%d  %s on %s %s", f.ID, f.VulnID, f.ComponentName, orDash(f.ComponentVersion)),
				"triage", decisionText(f)))
		},
	}
	cmd.Flags().StringVar(&state, "state", "", "under_investigation, affected, not_affected, fixed or false_positive")
	cmd.Flags().StringVar(&just, "justification", "", "why not affected (VEX justification)")
	cmd.Flags().StringVar(&resp, "response", "", "update, workaround_available, will_not_fix, can_not_fix or rollback")
	cmd.Flags().StringVar(&reason, "reason", "", "why (required)")
	return cmd
}

func (a *app) findingHistoryCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "history ID",
		Short: "Show a finding's triage history: every decision, who, when, from → to, why",
		Args:  exactArgs(1, "ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := findingID(args[0])
			if err != nil {
				return err
			}
			svc, sc, err := a.scope(cmd.Context())
			if err != nil {
				return err
			}
			h, err := svc.Triage.FindTriageHistory(cmd.Context(), sc, id)
			if err != nil {
				return err
			}
			t := &table{header: []string{"AT", "WHO", "FROM", "TO", "JUSTIFICATION", "RESPONSE", "SOURCE", "WHY"}}
			for _, e := range h {
				src := string(e.Source)
				if e.SourceRef != "" {
					src += " " + e.SourceRef
				}
				t.add(formatTime(e.At), e.Actor, string(e.From), string(e.State), orDash(string(e.Justification)),
					orDash(string(e.Response)), src, orDash(e.Detail))
			}
			return a.render(cmd, h, t)
		},
	}
}

func (a *app) findingAssessCommand() *cobra.Command {
	var in vigil.RiskAssessmentInput
	var harm, expl, learned, notified string
	cmd := &cobra.Command{
		Use:   "assess ID --harm LEVEL --rationale TEXT",
		Short: "Record the patient-safety assessment of a finding: harm (ISO 14971), exploitability, controls",
		Long: `Record the severity of potential harm to a patient (negligible, minor, serious,
critical, catastrophic) and why. Exploitability is derived from the vector, KEV
and EPSS; --exploitability low|medium|high overrides it (with
--exploitability-rationale). The FDA postmarket classification (controlled or
uncontrolled risk) and its clocks follow; see 'vigil finding show ID'.
--cvss-overlay adds threat or environmental metrics to this finding's vector
(e.g. E:P). --learned-on sets when the clocks start (default: first seen);
--notified-on records the customer notification.`,
		Args: exactArgs(1, "ID --harm LEVEL --rationale TEXT"),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := findingID(args[0])
			if err != nil {
				return err
			}
			if harm == "" {
				return usagef("--harm is required: negligible, minor, serious, critical or catastrophic")
			}
			in.Harm, in.Exploitability = vigil.Harm(harm), vigil.Exploitability(expl)
			if in.LearnedOn, err = dateFlag("learned-on", learned); err != nil {
				return err
			}
			if in.CustomersNotifiedOn, err = dateFlag("notified-on", notified); err != nil {
				return err
			}
			svc, sc, err := a.scope(cmd.Context())
			if err != nil {
				return err
			}
			fr, err := svc.Triage.AssessFinding(cmd.Context(), sc, id, in)
			if err != nil {
				return err
			}
			return a.render(cmd, fr, riskTable(fr))
		},
	}
	f := cmd.Flags()
	f.StringVar(&harm, "harm", "", "severity of potential harm: negligible, minor, serious, critical, catastrophic")
	f.StringVar(&in.HarmRationale, "rationale", "", "why this harm (required)")
	f.StringVar(&expl, "exploitability", "", "override the derived exploitability: low, medium, high")
	f.StringVar(&in.ExploitabilityRationale, "exploitability-rationale", "", "why the override")
	f.StringVar(&in.CompensatingControls, "controls", "", "compensating controls in place or advised")
	f.StringVar(&in.CVSSOverlay, "cvss-overlay", "", "threat/environmental metrics for this finding, e.g. E:P/MAV:A")
	f.StringVar(&learned, "learned-on", "", "when the manufacturer learned of it (YYYY-MM-DD; default first seen)")
	f.StringVar(&notified, "notified-on", "", "when customers were notified (YYYY-MM-DD)")
	return cmd
}

func (a *app) findingAssessmentsCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "assessments ID",
		Short: "Show a finding's patient-safety assessments, oldest first (the newest is current)",
		Args:  exactArgs(1, "ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := findingID(args[0])
			if err != nil {
				return err
			}
			svc, sc, err := a.scope(cmd.Context())
			if err != nil {
				return err
			}
			as, err := svc.Triage.RiskAssessments(cmd.Context(), sc, id)
			if err != nil {
				return err
			}
			t := &table{header: []string{"AT", "WHO", "HARM", "WHY", "EXPLOITABILITY", "CONTROLS", "OVERLAY", "LEARNED", "NOTIFIED"}}
			for _, x := range as {
				ex := orDash(string(x.Exploitability))
				if x.ExploitabilityRationale != "" {
					ex += ": " + x.ExploitabilityRationale
				}
				learned, notified := "-", "-"
				if !x.LearnedOn.IsZero() {
					learned = x.LearnedOn.String()
				}
				if !x.CustomersNotifiedOn.IsZero() {
					notified = x.CustomersNotifiedOn.String()
				}
				t.add(formatTime(x.At), x.Actor, string(x.Harm), x.HarmRationale, ex, orDash(x.CompensatingControls),
					orDash(x.CVSSOverlay), learned, notified)
			}
			return a.render(cmd, as, t)
		},
	}
}

// rubricFile is the --answers file of 'finding rubric'.
type rubricFile struct {
	Answers map[string]string `json:"answers"`
	Notes   map[string]string `json:"notes,omitempty"`
}

func (a *app) findingRubricCommand() *cobra.Command {
	var answersFile string
	var show bool
	cmd := &cobra.Command{
		Use:   "rubric ID [--answers FILE.json | --show]",
		Short: "Walk through the medical-device CVSS rubric for a finding and store the vector it gives",
		Long: `Asks the questions of the medical-device CVSS rubric (after MITRE's "Rubric for
Applying CVSS to Medical Devices") one at a time on the terminal: answer with
the number or the id of a choice, add a note after '#', '?' repeats the help.
The CVSS 3.1 vector it gives, explained question by question, becomes the
finding's vector. --answers FILE.json takes {"answers": {"av_network": "yes",
…}, "notes": {…}} instead of asking; --show prints the stored answers.`,
		Args: exactArgs(1, "ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := findingID(args[0])
			if err != nil {
				return err
			}
			svc, sc, err := a.scope(cmd.Context())
			if err != nil {
				return err
			}
			if show {
				res, err := svc.Triage.RubricAnswers(cmd.Context(), sc, id)
				if err != nil {
					return err
				}
				return a.render(cmd, res, derivationTable(res.Derivation))
			}
			if _, err := svc.Triage.Finding(cmd.Context(), sc, id); err != nil {
				return err
			}
			var in rubricFile
			if answersFile != "" {
				if in, err = readRubricFile(answersFile); err != nil {
					return err
				}
			} else {
				r, err := svc.Triage.Rubric()
				if err != nil {
					return err
				}
				if in, err = askRubric(r, cmd.InOrStdin(), cmd.ErrOrStderr()); err != nil {
					return err
				}
			}
			res, err := svc.Triage.AnswerRubric(cmd.Context(), sc, id, in.Answers, in.Notes)
			if err != nil {
				return err
			}
			return a.render(cmd, res, derivationTable(res.Derivation))
		},
	}
	cmd.Flags().StringVar(&answersFile, "answers", "", "take the answers from a JSON file instead of asking")
	cmd.Flags().BoolVar(&show, "show", false, "print the stored answers and the vector they give")
	return cmd
}

func readRubricFile(path string) (rubricFile, error) {
	var in rubricFile
	f, err := os.Open(path)
	if err != nil {
		return in, err
	}
	defer f.Close()
	dec := json.NewDecoder(io.LimitReader(f, 1<<20))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil {
		return in, fmt.Errorf("%s: %w: %w", path, err, vigil.ErrInvalid)
	}
	if len(in.Answers) == 0 {
		return in, fmt.Errorf(`%s: no "answers": %w`, path, vigil.ErrInvalid)
	}
	return in, nil
}

// askRubric asks each open question on w and reads the answers from r.
func askRubric(rb *risk.Rubric, r io.Reader, w io.Writer) (rubricFile, error) {
	in := rubricFile{Answers: map[string]string{}, Notes: map[string]string{}}
	sc := bufio.NewScanner(r)
	fmt.Fprintf(w, "%s (%s)\n%s\n", rb.Title, rb.Name(), rb.BasedOn)
	metric := ""
	for q := rb.Next(in.Answers); q != nil; q = rb.Next(in.Answers) {
		if q.Metric != metric {
			metric = q.Metric
			for _, m := range rb.Metrics {
				if m.Metric == metric {
					fmt.Fprintf(w, "\n== %s (%s)\n", m.Name, m.Metric)
				}
			}
		}
		ask := func() {
			fmt.Fprintf(w, "\n%s\n", q.Text)
			if q.Help != "" {
				fmt.Fprintf(w, "  (%s)\n", q.Help)
			}
			for i, a := range q.Answers {
				fmt.Fprintf(w, "  %d) %s [%s]\n", i+1, a.Text, a.ID)
			}
		}
		ask()
		for {
			fmt.Fprintf(w, "%s> ", q.ID)
			if !sc.Scan() {
				if err := sc.Err(); err != nil {
					return in, err
				}
				return in, fmt.Errorf("rubric: input ended at question %s; nothing was saved: %w", q.ID, vigil.ErrInvalid)
			}
			line, note, _ := strings.Cut(sc.Text(), "#")
			line = strings.TrimSpace(line)
			if line == "?" {
				ask()
				continue
			}
			choice := ""
			if n, err := strconv.Atoi(line); err == nil && n >= 1 && n <= len(q.Answers) {
				choice = q.Answers[n-1].ID
			} else if q.Answer(line) != nil {
				choice = line
			}
			if choice == "" {
				fmt.Fprintf(w, "  %q is not a choice: type 1-%d or an id in brackets, '?' for help\n", line, len(q.Answers))
				continue
			}
			in.Answers[q.ID] = choice
			if note = strings.TrimSpace(note); note != "" {
				in.Notes[q.ID] = note
			}
			break
		}
	}
	fmt.Fprintln(w)
	return in, nil
}

// derivationTable shows how each metric was decided: the questions asked
// and the answers given (impact questions answered "none" are left out,
// the rule that decided is shown instead).
func derivationTable(d *risk.Derivation) *table {
	t := &table{header: []string{"METRIC", "VALUE", "QUESTION", "ANSWER"}}
	if d == nil {
		return t
	}
	for _, m := range d.Metrics {
		value := m.Metric + ":" + m.Value + " " + m.ValueName
		for _, s := range m.Steps {
			if m.Because != "" && s.Answer == "none" {
				continue
			}
			ans := s.Choice
			if s.Note != "" {
				ans += " — " + s.Note
			}
			t.add(m.Name, value, s.Question, ans)
			value = ""
		}
		if m.Because != "" {
			t.add(m.Name, value, "", m.Because)
		}
	}
	t.add("vector", d.Vector, "", d.Rubric)
	return t
}

func (a *app) findingCarryCommand() *cobra.Command {
	var ref releaseRef
	var apply, preview bool
	cmd := &cobra.Command{
		Use:   "carry [ID...] [--product P --release V] [--preview | --apply]",
		Short: "Carry triage decisions to the product's other releases with the same component version",
		Long: `Carry the decisions of the given findings — or, with --product and --release,
of every finding a person decided on that release — to the findings of the
same vulnerability on the same component version in the product's other
releases. Previewed unless --apply. Carried decisions are marked as such
(source carried, with the finding they came from); decisions a person or a VEX
statement made on a target are never replaced, only listed.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if apply && preview {
				return usagef("--preview and --apply exclude each other")
			}
			req := triage.CarryRequest{Apply: apply}
			for _, arg := range args {
				id, err := findingID(arg)
				if err != nil {
					return err
				}
				req.FindingIDs = append(req.FindingIDs, id)
			}
			var svc *application.App
			var sc vigil.Scope
			var err error
			if ref.set() {
				if len(args) > 0 {
					return usagef("give finding IDs or --product and --release, not both")
				}
				var rel *vigil.Release
				if svc, sc, rel, err = a.resolveRelease(cmd.Context(), ref); err != nil {
					return err
				}
				req.ReleaseID = rel.ID
			} else {
				if len(args) == 0 {
					return usagef("give finding IDs or --product and --release")
				}
				if svc, sc, err = a.scope(cmd.Context()); err != nil {
					return err
				}
			}
			plan, err := svc.Triage.CarryTriage(cmd.Context(), sc, req)
			if err != nil {
				return err
			}
			t := &table{header: []string{"FROM", "TO", "RELEASE", "COMPONENT", "VULNERABILITY", "NOW", "DECISION", "ACTION", "WHY"}}
			for _, it := range plan.Items {
				dec := string(it.Decision)
				if it.Justification != "" {
					dec += " / " + string(it.Justification)
				}
				t.add(fmt.Sprint(it.FromFindingID), fmt.Sprint(it.FindingID), it.Release, it.Component, it.VulnID,
					string(it.Current), dec, string(it.Action), it.Reason)
			}
			if a.output != formatTable {
				return a.render(cmd, plan, t)
			}
			w := cmd.OutOrStdout()
			if len(plan.Items) == 0 {
				fmt.Fprintln(w, "no other release of the product has these findings")
				return nil
			}
			if err := render(w, formatTable, nil, t); err != nil {
				return err
			}
			if plan.Applied {
				fmt.Fprintf(w, "\n%d decisions carried\n", plan.Carried)
			} else {
				fmt.Fprintf(w, "\npreview: %d decisions would be carried; run again with --apply\n", plan.Carried)
			}
			return nil
		},
	}
	ref.register(cmd)
	cmd.Flags().BoolVar(&apply, "apply", false, "record the carried decisions")
	cmd.Flags().BoolVar(&preview, "preview", false, "only show what would be carried (the default)")
	return cmd
}

func (a *app) findingOverdueCommand() *cobra.Command {
	var ref releaseRef
	cmd := &cobra.Command{
		Use:   "overdue [--product P --release V]",
		Short: "List findings of uncontrolled risk whose FDA postmarket clock has run out",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.runQueue(cmd, ref, triage.QueueFilter{OverdueOnly: true})
		},
	}
	ref.register(cmd)
	return cmd
}

// runQueue lists the prioritised queue of one release or of all.
func (a *app) runQueue(cmd *cobra.Command, ref releaseRef, f triage.QueueFilter) error {
	var svc *application.App
	var sc vigil.Scope
	var err error
	if ref.set() {
		var rel *vigil.Release
		if svc, sc, rel, err = a.resolveRelease(cmd.Context(), ref); err != nil {
			return err
		}
		f.ReleaseID = &rel.ID
	} else if svc, sc, err = a.scope(cmd.Context()); err != nil {
		return err
	}
	q, err := svc.Triage.Queue(cmd.Context(), sc, f)
	if err != nil {
		return err
	}
	if q == nil {
		q = []*triage.FindingRisk{}
	}
	t := &table{header: []string{"RANK", "PRIORITY", "ID", "VULNERABILITY", "COMPONENT", "RELEASE", "STATE", "CVSS", "KEV", "EPSS", "HARM", "RISK", "CLOCK", "WHY"}}
	for i, fr := range q {
		ev := fr.Evaluation
		cv := "-"
		if ev.Scores.Vector != "" {
			cv = fmt.Sprintf("%.1f", ev.Scores.Effective)
			if ev.Scores.Adjusted {
				cv += fmt.Sprintf(" (base %.1f)", ev.Scores.Base)
			}
		}
		kev, ep := "-", "-"
		if fr.KEV != nil {
			kev = "yes"
		}
		if fr.EPSS != nil {
			ep = fmt.Sprintf("%.3f", fr.EPSS.Score)
		}
		clk := "-"
		for _, c := range ev.Clocks {
			if c.DoneOn.IsZero() {
				clk = clockText(c)
				break
			}
		}
		t.add(fmt.Sprint(i+1), fmt.Sprintf("%.1f", fr.Priority.Score), fmt.Sprint(fr.Finding.ID), fr.Finding.VulnID,
			fr.Finding.ComponentName+" "+fr.Finding.ComponentVersion, fr.Release, string(fr.Finding.TriageState()), cv, kev, ep,
			orDash(string(ev.Harm)), string(ev.Class), clk, factorsText(fr.Priority))
	}
	if a.output == formatTable && len(q) == 0 {
		fmt.Fprintln(cmd.OutOrStdout(), "no findings")
		return nil
	}
	return a.render(cmd, q, t)
}

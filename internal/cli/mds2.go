package cli

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/mds2"
	"github.com/vigil/vigil/internal/service"
)

// formRef is the flags that name one MDS2 form: a release (--product and
// --release), a candidate, or a form ID.
type formRef struct {
	releaseRef
	candidate string
	form      int64
}

func (r *formRef) register(c *cobra.Command) {
	r.releaseRef.register(c)
	c.Flags().StringVar(&r.candidate, "candidate", "", "name of a candidate device under evaluation")
	c.Flags().Int64Var(&r.form, "form", 0, "form ID (from vigil mds2 list)")
}

func (a *app) resolveForm(ctx context.Context, r formRef) (*service.Service, vigil.Scope, service.MDS2Ref, error) {
	n := 0
	for _, set := range []bool{r.releaseRef.set(), r.candidate != "", r.form != 0} {
		if set {
			n++
		}
	}
	if n != 1 {
		return nil, vigil.Scope{}, service.MDS2Ref{}, usagef("name the form with --product P --release V, --candidate NAME or --form ID")
	}
	if r.releaseRef.set() {
		svc, sc, rel, err := a.resolveRelease(ctx, r.releaseRef)
		return svc, sc, service.MDS2Ref{ReleaseID: rel.ID}, err
	}
	svc, sc, err := a.scope(ctx)
	return svc, sc, service.MDS2Ref{FormID: r.form, Candidate: r.candidate}, err
}

// parseFormRefs reads positional form references: "form:ID",
// "release:PRODUCT@VERSION", "candidate:NAME", or a bare candidate name.
func (a *app) parseFormRefs(ctx context.Context, svc *service.Service, sc vigil.Scope, args []string) ([]service.MDS2Ref, error) {
	var refs []service.MDS2Ref
	for _, arg := range args {
		kind, rest, ok := strings.Cut(arg, ":")
		switch {
		case ok && kind == "form":
			id, err := strconv.ParseInt(rest, 10, 64)
			if err != nil || id <= 0 {
				return nil, usagef("%q: want form:ID", arg)
			}
			refs = append(refs, service.MDS2Ref{FormID: id})
		case ok && kind == "release":
			product, version, ok := splitProductVersion(rest)
			if !ok {
				return nil, usagef("%q: want release:PRODUCT@VERSION", arg)
			}
			rel, err := a.findRelease(ctx, svc, sc, product, version)
			if err != nil {
				return nil, err
			}
			refs = append(refs, service.MDS2Ref{ReleaseID: rel.ID})
		case ok && kind == "candidate":
			refs = append(refs, service.MDS2Ref{Candidate: rest})
		default:
			refs = append(refs, service.MDS2Ref{Candidate: arg})
		}
	}
	return refs, nil
}

// stdoutIsTerminal reports whether standard output is a terminal, where
// a binary document must not go.
func (a *app) stdoutIsTerminal() bool {
	f, ok := a.env.Stdout.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// writeOutput writes what fn produces to --out, or standard output.
func (a *app) writeOutput(cmd *cobra.Command, out string, fn func(io.Writer) error) error {
	if out == "" || out == "-" {
		return fn(cmd.OutOrStdout())
	}
	var buf bytes.Buffer
	if err := fn(&buf); err != nil {
		return err
	}
	if err := os.WriteFile(out, buf.Bytes(), 0o600); err != nil {
		return err
	}
	cmd.PrintErrf("wrote %s (%d bytes)\n", out, buf.Len())
	return nil
}

func (a *app) mds2Command() *cobra.Command {
	return group("mds2", "MDS2 (ANSI/NEMA HN 1-2019) forms: import, export, diff, compare, evaluate, check",
		a.mds2ImportCommand(), a.mds2ExportCommand(), a.mds2ListCommand(), a.mds2ShowCommand(), a.mds2DiffCommand(),
		a.mds2CompareCommand(), a.mds2EvaluateCommand(), a.mds2CheckCommand(), a.mds2CatalogueCommand(), a.mds2ProfileCommand())
}

func (a *app) mds2ImportCommand() *cobra.Command {
	var iref releaseRef
	var icand string
	imp := &cobra.Command{
		Use:   "import FILE|- (--product P --release V | --candidate NAME)",
		Short: "Import an MDS2 form (xlsx or CSV) for a release or a candidate device",
		Long: `Import a Manufacturer Disclosure Statement for Medical Device Security
(ANSI/NEMA HN 1-2019): the official xlsx layout or a manufacturer's variant
(extra columns, merged headers, answers on several sheets, notes in the
answer cell such as "Yes, see IFU"), or CSV. The question-ID and answer
columns are found by their content, the note column by its header ("See
note", "Note #", "Notes", ...) or content, and numbered notes ("Note 3") are
replaced by their text. Unknown IDs, duplicates, answers outside Yes / No /
N/A / See Note, unanswered questions and See Note without a note are
reported with sheet and row and kept with the form. A manufacturer imports its own form with --product and
--release; a hospital imports a form it received with --candidate.`,
		Args: exactArgs(1, "FILE|- (--product P --release V | --candidate NAME)"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if iref.set() == (icand != "") {
				return usagef("give --product P --release V or --candidate NAME")
			}
			in := service.MDS2ImportInput{Candidate: icand, Filename: args[0]}
			var svc *service.Service
			var sc vigil.Scope
			var err error
			if iref.set() {
				var rel *vigil.Release
				svc, sc, rel, err = a.resolveRelease(cmd.Context(), iref)
				if err != nil {
					return err
				}
				in.ReleaseID = rel.ID
			} else if svc, sc, err = a.scope(cmd.Context()); err != nil {
				return err
			}
			f, err := a.openInput(args[0])
			if err != nil {
				return err
			}
			defer f.Close()
			in.Data = f
			res, err := svc.ImportMDS2(cmd.Context(), sc, in)
			if err != nil {
				return err
			}
			if a.output != formatTable {
				return a.render(cmd, res, issueTable(res.Form.Issues))
			}
			if res.Unchanged {
				cmd.Printf("unchanged: %s already has this form (form %d, sha256 %s)\n", res.Form.Subject(), res.Form.ID, res.Form.SHA256)
				return nil
			}
			cmd.Printf("imported MDS2 form %d (%s) for %s: %d answers, %d questions unanswered, %d issues\n",
				res.Form.ID, res.Form.Format, res.Form.Subject(), res.Form.Answers, len(res.Missing), len(res.Form.Issues))
			for _, l := range res.Layouts {
				cmd.Printf("  sheet %q: IDs in column %s, answers in %s, notes in %s (%d question rows)\n",
					terminalSafe(l.Sheet), colName(l.IDColumn), colName(l.AnswerColumn), colName(l.NoteColumn), l.Questions)
			}
			if res.Superseded != nil {
				cmd.Printf("it replaces form %d\n", res.Superseded.ID)
			}
			// Questions the form has no row for are listed on one line;
			// every other issue has its own, with sheet and row.
			var absent []string
			for _, i := range res.Form.Issues {
				if i.Kind == vigil.MDS2Unanswered && i.Row == 0 {
					absent = append(absent, i.QuestionID)
					continue
				}
				cmd.Printf("%s: %s\n", i.Kind, terminalSafe(i.String()))
			}
			if n := len(absent); n > 0 {
				more := ""
				if n > 12 {
					absent, more = absent[:12], fmt.Sprintf(" and %d more", n-12)
				}
				cmd.Printf("%s: %d questions are not in the form: %s%s\n", vigil.MDS2Unanswered, n, terminalSafe(strings.Join(absent, ", ")), more)
			}
			return nil
		},
	}
	iref.register(imp)
	imp.Flags().StringVar(&icand, "candidate", "", "name of the candidate device (hospital evaluation)")
	return imp
}

func (a *app) mds2ExportCommand() *cobra.Command {
	var eref formRef
	var eout string
	export := &cobra.Command{
		Use:   "export --product P --release V [--out FILE]",
		Short: "Export a release's MDS2 form as a filled xlsx in the official layout",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if eout == "" && a.stdoutIsTerminal() {
				return usagef("the export is an xlsx workbook: write it with --out FILE (or redirect standard output)")
			}
			svc, sc, ref, err := a.resolveForm(cmd.Context(), eref)
			if err != nil {
				return err
			}
			return a.writeOutput(cmd, eout, func(w io.Writer) error { return svc.ExportMDS2(cmd.Context(), sc, ref, w) })
		},
	}
	eref.register(export)
	export.Flags().StringVar(&eout, "out", "", "file to write (default standard output)")
	return export
}

func (a *app) mds2ListCommand() *cobra.Command {
	var lref releaseRef
	var lcand string
	var lcands, lall bool
	list := &cobra.Command{
		Use:   "list [--product P --release V | --candidate NAME | --candidates] [--all]",
		Short: "List MDS2 forms: current ones, or with --all their history",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			f := vigil.MDS2Filter{CurrentOnly: !lall, CandidatesOnly: lcands}
			var svc *service.Service
			var sc vigil.Scope
			var err error
			if lref.set() {
				var rel *vigil.Release
				if svc, sc, rel, err = a.resolveRelease(cmd.Context(), lref); err != nil {
					return err
				}
				f.ReleaseID = &rel.ID
			} else if svc, sc, err = a.scope(cmd.Context()); err != nil {
				return err
			}
			if lcand != "" {
				f.Candidate = &lcand
			}
			forms, err := svc.MDS2Forms(cmd.Context(), sc, f)
			if err != nil {
				return err
			}
			t := &table{header: []string{"ID", "FOR", "FILE", "FORMAT", "ANSWERS", "ISSUES", "IMPORTED", "CURRENT"}}
			for _, f := range forms {
				cur := "yes"
				if !f.SupersededAt.IsZero() {
					cur = "no"
				}
				t.add(fmt.Sprint(f.ID), f.Subject(), orDash(f.Filename), f.Format, fmt.Sprint(f.Answers), fmt.Sprint(len(f.Issues)), formatTime(f.CreatedAt), cur)
			}
			return a.render(cmd, forms, t)
		},
	}
	lref.register(list)
	list.Flags().StringVar(&lcand, "candidate", "", "forms of one candidate")
	list.Flags().BoolVar(&lcands, "candidates", false, "candidate forms only")
	list.Flags().BoolVar(&lall, "all", false, "include superseded forms")
	return list
}

func (a *app) mds2ShowCommand() *cobra.Command {
	var sref formRef
	var ssection string
	var sissues bool
	show := &cobra.Command{
		Use:   "show (--product P --release V | --candidate NAME | --form ID) [--section CODE] [--issues]",
		Short: "Show a form's answers (or its import issues)",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			svc, sc, ref, err := a.resolveForm(cmd.Context(), sref)
			if err != nil {
				return err
			}
			d, err := svc.MDS2Form(cmd.Context(), sc, ref)
			if err != nil {
				return err
			}
			if sissues {
				return a.render(cmd, d.Form.Issues, issueTable(d.Form.Issues))
			}
			cat := svc.MDS2Catalogue()
			t := &table{header: []string{"QUESTION", "ANSWER", "NOTE", "ASKS"}}
			var shown []vigil.MDS2Entry
			for _, e := range d.Entries {
				q, _ := cat.Question(e.QuestionID)
				if ssection != "" && !strings.EqualFold(q.Section, ssection) {
					continue
				}
				shown = append(shown, e)
				t.add(e.QuestionID, orDash(e.Value()), orDash(e.Note), q.Text)
			}
			if a.output == formatJSON {
				d.Entries = shown
				return a.render(cmd, d, t)
			}
			if a.output == formatTable {
				cmd.Printf("MDS2 form %d for %s: %d answers, %d unanswered, %d issues\n", d.Form.ID, d.Subject, len(d.Entries), len(d.Missing), len(d.Form.Issues))
			}
			return a.render(cmd, d, t)
		},
	}
	sref.register(show)
	show.Flags().StringVar(&ssection, "section", "", "only this section (e.g. AUDT)")
	show.Flags().BoolVar(&sissues, "issues", false, "show the import issues instead")
	return show
}

func (a *app) mds2DiffCommand() *cobra.Command {
	var dref releaseRef
	var dfrom, dto string
	diff := &cobra.Command{
		Use:   "diff (--product P --from V1 --to V2 | FORM FORM)",
		Short: "Show which answers changed between two MDS2 forms",
		Long: `Compare two forms question by question: two releases of a product
(--product P --from V1 --to V2), or any two forms named as form:ID,
release:PRODUCT@VERSION or candidate:NAME (e.g. form:3 form:7 to see what
changed between two imports of the same release).`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) > 2 {
				return usagef("usage: %s (--product P --from V1 --to V2 | FORM FORM)", cmd.CommandPath())
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			svc, sc, err := a.scope(cmd.Context())
			if err != nil {
				return err
			}
			var refs []service.MDS2Ref
			switch {
			case dref.product != "" && dfrom != "" && dto != "" && len(args) == 0:
				for _, v := range []string{dfrom, dto} {
					rel, err := a.findRelease(cmd.Context(), svc, sc, dref.product, v)
					if err != nil {
						return err
					}
					refs = append(refs, service.MDS2Ref{ReleaseID: rel.ID})
				}
			case len(args) == 2 && dref.product == "":
				if refs, err = a.parseFormRefs(cmd.Context(), svc, sc, args); err != nil {
					return err
				}
			default:
				return usagef("usage: vigil mds2 diff --product P --from V1 --to V2  or  vigil mds2 diff FORM FORM")
			}
			res, err := svc.DiffMDS2(cmd.Context(), sc, refs[0], refs[1])
			if err != nil {
				return err
			}
			t := &table{header: []string{"QUESTION", "CHANGE", "FROM", "TO", "NOTE"}}
			for _, c := range res.Changes {
				note := c.ToNote
				if c.FromNote != c.ToNote {
					note = orDash(c.FromNote) + " → " + orDash(c.ToNote)
				}
				t.add(c.QuestionID, string(c.Kind), orDash(c.From), orDash(c.To), note)
			}
			if a.output == formatTable {
				cmd.Printf("%s: form %d → form %d, %d answers changed\n", res.Subject, res.From.ID, res.To.ID, len(res.Changes))
				if len(res.Changes) == 0 {
					return nil
				}
			}
			return a.render(cmd, res, t)
		},
	}
	diff.Flags().StringVarP(&dref.product, "product", "p", "", "product name or ID")
	diff.Flags().StringVar(&dfrom, "from", "", "older release version")
	diff.Flags().StringVar(&dto, "to", "", "newer release version")
	return diff
}

func (a *app) mds2CompareCommand() *cobra.Command {
	var cformat, cout string
	var cdiffering bool
	compare := &cobra.Command{
		Use:   "compare [FORM...] [--format table|csv|xlsx|html] [--out FILE]",
		Short: "Compare MDS2 forms side by side, grouped by section",
		Long: `Put forms side by side, section by section. Forms are candidate names, or
form:ID, release:PRODUCT@VERSION, candidate:NAME; with none, every current
candidate form. --differing shows only the questions answered differently
(table format).`,
		RunE: func(cmd *cobra.Command, args []string) error {
			svc, sc, err := a.scope(cmd.Context())
			if err != nil {
				return err
			}
			refs, err := a.parseFormRefs(cmd.Context(), svc, sc, args)
			if err != nil {
				return err
			}
			if len(refs) == 0 {
				forms, err := svc.MDS2Forms(cmd.Context(), sc, vigil.MDS2Filter{CandidatesOnly: true, CurrentOnly: true})
				if err != nil {
					return err
				}
				for i := len(forms) - 1; i >= 0; i-- {
					refs = append(refs, service.MDS2Ref{FormID: forms[i].ID})
				}
			}
			c, err := svc.CompareMDS2(cmd.Context(), sc, refs)
			if err != nil {
				return err
			}
			if a.output == formatJSON {
				return a.render(cmd, c, nil)
			}
			format := cformat
			if a.output == formatCSV {
				format = "csv"
			}
			if format == "xlsx" && cout == "" && a.stdoutIsTerminal() {
				return usagef("--format xlsx writes a workbook: give --out FILE (or redirect standard output)")
			}
			return a.writeOutput(cmd, cout, func(w io.Writer) error {
				switch format {
				case "table":
					return c.WriteText(w, cdiffering)
				case "csv":
					return c.WriteCSV(w)
				case "xlsx":
					return c.WriteXLSX(w)
				case "html":
					return c.WriteHTML(w)
				}
				return usagef("--format %q: want table, csv, xlsx or html", format)
			})
		},
	}
	compare.Flags().StringVar(&cformat, "format", "table", "table, csv, xlsx or html")
	compare.Flags().StringVar(&cout, "out", "", "file to write (default standard output)")
	compare.Flags().BoolVar(&cdiffering, "differing", false, "only questions the candidates answer differently")
	return compare
}

func (a *app) mds2EvaluateCommand() *cobra.Command {
	var vprofile, vformat, vout string
	evaluate := &cobra.Command{
		Use:   "evaluate [FORM...] [--profile FILE] [--format text|html] [--out FILE]",
		Short: "Score candidates against a requirement profile and write a procurement report",
		Long: `Score forms against a hospital requirement profile (YAML or JSON: question,
accepted answers, must/should, weight, rationale) and rank them: a score
per candidate, the unmet musts, and a procurement report as text or HTML.
Without --profile, vigil's default profile is used (vigil mds2 profile
prints it). Forms are named as for compare; with none, every current
candidate form is evaluated.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			svc, sc, err := a.scope(cmd.Context())
			if err != nil {
				return err
			}
			refs, err := a.parseFormRefs(cmd.Context(), svc, sc, args)
			if err != nil {
				return err
			}
			var profile []byte
			if vprofile != "" {
				if profile, err = os.ReadFile(vprofile); err != nil {
					return err
				}
			}
			rep, err := svc.EvaluateMDS2(cmd.Context(), sc, refs, profile)
			if err != nil {
				return err
			}
			if a.output != formatTable {
				t := &table{header: []string{"rank", "candidate", "score", "acceptable", "unmet_musts", "met", "unmet", "review", "unanswered"}}
				for i, e := range rep.Evaluations {
					var musts []string
					for _, o := range e.UnmetMusts {
						musts = append(musts, o.Question)
					}
					t.add(fmt.Sprint(i+1), e.Candidate, fmt.Sprintf("%.1f", e.Score), fmt.Sprint(e.Acceptable), strings.Join(musts, " "),
						fmt.Sprint(e.Counts.Met), fmt.Sprint(e.Counts.Unmet), fmt.Sprint(e.Counts.Review), fmt.Sprint(e.Counts.Unanswered))
				}
				return a.render(cmd, rep, t)
			}
			return a.writeOutput(cmd, vout, func(w io.Writer) error {
				switch vformat {
				case "text":
					return rep.WriteText(w)
				case "html":
					return rep.WriteHTML(w)
				}
				return usagef("--format %q: want text or html", vformat)
			})
		},
	}
	evaluate.Flags().StringVar(&vprofile, "profile", "", "requirement profile, YAML or JSON (default: vigil's)")
	evaluate.Flags().StringVar(&vformat, "format", "text", "text or html")
	evaluate.Flags().StringVar(&vout, "out", "", "file to write (default standard output)")
	return evaluate
}

func (a *app) mds2CheckCommand() *cobra.Command {
	var kref releaseRef
	check := &cobra.Command{
		Use:   "check --product P --release V",
		Short: "Cross-check a release's MDS2 answers against its SBOM, support dates, ports and patches",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			svc, sc, rel, err := a.resolveRelease(cmd.Context(), kref)
			if err != nil {
				return err
			}
			res, err := svc.CheckMDS2(cmd.Context(), sc, rel.ID)
			if err != nil {
				return err
			}
			t := &table{header: []string{"AREA", "SEVERITY", "QUESTION", "FINDING"}}
			warnings := 0
			for _, f := range res.Findings {
				if f.Severity == mds2.CheckWarning {
					warnings++
				}
				t.add(f.Area, string(f.Severity), orDash(f.QuestionID), f.Message)
			}
			if a.output == formatTable {
				cmd.Printf("MDS2 form %d of %s: %d warnings\n", res.Form.ID, res.Subject, warnings)
			}
			return a.render(cmd, res, t)
		},
	}
	kref.register(check)
	return check
}

func (a *app) mds2CatalogueCommand() *cobra.Command {
	var csection string
	catalogue := &cobra.Command{
		Use:   "catalogue [--section CODE]",
		Short: "List the HN 1-2019 questions vigil knows",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			svc, err := a.service(cmd.Context())
			if err != nil {
				return err
			}
			cat := svc.MDS2Catalogue()
			t := &table{header: []string{"QUESTION", "SECTION", "PARENT", "KIND", "ASKS"}}
			var qs []mds2.FormQuestion
			for _, q := range cat.Questions {
				if csection == "" || strings.EqualFold(q.Section, csection) {
					qs = append(qs, q)
					t.add(q.ID, q.Section, orDash(q.Parent), string(q.Kind), q.Text)
				}
			}
			return a.render(cmd, qs, t)
		},
	}
	catalogue.Flags().StringVar(&csection, "section", "", "only this section (e.g. CONN)")
	return catalogue
}

func (a *app) mds2ProfileCommand() *cobra.Command {
	profile := &cobra.Command{
		Use:   "profile",
		Short: "Print vigil's default requirement profile (YAML), to copy and adapt",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			svc, err := a.service(cmd.Context())
			if err != nil {
				return err
			}
			_, err = cmd.OutOrStdout().Write(svc.MDS2DefaultProfile())
			return err
		},
	}
	return profile
}

func issueTable(issues []vigil.MDS2Issue) *table {
	t := &table{header: []string{"KIND", "SHEET", "ROW", "QUESTION", "MESSAGE"}}
	for _, i := range issues {
		t.add(string(i.Kind), orDash(i.Sheet), fmt.Sprint(i.Row), orDash(i.QuestionID), i.Message)
	}
	return t
}

// colName is a spreadsheet column letter for a 0-based index, "-" for none.
func colName(j int) string {
	if j < 0 {
		return "-"
	}
	s := ""
	for j++; j > 0; j = (j - 1) / 26 {
		s = string(rune('A'+(j-1)%26)) + s
	}
	return s
}

package cli

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/demo"
	"github.com/vigil/vigil/internal/service"
)

func (a *app) vexCommand() *cobra.Command {
	return group("vex", "Exchange VEX: export a release's triage, import suppliers' statements",
		a.vexExportCommand(), a.vexImportCommand(), a.vexListCommand(), a.vexShowCommand())
}

func (a *app) vexExportCommand() *cobra.Command {
	var ref releaseRef
	var format, outFile, publisherURL string
	export := &cobra.Command{
		Use:   "export --product P --release V --format csaf|openvex|cyclonedx [--out FILE]",
		Short: "Export a release's triaged findings as CSAF 2.0 VEX, OpenVEX 0.2 or CycloneDX 1.6 VEX",
		Long: `Write a VEX document for a release: one statement per vulnerability and
component of its open findings, with each finding's current triage decision
(none yet: under_investigation). The device release is the product, named by
manufacturer, product, version and models, with its SBOM's purl and CPE (or a
pkg:generic purl); components carry their purl and CPE. CSAF output passes the
CSAF 2.0 schema and mandatory tests. Without --out the document goes to
standard output; with it, a summary does. See docs/vex.md.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if !vigil.VEXFormat(format).Valid() {
				return usagef("--format %q: want one of %v", format, vigil.VEXFormats)
			}
			if err := ref.need(); err != nil {
				return err
			}
			svc, sc, err := a.scope(cmd.Context())
			if err != nil {
				return err
			}
			ex, err := svc.ExportVEX(cmd.Context(), sc, ref.product, ref.version, vigil.VEXFormat(format),
				service.VEXExportOptions{PublisherURL: publisherURL, Tool: "vigil " + a.env.Version})
			if err != nil {
				return err
			}
			if outFile == "" || outFile == "-" {
				_, err := cmd.OutOrStdout().Write(ex.Content)
				return err
			}
			f, err := createPrivate(outFile)
			if err != nil {
				return err
			}
			_, err = f.Write(ex.Content)
			if cerr := f.Close(); err == nil {
				err = cerr
			}
			if err != nil {
				os.Remove(outFile)
				return err
			}
			out := struct {
				*service.VEXExport
				File string `json:"file"`
			}{ex, outFile}
			return a.render(cmd, out, keyValues("file", outFile, "format", string(ex.Format), "document_id", ex.DocumentID,
				"release", ex.Product+" "+ex.Version, "statements", strconv.Itoa(ex.Statements), "by_status", byStatus(ex.ByStatus)))
		},
	}
	ref.register(export)
	export.Flags().StringVarP(&format, "format", "f", string(vigil.VEXCSAF), "csaf, openvex or cyclonedx")
	export.Flags().StringVar(&outFile, "out", "", "write to this new file instead of standard output")
	export.Flags().StringVar(&publisherURL, "publisher-url", "", "the publisher's namespace URL (CSAF publisher.namespace; default urn:vigil:org:SLUG)")
	return export
}

func (a *app) vexImportCommand() *cobra.Command {
	var opt service.VEXImportOptions
	importCmd := &cobra.Command{
		Use:   "import FILE|- [--dry-run] [--force]",
		Short: "Import a VEX document (CSAF, OpenVEX, CycloneDX) and apply its statements to matching findings",
		Long: `Read a VEX document — CSAF 2.0 VEX, OpenVEX 0.2 or CycloneDX VEX, detected from
its content — store it, and apply each statement to the organization's open
findings it is about (by vulnerability id or alias, and by release or component
identity) as a triage decision with source vex, the document and statement as
its reference and the statement's time. A statement never silently overrides a
person's decision: such conflicts are listed with both sides and the person's
decision stands (--force replaces it). --dry-run shows what would happen and
stores nothing.`,
		Args: exactArgs(1, "FILE|-"),
		RunE: func(cmd *cobra.Command, args []string) error {
			svc, sc, err := a.scope(cmd.Context())
			if err != nil {
				return err
			}
			in, err := a.openInput(args[0])
			if err != nil {
				return err
			}
			defer in.Close()
			rep, err := svc.ImportVEX(cmd.Context(), sc, in, opt)
			if err != nil {
				return fmt.Errorf("%s: %w", args[0], err)
			}
			if a.output != formatTable {
				t := &table{header: []string{"STATEMENT", "VULN", "FINDING", "RELEASE", "COMPONENT", "MATCH", "RESULT", "STATED", "CURRENT"}}
				for _, st := range rep.Statements {
					for _, o := range st.Outcomes {
						t.add(strconv.Itoa(o.Statement), o.VulnID, strconv.FormatInt(o.FindingID, 10), o.Release, o.Component, o.Match, o.Result,
							decision(o.Stated.State, o.Stated.Justification), current(o.Current))
					}
				}
				return a.render(cmd, rep, t)
			}
			w := cmd.OutOrStdout()
			d := rep.Document
			verb := "Imported"
			if rep.DryRun {
				verb = "Dry run, nothing stored:"
			}
			fmt.Fprintf(w, "%s %s VEX %s (version %s, by %s), %d statements\n", verb, d.Format, terminalSafe(d.DocumentID),
				terminalSafe(d.Version), terminalSafe(orDash(d.Publisher)), d.Statements)
			fmt.Fprintf(w, "  applied %d, unchanged %d, conflicts %d, invalid %d, statements matching no finding %d\n",
				d.Applied, d.Unchanged, d.Conflicts, d.Invalid, d.Unmatched)
			for _, wr := range rep.Warnings {
				fmt.Fprintf(w, "  warning: %s\n", terminalSafe(wr))
			}
			t := &table{header: []string{"#", "VULN", "STATUS", "FINDING", "RELEASE", "COMPONENT", "RESULT", "MATCH"}}
			for _, st := range rep.Statements {
				if len(st.Outcomes) == 0 {
					t.add(strconv.Itoa(st.Index), st.VulnID, decision(st.Status, st.Justification), "-", "-", terminalSafe(st.Product), "no matching finding", "-")
				}
				for _, o := range st.Outcomes {
					t.add(strconv.Itoa(st.Index), o.VulnID, decision(st.Status, st.Justification), strconv.FormatInt(o.FindingID, 10), o.Release,
						o.Component, o.Result, o.Match)
				}
			}
			fmt.Fprintln(w)
			if err := a.render(cmd, nil, t); err != nil {
				return err
			}
			if len(rep.Conflicts) > 0 {
				fmt.Fprintf(w, "\nConflicts (the finding keeps its decision; --force would replace it):\n")
				for _, c := range rep.Conflicts {
					fmt.Fprintf(w, "  finding %d, %s on %s in %s\n    statement %d says: %s\n    %s decided:   %s (%s, %s)\n",
						c.FindingID, terminalSafe(c.VulnID), terminalSafe(c.Component), terminalSafe(c.Release), c.Statement,
						decision(c.Stated.State, c.Stated.Justification), c.Current.Source, decision(c.Current.State, c.Current.Justification),
						terminalSafe(c.Current.Actor), c.Current.At.Format("2006-01-02"))
				}
			}
			return nil
		},
	}
	importCmd.Flags().BoolVar(&opt.DryRun, "dry-run", false, "show what the import would do; store nothing")
	importCmd.Flags().BoolVar(&opt.Force, "force", false, "let statements replace differing decisions of people (recorded as such)")
	return importCmd
}

func (a *app) vexListCommand() *cobra.Command {
	var page vigil.Page
	listCmd := &cobra.Command{
		Use:   "list",
		Short: "List the imported VEX documents, newest first",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			svc, sc, err := a.scope(cmd.Context())
			if err != nil {
				return err
			}
			docs, _, err := svc.VEXDocuments(cmd.Context(), sc, page)
			if err != nil {
				return err
			}
			t := &table{header: []string{"ID", "FORMAT", "DOCUMENT", "PUBLISHER", "STATEMENTS", "APPLIED", "UNCHANGED", "CONFLICTS", "UNMATCHED", "IMPORTED", "BY"}}
			for _, d := range docs {
				t.add(strconv.FormatInt(d.ID, 10), string(d.Format), d.DocumentID, orDash(d.Publisher), strconv.Itoa(d.Statements),
					strconv.Itoa(d.Applied), strconv.Itoa(d.Unchanged), strconv.Itoa(d.Conflicts), strconv.Itoa(d.Unmatched),
					d.ImportedAt.Format("2006-01-02 15:04"), d.ImportedBy)
			}
			return a.render(cmd, docs, t)
		},
	}
	listCmd.Flags().IntVar(&page.Limit, "limit", 50, "at most this many (0: all)")
	return listCmd
}

func (a *app) vexShowCommand() *cobra.Command {
	show := &cobra.Command{
		Use:   "show ID",
		Short: "Show an imported VEX document and what each of its statements did",
		Args:  exactArgs(1, "ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := strconv.ParseInt(args[0], 10, 64)
			if err != nil {
				return usagef("ID %q is not a number", args[0])
			}
			svc, sc, err := a.scope(cmd.Context())
			if err != nil {
				return err
			}
			d, err := svc.VEXDocument(cmd.Context(), sc, id)
			if err != nil {
				return err
			}
			t := &table{header: []string{"#", "VULN", "PRODUCT", "COMPONENT", "STATUS", "RESPONSE", "MATCHED", "APPLIED", "UNCHANGED", "CONFLICTS"}}
			for _, s := range d.Statements {
				t.add(strconv.Itoa(s.Index), s.VulnID, s.Product, orDash(s.Component), decision(s.Status, s.Justification), orDash(string(s.Response)),
					strconv.Itoa(s.Matched), strconv.Itoa(s.Applied), strconv.Itoa(s.Unchanged), strconv.Itoa(s.Conflicts))
			}
			return a.render(cmd, d, t)
		},
	}
	return show
}

func decision(st vigil.TriageState, j vigil.Justification) string {
	if j != "" {
		return string(st) + " (" + string(j) + ")"
	}
	return string(st)
}

func current(d *vigil.TriageDecision) string {
	if d == nil {
		return string(vigil.TriageUnderInvestigation)
	}
	return decision(d.State, d.Justification) + " by " + string(d.Source)
}

func byStatus(m map[vigil.TriageState]int) string {
	var parts []string
	for _, st := range vigil.TriageStates {
		if m[st] > 0 {
			parts = append(parts, fmt.Sprintf("%s %d", st, m[st]))
		}
	}
	if len(parts) == 0 {
		return "-"
	}
	return strings.Join(parts, ", ")
}

// printDemoVEX writes the quickstart's CSAF VEX into dir and says what is
// in it.
func printDemoVEX(w io.Writer, dir string, st *demo.VEXStep) error {
	if st == nil {
		return nil
	}
	ex := st.Export
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	path := filepath.Join(dir, ex.Filename)
	if err := os.WriteFile(path, ex.Content, 0o600); err != nil {
		return err
	}
	fmt.Fprintf(w, "\nCSAF 2.0 VEX of %s (schema and mandatory tests pass)\n", st.Release)
	fmt.Fprintf(w, "  %s: %d statements (%s), id %s\n", path, ex.Statements, byStatus(ex.ByStatus), ex.DocumentID)
	return nil
}

// vexPath is where printDemoVEX wrote the quickstart's VEX.
func vexPath(dir string, st *demo.VEXStep) string {
	if st == nil || st.Export == nil {
		return "FILE"
	}
	return filepath.Join(dir, st.Export.Filename)
}

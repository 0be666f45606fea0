package cli

import (
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/app/inventory"
	"github.com/vigil/vigil/internal/sbom"
)

// openInput opens a file argument; "-" is standard input.
func (a *app) openInput(name string) (io.ReadCloser, error) {
	if name == "-" {
		return io.NopCloser(a.env.Stdin), nil
	}
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	return f, nil
}

func (a *app) sbomCommand() *cobra.Command {
	return group("sbom", "Import, check, compare and export SBOMs",
		a.sbomImportCommand(), a.sbomListCommand(), a.sbomComponentsCommand(), a.sbomCheckCommand(), a.sbomDiffCommand(),
		a.sbomExportCommand(), group("support", "Manage component support levels and end-of-support dates", a.sbomSupportImportCommand()))
}

func (a *app) sbomImportCommand() *cobra.Command {
	var ref releaseRef
	var strictRefs bool
	imp := &cobra.Command{
		Use:   "import FILE|- --product P --release V",
		Short: "Import an SBOM (CycloneDX or SPDX, JSON, XML or tag-value) into a release",
		Long: `Import an SBOM into a release. The format is detected from the content:
CycloneDX 1.2–1.6 (JSON, XML), SPDX 2.2/2.3 (JSON, tag-value), UTF-8 or UTF-16.
The document is stored with its original bytes, components, dependency graph
and FDA support fields, in one transaction, and becomes the release's current
SBOM. Importing the same bytes again changes nothing.`,
		Args: exactArgs(1, "FILE|- --product P --release V"),
		RunE: func(cmd *cobra.Command, args []string) error {
			svc, sc, rel, err := a.resolveRelease(cmd.Context(), ref)
			if err != nil {
				return err
			}
			in, err := a.openInput(args[0])
			if err != nil {
				return err
			}
			defer in.Close()
			res, err := svc.Inventory.ImportSBOMWith(cmd.Context(), sc, rel.ID, in, inventory.SBOMImportOptions{Strict: strictRefs})
			if err != nil {
				return err
			}
			d := res.Document
			if a.output == formatTable {
				if res.Unchanged {
					cmd.Printf("unchanged: release %s %s already has this SBOM (sha256 %s)\n", rel.Product, rel.Version, d.SHA256)
					return nil
				}
				cmd.Printf("imported %s %s (%s) into %s %s: %d components, %d dependency statements, sha256 %s\n",
					d.Format, d.SpecVersion, d.Encoding, rel.Product, rel.Version, d.Components, d.Dependencies, d.SHA256)
				if res.Superseded != nil {
					cmd.Printf("it replaces SBOM %d as the release's current SBOM\n", res.Superseded.ID)
				}
				for _, w := range d.Warnings {
					cmd.Printf("warning: %s\n", w)
				}
				if d.WarningsDropped > 0 {
					cmd.Printf("… and %d more warnings\n", d.WarningsDropped)
				}
				return nil
			}
			return a.render(cmd, res, sbomTable(d))
		},
	}
	ref.register(imp)
	imp.Flags().BoolVar(&strictRefs, "strict", false, "refuse the SBOM for a per-component problem: a malformed package reference, a licence id not on the SPDX list, a support value vigil cannot map (otherwise kept with a warning)")
	return imp
}

func (a *app) sbomListCommand() *cobra.Command {
	var lref releaseRef
	list := &cobra.Command{
		Use:   "list --product P --release V",
		Short: "List a release's SBOM documents, the current one first",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			svc, sc, rel, err := a.resolveRelease(cmd.Context(), lref)
			if err != nil {
				return err
			}
			docs, err := svc.Inventory.SBOMs(cmd.Context(), sc, rel.ID)
			if err != nil {
				return err
			}
			if docs == nil {
				docs = []*vigil.SBOMDocument{}
			}
			return a.render(cmd, docs, sbomTable(docs...))
		},
	}
	lref.register(list)
	return list
}

func (a *app) sbomComponentsCommand() *cobra.Command {
	var cref releaseRef
	components := &cobra.Command{
		Use:   "components --product P --release V",
		Short: "List the components of a release's current SBOM",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			svc, sc, rel, err := a.resolveRelease(cmd.Context(), cref)
			if err != nil {
				return err
			}
			_, comps, err := svc.Inventory.ReleaseComponents(cmd.Context(), sc, rel.ID)
			if err != nil {
				return err
			}
			if comps == nil {
				comps = []vigil.Component{}
			}
			t := &table{header: []string{"TYPE", "NAME", "VERSION", "SUPPLIER", "PURL", "SUPPORT", "END OF SUPPORT"}}
			for _, c := range comps {
				name := c.Name
				if c.Group != "" {
					name = c.Group + "/" + c.Name
				}
				t.add(string(c.Type), name, orDash(c.Version), orDash(c.Supplier), orDash(c.PURL),
					orDash(string(c.SupportLevel)), orDash(c.EndOfSupport.String()))
			}
			return a.render(cmd, comps, t)
		},
	}
	cref.register(components)
	return components
}

func (a *app) sbomCheckCommand() *cobra.Command {
	var kref releaseRef
	var strict bool
	check := &cobra.Command{
		Use:   "check [FILE|-] | --product P --release V",
		Short: "Check an SBOM for the NTIA minimum elements and the FDA support fields",
		Long: `Check an SBOM file, or a release's current SBOM, for the NTIA minimum elements
(supplier, name, version, unique identifier, dependency relationship, author,
timestamp) and the FDA fields (support level, end-of-support date) of every
component. With --strict the exit code is 3 when anything is missing.`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) > 1 || (len(args) == 1) == kref.set() {
				return usagef("usage: vigil sbom check FILE|-  or  vigil sbom check --product P --release V")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			var doc *vigil.SBOMDocument
			var rep *sbom.Report
			if len(args) == 1 {
				in, err := a.openInput(args[0])
				if err != nil {
					return err
				}
				defer in.Close()
				// Checking a file reads no database.
				if doc, rep, err = inventory.New(nil).CheckSBOM(cmd.Context(), in); err != nil {
					return err
				}
			} else {
				svc, sc, rel, err := a.resolveRelease(cmd.Context(), kref)
				if err != nil {
					return err
				}
				if doc, rep, err = svc.Inventory.CheckRelease(cmd.Context(), sc, rel.ID); err != nil {
					return err
				}
			}
			if err := a.renderCheck(cmd, doc, rep); err != nil {
				return err
			}
			if strict && !rep.OK() {
				return &exitError{code: ExitFindings, msg: fmt.Sprintf("%d of %d components miss required elements", rep.Components-rep.Complete, rep.Components)}
			}
			return nil
		},
	}
	kref.register(check)
	check.Flags().BoolVar(&strict, "strict", false, "exit 3 when any element is missing")
	return check
}

func (a *app) sbomDiffCommand() *cobra.Command {
	var product string
	diff := &cobra.Command{
		Use:   "diff --product P FROM TO",
		Short: "Compare the SBOMs of two releases: added, removed and changed components",
		Args:  exactArgs(2, "--product P FROM-VERSION TO-VERSION"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if product == "" {
				return usagef("--product is required")
			}
			svc, sc, from, err := a.resolveVersion(cmd.Context(), product, args[0])
			if err != nil {
				return err
			}
			to, err := a.findRelease(cmd.Context(), svc, sc, product, args[1])
			if err != nil {
				return err
			}
			d, err := svc.Inventory.DiffReleases(cmd.Context(), sc, from.ID, to.ID)
			if err != nil {
				return err
			}
			t := &table{header: []string{"CHANGE", "COMPONENT", "FROM", "TO"}}
			for _, c := range d.Added {
				t.add("added", sbom.Key(&c), "-", orDash(c.Version))
			}
			for _, c := range d.Removed {
				t.add("removed", sbom.Key(&c), orDash(c.Version), "-")
			}
			for _, c := range d.Changed {
				t.add("changed", c.Key, orDash(c.From.Version), orDash(c.To.Version))
			}
			if a.output == formatTable && len(t.rows) == 0 {
				cmd.Println("no differences")
				return nil
			}
			return a.render(cmd, d, t)
		},
	}
	diff.Flags().StringVarP(&product, "product", "p", "", "product name or ID (required)")
	return diff
}

func (a *app) sbomExportCommand() *cobra.Command {
	var eref releaseRef
	var format, outFile string
	export := &cobra.Command{
		Use:   "export --product P --release V --format FORMAT",
		Short: "Export a release's SBOM as CycloneDX 1.6 or SPDX 2.3, with support level and end of support",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			kind := sbom.Kind(format)
			if format != "original" && !kind.Valid() {
				return usagef("--format %q: want one of %s or original", format, kindList())
			}
			svc, sc, rel, err := a.resolveRelease(cmd.Context(), eref)
			if err != nil {
				return err
			}
			w := cmd.OutOrStdout()
			var f *os.File
			if outFile != "" && outFile != "-" {
				if f, err = createPrivate(outFile); err != nil {
					return err
				}
				w = f
			}
			if format == "original" {
				err = svc.Inventory.ExportOriginalSBOM(cmd.Context(), sc, rel.ID, w)
			} else {
				err = svc.Inventory.ExportSBOM(cmd.Context(), sc, rel.ID, kind, w)
			}
			if f != nil {
				if cerr := f.Close(); err == nil {
					err = cerr
				}
				if err != nil {
					os.Remove(outFile)
				}
			}
			return err
		},
	}
	eref.register(export)
	export.Flags().StringVarP(&format, "format", "f", string(sbom.KindCycloneDXJSON), "cyclonedx-json, cyclonedx-xml, spdx-json, spdx-tv, or original (the imported bytes)")
	export.Flags().StringVar(&outFile, "out", "", "write to this new file instead of standard output")
	return export
}

func (a *app) sbomSupportImportCommand() *cobra.Command {
	var sref releaseRef
	supportImport := &cobra.Command{
		Use:   "import FILE|- --product P --release V",
		Short: "Apply an FDA support addendum (CSV: purl or name+version, support_level, end_of_support)",
		Long: `Apply a CSV support addendum to a release's current SBOM: each row names a
component by purl (with or without version) or by name and version, and gives
its support_level and/or end_of_support (YYYY-MM-DD). The FDA allows this
addendum where the SBOM format lacks the fields. Faulty rows are all reported
and nothing is applied; see docs/sbom.md for the format.`,
		Args: exactArgs(1, "FILE|- --product P --release V"),
		RunE: func(cmd *cobra.Command, args []string) error {
			svc, sc, rel, err := a.resolveRelease(cmd.Context(), sref)
			if err != nil {
				return err
			}
			in, err := a.openInput(args[0])
			if err != nil {
				return err
			}
			defer in.Close()
			res, err := svc.Inventory.ImportSupport(cmd.Context(), sc, rel.ID, in)
			if res != nil && len(res.Errors) > 0 {
				for _, e := range res.Errors {
					fmt.Fprintf(cmd.ErrOrStderr(), "%s: %s\n", args[0], e.Error())
				}
			}
			if err != nil {
				return err
			}
			t := keyValues("rows", fmt.Sprint(res.Records), "components updated", fmt.Sprint(res.Updated),
				"rows matching no component", fmt.Sprint(len(res.Unmatched)))
			for _, u := range res.Unmatched {
				t.add("unmatched", fmt.Sprintf("line %d: %s", u.Line, orDash(strings.TrimSpace(u.PURL+" "+u.Name+" "+u.Version))))
			}
			return a.render(cmd, res, t)
		},
	}
	sref.register(supportImport)
	return supportImport
}

func kindList() string {
	names := make([]string, len(sbom.Kinds))
	for i, k := range sbom.Kinds {
		names[i] = string(k)
	}
	return strings.Join(names, ", ")
}

func sbomTable(docs ...*vigil.SBOMDocument) *table {
	t := &table{header: []string{"ID", "FORMAT", "SPEC", "COMPONENTS", "DEPENDENCIES", "IMPORTED", "CURRENT", "SHA256"}}
	for _, d := range docs {
		current := "yes"
		if !d.SupersededAt.IsZero() {
			current = "no"
		}
		t.add(fmt.Sprint(d.ID), string(d.Format)+"/"+string(d.Encoding), d.SpecVersion, fmt.Sprint(d.Components),
			fmt.Sprint(d.Dependencies), formatTime(d.CreatedAt), current, d.SHA256)
	}
	return t
}

func (a *app) renderCheck(cmd *cobra.Command, doc *vigil.SBOMDocument, rep *sbom.Report) error {
	out := struct {
		Document *vigil.SBOMDocument `json:"document"`
		*sbom.Report
		OK     bool `json:"ok"`
		NTIAOK bool `json:"ntia_ok"`
	}{doc, rep, rep.OK(), rep.NTIAOK()}
	t := &table{header: []string{"ELEMENT", "KIND", "PRESENT", "MISSING"}}
	for _, e := range rep.Elements {
		kind := "FDA"
		if e.NTIA {
			kind = "NTIA"
		}
		t.add(string(e.Element), kind, fmt.Sprint(e.Present), fmt.Sprint(e.Missing))
	}
	if a.output != formatTable {
		if a.output == formatCSV {
			t = &table{header: []string{"REF", "NAME", "VERSION", "PURL", "MISSING"}}
			for _, f := range rep.Findings {
				t.add(f.Ref, f.Name, f.Version, f.PURL, elementList(f.Missing))
			}
		}
		return a.render(cmd, out, t)
	}
	w := cmd.OutOrStdout()
	fmt.Fprintf(w, "%s %s (%s), %d components, %d complete\n", doc.Format, doc.SpecVersion, doc.Encoding, rep.Components, rep.Complete)
	// What the parser kept but flagged (a licence not on the SPDX list, an
	// unmappable support value, a malformed reference) is part of the check.
	for _, warning := range doc.Warnings {
		fmt.Fprintf(w, "warning: %s\n", warning)
	}
	if doc.WarningsDropped > 0 {
		fmt.Fprintf(w, "… and %d more warnings (all of them with -o json)\n", doc.WarningsDropped)
	}
	if len(rep.DocumentMissing) > 0 {
		fmt.Fprintf(w, "document misses: %s\n", elementList(rep.DocumentMissing))
		for _, n := range rep.DocumentNotes {
			fmt.Fprintf(w, "  %s\n", n)
		}
	}
	fmt.Fprintln(w)
	if err := render(w, formatTable, nil, t); err != nil {
		return err
	}
	const shown = 20
	if len(rep.Findings) > 0 {
		fmt.Fprintf(w, "\ncomponents missing elements (%d):\n", len(rep.Findings))
		ft := &table{header: []string{"NAME", "VERSION", "MISSING"}}
		for i, f := range rep.Findings {
			if i == shown {
				break
			}
			ft.add(f.Name, orDash(f.Version), elementList(f.Missing))
		}
		if err := render(w, formatTable, nil, ft); err != nil {
			return err
		}
		if len(rep.Findings) > shown {
			fmt.Fprintf(w, "… and %d more (all of them with -o json or -o csv)\n", len(rep.Findings)-shown)
		}
	}
	verdict := "NTIA minimum elements: all present"
	if !rep.NTIAOK() {
		verdict = "NTIA minimum elements: incomplete"
	}
	fmt.Fprintf(w, "\n%s; FDA support fields: %s\n", verdict, map[bool]string{true: "all present", false: "incomplete"}[fdaOK(rep)])
	return nil
}

func fdaOK(rep *sbom.Report) bool {
	for _, e := range rep.Elements {
		if !e.NTIA && e.Missing > 0 {
			return false
		}
	}
	return true
}

func elementList(es []sbom.Element) string {
	s := make([]string, len(es))
	for i, e := range es {
		s[i] = string(e)
	}
	return strings.Join(s, ", ")
}

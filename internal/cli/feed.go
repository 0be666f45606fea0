package cli

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/vigil/vigil/internal/app/knowledge"
	"github.com/vigil/vigil/internal/feed"
)

func (a *app) feedCommand() *cobra.Command {
	return group("feed", "Manage the vulnerability knowledge base",
		a.feedImportCommand(), a.syncCommand(), a.feedStatusCommand(), a.bundleCommand())
}

func (a *app) feedImportCommand() *cobra.Command {
	var opt knowledge.FeedOptions
	var keyFiles []string
	var showProblems int
	imp := &cobra.Command{
		Use:   "import PATH...",
		Short: "Import vulnerability data (NVD, CVE 5, OSV, KEV, EPSS, CSAF) from files, directories, .zip or .gz",
		Long: `Import vulnerability data into the knowledge base, the format of each file
detected from its content: NVD CVE API 2.0 responses and 1.1 feed files, CVE JSON
5 (cvelistV5, CISA vulnrichment), OSV (files, directories, all.zip), CISA KEV
(JSON, CSV), FIRST EPSS CSV, CSAF 2.0 advisories (with .sha256/.sha512 checked
when present, and .asc signatures with --csaf-key). Each PATH is imported in one
transaction. Faulty records are reported and skipped; importing the same data
again changes nothing. An input that yields no usable record (every file
unreadable or unrecognised, every record rejected) makes the command exit 1
after the summary, and feed status shows it, unless --allow-empty is given.`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return usagef("usage: vigil feed import PATH...")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			for _, f := range keyFiles {
				b, err := os.ReadFile(f)
				if err != nil {
					return fmt.Errorf("--csaf-key: %w", err)
				}
				opt.CSAFKeys = append(opt.CSAFKeys, string(b))
			}
			svc, err := a.service(cmd.Context())
			if err != nil {
				return err
			}
			bar := a.progress("importing")
			if bar != nil {
				opt.Progress = func(n int) { _ = bar.Set(n) }
			}
			var matched *knowledge.IncrementalSummary
			opt.OnMatched = func(m *knowledge.IncrementalSummary) { matched = m }
			start := time.Now()
			rep, err := svc.Knowledge.ImportFeeds(cmd.Context(), args, opt)
			if bar != nil {
				_ = bar.Finish()
			}
			var empty *knowledge.EmptyImportError
			if err != nil && !errors.As(err, &empty) {
				return err
			}
			// Nothing usable from an input still prints the summary (what
			// was rejected, and why), then exits 1.
			if err := a.renderFeedReport(cmd, rep, time.Since(start), showProblems); err != nil {
				return err
			}
			a.printMatched(cmd, matched)
			return err
		},
	}
	imp.Flags().BoolVar(&opt.SkipOSVSchema, "skip-osv-schema", false, "skip the checks of OSV records against the OSV schema's rules (faster; for trusted osv.dev exports)")
	imp.Flags().StringArrayVar(&keyFiles, "csaf-key", nil, "armored OpenPGP public key file that CSAF .asc signatures must verify against (repeatable)")
	imp.Flags().BoolVar(&opt.RequireSignature, "require-signature", false, "refuse CSAF files without a valid .asc signature (needs --csaf-key)")
	imp.Flags().IntVar(&showProblems, "problems", 20, "how many record problems to list (all with -o json)")
	imp.Flags().BoolVar(&opt.AllowEmpty, "allow-empty", false, "exit 0 even when an input yields no usable record (every file unreadable, every record rejected)")
	return imp
}

func (a *app) feedStatusCommand() *cobra.Command {
	status := &cobra.Command{
		Use:   "status",
		Short: "Show what the knowledge base holds per source and each feed's last import",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			svc, err := a.service(cmd.Context())
			if err != nil {
				return err
			}
			st, err := svc.Knowledge.KnowledgeBaseStatus(cmd.Context())
			if err != nil {
				return err
			}
			last := map[string]knowledge.FeedStatus{}
			for _, f := range st.Feeds {
				last[string(f.Source)] = f
			}
			t := &table{header: []string{"SOURCE", "RECORDS", "WITHDRAWN", "NEWEST", "LAST IMPORT", "LAST ACCEPTED", "LAST REJECTED", "LAST RESULT"}}
			lastCols := func(f knowledge.FeedStatus, ok bool) (string, string, string, string) {
				if !ok {
					return "-", "-", "-", "-"
				}
				result := "ok"
				if f.Empty {
					result = "NOTHING USABLE"
				}
				return formatTime(f.LastImportAt), fmt.Sprint(f.LastReport.Accepted), fmt.Sprint(f.LastReport.Rejected), result
			}
			for _, s := range st.Sources {
				f, ok := last[string(s.Source)]
				delete(last, string(s.Source))
				lastAt, acc, rej, result := lastCols(f, ok)
				t.add(string(s.Source), fmt.Sprint(s.Records), fmt.Sprint(s.Withdrawn), formatTime(s.LastModified), lastAt, acc, rej, result)
			}
			// Feeds whose imports stored nothing yet still show their
			// last import.
			for _, f := range st.Feeds {
				if _, ok := last[string(f.Source)]; ok {
					lastAt, acc, rej, result := lastCols(f, true)
					t.add(string(f.Source), "0", "0", "-", lastAt, acc, rej, result)
				}
			}
			if a.output == formatTable && len(t.rows) == 0 {
				cmd.Println("the knowledge base is empty; import data with: vigil feed import PATH...")
				return nil
			}
			return a.render(cmd, st, t)
		},
	}
	return status
}

// progress returns a progress counter on standard error when it is a
// terminal, nil otherwise (scripts and logs get the summary only).
func (a *app) progress(what string) *progressbar.ProgressBar {
	f, ok := a.env.Stderr.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return nil
	}
	return progressbar.NewOptions64(-1,
		progressbar.OptionSetWriter(f),
		progressbar.OptionSetDescription(what),
		progressbar.OptionShowCount(),
		progressbar.OptionSetItsString("records"),
		progressbar.OptionShowIts(),
		progressbar.OptionThrottle(100*time.Millisecond),
		progressbar.OptionClearOnFinish(),
	)
}

func (a *app) renderFeedReport(cmd *cobra.Command, rep feed.Report, took time.Duration, show int) error {
	out := struct {
		feed.Report
		Seconds float64 `json:"seconds"`
		// Usable is false when nothing was accepted or already known.
		Usable bool `json:"usable"`
	}{rep, took.Seconds(), knowledge.Usable(rep)}
	t := keyValues(
		"files", fmt.Sprint(rep.Files),
		"records", fmt.Sprint(rep.Records),
		"accepted", fmt.Sprint(rep.Accepted),
		"unchanged", fmt.Sprint(rep.Unchanged),
		"rejected", fmt.Sprint(rep.Rejected),
		"warnings", fmt.Sprint(rep.Warnings),
		"skipped files", fmt.Sprint(rep.SkippedFiles),
		"importers", orDash(strings.Join(rep.Importers, ", ")),
		"seconds", fmt.Sprintf("%.1f", took.Seconds()),
	)
	if !knowledge.Usable(rep) {
		t.add("result", "NOTHING USABLE IMPORTED")
	}
	if a.output != formatTable {
		if a.output == formatCSV {
			t = &table{header: []string{"FILE", "SOURCE", "RECORD", "PATH", "REASON", "WARNING"}}
			for _, p := range rep.Problems {
				t.add(p.File, string(p.Source), p.RecordID, p.Path, p.Reason, fmt.Sprint(p.Warning))
			}
		}
		return a.render(cmd, out, t)
	}
	if err := a.render(cmd, out, t); err != nil {
		return err
	}
	if len(rep.Problems) > 0 && show > 0 {
		w := cmd.OutOrStdout()
		fmt.Fprintf(w, "\nproblems (%d):\n", len(rep.Problems)+rep.MoreProblems)
		for i, p := range rep.Problems {
			if i == show {
				fmt.Fprintf(w, "  … and %d more (all of them with -o json or -o csv)\n", len(rep.Problems)+rep.MoreProblems-show)
				break
			}
			kind := "rejected"
			if p.Warning {
				kind = "warning"
			}
			fmt.Fprintf(w, "  %s: %s\n", kind, terminalSafe(p.String()))
		}
	}
	return nil
}

func (a *app) bundleCommand() *cobra.Command {
	export := &cobra.Command{
		Use:   "export FILE",
		Short: "Write the whole knowledge base to an offline bundle (zip with a manifest and checksums)",
		Args:  exactArgs(1, "FILE"),
		RunE: func(cmd *cobra.Command, args []string) error {
			svc, err := a.service(cmd.Context())
			if err != nil {
				return err
			}
			f, err := os.OpenFile(args[0], os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
			if err != nil {
				return err
			}
			m, err := svc.Knowledge.ExportBundle(cmd.Context(), f, a.env.Version)
			if cerr := f.Close(); err == nil {
				err = cerr
			}
			if err != nil {
				os.Remove(args[0])
				return err
			}
			t := &table{header: []string{"FILE", "RECORDS", "BYTES", "SHA256"}}
			for _, bf := range m.Files {
				t.add(bf.Name, fmt.Sprint(bf.Records), fmt.Sprint(bf.Size), bf.SHA256)
			}
			if a.output == formatTable {
				cmd.Printf("bundle written to %s\n\n", args[0])
			}
			return a.render(cmd, m, t)
		},
	}
	imp := &cobra.Command{
		Use:   "import FILE",
		Short: "Import an offline bundle after checking every file against its manifest",
		Args:  exactArgs(1, "FILE"),
		RunE: func(cmd *cobra.Command, args []string) error {
			f, err := os.Open(args[0])
			if err != nil {
				return err
			}
			defer f.Close()
			fi, err := f.Stat()
			if err != nil {
				return err
			}
			svc, err := a.service(cmd.Context())
			if err != nil {
				return err
			}
			var opt knowledge.FeedOptions
			bar := a.progress("importing bundle")
			if bar != nil {
				opt.Progress = func(n int) { _ = bar.Set(n) }
			}
			start := time.Now()
			rep, _, err := svc.Knowledge.ImportBundle(cmd.Context(), f, fi.Size(), opt)
			if bar != nil {
				_ = bar.Finish()
			}
			if err != nil {
				return err
			}
			return a.renderFeedReport(cmd, rep, time.Since(start), 20)
		},
	}
	return group("bundle", "Carry the knowledge base into an air-gapped site", export, imp)
}

// printMatched tells what the incremental match after an import did.
func (a *app) printMatched(cmd *cobra.Command, m *knowledge.IncrementalSummary) {
	if m == nil || a.output != formatTable || (m.Releases == 0 && m.ExposureEvents == 0) {
		return
	}
	cmd.Printf("\nmatched %d changed record(s) against %d release(s): %d new finding(s), %d changed, %d resolved\n",
		m.Records, m.Releases, m.New, m.Changed, m.Resolved)
	if m.ExposureEvents > 0 {
		cmd.Printf("%d hospital asset(s) newly exposed (vigil asset events)\n", m.ExposureEvents)
	}
}

package cli

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/app/knowledge"
	"github.com/vigil/vigil/internal/app/triage"
	"github.com/vigil/vigil/internal/scan"
	"github.com/vigil/vigil/internal/vex/cyclonedx"
)

func (a *app) scanCommand() *cobra.Command {
	var failOn, format string
	cmd := &cobra.Command{
		Use:   "scan SBOM|-",
		Short: "Scan an SBOM against the knowledge base: prioritised findings out (nothing stored)",
		Long: `Scan an SBOM (CycloneDX or SPDX, any encoding) against the knowledge base in the
store, offline: package URLs with each ecosystem's version order, NVD CPE
configurations, CSAF product trees. Findings are ranked: known exploited (KEV)
first, then severity, then EPSS. Vendor statements that a component is not
affected or fixed are shown as such. Output: -o table|json|sarif|cyclonedx-vex.
--fail-on none|low|medium|high|critical|kev exits 3 when a finding reaches it
(a finding of unknown severity reaches any level).`,
		Args: exactArgs(1, "SBOM|-"),
		RunE: func(cmd *cobra.Command, args []string) error {
			level, err := scan.ParseFailOn(failOn)
			if err != nil {
				return usagef("--fail-on %v", err)
			}
			out := a.output
			if format != "" {
				out = format
			}
			switch out {
			case formatTable, formatJSON, formatCSV, "sarif", "cyclonedx-vex":
			default:
				return usagef("-o %q: want table, json, csv, sarif or cyclonedx-vex", out)
			}
			in, err := a.openInput(args[0])
			if err != nil {
				return err
			}
			defer in.Close()
			svc, err := a.service(cmd.Context())
			if err != nil {
				return err
			}
			res, err := svc.Knowledge.ScanSBOM(cmd.Context(), in)
			if err != nil {
				return err
			}
			w := cmd.OutOrStdout()
			switch out {
			case "sarif":
				err = scan.WriteSARIF(w, res, args[0], a.env.Version)
			case "cyclonedx-vex":
				err = cyclonedx.New().Write(w, scan.VEX(res, a.now(), a.env.Version))
			default:
				err = a.renderScan(cmd, res, out)
			}
			if err != nil {
				return err
			}
			if res.FailsOn(level) {
				return &exitError{code: ExitFindings, msg: fmt.Sprintf("findings at or above --fail-on %s", level)}
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&failOn, "fail-on", "none", "exit 3 when a finding reaches this severity: none, low, medium, high, critical, kev")
	cmd.Flags().StringVar(&format, "format", "", "same as -o, for the scan formats sarif and cyclonedx-vex")
	return cmd
}

func (a *app) now() time.Time {
	if a.env.Now != nil {
		return a.env.Now()
	}
	return time.Now()
}

func (a *app) renderScan(cmd *cobra.Command, res *scan.Result, format string) error {
	if format == formatJSON {
		return writeScanJSON(cmd.OutOrStdout(), res)
	}
	t := &table{header: []string{"SEVERITY", "VULNERABILITY", "COMPONENT", "VERSION", "STATUS", "KEV", "EPSS", "CONFIDENCE", "MATCHED BY"}}
	for _, f := range res.Findings {
		sev := "unknown"
		if f.Severity != nil {
			sev = fmt.Sprintf("%.1f %s", f.Severity.BaseScore, f.Severity.Rating)
		}
		kev := "-"
		if f.KEV != nil {
			kev = "yes"
		}
		ep := "-"
		if f.EPSS != nil {
			ep = fmt.Sprintf("%.3f", f.EPSS.Score)
		}
		var by []string
		for _, e := range f.Evidence {
			by = append(by, e.Matcher)
		}
		t.add(sev, f.VulnID, f.Component.Name, orDash(f.Component.Version), string(f.Status), kev, ep, string(f.Confidence), strings.Join(by, ", "))
	}
	if format != formatTable {
		return render(cmd.OutOrStdout(), format, res, t)
	}
	w := cmd.OutOrStdout()
	fmt.Fprintf(w, "%d components, %d candidate records, %d findings\n\n", res.Components, res.Candidates, len(res.Findings))
	if len(res.Findings) > 0 {
		if err := render(w, formatTable, nil, t); err != nil {
			return err
		}
	}
	if len(res.Unsupported) > 0 {
		fmt.Fprintf(w, "\nnot decided (%d): %s\n", len(res.Unsupported), terminalSafe(strings.Join(first(res.Unsupported, 5), "; ")))
	}
	return nil
}

func first(s []string, n int) []string {
	if len(s) > n {
		return append(s[:n:n], fmt.Sprintf("… %d more (-o json)", len(s)-n))
	}
	return s
}

func (a *app) matchCommand() *cobra.Command {
	var ref releaseRef
	run := &cobra.Command{
		Use:   "run [--product P --release V]",
		Short: "Match releases' SBOMs against the knowledge base and update their findings",
		Long: `Match the current SBOM of one release (--product and --release), or of every
release of the organization that has one, against the knowledge base, and bring
the stored findings up to date: new matches appear, changed ones are updated,
and those no longer found are resolved (kept, with the time).`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var matched []knowledge.ReleaseMatch
			if ref.set() {
				svc, sc, r, err := a.resolveRelease(cmd.Context(), ref)
				if err != nil {
					return err
				}
				sum, err := svc.Knowledge.MatchRelease(cmd.Context(), sc, r.ID, nil)
				if err != nil {
					return err
				}
				matched = []knowledge.ReleaseMatch{{Release: r, Summary: sum}}
			} else {
				svc, sc, err := a.scope(cmd.Context())
				if err != nil {
					return err
				}
				if matched, err = svc.Knowledge.MatchAllReleases(cmd.Context(), sc); err != nil {
					return err
				}
			}
			return a.render(cmd, matchSummaries(matched), matchTable(matched))
		},
	}
	ref.register(run)
	return group("match", "Match SBOMs against the knowledge base", run)
}

// matchSummaries is what -o json shows of a match run: the summaries.
func matchSummaries(ms []knowledge.ReleaseMatch) []*knowledge.MatchSummary {
	sums := []*knowledge.MatchSummary{}
	for _, m := range ms {
		sums = append(sums, m.Summary)
	}
	return sums
}

func matchTable(ms []knowledge.ReleaseMatch) *table {
	t := &table{header: []string{"RELEASE", "COMPONENTS", "CANDIDATES", "NEW", "CHANGED", "UNCHANGED", "RESOLVED"}}
	for _, m := range ms {
		r, sum := m.Release, m.Summary
		t.add(r.Product+" "+r.Version, fmt.Sprint(sum.Components), fmt.Sprint(sum.Candidates), fmt.Sprint(sum.New),
			fmt.Sprint(sum.Changed), fmt.Sprint(sum.Unchanged), fmt.Sprint(sum.Resolved))
	}
	return t
}

func (a *app) findingCommand() *cobra.Command {
	var ref releaseRef
	var all, overdue bool
	var sortBy string
	list := &cobra.Command{
		Use:   "list --product P --release V [--sort priority] [--overdue]",
		Short: "List a release's findings with their evidence, or the prioritised queue",
		Long: `List a release's findings with their evidence. --sort priority lists the
prioritised queue instead (of one release, or of all without --product and
--release), each with the factors and weights that placed it (-o json has the
whole explanation); --overdue only the findings whose FDA clock has run out.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			switch {
			case sortBy != "" && sortBy != "priority":
				return usagef("--sort %q: only priority", sortBy)
			case sortBy == "priority" || overdue:
				return a.runQueue(cmd, ref, triage.QueueFilter{IncludeClosed: all, OverdueOnly: overdue})
			}
			svc, sc, rel, err := a.resolveRelease(cmd.Context(), ref)
			if err != nil {
				return err
			}
			fs, err := svc.Knowledge.Findings(cmd.Context(), sc, rel.ID, all)
			if err != nil {
				return err
			}
			if fs == nil {
				fs = []*vigil.Finding{}
			}
			t := &table{header: []string{"ID", "VULNERABILITY", "COMPONENT", "VERSION", "STATUS", "TRIAGE", "CONFIDENCE", "MATCHER", "EVIDENCE", "SINCE", "RESOLVED"}}
			for _, f := range fs {
				ev := f.Evidence.Identifier
				if f.Evidence.Range != "" {
					ev += " in " + f.Evidence.Range
				}
				t.add(fmt.Sprint(f.ID), f.VulnID, f.ComponentName, orDash(f.ComponentVersion), string(f.Status), string(f.TriageState()), string(f.Confidence),
					f.Evidence.Matcher, ev, formatTime(f.FirstSeenAt), formatTime(f.ResolvedAt))
			}
			return a.render(cmd, fs, t)
		},
	}
	ref.register(list)
	list.Flags().BoolVar(&all, "all", false, "include resolved findings (with --sort priority: closed ones)")
	list.Flags().StringVar(&sortBy, "sort", "", "priority: the prioritised queue, explained")
	list.Flags().BoolVar(&overdue, "overdue", false, "only findings whose FDA postmarket clock has run out")
	return group("finding", "Review, triage and assess findings", append([]*cobra.Command{list}, a.triageCommands()...)...)
}

// writeScanJSON writes res as render's JSON does (two-space indent), one
// finding at a time, so that a scan of a large SBOM is never held in
// memory a second time as one JSON document.
func writeScanJSON(w io.Writer, res *scan.Result) error {
	findings := res.Findings
	head := *res
	if head.Findings != nil {
		head.Findings = []scan.Entry{}
	}
	b, err := json.MarshalIndent(&head, "", "  ")
	if err != nil {
		return err
	}
	// Top-level keys are the only ones indented by exactly two spaces
	// after a newline, and JSON strings hold no raw newline.
	const marker = "\n  \"findings\": []"
	i := bytes.Index(b, []byte(marker))
	if i < 0 || len(findings) == 0 {
		_, err := fmt.Fprintf(w, "%s\n", b)
		return err
	}
	bw := bufio.NewWriterSize(w, 1<<16)
	bw.Write(b[:i])
	bw.WriteString("\n  \"findings\": [")
	// One encoder for all findings reuses its buffers; it ends each with
	// a newline, which is left out.
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("    ", "  ")
	for j := range findings {
		buf.Reset()
		if err := enc.Encode(&findings[j]); err != nil {
			return err
		}
		if j > 0 {
			bw.WriteByte(',')
		}
		bw.WriteString("\n    ")
		bw.Write(bytes.TrimSuffix(buf.Bytes(), []byte("\n")))
	}
	bw.WriteString("\n  ]")
	bw.Write(b[i+len(marker):])
	bw.WriteByte('\n')
	return bw.Flush()
}

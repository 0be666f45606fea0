package cli

import (
	"fmt"
	"io"
	"strings"

	"github.com/vigil/vigil/internal/demo"
	"github.com/vigil/vigil/internal/mds2"
)

// printMDS2 is the quickstart's MDS2 block: the manufacturer's form and
// its cross-check, then the hospital's evaluation of three candidates.
func printMDS2(w io.Writer, st *demo.MDS2Step) {
	if st == nil {
		return
	}
	f := st.Import.Form
	fmt.Fprintf(w, "\nMDS2 (ANSI/NEMA HN 1-2019) of %s (generated in the official layout)\n", st.Release)
	fmt.Fprintf(w, "  form %d: %d answers, %d unanswered, %d import issues\n", f.ID, f.Answers, len(st.Import.Missing), len(f.Issues))
	for _, c := range st.Check.Findings {
		if c.Severity != mds2.CheckOK {
			fmt.Fprintf(w, "  check %-7s %-4s %s\n", c.Severity, c.Area, terminalSafe(c.Message))
		}
	}
	fmt.Fprintf(w, "\nProcurement at %s: %d candidate MDS2 forms against %q\n", demo.Hospital, len(st.Candidate), st.Report.Profile.Name)
	for i, e := range st.Report.Evaluations {
		verdict := "all musts met"
		if !e.Acceptable {
			var ids []string
			for _, o := range e.UnmetMusts {
				ids = append(ids, o.Question)
			}
			verdict = fmt.Sprintf("%d unmet musts: %s", len(ids), strings.Join(ids, ", "))
		}
		fmt.Fprintf(w, "  %d. %-20s %5.1f%%  %s\n", i+1, terminalSafe(e.Candidate), e.Score, verdict)
	}
}

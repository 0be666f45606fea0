package cli

import (
	"fmt"
	"io"

	"github.com/vigil/vigil/internal/demo"
)

// printTriage prints the quickstart's triage block: the finding walked
// through the rubric, triaged and assessed, and the queue.
func printTriage(w io.Writer, st *demo.TriageStep) {
	if st == nil || st.Finding == nil {
		return
	}
	fr, ev := st.Finding, st.Finding.Evaluation
	f := fr.Finding
	fmt.Fprintf(w, "\nPatient-safety triage of finding %d (%s on %s %s)\n", f.ID, f.VulnID, f.ComponentName, f.ComponentVersion)
	fmt.Fprintf(w, "  release environment: cvss3 %s (%s)\n", st.Environment.CVSS3, terminalSafe(st.Environment.Rationale))
	if st.Rubric != nil && st.Rubric.Derivation != nil {
		fmt.Fprintf(w, "  rubric (%d questions answered): %s\n", len(st.Rubric.Answers.Answers), st.Rubric.Derivation.Vector)
	}
	fmt.Fprintf(w, "  cvss: base %.1f %s, adjusted %.1f %s (%s)\n", ev.Scores.Base, ev.Scores.BaseRating, ev.Scores.Effective,
		ev.Scores.Rating, ev.Scores.Vector)
	fmt.Fprintf(w, "  triage: %s\n", terminalSafe(decisionText(f)))
	fmt.Fprintf(w, "  exploitability %s; harm %s → %s risk\n", ev.Exploitability, ev.Harm, ev.Class)
	fmt.Fprintf(w, "    %s\n", terminalSafe(ev.ClassBasis))
	for _, c := range ev.Clocks {
		fmt.Fprintf(w, "    clock: %s\n", clockText(c))
	}
	fmt.Fprintf(w, "\nPrioritised queue of %s (vigil finding list --sort priority)\n", fr.Release)
	for i, q := range st.Queue {
		fmt.Fprintf(w, "  %d. %5.1f  %-20s %-16s %-20s %s\n", i+1, q.Priority.Score, q.Finding.VulnID, q.Finding.ComponentName,
			q.Finding.TriageState(), terminalSafe(factorsText(q.Priority)))
	}
	fmt.Fprintf(w, "  try: vigil finding show %d · vigil finding history %d · vigil finding rubric %d --show · vigil org settings show\n",
		f.ID, f.ID, f.ID)
}

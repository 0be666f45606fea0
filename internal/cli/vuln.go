package cli

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/vigil/vigil"
)

func (a *app) vulnCommand() *cobra.Command {
	show := &cobra.Command{
		Use:   "show ID",
		Short: "Show everything the knowledge base knows of a vulnerability, merged across sources",
		Long: `Show a vulnerability by any of its ids (CVE, GHSA, GO-, PYSEC-, ALSA-, ICSMA-…):
every source's record with its severities, every alias, KEV, EPSS history and
the CSAF advisories about it.`,
		Args: exactArgs(1, "ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			svc, err := a.service(cmd.Context())
			if err != nil {
				return err
			}
			v, err := svc.Knowledge.Vulnerability(cmd.Context(), args[0])
			if err != nil {
				return err
			}
			t := keyValues("id", v.ID, "aliases", orDash(strings.Join(v.Aliases, ", ")), "summary", orDash(v.Summary))
			if v.Withdrawn {
				t.add("withdrawn", "yes")
			}
			for _, r := range v.Records {
				t.add("record", fmt.Sprintf("%s %s (modified %s)", r.Source, r.SourceID, formatTime(r.Modified)))
				for _, s := range r.Severities {
					t.add("  severity", severityText(s))
				}
				for _, p := range r.Affected {
					t.add("  affects", fmt.Sprintf("%s %s", p.Ecosystem, p.Name))
				}
				if n := countMatches(r.Configurations); n > 0 {
					t.add("  cpe criteria", fmt.Sprint(n))
				}
			}
			if v.KEV != nil {
				t.add("kev", fmt.Sprintf("added %s, due %s, ransomware %s: %s", v.KEV.DateAdded, orDash(v.KEV.DueDate.String()), v.KEV.RansomwareUse, v.KEV.RequiredAction))
			}
			if x := v.SSVC; x != nil {
				var ds []string
				for _, d := range x.Decisions {
					ds = append(ds, d.Point+": "+d.Value)
				}
				t.add("ssvc", terminalSafe(fmt.Sprintf("%s (CISA %s, %s)", strings.Join(ds, ", "), orDash(x.Role), formatTime(x.Timestamp))))
			}
			for i, e := range v.EPSS {
				if i == 5 {
					t.add("epss", fmt.Sprintf("… %d older scores", len(v.EPSS)-5))
					break
				}
				t.add("epss", fmt.Sprintf("%s: %.5f (percentile %.5f)", e.Date, e.Score, e.Percentile))
			}
			for _, adv := range v.Advisories {
				t.add("advisory", fmt.Sprintf("%s %s: %s", adv.Publisher.Name, adv.ID, adv.Title))
			}
			return a.render(cmd, v, t)
		},
	}
	return group("vuln", "Look up vulnerabilities in the knowledge base", show)
}

func severityText(s vigil.Severity) string {
	switch {
	case s.Vector != "":
		return fmt.Sprintf("CVSS %s %.1f %s %s (%s)", s.Version, s.BaseScore, s.Rating, s.Vector, orDash(s.Source))
	case s.Scheme != "":
		return fmt.Sprintf("%s %s", s.Scheme, s.Text)
	default:
		return fmt.Sprintf("%.1f %s (%s)", s.BaseScore, s.Rating, orDash(s.Source))
	}
}

func countMatches(cs []vigil.CPEConfiguration) int {
	n := 0
	var walk func([]vigil.CPENode)
	walk = func(nodes []vigil.CPENode) {
		for _, nd := range nodes {
			n += len(nd.Matches)
			walk(nd.Children)
		}
	}
	for _, c := range cs {
		walk(c.Nodes)
	}
	return n
}

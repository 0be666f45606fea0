package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sort"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/vigil/vigil"
)

func (a *app) orgSettingsCommand() *cobra.Command {
	return group("settings", "Risk settings of the organization", a.orgSettingsShowCommand(), a.orgSettingsSetCommand())
}

func (a *app) orgSettingsShowCommand() *cobra.Command {
	show := &cobra.Command{
		Use:   "show",
		Short: "Show the organization's risk settings: FDA clocks, exploitability thresholds, matrix, queue weights",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			svc, sc, err := a.scope(cmd.Context())
			if err != nil {
				return err
			}
			s, err := svc.RiskSettings(cmd.Context(), sc)
			if err != nil {
				return err
			}
			return a.render(cmd, s, settingsTable(s))
		},
	}
	return show
}

func (a *app) orgSettingsSetCommand() *cobra.Command {
	var notify, remediate int
	var epssHigh, epssMedium, linkThreshold, unscored float64
	var weights, matrix []string
	var unassessed, from string
	var reset bool
	set := &cobra.Command{
		Use:   "set [--notify-days N] [--remediate-days N] [--weight NAME=W]... [--uncontrolled-at LEVEL=HARM]... [--from FILE.json]",
		Short: "Change the organization's risk settings (only the flags given change)",
		Long: `Change the organization's risk settings. --notify-days and --remediate-days are
the clocks of uncontrolled risk (defaults 30 and 60, per the FDA postmarket
guidance). --epss-high/--epss-medium are the EPSS probabilities that raise
exploitability. --uncontrolled-at high=serious says risk of high
exploitability is uncontrolled from serious harm up (LEVEL=none: never).
--weight cvss=25 sets a queue weight (cvss, kev, epss, harm, uncontrolled,
overdue, confidence). --link-threshold is the identification score (0.3–1,
default 0.6) from which a device advisory's product links an asset without a
person's word. --unscored-cvss is the base score (default 7.0) that ranks a
vulnerability with no CVSS vector anywhere; its severity shows as unknown.
--from FILE.json replaces them all; --reset restores the defaults.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			svc, sc, err := a.scope(cmd.Context())
			if err != nil {
				return err
			}
			s, err := svc.RiskSettings(cmd.Context(), sc)
			if err != nil {
				return err
			}
			switch {
			case reset:
				s = vigil.DefaultRiskSettings()
			case from != "":
				f, err := os.Open(from)
				if err != nil {
					return err
				}
				defer f.Close()
				s = vigil.RiskSettings{}
				dec := json.NewDecoder(io.LimitReader(f, 1<<20))
				dec.DisallowUnknownFields()
				if err := dec.Decode(&s); err != nil {
					return fmt.Errorf("%s: %w: %w", from, err, vigil.ErrInvalid)
				}
			}
			fl := cmd.Flags()
			if fl.Changed("notify-days") {
				s.NotifyDays = notify
			}
			if fl.Changed("remediate-days") {
				s.RemediateDays = remediate
			}
			if fl.Changed("epss-high") {
				s.EPSSHigh = epssHigh
			}
			if fl.Changed("epss-medium") {
				s.EPSSMedium = epssMedium
			}
			if fl.Changed("link-threshold") {
				s.LinkThreshold = linkThreshold
			}
			if fl.Changed("unscored-cvss") {
				s.UnscoredCVSS = unscored
			}
			if unassessed != "" {
				s.UnassessedHarm = vigil.Harm(unassessed)
			}
			for _, m := range matrix {
				level, harm, ok := strings.Cut(m, "=")
				if !ok {
					return usagef("--uncontrolled-at %q: want LEVEL=HARM", m)
				}
				if s.UncontrolledAt == nil {
					s.UncontrolledAt = map[vigil.Exploitability]vigil.Harm{}
				}
				if harm == "none" {
					delete(s.UncontrolledAt, vigil.Exploitability(level))
				} else {
					s.UncontrolledAt[vigil.Exploitability(level)] = vigil.Harm(harm)
				}
			}
			for _, w := range weights {
				name, val, ok := strings.Cut(w, "=")
				x, err := strconv.ParseFloat(val, 64)
				if !ok || err != nil {
					return usagef("--weight %q: want NAME=NUMBER", w)
				}
				p := map[string]*float64{"cvss": &s.Weights.CVSS, "kev": &s.Weights.KEV, "epss": &s.Weights.EPSS, "harm": &s.Weights.Harm,
					"uncontrolled": &s.Weights.Uncontrolled, "overdue": &s.Weights.Overdue, "confidence": &s.Weights.Confidence}[name]
				if p == nil {
					return usagef("--weight %q: unknown factor (cvss, kev, epss, harm, uncontrolled, overdue, confidence)", name)
				}
				*p = x
			}
			if s, err = svc.SetRiskSettings(cmd.Context(), sc, s); err != nil {
				return err
			}
			return a.render(cmd, s, settingsTable(s))
		},
	}
	f := set.Flags()
	f.IntVar(&notify, "notify-days", 0, "days to notify customers of uncontrolled risk")
	f.IntVar(&remediate, "remediate-days", 0, "days to fix or give compensating controls for uncontrolled risk")
	f.Float64Var(&epssHigh, "epss-high", 0, "EPSS probability at which exploitability is high")
	f.Float64Var(&epssMedium, "epss-medium", 0, "EPSS probability at which exploitability is at least medium")
	f.StringArrayVar(&matrix, "uncontrolled-at", nil, "LEVEL=HARM: least harm at which risk of that exploitability is uncontrolled (repeatable)")
	f.StringArrayVar(&weights, "weight", nil, "NAME=W: a queue weight (repeatable)")
	f.StringVar(&unassessed, "unassessed-harm", "", "harm the queue counts for unassessed findings")
	f.Float64Var(&linkThreshold, "link-threshold", 0, "identification score from which advisory links count without review (0.3–1)")
	f.Float64Var(&unscored, "unscored-cvss", 0, "base score ranking vulnerabilities with no CVSS anywhere (shown as unknown)")
	f.StringVar(&from, "from", "", "replace all settings with a JSON file (as 'show -o json' prints)")
	f.BoolVar(&reset, "reset", false, "restore the defaults")
	return set
}

func settingsTable(s vigil.RiskSettings) *table {
	var m []string
	for _, e := range vigil.Exploitabilities {
		h, ok := s.UncontrolledAt[e]
		if !ok {
			m = append(m, string(e)+": never")
			continue
		}
		m = append(m, fmt.Sprintf("%s: from %s", e, h))
	}
	w := s.Weights
	ws := map[string]float64{"cvss": w.CVSS, "kev": w.KEV, "epss": w.EPSS, "harm": w.Harm, "uncontrolled": w.Uncontrolled,
		"overdue": w.Overdue, "confidence": w.Confidence}
	names := make([]string, 0, len(ws))
	for n := range ws {
		names = append(names, n)
	}
	sort.Strings(names)
	var wl []string
	for _, n := range names {
		wl = append(wl, fmt.Sprintf("%s=%g", n, ws[n]))
	}
	updated := "defaults"
	if !s.UpdatedAt.IsZero() {
		updated = formatTime(s.UpdatedAt) + " by " + s.Actor
	}
	return keyValues(
		"notify_days", fmt.Sprint(s.NotifyDays),
		"remediate_days", fmt.Sprint(s.RemediateDays),
		"epss_high", fmt.Sprint(s.EPSSHigh),
		"epss_medium", fmt.Sprint(s.EPSSMedium),
		"uncontrolled_at", strings.Join(m, ", "),
		"unassessed_harm", string(s.UnassessedHarm),
		"weights", strings.Join(wl, " "),
		"link_threshold", fmt.Sprint(s.WithDefaults().LinkThreshold),
		"unscored_cvss", fmt.Sprint(s.WithDefaults().UnscoredCVSS),
		"updated", updated,
	)
}

func (a *app) releaseEnvironmentCommand() *cobra.Command {
	var ref releaseRef
	show := &cobra.Command{
		Use:   "show --product P --release V",
		Short: "Show a release's CVSS environment",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			svc, sc, rel, err := a.resolveRelease(cmd.Context(), ref)
			if err != nil {
				return err
			}
			e, err := svc.CVSSEnvironment(cmd.Context(), sc, rel.ID)
			if err != nil {
				return err
			}
			return a.render(cmd, e, envTable(e))
		},
	}
	ref.register(show)
	var setRef releaseRef
	var in vigil.CVSSEnvironment
	set := &cobra.Command{
		Use:   "set --product P --release V [--cvss3 METRICS] [--cvss4 METRICS] [--cvss2 METRICS] --rationale TEXT",
		Short: "Set the environmental/threat CVSS metrics added to every vector of the release's findings",
		Long: `Set how the release is deployed, as CVSS environmental (and threat) metrics per
version, e.g. for a pump on an isolated clinical network that holds patient
data: --cvss3 MAV:A/CR:H/IR:H/AR:H --cvss4 MAV:A/CR:H/IR:H/AR:H. Base metrics
are refused: the base vector describes the vulnerability, the environment the
device. Each finding then shows its base and its adjusted score.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			svc, sc, rel, err := a.resolveRelease(cmd.Context(), setRef)
			if err != nil {
				return err
			}
			e, err := svc.SetCVSSEnvironment(cmd.Context(), sc, rel.ID, in)
			if err != nil {
				return err
			}
			return a.render(cmd, e, envTable(e))
		},
	}
	setRef.register(set)
	set.Flags().StringVar(&in.CVSS2, "cvss2", "", "CVSS 2.0 temporal/environmental metrics, e.g. CDP:H/TD:H/CR:H")
	set.Flags().StringVar(&in.CVSS3, "cvss3", "", "CVSS 3.x temporal/environmental metrics, e.g. MAV:A/CR:H")
	set.Flags().StringVar(&in.CVSS4, "cvss4", "", "CVSS 4.0 threat/environmental metrics, e.g. MAV:A/CR:H")
	set.Flags().StringVar(&in.Rationale, "rationale", "", "why: how the device is deployed")
	return group("environment", "CVSS environment of a release (environmental re-scoring)", show, set)
}

func envTable(e *vigil.CVSSEnvironment) *table {
	return keyValues("cvss2", orDash(e.CVSS2), "cvss3", orDash(e.CVSS3), "cvss4", orDash(e.CVSS4),
		"rationale", orDash(e.Rationale), "updated", formatTime(e.UpdatedAt)+" "+e.Actor)
}

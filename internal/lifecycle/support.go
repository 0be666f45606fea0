package lifecycle

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/vigil/vigil"
)

// SupportStatus is where a component stands against its end of support on
// a given day.
type SupportStatus string

const (
	// StatusEnded: the end-of-support date has passed, or the component is
	// no longer maintained (or abandoned): no more fixes will come.
	StatusEnded SupportStatus = "ended"
	// StatusEnding: support ends within the horizon.
	StatusEnding SupportStatus = "ending"
	// StatusSupported: supported beyond the horizon, or maintained with no
	// end announced.
	StatusSupported SupportStatus = "supported"
	// StatusUnknown: the SBOM says nothing usable about support.
	StatusUnknown SupportStatus = "unknown"
)

// SupportStatuses lists the statuses, worst first.
var SupportStatuses = []SupportStatus{StatusEnded, StatusEnding, StatusUnknown, StatusSupported}

// Classify says where a component with support level l and end-of-support
// date eos stands on day today, with a horizon ending on day horizon, and
// why.
func Classify(l vigil.SupportLevel, eos, today, horizon vigil.Date) (SupportStatus, string) {
	st := status(l, eos, today, horizon)
	return st, reason(st, l, eos, today)
}

// dayKey orders dates as integers, without building times.
func dayKey(d vigil.Date) int { return d.Year*10000 + int(d.Month)*100 + d.Day }

// status is Classify without the reason, for the roll-up's hot loop.
func status(l vigil.SupportLevel, eos, today, horizon vigil.Date) SupportStatus {
	set := !eos.IsZero()
	switch {
	case set && dayKey(eos) <= dayKey(today):
		return StatusEnded
	case l == vigil.SupportNone || l == vigil.SupportAbandoned:
		return StatusEnded
	case set && dayKey(eos) <= dayKey(horizon):
		return StatusEnding
	case set, l == vigil.SupportActive, l == vigil.SupportLimited:
		return StatusSupported
	}
	return StatusUnknown
}

func reason(st SupportStatus, l vigil.SupportLevel, eos, today vigil.Date) string {
	set := !eos.IsZero()
	switch st {
	case StatusEnded:
		switch {
		case set && dayKey(eos) <= dayKey(today):
			return "support ended " + eos.String()
		case set:
			return fmt.Sprintf("support level %s (although end of support is given as %s)", l, eos)
		}
		return "support level " + string(l)
	case StatusEnding:
		return fmt.Sprintf("support ends %s, in %d days", eos, days(today, eos))
	case StatusSupported:
		if set {
			return "support ends " + eos.String()
		}
		return "support level " + string(l) + ", no end announced"
	}
	if l == vigil.SupportUnknown {
		return "support level stated as unknown"
	}
	return "no support level or end-of-support date"
}

func days(from, to vigil.Date) int { return int(to.Time().Sub(from.Time()) / (24 * time.Hour)) }

// AddMonths returns d moved by n months, clamped to the end of the month
// (31 January + 1 month is 28 or 29 February).
func AddMonths(d vigil.Date, n int) vigil.Date {
	first := time.Date(d.Year, d.Month+time.Month(n), 1, 0, 0, 0, 0, time.UTC)
	last := first.AddDate(0, 1, -1).Day()
	return vigil.Date{Year: first.Year(), Month: first.Month(), Day: min(d.Day, last)}
}

// ComponentSupport is one component's place in the roll-up.
type ComponentSupport struct {
	Ref          string             `json:"ref"`
	Name         string             `json:"name"`
	Version      string             `json:"version,omitempty"`
	PURL         string             `json:"purl,omitempty"`
	SupportLevel vigil.SupportLevel `json:"support_level,omitempty"`
	EndOfSupport vigil.Date         `json:"end_of_support,omitzero"`
	Status       SupportStatus      `json:"status"`
	Reason       string             `json:"reason"`
	// EndsBeforeRelease is true when the component's support ends (or
	// ended) before the release's own end of support: the manufacturer
	// promises support it no longer gets from upstream.
	EndsBeforeRelease bool `json:"ends_before_release"`
}

// SupportRollup is the support of a release's components, summed up: how
// many are past their end of support, how many reach it within the
// horizon, how many say nothing.
type SupportRollup struct {
	Today         vigil.Date `json:"today"`
	HorizonMonths int        `json:"horizon_months"`
	HorizonEnd    vigil.Date `json:"horizon_end"`
	// ReleaseEndOfSupport is the release's own end-of-support date.
	ReleaseEndOfSupport vigil.Date `json:"release_end_of_support,omitzero"`
	Components          int        `json:"components"`
	Ended               int        `json:"ended"`
	Ending              int        `json:"ending"`
	Unknown             int        `json:"unknown"`
	Supported           int        `json:"supported"`
	// EndsBeforeRelease counts the components whose support ends before
	// the release's.
	EndsBeforeRelease int `json:"ends_before_release"`
	// ByLevel counts components per stated support level; "not_stated"
	// for none.
	ByLevel map[string]int `json:"by_level"`
	// Summary says it in a sentence.
	Summary string `json:"summary"`
	// Items lists the components that need attention (ended, ending, or
	// ending before the release) — all of them when the roll-up was made
	// with all — worst first, then by end of support and name. Components
	// without support information are counted in Unknown; vigil sbom check
	// lists them.
	Items []ComponentSupport `json:"items"`
}

// Rollup sums up the components of one release as they are added, holding
// only the ones it lists.
type Rollup struct {
	r      SupportRollup
	all    bool
	levels map[vigil.SupportLevel]int
}

// NewRollup starts a roll-up on day today with a horizon of months months
// for a release that ends support on releaseEOS (zero when unknown). With
// all, every component is listed, not only those that need attention.
func NewRollup(today vigil.Date, months int, releaseEOS vigil.Date, all bool) *Rollup {
	return &Rollup{all: all, levels: map[vigil.SupportLevel]int{}, r: SupportRollup{
		Today: today, HorizonMonths: months, HorizonEnd: AddMonths(today, months),
		ReleaseEndOfSupport: releaseEOS, ByLevel: map[string]int{}, Items: []ComponentSupport{},
	}}
}

// NotStated is the ByLevel key of components with no support level.
const NotStated = "not_stated"

// Add takes one component.
func (u *Rollup) Add(c *vigil.Component) {
	r := &u.r
	st := status(c.SupportLevel, c.EndOfSupport, r.Today, r.HorizonEnd)
	r.Components++
	switch st {
	case StatusEnded:
		r.Ended++
	case StatusEnding:
		r.Ending++
	case StatusUnknown:
		r.Unknown++
	default:
		r.Supported++
	}
	u.levels[c.SupportLevel]++
	before := false
	if !r.ReleaseEndOfSupport.IsZero() {
		switch {
		case !c.EndOfSupport.IsZero():
			before = dayKey(c.EndOfSupport) < dayKey(r.ReleaseEndOfSupport)
		case st == StatusEnded:
			before = true
		}
	}
	if before {
		r.EndsBeforeRelease++
	}
	if (st == StatusSupported || st == StatusUnknown) && !before && !u.all {
		return
	}
	r.Items = append(r.Items, ComponentSupport{
		Ref: c.Ref, Name: c.Name, Version: c.Version, PURL: c.PURL, SupportLevel: c.SupportLevel,
		EndOfSupport: c.EndOfSupport, Status: st, Reason: reason(st, c.SupportLevel, c.EndOfSupport, r.Today),
		EndsBeforeRelease: before,
	})
}

// Result returns the roll-up with its items sorted and its summary written.
func (u *Rollup) Result() *SupportRollup {
	r := u.r
	r.ByLevel = make(map[string]int, len(u.levels))
	for l, n := range u.levels {
		k := string(l)
		if k == "" {
			k = NotStated
		}
		r.ByLevel[k] = n
	}
	r.Items = slices.Clone(r.Items)
	// Refs are unique within a document, so the order is total and an
	// unstable sort is deterministic.
	slices.SortFunc(r.Items, func(a, b ComponentSupport) int {
		return cmp.Or(
			cmp.Compare(statusRank(a.Status), statusRank(b.Status)),
			compareDates(a.EndOfSupport, b.EndOfSupport),
			strings.Compare(a.Name, b.Name), strings.Compare(a.Version, b.Version), strings.Compare(a.Ref, b.Ref))
	})
	r.Summary = summary(&r)
	return &r
}

// statusRank orders statuses as SupportStatuses lists them, worst first.
func statusRank(s SupportStatus) int {
	switch s {
	case StatusEnded:
		return 0
	case StatusEnding:
		return 1
	case StatusUnknown:
		return 2
	}
	return 3
}

// compareDates orders dates, unset last.
func compareDates(a, b vigil.Date) int {
	switch {
	case a == b:
		return 0
	case a.IsZero():
		return 1
	case b.IsZero():
		return -1
	}
	return cmp.Compare(dayKey(a), dayKey(b))
}

func summary(r *SupportRollup) string {
	if r.Components == 0 {
		return "the release's SBOM lists no components"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s past %s end of support, %d more within %d months", plural(r.Ended, "component"),
		map[bool]string{true: "its", false: "their"}[r.Ended == 1], r.Ending, r.HorizonMonths)
	if r.Unknown > 0 {
		fmt.Fprintf(&b, ", %d without support information", r.Unknown)
	}
	fmt.Fprintf(&b, " (of %d)", r.Components)
	if r.EndsBeforeRelease > 0 {
		verb := " components end"
		if r.EndsBeforeRelease == 1 {
			verb = " component ends"
		}
		fmt.Fprintf(&b, "; %d%s before the release's own end of support %s", r.EndsBeforeRelease, verb, r.ReleaseEndOfSupport)
	}
	return b.String()
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

package lifecycle

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/vigil/vigil"
)

// PhaseUnknown is the horizon's phase of an asset mapped to no release (or
// to one it can no longer see): vigil cannot tell its lifecycle.
const PhaseUnknown vigil.Phase = "unknown"

// HorizonPhase is an asset's phase on the horizon: a vigil.Phase, or
// PhaseUnknown for an asset vigil cannot place. It is a type of its own so
// that the API describes its values (vigil.Phase's enum has no "unknown").
type HorizonPhase string

// HorizonAsset is one asset on the horizon: where it is in the lifecycle
// now and when, within the horizon, it reaches Limited Support or End of
// Support.
type HorizonAsset struct {
	AssetID      int64             `json:"asset_id"`
	Label        string            `json:"label"`
	Manufacturer string            `json:"manufacturer"`
	Model        string            `json:"model"`
	Location     string            `json:"location,omitempty"`
	Criticality  vigil.Criticality `json:"criticality"`
	PHI          bool              `json:"phi"`
	ReleaseID    int64             `json:"release_id,omitempty"`
	Release      string            `json:"release,omitempty"`
	Phase        HorizonPhase      `json:"phase"`
	// PhaseExplicit is true when the release's phase was set by hand and
	// does not follow its dates.
	PhaseExplicit bool `json:"phase_explicit,omitempty"`
	// LimitedSupportOn and EndOfSupportOn are the release's milestones.
	LimitedSupportOn vigil.Date `json:"limited_support_on,omitzero"`
	EndOfSupportOn   vigil.Date `json:"end_of_support_on,omitzero"`
	// Next is the next phase the asset reaches within the horizon, on
	// NextOn in quarter NextQuarter; empty when none.
	Next        vigil.Phase `json:"next_phase,omitempty"`
	NextOn      vigil.Date  `json:"next_on,omitzero"`
	NextQuarter string      `json:"next_quarter,omitempty"`
}

// Quarter is one calendar quarter of the horizon.
type Quarter struct {
	// Label is "2027-Q1".
	Label string     `json:"label"`
	Start vigil.Date `json:"start"`
	End   vigil.Date `json:"end"`
	// ReachLimitedSupport and ReachEndOfSupport are the ids of the assets
	// whose release enters that phase during the quarter (after today).
	ReachLimitedSupport []int64 `json:"reach_limited_support"`
	ReachEndOfSupport   []int64 `json:"reach_end_of_support"`
	// ByPhase counts the assets per phase at the quarter's end, for a
	// stacked chart; ByCriticality counts those past end of support then
	// per criticality.
	ByPhase                   map[vigil.Phase]int       `json:"by_phase"`
	EndOfSupportByCriticality map[vigil.Criticality]int `json:"end_of_support_by_criticality"`
}

// Horizon is a hospital's lifecycle horizon: its assets by phase now and,
// quarter by quarter, which reach Limited Support or End of Support.
type Horizon struct {
	Today  vigil.Date `json:"today"`
	Months int        `json:"months"`
	End    vigil.Date `json:"end"`
	// Assets counts the assets considered (decommissioned ones are not).
	Assets int `json:"assets"`
	// ByPhase counts assets per phase today; ByPhaseCriticality splits
	// them by clinical criticality.
	ByPhase            map[vigil.Phase]int                       `json:"by_phase"`
	ByPhaseCriticality map[vigil.Phase]map[vigil.Criticality]int `json:"by_phase_criticality"`
	Quarters           []Quarter                                 `json:"quarters"`
	Items              []HorizonAsset                            `json:"items"`
}

// quarterOf returns the calendar quarter holding d.
func quarterOf(d vigil.Date) (label string, start, end vigil.Date) {
	q := (int(d.Month) - 1) / 3
	s := time.Date(d.Year, time.Month(q*3+1), 1, 0, 0, 0, 0, time.UTC)
	e := s.AddDate(0, 3, -1)
	return fmt.Sprintf("%d-Q%d", d.Year, q+1), vigil.DateOf(s), vigil.DateOf(e)
}

// BuildHorizon lays out the horizon of months months from today for
// assets, whose mappings are looked up in releases (by release id). Assets
// that are decommissioned are left out.
func BuildHorizon(today vigil.Date, months int, assets []*vigil.Asset, releases map[int64]*vigil.Release) *Horizon {
	h := &Horizon{
		Today: today, Months: months, End: AddMonths(today, months),
		ByPhase: map[vigil.Phase]int{}, ByPhaseCriticality: map[vigil.Phase]map[vigil.Criticality]int{},
		Quarters: []Quarter{}, Items: []HorizonAsset{},
	}
	for d := today; !d.After(h.End); {
		label, start, end := quarterOf(d)
		h.Quarters = append(h.Quarters, Quarter{Label: label, Start: start, End: end,
			ReachLimitedSupport: []int64{}, ReachEndOfSupport: []int64{},
			ByPhase: map[vigil.Phase]int{}, EndOfSupportByCriticality: map[vigil.Criticality]int{}})
		d = end.AddDays(1)
	}
	for _, a := range assets {
		if !a.Status.Active() {
			continue
		}
		h.Assets++
		it := HorizonAsset{AssetID: a.ID, Label: a.Label(), Manufacturer: a.Manufacturer, Model: a.Model,
			Location: a.Location(), Criticality: a.Criticality, PHI: a.PHI}
		phase := PhaseUnknown
		r := releases[a.Mapping.ReleaseID]
		if a.Mapping.Mapped() && r != nil {
			it.ReleaseID, it.Release = r.ID, r.Product+" "+r.Version
			phase, it.PhaseExplicit = r.Refresh(today), r.PhaseExplicit
			it.LimitedSupportOn, it.EndOfSupportOn = r.EOLNoticeOn, r.EndOfSupportOn
		}
		it.Phase = HorizonPhase(phase)
		h.ByPhase[phase]++
		if h.ByPhaseCriticality[phase] == nil {
			h.ByPhaseCriticality[phase] = map[vigil.Criticality]int{}
		}
		h.ByPhaseCriticality[phase][it.Criticality]++
		for i := range h.Quarters {
			q := &h.Quarters[i]
			ph := PhaseUnknown
			if r != nil && a.Mapping.Mapped() {
				ph = r.Refresh(q.End)
			}
			q.ByPhase[ph]++
			if ph == vigil.PhaseEndOfSupport {
				q.EndOfSupportByCriticality[a.Criticality]++
			}
			if r == nil || !a.Mapping.Mapped() || r.PhaseExplicit {
				continue
			}
			for _, m := range []struct {
				on    vigil.Date
				phase vigil.Phase
				dst   *[]int64
			}{{r.EOLNoticeOn, vigil.PhaseLimitedSupport, &q.ReachLimitedSupport}, {r.EndOfSupportOn, vigil.PhaseEndOfSupport, &q.ReachEndOfSupport}} {
				if m.on.IsZero() || !m.on.After(today) || m.on.Before(q.Start) || m.on.After(q.End) || m.on.After(h.End) {
					continue
				}
				*m.dst = append(*m.dst, a.ID)
				if it.Next == "" || m.on.Before(it.NextOn) {
					it.Next, it.NextOn, it.NextQuarter = m.phase, m.on, q.Label
				}
			}
		}
		h.Items = append(h.Items, it)
	}
	// Soonest milestone first, then the most critical, then by label.
	slices.SortStableFunc(h.Items, func(x, y HorizonAsset) int {
		return cmp.Or(compareDates(x.NextOn, y.NextOn), cmp.Compare(slices.Index(vigil.Phases, vigil.Phase(y.Phase)), slices.Index(vigil.Phases, vigil.Phase(x.Phase))),
			cmp.Compare(slices.Index(vigil.Criticalities, x.Criticality), slices.Index(vigil.Criticalities, y.Criticality)),
			strings.Compare(x.Label, y.Label), cmp.Compare(x.AssetID, y.AssetID))
	})
	return h
}

// Summary says the horizon in a sentence.
func (h *Horizon) Summary() string {
	var lim, eos int
	for _, q := range h.Quarters {
		lim += len(q.ReachLimitedSupport)
		eos += len(q.ReachEndOfSupport)
	}
	return fmt.Sprintf("%d assets: %d past end of support, %d in limited support, %d supported, %d in development, %d of unknown phase; "+
		"within %d months %d more reach limited support and %d reach end of support",
		h.Assets, h.ByPhase[vigil.PhaseEndOfSupport], h.ByPhase[vigil.PhaseLimitedSupport], h.ByPhase[vigil.PhaseSupport],
		h.ByPhase[vigil.PhaseDevelopment], h.ByPhase[PhaseUnknown], h.Months, lim, eos)
}

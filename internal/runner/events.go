package runner

import (
	"context"
	"log/slog"
	"time"

	"github.com/vigil/vigil/internal/app"
)

// FleetEventsInterval is how often the fleet events pass runs: a risk
// acceptance ends on a day, and a triage decision's effect on hospitals'
// exposures is wanted within the hour.
const FleetEventsInterval = time.Hour

// FleetEvents is the job that reconsiders every hospital's fleet for the
// events feed imports do not see (assets.Service.RefreshEvents): exposures
// a manufacturer's triage decision or VEX removed or restored, new
// mappings, risk acceptances that ran out. Events are recorded once, so
// processes running it side by side record each once.
type FleetEvents struct {
	svc *app.App
	log *slog.Logger
}

// NewFleetEvents returns the fleet events job over svc, logging what each
// pass recorded to log.
func NewFleetEvents(svc *app.App, log *slog.Logger) *FleetEvents {
	return &FleetEvents{svc: svc, log: log.With("component", "jobs", "job", "fleet_events")}
}

var _ Job = (*FleetEvents)(nil)

// Name implements Job.
func (*FleetEvents) Name() string { return "fleet_events" }

// Interval implements Job.
func (*FleetEvents) Interval() time.Duration { return FleetEventsInterval }

// Run implements Job.
func (f *FleetEvents) Run(ctx context.Context) error {
	res, err := f.svc.Assets.RefreshEvents(ctx)
	for org, evs := range res {
		for _, e := range evs {
			f.log.Info("fleet event", "org", org, "asset_id", e.AssetID, "vuln_id", e.VulnID, "kind", e.Kind,
				"before", e.Before, "after", e.After, "source", e.Source)
		}
	}
	return err
}

package runner

import (
	"context"
	"log/slog"
	"time"

	"github.com/vigil/vigil/internal/service"
)

// PhaseRefreshInterval is how often the phase refresh runs: milestones are
// days, so a release moves an hour after midnight at the latest.
const PhaseRefreshInterval = time.Hour

// PhaseRefresh is the job that moves the releases of every organization
// into the phase their milestones reach (service.RefreshAllPhases) and logs
// each move. Several processes on one PostgreSQL may run it side by side:
// each move is recorded once.
type PhaseRefresh struct {
	svc *service.Service
	log *slog.Logger
}

// NewPhaseRefresh returns the phase refresh job over svc, logging each move
// to log.
func NewPhaseRefresh(svc *service.Service, log *slog.Logger) *PhaseRefresh {
	return &PhaseRefresh{svc: svc, log: log.With("component", "jobs", "job", "lifecycle_refresh")}
}

var _ Job = (*PhaseRefresh)(nil)

// Name implements Job.
func (*PhaseRefresh) Name() string { return "lifecycle_refresh" }

// Interval implements Job.
func (*PhaseRefresh) Interval() time.Duration { return PhaseRefreshInterval }

// Run implements Job. The moves of the organizations that succeeded are
// logged even when another failed.
func (p *PhaseRefresh) Run(ctx context.Context) error {
	res, err := p.svc.RefreshAllPhases(ctx)
	for _, o := range res {
		for _, m := range o.Moves {
			p.log.Info("release phase moved", "org", o.Org, "release_id", m.ReleaseID, "product", m.Product,
				"version", m.Version, "from_phase", m.From, "to_phase", m.To, "reason", m.Reason)
		}
	}
	return err
}

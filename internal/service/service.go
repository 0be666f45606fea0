// Package service holds the capability of vigil's application layer that
// has not yet moved into its own package under internal/app: the knowledge
// base (feed imports, matching, incremental rematch, bundles, syncs,
// scans). internal/app embeds it in App until it moves. After a rematch it
// has the fleet (internal/app/assets) record exposure events through
// assets.RecordExposureEvents. Adapters call its methods through the App
// and still name some of its types (feed options, match summaries).
package service

import (
	"context"
	"time"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/match"
	"github.com/vigil/vigil/internal/match/matchers"
	"github.com/vigil/vigil/internal/store"
)

// Service is the application layer over one store.
type Service struct {
	store store.Store
	// now is the service's clock, used for rules that depend on today
	// (which phase a release is in). Stores keep their own transaction
	// clock for timestamps.
	now func() time.Time
	// engine matches components against the knowledge base.
	engine *match.Engine
	// incrementalLimit overrides maxIncremental when positive.
	incrementalLimit int
}

// New returns a service over s.
func New(s store.Store) *Service {
	return &Service{store: s, now: time.Now, engine: matchers.Engine()}
}

// WithClock returns a copy of the service that reads time from now; tests
// use it to fix "today".
func (s *Service) WithClock(now func() time.Time) *Service {
	c := *s
	c.now = now
	return &c
}

// today is the calendar day in UTC; milestones are compared by day.
func (s *Service) today() vigil.Date { return vigil.DateOf(s.now().UTC()) }

// orgs lists every organization, for the jobs that run over all of them.
func (s *Service) orgs(ctx context.Context) ([]*vigil.Organization, error) {
	var orgs []*vigil.Organization
	err := s.store.View(ctx, func(tx store.Tx) error {
		var err error
		orgs, _, err = tx.FindOrgs(ctx, vigil.OrgFilter{})
		return err
	})
	return orgs, err
}

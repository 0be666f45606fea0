// Package service is vigil's one application layer. The CLI, the HTTP API,
// the web UI and background jobs all call it and nothing below it: it owns
// transactions, organization scope, validation of inputs and the rules that
// span several store calls. It holds no I/O of its own beyond the store.
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

// Store returns the service's store, for the edges that manage it as a
// whole (migrations, backups, readiness).
func (s *Service) Store() store.Store { return s.store }

// today is the calendar day in UTC; milestones are compared by day.
func (s *Service) today() vigil.Date { return vigil.DateOf(s.now().UTC()) }

// Ready reports whether the store answers and its schema is current.
func (s *Service) Ready(ctx context.Context) error { return s.store.Ping(ctx) }

// Package forms is the application part that owns manufacturer disclosure
// statements (MDS2): importing a release's form, listing, showing,
// exporting, diffing and comparing forms, evaluating them against a
// procurement profile, checking a form against the release's SBOM, and the
// network ports a release declares.
//
// From the store it needs the MDS2 rows and ports, the release a form
// belongs to and its current SBOM's components: the Tx role below.
package forms

import (
	"context"
	"time"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/app/inventory"
	"github.com/vigil/vigil/internal/app/txn"
	"github.com/vigil/vigil/internal/store"
)

// Tx is what forms need of a store transaction.
type Tx interface {
	Now() time.Time
	store.MDS2Tx
	inventory.SBOMFinder

	EachComponent(ctx context.Context, sc vigil.Scope, sbomID int64, fn func(*vigil.Component) error) error
}

// Store runs the forms' transactions.
type Store = txn.Store[Tx]

// Service is the MDS2 forms over one store.
type Service struct {
	store Store
	// now dates checks and evaluations.
	now func() time.Time
}

// New returns the forms over s, reading today from now.
func New(s Store, now func() time.Time) *Service {
	return &Service{store: s, now: now}
}

// today is the calendar day in UTC.
func (s *Service) today() vigil.Date { return vigil.DateOf(s.now().UTC()) }

// Package catalog is the application part that owns a manufacturer's
// products and releases: creating, listing and changing them, moving a
// release through its lifecycle phases by hand or as its milestones pass,
// and the phase history that records who moved it and why.
//
// From the store it needs organizations (to refresh every one's phases),
// products, releases and their phase changes: the Tx role below.
package catalog

import (
	"context"
	"time"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/app/txn"
)

// ProductReader finds products, as ResolveProduct needs.
type ProductReader interface {
	FindProductByID(ctx context.Context, sc vigil.Scope, id int64) (*vigil.Product, error)
	FindProductByName(ctx context.Context, sc vigil.Scope, name string) (*vigil.Product, error)
}

// Tx is what the catalog needs of a store transaction.
type Tx interface {
	Now() time.Time
	ProductReader

	FindOrgs(ctx context.Context, f vigil.OrgFilter) ([]*vigil.Organization, int, error)

	CreateProduct(ctx context.Context, sc vigil.Scope, in vigil.ProductInput) (*vigil.Product, error)
	FindProducts(ctx context.Context, sc vigil.Scope, f vigil.ProductFilter) ([]*vigil.Product, int, error)
	UpdateProduct(ctx context.Context, sc vigil.Scope, p *vigil.Product) error
	DeleteProduct(ctx context.Context, sc vigil.Scope, id int64) error

	CreateRelease(ctx context.Context, sc vigil.Scope, r *vigil.Release) error
	FindReleaseByID(ctx context.Context, sc vigil.Scope, id int64) (*vigil.Release, error)
	FindReleaseByVersion(ctx context.Context, sc vigil.Scope, productID int64, version string) (*vigil.Release, error)
	FindReleases(ctx context.Context, sc vigil.Scope, f vigil.ReleaseFilter) ([]*vigil.Release, int, error)
	UpdateRelease(ctx context.Context, sc vigil.Scope, r *vigil.Release) error
	DeleteRelease(ctx context.Context, sc vigil.Scope, id int64) error
	AddPhaseChange(ctx context.Context, sc vigil.Scope, c *vigil.PhaseChange) error
	FindPhaseChanges(ctx context.Context, sc vigil.Scope, releaseID int64) ([]*vigil.PhaseChange, error)
	AdvanceReleasePhase(ctx context.Context, sc vigil.Scope, id int64, from, to vigil.Phase) (bool, error)
}

// Store runs the catalog's transactions.
type Store = txn.Store[Tx]

// Service is the catalog over one store.
type Service struct {
	store Store
	// now is the clock for rules that depend on today (which phase a
	// release is in); the store keeps its own for timestamps.
	now func() time.Time
}

// New returns the catalog over s, reading today from now.
func New(s Store, now func() time.Time) *Service {
	return &Service{store: s, now: now}
}

// today is the calendar day in UTC; milestones are compared by day.
func (s *Service) today() vigil.Date { return vigil.DateOf(s.now().UTC()) }

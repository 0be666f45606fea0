// Package support is the application part that owns the end of a device's
// life: the support roll-up of a release's components, the lifecycle
// notices a manufacturer issues (end of life, end of support), the
// transfers of responsibility a hospital accepts, and, on the hospital's
// side, the sanitization and decommissioning of retired assets with their
// certificates, the lifecycle horizon of the fleet and the notices and
// transfers that touch its assets.
//
// From the store it needs the lifecycle rows (notices, transfers,
// sanitizations, decommissions), the releases they change and their
// current SBOM's components, and the assets they retire (found through
// assets.ResolveAsset): the Tx role below.
package support

import (
	"context"
	"time"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/app/assets"
	"github.com/vigil/vigil/internal/app/inventory"
	"github.com/vigil/vigil/internal/app/txn"
	"github.com/vigil/vigil/internal/store"
)

// Tx is what support needs of a store transaction.
type Tx interface {
	Now() time.Time
	store.LifecycleTx
	inventory.SBOMFinder

	FindOrgByID(ctx context.Context, id int64) (*vigil.Organization, error)
	UpdateRelease(ctx context.Context, sc vigil.Scope, r *vigil.Release) error
	AddPhaseChange(ctx context.Context, sc vigil.Scope, c *vigil.PhaseChange) error
	EachComponent(ctx context.Context, sc vigil.Scope, sbomID int64, fn func(*vigil.Component) error) error

	// The hospital's assets, for their sanitization and decommissioning.
	assets.AssetFinder
	FindAssets(ctx context.Context, sc vigil.Scope, f vigil.AssetFilter) ([]*vigil.Asset, int, error)
	UpdateAsset(ctx context.Context, sc vigil.Scope, a *vigil.Asset) error
	FindCatalogReleases(ctx context.Context, sc vigil.Scope, f vigil.CatalogFilter) ([]*vigil.CatalogRelease, error)
}

// Store runs support's transactions.
type Store = txn.Store[Tx]

// Service is support over one store.
type Service struct {
	store Store
	// now is the clock for rules that depend on today (which phase a
	// release is in, when a notice was issued).
	now func() time.Time
}

// New returns support over s, reading today from now.
func New(s Store, now func() time.Time) *Service {
	return &Service{store: s, now: now}
}

// today is the calendar day in UTC; milestones are compared by day.
func (s *Service) today() vigil.Date { return vigil.DateOf(s.now().UTC()) }

// Package store defines what vigil needs from a database, independent of
// which one: the Store and Tx interfaces, their filters, and the semantics
// every backend must keep. store/sqlite and store/postgres implement it;
// storetest checks both against the same contract.
//
// The service layer owns transactions: it calls View or Update with a
// function, and everything that function does through the Tx commits or
// rolls back together. Every method that touches organization data takes a
// vigil.Scope and refuses an invalid one with vigil.ErrForbidden; rows of
// another organization are reported as vigil.ErrNotFound, never returned.
//
// Every backend behaves alike where a caller could tell: a write returns
// what a later read returns (times in UTC, to the microsecond), constraint
// violations come back as vigil.ErrConflict or vigil.ErrInvalid, and
// listings sort text in byte order whatever the database's locale.
package store

import (
	"context"
	"time"

	"github.com/vigil/vigil"
)

// Store is an open database.
type Store interface {
	// View runs fn in a read-only transaction.
	View(ctx context.Context, fn func(Tx) error) error
	// Update runs fn in a read-write transaction; it commits when fn
	// returns nil and rolls back otherwise.
	Update(ctx context.Context, fn func(Tx) error) error
	// Migrate brings the schema up to date and reports what it applied.
	Migrate(ctx context.Context) ([]Migration, error)
	// SchemaVersion is the newest applied migration and the newest known.
	SchemaVersion(ctx context.Context) (current, latest int64, err error)
	// Ping checks that the database answers (and is migrated).
	Ping(ctx context.Context) error
	// Backup writes a consistent copy of the database to path, or returns
	// vigil.ErrInvalid where the backend leaves backups to its own tools.
	Backup(ctx context.Context, path string) error
	// Restore replaces the whole database with a backup made by Backup,
	// after checking that the file is an intact vigil database no newer
	// than this binary, then migrates it to the current schema. Backends
	// that leave restores to their own tools return vigil.ErrInvalid.
	Restore(ctx context.Context, path string) error
	// Backend names the database kind: "sqlite" or "postgres".
	Backend() string
	Close() error
}

// Migration is one schema change applied by Migrate.
type Migration struct {
	Version  int64         `json:"version"`
	Source   string        `json:"source"`
	Duration time.Duration `json:"duration"`
}

// Tx is one transaction. Its clock is read once at begin, so every row a
// transaction writes carries the same time.
type Tx interface {
	// Now is the transaction's time.
	Now() time.Time

	CreateOrg(ctx context.Context, in vigil.OrgInput) (*vigil.Organization, error)
	FindOrgByID(ctx context.Context, id int64) (*vigil.Organization, error)
	FindOrgBySlug(ctx context.Context, slug string) (*vigil.Organization, error)
	FindOrgs(ctx context.Context, f vigil.OrgFilter) ([]*vigil.Organization, int, error)

	CreateToken(ctx context.Context, sc vigil.Scope, t *vigil.APIToken, hash []byte) error
	// FindTokenByHash looks a token up by the hash of its secret. It takes
	// no scope: it is how a request's scope is found.
	FindTokenByHash(ctx context.Context, hash []byte) (*vigil.APIToken, error)
	FindTokens(ctx context.Context, sc vigil.Scope) ([]*vigil.APIToken, error)
	TouchToken(ctx context.Context, sc vigil.Scope, id int64) error
	DeleteToken(ctx context.Context, sc vigil.Scope, id int64) error

	CreateProduct(ctx context.Context, sc vigil.Scope, in vigil.ProductInput) (*vigil.Product, error)
	FindProductByID(ctx context.Context, sc vigil.Scope, id int64) (*vigil.Product, error)
	FindProductByName(ctx context.Context, sc vigil.Scope, name string) (*vigil.Product, error)
	FindProducts(ctx context.Context, sc vigil.Scope, f vigil.ProductFilter) ([]*vigil.Product, int, error)
	// UpdateProduct writes p's mutable fields (not its name) over the row
	// with p.ID.
	UpdateProduct(ctx context.Context, sc vigil.Scope, p *vigil.Product) error
	// DeleteProduct deletes a product and, with it, its releases.
	DeleteProduct(ctx context.Context, sc vigil.Scope, id int64) error

	// CreateRelease inserts r and sets its ID and timestamps.
	CreateRelease(ctx context.Context, sc vigil.Scope, r *vigil.Release) error
	FindReleaseByID(ctx context.Context, sc vigil.Scope, id int64) (*vigil.Release, error)
	FindReleaseByVersion(ctx context.Context, sc vigil.Scope, productID int64, version string) (*vigil.Release, error)
	FindReleases(ctx context.Context, sc vigil.Scope, f vigil.ReleaseFilter) ([]*vigil.Release, int, error)
	// UpdateRelease writes r's phase and milestones over the row with r.ID.
	UpdateRelease(ctx context.Context, sc vigil.Scope, r *vigil.Release) error
	DeleteRelease(ctx context.Context, sc vigil.Scope, id int64) error
	AddPhaseChange(ctx context.Context, sc vigil.Scope, c *vigil.PhaseChange) error
	FindPhaseChanges(ctx context.Context, sc vigil.Scope, releaseID int64) ([]*vigil.PhaseChange, error)

	SBOMTx
	KBTx
	FindingTx
	KBMatchTx
	AssetTx
	LifecycleTx
	VEXTx
	TriageTx
	MDS2Tx
}

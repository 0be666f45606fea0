// Package app is vigil's application layer. The CLI, the HTTP API and the
// demo call it and nothing below it: it owns transactions, organization
// scope, validation of inputs and the orchestration of domain rules over
// the store.
//
// The layer is split by capability, one package each under internal/app,
// each with its own service type over a store narrowed to the few methods
// it uses (see txn.Narrow). App gathers them behind one exported field per
// capability, so a call reads a.Catalog.CreateRelease(...), and answers
// for the database as a whole: migrations, schema version, backups,
// restores and readiness.
package app

import (
	"context"
	"time"

	"github.com/vigil/vigil/internal/app/access"
	"github.com/vigil/vigil/internal/app/assets"
	"github.com/vigil/vigil/internal/app/catalog"
	"github.com/vigil/vigil/internal/app/disclosure"
	"github.com/vigil/vigil/internal/app/forms"
	"github.com/vigil/vigil/internal/app/inventory"
	"github.com/vigil/vigil/internal/app/knowledge"
	"github.com/vigil/vigil/internal/app/support"
	"github.com/vigil/vigil/internal/app/triage"
	"github.com/vigil/vigil/internal/app/txn"
	"github.com/vigil/vigil/internal/store"
)

// App is the application over one store.
type App struct {
	// Knowledge: the knowledge base — feed imports, syncs and bundles,
	// the merged vulnerability view, matching and rematch, scans.
	Knowledge *knowledge.Service

	// Access: organizations, scopes, API tokens and shares.
	Access *access.Service
	// Catalog: products, releases and their lifecycle phases.
	Catalog *catalog.Service
	// Inventory: SBOMs and the components of releases.
	Inventory *inventory.Service
	// Forms: MDS2 manufacturer disclosure statements and release ports.
	Forms *forms.Service
	// Support: support roll-ups, lifecycle notices and transfers.
	Support *support.Service
	// Triage: decisions on findings, their risk, carry and the queue.
	Triage *triage.Service
	// Assets: the hospital fleet — assets, their mapping and advisory
	// links, exposure, remediation and events.
	Assets *assets.Service
	// Disclosure: VEX export and import, and the stored VEX documents.
	Disclosure *disclosure.Service

	store store.Store
}

// Option configures New.
type Option func(*options)

type options struct {
	now              func() time.Time
	incrementalLimit int
}

// WithClock makes the application read "today" from now; tests use it to
// fix time. The store keeps its own clock for the timestamps it writes.
func WithClock(now func() time.Time) Option {
	return func(o *options) {
		if now != nil {
			o.now = now
		}
	}
}

// WithIncrementalLimit caps how many changed records a knowledge-base
// import remembers to rematch incrementally; past it, the import rematches
// everything. Tests use a small limit to force the full rematch.
func WithIncrementalLimit(n int) Option {
	return func(o *options) { o.incrementalLimit = n }
}

// New returns the application over st.
func New(st store.Store, opts ...Option) *App {
	o := options{now: time.Now}
	for _, opt := range opts {
		opt(&o)
	}
	stager, _ := st.(store.KBStager)
	kb := knowledge.New(txn.Narrow(st, func(tx store.Tx) knowledge.Tx { return tx }), stager, o.now).WithIncrementalLimit(o.incrementalLimit)
	vuln := func(ctx context.Context, id string) ([]string, string, error) {
		v, err := kb.Vulnerability(ctx, id)
		if err != nil {
			return nil, "", err
		}
		return v.Aliases, v.Summary, nil
	}
	return &App{
		Knowledge:  kb,
		Assets:     assets.New(txn.Narrow(st, func(tx store.Tx) assets.Tx { return tx }), o.now, vuln),
		Access:     access.New(txn.Narrow(st, func(tx store.Tx) access.Tx { return tx }), o.now),
		Catalog:    catalog.New(txn.Narrow(st, func(tx store.Tx) catalog.Tx { return tx }), o.now),
		Inventory:  inventory.New(txn.Narrow(st, func(tx store.Tx) inventory.Tx { return tx })),
		Forms:      forms.New(txn.Narrow(st, func(tx store.Tx) forms.Tx { return tx }), o.now),
		Support:    support.New(txn.Narrow(st, func(tx store.Tx) support.Tx { return tx }), o.now),
		Triage:     triage.New(txn.Narrow(st, func(tx store.Tx) triage.Tx { return tx }), o.now),
		Disclosure: disclosure.New(txn.Narrow(st, func(tx store.Tx) disclosure.Tx { return tx }), o.now),
		store:      st,
	}
}

// Migration is one schema change applied by Migrate.
type Migration = store.Migration

// KBSourceStats counts one knowledge-base source's records, as the
// knowledge-base status reports them.
type KBSourceStats = store.KBSourceStats

// Ready reports whether the database answers and its schema is current.
func (a *App) Ready(ctx context.Context) error { return a.store.Ping(ctx) }

// Migrate brings the schema up to date and reports what it applied.
func (a *App) Migrate(ctx context.Context) ([]Migration, error) { return a.store.Migrate(ctx) }

// SchemaVersion is the newest applied migration and the newest this
// binary knows.
func (a *App) SchemaVersion(ctx context.Context) (current, latest int64, err error) {
	return a.store.SchemaVersion(ctx)
}

// Backup writes a consistent copy of the database to path, or returns
// vigil.ErrInvalid where the backend leaves backups to its own tools.
func (a *App) Backup(ctx context.Context, path string) error { return a.store.Backup(ctx, path) }

// Restore replaces the whole database with a backup made by Backup, then
// migrates it to the current schema.
func (a *App) Restore(ctx context.Context, path string) error { return a.store.Restore(ctx, path) }

// Backend names the database kind: "sqlite" or "postgres".
func (a *App) Backend() string { return a.store.Backend() }

// Close closes the database.
func (a *App) Close() error { return a.store.Close() }

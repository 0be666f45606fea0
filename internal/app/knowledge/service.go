// Package knowledge is the knowledge base's part of the application
// layer: feed imports (staged where the store's writers lock each other
// out), the merged vulnerability view and status, offline bundles, feed
// syncs, matching releases' components against the knowledge base,
// incremental rematch after an import and scans of SBOMs that are not
// stored. After a rematch it has the fleet (internal/app/assets) record
// exposure events through assets.RecordExposureEvents, in the same
// transaction.
package knowledge

import (
	"context"
	"time"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/app/assets"
	"github.com/vigil/vigil/internal/app/txn"
	"github.com/vigil/vigil/internal/match"
	"github.com/vigil/vigil/internal/match/matchers"
	"github.com/vigil/vigil/internal/store"
)

// Tx is what the knowledge base needs of a store transaction: its own
// records and the signals beside them, the releases' SBOMs and findings it
// matches, and the fleet's, for the exposure events a rematch records.
type Tx interface {
	assets.Tx
	store.KBWriter

	FindOrgs(ctx context.Context, f vigil.OrgFilter) ([]*vigil.Organization, int, error)
	FindReleases(ctx context.Context, sc vigil.Scope, f vigil.ReleaseFilter) ([]*vigil.Release, int, error)
	FindReleaseByID(ctx context.Context, sc vigil.Scope, id int64) (*vigil.Release, error)
	FindSBOMs(ctx context.Context, sc vigil.Scope, f vigil.SBOMFilter) ([]*vigil.SBOMDocument, error)
	EachComponent(ctx context.Context, sc vigil.Scope, sbomID int64, fn func(*vigil.Component) error) error
	FindComponentsByKeys(ctx context.Context, sc vigil.Scope, keys []vigil.IndexKey) ([]store.ComponentHit, error)
	FindFindings(ctx context.Context, sc vigil.Scope, f vigil.FindingFilter) ([]*vigil.Finding, error)
	CreateFinding(ctx context.Context, sc vigil.Scope, f *vigil.Finding) error
	UpdateFinding(ctx context.Context, sc vigil.Scope, f *vigil.Finding) error

	FindKBCandidateRows(ctx context.Context, keys []vigil.IndexKey) (*store.KBCandidates, error)
	FindKBVulnsByID(ctx context.Context, ids []int64) ([]*vigil.Vulnerability, error)
	FindAdvisoriesByID(ctx context.Context, ids []int64) ([]*vigil.Advisory, error)
	FindKEVs(ctx context.Context, cveIDs []string) (map[string]*vigil.KEVEntry, error)
	FindLatestEPSS(ctx context.Context, cveIDs []string) (map[string]*vigil.EPSSScore, error)
	EachKBDoc(ctx context.Context, kind store.KBKind, fn func(doc []byte) error) error
	EachEPSS(ctx context.Context, fn func(*vigil.EPSSScore) error) error
	KBStats(ctx context.Context) ([]store.KBSourceStats, error)
	FindFeedStates(ctx context.Context) ([]store.FeedState, error)
	SetFeedState(ctx context.Context, source vigil.Source, report, syncState []byte) error
}

// Store runs the knowledge base's transactions.
type Store = txn.Store[Tx]

// Service is the knowledge base over one store.
type Service struct {
	store Store
	// stager stages imports on a store whose writers lock each other out
	// (SQLite); nil where an import runs in one transaction.
	stager store.KBStager
	// now is the service's clock, used for rules that depend on today
	// (which phase a release is in). Stores keep their own transaction
	// clock for timestamps.
	now func() time.Time
	// engine matches components against the knowledge base.
	engine *match.Engine
	// incrementalLimit overrides maxIncremental when positive.
	incrementalLimit int
}

// New returns the knowledge base over s, staging imports through stager
// when it is not nil and reading today from now.
func New(s Store, stager store.KBStager, now func() time.Time) *Service {
	return &Service{store: s, stager: stager, now: now, engine: matchers.Engine()}
}

// today is the calendar day in UTC; milestones are compared by day.
func (s *Service) today() vigil.Date { return vigil.DateOf(s.now().UTC()) }

// orgs lists every organization, for the jobs that run over all of them.
func (s *Service) orgs(ctx context.Context) ([]*vigil.Organization, error) {
	var orgs []*vigil.Organization
	err := s.store.View(ctx, func(tx Tx) error {
		var err error
		orgs, _, err = tx.FindOrgs(ctx, vigil.OrgFilter{})
		return err
	})
	return orgs, err
}

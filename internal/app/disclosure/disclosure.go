// Package disclosure is the application part that owns what a
// manufacturer tells the world about its releases' vulnerabilities and
// what it is told: exporting a release's findings as VEX (CSAF 2.0,
// OpenVEX, CycloneDX), importing VEX documents (with their CSAF
// signatures checked where given) into triage decisions, and the stored
// VEX documents and statements.
//
// From the store it needs the VEX rows, the findings, releases and
// products the statements are about, their SBOM components, and the
// knowledge-base text that describes the vulnerabilities: the Tx role
// below. Decisions are recorded with triage.Decide inside the import's own
// transaction.
package disclosure

import (
	"context"
	"time"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/app/catalog"
	"github.com/vigil/vigil/internal/app/inventory"
	"github.com/vigil/vigil/internal/app/triage"
	"github.com/vigil/vigil/internal/app/txn"
	"github.com/vigil/vigil/internal/store"
)

// Tx is what disclosure needs of a store transaction.
type Tx interface {
	Now() time.Time
	store.VEXTx
	catalog.ProductReader
	inventory.SBOMFinder
	triage.EventWriter

	FindOrgByID(ctx context.Context, id int64) (*vigil.Organization, error)
	FindReleaseByVersion(ctx context.Context, sc vigil.Scope, productID int64, version string) (*vigil.Release, error)
	FindReleases(ctx context.Context, sc vigil.Scope, f vigil.ReleaseFilter) ([]*vigil.Release, int, error)
	FindSBOMByID(ctx context.Context, sc vigil.Scope, id int64) (*vigil.SBOMDocument, error)
	EachComponent(ctx context.Context, sc vigil.Scope, sbomID int64, fn func(*vigil.Component) error) error
	FindFindings(ctx context.Context, sc vigil.Scope, f vigil.FindingFilter) ([]*vigil.Finding, error)
	FindKBVulns(ctx context.Context, id string) ([]*vigil.Vulnerability, error)
	FindAdvisoriesByVuln(ctx context.Context, vulnID string) ([]*vigil.Advisory, error)
}

// Store runs disclosure's transactions.
type Store = txn.Store[Tx]

// Service is disclosure over one store.
type Service struct {
	store Store
	// now dates exported documents.
	now func() time.Time
}

// New returns disclosure over s, reading the time from now.
func New(s Store, now func() time.Time) *Service {
	return &Service{store: s, now: now}
}

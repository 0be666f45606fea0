// Package assets is the application part that owns a hospital's fleet:
// its devices (assets) imported from a CMMS export or created one by one,
// their mapping to the manufacturers' releases they can see, their links
// to device advisories, their exposure to vulnerabilities, and the
// remediation work items and events that follow it.
//
// From the store it needs the asset rows and what exposure reads beside
// them (visible findings, the catalogue of shared releases, triage and
// knowledge-base advisories): the Tx role below. Rules other capabilities
// run inside their own transactions are exported over narrower roles:
// ResolveAsset, RecordExposureEvents.
package assets

import (
	"context"
	"time"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/app/triage"
	"github.com/vigil/vigil/internal/app/txn"
	"github.com/vigil/vigil/internal/store"
)

// Tx is what the fleet needs of a store transaction.
type Tx interface {
	Now() time.Time
	store.AssetTx

	triage.SettingsReader

	FindOrgByID(ctx context.Context, id int64) (*vigil.Organization, error)
	FindOrgs(ctx context.Context, f vigil.OrgFilter) ([]*vigil.Organization, int, error)
	FindTriageDecisions(ctx context.Context, sc vigil.Scope, findingIDs []int64) (map[int64]*vigil.TriageDecision, error)
	FindCurrentRiskAssessments(ctx context.Context, sc vigil.Scope, findingIDs []int64) (map[int64]*vigil.RiskAssessment, error)

	// Knowledge-base reads: a vulnerability's records and signals.
	FindKBVulns(ctx context.Context, id string) ([]*vigil.Vulnerability, error)
	FindAdvisoriesByVuln(ctx context.Context, vulnID string) ([]*vigil.Advisory, error)
	FindKEV(ctx context.Context, cveID string) (*vigil.KEVEntry, error)
	FindEPSS(ctx context.Context, cveID string) ([]*vigil.EPSSScore, error)
}

// Store runs the fleet's transactions.
type Store = txn.Store[Tx]

// VulnLookup returns the other ids (aliases) and the summary of a
// vulnerability the knowledge base knows, vigil.ErrNotFound when it knows
// none. The knowledge base answers it; exposure asks it for the ids a
// vulnerability goes by.
type VulnLookup func(ctx context.Context, id string) (aliases []string, summary string, err error)

// Service is the fleet over one store.
type Service struct {
	store Store
	vuln  VulnLookup
	// now is the clock for rules that depend on today (a work item's
	// expiry, the phase of a release an asset runs).
	now func() time.Time
}

// New returns the fleet over s, reading today from now and a
// vulnerability's aliases from vuln.
func New(s Store, now func() time.Time, vuln VulnLookup) *Service {
	return &Service{store: s, now: now, vuln: vuln}
}

// today is the calendar day in UTC; milestones are compared by day.
func (s *Service) today() vigil.Date { return vigil.DateOf(s.now().UTC()) }

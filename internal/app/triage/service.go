// Package triage is the application part that owns the decisions on
// findings: their triage state and history, carrying decisions to a newer
// release, the risk of each finding (CVSS with the release's environment,
// exploitation signals, SSVC and the organization's rubric), risk
// assessments, and the queue that orders findings by it.
//
// From the store it needs the findings, their triage and risk rows, the
// releases and organizations they belong to, and the knowledge-base
// signals of their vulnerabilities: the Tx role below. Decide,
// NormalizeInput and RiskSettingsOf run inside other parts' transactions
// (a VEX import decides findings; exposure reads the risk settings).
package triage

import (
	"context"
	"time"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/app/txn"
	"github.com/vigil/vigil/internal/store"
)

// SettingsReader reads an organization's risk settings, as RiskSettingsOf
// needs.
type SettingsReader interface {
	FindRiskSettings(ctx context.Context, sc vigil.Scope) (*vigil.RiskSettings, error)
}

// Tx is what triage needs of a store transaction.
type Tx interface {
	Now() time.Time
	store.TriageTx

	FindOrgByID(ctx context.Context, id int64) (*vigil.Organization, error)
	FindReleaseByID(ctx context.Context, sc vigil.Scope, id int64) (*vigil.Release, error)
	FindReleases(ctx context.Context, sc vigil.Scope, f vigil.ReleaseFilter) ([]*vigil.Release, int, error)
	FindFindings(ctx context.Context, sc vigil.Scope, f vigil.FindingFilter) ([]*vigil.Finding, error)
	FindKBVulns(ctx context.Context, id string) ([]*vigil.Vulnerability, error)
	FindKEVs(ctx context.Context, cveIDs []string) (map[string]*vigil.KEVEntry, error)
	FindLatestEPSS(ctx context.Context, cveIDs []string) (map[string]*vigil.EPSSScore, error)
}

// Store runs triage's transactions.
type Store = txn.Store[Tx]

// Service is triage over one store.
type Service struct {
	store Store
	// now dates notification clocks (a finding's deadline to notify).
	now func() time.Time
}

// New returns triage over s, reading today from now.
func New(s Store, now func() time.Time) *Service {
	return &Service{store: s, now: now}
}

// today is the calendar day in UTC.
func (s *Service) today() vigil.Date { return vigil.DateOf(s.now().UTC()) }

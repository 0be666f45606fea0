package store

import (
	"context"

	"github.com/vigil/vigil"
)

// FindingTx stores matches and the reverse indexes that find them.
type FindingTx interface {
	// AddComponentKeys stores the reverse-index keys of a document's
	// components; existing keys are kept.
	AddComponentKeys(ctx context.Context, sc vigil.Scope, sbomID int64, keys []ComponentKey) error
	// FindComponentsByKeys returns the components of the organization's
	// current SBOMs that have any of the keys.
	FindComponentsByKeys(ctx context.Context, sc vigil.Scope, keys []vigil.IndexKey) ([]ComponentHit, error)
	CreateFinding(ctx context.Context, sc vigil.Scope, f *vigil.Finding) error
	// UpdateFinding writes a finding's match, last-seen and resolved times.
	UpdateFinding(ctx context.Context, sc vigil.Scope, f *vigil.Finding) error
	FindFindings(ctx context.Context, sc vigil.Scope, f vigil.FindingFilter) ([]*vigil.Finding, error)
}

// ComponentKey is a key of one component of a document.
type ComponentKey struct {
	Ref string
	vigil.IndexKey
}

// ComponentHit is a component found through the reverse index.
type ComponentHit struct {
	ReleaseID int64
	SBOMID    int64
	Ref       string
}

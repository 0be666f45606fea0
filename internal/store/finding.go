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
	FindComponentsByKeys(ctx context.Context, sc vigil.Scope, keys []Key) ([]ComponentHit, error)
	CreateFinding(ctx context.Context, sc vigil.Scope, f *vigil.Finding) error
	// UpdateFinding writes a finding's match, last-seen and resolved times.
	UpdateFinding(ctx context.Context, sc vigil.Scope, f *vigil.Finding) error
	FindFindings(ctx context.Context, sc vigil.Scope, f FindingFilter) ([]*vigil.Finding, error)
}

// Key is one reverse-index key. Kind is one of the Key* constants.
type Key struct {
	Kind  string
	Value string
}

// Reverse-index key kinds, shared by components and knowledge-base records.
const (
	// KeyPackage is "ecosystem-free" package identity: lower-cased purl
	// type/namespace/name, e.g. "pkg:npm/left-pad".
	KeyPackage = "purl"
	// KeyPackageName is a lower-cased package name alone, for records that
	// name packages without a purl (OSV ecosystem + name).
	KeyPackageName = "package"
	// KeyEcoPackage is "Ecosystem|name", matched against the ecosystem
	// and name of knowledge-base packages.
	KeyEcoPackage = "ecopkg"
	// KeyCPE is a lower-cased CPE "vendor:product".
	KeyCPE = "cpe"
	// KeyName is a normalised product or component name.
	KeyName = "name"
	// KeyHash is a lower-cased hex digest.
	KeyHash = "hash"
)

// ComponentKey is a key of one component of a document.
type ComponentKey struct {
	Ref string
	Key
}

// ComponentHit is a component found through the reverse index.
type ComponentHit struct {
	ReleaseID int64
	SBOMID    int64
	Ref       string
}

// FindingFilter selects findings of one organization.
type FindingFilter struct {
	// ID selects one finding.
	ID        *int64
	ReleaseID *int64
	SBOMID    *int64
	VulnID    *string
	// ComponentKey with ReleaseID finds the same component on a release.
	ComponentKey *string
	// IncludeResolved also returns findings that no longer match.
	IncludeResolved bool
}

package store

import (
	"context"

	"github.com/vigil/vigil"
)

// SBOMTx stores SBOM documents, their original bytes, components and
// dependency graph. A release has at most one current document; older ones
// are superseded, not deleted, so diffs and history keep working.
type SBOMTx interface {
	// SupersedeSBOMs marks the release's current document (if any) as
	// superseded now.
	SupersedeSBOMs(ctx context.Context, sc vigil.Scope, releaseID int64) error
	// CreateSBOM inserts doc as the release's current document and sets
	// its ID and CreatedAt. The parse fills in the rest later: see
	// FinishSBOM.
	CreateSBOM(ctx context.Context, sc vigil.Scope, doc *vigil.SBOMDocument) error
	// FinishSBOM writes what is known only after the whole document was
	// read: metadata, digest, size, counts and warnings.
	FinishSBOM(ctx context.Context, sc vigil.Scope, doc *vigil.SBOMDocument) error
	// AddSBOMContent stores one chunk of the original bytes (compressed by
	// the caller), in order of seq.
	AddSBOMContent(ctx context.Context, sc vigil.Scope, sbomID int64, seq int, chunk []byte) error
	// AddComponents stores a batch of a document's components. Their IDs
	// are not set (bulk paths such as COPY do not return them); read them
	// back with EachComponent.
	AddComponents(ctx context.Context, sc vigil.Scope, doc *vigil.SBOMDocument, comps []*vigil.Component) error
	// AddDependencies stores a batch of dependency edges; repeated edges
	// are stored once. A Dependency with no targets is kept too: it says
	// the component is known to depend on nothing, which NTIA counts.
	AddDependencies(ctx context.Context, sc vigil.Scope, sbomID int64, deps []*vigil.Dependency) error

	FindSBOMByID(ctx context.Context, sc vigil.Scope, id int64) (*vigil.SBOMDocument, error)
	// FindSBOMs lists documents, newest first.
	FindSBOMs(ctx context.Context, sc vigil.Scope, f vigil.SBOMFilter) ([]*vigil.SBOMDocument, error)
	// EachComponent calls fn for every component of a document, in ref
	// order, without holding them all.
	EachComponent(ctx context.Context, sc vigil.Scope, sbomID int64, fn func(*vigil.Component) error) error
	// EachDependency calls fn for each component's dependencies, in ref
	// order.
	EachDependency(ctx context.Context, sc vigil.Scope, sbomID int64, fn func(*vigil.Dependency) error) error
	// EachSBOMContent calls fn with the stored chunks in order.
	EachSBOMContent(ctx context.Context, sc vigil.Scope, sbomID int64, fn func(chunk []byte) error) error
	// UpdateComponentSupport sets a component's FDA support fields.
	UpdateComponentSupport(ctx context.Context, sc vigil.Scope, componentID int64, level vigil.SupportLevel, eos vigil.Date) error
	DeleteSBOM(ctx context.Context, sc vigil.Scope, id int64) error
}

// NoDependencies is the stored target of a component declared to have no
// dependencies; EachDependency turns it back into an empty DependsOn.
const NoDependencies = ""

// Package inventory is the application part that owns what a release is
// made of: importing SBOMs (CycloneDX, SPDX) into a release, with the
// reverse-index keys matching finds components by, listing, checking,
// diffing and exporting them, and the component support levels a
// manufacturer records.
//
// From the store it needs the SBOM rows, the component keys and the
// release an SBOM belongs to: the Tx role below.
package inventory

import (
	"context"
	"time"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/app/txn"
	"github.com/vigil/vigil/internal/store"
)

// Tx is what the inventory needs of a store transaction.
type Tx interface {
	Now() time.Time
	store.SBOMTx
	SBOMFinder

	AddComponentKeys(ctx context.Context, sc vigil.Scope, sbomID int64, keys []store.ComponentKey) error
}

// Store runs the inventory's transactions.
type Store = txn.Store[Tx]

// Service is the inventory over one store.
type Service struct {
	store Store
}

// New returns the inventory over s.
func New(s Store) *Service {
	return &Service{store: s}
}

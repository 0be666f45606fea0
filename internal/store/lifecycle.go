package store

import (
	"context"

	"github.com/vigil/vigil"
)

// LifecycleTx stores what the lifecycle leaves behind: the manufacturer's
// end-of-life and end-of-support notices and the records of transfer of
// responsibility at end of support. Both are records: a notice is never
// changed, a transfer only gains its acceptance, once.
type LifecycleTx interface {
	// CreateNotice inserts n and sets its ID and CreatedAt. Product and
	// Version are read back from the release.
	CreateNotice(ctx context.Context, sc vigil.Scope, n *vigil.Notice) error
	FindNoticeByID(ctx context.Context, sc vigil.Scope, id int64) (*vigil.Notice, error)
	// FindNotices lists notices, newest issue date first.
	FindNotices(ctx context.Context, sc vigil.Scope, f vigil.NoticeFilter) ([]*vigil.Notice, error)

	// CreateTransfer inserts t (with or without its acceptance) and sets
	// its ID and CreatedAt (and AcceptedAt when accepted).
	CreateTransfer(ctx context.Context, sc vigil.Scope, t *vigil.Transfer) error
	FindTransferByID(ctx context.Context, sc vigil.Scope, id int64) (*vigil.Transfer, error)
	// FindTransfers lists transfers, oldest first.
	FindTransfers(ctx context.Context, sc vigil.Scope, f vigil.TransferFilter) ([]*vigil.Transfer, error)
	// AcceptTransfer writes t's acceptance fields and sets AcceptedAt. A
	// transfer that is already accepted is not changed: ErrConflict.
	AcceptTransfer(ctx context.Context, sc vigil.Scope, t *vigil.Transfer) error

	// AdvanceReleasePhase moves a release whose phase follows its
	// milestones from one phase to another, only if its stored phase is
	// still from and it is not explicitly set; it reports whether it did.
	// Two processes refreshing at once thus record each move once.
	AdvanceReleasePhase(ctx context.Context, sc vigil.Scope, id int64, from, to vigil.Phase) (bool, error)

	// FindAssetNotices lists the notices that concern sc's assets: those
	// of releases visible to sc (its own, or shared with it by their
	// manufacturer) that at least one of sc's assets is mapped to, newest
	// issue first. The notices keep their manufacturer's OrgID.
	FindAssetNotices(ctx context.Context, sc vigil.Scope) ([]*vigil.Notice, error)
	// FindAssetTransfers lists, by the same rule, the transfers of
	// responsibility of the releases sc's assets run, oldest first.
	FindAssetTransfers(ctx context.Context, sc vigil.Scope) ([]*vigil.Transfer, error)

	// CreateSanitization inserts a sanitization record of one of sc's
	// assets and sets its ID and CreatedAt.
	CreateSanitization(ctx context.Context, sc vigil.Scope, s *vigil.Sanitization) error
	// FindSanitizations lists an asset's records, oldest first.
	FindSanitizations(ctx context.Context, sc vigil.Scope, assetID int64) ([]*vigil.Sanitization, error)
	// CreateDecommission inserts the decommissioning of one of sc's assets;
	// an asset is decommissioned once (ErrConflict after).
	CreateDecommission(ctx context.Context, sc vigil.Scope, d *vigil.Decommission) error
	// FindDecommissions lists decommissionings, newest first.
	FindDecommissions(ctx context.Context, sc vigil.Scope, f vigil.DecommissionFilter) ([]*vigil.Decommission, error)
}

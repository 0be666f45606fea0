// Package access is the application part that decides who acts for which
// organization: creating organizations, resolving a slug or an API token
// to a vigil.Scope, issuing and revoking tokens, and the shares through
// which a manufacturer lets a healthcare provider see its releases.
//
// From the store it needs organizations, tokens, shares, and enough of the
// catalog to name what a share covers: the Tx role below.
package access

import (
	"context"
	"time"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/app/catalog"
	"github.com/vigil/vigil/internal/app/txn"
)

// Tx is what access needs of a store transaction.
type Tx interface {
	Now() time.Time
	catalog.ProductReader

	CreateOrg(ctx context.Context, in vigil.OrgInput) (*vigil.Organization, error)
	FindOrgByID(ctx context.Context, id int64) (*vigil.Organization, error)
	FindOrgBySlug(ctx context.Context, slug string) (*vigil.Organization, error)
	FindOrgs(ctx context.Context, f vigil.OrgFilter) ([]*vigil.Organization, int, error)

	CreateToken(ctx context.Context, sc vigil.Scope, t *vigil.APIToken, hash []byte) error
	FindTokenByHash(ctx context.Context, hash []byte) (*vigil.APIToken, error)
	FindTokens(ctx context.Context, sc vigil.Scope) ([]*vigil.APIToken, error)
	TouchToken(ctx context.Context, sc vigil.Scope, id int64) error
	DeleteToken(ctx context.Context, sc vigil.Scope, id int64) error

	FindReleaseByVersion(ctx context.Context, sc vigil.Scope, productID int64, version string) (*vigil.Release, error)
	CreateShare(ctx context.Context, sc vigil.Scope, s *vigil.Share) error
	FindShares(ctx context.Context, sc vigil.Scope, granted bool) ([]*vigil.Share, error)
	DeleteShare(ctx context.Context, sc vigil.Scope, id int64) error
}

// Store runs access's transactions.
type Store = txn.Store[Tx]

// Service is access over one store.
type Service struct {
	store Store
	// now decides whether a token has expired.
	now func() time.Time
}

// New returns access over s, reading the time from now.
func New(s Store, now func() time.Time) *Service {
	return &Service{store: s, now: now}
}

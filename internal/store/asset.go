package store

import (
	"context"

	"github.com/vigil/vigil"
)

// AssetTx stores the hospital fleet: assets and their mappings, the
// shares that make a manufacturer's releases visible to a hospital, exposure
// events and remediation work items.
//
// Visibility across organizations exists only through a share row: a
// release (and its findings) of organization M is visible to organization H
// when M = H or a share of M to H covers it (all products, its product, or
// it). Every method below that reads another organization's rows applies
// that rule in its SQL.
type AssetTx interface {
	// CreateAsset inserts a and sets its ID and timestamps.
	CreateAsset(ctx context.Context, sc vigil.Scope, a *vigil.Asset) error
	FindAssetByID(ctx context.Context, sc vigil.Scope, id int64) (*vigil.Asset, error)
	// FindAssetByTag finds an asset by asset tag, else by serial number
	// (when tag is empty or finds none); ErrNotFound when neither does.
	FindAssetByTag(ctx context.Context, sc vigil.Scope, tag, serial string) (*vigil.Asset, error)
	FindAssets(ctx context.Context, sc vigil.Scope, f vigil.AssetFilter) ([]*vigil.Asset, int, error)
	// FindAssetsOfReleases returns the assets mapped to any of the releases,
	// in no order and without the display names of their mapping: the
	// exposure query, which reads many and sorts them by priority itself.
	FindAssetsOfReleases(ctx context.Context, sc vigil.Scope, releaseIDs []int64) ([]*vigil.Asset, error)
	// UpdateAsset writes a's inventory fields (not its mapping) over the
	// row with a.ID.
	UpdateAsset(ctx context.Context, sc vigil.Scope, a *vigil.Asset) error
	// SetAssetMapping writes an asset's mapping; a zero ReleaseID unmaps.
	// The release must be visible to sc (own or shared): ErrNotFound else.
	SetAssetMapping(ctx context.Context, sc vigil.Scope, assetID int64, m vigil.AssetMapping) error
	// DeleteAsset deletes an asset with its advisory products, events and
	// work items.
	DeleteAsset(ctx context.Context, sc vigil.Scope, id int64) error

	// ReplaceAdvisoryProducts replaces the device-advisory products that
	// name an asset.
	ReplaceAdvisoryProducts(ctx context.Context, sc vigil.Scope, assetID int64, ps []vigil.AdvisoryProduct) error
	// FindAdvisoryProducts returns the advisory products of the
	// organization's assets: of one asset (AssetID), or of the advisories
	// about any of VulnIDs (through the advisories' vulnerability index).
	FindAdvisoryProducts(ctx context.Context, sc vigil.Scope, f vigil.AdvisoryProductFilter) ([]vigil.AdvisoryProduct, error)
	// PutAdvisoryLinkDecision adds or replaces a person's decision on an
	// asset ↔ advisory-product link (one per asset, advisory, product).
	// ErrNotFound when the asset is not sc's.
	PutAdvisoryLinkDecision(ctx context.Context, sc vigil.Scope, d *vigil.AdvisoryLinkDecision) error
	// FindAdvisoryLinkDecisions lists the decisions on one asset's links
	// (assetID non-nil) or on all of sc's, by asset, advisory, product.
	FindAdvisoryLinkDecisions(ctx context.Context, sc vigil.Scope, assetID *int64) ([]*vigil.AdvisoryLinkDecision, error)
	// FindAdvisoryIDsByProductNames returns the knowledge-base advisories
	// that have a product whose normalised name or product name, model
	// number or identification key (kind "token", see ident.ProductKeys)
	// is one of names, with the product ids: the candidates for an
	// asset's model.
	FindAdvisoryIDsByProductNames(ctx context.Context, names []string) ([]AdvisoryProductHit, error)
	// FindAdvisoryByID returns a knowledge-base advisory by its id.
	FindAdvisoryByID(ctx context.Context, id int64) (*vigil.Advisory, error)

	// CreateShare inserts a share from sc's organization to another; s's
	// grantee, product and release ids say what it covers.
	CreateShare(ctx context.Context, sc vigil.Scope, s *vigil.Share) error
	// FindShares lists the shares sc's organization granted (Granted) or
	// received (not Granted).
	FindShares(ctx context.Context, sc vigil.Scope, granted bool) ([]*vigil.Share, error)
	// DeleteShare deletes a share sc's organization granted.
	DeleteShare(ctx context.Context, sc vigil.Scope, id int64) error
	// FindCatalogReleases lists the releases visible to sc: its own and
	// those shared with it, by owner, product and creation.
	FindCatalogReleases(ctx context.Context, sc vigil.Scope, f vigil.CatalogFilter) ([]*vigil.CatalogRelease, error)
	// FindVisibleFindings lists findings of releases visible to sc.
	FindVisibleFindings(ctx context.Context, sc vigil.Scope, f vigil.VisibleFindingFilter) ([]*vigil.Finding, error)

	// AddAssetEvents inserts events that are not recorded yet (by asset,
	// vulnerability and kind) and returns those it inserted, with ids.
	AddAssetEvents(ctx context.Context, sc vigil.Scope, evs []*vigil.AssetEvent) ([]*vigil.AssetEvent, error)
	// FindAssetEvents lists events, newest first.
	FindAssetEvents(ctx context.Context, sc vigil.Scope, f vigil.AssetEventFilter) ([]*vigil.AssetEvent, error)

	// FindWorkItem returns the work item of an asset and vulnerability.
	FindWorkItem(ctx context.Context, sc vigil.Scope, assetID int64, vulnID string) (*vigil.WorkItem, error)
	// PutWorkItem inserts w (ID zero) or writes its state over the row
	// with w.ID, and appends c to its history in the same transaction.
	PutWorkItem(ctx context.Context, sc vigil.Scope, w *vigil.WorkItem, c *vigil.WorkItemChange) error
	FindWorkItems(ctx context.Context, sc vigil.Scope, f vigil.WorkItemFilter) ([]*vigil.WorkItem, error)
	// FindWorkItemChanges returns a work item's history, oldest first.
	FindWorkItemChanges(ctx context.Context, sc vigil.Scope, workItemID int64) ([]*vigil.WorkItemChange, error)

	// PutManufacturerAlias adds or replaces an organization's alias.
	PutManufacturerAlias(ctx context.Context, sc vigil.Scope, a vigil.ManufacturerAlias) error
	FindManufacturerAliases(ctx context.Context, sc vigil.Scope) ([]vigil.ManufacturerAlias, error)
	DeleteManufacturerAlias(ctx context.Context, sc vigil.Scope, alias string) error
}

// AdvisoryProductHit is a knowledge-base advisory product found by name.
type AdvisoryProductHit struct {
	AdvisoryID int64
	ProductID  string
}

package sqldb

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/store"
)

// visibleRelease is the share rule for the release aliased r, as seen by
// the organization bound to its two placeholders.
const visibleRelease = `(r.org_id = ? OR EXISTS (SELECT 1 FROM shares s WHERE s.org_id = r.org_id AND s.grantee_org_id = ?
	AND (s.product_id IS NULL OR s.product_id = r.product_id) AND (s.release_id IS NULL OR s.release_id = r.id)))`

const assetColumns = `a.id, a.org_id, a.asset_tag, a.serial, a.manufacturer, a.model, a.version, a.device_type,
	a.clinical_function, a.criticality, a.phi, a.site, a.building, a.unit, a.ip, a.mac, a.vlan, a.zone,
	a.internet_exposed, a.owner, a.status, a.purchased_on, a.warranty_until, a.release_org_id, a.release_id,
	COALESCE(p.name, ''), COALESCE(r.version, ''), a.map_confidence, a.map_reason, a.mapped_by, a.mapped_at,
	a.created_at, a.updated_at`

const assetFrom = ` FROM assets a LEFT JOIN releases r ON r.id = a.release_id AND r.org_id = a.release_org_id
	LEFT JOIN products p ON p.id = r.product_id AND p.org_id = r.org_id`

func scanAsset(rows *sql.Rows, extra ...any) (*vigil.Asset, error) {
	var a vigil.Asset
	var crit, status, conf, created, updated string
	var purchased, warranty, mappedAt sql.NullString
	var relOrg, rel sql.NullInt64
	dest := []any{&a.ID, &a.OrgID, &a.AssetTag, &a.Serial, &a.Manufacturer, &a.Model, &a.Version, &a.DeviceType,
		&a.ClinicalFunction, &crit, &a.PHI, &a.Site, &a.Building, &a.Unit, &a.IP, &a.MAC, &a.VLAN, &a.Zone,
		&a.InternetExposed, &a.Owner, &status, &purchased, &warranty, &relOrg, &rel,
		&a.Mapping.Product, &a.Mapping.ReleaseVersion, &conf, &a.Mapping.Reason, &a.Mapping.MappedBy, &mappedAt,
		&created, &updated}
	if err := rows.Scan(append(dest, extra...)...); err != nil {
		return nil, fmt.Errorf("find assets: %w", err)
	}
	a.Criticality, a.Status = vigil.Criticality(crit), vigil.AssetStatus(status)
	a.Mapping.ReleaseOrgID, a.Mapping.ReleaseID = relOrg.Int64, rel.Int64
	a.Mapping.Confidence = vigil.MappingConfidence(conf)
	var err error
	if a.PurchasedOn, err = parseDate(purchased); err != nil {
		return nil, err
	}
	if a.WarrantyUntil, err = parseDate(warranty); err != nil {
		return nil, err
	}
	if a.Mapping.MappedAt, err = ParseNullTime(mappedAt); err != nil {
		return nil, err
	}
	if a.CreatedAt, err = parseTime(created); err != nil {
		return nil, err
	}
	if a.UpdatedAt, err = parseTime(updated); err != nil {
		return nil, err
	}
	return &a, nil
}

// CreateAsset inserts an asset.
func (tx *Tx) CreateAsset(ctx context.Context, sc vigil.Scope, a *vigil.Asset) error {
	if err := store.RequireScope(sc); err != nil {
		return err
	}
	a.OrgID, a.CreatedAt, a.UpdatedAt = sc.OrgID, tx.now, tx.now
	stmt, err := tx.prepared(ctx, `INSERT INTO assets (org_id, asset_tag, serial, manufacturer, model, version, device_type,
		clinical_function, criticality, phi, site, building, unit, ip, mac, vlan, zone, internet_exposed, owner, status,
		purchased_on, warranty_until, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`)
	if err != nil {
		return fmt.Errorf("create asset: %w", err)
	}
	err = stmt.QueryRowContext(ctx, sc.OrgID, a.AssetTag, a.Serial, a.Manufacturer, a.Model, a.Version, a.DeviceType,
		a.ClinicalFunction, string(a.Criticality), a.PHI, a.Site, a.Building, a.Unit, a.IP, a.MAC, a.VLAN, a.Zone,
		a.InternetExposed, a.Owner, string(a.Status), FormatDate(a.PurchasedOn), FormatDate(a.WarrantyUntil),
		FormatTime(tx.now), FormatTime(tx.now)).Scan(&a.ID)
	if err != nil {
		return fmt.Errorf("create asset %s: %w", a.Label(), mapError(err))
	}
	return nil
}

// FindAssetByID returns one of the organization's assets.
func (tx *Tx) FindAssetByID(ctx context.Context, sc vigil.Scope, id int64) (*vigil.Asset, error) {
	as, _, err := tx.FindAssets(ctx, sc, vigil.AssetFilter{IDs: []int64{id}})
	if err != nil {
		return nil, err
	}
	if len(as) == 0 {
		return nil, fmt.Errorf("asset %d: %w", id, vigil.ErrNotFound)
	}
	return as[0], nil
}

// FindAssetByTag finds an asset by tag, else serial; an active asset
// before a decommissioned one that had the tag before it.
func (tx *Tx) FindAssetByTag(ctx context.Context, sc vigil.Scope, tag, serial string) (*vigil.Asset, error) {
	if err := store.RequireScope(sc); err != nil {
		return nil, err
	}
	try := func(where, v string) (*vigil.Asset, error) {
		stmt, err := tx.prepared(ctx, `SELECT `+assetColumns+assetFrom+` WHERE a.org_id = ? AND `+where+` ORDER BY (a.status = 'decommissioned'), a.id LIMIT 1`)
		if err != nil {
			return nil, fmt.Errorf("find asset: %w", err)
		}
		rows, err := stmt.QueryContext(ctx, sc.OrgID, v)
		if err != nil {
			return nil, fmt.Errorf("find asset: %w", err)
		}
		defer rows.Close()
		if !rows.Next() {
			return nil, rows.Err()
		}
		return scanAsset(rows)
	}
	if tag != "" {
		// "<> ''" lets the partial index on (org_id, asset_tag) serve.
		if a, err := try("a.asset_tag = ? AND a.asset_tag <> ''", tag); err != nil || a != nil {
			return a, err
		}
	}
	if serial != "" {
		if a, err := try("a.serial = ? AND a.serial <> ''", serial); err != nil || a != nil {
			return a, err
		}
	}
	return nil, fmt.Errorf("asset tag %q serial %q: %w", tag, serial, vigil.ErrNotFound)
}

func int64Args(ids []int64) (string, []any) {
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	return "(?" + strings.Repeat(", ?", len(ids)-1) + ")", args
}

func stringArgs(ss []string) (string, []any) {
	args := make([]any, len(ss))
	for i, s := range ss {
		args[i] = s
	}
	return "(?" + strings.Repeat(", ?", len(ss)-1) + ")", args
}

// FindAssets lists assets.
func (tx *Tx) FindAssets(ctx context.Context, sc vigil.Scope, f vigil.AssetFilter) ([]*vigil.Asset, int, error) {
	if err := store.RequireScope(sc); err != nil {
		return nil, 0, err
	}
	where, args := "a.org_id = ?", []any{sc.OrgID}
	if f.Status != nil {
		where += " AND a.status = ?"
		args = append(args, string(*f.Status))
	}
	if f.Unmapped {
		where += " AND a.release_id IS NULL"
	}
	if f.Mapped {
		where += " AND a.release_id IS NOT NULL"
	}
	if f.IDs != nil {
		if len(f.IDs) == 0 {
			return nil, 0, nil
		}
		in, a := int64Args(f.IDs)
		where += " AND a.id IN " + in
		args = append(args, a...)
	}
	if f.ReleaseIDs != nil {
		if len(f.ReleaseIDs) == 0 {
			return nil, 0, nil
		}
		in, a := int64Args(f.ReleaseIDs)
		where += " AND a.release_id IN " + in
		args = append(args, a...)
	}
	limit, largs := tx.limitClause(f.Page)
	rows, err := tx.query(ctx, `SELECT `+assetColumns+`, COUNT(*) OVER ()`+assetFrom+` WHERE `+where+
		` ORDER BY a.asset_tag, a.serial COLLATE "C", a.id`+limit, append(args, largs...)...)
	if err != nil {
		return nil, 0, fmt.Errorf("find assets: %w", err)
	}
	defer rows.Close()
	var out []*vigil.Asset
	total := 0
	for rows.Next() {
		a, err := scanAsset(rows, &total)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, a)
	}
	return out, total, rows.Err()
}

// FindAssetsOfReleases returns the assets mapped to the releases.
func (tx *Tx) FindAssetsOfReleases(ctx context.Context, sc vigil.Scope, releaseIDs []int64) ([]*vigil.Asset, error) {
	if err := store.RequireScope(sc); err != nil {
		return nil, err
	}
	var out []*vigil.Asset
	for len(releaseIDs) > 0 {
		n := min(len(releaseIDs), idBatch)
		in, args := int64Args(releaseIDs[:n])
		releaseIDs = releaseIDs[n:]
		rows, err := tx.query(ctx, `SELECT id, asset_tag, serial, manufacturer, model, version, criticality, phi,
			site, building, unit, ip, zone, internet_exposed, status, release_org_id, release_id, map_confidence
			FROM assets WHERE org_id = ? AND release_id IN `+in, append([]any{sc.OrgID}, args...)...)
		if err != nil {
			return nil, fmt.Errorf("find assets of releases: %w", err)
		}
		for rows.Next() {
			a := &vigil.Asset{OrgID: sc.OrgID}
			var crit, status, conf string
			if err := rows.Scan(&a.ID, &a.AssetTag, &a.Serial, &a.Manufacturer, &a.Model, &a.Version, &crit, &a.PHI,
				&a.Site, &a.Building, &a.Unit, &a.IP, &a.Zone, &a.InternetExposed, &status, &a.Mapping.ReleaseOrgID,
				&a.Mapping.ReleaseID, &conf); err != nil {
				rows.Close()
				return nil, fmt.Errorf("find assets of releases: %w", err)
			}
			a.Criticality, a.Status, a.Mapping.Confidence = vigil.Criticality(crit), vigil.AssetStatus(status), vigil.MappingConfidence(conf)
			out = append(out, a)
		}
		if err := rows.Close(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// UpdateAsset writes an asset's inventory fields.
func (tx *Tx) UpdateAsset(ctx context.Context, sc vigil.Scope, a *vigil.Asset) error {
	if err := store.RequireScope(sc); err != nil {
		return err
	}
	stmt, err := tx.prepared(ctx, `UPDATE assets SET asset_tag = ?, serial = ?, manufacturer = ?, model = ?, version = ?,
		device_type = ?, clinical_function = ?, criticality = ?, phi = ?, site = ?, building = ?, unit = ?, ip = ?, mac = ?,
		vlan = ?, zone = ?, internet_exposed = ?, owner = ?, status = ?, purchased_on = ?, warranty_until = ?, updated_at = ?
		WHERE id = ? AND org_id = ?`)
	if err != nil {
		return fmt.Errorf("update asset: %w", err)
	}
	res, err := stmt.ExecContext(ctx, a.AssetTag, a.Serial, a.Manufacturer, a.Model, a.Version, a.DeviceType,
		a.ClinicalFunction, string(a.Criticality), a.PHI, a.Site, a.Building, a.Unit, a.IP, a.MAC, a.VLAN, a.Zone,
		a.InternetExposed, a.Owner, string(a.Status), FormatDate(a.PurchasedOn), FormatDate(a.WarrantyUntil),
		FormatTime(tx.now), a.ID, sc.OrgID)
	if err := mustAffect(res, err, fmt.Sprintf("update asset %d", a.ID)); err != nil {
		return err
	}
	a.OrgID, a.UpdatedAt = sc.OrgID, tx.now
	return nil
}

// SetAssetMapping writes an asset's mapping to a visible release.
func (tx *Tx) SetAssetMapping(ctx context.Context, sc vigil.Scope, assetID int64, m vigil.AssetMapping) error {
	if err := store.RequireScope(sc); err != nil {
		return err
	}
	what := fmt.Sprintf("map asset %d", assetID)
	if m.ReleaseID == 0 {
		res, err := tx.exec(ctx, `UPDATE assets SET release_org_id = NULL, release_id = NULL, map_confidence = '',
			map_reason = '', mapped_by = ?, mapped_at = ?, updated_at = ? WHERE id = ? AND org_id = ?`,
			m.MappedBy, FormatTime(tx.now), FormatTime(tx.now), assetID, sc.OrgID)
		return mustAffect(res, err, what)
	}
	var relOrg int64
	vis, err := tx.prepared(ctx, `SELECT r.org_id FROM releases r WHERE r.id = ? AND `+visibleRelease)
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	err = vis.QueryRowContext(ctx, m.ReleaseID, sc.OrgID, sc.OrgID).Scan(&relOrg)
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("%s: release %d: %w", what, m.ReleaseID, vigil.ErrNotFound)
	} else if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	set, err := tx.prepared(ctx, `UPDATE assets SET release_org_id = ?, release_id = ?, map_confidence = ?,
		map_reason = ?, mapped_by = ?, mapped_at = ?, updated_at = ? WHERE id = ? AND org_id = ?`)
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	res, err := set.ExecContext(ctx,
		relOrg, m.ReleaseID, string(m.Confidence), m.Reason, m.MappedBy, FormatTime(tx.now), FormatTime(tx.now), assetID, sc.OrgID)
	return mustAffect(res, err, what)
}

// DeleteAsset deletes an asset.
func (tx *Tx) DeleteAsset(ctx context.Context, sc vigil.Scope, id int64) error {
	if err := store.RequireScope(sc); err != nil {
		return err
	}
	res, err := tx.exec(ctx, `DELETE FROM assets WHERE id = ? AND org_id = ?`, id, sc.OrgID)
	return mustAffect(res, err, fmt.Sprintf("delete asset %d", id))
}

// ReplaceAdvisoryProducts replaces an asset's advisory products.
func (tx *Tx) ReplaceAdvisoryProducts(ctx context.Context, sc vigil.Scope, assetID int64, ps []vigil.AdvisoryProduct) error {
	if err := store.RequireScope(sc); err != nil {
		return err
	}
	var n int
	if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM assets WHERE id = ? AND org_id = ?`, assetID, sc.OrgID).Scan(&n); err != nil {
		return fmt.Errorf("advisory products of asset %d: %w", assetID, err)
	}
	if n == 0 {
		return fmt.Errorf("advisory products of asset %d: %w", assetID, vigil.ErrNotFound)
	}
	if _, err := tx.exec(ctx, `DELETE FROM asset_advisory_products WHERE asset_id = ? AND org_id = ?`, assetID, sc.OrgID); err != nil {
		return fmt.Errorf("advisory products of asset %d: %w", assetID, err)
	}
	for _, p := range ps {
		if _, err := tx.exec(ctx, `INSERT INTO asset_advisory_products (org_id, asset_id, advisory_id, product_id, name, confidence, reason, score)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
			sc.OrgID, assetID, p.AdvisoryID, p.ProductID, p.Name, string(p.Confidence), p.Reason, p.Score); err != nil {
			return fmt.Errorf("advisory products of asset %d: %w", assetID, mapError(err))
		}
	}
	return nil
}

// FindAdvisoryProducts lists advisory products of the organization's assets.
func (tx *Tx) FindAdvisoryProducts(ctx context.Context, sc vigil.Scope, f vigil.AdvisoryProductFilter) ([]vigil.AdvisoryProduct, error) {
	if err := store.RequireScope(sc); err != nil {
		return nil, err
	}
	q := `SELECT p.asset_id, p.advisory_id, k.source_id, p.product_id, p.name, p.confidence, p.reason, p.score
		FROM asset_advisory_products p JOIN kb_advisories k ON k.id = p.advisory_id WHERE p.org_id = ?`
	args := []any{sc.OrgID}
	if f.AssetID != nil {
		q += " AND p.asset_id = ?"
		args = append(args, *f.AssetID)
	}
	if f.VulnIDs != nil {
		if len(f.VulnIDs) == 0 {
			return nil, nil
		}
		in, a := stringArgs(f.VulnIDs)
		q += " AND p.advisory_id IN (SELECT advisory_id FROM kb_advisory_vulns WHERE vuln_id IN " + in + ")"
		args = append(args, a...)
	}
	stmt, err := tx.prepared(ctx, q+` ORDER BY p.asset_id, k.source_id COLLATE "C", p.product_id COLLATE "C"`)
	if err != nil {
		return nil, fmt.Errorf("find advisory products: %w", err)
	}
	rows, err := stmt.QueryContext(ctx, args...)
	if err != nil {
		return nil, fmt.Errorf("find advisory products: %w", err)
	}
	defer rows.Close()
	var out []vigil.AdvisoryProduct
	for rows.Next() {
		var p vigil.AdvisoryProduct
		var conf string
		if err := rows.Scan(&p.AssetID, &p.AdvisoryID, &p.Advisory, &p.ProductID, &p.Name, &conf, &p.Reason, &p.Score); err != nil {
			return nil, fmt.Errorf("find advisory products: %w", err)
		}
		p.Confidence = vigil.MappingConfidence(conf)
		out = append(out, p)
	}
	return out, rows.Err()
}

// FindAdvisoryIDsByProductNames finds advisory products by name.
func (tx *Tx) FindAdvisoryIDsByProductNames(ctx context.Context, names []string) ([]store.AdvisoryProductHit, error) {
	if len(names) == 0 {
		return nil, nil
	}
	in, args := stringArgs(names)
	stmt, err := tx.prepared(ctx, `SELECT DISTINCT advisory_id, product_id COLLATE "C" FROM kb_advisory_products
		WHERE kind IN ('product', 'name', 'model', 'token') AND value IN `+in+` ORDER BY 1, 2`)
	if err != nil {
		return nil, fmt.Errorf("find advisories by product: %w", err)
	}
	rows, err := stmt.QueryContext(ctx, args...)
	if err != nil {
		return nil, fmt.Errorf("find advisories by product: %w", err)
	}
	defer rows.Close()
	var out []store.AdvisoryProductHit
	for rows.Next() {
		var h store.AdvisoryProductHit
		if err := rows.Scan(&h.AdvisoryID, &h.ProductID); err != nil {
			return nil, err
		}
		out = append(out, h)
	}
	return out, rows.Err()
}

// FindAdvisoryByID returns a knowledge-base advisory.
func (tx *Tx) FindAdvisoryByID(ctx context.Context, id int64) (*vigil.Advisory, error) {
	var doc string
	err := tx.queryRow(ctx, `SELECT doc FROM kb_advisories WHERE id = ?`, id).Scan(&doc)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("advisory %d: %w", id, vigil.ErrNotFound)
	} else if err != nil {
		return nil, fmt.Errorf("advisory %d: %w", id, err)
	}
	var a vigil.Advisory
	if err := json.Unmarshal([]byte(doc), &a); err != nil {
		return nil, fmt.Errorf("stored advisory %d: %w", id, err)
	}
	return &a, nil
}

// CreateShare inserts a share.
func (tx *Tx) CreateShare(ctx context.Context, sc vigil.Scope, s *vigil.Share) error {
	if err := store.RequireScope(sc); err != nil {
		return err
	}
	s.OrgID, s.CreatedAt, s.CreatedBy = sc.OrgID, tx.now, sc.Actor
	err := tx.queryRow(ctx, `INSERT INTO shares (org_id, grantee_org_id, product_id, release_id, created_by, created_at)
		VALUES (?, ?, ?, ?, ?, ?) RETURNING id`, sc.OrgID, s.GranteeOrgID, nullID(s.ProductID), nullID(s.ReleaseID),
		s.CreatedBy, FormatTime(tx.now)).Scan(&s.ID)
	if err != nil {
		return fmt.Errorf("create share: %w", mapError(err))
	}
	return nil
}

// FindShares lists granted or received shares.
func (tx *Tx) FindShares(ctx context.Context, sc vigil.Scope, granted bool) ([]*vigil.Share, error) {
	if err := store.RequireScope(sc); err != nil {
		return nil, err
	}
	col := "s.grantee_org_id"
	if granted {
		col = "s.org_id"
	}
	rows, err := tx.query(ctx, `SELECT s.id, s.org_id, o.slug, s.grantee_org_id, g.slug, COALESCE(s.product_id, 0),
		COALESCE(p.name, ''), COALESCE(s.release_id, 0), COALESCE(r.version, ''), s.created_by, s.created_at
		FROM shares s JOIN organizations o ON o.id = s.org_id JOIN organizations g ON g.id = s.grantee_org_id
		LEFT JOIN products p ON p.id = s.product_id LEFT JOIN releases r ON r.id = s.release_id
		WHERE `+col+` = ? ORDER BY o.slug, g.slug, p.name NULLS FIRST, r.version COLLATE "C" NULLS FIRST, s.id`, sc.OrgID)
	if err != nil {
		return nil, fmt.Errorf("find shares: %w", err)
	}
	defer rows.Close()
	var out []*vigil.Share
	for rows.Next() {
		var s vigil.Share
		var at string
		if err := rows.Scan(&s.ID, &s.OrgID, &s.Owner, &s.GranteeOrgID, &s.Grantee, &s.ProductID, &s.Product,
			&s.ReleaseID, &s.ReleaseVersion, &s.CreatedBy, &at); err != nil {
			return nil, fmt.Errorf("find shares: %w", err)
		}
		if s.CreatedAt, err = parseTime(at); err != nil {
			return nil, err
		}
		out = append(out, &s)
	}
	return out, rows.Err()
}

// DeleteShare deletes a granted share.
func (tx *Tx) DeleteShare(ctx context.Context, sc vigil.Scope, id int64) error {
	if err := store.RequireScope(sc); err != nil {
		return err
	}
	res, err := tx.exec(ctx, `DELETE FROM shares WHERE id = ? AND org_id = ?`, id, sc.OrgID)
	return mustAffect(res, err, fmt.Sprintf("delete share %d", id))
}

// FindCatalogReleases lists the releases visible to the organization.
func (tx *Tx) FindCatalogReleases(ctx context.Context, sc vigil.Scope, f vigil.CatalogFilter) ([]*vigil.CatalogRelease, error) {
	if err := store.RequireScope(sc); err != nil {
		return nil, err
	}
	where, args := visibleRelease, []any{sc.OrgID, sc.OrgID}
	if f.ReleaseID != nil {
		where += " AND r.id = ?"
		args = append(args, *f.ReleaseID)
	}
	if f.ReleaseIDs != nil {
		if len(f.ReleaseIDs) == 0 {
			return nil, nil
		}
		in, a := int64Args(f.ReleaseIDs)
		where += " AND r.id IN " + in
		args = append(args, a...)
	}
	if f.ProductIDs != nil {
		if len(f.ProductIDs) == 0 {
			return nil, nil
		}
		in, a := int64Args(f.ProductIDs)
		where += " AND r.product_id IN " + in
		args = append(args, a...)
	}
	rows, err := tx.query(ctx, `SELECT r.id, r.org_id, r.product_id, p.name, r.version, r.phase, r.phase_explicit,
		r.released_on, r.eol_notice_on, r.end_of_support_on, r.created_at, r.updated_at, p.manufacturer, o.slug,
		EXISTS (SELECT 1 FROM sbom_documents d WHERE d.org_id = r.org_id AND d.release_id = r.id AND d.superseded_at IS NULL)
		FROM releases r JOIN products p ON p.id = r.product_id AND p.org_id = r.org_id JOIN organizations o ON o.id = r.org_id
		WHERE `+where+` ORDER BY o.slug, p.name, r.created_at, r.id`, args...)
	if err != nil {
		return nil, fmt.Errorf("find catalogue releases: %w", err)
	}
	defer rows.Close()
	var out []*vigil.CatalogRelease
	byProduct := map[int64][]*vigil.CatalogRelease{}
	for rows.Next() {
		var c vigil.CatalogRelease
		var phase, created, updated string
		var released, eol, eos sql.NullString
		if err := rows.Scan(&c.ID, &c.OrgID, &c.ProductID, &c.Product, &c.Version, &phase, &c.PhaseExplicit,
			&released, &eol, &eos, &created, &updated, &c.Manufacturer, &c.Owner, &c.HasSBOM); err != nil {
			return nil, fmt.Errorf("find catalogue releases: %w", err)
		}
		c.Phase, c.Shared, c.DeviceModels = vigil.Phase(phase), c.OrgID != sc.OrgID, []string{}
		if c.ReleasedOn, err = parseDate(released); err != nil {
			return nil, err
		}
		if c.EOLNoticeOn, err = parseDate(eol); err != nil {
			return nil, err
		}
		if c.EndOfSupportOn, err = parseDate(eos); err != nil {
			return nil, err
		}
		if c.CreatedAt, err = parseTime(created); err != nil {
			return nil, err
		}
		if c.UpdatedAt, err = parseTime(updated); err != nil {
			return nil, err
		}
		out = append(out, &c)
		byProduct[c.ProductID] = append(byProduct[c.ProductID], &c)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()
	if len(byProduct) == 0 {
		return out, nil
	}
	ids := make([]int64, 0, len(byProduct))
	for id := range byProduct {
		ids = append(ids, id)
	}
	for len(ids) > 0 {
		n := min(len(ids), idBatch)
		in, a := int64Args(ids[:n])
		ids = ids[n:]
		mrows, err := tx.query(ctx, `SELECT product_id, model FROM product_models WHERE product_id IN `+in+` ORDER BY product_id, position`, a...)
		if err != nil {
			return nil, fmt.Errorf("find catalogue models: %w", err)
		}
		for mrows.Next() {
			var id int64
			var model string
			if err := mrows.Scan(&id, &model); err != nil {
				mrows.Close()
				return nil, err
			}
			for _, c := range byProduct[id] {
				c.DeviceModels = append(c.DeviceModels, model)
			}
		}
		if err := mrows.Close(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// FindVisibleFindings lists findings of releases visible to the organization.
func (tx *Tx) FindVisibleFindings(ctx context.Context, sc vigil.Scope, f vigil.VisibleFindingFilter) ([]*vigil.Finding, error) {
	if err := store.RequireScope(sc); err != nil {
		return nil, err
	}
	where, args := "1 = 1", []any{}
	if f.VulnIDs != nil {
		if len(f.VulnIDs) == 0 {
			return nil, nil
		}
		in, a := stringArgs(f.VulnIDs)
		where += " AND f.vuln_id IN " + in
		args = append(args, a...)
	}
	if f.ReleaseIDs != nil {
		if len(f.ReleaseIDs) == 0 {
			return nil, nil
		}
		in, a := int64Args(f.ReleaseIDs)
		where += " AND f.release_id IN " + in
		args = append(args, a...)
	}
	if f.MappedOnly {
		where += " AND EXISTS (SELECT 1 FROM assets a WHERE a.release_id = f.release_id AND a.org_id = ?)"
		args = append(args, sc.OrgID)
	}
	if !f.IncludeResolved {
		where += " AND f.resolved_at IS NULL"
	}
	args = append(args, sc.OrgID, sc.OrgID)
	rows, err := tx.query(ctx,
		`SELECT f.id, f.org_id, f.release_id, f.sbom_id, f.component_id, f.component_ref, f.component_name, f.component_version,
			f.component_key, f.vuln_id, f.aliases, f.status, f.confidence, f.evidence, f.first_seen_at, f.last_seen_at,
			f.resolved_at, f.previous_id
		FROM findings f JOIN releases r ON r.id = f.release_id AND r.org_id = f.org_id
		WHERE `+where+` AND `+visibleRelease+` ORDER BY f.vuln_id COLLATE "C", f.release_id, f.component_name COLLATE "C", f.component_ref COLLATE "C", f.matcher COLLATE "C"`, args...)
	if err != nil {
		return nil, fmt.Errorf("find visible findings: %w", err)
	}
	defer rows.Close()
	var out []*vigil.Finding
	for rows.Next() {
		x, err := scanFinding(rows)
		if err != nil {
			return nil, fmt.Errorf("find visible findings: %w", err)
		}
		out = append(out, x)
	}
	return out, rows.Err()
}

// AddAssetEvents inserts events not recorded yet.
func (tx *Tx) AddAssetEvents(ctx context.Context, sc vigil.Scope, evs []*vigil.AssetEvent) ([]*vigil.AssetEvent, error) {
	if err := store.RequireScope(sc); err != nil {
		return nil, err
	}
	// An event with a dedupe key is a fact recorded once (the partial
	// unique index asset_events_once); one without is a transition the
	// application records only when it differs from the last one.
	stmt, err := tx.prepared(ctx, `INSERT INTO asset_events (org_id, asset_id, vuln_id, kind, via, detail, before, after, source, dedupe, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, NULLIF(?, ''), ?) ON CONFLICT DO NOTHING RETURNING id`)
	if err != nil {
		return nil, fmt.Errorf("add asset events: %w", err)
	}
	var out []*vigil.AssetEvent
	for _, e := range evs {
		if !e.Kind.Valid() {
			return nil, fmt.Errorf("add asset event %s on asset %d: unknown kind %q", e.VulnID, e.AssetID, e.Kind)
		}
		err := stmt.QueryRowContext(ctx, sc.OrgID, e.AssetID, e.VulnID, string(e.Kind), e.Via, e.Detail,
			e.Before, e.After, e.Source, e.Dedupe, FormatTime(tx.now)).Scan(&e.ID)
		if errors.Is(err, sql.ErrNoRows) {
			continue
		} else if err != nil {
			return nil, fmt.Errorf("add asset event %s on asset %d: %w", e.VulnID, e.AssetID, mapError(err))
		}
		e.OrgID, e.CreatedAt = sc.OrgID, tx.now
		out = append(out, e)
	}
	return out, nil
}

// FindAssetEvents lists events, newest first.
func (tx *Tx) FindAssetEvents(ctx context.Context, sc vigil.Scope, f vigil.AssetEventFilter) ([]*vigil.AssetEvent, error) {
	if err := store.RequireScope(sc); err != nil {
		return nil, err
	}
	where, args := "e.org_id = ?", []any{sc.OrgID}
	if f.VulnID != nil {
		where += " AND e.vuln_id = ?"
		args = append(args, *f.VulnID)
	}
	if f.AssetID != nil {
		where += " AND e.asset_id = ?"
		args = append(args, *f.AssetID)
	}
	if len(f.Kinds) > 0 {
		kinds := make([]string, len(f.Kinds))
		for i, k := range f.Kinds {
			kinds[i] = string(k)
		}
		in, a := stringArgs(kinds)
		where += " AND e.kind IN " + in
		args = append(args, a...)
	}
	limit, largs := tx.limitClause(f.Page)
	rows, err := tx.query(ctx, `SELECT e.id, e.org_id, e.asset_id, a.asset_tag, e.vuln_id, e.kind, e.via, e.detail,
		e.before, e.after, e.source, COALESCE(e.dedupe, ''), e.created_at
		FROM asset_events e JOIN assets a ON a.id = e.asset_id AND a.org_id = e.org_id
		WHERE `+where+` ORDER BY e.created_at DESC, e.id DESC`+limit, append(args, largs...)...)
	if err != nil {
		return nil, fmt.Errorf("find asset events: %w", err)
	}
	defer rows.Close()
	var out []*vigil.AssetEvent
	for rows.Next() {
		var e vigil.AssetEvent
		var kind, at string
		if err := rows.Scan(&e.ID, &e.OrgID, &e.AssetID, &e.AssetTag, &e.VulnID, &kind, &e.Via, &e.Detail,
			&e.Before, &e.After, &e.Source, &e.Dedupe, &at); err != nil {
			return nil, fmt.Errorf("find asset events: %w", err)
		}
		e.Kind = vigil.AssetEventKind(kind)
		if e.CreatedAt, err = parseTime(at); err != nil {
			return nil, err
		}
		out = append(out, &e)
	}
	return out, rows.Err()
}

const workItemColumns = `id, org_id, asset_id, vuln_id, state, detail, approver, reason, expires_on, updated_by, created_at, updated_at`

func scanWorkItem(rows *sql.Rows) (*vigil.WorkItem, error) {
	var w vigil.WorkItem
	var state, created, updated string
	var expires sql.NullString
	if err := rows.Scan(&w.ID, &w.OrgID, &w.AssetID, &w.VulnID, &state, &w.Detail, &w.Approver, &w.Reason, &expires,
		&w.UpdatedBy, &created, &updated); err != nil {
		return nil, fmt.Errorf("find work items: %w", err)
	}
	w.State = vigil.RemediationState(state)
	var err error
	if w.ExpiresOn, err = parseDate(expires); err != nil {
		return nil, err
	}
	if w.CreatedAt, err = parseTime(created); err != nil {
		return nil, err
	}
	if w.UpdatedAt, err = parseTime(updated); err != nil {
		return nil, err
	}
	return &w, nil
}

// FindWorkItem returns the work item of an asset and vulnerability.
func (tx *Tx) FindWorkItem(ctx context.Context, sc vigil.Scope, assetID int64, vulnID string) (*vigil.WorkItem, error) {
	ws, err := tx.FindWorkItems(ctx, sc, vigil.WorkItemFilter{AssetID: &assetID, VulnID: &vulnID})
	if err != nil {
		return nil, err
	}
	if len(ws) == 0 {
		return nil, fmt.Errorf("work item %s on asset %d: %w", vulnID, assetID, vigil.ErrNotFound)
	}
	return ws[0], nil
}

// PutWorkItem inserts or updates a work item and appends its change.
func (tx *Tx) PutWorkItem(ctx context.Context, sc vigil.Scope, w *vigil.WorkItem, c *vigil.WorkItemChange) error {
	if err := store.RequireScope(sc); err != nil {
		return err
	}
	w.OrgID, w.UpdatedAt, w.UpdatedBy = sc.OrgID, tx.now, sc.Actor
	if w.ID == 0 {
		w.CreatedAt = tx.now
		err := tx.queryRow(ctx, `INSERT INTO work_items (org_id, asset_id, vuln_id, state, detail, approver, reason,
			expires_on, updated_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			sc.OrgID, w.AssetID, w.VulnID, string(w.State), w.Detail, w.Approver, w.Reason, FormatDate(w.ExpiresOn),
			w.UpdatedBy, FormatTime(tx.now), FormatTime(tx.now)).Scan(&w.ID)
		if err != nil {
			return fmt.Errorf("create work item %s on asset %d: %w", w.VulnID, w.AssetID, mapError(err))
		}
	} else {
		res, err := tx.exec(ctx, `UPDATE work_items SET state = ?, detail = ?, approver = ?, reason = ?, expires_on = ?,
			updated_by = ?, updated_at = ? WHERE id = ? AND org_id = ?`,
			string(w.State), w.Detail, w.Approver, w.Reason, FormatDate(w.ExpiresOn), w.UpdatedBy, FormatTime(tx.now), w.ID, sc.OrgID)
		if err := mustAffect(res, err, fmt.Sprintf("update work item %d", w.ID)); err != nil {
			return err
		}
	}
	c.OrgID, c.WorkItemID, c.ChangedAt, c.Actor = sc.OrgID, w.ID, tx.now, sc.Actor
	err := tx.queryRow(ctx, `INSERT INTO work_item_changes (org_id, work_item_id, from_state, to_state, detail, approver,
		reason, expires_on, actor, changed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		sc.OrgID, w.ID, string(c.FromState), string(c.ToState), c.Detail, c.Approver, c.Reason, FormatDate(c.ExpiresOn),
		c.Actor, FormatTime(tx.now)).Scan(&c.ID)
	if err != nil {
		return fmt.Errorf("record work item change: %w", mapError(err))
	}
	return nil
}

// FindWorkItems lists work items by asset and vulnerability.
func (tx *Tx) FindWorkItems(ctx context.Context, sc vigil.Scope, f vigil.WorkItemFilter) ([]*vigil.WorkItem, error) {
	if err := store.RequireScope(sc); err != nil {
		return nil, err
	}
	where, args := "org_id = ?", []any{sc.OrgID}
	if f.AssetID != nil {
		where += " AND asset_id = ?"
		args = append(args, *f.AssetID)
	}
	if f.VulnID != nil {
		where += " AND vuln_id = ?"
		args = append(args, *f.VulnID)
	}
	rows, err := tx.query(ctx, `SELECT `+workItemColumns+` FROM work_items WHERE `+where+` ORDER BY asset_id, vuln_id`, args...)
	if err != nil {
		return nil, fmt.Errorf("find work items: %w", err)
	}
	defer rows.Close()
	var out []*vigil.WorkItem
	for rows.Next() {
		w, err := scanWorkItem(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, w)
	}
	return out, rows.Err()
}

// FindWorkItemChanges returns a work item's history.
func (tx *Tx) FindWorkItemChanges(ctx context.Context, sc vigil.Scope, workItemID int64) ([]*vigil.WorkItemChange, error) {
	if err := store.RequireScope(sc); err != nil {
		return nil, err
	}
	rows, err := tx.query(ctx, `SELECT id, org_id, work_item_id, from_state, to_state, detail, approver, reason,
		expires_on, actor, changed_at FROM work_item_changes WHERE org_id = ? AND work_item_id = ? ORDER BY id`, sc.OrgID, workItemID)
	if err != nil {
		return nil, fmt.Errorf("find work item history: %w", err)
	}
	defer rows.Close()
	var out []*vigil.WorkItemChange
	for rows.Next() {
		var c vigil.WorkItemChange
		var from, to, at string
		var expires sql.NullString
		if err := rows.Scan(&c.ID, &c.OrgID, &c.WorkItemID, &from, &to, &c.Detail, &c.Approver, &c.Reason, &expires,
			&c.Actor, &at); err != nil {
			return nil, fmt.Errorf("find work item history: %w", err)
		}
		c.FromState, c.ToState = vigil.RemediationState(from), vigil.RemediationState(to)
		if c.ExpiresOn, err = parseDate(expires); err != nil {
			return nil, err
		}
		if c.ChangedAt, err = parseTime(at); err != nil {
			return nil, err
		}
		out = append(out, &c)
	}
	return out, rows.Err()
}

// PutManufacturerAlias adds or replaces an alias.
func (tx *Tx) PutManufacturerAlias(ctx context.Context, sc vigil.Scope, a vigil.ManufacturerAlias) error {
	if err := store.RequireScope(sc); err != nil {
		return err
	}
	_, err := tx.exec(ctx, `INSERT INTO manufacturer_aliases (org_id, alias, canonical) VALUES (?, ?, ?)
		ON CONFLICT (org_id, alias) DO UPDATE SET canonical = excluded.canonical`, sc.OrgID, a.Alias, a.Canonical)
	if err != nil {
		return fmt.Errorf("manufacturer alias %q: %w", a.Alias, mapError(err))
	}
	return nil
}

// FindManufacturerAliases lists an organization's aliases.
func (tx *Tx) FindManufacturerAliases(ctx context.Context, sc vigil.Scope) ([]vigil.ManufacturerAlias, error) {
	if err := store.RequireScope(sc); err != nil {
		return nil, err
	}
	rows, err := tx.query(ctx, `SELECT org_id, alias, canonical FROM manufacturer_aliases WHERE org_id = ? ORDER BY alias COLLATE "C"`, sc.OrgID)
	if err != nil {
		return nil, fmt.Errorf("find manufacturer aliases: %w", err)
	}
	defer rows.Close()
	var out []vigil.ManufacturerAlias
	for rows.Next() {
		var a vigil.ManufacturerAlias
		if err := rows.Scan(&a.OrgID, &a.Alias, &a.Canonical); err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// DeleteManufacturerAlias deletes an alias.
func (tx *Tx) DeleteManufacturerAlias(ctx context.Context, sc vigil.Scope, alias string) error {
	if err := store.RequireScope(sc); err != nil {
		return err
	}
	res, err := tx.exec(ctx, `DELETE FROM manufacturer_aliases WHERE org_id = ? AND alias = ?`, sc.OrgID, alias)
	return mustAffect(res, err, fmt.Sprintf("delete manufacturer alias %q", alias))
}

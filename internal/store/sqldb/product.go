package sqldb

import (
	"context"
	"fmt"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/store"
)

// CreateProduct inserts a product and its device models.
func (tx *Tx) CreateProduct(ctx context.Context, sc vigil.Scope, in vigil.ProductInput) (*vigil.Product, error) {
	if err := store.RequireScope(sc); err != nil {
		return nil, err
	}
	p := &vigil.Product{
		OrgID: sc.OrgID, Name: in.Name, Manufacturer: in.Manufacturer, DeviceModels: in.DeviceModels,
		IntendedUse: in.IntendedUse, ClinicalFunction: in.ClinicalFunction, CreatedAt: tx.now, UpdatedAt: tx.now,
	}
	err := tx.queryRow(ctx,
		`INSERT INTO products (org_id, name, manufacturer, intended_use, clinical_function, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		p.OrgID, p.Name, p.Manufacturer, p.IntendedUse, p.ClinicalFunction, FormatTime(tx.now), FormatTime(tx.now)).Scan(&p.ID)
	if err != nil {
		return nil, fmt.Errorf("create product %q: %w", in.Name, mapError(err))
	}
	if err := tx.replaceModels(ctx, p); err != nil {
		return nil, err
	}
	return p, nil
}

// replaceModels writes p's device models in order. No models are an empty
// list, as a read returns them.
func (tx *Tx) replaceModels(ctx context.Context, p *vigil.Product) error {
	if p.DeviceModels == nil {
		p.DeviceModels = []string{}
	}
	if _, err := tx.exec(ctx, `DELETE FROM product_models WHERE product_id = ? AND org_id = ?`, p.ID, p.OrgID); err != nil {
		return fmt.Errorf("product %d models: %w", p.ID, err)
	}
	for i, m := range p.DeviceModels {
		if _, err := tx.exec(ctx,
			`INSERT INTO product_models (org_id, product_id, position, model) VALUES (?, ?, ?, ?)`,
			p.OrgID, p.ID, i, m); err != nil {
			return fmt.Errorf("product %d model %q: %w", p.ID, m, mapError(err))
		}
	}
	return nil
}

// FindProductByID returns one of the organization's products.
func (tx *Tx) FindProductByID(ctx context.Context, sc vigil.Scope, id int64) (*vigil.Product, error) {
	return tx.findOneProduct(ctx, sc, "p.id = ?", id, fmt.Sprintf("product %d", id))
}

// FindProductByName returns one of the organization's products.
func (tx *Tx) FindProductByName(ctx context.Context, sc vigil.Scope, name string) (*vigil.Product, error) {
	return tx.findOneProduct(ctx, sc, "p.name = ?", name, fmt.Sprintf("product %q", name))
}

func (tx *Tx) findOneProduct(ctx context.Context, sc vigil.Scope, where string, arg any, what string) (*vigil.Product, error) {
	if err := store.RequireScope(sc); err != nil {
		return nil, err
	}
	ps, _, err := tx.findProducts(ctx, sc, where, []any{arg}, vigil.Page{})
	if err != nil {
		return nil, err
	}
	if len(ps) == 0 {
		return nil, fmt.Errorf("%s: %w", what, vigil.ErrNotFound)
	}
	return ps[0], nil
}

// FindProducts lists the organization's products by name.
func (tx *Tx) FindProducts(ctx context.Context, sc vigil.Scope, f vigil.ProductFilter) ([]*vigil.Product, int, error) {
	if err := store.RequireScope(sc); err != nil {
		return nil, 0, err
	}
	where, args := "1 = 1", []any{}
	if f.Name != nil {
		where += " AND p.name = ?"
		args = append(args, *f.Name)
	}
	if f.Manufacturer != nil {
		where += " AND p.manufacturer = ?"
		args = append(args, *f.Manufacturer)
	}
	return tx.findProducts(ctx, sc, where, args, f.Page)
}

func (tx *Tx) findProducts(ctx context.Context, sc vigil.Scope, where string, args []any, p vigil.Page) ([]*vigil.Product, int, error) {
	limit, largs := tx.limitClause(p)
	args = append([]any{sc.OrgID}, args...)
	rows, err := tx.query(ctx,
		`SELECT p.id, p.org_id, p.name, p.manufacturer, p.intended_use, p.clinical_function,
			p.created_at, p.updated_at, COUNT(*) OVER ()
		FROM products p WHERE p.org_id = ? AND `+where+` ORDER BY p.name`+limit, append(args, largs...)...)
	if err != nil {
		return nil, 0, fmt.Errorf("find products: %w", err)
	}
	defer rows.Close()
	var out []*vigil.Product
	byID := map[int64]*vigil.Product{}
	total := 0
	for rows.Next() {
		var p vigil.Product
		var created, updated string
		if err := rows.Scan(&p.ID, &p.OrgID, &p.Name, &p.Manufacturer, &p.IntendedUse, &p.ClinicalFunction,
			&created, &updated, &total); err != nil {
			return nil, 0, fmt.Errorf("find products: %w", err)
		}
		if p.CreatedAt, err = parseTime(created); err != nil {
			return nil, 0, err
		}
		if p.UpdatedAt, err = parseTime(updated); err != nil {
			return nil, 0, err
		}
		p.DeviceModels = []string{}
		out = append(out, &p)
		byID[p.ID] = &p
	}
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("find products: %w", err)
	}
	rows.Close()
	if len(out) == 0 {
		return out, total, nil
	}
	// One query for the models of the whole page, not one per product.
	mrows, err := tx.query(ctx,
		`SELECT m.product_id, m.model FROM product_models m
		JOIN products p ON p.id = m.product_id AND p.org_id = m.org_id
		WHERE m.org_id = ? AND `+where+` ORDER BY m.product_id, m.position`, args...)
	if err != nil {
		return nil, 0, fmt.Errorf("find product models: %w", err)
	}
	defer mrows.Close()
	for mrows.Next() {
		var id int64
		var model string
		if err := mrows.Scan(&id, &model); err != nil {
			return nil, 0, fmt.Errorf("find product models: %w", err)
		}
		if p := byID[id]; p != nil {
			p.DeviceModels = append(p.DeviceModels, model)
		}
	}
	return out, total, mrows.Err()
}

// UpdateProduct writes p's mutable fields.
func (tx *Tx) UpdateProduct(ctx context.Context, sc vigil.Scope, p *vigil.Product) error {
	if err := store.RequireScope(sc); err != nil {
		return err
	}
	res, err := tx.exec(ctx,
		`UPDATE products SET manufacturer = ?, intended_use = ?, clinical_function = ?, updated_at = ?
		WHERE id = ? AND org_id = ?`,
		p.Manufacturer, p.IntendedUse, p.ClinicalFunction, FormatTime(tx.now), p.ID, sc.OrgID)
	if err := mustAffect(res, err, fmt.Sprintf("update product %d", p.ID)); err != nil {
		return err
	}
	p.OrgID, p.UpdatedAt = sc.OrgID, tx.now
	return tx.replaceModels(ctx, p)
}

// DeleteProduct deletes a product with its releases.
func (tx *Tx) DeleteProduct(ctx context.Context, sc vigil.Scope, id int64) error {
	if err := store.RequireScope(sc); err != nil {
		return err
	}
	res, err := tx.exec(ctx, `DELETE FROM products WHERE id = ? AND org_id = ?`, id, sc.OrgID)
	return mustAffect(res, err, fmt.Sprintf("delete product %d", id))
}

package postgres

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
		IntendedUse: in.IntendedUse, ClinicalFunction: in.ClinicalFunction, CreatedAt: tx.Now(), UpdatedAt: tx.Now(),
	}
	err := tx.tx.QueryRow(ctx,
		`INSERT INTO products (org_id, name, manufacturer, intended_use, clinical_function, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
		p.OrgID, p.Name, p.Manufacturer, p.IntendedUse, p.ClinicalFunction, tx.Now(), tx.Now()).Scan(&p.ID)
	if err != nil {
		return nil, fmt.Errorf("create product %q: %w", in.Name, mapError(err))
	}
	if err := tx.replaceModels(ctx, p); err != nil {
		return nil, err
	}
	return p, nil
}

// replaceModels writes p's device models in order, in one statement. No
// models are an empty list, as a read returns them.
func (tx *Tx) replaceModels(ctx context.Context, p *vigil.Product) error {
	if p.DeviceModels == nil {
		p.DeviceModels = []string{}
	}
	if _, err := tx.tx.Exec(ctx, `DELETE FROM product_models WHERE product_id = $1 AND org_id = $2`, p.ID, p.OrgID); err != nil {
		return fmt.Errorf("product %d models: %w", p.ID, mapError(err))
	}
	if len(p.DeviceModels) == 0 {
		return nil
	}
	_, err := tx.tx.Exec(ctx,
		`INSERT INTO product_models (org_id, product_id, position, model)
		SELECT $1, $2, m.ordinality - 1, m.model FROM unnest($3::text[]) WITH ORDINALITY AS m (model, ordinality)`,
		p.OrgID, p.ID, p.DeviceModels)
	if err != nil {
		return fmt.Errorf("product %d models %q: %w", p.ID, p.DeviceModels, mapError(err))
	}
	return nil
}

// FindProductByID returns one of the organization's products.
func (tx *Tx) FindProductByID(ctx context.Context, sc vigil.Scope, id int64) (*vigil.Product, error) {
	return tx.findOneProduct(ctx, sc, "p.id = $2", id, fmt.Sprintf("product %d", id))
}

// FindProductByName returns one of the organization's products.
func (tx *Tx) FindProductByName(ctx context.Context, sc vigil.Scope, name string) (*vigil.Product, error) {
	return tx.findOneProduct(ctx, sc, "p.name = $2", name, fmt.Sprintf("product %q", name))
}

// findOneProduct finds the product matching cond, whose placeholder is $2
// ($1 is the organization).
func (tx *Tx) findOneProduct(ctx context.Context, sc vigil.Scope, cond string, arg any, what string) (*vigil.Product, error) {
	if err := store.RequireScope(sc); err != nil {
		return nil, err
	}
	ps, _, err := tx.findProducts(ctx, "p.org_id = $1 AND "+cond, []any{sc.OrgID, arg}, vigil.Page{})
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
	where, args := "p.org_id = $1", []any{sc.OrgID}
	if f.Name != nil {
		args = append(args, *f.Name)
		where += fmt.Sprintf(" AND p.name = $%d", len(args))
	}
	if f.Manufacturer != nil {
		args = append(args, *f.Manufacturer)
		where += fmt.Sprintf(" AND p.manufacturer = $%d", len(args))
	}
	return tx.findProducts(ctx, where, args, f.Page)
}

// findProducts lists the products matching where, whose placeholders number
// args; where must hold the organization condition. Each product's models
// come in the same query, as an array in position order.
func (tx *Tx) findProducts(ctx context.Context, where string, args []any, p vigil.Page) ([]*vigil.Product, int, error) {
	limit, args := limitClause(p, args)
	rows, err := tx.tx.Query(ctx,
		`SELECT p.id, p.org_id, p.name, p.manufacturer, p.intended_use, p.clinical_function,
			p.created_at, p.updated_at,
			ARRAY(SELECT m.model FROM product_models m
				WHERE m.org_id = p.org_id AND m.product_id = p.id ORDER BY m.position),
			COUNT(*) OVER ()
		FROM products p WHERE `+where+` ORDER BY p.name`+limit, args...)
	if err != nil {
		return nil, 0, fmt.Errorf("find products: %w", mapError(err))
	}
	defer rows.Close()
	var out []*vigil.Product
	total := 0
	for rows.Next() {
		var p vigil.Product
		if err := rows.Scan(&p.ID, &p.OrgID, &p.Name, &p.Manufacturer, &p.IntendedUse, &p.ClinicalFunction,
			&p.CreatedAt, &p.UpdatedAt, &p.DeviceModels, &total); err != nil {
			return nil, 0, fmt.Errorf("find products: %w", err)
		}
		if p.DeviceModels == nil {
			p.DeviceModels = []string{}
		}
		out = append(out, &p)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("find products: %w", mapError(err))
	}
	return out, total, nil
}

// UpdateProduct writes p's mutable fields.
func (tx *Tx) UpdateProduct(ctx context.Context, sc vigil.Scope, p *vigil.Product) error {
	if err := store.RequireScope(sc); err != nil {
		return err
	}
	tag, err := tx.tx.Exec(ctx,
		`UPDATE products SET manufacturer = $1, intended_use = $2, clinical_function = $3, updated_at = $4
		WHERE id = $5 AND org_id = $6`,
		p.Manufacturer, p.IntendedUse, p.ClinicalFunction, tx.Now(), p.ID, sc.OrgID)
	if err := mustAffect(tag, err, fmt.Sprintf("update product %d", p.ID)); err != nil {
		return err
	}
	p.OrgID, p.UpdatedAt = sc.OrgID, tx.Now()
	return tx.replaceModels(ctx, p)
}

// DeleteProduct deletes a product with its releases.
func (tx *Tx) DeleteProduct(ctx context.Context, sc vigil.Scope, id int64) error {
	if err := store.RequireScope(sc); err != nil {
		return err
	}
	tag, err := tx.tx.Exec(ctx, `DELETE FROM products WHERE id = $1 AND org_id = $2`, id, sc.OrgID)
	return mustAffect(tag, err, fmt.Sprintf("delete product %d", id))
}

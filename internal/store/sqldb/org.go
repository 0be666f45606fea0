package sqldb

import (
	"context"
	"fmt"

	"github.com/vigil/vigil"
)

// CreateOrg inserts an organization.
func (tx *Tx) CreateOrg(ctx context.Context, in vigil.OrgInput) (*vigil.Organization, error) {
	o := &vigil.Organization{Slug: in.Slug, Name: in.Name, Kind: in.Kind, CreatedAt: tx.now}
	err := tx.queryRow(ctx,
		`INSERT INTO organizations (slug, name, kind, created_at) VALUES (?, ?, ?, ?) RETURNING id`,
		o.Slug, o.Name, string(o.Kind), FormatTime(o.CreatedAt)).Scan(&o.ID)
	if err != nil {
		return nil, fmt.Errorf("create organization %q: %w", in.Slug, mapError(err))
	}
	return o, nil
}

// FindOrgByID returns one organization.
func (tx *Tx) FindOrgByID(ctx context.Context, id int64) (*vigil.Organization, error) {
	orgs, _, err := tx.findOrgs(ctx, "id = ?", []any{id}, vigil.Page{})
	if err != nil {
		return nil, err
	}
	if len(orgs) == 0 {
		return nil, fmt.Errorf("organization %d: %w", id, vigil.ErrNotFound)
	}
	return orgs[0], nil
}

// FindOrgBySlug returns one organization.
func (tx *Tx) FindOrgBySlug(ctx context.Context, slug string) (*vigil.Organization, error) {
	orgs, _, err := tx.findOrgs(ctx, "slug = ?", []any{slug}, vigil.Page{})
	if err != nil {
		return nil, err
	}
	if len(orgs) == 0 {
		return nil, fmt.Errorf("organization %q: %w", slug, vigil.ErrNotFound)
	}
	return orgs[0], nil
}

// FindOrgs lists organizations by slug.
func (tx *Tx) FindOrgs(ctx context.Context, f vigil.OrgFilter) ([]*vigil.Organization, int, error) {
	where, args := "1 = 1", []any{}
	if f.Kind != nil {
		where += " AND kind = ?"
		args = append(args, string(*f.Kind))
	}
	return tx.findOrgs(ctx, where, args, f.Page)
}

func (tx *Tx) findOrgs(ctx context.Context, where string, args []any, p vigil.Page) ([]*vigil.Organization, int, error) {
	limit, largs := tx.limitClause(p)
	rows, err := tx.query(ctx,
		`SELECT id, slug, name, kind, created_at, COUNT(*) OVER ()
		FROM organizations WHERE `+where+` ORDER BY slug`+limit, append(args, largs...)...)
	if err != nil {
		return nil, 0, fmt.Errorf("find organizations: %w", err)
	}
	defer rows.Close()
	var out []*vigil.Organization
	total := 0
	for rows.Next() {
		var o vigil.Organization
		var kind, created string
		if err := rows.Scan(&o.ID, &o.Slug, &o.Name, &kind, &created, &total); err != nil {
			return nil, 0, fmt.Errorf("find organizations: %w", err)
		}
		o.Kind = vigil.OrgKind(kind)
		if o.CreatedAt, err = parseTime(created); err != nil {
			return nil, 0, err
		}
		out = append(out, &o)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("find organizations: %w", err)
	}
	return out, total, nil
}

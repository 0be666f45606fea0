package sqldb

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/store"
)

// SupersedeSBOMs retires the release's current document.
func (tx *Tx) SupersedeSBOMs(ctx context.Context, sc vigil.Scope, releaseID int64) error {
	if err := store.RequireScope(sc); err != nil {
		return err
	}
	_, err := tx.exec(ctx,
		`UPDATE sbom_documents SET superseded_at = ? WHERE org_id = ? AND release_id = ? AND superseded_at IS NULL`,
		FormatTime(tx.now), sc.OrgID, releaseID)
	if err != nil {
		return fmt.Errorf("supersede SBOMs of release %d: %w", releaseID, mapError(err))
	}
	return nil
}

// CreateSBOM inserts a document row.
func (tx *Tx) CreateSBOM(ctx context.Context, sc vigil.Scope, doc *vigil.SBOMDocument) error {
	if err := store.RequireScope(sc); err != nil {
		return err
	}
	doc.OrgID, doc.CreatedAt = sc.OrgID, tx.now
	err := tx.queryRow(ctx,
		`INSERT INTO sbom_documents (org_id, release_id, format, spec_version, encoding, sha256, size, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		sc.OrgID, doc.ReleaseID, string(doc.Format), doc.SpecVersion, string(doc.Encoding), doc.SHA256, doc.Size,
		FormatTime(tx.now)).Scan(&doc.ID)
	if err != nil {
		return fmt.Errorf("create SBOM of release %d: %w", doc.ReleaseID, mapError(err))
	}
	return nil
}

// FinishSBOM writes the document's metadata.
func (tx *Tx) FinishSBOM(ctx context.Context, sc vigil.Scope, doc *vigil.SBOMDocument) error {
	if err := store.RequireScope(sc); err != nil {
		return err
	}
	res, err := tx.exec(ctx,
		`UPDATE sbom_documents SET format = ?, spec_version = ?, encoding = ?, serial_number = ?, bom_version = ?,
			name = ?, supplier = ?, document_time = ?, data_license = ?, authors = ?, tools = ?, describes = ?,
			warnings = ?, warnings_dropped = ?, sha256 = ?, size = ?, component_count = ?, dependency_count = ?
		WHERE id = ? AND org_id = ?`,
		string(doc.Format), doc.SpecVersion, string(doc.Encoding), doc.SerialNumber, doc.Version,
		doc.Name, doc.Supplier, FormatNullTime(doc.Timestamp), doc.DataLicense, store.JSONArray(doc.Authors), store.JSONArray(doc.Tools),
		store.JSONArray(doc.Describes), store.JSONArray(doc.Warnings), doc.WarningsDropped, doc.SHA256, doc.Size,
		doc.Components, doc.Dependencies, doc.ID, sc.OrgID)
	return mustAffect(res, err, fmt.Sprintf("finish SBOM %d", doc.ID))
}

// AddSBOMContent stores one chunk of the original bytes.
func (tx *Tx) AddSBOMContent(ctx context.Context, sc vigil.Scope, sbomID int64, seq int, chunk []byte) error {
	if err := store.RequireScope(sc); err != nil {
		return err
	}
	if _, err := tx.exec(ctx, `INSERT INTO sbom_content (org_id, sbom_id, seq, chunk) VALUES (?, ?, ?, ?)`,
		sc.OrgID, sbomID, seq, chunk); err != nil {
		return fmt.Errorf("store SBOM %d content: %w", sbomID, mapError(err))
	}
	return nil
}

var componentColumns = []string{"org_id", "release_id", "sbom_id", "ref", "parent_ref", "type", "grp", "name",
	"version", "supplier", "manufacturer", "author", "publisher", "purl", "swid_tag_id", "copyright", "description",
	"scope", "download_location", "support_level", "end_of_support", "cpes", "hashes", "licenses", "external_refs",
	"properties"}

// AddComponents inserts components in bulk (COPY on PostgreSQL, multi-row
// statements on SQLite).
func (tx *Tx) AddComponents(ctx context.Context, sc vigil.Scope, doc *vigil.SBOMDocument, comps []*vigil.Component) error {
	if err := store.RequireScope(sc); err != nil {
		return err
	}
	rows := make([][]any, len(comps))
	for i, c := range comps {
		c.OrgID, c.ReleaseID, c.SBOMID = sc.OrgID, doc.ReleaseID, doc.ID
		rows[i] = []any{sc.OrgID, c.ReleaseID, c.SBOMID, c.Ref, c.ParentRef, string(c.Type), c.Group, c.Name,
			c.Version, c.Supplier, c.Manufacturer, c.Author, c.Publisher, c.PURL, c.SWIDTagID, c.Copyright,
			c.Description, string(c.Scope), c.DownloadLocation, string(c.SupportLevel), c.EndOfSupport,
			store.JSONArray(c.CPEs), store.JSONArray(c.Hashes), store.JSONArray(c.Licenses), store.JSONArray(c.ExternalRefs), store.JSONArray(c.Properties)}
	}
	if err := tx.insertRows(ctx, "components", componentColumns, rows, ""); err != nil {
		return fmt.Errorf("store components of SBOM %d: %w", doc.ID, err)
	}
	return nil
}

// AddDependencies stores dependency edges in multi-row statements.
func (tx *Tx) AddDependencies(ctx context.Context, sc vigil.Scope, sbomID int64, deps []*vigil.Dependency) error {
	if err := store.RequireScope(sc); err != nil {
		return err
	}
	var rows [][]any
	for _, d := range deps {
		for _, on := range dependencyTargets(d) {
			rows = append(rows, []any{sc.OrgID, sbomID, d.Ref, on})
		}
	}
	if err := tx.insertRows(ctx, "component_dependencies", []string{"org_id", "sbom_id", "ref", "depends_on"}, rows,
		"ON CONFLICT DO NOTHING"); err != nil {
		return fmt.Errorf("store dependencies of SBOM %d: %w", sbomID, err)
	}
	return nil
}

const sbomColumns = `id, org_id, release_id, format, spec_version, encoding, serial_number, bom_version, name, supplier,
	document_time, data_license, authors, tools, describes, warnings, warnings_dropped, sha256, size,
	component_count, dependency_count, created_at, superseded_at`

func scanSBOM(s scanner) (*vigil.SBOMDocument, error) {
	var d vigil.SBOMDocument
	var format, encoding, created, authors, tools, describes, warnings string
	var docTime, superseded sql.NullString
	if err := s.Scan(&d.ID, &d.OrgID, &d.ReleaseID, &format, &d.SpecVersion, &encoding, &d.SerialNumber, &d.Version,
		&d.Name, &d.Supplier, &docTime, &d.DataLicense, &authors, &tools, &describes, &warnings, &d.WarningsDropped,
		&d.SHA256, &d.Size, &d.Components, &d.Dependencies, &created, &superseded); err != nil {
		return nil, err
	}
	d.Format, d.Encoding = vigil.SBOMFormat(format), vigil.SBOMEncoding(encoding)
	var err error
	if d.Timestamp, err = ParseNullTime(docTime); err != nil {
		return nil, err
	}
	if d.CreatedAt, err = parseTime(created); err != nil {
		return nil, err
	}
	if d.SupersededAt, err = ParseNullTime(superseded); err != nil {
		return nil, err
	}
	for _, f := range []struct {
		raw string
		dst *[]string
	}{{authors, &d.Authors}, {tools, &d.Tools}, {describes, &d.Describes}, {warnings, &d.Warnings}} {
		if err := store.UnmarshalArray([]byte(f.raw), f.dst); err != nil {
			return nil, err
		}
	}
	return &d, nil
}

// FindSBOMByID returns one document.
func (tx *Tx) FindSBOMByID(ctx context.Context, sc vigil.Scope, id int64) (*vigil.SBOMDocument, error) {
	if err := store.RequireScope(sc); err != nil {
		return nil, err
	}
	d, err := scanSBOM(tx.queryRow(ctx, `SELECT `+sbomColumns+` FROM sbom_documents WHERE id = ? AND org_id = ?`, id, sc.OrgID))
	if err != nil {
		return nil, notFoundIfNoRows(err, fmt.Sprintf("SBOM %d", id))
	}
	return d, nil
}

// FindSBOMs lists documents, newest first.
func (tx *Tx) FindSBOMs(ctx context.Context, sc vigil.Scope, f vigil.SBOMFilter) ([]*vigil.SBOMDocument, error) {
	if err := store.RequireScope(sc); err != nil {
		return nil, err
	}
	where, args := "org_id = ?", []any{sc.OrgID}
	if f.ReleaseID != nil {
		where += " AND release_id = ?"
		args = append(args, *f.ReleaseID)
	}
	if f.CurrentOnly {
		where += " AND superseded_at IS NULL"
	}
	rows, err := tx.query(ctx, `SELECT `+sbomColumns+` FROM sbom_documents WHERE `+where+` ORDER BY id DESC`, args...)
	if err != nil {
		return nil, fmt.Errorf("find SBOMs: %w", err)
	}
	defer rows.Close()
	var out []*vigil.SBOMDocument
	for rows.Next() {
		d, err := scanSBOM(rows)
		if err != nil {
			return nil, fmt.Errorf("find SBOMs: %w", err)
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// EachComponent streams a document's components in ref order.
func (tx *Tx) EachComponent(ctx context.Context, sc vigil.Scope, sbomID int64, fn func(*vigil.Component) error) error {
	if err := store.RequireScope(sc); err != nil {
		return err
	}
	rows, err := tx.query(ctx, `SELECT id, `+strings.Join(componentColumns, ", ")+`
		FROM components WHERE org_id = ? AND sbom_id = ? ORDER BY ref COLLATE "C"`, sc.OrgID, sbomID)
	if err != nil {
		return fmt.Errorf("components of SBOM %d: %w", sbomID, err)
	}
	defer rows.Close()
	for rows.Next() {
		var c vigil.Component
		var typ, scope, support string
		var eos sql.NullString
		var cpes, hashes, licenses, refs, props string
		if err := rows.Scan(&c.ID, &c.OrgID, &c.ReleaseID, &c.SBOMID, &c.Ref, &c.ParentRef, &typ, &c.Group, &c.Name,
			&c.Version, &c.Supplier, &c.Manufacturer, &c.Author, &c.Publisher, &c.PURL, &c.SWIDTagID, &c.Copyright,
			&c.Description, &scope, &c.DownloadLocation, &support, &eos, &cpes, &hashes, &licenses, &refs, &props); err != nil {
			return fmt.Errorf("components of SBOM %d: %w", sbomID, err)
		}
		c.Type, c.Scope, c.SupportLevel = vigil.ComponentType(typ), vigil.ComponentScope(scope), vigil.SupportLevel(support)
		if c.EndOfSupport, err = parseDate(eos); err != nil {
			return err
		}
		for _, f := range []struct {
			raw string
			dst any
		}{{cpes, &c.CPEs}, {hashes, &c.Hashes}, {licenses, &c.Licenses}, {refs, &c.ExternalRefs}, {props, &c.Properties}} {
			if err := store.UnmarshalArray([]byte(f.raw), f.dst); err != nil {
				return fmt.Errorf("component %d: %w", c.ID, err)
			}
		}
		if err := fn(&c); err != nil {
			return err
		}
	}
	return rows.Err()
}

// EachDependency streams a document's dependency graph, one Dependency per
// component that has any.
func (tx *Tx) EachDependency(ctx context.Context, sc vigil.Scope, sbomID int64, fn func(*vigil.Dependency) error) error {
	if err := store.RequireScope(sc); err != nil {
		return err
	}
	rows, err := tx.query(ctx, `SELECT ref, depends_on FROM component_dependencies
		WHERE org_id = ? AND sbom_id = ? ORDER BY ref COLLATE "C", depends_on COLLATE "C"`, sc.OrgID, sbomID)
	if err != nil {
		return fmt.Errorf("dependencies of SBOM %d: %w", sbomID, err)
	}
	defer rows.Close()
	g := store.NewDependencyRows(sbomID, fn)
	for rows.Next() {
		var ref, on string
		if err := rows.Scan(&ref, &on); err != nil {
			return fmt.Errorf("dependencies of SBOM %d: %w", sbomID, err)
		}
		if err := g.Add(ref, on); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	return g.Flush()
}

// EachSBOMContent streams the stored chunks in order.
func (tx *Tx) EachSBOMContent(ctx context.Context, sc vigil.Scope, sbomID int64, fn func([]byte) error) error {
	if err := store.RequireScope(sc); err != nil {
		return err
	}
	rows, err := tx.query(ctx, `SELECT chunk FROM sbom_content WHERE org_id = ? AND sbom_id = ? ORDER BY seq`, sc.OrgID, sbomID)
	if err != nil {
		return fmt.Errorf("content of SBOM %d: %w", sbomID, err)
	}
	defer rows.Close()
	for rows.Next() {
		var chunk []byte
		if err := rows.Scan(&chunk); err != nil {
			return fmt.Errorf("content of SBOM %d: %w", sbomID, err)
		}
		if err := fn(chunk); err != nil {
			return err
		}
	}
	return rows.Err()
}

// UpdateComponentSupport sets a component's FDA support fields.
func (tx *Tx) UpdateComponentSupport(ctx context.Context, sc vigil.Scope, componentID int64, level vigil.SupportLevel, eos vigil.Date) error {
	if err := store.RequireScope(sc); err != nil {
		return err
	}
	res, err := tx.exec(ctx, `UPDATE components SET support_level = ?, end_of_support = ? WHERE id = ? AND org_id = ?`,
		string(level), FormatDate(eos), componentID, sc.OrgID)
	return mustAffect(res, err, fmt.Sprintf("update support of component %d", componentID))
}

// DeleteSBOM deletes a document with its components.
func (tx *Tx) DeleteSBOM(ctx context.Context, sc vigil.Scope, id int64) error {
	if err := store.RequireScope(sc); err != nil {
		return err
	}
	res, err := tx.exec(ctx, `DELETE FROM sbom_documents WHERE id = ? AND org_id = ?`, id, sc.OrgID)
	return mustAffect(res, err, fmt.Sprintf("delete SBOM %d", id))
}

// dependencyTargets are the rows a Dependency becomes: one per target, or
// the NoDependencies marker when the document says there are none.
func dependencyTargets(d *vigil.Dependency) []string {
	if len(d.DependsOn) == 0 {
		return []string{store.NoDependencies}
	}
	return d.DependsOn
}

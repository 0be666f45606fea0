package sqldb

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/store"
)

// CreateNotice records a lifecycle notice of one of the organization's
// releases.
func (tx *Tx) CreateNotice(ctx context.Context, sc vigil.Scope, n *vigil.Notice) error {
	if err := store.RequireScope(sc); err != nil {
		return err
	}
	var succ sql.NullInt64
	if n.SuccessorReleaseID != 0 {
		succ = sql.NullInt64{Int64: n.SuccessorReleaseID, Valid: true}
	}
	err := tx.queryRow(ctx,
		`INSERT INTO lifecycle_notices (org_id, release_id, kind, title, issued_on, eol_on, end_of_support_on,
			remains_supported, compensating_controls, successor_release_id, successor, url, created_by, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		sc.OrgID, n.ReleaseID, string(n.Kind), n.Title, n.IssuedOn.String(), FormatDate(n.EOLOn), FormatDate(n.EndOfSupportOn),
		n.RemainsSupported, store.JSONArray(n.CompensatingControls), succ, n.Successor, n.URL, n.CreatedBy,
		FormatTime(tx.now)).Scan(&n.ID)
	if err != nil {
		return fmt.Errorf("create notice for release %d: %w", n.ReleaseID, mapError(err))
	}
	got, err := tx.FindNoticeByID(ctx, sc, n.ID)
	if err != nil {
		return err
	}
	*n = *got
	return nil
}

// FindNoticeByID returns one of the organization's notices.
func (tx *Tx) FindNoticeByID(ctx context.Context, sc vigil.Scope, id int64) (*vigil.Notice, error) {
	if err := store.RequireScope(sc); err != nil {
		return nil, err
	}
	ns, err := tx.findNotices(ctx, sc, "n.id = ?", []any{id})
	if err != nil {
		return nil, err
	}
	if len(ns) == 0 {
		return nil, fmt.Errorf("notice %d: %w", id, vigil.ErrNotFound)
	}
	return ns[0], nil
}

// FindNotices lists the organization's notices.
func (tx *Tx) FindNotices(ctx context.Context, sc vigil.Scope, f vigil.NoticeFilter) ([]*vigil.Notice, error) {
	if err := store.RequireScope(sc); err != nil {
		return nil, err
	}
	where, args := "1 = 1", []any{}
	if f.ReleaseID != nil {
		where += " AND n.release_id = ?"
		args = append(args, *f.ReleaseID)
	}
	if f.Kind != nil {
		where += " AND n.kind = ?"
		args = append(args, string(*f.Kind))
	}
	return tx.findNotices(ctx, sc, where, args)
}

func (tx *Tx) findNotices(ctx context.Context, sc vigil.Scope, where string, args []any) ([]*vigil.Notice, error) {
	rows, err := tx.query(ctx,
		`SELECT n.id, n.org_id, n.release_id, p.name, r.version, n.kind, n.title, n.issued_on, n.eol_on,
			n.end_of_support_on, n.remains_supported, n.compensating_controls, n.successor_release_id,
			n.successor, n.url, n.created_by, n.created_at
		FROM lifecycle_notices n
		JOIN releases r ON r.id = n.release_id AND r.org_id = n.org_id
		JOIN products p ON p.id = r.product_id AND p.org_id = r.org_id
		WHERE n.org_id = ? AND `+where+` ORDER BY n.issued_on DESC, n.id DESC`, append([]any{sc.OrgID}, args...)...)
	if err != nil {
		return nil, fmt.Errorf("find notices: %w", err)
	}
	return scanNotices(rows)
}

func scanNotices(rows *sql.Rows) ([]*vigil.Notice, error) {
	defer rows.Close()
	var out []*vigil.Notice
	for rows.Next() {
		var n vigil.Notice
		var kind, issued, controls, created string
		var eol, eos sql.NullString
		var succ sql.NullInt64
		err := rows.Scan(&n.ID, &n.OrgID, &n.ReleaseID, &n.Product, &n.Version, &kind, &n.Title, &issued, &eol,
			&eos, &n.RemainsSupported, &controls, &succ, &n.Successor, &n.URL, &n.CreatedBy, &created)
		if err != nil {
			return nil, fmt.Errorf("find notices: %w", err)
		}
		n.Kind, n.SuccessorReleaseID = vigil.NoticeKind(kind), succ.Int64
		if n.IssuedOn, err = parseDay(issued); err != nil {
			return nil, err
		}
		if n.EOLOn, err = parseDate(eol); err != nil {
			return nil, err
		}
		if n.EndOfSupportOn, err = parseDate(eos); err != nil {
			return nil, err
		}
		if err := store.UnmarshalArray([]byte(controls), &n.CompensatingControls); err != nil {
			return nil, err
		}
		if n.CreatedAt, err = parseTime(created); err != nil {
			return nil, err
		}
		out = append(out, &n)
	}
	return out, rows.Err()
}

// CreateTransfer records a transfer of responsibility.
func (tx *Tx) CreateTransfer(ctx context.Context, sc vigil.Scope, t *vigil.Transfer) error {
	if err := store.RequireScope(sc); err != nil {
		return err
	}
	var acceptedAt sql.NullString
	if t.Accepted() {
		acceptedAt = FormatNullTime(tx.now)
	}
	err := tx.queryRow(ctx,
		`INSERT INTO responsibility_transfers (org_id, release_id, effective_on, residual_risks, compensating_controls,
			documents, sanitization_guidance, notes, accepted_by, accepted_role, accepted_org, accepted_on,
			acceptance_recorded_by, accepted_at, recorded_by, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		sc.OrgID, t.ReleaseID, t.EffectiveOn.String(), store.JSONArray(t.ResidualRisks), store.JSONArray(t.CompensatingControls),
		store.JSONArray(t.Documents), t.SanitizationGuidance, t.Notes, t.AcceptedBy, t.AcceptedRole, t.AcceptedOrg,
		FormatDate(t.AcceptedOn), t.AcceptanceRecordedBy, acceptedAt, t.RecordedBy, FormatTime(tx.now)).Scan(&t.ID)
	if err != nil {
		return fmt.Errorf("create transfer for release %d: %w", t.ReleaseID, mapError(err))
	}
	got, err := tx.FindTransferByID(ctx, sc, t.ID)
	if err != nil {
		return err
	}
	*t = *got
	return nil
}

// FindTransferByID returns one of the organization's transfers.
func (tx *Tx) FindTransferByID(ctx context.Context, sc vigil.Scope, id int64) (*vigil.Transfer, error) {
	if err := store.RequireScope(sc); err != nil {
		return nil, err
	}
	ts, err := tx.findTransfers(ctx, "t.org_id = ? AND t.id = ?", []any{sc.OrgID, id})
	if err != nil {
		return nil, err
	}
	if len(ts) == 0 {
		return nil, fmt.Errorf("transfer %d: %w", id, vigil.ErrNotFound)
	}
	return ts[0], nil
}

// FindTransfers lists the organization's transfers.
func (tx *Tx) FindTransfers(ctx context.Context, sc vigil.Scope, f vigil.TransferFilter) ([]*vigil.Transfer, error) {
	if err := store.RequireScope(sc); err != nil {
		return nil, err
	}
	where, args := "t.org_id = ?", []any{sc.OrgID}
	if f.ReleaseID != nil {
		where += " AND t.release_id = ?"
		args = append(args, *f.ReleaseID)
	}
	return tx.findTransfers(ctx, where, args)
}

// FindAssetTransfers lists the transfers of the releases sc's assets run.
func (tx *Tx) FindAssetTransfers(ctx context.Context, sc vigil.Scope) ([]*vigil.Transfer, error) {
	if err := store.RequireScope(sc); err != nil {
		return nil, err
	}
	return tx.findTransfers(ctx, visibleRelease+`
		AND EXISTS (SELECT 1 FROM assets a WHERE a.org_id = ? AND a.release_id = r.id AND a.release_org_id = r.org_id)`,
		[]any{sc.OrgID, sc.OrgID, sc.OrgID})
}

// findTransfers lists the transfers matching where, which must hold the
// organization (or visibility) condition.
func (tx *Tx) findTransfers(ctx context.Context, where string, args []any) ([]*vigil.Transfer, error) {
	rows, err := tx.query(ctx,
		`SELECT t.id, t.org_id, t.release_id, p.name, r.version, t.effective_on, t.residual_risks,
			t.compensating_controls, t.documents, t.sanitization_guidance, t.notes, t.accepted_by, t.accepted_role,
			t.accepted_org, t.accepted_on, t.acceptance_recorded_by, t.accepted_at, t.recorded_by, t.created_at
		FROM responsibility_transfers t
		JOIN releases r ON r.id = t.release_id AND r.org_id = t.org_id
		JOIN products p ON p.id = r.product_id AND p.org_id = r.org_id
		WHERE `+where+` ORDER BY t.id`, args...)
	if err != nil {
		return nil, fmt.Errorf("find transfers: %w", err)
	}
	defer rows.Close()
	var out []*vigil.Transfer
	for rows.Next() {
		var t vigil.Transfer
		var effective, risks, controls, docs, created string
		var acceptedOn, acceptedAt sql.NullString
		if err := rows.Scan(&t.ID, &t.OrgID, &t.ReleaseID, &t.Product, &t.Version, &effective, &risks, &controls, &docs,
			&t.SanitizationGuidance, &t.Notes, &t.AcceptedBy, &t.AcceptedRole, &t.AcceptedOrg, &acceptedOn,
			&t.AcceptanceRecordedBy, &acceptedAt, &t.RecordedBy, &created); err != nil {
			return nil, fmt.Errorf("find transfers: %w", err)
		}
		if t.EffectiveOn, err = parseDay(effective); err != nil {
			return nil, err
		}
		for _, f := range []struct {
			raw string
			dst any
		}{{risks, &t.ResidualRisks}, {controls, &t.CompensatingControls}, {docs, &t.Documents}} {
			if err := store.UnmarshalArray([]byte(f.raw), f.dst); err != nil {
				return nil, err
			}
		}
		if t.AcceptedOn, err = parseDate(acceptedOn); err != nil {
			return nil, err
		}
		if t.AcceptedAt, err = ParseNullTime(acceptedAt); err != nil {
			return nil, err
		}
		if t.CreatedAt, err = parseTime(created); err != nil {
			return nil, err
		}
		out = append(out, &t)
	}
	return out, rows.Err()
}

// AcceptTransfer writes the acceptance of a transfer not yet accepted.
func (tx *Tx) AcceptTransfer(ctx context.Context, sc vigil.Scope, t *vigil.Transfer) error {
	if err := store.RequireScope(sc); err != nil {
		return err
	}
	res, err := tx.exec(ctx,
		`UPDATE responsibility_transfers SET accepted_by = ?, accepted_role = ?, accepted_org = ?, accepted_on = ?,
			acceptance_recorded_by = ?, accepted_at = ?
		WHERE id = ? AND org_id = ? AND accepted_by = ''`,
		t.AcceptedBy, t.AcceptedRole, t.AcceptedOrg, FormatDate(t.AcceptedOn), t.AcceptanceRecordedBy,
		FormatTime(tx.now), t.ID, sc.OrgID)
	if err != nil {
		return fmt.Errorf("accept transfer %d: %w", t.ID, mapError(err))
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("accept transfer %d: %w", t.ID, err)
	} else if n == 0 {
		cur, err := tx.FindTransferByID(ctx, sc, t.ID)
		if err != nil {
			return err
		}
		return fmt.Errorf("transfer %d was accepted by %s on %s already: %w", t.ID, cur.AcceptedBy, cur.AcceptedOn, vigil.ErrConflict)
	}
	t.AcceptedAt = tx.now
	return nil
}

// AdvanceReleasePhase moves a release's phase from one to another if it is
// still from and follows its milestones.
func (tx *Tx) AdvanceReleasePhase(ctx context.Context, sc vigil.Scope, id int64, from, to vigil.Phase) (bool, error) {
	if err := store.RequireScope(sc); err != nil {
		return false, err
	}
	res, err := tx.exec(ctx,
		`UPDATE releases SET phase = ?, updated_at = ?
		WHERE id = ? AND org_id = ? AND phase = ? AND NOT phase_explicit`,
		string(to), FormatTime(tx.now), id, sc.OrgID, string(from))
	if err != nil {
		return false, fmt.Errorf("advance phase of release %d: %w", id, mapError(err))
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("advance phase of release %d: %w", id, err)
	}
	return n > 0, nil
}

// FindAssetNotices lists the notices of the releases sc's assets run.
func (tx *Tx) FindAssetNotices(ctx context.Context, sc vigil.Scope) ([]*vigil.Notice, error) {
	if err := store.RequireScope(sc); err != nil {
		return nil, err
	}
	rows, err := tx.query(ctx,
		`SELECT n.id, n.org_id, n.release_id, p.name, r.version, n.kind, n.title, n.issued_on, n.eol_on,
			n.end_of_support_on, n.remains_supported, n.compensating_controls, n.successor_release_id,
			n.successor, n.url, n.created_by, n.created_at
		FROM lifecycle_notices n
		JOIN releases r ON r.id = n.release_id AND r.org_id = n.org_id
		JOIN products p ON p.id = r.product_id AND p.org_id = r.org_id
		WHERE `+visibleRelease+`
			AND EXISTS (SELECT 1 FROM assets a WHERE a.org_id = ? AND a.release_id = r.id AND a.release_org_id = r.org_id)
		ORDER BY n.issued_on DESC, n.id DESC`, sc.OrgID, sc.OrgID, sc.OrgID)
	if err != nil {
		return nil, fmt.Errorf("find asset notices: %w", err)
	}
	return scanNotices(rows)
}

const sanitizationColumns = `id, org_id, asset_id, media_type, media_manufacturer, media_model, media_serial, method,
	technique, tool, details, verification_method, verification_result, verification_notes, performed_by,
	performed_by_title, performed_by_org, verified_by, verified_by_title, verified_by_org, performed_on,
	verified_on, location, destination, backup_made, notes, recorded_by, created_at`

// CreateSanitization records the sanitization of one medium of an asset.
func (tx *Tx) CreateSanitization(ctx context.Context, sc vigil.Scope, s *vigil.Sanitization) error {
	if err := store.RequireScope(sc); err != nil {
		return err
	}
	var backup sql.NullBool
	if s.BackupMade != nil {
		backup = sql.NullBool{Bool: *s.BackupMade, Valid: true}
	}
	s.OrgID, s.CreatedAt = sc.OrgID, tx.now
	err := tx.queryRow(ctx, `INSERT INTO sanitizations (`+strings.TrimPrefix(sanitizationColumns, "id, ")+`)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		sc.OrgID, s.AssetID, string(s.MediaType), s.MediaManufacturer, s.MediaModel, s.MediaSerial, string(s.Method),
		string(s.Technique), s.Tool, s.Details, string(s.VerificationMethod), string(s.VerificationResult), s.VerificationNotes,
		s.PerformedBy.Name, s.PerformedBy.Title, s.PerformedBy.Organization, s.VerifiedBy.Name, s.VerifiedBy.Title,
		s.VerifiedBy.Organization, s.PerformedOn.String(), FormatDate(s.VerifiedOn), s.Location, string(s.Destination),
		backup, s.Notes, s.RecordedBy, FormatTime(tx.now)).Scan(&s.ID)
	if err != nil {
		return fmt.Errorf("record sanitization of asset %d: %w", s.AssetID, mapError(err))
	}
	return nil
}

// FindSanitizations lists an asset's sanitization records.
func (tx *Tx) FindSanitizations(ctx context.Context, sc vigil.Scope, assetID int64) ([]*vigil.Sanitization, error) {
	if err := store.RequireScope(sc); err != nil {
		return nil, err
	}
	rows, err := tx.query(ctx, `SELECT `+sanitizationColumns+` FROM sanitizations
		WHERE org_id = ? AND asset_id = ? ORDER BY id`, sc.OrgID, assetID)
	if err != nil {
		return nil, fmt.Errorf("find sanitizations: %w", err)
	}
	defer rows.Close()
	var out []*vigil.Sanitization
	for rows.Next() {
		var s vigil.Sanitization
		var media, method, technique, vmethod, vresult, performed, dest, created string
		var verified sql.NullString
		var backup sql.NullBool
		if err := rows.Scan(&s.ID, &s.OrgID, &s.AssetID, &media, &s.MediaManufacturer, &s.MediaModel, &s.MediaSerial,
			&method, &technique, &s.Tool, &s.Details, &vmethod, &vresult, &s.VerificationNotes, &s.PerformedBy.Name,
			&s.PerformedBy.Title, &s.PerformedBy.Organization, &s.VerifiedBy.Name, &s.VerifiedBy.Title,
			&s.VerifiedBy.Organization, &performed, &verified, &s.Location, &dest, &backup, &s.Notes, &s.RecordedBy,
			&created); err != nil {
			return nil, fmt.Errorf("find sanitizations: %w", err)
		}
		s.MediaType, s.Method, s.Technique = vigil.MediaType(media), vigil.SanitizationMethod(method), vigil.SanitizationTechnique(technique)
		s.VerificationMethod, s.VerificationResult = vigil.VerificationMethod(vmethod), vigil.VerificationResult(vresult)
		s.Destination = vigil.MediaDestination(dest)
		if backup.Valid {
			b := backup.Bool
			s.BackupMade = &b
		}
		if s.PerformedOn, err = parseDay(performed); err != nil {
			return nil, err
		}
		if s.VerifiedOn, err = parseDate(verified); err != nil {
			return nil, err
		}
		if s.CreatedAt, err = parseTime(created); err != nil {
			return nil, err
		}
		out = append(out, &s)
	}
	return out, rows.Err()
}

// CreateDecommission records the decommissioning of an asset.
func (tx *Tx) CreateDecommission(ctx context.Context, sc vigil.Scope, d *vigil.Decommission) error {
	if err := store.RequireScope(sc); err != nil {
		return err
	}
	err := tx.queryRow(ctx, `INSERT INTO decommissions (org_id, asset_id, decommissioned_on, reason,
			previous_status, phi, certificate_number, decommissioned_by, created_at, certificate, certificate_sha256)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		sc.OrgID, d.AssetID, d.DecommissionedOn.String(), d.Reason, string(d.PreviousStatus), d.PHI,
		d.CertificateNumber, d.DecommissionedBy, FormatTime(tx.now), string(d.Certificate), d.CertificateSHA256).Scan(&d.ID)
	if err != nil {
		return fmt.Errorf("record decommissioning of asset %d: %w", d.AssetID, mapError(err))
	}
	got, err := tx.FindDecommissions(ctx, sc, vigil.DecommissionFilter{AssetID: &d.AssetID})
	if err != nil {
		return err
	}
	if len(got) != 1 {
		return fmt.Errorf("decommissioning of asset %d: read back %d rows", d.AssetID, len(got))
	}
	*d = *got[0]
	return nil
}

// FindDecommissions lists decommissionings.
func (tx *Tx) FindDecommissions(ctx context.Context, sc vigil.Scope, f vigil.DecommissionFilter) ([]*vigil.Decommission, error) {
	if err := store.RequireScope(sc); err != nil {
		return nil, err
	}
	where, args := "d.org_id = ?", []any{sc.OrgID}
	if f.AssetID != nil {
		where += " AND d.asset_id = ?"
		args = append(args, *f.AssetID)
	}
	if q := strings.TrimSpace(f.Query); q != "" {
		like := "%" + strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`).Replace(strings.ToLower(q)) + "%"
		where += ` AND (lower(a.asset_tag) LIKE ? ESCAPE '\' OR lower(a.serial) LIKE ? ESCAPE '\'
			OR lower(a.manufacturer) LIKE ? ESCAPE '\' OR lower(a.model) LIKE ? ESCAPE '\'
			OR lower(d.reason) LIKE ? ESCAPE '\' OR lower(d.certificate_number) LIKE ? ESCAPE '\')`
		args = append(args, like, like, like, like, like, like)
	}
	rows, err := tx.query(ctx, `SELECT d.id, d.org_id, d.asset_id, a.asset_tag, a.serial, a.manufacturer,
			a.model, d.decommissioned_on, d.reason, d.previous_status, d.phi, d.certificate_number,
			(SELECT COUNT(*) FROM sanitizations s WHERE s.org_id = d.org_id AND s.asset_id = d.asset_id),
			d.decommissioned_by, d.created_at, d.certificate, d.certificate_sha256
		FROM decommissions d JOIN assets a ON a.id = d.asset_id AND a.org_id = d.org_id
		WHERE `+where+` ORDER BY d.decommissioned_on DESC, d.id DESC`, args...)
	if err != nil {
		return nil, fmt.Errorf("find decommissions: %w", err)
	}
	defer rows.Close()
	var out []*vigil.Decommission
	for rows.Next() {
		var d vigil.Decommission
		var on, prev, created, cert string
		if err := rows.Scan(&d.ID, &d.OrgID, &d.AssetID, &d.AssetTag, &d.Serial, &d.Manufacturer, &d.Model, &on,
			&d.Reason, &prev, &d.PHI, &d.CertificateNumber, &d.Sanitizations, &d.DecommissionedBy, &created, &cert, &d.CertificateSHA256); err != nil {
			return nil, fmt.Errorf("find decommissions: %w", err)
		}
		d.PreviousStatus = vigil.AssetStatus(prev)
		if cert != "" {
			d.Certificate = []byte(cert)
		}
		if d.DecommissionedOn, err = parseDay(on); err != nil {
			return nil, err
		}
		if d.CreatedAt, err = parseTime(created); err != nil {
			return nil, err
		}
		out = append(out, &d)
	}
	return out, rows.Err()
}

package postgres

import (
	"context"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/store"
)

// CreateNotice records a lifecycle notice of one of the organization's
// releases.
func (tx *Tx) CreateNotice(ctx context.Context, sc vigil.Scope, n *vigil.Notice) error {
	if err := store.RequireScope(sc); err != nil {
		return err
	}
	succ := pgtype.Int8{Int64: n.SuccessorReleaseID, Valid: n.SuccessorReleaseID != 0}
	err := tx.tx.QueryRow(ctx,
		`INSERT INTO lifecycle_notices (org_id, release_id, kind, title, issued_on, eol_on, end_of_support_on,
			remains_supported, compensating_controls, successor_release_id, successor, url, created_by, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING id`,
		sc.OrgID, n.ReleaseID, string(n.Kind), n.Title, nullDate(n.IssuedOn), nullDate(n.EOLOn), nullDate(n.EndOfSupportOn),
		n.RemainsSupported, store.JSONArray(n.CompensatingControls), succ, n.Successor, n.URL, n.CreatedBy,
		tx.Now()).Scan(&n.ID)
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
	ns, err := tx.findNotices(ctx, "n.org_id = $1 AND n.id = $2", []any{sc.OrgID, id})
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
	where, args := "n.org_id = $1", []any{sc.OrgID}
	if f.ReleaseID != nil {
		args = append(args, *f.ReleaseID)
		where += fmt.Sprintf(" AND n.release_id = $%d", len(args))
	}
	if f.Kind != nil {
		args = append(args, string(*f.Kind))
		where += fmt.Sprintf(" AND n.kind = $%d", len(args))
	}
	return tx.findNotices(ctx, where, args)
}

func (tx *Tx) findNotices(ctx context.Context, where string, args []any) ([]*vigil.Notice, error) {
	rows, err := tx.tx.Query(ctx,
		`SELECT n.id, n.org_id, n.release_id, p.name, r.version, n.kind, n.title, n.issued_on, n.eol_on,
			n.end_of_support_on, n.remains_supported, n.compensating_controls, n.successor_release_id,
			n.successor, n.url, n.created_by, n.created_at
		FROM lifecycle_notices n
		JOIN releases r ON r.id = n.release_id AND r.org_id = n.org_id
		JOIN products p ON p.id = r.product_id AND p.org_id = r.org_id
		WHERE `+where+` ORDER BY n.issued_on DESC, n.id DESC`, args...)
	if err != nil {
		return nil, fmt.Errorf("find notices: %w", mapError(err))
	}
	return scanNotices(rows)
}

func scanNotices(rows pgx.Rows) ([]*vigil.Notice, error) {
	defer rows.Close()
	var out []*vigil.Notice
	for rows.Next() {
		var n vigil.Notice
		var kind string
		var controls []byte
		var issued, eol, eos pgtype.Date
		var succ pgtype.Int8
		err := rows.Scan(&n.ID, &n.OrgID, &n.ReleaseID, &n.Product, &n.Version, &kind, &n.Title, &issued, &eol,
			&eos, &n.RemainsSupported, &controls, &succ, &n.Successor, &n.URL, &n.CreatedBy, &n.CreatedAt)
		if err != nil {
			return nil, fmt.Errorf("find notices: %w", err)
		}
		n.Kind, n.SuccessorReleaseID = vigil.NoticeKind(kind), succ.Int64
		if n.IssuedOn, err = dateOf(issued); err != nil {
			return nil, err
		}
		if n.EOLOn, err = dateOf(eol); err != nil {
			return nil, err
		}
		if n.EndOfSupportOn, err = dateOf(eos); err != nil {
			return nil, err
		}
		if err := store.UnmarshalArray(controls, &n.CompensatingControls); err != nil {
			return nil, err
		}
		out = append(out, &n)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("find notices: %w", mapError(err))
	}
	return out, nil
}

// CreateTransfer records a transfer of responsibility.
func (tx *Tx) CreateTransfer(ctx context.Context, sc vigil.Scope, t *vigil.Transfer) error {
	if err := store.RequireScope(sc); err != nil {
		return err
	}
	var acceptedAt pgtype.Timestamptz
	if t.Accepted() {
		acceptedAt = nullTime(tx.Now())
	}
	err := tx.tx.QueryRow(ctx,
		`INSERT INTO responsibility_transfers (org_id, release_id, effective_on, residual_risks, compensating_controls,
			documents, sanitization_guidance, notes, accepted_by, accepted_role, accepted_org, accepted_on,
			acceptance_recorded_by, accepted_at, recorded_by, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) RETURNING id`,
		sc.OrgID, t.ReleaseID, nullDate(t.EffectiveOn), store.JSONArray(t.ResidualRisks), store.JSONArray(t.CompensatingControls),
		store.JSONArray(t.Documents), t.SanitizationGuidance, t.Notes, t.AcceptedBy, t.AcceptedRole, t.AcceptedOrg,
		nullDate(t.AcceptedOn), t.AcceptanceRecordedBy, acceptedAt, t.RecordedBy, tx.Now()).Scan(&t.ID)
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
	ts, err := tx.findTransfers(ctx, "t.org_id = $1 AND t.id = $2", []any{sc.OrgID, id})
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
	where, args := "t.org_id = $1", []any{sc.OrgID}
	if f.ReleaseID != nil {
		args = append(args, *f.ReleaseID)
		where += fmt.Sprintf(" AND t.release_id = $%d", len(args))
	}
	return tx.findTransfers(ctx, where, args)
}

// FindAssetTransfers lists the transfers of the releases sc's assets run.
func (tx *Tx) FindAssetTransfers(ctx context.Context, sc vigil.Scope) ([]*vigil.Transfer, error) {
	if err := store.RequireScope(sc); err != nil {
		return nil, err
	}
	return tx.findTransfers(ctx, visibleRelease(1)+`
		AND EXISTS (SELECT 1 FROM assets a WHERE a.org_id = $1 AND a.release_id = r.id AND a.release_org_id = r.org_id)`,
		[]any{sc.OrgID})
}

func (tx *Tx) findTransfers(ctx context.Context, where string, args []any) ([]*vigil.Transfer, error) {
	rows, err := tx.tx.Query(ctx,
		`SELECT t.id, t.org_id, t.release_id, p.name, r.version, t.effective_on, t.residual_risks,
			t.compensating_controls, t.documents, t.sanitization_guidance, t.notes, t.accepted_by, t.accepted_role,
			t.accepted_org, t.accepted_on, t.acceptance_recorded_by, t.accepted_at, t.recorded_by, t.created_at
		FROM responsibility_transfers t
		JOIN releases r ON r.id = t.release_id AND r.org_id = t.org_id
		JOIN products p ON p.id = r.product_id AND p.org_id = r.org_id
		WHERE `+where+` ORDER BY t.id`, args...)
	if err != nil {
		return nil, fmt.Errorf("find transfers: %w", mapError(err))
	}
	defer rows.Close()
	var out []*vigil.Transfer
	for rows.Next() {
		var t vigil.Transfer
		var risks, controls, docs []byte
		var effective, acceptedOn pgtype.Date
		var acceptedAt pgtype.Timestamptz
		if err := rows.Scan(&t.ID, &t.OrgID, &t.ReleaseID, &t.Product, &t.Version, &effective, &risks, &controls, &docs,
			&t.SanitizationGuidance, &t.Notes, &t.AcceptedBy, &t.AcceptedRole, &t.AcceptedOrg, &acceptedOn,
			&t.AcceptanceRecordedBy, &acceptedAt, &t.RecordedBy, &t.CreatedAt); err != nil {
			return nil, fmt.Errorf("find transfers: %w", err)
		}
		if t.EffectiveOn, err = dateOf(effective); err != nil {
			return nil, err
		}
		for _, f := range []struct {
			raw []byte
			dst any
		}{{risks, &t.ResidualRisks}, {controls, &t.CompensatingControls}, {docs, &t.Documents}} {
			if err := store.UnmarshalArray(f.raw, f.dst); err != nil {
				return nil, err
			}
		}
		if t.AcceptedOn, err = dateOf(acceptedOn); err != nil {
			return nil, err
		}
		if acceptedAt.Valid {
			t.AcceptedAt = acceptedAt.Time
		}
		out = append(out, &t)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("find transfers: %w", mapError(err))
	}
	return out, nil
}

// AcceptTransfer writes the acceptance of a transfer not yet accepted.
func (tx *Tx) AcceptTransfer(ctx context.Context, sc vigil.Scope, t *vigil.Transfer) error {
	if err := store.RequireScope(sc); err != nil {
		return err
	}
	tag, err := tx.tx.Exec(ctx,
		`UPDATE responsibility_transfers SET accepted_by = $1, accepted_role = $2, accepted_org = $3, accepted_on = $4,
			acceptance_recorded_by = $5, accepted_at = $6
		WHERE id = $7 AND org_id = $8 AND accepted_by = ''`,
		t.AcceptedBy, t.AcceptedRole, t.AcceptedOrg, nullDate(t.AcceptedOn), t.AcceptanceRecordedBy, tx.Now(), t.ID, sc.OrgID)
	if err != nil {
		return fmt.Errorf("accept transfer %d: %w", t.ID, mapError(err))
	}
	if tag.RowsAffected() == 0 {
		cur, err := tx.FindTransferByID(ctx, sc, t.ID)
		if err != nil {
			return err
		}
		return fmt.Errorf("transfer %d was accepted by %s on %s already: %w", t.ID, cur.AcceptedBy, cur.AcceptedOn, vigil.ErrConflict)
	}
	t.AcceptedAt = tx.Now()
	return nil
}

// AdvanceReleasePhase moves a release's phase from one to another if it is
// still from and follows its milestones.
func (tx *Tx) AdvanceReleasePhase(ctx context.Context, sc vigil.Scope, id int64, from, to vigil.Phase) (bool, error) {
	if err := store.RequireScope(sc); err != nil {
		return false, err
	}
	tag, err := tx.tx.Exec(ctx,
		`UPDATE releases SET phase = $1, updated_at = $2
		WHERE id = $3 AND org_id = $4 AND phase = $5 AND NOT phase_explicit`,
		string(to), tx.Now(), id, sc.OrgID, string(from))
	if err != nil {
		return false, fmt.Errorf("advance phase of release %d: %w", id, mapError(err))
	}
	return tag.RowsAffected() > 0, nil
}

// FindAssetNotices lists the notices of the releases sc's assets run.
func (tx *Tx) FindAssetNotices(ctx context.Context, sc vigil.Scope) ([]*vigil.Notice, error) {
	if err := store.RequireScope(sc); err != nil {
		return nil, err
	}
	rows, err := tx.tx.Query(ctx,
		`SELECT n.id, n.org_id, n.release_id, p.name, r.version, n.kind, n.title, n.issued_on, n.eol_on,
			n.end_of_support_on, n.remains_supported, n.compensating_controls, n.successor_release_id,
			n.successor, n.url, n.created_by, n.created_at
		FROM lifecycle_notices n
		JOIN releases r ON r.id = n.release_id AND r.org_id = n.org_id
		JOIN products p ON p.id = r.product_id AND p.org_id = r.org_id
		WHERE `+visibleRelease(1)+`
			AND EXISTS (SELECT 1 FROM assets a WHERE a.org_id = $1 AND a.release_id = r.id AND a.release_org_id = r.org_id)
		ORDER BY n.issued_on DESC, n.id DESC`, sc.OrgID)
	if err != nil {
		return nil, fmt.Errorf("find asset notices: %w", mapError(err))
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
	var backup pgtype.Bool
	if s.BackupMade != nil {
		backup = pgtype.Bool{Bool: *s.BackupMade, Valid: true}
	}
	s.OrgID, s.CreatedAt = sc.OrgID, tx.Now()
	err := tx.tx.QueryRow(ctx, `INSERT INTO sanitizations (`+strings.TrimPrefix(sanitizationColumns, "id, ")+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22,
			$23, $24, $25, $26, $27) RETURNING id`,
		sc.OrgID, s.AssetID, string(s.MediaType), s.MediaManufacturer, s.MediaModel, s.MediaSerial, string(s.Method),
		string(s.Technique), s.Tool, s.Details, string(s.VerificationMethod), string(s.VerificationResult), s.VerificationNotes,
		s.PerformedBy.Name, s.PerformedBy.Title, s.PerformedBy.Organization, s.VerifiedBy.Name, s.VerifiedBy.Title,
		s.VerifiedBy.Organization, nullDate(s.PerformedOn), nullDate(s.VerifiedOn), s.Location, string(s.Destination),
		backup, s.Notes, s.RecordedBy, tx.Now()).Scan(&s.ID)
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
	rows, err := tx.tx.Query(ctx, `SELECT `+sanitizationColumns+` FROM sanitizations
		WHERE org_id = $1 AND asset_id = $2 ORDER BY id`, sc.OrgID, assetID)
	if err != nil {
		return nil, fmt.Errorf("find sanitizations: %w", mapError(err))
	}
	defer rows.Close()
	var out []*vigil.Sanitization
	for rows.Next() {
		var s vigil.Sanitization
		var media, method, technique, vmethod, vresult, dest string
		var performed, verified pgtype.Date
		var backup pgtype.Bool
		if err := rows.Scan(&s.ID, &s.OrgID, &s.AssetID, &media, &s.MediaManufacturer, &s.MediaModel, &s.MediaSerial,
			&method, &technique, &s.Tool, &s.Details, &vmethod, &vresult, &s.VerificationNotes, &s.PerformedBy.Name,
			&s.PerformedBy.Title, &s.PerformedBy.Organization, &s.VerifiedBy.Name, &s.VerifiedBy.Title,
			&s.VerifiedBy.Organization, &performed, &verified, &s.Location, &dest, &backup, &s.Notes, &s.RecordedBy,
			&s.CreatedAt); err != nil {
			return nil, fmt.Errorf("find sanitizations: %w", err)
		}
		s.MediaType, s.Method, s.Technique = vigil.MediaType(media), vigil.SanitizationMethod(method), vigil.SanitizationTechnique(technique)
		s.VerificationMethod, s.VerificationResult = vigil.VerificationMethod(vmethod), vigil.VerificationResult(vresult)
		s.Destination = vigil.MediaDestination(dest)
		if backup.Valid {
			b := backup.Bool
			s.BackupMade = &b
		}
		if s.PerformedOn, err = dateOf(performed); err != nil {
			return nil, err
		}
		if s.VerifiedOn, err = dateOf(verified); err != nil {
			return nil, err
		}
		out = append(out, &s)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("find sanitizations: %w", mapError(err))
	}
	return out, nil
}

// CreateDecommission records the decommissioning of an asset.
func (tx *Tx) CreateDecommission(ctx context.Context, sc vigil.Scope, d *vigil.Decommission) error {
	if err := store.RequireScope(sc); err != nil {
		return err
	}
	err := tx.tx.QueryRow(ctx, `INSERT INTO decommissions (org_id, asset_id, decommissioned_on, reason,
			previous_status, phi, certificate_number, decommissioned_by, created_at, certificate, certificate_sha256)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`,
		sc.OrgID, d.AssetID, nullDate(d.DecommissionedOn), d.Reason, string(d.PreviousStatus), d.PHI,
		d.CertificateNumber, d.DecommissionedBy, tx.Now(), string(d.Certificate), d.CertificateSHA256).Scan(&d.ID)
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
	where, args := "d.org_id = $1", []any{sc.OrgID}
	if f.AssetID != nil {
		args = append(args, *f.AssetID)
		where += fmt.Sprintf(" AND d.asset_id = $%d", len(args))
	}
	if q := strings.TrimSpace(f.Query); q != "" {
		args = append(args, "%"+strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`).Replace(strings.ToLower(q))+"%")
		n := len(args)
		where += fmt.Sprintf(` AND (lower(a.asset_tag) LIKE $%[1]d OR lower(a.serial) LIKE $%[1]d
			OR lower(a.manufacturer) LIKE $%[1]d OR lower(a.model) LIKE $%[1]d
			OR lower(d.reason) LIKE $%[1]d OR lower(d.certificate_number) LIKE $%[1]d)`, n)
	}
	rows, err := tx.tx.Query(ctx, `SELECT d.id, d.org_id, d.asset_id, a.asset_tag, a.serial, a.manufacturer,
			a.model, d.decommissioned_on, d.reason, d.previous_status, d.phi, d.certificate_number,
			(SELECT COUNT(*) FROM sanitizations s WHERE s.org_id = d.org_id AND s.asset_id = d.asset_id),
			d.decommissioned_by, d.created_at, d.certificate, d.certificate_sha256
		FROM decommissions d JOIN assets a ON a.id = d.asset_id AND a.org_id = d.org_id
		WHERE `+where+` ORDER BY d.decommissioned_on DESC, d.id DESC`, args...)
	if err != nil {
		return nil, fmt.Errorf("find decommissions: %w", mapError(err))
	}
	defer rows.Close()
	var out []*vigil.Decommission
	for rows.Next() {
		var d vigil.Decommission
		var prev, cert string
		var on pgtype.Date
		if err := rows.Scan(&d.ID, &d.OrgID, &d.AssetID, &d.AssetTag, &d.Serial, &d.Manufacturer, &d.Model, &on,
			&d.Reason, &prev, &d.PHI, &d.CertificateNumber, &d.Sanitizations, &d.DecommissionedBy, &d.CreatedAt, &cert, &d.CertificateSHA256); err != nil {
			return nil, fmt.Errorf("find decommissions: %w", err)
		}
		d.PreviousStatus = vigil.AssetStatus(prev)
		if cert != "" {
			d.Certificate = []byte(cert)
		}
		if d.DecommissionedOn, err = dateOf(on); err != nil {
			return nil, err
		}
		out = append(out, &d)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("find decommissions: %w", mapError(err))
	}
	return out, nil
}

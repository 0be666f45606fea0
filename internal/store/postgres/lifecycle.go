package postgres

import (
	"context"
	"fmt"

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
		tx.now).Scan(&n.ID)
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
func (tx *Tx) FindNotices(ctx context.Context, sc vigil.Scope, f store.NoticeFilter) ([]*vigil.Notice, error) {
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
	defer rows.Close()
	var out []*vigil.Notice
	for rows.Next() {
		var n vigil.Notice
		var kind string
		var controls []byte
		var issued, eol, eos pgtype.Date
		var succ pgtype.Int8
		if err := rows.Scan(&n.ID, &n.OrgID, &n.ReleaseID, &n.Product, &n.Version, &kind, &n.Title, &issued, &eol,
			&eos, &n.RemainsSupported, &controls, &succ, &n.Successor, &n.URL, &n.CreatedBy, &n.CreatedAt); err != nil {
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
		acceptedAt = nullTime(tx.now)
	}
	err := tx.tx.QueryRow(ctx,
		`INSERT INTO responsibility_transfers (org_id, release_id, effective_on, residual_risks, compensating_controls,
			documents, sanitization_guidance, notes, accepted_by, accepted_role, accepted_org, accepted_on,
			acceptance_recorded_by, accepted_at, recorded_by, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) RETURNING id`,
		sc.OrgID, t.ReleaseID, nullDate(t.EffectiveOn), store.JSONArray(t.ResidualRisks), store.JSONArray(t.CompensatingControls),
		store.JSONArray(t.Documents), t.SanitizationGuidance, t.Notes, t.AcceptedBy, t.AcceptedRole, t.AcceptedOrg,
		nullDate(t.AcceptedOn), t.AcceptanceRecordedBy, acceptedAt, t.RecordedBy, tx.now).Scan(&t.ID)
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
func (tx *Tx) FindTransfers(ctx context.Context, sc vigil.Scope, f store.TransferFilter) ([]*vigil.Transfer, error) {
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
		t.AcceptedBy, t.AcceptedRole, t.AcceptedOrg, nullDate(t.AcceptedOn), t.AcceptanceRecordedBy, tx.now, t.ID, sc.OrgID)
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
	t.AcceptedAt = tx.now
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
		string(to), tx.now, id, sc.OrgID, string(from))
	if err != nil {
		return false, fmt.Errorf("advance phase of release %d: %w", id, mapError(err))
	}
	return tag.RowsAffected() > 0, nil
}

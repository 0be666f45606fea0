package support

import (
	"context"
	"fmt"
	"strings"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/app/inventory"
	"github.com/vigil/vigil/internal/lifecycle"
)

// ReleaseSupport rolls the support level and end-of-support date of the
// components of a release's current SBOM up to the release: how many are
// past their end of support, how many reach it within months months. With
// all, every component is listed.
func (s *Service) ReleaseSupport(ctx context.Context, sc vigil.Scope, releaseID int64, months int, all bool) (*lifecycle.SupportRollup, error) {
	if months < 1 || months > 240 {
		return nil, fmt.Errorf("horizon of %d months: want 1 to 240: %w", months, vigil.ErrInvalid)
	}
	var out *lifecycle.SupportRollup
	err := s.store.View(ctx, func(tx Tx) error {
		rel, err := tx.FindReleaseByID(ctx, sc, releaseID)
		if err != nil {
			return err
		}
		doc, err := inventory.CurrentSBOM(ctx, tx, sc, releaseID)
		if err != nil {
			return err
		}
		u := lifecycle.NewRollup(s.today(), months, rel.EndOfSupportOn, all)
		if err := tx.EachComponent(ctx, sc, doc.ID, func(c *vigil.Component) error {
			u.Add(c)
			return nil
		}); err != nil {
			return err
		}
		out = u.Result()
		return nil
	})
	return out, err
}

// NoticeRecord is a recorded notice and what it did to its release.
type NoticeRecord struct {
	Notice *vigil.Notice `json:"notice"`
	// Release is the release after the notice set its milestones.
	Release *vigil.Release `json:"release"`
	// PhaseChange is the phase move the notice caused, if any.
	PhaseChange *vigil.PhaseChange `json:"phase_change,omitempty"`
}

// RecordNotice records a manufacturer's end-of-life or end-of-support
// notice for a release and sets the release's milestones from it (eol_on
// becomes the end-of-life milestone, end_of_support_on the end-of-support
// one), in one transaction; a phase that follows the milestones moves and
// the move is recorded. The issue day defaults to today and an end-of-life
// notice's eol_on to its issue day. Only manufacturers issue notices.
func (s *Service) RecordNotice(ctx context.Context, sc vigil.Scope, releaseID int64, in vigil.NoticeInput) (*NoticeRecord, error) {
	in.Title = strings.TrimSpace(in.Title)
	in.Successor = strings.TrimSpace(in.Successor)
	in.CompensatingControls = trimList(in.CompensatingControls)
	if in.IssuedOn.IsZero() {
		in.IssuedOn = s.today()
	}
	if in.Kind == vigil.NoticeEndOfLife && in.EOLOn.IsZero() {
		in.EOLOn = in.IssuedOn
	}
	if err := in.Validate(); err != nil {
		return nil, err
	}
	out := &NoticeRecord{}
	err := s.store.Update(ctx, func(tx Tx) error {
		org, err := tx.FindOrgByID(ctx, sc.OrgID)
		if err != nil {
			return err
		}
		if org.Kind != vigil.Manufacturer {
			return fmt.Errorf("%s is a %s: end-of-life and end-of-support notices come from manufacturers: %w", org.Slug, org.Kind, vigil.ErrForbidden)
		}
		rel, err := tx.FindReleaseByID(ctx, sc, releaseID)
		if err != nil {
			return err
		}
		if in.SuccessorReleaseID != 0 {
			if in.SuccessorReleaseID == releaseID {
				return &vigil.ValidationError{Fields: []vigil.FieldError{{Field: "successor_release_id", Message: "is the release itself"}}}
			}
			succ, err := tx.FindReleaseByID(ctx, sc, in.SuccessorReleaseID)
			if err != nil {
				return fmt.Errorf("successor: %w", err)
			}
			if in.Successor == "" {
				in.Successor = succ.Product + " " + succ.Version
			}
		}
		next := rel.Milestones
		if !in.EOLOn.IsZero() {
			next.EOLNoticeOn = in.EOLOn
		}
		if !in.EndOfSupportOn.IsZero() {
			next.EndOfSupportOn = in.EndOfSupportOn
		}
		updated := *rel
		updated.Milestones = next
		if err := updated.Validate(); err != nil {
			return fmt.Errorf("the notice's dates do not fit release %s %s (released %s): %w", rel.Product, rel.Version, orNone(rel.ReleasedOn), err)
		}
		n := &vigil.Notice{
			ReleaseID: releaseID, Kind: in.Kind, Title: in.Title, IssuedOn: in.IssuedOn, EOLOn: in.EOLOn,
			EndOfSupportOn: in.EndOfSupportOn, RemainsSupported: strings.TrimSpace(in.RemainsSupported),
			CompensatingControls: in.CompensatingControls, SuccessorReleaseID: in.SuccessorReleaseID,
			Successor: in.Successor, URL: in.URL, CreatedBy: sc.Who(),
		}
		if err := tx.CreateNotice(ctx, sc, n); err != nil {
			return err
		}
		before := rel.Refresh(s.today())
		updated.Phase = updated.Refresh(s.today())
		if err := tx.UpdateRelease(ctx, sc, &updated); err != nil {
			return err
		}
		if updated.Phase != before {
			c := &vigil.PhaseChange{ReleaseID: releaseID, From: before, To: updated.Phase, Actor: sc.Who(),
				Reason: fmt.Sprintf("%s notice %d: %s", strings.ReplaceAll(string(n.Kind), "_", "-"), n.ID, n.Title)}
			if err := tx.AddPhaseChange(ctx, sc, c); err != nil {
				return err
			}
			out.PhaseChange = c
		}
		out.Notice, out.Release = n, &updated
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func orNone(d vigil.Date) string {
	if d.IsZero() {
		return "not yet"
	}
	return d.String()
}

func trimList(list []string) []string {
	var out []string
	for _, s := range list {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// Notices lists the scope's own notices, newest first; with releaseID
// those of one release.
func (s *Service) Notices(ctx context.Context, sc vigil.Scope, releaseID *int64) ([]*vigil.Notice, error) {
	var out []*vigil.Notice
	err := s.store.View(ctx, func(tx Tx) error {
		if releaseID != nil {
			if _, err := tx.FindReleaseByID(ctx, sc, *releaseID); err != nil {
				return err
			}
		}
		var err error
		out, err = tx.FindNotices(ctx, sc, vigil.NoticeFilter{ReleaseID: releaseID})
		return err
	})
	if out == nil {
		out = []*vigil.Notice{}
	}
	return out, err
}

// Notice returns one of the scope's notices.
func (s *Service) Notice(ctx context.Context, sc vigil.Scope, id int64) (*vigil.Notice, error) {
	var out *vigil.Notice
	err := s.store.View(ctx, func(tx Tx) error {
		var err error
		out, err = tx.FindNoticeByID(ctx, sc, id)
		return err
	})
	return out, err
}

// RecordTransfer records the transfer of responsibility for a release at
// its end of support: residual risks, compensating controls in place, the
// final documentation and, when given, who accepted them. The release must
// have an end-of-support date (or be set to End of Support); the effective
// day defaults to that date, and an acceptance day to today.
func (s *Service) RecordTransfer(ctx context.Context, sc vigil.Scope, releaseID int64, in vigil.TransferInput) (*vigil.Transfer, error) {
	in.CompensatingControls = trimList(in.CompensatingControls)
	if in.Acceptance != nil {
		a := normalizeAcceptance(*in.Acceptance, s.today())
		in.Acceptance = &a
	}
	var out *vigil.Transfer
	err := s.store.Update(ctx, func(tx Tx) error {
		rel, err := tx.FindReleaseByID(ctx, sc, releaseID)
		if err != nil {
			return err
		}
		phase := rel.Refresh(s.today())
		if rel.EndOfSupportOn.IsZero() && phase != vigil.PhaseEndOfSupport {
			return fmt.Errorf("release %s %s has no end-of-support date and is in %s: responsibility is transferred at end of support (record an end-of-support notice first): %w",
				rel.Product, rel.Version, phase, vigil.ErrConflict)
		}
		if in.EffectiveOn.IsZero() {
			in.EffectiveOn = rel.EndOfSupportOn
		}
		if in.EffectiveOn.IsZero() {
			in.EffectiveOn = s.today()
		}
		if err := in.Validate(); err != nil {
			return err
		}
		if !rel.ReleasedOn.IsZero() && in.EffectiveOn.Before(rel.ReleasedOn) {
			return &vigil.ValidationError{Fields: []vigil.FieldError{{Field: "effective_on", Message: "is before the release date " + rel.ReleasedOn.String()}}}
		}
		t := &vigil.Transfer{
			ReleaseID: releaseID, EffectiveOn: in.EffectiveOn, ResidualRisks: in.ResidualRisks,
			CompensatingControls: in.CompensatingControls, Documents: in.Documents,
			SanitizationGuidance: strings.TrimSpace(in.SanitizationGuidance), Notes: strings.TrimSpace(in.Notes),
			RecordedBy: sc.Who(),
		}
		if a := in.Acceptance; a != nil {
			t.AcceptedBy, t.AcceptedRole, t.AcceptedOrg, t.AcceptedOn, t.AcceptanceRecordedBy = a.By, a.Role, a.Org, a.On, sc.Who()
		}
		if err := tx.CreateTransfer(ctx, sc, t); err != nil {
			return err
		}
		out = t
		return nil
	})
	return out, err
}

func normalizeAcceptance(a vigil.TransferAcceptance, today vigil.Date) vigil.TransferAcceptance {
	a.By, a.Role, a.Org = strings.TrimSpace(a.By), strings.TrimSpace(a.Role), strings.TrimSpace(a.Org)
	if a.On.IsZero() {
		a.On = today
	}
	return a
}

// AcceptTransfer records who accepted a transfer's residual risks. A
// transfer is accepted once; a second acceptance is a conflict.
func (s *Service) AcceptTransfer(ctx context.Context, sc vigil.Scope, id int64, a vigil.TransferAcceptance) (*vigil.Transfer, error) {
	a = normalizeAcceptance(a, s.today())
	if err := a.Validate(); err != nil {
		return nil, err
	}
	var out *vigil.Transfer
	err := s.store.Update(ctx, func(tx Tx) error {
		t, err := tx.FindTransferByID(ctx, sc, id)
		if err != nil {
			return err
		}
		t.AcceptedBy, t.AcceptedRole, t.AcceptedOrg, t.AcceptedOn, t.AcceptanceRecordedBy = a.By, a.Role, a.Org, a.On, sc.Who()
		if err := tx.AcceptTransfer(ctx, sc, t); err != nil {
			return err
		}
		out = t
		return nil
	})
	return out, err
}

// Transfers lists the scope's transfers; with releaseID those of one
// release.
func (s *Service) Transfers(ctx context.Context, sc vigil.Scope, releaseID *int64) ([]*vigil.Transfer, error) {
	var out []*vigil.Transfer
	err := s.store.View(ctx, func(tx Tx) error {
		if releaseID != nil {
			if _, err := tx.FindReleaseByID(ctx, sc, *releaseID); err != nil {
				return err
			}
		}
		var err error
		out, err = tx.FindTransfers(ctx, sc, vigil.TransferFilter{ReleaseID: releaseID})
		return err
	})
	if out == nil {
		out = []*vigil.Transfer{}
	}
	return out, err
}

// Transfer returns one of the scope's transfers.
func (s *Service) Transfer(ctx context.Context, sc vigil.Scope, id int64) (*vigil.Transfer, error) {
	var out *vigil.Transfer
	err := s.store.View(ctx, func(tx Tx) error {
		var err error
		out, err = tx.FindTransferByID(ctx, sc, id)
		return err
	})
	return out, err
}

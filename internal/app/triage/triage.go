package triage

import (
	"context"
	"fmt"
	"strings"

	"github.com/vigil/vigil"
)

// Finding returns one finding, resolved or not, with its current triage
// decision.
func (s *Service) Finding(ctx context.Context, sc vigil.Scope, id int64) (*vigil.Finding, error) {
	var f *vigil.Finding
	err := s.store.View(ctx, func(tx Tx) error {
		var err error
		f, err = findFinding(ctx, tx, sc, id)
		return err
	})
	return f, err
}

func findFinding(ctx context.Context, tx Tx, sc vigil.Scope, id int64) (*vigil.Finding, error) {
	fs, err := tx.FindFindings(ctx, sc, vigil.FindingFilter{ID: &id, IncludeResolved: true})
	if err != nil {
		return nil, err
	}
	if len(fs) == 0 {
		return nil, fmt.Errorf("finding %d: %w", id, vigil.ErrNotFound)
	}
	return fs[0], nil
}

// TriageFinding records a decision about a finding and appends it to the
// finding's history, in one transaction. The input is validated whole
// (see vigil.TriageInput.Validate); a decision identical to the current
// one (state, justification, response, detail and source) is not
// recorded again. A VEX statement (Source vex) that differs from a
// person's or a carried decision is refused with vigil.ErrConflict
// unless in.Force: a statement never silently overrides a human decision.
func (s *Service) TriageFinding(ctx context.Context, sc vigil.Scope, findingID int64, in vigil.TriageInput) (*vigil.Finding, error) {
	in = NormalizeInput(in)
	if err := in.Validate(); err != nil {
		return nil, err
	}
	var out *vigil.Finding
	err := s.store.Update(ctx, func(tx Tx) error {
		f, err := findFinding(ctx, tx, sc, findingID)
		if err != nil {
			return err
		}
		if _, err := Decide(ctx, tx, sc, f, in, 0); err != nil {
			return err
		}
		out, err = findFinding(ctx, tx, sc, findingID)
		return err
	})
	return out, err
}

// NormalizeInput fills a triage input's defaults (a human decision) and
// trims its text, as every way of deciding does.
func NormalizeInput(in vigil.TriageInput) vigil.TriageInput {
	if in.Source == "" {
		in.Source = vigil.DecisionHuman
	}
	in.Detail = strings.TrimSpace(in.Detail)
	in.SourceRef = strings.TrimSpace(in.SourceRef)
	if !in.SourceTime.IsZero() {
		in.SourceTime = in.SourceTime.UTC()
	}
	return in
}

// triageFinding applies a validated decision to f inside tx. It reports
// whether an entry was appended (false: the same decision stood).
// EventWriter records triage events, as Decide needs.
type EventWriter interface {
	AddTriageEvent(ctx context.Context, sc vigil.Scope, e *vigil.TriageEvent) error
}

// Decide records decision in on finding f inside the caller's transaction
// and reports whether it changed anything. A VEX statement does not
// override a different decision of another source unless forced: that is
// vigil.ErrConflict. carriedFrom names the finding a carried decision
// came from.
func Decide(ctx context.Context, tx EventWriter, sc vigil.Scope, f *vigil.Finding, in vigil.TriageInput, carriedFrom int64) (bool, error) {
	cur := f.Triage
	if cur != nil && !cur.Differs(in) && cur.Detail == in.Detail && cur.Source == in.Source && cur.SourceRef == in.SourceRef {
		return false, nil
	}
	if in.Source == vigil.DecisionVEX && !in.Force && cur != nil && cur.Source != vigil.DecisionVEX && cur.Differs(in) {
		return false, fmt.Errorf("finding %d: VEX statement says %s but %s decided %s (%s, %s): %w",
			f.ID, describeDecision(in.State, in.Justification), cur.Actor, describeDecision(cur.State, cur.Justification),
			cur.Source, cur.At.Format("2006-01-02"), vigil.ErrConflict)
	}
	e := &vigil.TriageEvent{
		FindingID: f.ID, ReleaseID: f.ReleaseID, VulnID: f.VulnID, ComponentKey: f.ComponentKey,
		ComponentVersion: f.ComponentVersion, From: f.TriageState(),
		TriageDecision: vigil.TriageDecision{
			State: in.State, Justification: in.Justification, Response: in.Response, Detail: in.Detail,
			Source: in.Source, SourceRef: in.SourceRef, SourceTime: in.SourceTime, Actor: sc.Who(), CarriedFromID: carriedFrom,
		},
	}
	if err := tx.AddTriageEvent(ctx, sc, e); err != nil {
		return false, err
	}
	f.Triage = &e.TriageDecision
	return true, nil
}

func describeDecision(st vigil.TriageState, j vigil.Justification) string {
	if j != "" {
		return string(st) + " (" + string(j) + ")"
	}
	return string(st)
}

// FindTriageHistory returns a finding's triage history, oldest first. The
// history outlives the finding: entries of a finding whose SBOM or
// release was deleted are still returned.
func (s *Service) FindTriageHistory(ctx context.Context, sc vigil.Scope, findingID int64) ([]*vigil.TriageEvent, error) {
	var out []*vigil.TriageEvent
	err := s.store.View(ctx, func(tx Tx) error {
		var err error
		if out, err = tx.FindTriageEvents(ctx, sc, findingID); err != nil {
			return err
		}
		if len(out) > 0 {
			return nil
		}
		_, err = findFinding(ctx, tx, sc, findingID)
		return err
	})
	if out == nil && err == nil {
		out = []*vigil.TriageEvent{}
	}
	return out, err
}

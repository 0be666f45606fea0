package triage_test

import (
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/app/apptest"
)

func TestTriageValidation(t *testing.T) {
	svc, _ := apptest.New(t)
	sc := apptest.Org(t, svc, "acme")
	_, f := apptest.Finding(t, svc, sc, "Pump", "1.0")
	tests := []struct {
		name       string
		in         vigil.TriageInput
		wantFields []string
	}{
		{"unknown state", vigil.TriageInput{State: "maybe", Detail: "x"}, []string{"state"}},
		{"not_affected without justification", vigil.TriageInput{State: vigil.TriageNotAffected, Detail: "x"}, []string{"justification"}},
		{"justification on affected", vigil.TriageInput{State: vigil.TriageAffected, Justification: vigil.JustComponentNotPresent, Detail: "x"}, []string{"justification"}},
		{"unknown justification", vigil.TriageInput{State: vigil.TriageNotAffected, Justification: "because", Detail: "x"}, []string{"justification"}},
		{"response on not_affected", vigil.TriageInput{State: vigil.TriageNotAffected, Justification: vigil.JustComponentNotPresent, Response: vigil.ResponseUpdate, Detail: "x"}, []string{"response"}},
		{"person without reason", vigil.TriageInput{State: vigil.TriageAffected}, []string{"detail"}},
		{"VEX without reference", vigil.TriageInput{State: vigil.TriageAffected, Source: vigil.DecisionVEX}, []string{"source_ref"}},
		{"control characters", vigil.TriageInput{State: vigil.TriageAffected, Detail: "ok\x1b[2J"}, []string{"detail"}},
		{"unknown source", vigil.TriageInput{State: vigil.TriageAffected, Detail: "x", Source: "rumour"}, []string{"source"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := svc.Triage.TriageFinding(t.Context(), sc, f.ID, tt.in)
			var ve *vigil.ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("err = %v, want a validation error", err)
			}
			var got []string
			for _, fe := range ve.Fields {
				got = append(got, fe.Field)
			}
			if diff := cmp.Diff(tt.wantFields, got); diff != "" {
				t.Errorf("fields (-want +got):\n%s", diff)
			}
		})
	}
	h, err := svc.Triage.FindTriageHistory(t.Context(), sc, f.ID)
	if err != nil || len(h) != 0 {
		t.Errorf("history after refused inputs = %v, %v; want empty", h, err)
	}
}

func TestTriageHistoryAndVEXConflict(t *testing.T) {
	svc, clk := apptest.New(t)
	sc := apptest.Org(t, svc, "acme")
	other := apptest.Org(t, svc, "other")
	r, f := apptest.Finding(t, svc, sc, "Pump", "1.0")
	if f.Triage != nil || f.TriageState() != vigil.TriageUnderInvestigation {
		t.Fatalf("new finding has a decision: %+v", f.Triage)
	}

	// A VEX statement on an undecided finding applies.
	stmtAt := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	got, err := svc.Triage.TriageFinding(t.Context(), sc, f.ID, vigil.TriageInput{
		State: vigil.TriageAffected, Source: vigil.DecisionVEX, SourceRef: "supplier-vex-1#0", SourceTime: stmtAt,
	})
	if err != nil {
		t.Fatal(err)
	}
	if got.Triage.Source != vigil.DecisionVEX || !got.Triage.SourceTime.Equal(stmtAt) {
		t.Fatalf("decision = %+v", got.Triage)
	}

	// A person decides otherwise; a VEX statement then conflicts.
	clk.Time = clk.Time.Add(time.Hour)
	human := vigil.TriageInput{State: vigil.TriageNotAffected, Justification: vigil.JustVulnerableCodeNotInExecutePath,
		Detail: "The device firmware never deserializes untrusted JSON."}
	if _, err := svc.Triage.TriageFinding(t.Context(), sc, f.ID, human); err != nil {
		t.Fatal(err)
	}
	vex := vigil.TriageInput{State: vigil.TriageAffected, Source: vigil.DecisionVEX, SourceRef: "supplier-vex-2#0"}
	if _, err := svc.Triage.TriageFinding(t.Context(), sc, f.ID, vex); !errors.Is(err, vigil.ErrConflict) {
		t.Fatalf("VEX over a human decision: err = %v, want ErrConflict", err)
	}
	// One that agrees is no conflict; it is recorded (a new source).
	agree := vigil.TriageInput{State: vigil.TriageNotAffected, Justification: vigil.JustVulnerableCodeNotInExecutePath,
		Source: vigil.DecisionVEX, SourceRef: "supplier-vex-3#0"}
	if _, err := svc.Triage.TriageFinding(t.Context(), sc, f.ID, agree); err != nil {
		t.Fatalf("agreeing VEX: %v", err)
	}
	if _, err := svc.Triage.TriageFinding(t.Context(), sc, f.ID, human); err != nil {
		t.Fatal(err)
	}
	// Forced, it replaces the decision and the history keeps both.
	vex.Force = true
	if _, err := svc.Triage.TriageFinding(t.Context(), sc, f.ID, vex); err != nil {
		t.Fatalf("forced VEX: %v", err)
	}
	// The same decision again records nothing.
	if _, err := svc.Triage.TriageFinding(t.Context(), sc, f.ID, vex); err != nil {
		t.Fatal(err)
	}

	h, err := svc.Triage.FindTriageHistory(t.Context(), sc, f.ID)
	if err != nil {
		t.Fatal(err)
	}
	type step struct {
		From, To vigil.TriageState
		Source   vigil.DecisionSource
	}
	var steps []step
	for _, e := range h {
		steps = append(steps, step{e.From, e.State, e.Source})
		if e.Actor != "tester" || e.ReleaseID != r.ID || e.VulnID != f.VulnID || e.FindingID != f.ID {
			t.Errorf("entry %+v lacks who or what", e)
		}
	}
	want := []step{
		{vigil.TriageUnderInvestigation, vigil.TriageAffected, vigil.DecisionVEX},
		{vigil.TriageAffected, vigil.TriageNotAffected, vigil.DecisionHuman},
		{vigil.TriageNotAffected, vigil.TriageNotAffected, vigil.DecisionVEX},
		{vigil.TriageNotAffected, vigil.TriageNotAffected, vigil.DecisionHuman},
		{vigil.TriageNotAffected, vigil.TriageAffected, vigil.DecisionVEX},
	}
	if diff := cmp.Diff(want, steps); diff != "" {
		t.Errorf("history (-want +got):\n%s", diff)
	}

	// Rematching keeps the decision and the history.
	if _, err := svc.Knowledge.MatchRelease(t.Context(), sc, r.ID, nil); err != nil {
		t.Fatal(err)
	}
	fs, _ := svc.Knowledge.Findings(t.Context(), sc, r.ID, false)
	if len(fs) != 1 || fs[0].Triage == nil || fs[0].Triage.State != vigil.TriageAffected || fs[0].Triage.SourceRef != "supplier-vex-2#0" {
		t.Fatalf("after rematch: %+v", fs[0].Triage)
	}

	// Another organization sees neither the finding nor its history.
	if _, err := svc.Triage.TriageFinding(t.Context(), other, f.ID, human); !errors.Is(err, vigil.ErrNotFound) {
		t.Errorf("other org triage: %v, want ErrNotFound", err)
	}
	if _, err := svc.Triage.FindTriageHistory(t.Context(), other, f.ID); !errors.Is(err, vigil.ErrNotFound) {
		t.Errorf("other org history: %v, want ErrNotFound", err)
	}

	// Deleting the release keeps the history.
	if err := svc.Catalog.DeleteRelease(t.Context(), sc, r.ID); err != nil {
		t.Fatal(err)
	}
	h2, err := svc.Triage.FindTriageHistory(t.Context(), sc, f.ID)
	if err != nil || len(h2) != len(h) {
		t.Errorf("history after deleting the release: %d entries, %v; want %d", len(h2), err, len(h))
	}
}

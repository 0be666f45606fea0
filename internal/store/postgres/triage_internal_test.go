package postgres

import (
	"strings"
	"testing"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/store"
)

// TestTriageHistoryAppendOnly checks that PostgreSQL itself refuses to
// rewrite or delete triage history, even through a raw statement. It
// opens a schema of its own (pgtest imports this package, so it cannot be
// used here).
func TestTriageHistoryAppendOnly(t *testing.T) {
	ctx := t.Context()
	db := openOwnSchema(t)
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	err := db.Update(ctx, func(tx store.Tx) error {
		org, err := tx.CreateOrg(ctx, vigil.OrgInput{Slug: "acme", Name: "Acme", Kind: vigil.Manufacturer})
		if err != nil {
			return err
		}
		return tx.AddTriageEvent(ctx, vigil.Scope{OrgID: org.ID, Actor: "t"}, &vigil.TriageEvent{
			FindingID: 1, ReleaseID: 1, VulnID: "CVE-2024-0001", ComponentKey: "k", From: vigil.TriageUnderInvestigation,
			TriageDecision: vigil.TriageDecision{State: vigil.TriageAffected, Source: vigil.DecisionHuman, Actor: "t", Detail: "x"}})
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"UPDATE triage_events SET state = 'fixed'", "DELETE FROM triage_events"} {
		err := db.Update(ctx, func(tx store.Tx) error {
			_, err := tx.(*Tx).SQL().ExecContext(ctx, q)
			return err
		})
		if err == nil || !strings.Contains(err.Error(), "append-only") {
			t.Errorf("%s: err = %v, want append-only refusal", q, err)
		}
	}
}

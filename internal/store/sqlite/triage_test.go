package sqlite_test

import (
	"database/sql"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/store"
	"github.com/vigil/vigil/internal/store/sqlite"
)

// TestTriageHistoryAppendOnly checks that the database itself refuses to
// rewrite or delete triage history, whoever connects.
func TestTriageHistoryAppendOnly(t *testing.T) {
	path := filepath.Join(t.TempDir(), "vigil.db")
	db, err := sqlite.Open(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Migrate(t.Context()); err != nil {
		t.Fatal(err)
	}
	db.Now = time.Now
	err = db.Update(t.Context(), func(tx store.Tx) error {
		org, err := tx.CreateOrg(t.Context(), vigil.OrgInput{Slug: "acme", Name: "Acme", Kind: vigil.Manufacturer})
		if err != nil {
			return err
		}
		return tx.AddTriageEvent(t.Context(), vigil.Scope{OrgID: org.ID, Actor: "t"}, &vigil.TriageEvent{
			FindingID: 1, ReleaseID: 1, VulnID: "CVE-2024-0001", ComponentKey: "k", From: vigil.TriageUnderInvestigation,
			TriageDecision: vigil.TriageDecision{State: vigil.TriageAffected, Source: vigil.DecisionHuman, Actor: "t", Detail: "x"}})
	})
	if err != nil {
		t.Fatal(err)
	}
	raw, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	for _, q := range []string{"UPDATE triage_events SET state = 'fixed'", "DELETE FROM triage_events"} {
		_, err := raw.ExecContext(t.Context(), q)
		if err == nil || !strings.Contains(err.Error(), "append-only") {
			t.Errorf("%s: err = %v, want append-only refusal", q, err)
		}
	}
}

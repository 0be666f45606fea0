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

// TestWorkItemHistoryAppendOnly checks that the database itself refuses to
// rewrite remediation history, whoever connects.
func TestWorkItemHistoryAppendOnly(t *testing.T) {
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
		org, err := tx.CreateOrg(t.Context(), vigil.OrgInput{Slug: "general", Name: "General", Kind: vigil.HealthcareProvider})
		if err != nil {
			return err
		}
		sc := vigil.Scope{OrgID: org.ID, Actor: "t"}
		a := &vigil.Asset{AssetTag: "T1", Manufacturer: "Acme", Model: "M", Criticality: vigil.CriticalityMonitoring, Status: vigil.AssetInService}
		if err := tx.CreateAsset(t.Context(), sc, a); err != nil {
			return err
		}
		return tx.PutWorkItem(t.Context(), sc, &vigil.WorkItem{AssetID: a.ID, VulnID: "CVE-2024-0001", State: vigil.RemediationRiskAccepted,
			Approver: "CMIO", Reason: "r", ExpiresOn: vigil.Date{Year: 2030, Month: 1, Day: 1}},
			&vigil.WorkItemChange{ToState: vigil.RemediationRiskAccepted, Approver: "CMIO", Reason: "r"})
	})
	if err != nil {
		t.Fatal(err)
	}
	raw, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	_, err = raw.ExecContext(t.Context(), "UPDATE work_item_changes SET approver = 'someone else'")
	if err == nil || !strings.Contains(err.Error(), "append-only") {
		t.Errorf("UPDATE work_item_changes: err = %v, want append-only refusal", err)
	}
}

package postgres

import (
	"strings"
	"testing"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/store"
)

// TestWorkItemHistoryAppendOnly checks that PostgreSQL itself refuses to
// rewrite remediation history, even through a raw statement, in a schema
// of its own (as TestTriageHistoryAppendOnly).
func TestWorkItemHistoryAppendOnly(t *testing.T) {
	ctx := t.Context()
	db := openOwnSchema(t)
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	err := db.Update(ctx, func(tx store.Tx) error {
		org, err := tx.CreateOrg(ctx, vigil.OrgInput{Slug: "general", Name: "General", Kind: vigil.HealthcareProvider})
		if err != nil {
			return err
		}
		sc := vigil.Scope{OrgID: org.ID, Actor: "t"}
		a := &vigil.Asset{AssetTag: "T1", Manufacturer: "Acme", Model: "M", Criticality: vigil.CriticalityMonitoring, Status: vigil.AssetInService}
		if err := tx.CreateAsset(ctx, sc, a); err != nil {
			return err
		}
		return tx.PutWorkItem(ctx, sc, &vigil.WorkItem{AssetID: a.ID, VulnID: "CVE-2024-0001", State: vigil.RemediationRiskAccepted,
			Approver: "CMIO", Reason: "r", ExpiresOn: vigil.Date{Year: 2030, Month: 1, Day: 1}},
			&vigil.WorkItemChange{ToState: vigil.RemediationRiskAccepted, Approver: "CMIO", Reason: "r"})
	})
	if err != nil {
		t.Fatal(err)
	}
	err = db.Update(ctx, func(tx store.Tx) error {
		_, err := tx.(*Tx).SQL().ExecContext(ctx, "UPDATE work_item_changes SET approver = 'someone else'")
		return err
	})
	if err == nil || !strings.Contains(err.Error(), "append-only") {
		t.Errorf("UPDATE work_item_changes: err = %v, want append-only refusal", err)
	}
}

package postgres

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/store"
)

// TestWorkItemHistoryAppendOnly checks that PostgreSQL itself refuses to
// rewrite remediation history, even through a raw statement, in a schema
// of its own (as TestTriageHistoryAppendOnly).
func TestWorkItemHistoryAppendOnly(t *testing.T) {
	url := os.Getenv("VIGIL_TEST_POSTGRES")
	if url == "" {
		url = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"
	}
	ctx := t.Context()
	admin, err := pgx.Connect(ctx, url)
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("no PostgreSQL at %s: %v", url, err)
		}
		t.Skipf("no PostgreSQL at %s: %v", url, err)
	}
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	schema := "vigil_test_" + hex.EncodeToString(b)
	if _, err := admin.Exec(ctx, "CREATE SCHEMA "+pgx.Identifier{schema}.Sanitize()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		c := context.Background()
		_, _ = admin.Exec(c, "DROP SCHEMA "+pgx.Identifier{schema}.Sanitize()+" CASCADE")
		admin.Close(c)
	})
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		t.Fatal(err)
	}
	cfg.ConnConfig.RuntimeParams["search_path"] = schema
	db, err := OpenConfig(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.Now = time.Now
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	err = db.Update(ctx, func(tx store.Tx) error {
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
		_, err := tx.(*Tx).tx.Exec(ctx, "UPDATE work_item_changes SET approver = 'someone else'")
		return err
	})
	if err == nil || !strings.Contains(err.Error(), "append-only") {
		t.Errorf("UPDATE work_item_changes: err = %v, want append-only refusal", err)
	}
}

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

// TestTriageHistoryAppendOnly checks that PostgreSQL itself refuses to
// rewrite or delete triage history, even through a raw statement. It
// opens a schema of its own (pgtest imports this package, so it cannot be
// used here).
func TestTriageHistoryAppendOnly(t *testing.T) {
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
			_, err := tx.(*Tx).tx.Exec(ctx, q)
			return err
		})
		if err == nil || !strings.Contains(err.Error(), "append-only") {
			t.Errorf("%s: err = %v, want append-only refusal", q, err)
		}
	}
}

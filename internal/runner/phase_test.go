package runner_test

import (
	"bytes"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/app"
	"github.com/vigil/vigil/internal/runner"
	"github.com/vigil/vigil/internal/store/sqlite"
)

func TestPhaseRefreshMovesAndLogs(t *testing.T) {
	now := time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	db, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "vigil.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	db.Now = clock
	if _, err := db.Migrate(t.Context()); err != nil {
		t.Fatal(err)
	}
	svc := app.New(db, app.WithClock(clock))
	if _, err := svc.Access.CreateOrg(t.Context(), vigil.OrgInput{Slug: "acme", Kind: vigil.Manufacturer}); err != nil {
		t.Fatal(err)
	}
	sc, _, err := svc.Access.ScopeFor(t.Context(), "acme", "tester")
	if err != nil {
		t.Fatal(err)
	}
	p, err := svc.Catalog.CreateProduct(t.Context(), sc, vigil.ProductInput{Name: "Pump", Manufacturer: "Acme"})
	if err != nil {
		t.Fatal(err)
	}
	eos, _ := vigil.ParseDate("2026-07-01")
	released, _ := vigil.ParseDate("2025-01-01")
	r, err := svc.Catalog.CreateRelease(t.Context(), sc, p.ID, vigil.ReleaseInput{Version: "1.0",
		Milestones: vigil.Milestones{ReleasedOn: released, EndOfSupportOn: eos}})
	if err != nil {
		t.Fatal(err)
	}
	if r.Phase != vigil.PhaseSupport {
		t.Fatalf("new release in phase %s, want support", r.Phase)
	}

	var buf bytes.Buffer
	job := runner.NewPhaseRefresh(svc, slog.New(slog.NewTextHandler(&buf, nil)))
	if job.Name() != "lifecycle_refresh" || job.Interval() != time.Hour {
		t.Errorf("job = %s every %v, want lifecycle_refresh every hour", job.Name(), job.Interval())
	}
	if err := job.Run(t.Context()); err != nil {
		t.Fatal(err)
	}
	if buf.Len() != 0 {
		t.Errorf("nothing to move, yet logged:\n%s", buf.String())
	}

	now = time.Date(2026, 7, 2, 0, 30, 0, 0, time.UTC) // past the end of support
	if err := job.Run(t.Context()); err != nil {
		t.Fatal(err)
	}
	log := buf.String()
	for _, want := range []string{`msg="release phase moved"`, "org=acme", "product=Pump", "version=1.0",
		"from_phase=support", "to_phase=end_of_support", "job=lifecycle_refresh"} {
		if !strings.Contains(log, want) {
			t.Errorf("log lacks %s:\n%s", want, log)
		}
	}
	d, err := svc.Catalog.Release(t.Context(), sc, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	if d.Phase != vigil.PhaseEndOfSupport {
		t.Errorf("release phase after the refresh = %s, want end_of_support", d.Phase)
	}
}

// TestFleetEventsJob: the hourly pass records the risk acceptance that ran
// out, logs it, and records it once.
func TestFleetEventsJob(t *testing.T) {
	now := time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	db, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "vigil.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	db.Now = clock
	if _, err := db.Migrate(t.Context()); err != nil {
		t.Fatal(err)
	}
	svc := app.New(db, app.WithClock(clock))
	if _, err := svc.Access.CreateOrg(t.Context(), vigil.OrgInput{Slug: "general", Kind: vigil.HealthcareProvider}); err != nil {
		t.Fatal(err)
	}
	sc, _, err := svc.Access.ScopeFor(t.Context(), "general", "tester")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Assets.CreateAsset(t.Context(), sc, vigil.Asset{AssetTag: "BME-1", Manufacturer: "Baxter", Model: "Sigma Spectrum", Criticality: vigil.CriticalityTherapeutic}); err != nil {
		t.Fatal(err)
	}
	end, _ := vigil.ParseDate("2026-06-10")
	if _, err := svc.Assets.SetRemediation(t.Context(), sc, "BME-1", "CVE-2020-12040", vigil.WorkItemInput{
		State: vigil.RemediationRiskAccepted, Approver: "CISO", Reason: "network isolated", ExpiresOn: end}); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	job := runner.NewFleetEvents(svc, slog.New(slog.NewTextHandler(&buf, nil)))
	if job.Name() != "fleet_events" || job.Interval() != time.Hour {
		t.Errorf("job = %s every %v, want fleet_events every hour", job.Name(), job.Interval())
	}
	if err := job.Run(t.Context()); err != nil || buf.Len() != 0 {
		t.Fatalf("before the end: %v, logged %s", err, buf.String())
	}
	now = time.Date(2026, 6, 11, 0, 30, 0, 0, time.UTC)
	for range 2 {
		if err := job.Run(t.Context()); err != nil {
			t.Fatal(err)
		}
	}
	log := buf.String()
	if n := strings.Count(log, `msg="fleet event"`); n != 1 {
		t.Errorf("logged %d events, want 1:\n%s", n, log)
	}
	for _, want := range []string{"org=general", "kind=risk_acceptance_expired", "vuln_id=CVE-2020-12040", "before=risk_accepted", "after=open"} {
		if !strings.Contains(log, want) {
			t.Errorf("log lacks %s:\n%s", want, log)
		}
	}
}

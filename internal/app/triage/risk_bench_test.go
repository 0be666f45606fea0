package triage_test

import (
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/app"
	"github.com/vigil/vigil/internal/app/triage"
	"github.com/vigil/vigil/internal/store"
	"github.com/vigil/vigil/internal/store/sqlite"
)

// BenchmarkQueue builds the prioritised queue of a release with 1k and
// 10k findings on SQLite — half of them triaged, a quarter assessed, a
// tenth answered through the rubric, every one with a distinct
// vulnerability id (so each costs its own knowledge-base lookups) — and
// reports findings/s. The findings are generated here, straight into the
// store.
//
//	go test ./internal/app/triage -run '^$' -bench Queue -benchmem
func BenchmarkQueue(b *testing.B) {
	for _, n := range []int{1_000, 10_000} {
		b.Run(fmt.Sprintf("sqlite/%dk", n/1000), func(b *testing.B) {
			db, err := sqlite.Open(b.Context(), filepath.Join(b.TempDir(), "vigil.db"))
			if err != nil {
				b.Fatal(err)
			}
			b.Cleanup(func() { db.Close() })
			if _, err := db.Migrate(b.Context()); err != nil {
				b.Fatal(err)
			}
			svc := app.New(db)
			if _, err := svc.Access.CreateOrg(b.Context(), vigil.OrgInput{Slug: "acme", Kind: vigil.Manufacturer}); err != nil {
				b.Fatal(err)
			}
			sc, _, err := svc.Access.ScopeFor(b.Context(), "acme", "bench")
			if err != nil {
				b.Fatal(err)
			}
			p, err := svc.Catalog.CreateProduct(b.Context(), sc, vigil.ProductInput{Name: "Pump", Manufacturer: "Acme"})
			if err != nil {
				b.Fatal(err)
			}
			r, err := svc.Catalog.CreateRelease(b.Context(), sc, p.ID, vigil.ReleaseInput{Version: "1.0"})
			if err != nil {
				b.Fatal(err)
			}
			seedFindings(b, db, sc, r.ID, n)
			b.ResetTimer()
			for range b.N {
				q, err := svc.Triage.Queue(b.Context(), sc, triage.QueueFilter{ReleaseID: &r.ID, IncludeClosed: true})
				if err != nil {
					b.Fatal(err)
				}
				if len(q) != n {
					b.Fatalf("%d in the queue, want %d", len(q), n)
				}
			}
			b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "findings/s")
		})
	}
}

// seedFindings stores n findings on one release, 10 per component.
func seedFindings(b *testing.B, db store.Store, sc vigil.Scope, releaseID int64, n int) {
	b.Helper()
	ctx := b.Context()
	err := db.Update(ctx, func(tx store.Tx) error {
		doc := &vigil.SBOMDocument{ReleaseID: releaseID, Format: vigil.FormatCycloneDX, SpecVersion: "1.6", Encoding: vigil.EncodingJSON}
		if err := tx.CreateSBOM(ctx, sc, doc); err != nil {
			return err
		}
		comps := make([]*vigil.Component, n/10)
		for i := range comps {
			comps[i] = &vigil.Component{Ref: fmt.Sprintf("c%d", i), Type: vigil.ComponentLibrary, Name: fmt.Sprintf("lib%d", i), Version: "1.0"}
		}
		if err := tx.AddComponents(ctx, sc, doc, comps); err != nil {
			return err
		}
		doc.SHA256, doc.Components = "bench", len(comps)
		if err := tx.FinishSBOM(ctx, sc, doc); err != nil {
			return err
		}
		ids := map[string]int64{}
		if err := tx.EachComponent(ctx, sc, doc.ID, func(c *vigil.Component) error {
			ids[c.Ref] = c.ID
			return nil
		}); err != nil {
			return err
		}
		now := time.Now()
		for i := range n {
			ref := fmt.Sprintf("c%d", i/10)
			f := &vigil.Finding{ReleaseID: releaseID, SBOMID: doc.ID, ComponentID: ids[ref], ComponentKey: "k" + ref,
				ComponentName: "lib", ComponentVersion: "1.0", FirstSeenAt: now, LastSeenAt: now,
				Match: vigil.Match{VulnID: fmt.Sprintf("CVE-2024-%05d", i), ComponentRef: ref, Status: vigil.MatchAffected,
					Confidence: vigil.ConfidenceExact, Evidence: vigil.Evidence{Matcher: "bench", Source: vigil.Provenance{Source: vigil.SourceOSV, SourceID: "x"}}}}
			if err := tx.CreateFinding(ctx, sc, f); err != nil {
				return err
			}
			if i%2 == 0 {
				if err := tx.AddTriageEvent(ctx, sc, &vigil.TriageEvent{FindingID: f.ID, ReleaseID: releaseID, VulnID: f.VulnID,
					ComponentKey: f.ComponentKey, From: vigil.TriageUnderInvestigation, TriageDecision: vigil.TriageDecision{
						State: vigil.TriageAffected, Detail: "bench", Source: vigil.DecisionHuman, Actor: "bench"}}); err != nil {
					return err
				}
			}
			if i%4 == 0 {
				if err := tx.AddRiskAssessment(ctx, sc, &vigil.RiskAssessment{FindingID: f.ID, Actor: "bench",
					RiskAssessmentInput: vigil.RiskAssessmentInput{Harm: vigil.HarmSerious, HarmRationale: "bench"}}); err != nil {
					return err
				}
			}
			if i%10 == 0 {
				if err := tx.AddRubricAnswers(ctx, sc, &vigil.RubricAnswers{FindingID: f.ID, Rubric: "mitre-medical/1",
					Answers: map[string]string{}, Vector: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", Actor: "bench"}); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
}

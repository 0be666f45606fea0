package assets_test

import (
	"bytes"
	"cmp"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"syscall"
	"testing"
	"time"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/app"
	"github.com/vigil/vigil/internal/app/access"
	"github.com/vigil/vigil/internal/app/assets"
	"github.com/vigil/vigil/internal/fleet/assetfile"
	"github.com/vigil/vigil/internal/fleet/synth"
	"github.com/vigil/vigil/internal/store"
	"github.com/vigil/vigil/internal/store/sqlite"
)

// loadSyntheticFleet writes a synthetic fleet into st through the store
// (the service's import paths are measured elsewhere): a manufacturer with
// the releases, their SBOM components and findings; a hospital with the
// assets, each mapped to its release; a share of every product.
func loadSyntheticFleet(b *testing.B, st store.Store, f *synth.Fleet) vigil.Scope {
	b.Helper()
	ctx := b.Context()
	var mdm, hdo vigil.Scope
	err := st.Update(ctx, func(tx store.Tx) error {
		m, err := tx.CreateOrg(ctx, vigil.OrgInput{Slug: "synthetic-mdm", Name: f.Manufacturer, Kind: vigil.Manufacturer})
		if err != nil {
			return err
		}
		h, err := tx.CreateOrg(ctx, vigil.OrgInput{Slug: "synthetic-hdo", Name: "Synthetic Hospital", Kind: vigil.HealthcareProvider})
		if err != nil {
			return err
		}
		mdm, hdo = vigil.Scope{OrgID: m.ID, Actor: "bench"}, vigil.Scope{OrgID: h.ID, Actor: "bench"}
		return tx.CreateShare(ctx, mdm, &vigil.Share{GranteeOrgID: hdo.OrgID})
	})
	if err != nil {
		b.Fatal(err)
	}
	relIDs := make([]int64, len(f.Releases))
	productIDs := map[int]int64{}
	for i0 := 0; i0 < len(f.Releases); i0 += 100 {
		err := st.Update(ctx, func(tx store.Tx) error {
			now := tx.Now()
			for i := i0; i < min(i0+100, len(f.Releases)); i++ {
				rel := f.Releases[i]
				prod := f.Products[rel.Product]
				pid, ok := productIDs[rel.Product]
				if !ok {
					p, err := tx.CreateProduct(ctx, mdm, vigil.ProductInput{Name: prod.Name, Manufacturer: f.Manufacturer, DeviceModels: prod.Models})
					if err != nil {
						return err
					}
					pid, productIDs[rel.Product] = p.ID, p.ID
				}
				r := &vigil.Release{ProductID: pid, Version: rel.Version, Phase: vigil.PhaseSupport}
				if err := tx.CreateRelease(ctx, mdm, r); err != nil {
					return err
				}
				relIDs[i] = r.ID
				doc := &vigil.SBOMDocument{ReleaseID: r.ID, Format: vigil.FormatCycloneDX, SpecVersion: "1.6", Encoding: vigil.EncodingJSON,
					SHA256: fmt.Sprintf("%064x", i)}
				if err := tx.CreateSBOM(ctx, mdm, doc); err != nil {
					return err
				}
				if err := tx.AddComponents(ctx, mdm, doc, rel.Components); err != nil {
					return err
				}
				ids := map[string]int64{}
				if err := tx.EachComponent(ctx, mdm, doc.ID, func(c *vigil.Component) error {
					ids[c.Ref] = c.ID
					return nil
				}); err != nil {
					return err
				}
				for _, fd := range rel.Findings {
					c := rel.Components[fd.Component]
					if err := tx.CreateFinding(ctx, mdm, &vigil.Finding{
						ReleaseID: r.ID, SBOMID: doc.ID, ComponentID: ids[c.Ref], ComponentKey: "pkg:generic/" + c.Name,
						ComponentName: c.Name, ComponentVersion: c.Version,
						Match: vigil.Match{VulnID: fd.VulnID, ComponentRef: c.Ref, Status: vigil.MatchAffected, Confidence: vigil.ConfidenceExact,
							Evidence: vigil.Evidence{Matcher: "synthetic", MatcherVersion: 1, Identifier: c.PURL}},
						FirstSeenAt: now, LastSeenAt: now,
					}); err != nil {
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
	for i0 := 0; i0 < len(f.Assets); i0 += 10_000 {
		err := st.Update(ctx, func(tx store.Tx) error {
			for i := i0; i < min(i0+10_000, len(f.Assets)); i++ {
				a := *f.Assets[i]
				if err := tx.CreateAsset(ctx, hdo, &a); err != nil {
					return err
				}
				if err := tx.SetAssetMapping(ctx, hdo, a.ID, vigil.AssetMapping{ReleaseID: relIDs[f.AssetRelease[i]],
					Confidence: vigil.MappingExact, MappedBy: "bench"}); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	return hdo
}

// BenchmarkExposure answers "which of my devices does CVE-X touch?" over a
// synthetic fleet in SQLite, through assets.Exposure: the findings of the
// vulnerability (by index), the assets of their releases (by index), work
// items, priorities. "wide" is the vulnerability of the package most
// releases hold, "median" one of a package in at most 2% of the releases,
// "narrow" one of the package in the fewest releases, "absent" one no
// release has. The default fleet is synth.Small (5,000 assets over 100
// releases of 300 components); VIGIL_FLEET_BENCH=full loads synth.Full
// (100,000 assets over 2,000 releases of 300 components: make scale-fleet).
//
//	go test ./internal/app/assets -run '^$' -bench Exposure -benchmem
func BenchmarkExposure(b *testing.B) {
	cfg := synth.Small()
	if os.Getenv("VIGIL_FLEET_BENCH") == "full" {
		cfg = synth.Full()
	}
	f := synth.Generate(cfg)
	db, err := sqlite.Open(b.Context(), filepath.Join(b.TempDir(), "fleet.db"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(b.Context()); err != nil {
		b.Fatal(err)
	}
	start := time.Now()
	hdo := loadSyntheticFleet(b, db, f)
	findings := 0
	for _, r := range f.Releases {
		findings += len(r.Findings)
	}
	b.Logf("loaded %d assets, %d releases × %d components, %d findings in %s", len(f.Assets), len(f.Releases),
		cfg.ComponentsPerRel, findings, time.Since(start).Round(time.Millisecond))

	// Vulnerabilities by how many releases their package is in.
	type vuln struct {
		id       string
		releases int
	}
	var vs []vuln
	for v := range cfg.Vulns {
		vs = append(vs, vuln{synth.VulnID(v), f.ByPackage[cfg.PackageOfVuln(v)]})
	}
	slices.SortFunc(vs, func(a, b vuln) int { return cmp.Compare(b.releases, a.releases) })
	median, narrow := vs[0], vs[0]
	for _, v := range vs {
		if v.releases > 0 && v.releases <= max(1, len(f.Releases)/50) && median == vs[0] {
			median = v
		}
		if v.releases > 0 {
			narrow = v // the last with any release: the fewest
		}
	}
	svc := app.New(db)
	for _, tc := range []struct {
		name string
		v    vuln
	}{{"wide", vs[0]}, {"median", median}, {"narrow", narrow}, {"absent", vuln{"CVE-2099-99999", 0}}} {
		b.Run(fmt.Sprintf("sqlite/%dk-assets/%s", len(f.Assets)/1000, tc.name), func(b *testing.B) {
			var exposed int
			cpu0 := cpuTime()
			for b.Loop() {
				ex, err := svc.Assets.Exposure(b.Context(), hdo, tc.v.id)
				if err != nil {
					b.Fatal(err)
				}
				exposed = len(ex.Exposed)
			}
			// CPU time per answer: what the figure would be on an idle
			// machine, whatever else shares the cores.
			b.ReportMetric(float64((cpuTime()-cpu0).Microseconds())/1000/float64(b.N), "cpu-ms/op")
			b.ReportMetric(float64(exposed), "assets")
			b.ReportMetric(float64(tc.v.releases), "releases")
		})
	}
}

// cpuTime is the process's user and system CPU time so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkImportAssets imports the synthetic fleet's assets as a CMMS CSV
// export through service.ImportAssets (parse, check every row, upsert in
// one transaction, map each new asset to the shared catalogue and look up
// its device-advisory products) and reports rows/s. "first" imports into a
// fresh hospital; "reimport" imports the same file again, every row
// unchanged. Sizes as BenchmarkExposure (VIGIL_FLEET_BENCH=full: 100,000
// rows against 2,000 releases).
func BenchmarkImportAssets(b *testing.B) {
	cfg := synth.Small()
	if os.Getenv("VIGIL_FLEET_BENCH") == "full" {
		cfg = synth.Full()
	}
	f := synth.Generate(cfg)
	fleetAssets := f.Assets
	f.Assets, f.AssetRelease = nil, nil // the catalogue only
	db, err := sqlite.Open(b.Context(), filepath.Join(b.TempDir(), "fleet.db"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(b.Context()); err != nil {
		b.Fatal(err)
	}
	loadSyntheticFleet(b, db, f)
	var csv bytes.Buffer
	if err := assetfile.WriteCSV(&csv, fleetAssets); err != nil {
		b.Fatal(err)
	}
	svc := app.New(db)
	i := 0
	hospital := func(b *testing.B) vigil.Scope {
		i++
		slug := fmt.Sprintf("import-%d", i)
		sc := orgOfKindB(b, svc, slug)
		if _, err := svc.Access.Share(b.Context(), vigil.Scope{OrgID: 1, Actor: "bench"}, access.ShareInput{Grantee: slug}); err != nil {
			b.Fatal(err)
		}
		return sc
	}
	run := func(b *testing.B, sc vigil.Scope, created, unchanged int) {
		rep, err := svc.Assets.ImportAssets(b.Context(), sc, bytes.NewReader(csv.Bytes()), assets.AssetImportOptions{})
		if err != nil {
			b.Fatal(err)
		}
		if rep.Created != created || rep.Unchanged != unchanged {
			b.Fatalf("created %d unchanged %d, want %d %d", rep.Created, rep.Unchanged, created, unchanged)
		}
		if created > 0 && rep.Mapping.Mapped != created {
			b.Fatalf("mapped %d of %d", rep.Mapping.Mapped, created)
		}
	}
	n := len(fleetAssets)
	b.Run(fmt.Sprintf("sqlite/%dk-rows/first", n/1000), func(b *testing.B) {
		cpu0 := cpuTime()
		for b.Loop() {
			b.StopTimer()
			sc := hospital(b)
			b.StartTimer()
			run(b, sc, n, 0)
		}
		b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "rows/s")
		b.ReportMetric(float64((cpuTime()-cpu0).Milliseconds())/float64(b.N), "cpu-ms/op")
	})
	b.Run(fmt.Sprintf("sqlite/%dk-rows/reimport", n/1000), func(b *testing.B) {
		sc := hospital(b)
		run(b, sc, n, 0)
		cpu0 := cpuTime()
		for b.Loop() {
			run(b, sc, 0, n)
		}
		b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "rows/s")
		b.ReportMetric(float64((cpuTime()-cpu0).Milliseconds())/float64(b.N), "cpu-ms/op")
	})
}

func orgOfKindB(b *testing.B, svc *app.App, slug string) vigil.Scope {
	b.Helper()
	if _, err := svc.Access.CreateOrg(b.Context(), vigil.OrgInput{Slug: slug, Kind: vigil.HealthcareProvider}); err != nil {
		b.Fatal(err)
	}
	sc, _, err := svc.Access.ScopeFor(b.Context(), slug, "bench")
	if err != nil {
		b.Fatal(err)
	}
	return sc
}

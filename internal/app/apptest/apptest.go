// Package apptest sets up the application for the tests of its parts: a
// fresh, migrated SQLite store in a temporary directory behind a settable
// clock, and the organizations and releases most tests start from.
package apptest

import (
	"errors"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/app"
	"github.com/vigil/vigil/internal/realdata"
	"github.com/vigil/vigil/internal/store/sqlite"
)

// Clock is a settable clock for the application and its store. It starts
// at 2026-11-28 09:00 UTC.
type Clock struct{ Time time.Time }

// Now is the clock's time.
func (c *Clock) Now() time.Time { return c.Time }

// New returns the application over a fresh store, and its clock.
func New(t testing.TB, opts ...app.Option) (*app.App, *Clock) {
	t.Helper()
	a, _, c := Open(t, opts...)
	return a, c
}

// Open is New that also returns the store, for tests that set up rows no
// application call writes.
func Open(t testing.TB, opts ...app.Option) (*app.App, *sqlite.DB, *Clock) {
	t.Helper()
	c := &Clock{Time: time.Date(2026, 11, 28, 9, 0, 0, 0, time.UTC)}
	db, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "vigil.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	db.Now = c.Now
	if _, err := db.Migrate(t.Context()); err != nil {
		t.Fatal(err)
	}
	return app.New(db, append([]app.Option{app.WithClock(c.Now)}, opts...)...), db, c
}

// Org creates a manufacturer and returns its scope, acting as "tester".
func Org(t testing.TB, a *app.App, slug string) vigil.Scope {
	t.Helper()
	return OrgOfKind(t, a, slug, vigil.Manufacturer)
}

// OrgOfKind creates an organization of a kind and returns its scope,
// acting as "tester".
func OrgOfKind(t testing.TB, a *app.App, slug string, kind vigil.OrgKind) vigil.Scope {
	t.Helper()
	if _, err := a.Access.CreateOrg(t.Context(), vigil.OrgInput{Slug: slug, Kind: kind}); err != nil {
		t.Fatal(err)
	}
	sc, _, err := a.Access.ScopeFor(t.Context(), slug, "tester")
	if err != nil {
		t.Fatal(err)
	}
	return sc
}

// Date parses a YYYY-MM-DD date or panics.
func Date(s string) vigil.Date {
	v, err := vigil.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return v
}

// Release creates a release of product (created by Acme if missing).
func Release(t testing.TB, a *app.App, sc vigil.Scope, product string, in vigil.ReleaseInput) *vigil.Release {
	t.Helper()
	p, err := a.Catalog.ResolveProduct(t.Context(), sc, product)
	if errors.Is(err, vigil.ErrNotFound) {
		p, err = a.Catalog.CreateProduct(t.Context(), sc, vigil.ProductInput{Name: product, Manufacturer: "Acme"})
	}
	if err != nil {
		t.Fatal(err)
	}
	r, err := a.Catalog.CreateRelease(t.Context(), sc, p.ID, in)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// NewRelease creates a release of product with only a version.
func NewRelease(t testing.TB, a *app.App, sc vigil.Scope, product, version string) *vigil.Release {
	t.Helper()
	return Release(t, a, sc, product, vigil.ReleaseInput{Version: version})
}

// dataDir is the demo's data set, found from this file so that tests in
// any directory read the same files.
var dataDir = func() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "demo", "data")
}()

// DemoData is the path of a file of the demo's data set.
func DemoData(name string) string { return filepath.Join(dataDir, name) }

var (
	// DemoSBOM is the demo's infusion pump 3.0 CycloneDX SBOM.
	DemoSBOM = DemoData("infusion-pump-3.0.cdx.json")
	// DemoFeeds is the demo's folder of knowledge-base feeds.
	DemoFeeds = DemoData("feeds")
)

// MedicalSBOM is the path of a real medical-device CycloneDX SBOM of the
// shared test data.
func MedicalSBOM(t testing.TB) string {
	t.Helper()
	return realdata.Path(t, "sbom/cyclonedx/medical-device-case-study/extended.sbom.json")
}

var (
	// NewtonsoftOSV is the demo's OSV record of CVE-2024-21907,
	// Newtonsoft.Json before 13.0.1.
	NewtonsoftOSV = DemoData("feeds/osv/CVE-2024-21907.json")
	// JQueryOSV is the demo's OSV record of CVE-2020-11022, jQuery 1.2 to
	// 3.5.0.
	JQueryOSV = DemoData("feeds/osv/CVE-2020-11022.json")
)

// SSDSanitization is a passed, verified purge of an SSD by cryptographic
// erase on 2026-11-27: the record a decommissioning that stores PHI needs.
func SSDSanitization() vigil.Sanitization {
	return vigil.Sanitization{
		MediaType: vigil.MediaSSD, MediaSerial: "SN-1", Method: vigil.SanitizePurge, Technique: vigil.TechniqueCryptographicErase,
		Tool: "nvme-cli 2.8", VerificationMethod: vigil.VerifySampling, VerificationResult: vigil.VerificationPassed,
		PerformedBy: vigil.Person{Name: "Sam Ortiz"}, VerifiedBy: vigil.Person{Name: "Priya Raman"},
		PerformedOn: Date("2026-11-27"), Destination: vigil.DestinationRecycling,
	}
}

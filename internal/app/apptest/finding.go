package apptest

import (
	"bytes"
	"os"
	"testing"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/app"
	"github.com/vigil/vigil/internal/app/knowledge"
)

// Finding imports the demo pump's SBOM into a new release and the
// demo's OSV record of jQuery's CVE-2020-11022 (CVSS 3.1 6.9), which
// finds one finding on it (jQuery 3.4.1).
func Finding(t testing.TB, svc *app.App, sc vigil.Scope, product, version string) (*vigil.Release, *vigil.Finding) {
	t.Helper()
	r := NewRelease(t, svc, sc, product, version)
	raw, err := os.ReadFile(DemoSBOM)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Inventory.ImportSBOM(t.Context(), sc, r.ID, bytes.NewReader(raw)); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Knowledge.ImportFeeds(t.Context(), []string{JQueryOSV}, knowledge.FeedOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Knowledge.MatchRelease(t.Context(), sc, r.ID, nil); err != nil {
		t.Fatal(err)
	}
	fs, err := svc.Knowledge.Findings(t.Context(), sc, r.ID, false)
	if err != nil {
		t.Fatal(err)
	}
	if len(fs) != 1 {
		t.Fatalf("%d findings, want 1", len(fs))
	}
	return r, fs[0]
}

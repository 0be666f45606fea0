package support_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"testing"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/app"
	"github.com/vigil/vigil/internal/app/apptest"
	"github.com/vigil/vigil/internal/app/assets"
	"github.com/vigil/vigil/internal/app/support"
	"github.com/vigil/vigil/internal/fleet/assetfile"
)

const frozenHeader = "Asset Tag,Serial Number,Manufacturer,Model,Criticality,PHI,Status,Department\n"

func importCSV(t *testing.T, svc *app.App, sc vigil.Scope, csv string, m assetfile.Mapping, dry bool) (*assets.AssetImport, error) {
	t.Helper()
	return svc.Assets.ImportAssets(t.Context(), sc, strings.NewReader(frozenHeader+csv), assets.AssetImportOptions{Mapping: m, DryRun: dry})
}

// TestDecommissionedIsFrozen: the case seen in a hospital — a CMMS
// re-import whose row reuses the tag of a decommissioned pump for another
// device — never edits the pump, and its certificate keeps certifying the
// pump, on the day it was issued.
func TestDecommissionedIsFrozen(t *testing.T) {
	svc, db, clk := apptest.Open(t) // 2026-11-28
	f := newFleetSetup(t, svc, db)
	ctx := t.Context()
	if _, err := svc.Support.RecordSanitization(ctx, f.hdo, "BME-1", apptest.SSDSanitization()); err != nil {
		t.Fatal(err)
	}
	res, err := svc.Support.DecommissionAsset(ctx, f.hdo, "BME-1", vigil.DecommissionInput{Reason: "past end of support"})
	if err != nil {
		t.Fatal(err)
	}
	issued := res.Certificate
	if issued.SHA256 == "" || res.Decommission.CertificateSHA256 != issued.SHA256 {
		t.Fatalf("certificate not stored with its SHA-256: %+v / %+v", issued, res.Decommission)
	}
	render := func(ref string) []byte {
		t.Helper()
		c, err := svc.Support.Certificate(ctx, f.hdo, ref)
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		if err := c.WriteText(&b); err != nil {
			t.Fatal(err)
		}
		return b.Bytes()
	}
	before := render("BME-1")
	id := res.Asset.ID
	clk.Time = clk.Time.AddDate(0, 0, 40) // weeks later

	// The CMMS still lists the pump, now "Disposed": the row changes
	// nothing and says so.
	rep, err := importCSV(t, svc, f.hdo, "BME-1,,Acme Medical Devices,IP-3000,life support,yes,Disposed,Stores\n", assetfile.Mapping{}, false)
	if err != nil {
		t.Fatalf("re-import of the decommissioned pump: %v (%+v)", err, rep)
	}
	if rep.Frozen != 1 || rep.Updated != 0 || !strings.Contains(warnings(rep), "decommissioned: frozen") {
		t.Errorf("re-import = %+v", rep)
	}

	// The tag now on another device: a problem on its row, dry or not,
	// and nothing is written.
	other := "BME-1,NEW-77,Philips,IntelliVue MX450,monitoring,no,In Service,ICU 4\n"
	for _, dry := range []bool{true, false} {
		rep, err = importCSV(t, svc, f.hdo, "BME-7,S-7,Acme Medical Devices,IP-3000,monitoring,no,In Service,ICU\n"+other, assetfile.Mapping{}, dry)
		if dry && err != nil || !dry && !errors.Is(err, assets.ErrImportProblems) {
			t.Errorf("dry %v: error %v", dry, err)
		}
		if len(rep.Problems) != 1 || rep.Problems[0].Row != 3 || !strings.Contains(rep.Problems[0].Message, "decommissioned asset BME-1") {
			t.Errorf("dry %v: problems %+v", dry, rep.Problems)
		}
	}
	if _, err := svc.Assets.Asset(ctx, f.hdo, "BME-7"); !errors.Is(err, vigil.ErrNotFound) {
		t.Errorf("a refused import wrote its other row: %v", err)
	}
	pump, err := svc.Assets.Asset(ctx, f.hdo, "BME-1")
	if err != nil {
		t.Fatal(err)
	}
	if pump.Model != "IP-3000" || pump.Status != vigil.AssetDecommissioned || pump.ID != id {
		t.Errorf("the decommissioned pump changed: %+v", pump.Asset)
	}
	if after := render("BME-1"); !bytes.Equal(before, after) {
		t.Errorf("the certificate changed:\n%s\nthen\n%s", before, after)
	}

	// A hospital that reuses tags says so: a new asset, the pump intact.
	rep, err = importCSV(t, svc, f.hdo, other, assetfile.Mapping{TagsReused: true}, false)
	if err != nil || rep.Created != 1 {
		t.Fatalf("import with tags reused: %+v, %v", rep, err)
	}
	monitor, err := svc.Assets.Asset(ctx, f.hdo, "BME-1")
	if err != nil || monitor.ID == id || monitor.Model != "IntelliVue MX450" {
		t.Fatalf("BME-1 is now %+v, %v", monitor, err)
	}
	if after := render(itoa(id)); !bytes.Equal(before, after) {
		t.Errorf("the certificate changed after the tag was reused:\n%s", after)
	}
	if !strings.Contains(string(before), "Issued         2026-11-28") || !strings.Contains(string(before), "IP-3000") {
		t.Errorf("certificate:\n%s", before)
	}

	// --verify: the stored bytes hash to the recorded SHA-256, and the
	// exported JSON is recognised; an edited copy is not.
	chk, err := svc.Support.VerifyCertificate(ctx, f.hdo, itoa(id), nil)
	if err != nil || !chk.Valid || !chk.Stored || chk.SHA256 != issued.SHA256 {
		t.Errorf("verify = %+v, %v", chk, err)
	}
	exported, _ := json.Marshal(issued)
	if chk, err = svc.Support.VerifyCertificate(ctx, f.hdo, itoa(id), exported); err != nil || chk.FileValid == nil || !*chk.FileValid {
		t.Errorf("verify the exported JSON = %+v, %v", chk, err)
	}
	forged := bytes.Replace(exported, []byte("IP-3000"), []byte("IP-3001"), 1)
	if chk, err = svc.Support.VerifyCertificate(ctx, f.hdo, itoa(id), forged); err != nil || chk.FileValid == nil || *chk.FileValid {
		t.Errorf("verify an edited copy = %+v, %v", chk, err)
	}
}

// TestDisposedNeedsSanitization: a CMMS status Disposed on a PHI asset
// never decommissions it: it is retired with its sanitization pending, on
// the decommissioning worklist and still in exposure, until it is
// decommissioned properly; then it leaves the worklist.
func TestDisposedNeedsSanitization(t *testing.T) {
	svc, db, _ := apptest.Open(t)
	f := newFleetSetup(t, svc, db)
	ctx := t.Context()
	rep, err := importCSV(t, svc, f.hdo, "BME-3,,Acme Medical Devices,IP-3000,therapy,yes,Disposed,ICU 3\n"+
		"BME-2,,Acme Medical Devices,IP-3000,therapy,no,Retired,ICU 3\n", assetfile.Mapping{}, false)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(warnings(rep), "sanitization pending") {
		t.Errorf("warnings %s", warnings(rep))
	}
	a, err := svc.Assets.Asset(ctx, f.hdo, "BME-3")
	if err != nil || a.Status != vigil.AssetRetired {
		t.Fatalf("BME-3 = %+v, %v; want retired", a, err)
	}
	pending, err := svc.Support.PendingDecommissions(ctx, f.hdo)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, p := range pending {
		got[p.Label] = string(p.Sanitization)
	}
	if got["BME-3"] != "pending" || got["BME-2"] != "not_needed" || len(got) != 2 {
		t.Errorf("pending decommissions %v", got)
	}
	if _, err := svc.Support.RecordSanitization(ctx, f.hdo, "BME-3", apptest.SSDSanitization()); err != nil {
		t.Fatal(err)
	}
	if pending, _ = svc.Support.PendingDecommissions(ctx, f.hdo); len(pending) != 2 || pending[0].Sanitization != support.SanitizationComplete {
		t.Errorf("after sanitizing: %+v", pending)
	}
	if _, err := svc.Support.DecommissionAsset(ctx, f.hdo, "BME-3", vigil.DecommissionInput{Reason: "disposed"}); err != nil {
		t.Fatal(err)
	}
	if pending, _ = svc.Support.PendingDecommissions(ctx, f.hdo); len(pending) != 1 || pending[0].Label != "BME-2" {
		t.Errorf("after decommissioning: %+v", pending)
	}
}

func warnings(rep *assets.AssetImport) string {
	var b strings.Builder
	for _, w := range rep.Warnings {
		b.WriteString(w.String() + "\n")
	}
	return b.String()
}

func itoa(id int64) string { return strconv.FormatInt(id, 10) }

// TestDryRunEveryProblem: a dry run reports every problem of every row in
// one pass — a duplicate tag even on a row whose date is also bad, and
// cross-field checks on every row.
func TestDryRunEveryProblem(t *testing.T) {
	svc, db, _ := apptest.Open(t)
	f := newFleetSetup(t, svc, db)
	csv := "Asset Tag,Manufacturer,Model,Criticality,Purchase Date,Warranty End\n" +
		"BME-7,Acme,IP-3000,monitoring,2021-03-15,2024-03-15\n" +
		"BME-7,Acme,IP-3000,monitoring,31/31/2021,2024-03-15\n" +
		"BME-8,Acme,IP-3000,monitoring,2022-05-01,2020-01-01\n" +
		"BME-9,Acme,IP-3000,sometimes,2022-05-01,2020-01-01\n"
	rep, err := svc.Assets.ImportAssets(t.Context(), f.hdo, strings.NewReader(csv), assets.AssetImportOptions{DryRun: true})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range rep.Problems {
		got = append(got, itoa(int64(p.Row))+" "+p.Field)
	}
	want := []string{"3 purchased_on", "3 asset_tag", "4 warranty_until", "5 criticality", "5 warranty_until"}
	if strings.Join(got, ", ") != strings.Join(want, ", ") {
		t.Errorf("problems %v, want %v\n%+v", got, want, rep.Problems)
	}
}

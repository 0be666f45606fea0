package httpapi_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/app/support"
	"github.com/vigil/vigil/internal/lifecycle"
	"github.com/vigil/vigil/internal/lifecycle/sanitize"
	"github.com/vigil/vigil/internal/store"
)

func TestDecommissionAPI(t *testing.T) {
	e := newEnv(t)
	ctx := t.Context()
	mdm := e.org(t, "acme")
	hdo := hospitalToken(t, e, "general")
	other := hospitalToken(t, e, "elsewhere")
	p := mustCreateProduct(t, e, mdm, "Infusion Pump")
	rel := mustCreateRelease(t, e, mdm, p.ID, vigil.ReleaseInput{Version: "2.1", Milestones: vigil.Milestones{
		ReleasedOn: vigil.Date{Year: 2021, Month: 3, Day: 1}, EOLNoticeOn: vigil.Date{Year: 2022, Month: 6, Day: 30},
		EndOfSupportOn: vigil.Date{Year: 2024, Month: 6, Day: 30}}})
	a := &vigil.Asset{AssetTag: "BME-1", Manufacturer: "Acme", Model: "IP-3000", Criticality: vigil.CriticalityLifeSustaining,
		PHI: true, Unit: "ICU", Status: vigil.AssetInService}
	err := e.db.Update(ctx, func(tx store.Tx) error {
		if err := tx.CreateShare(ctx, scopeOf(t, e, "acme"), &vigil.Share{GranteeOrgID: scopeOf(t, e, "general").OrgID, ProductID: p.ID, CreatedBy: "t"}); err != nil {
			return err
		}
		if err := tx.CreateAsset(ctx, scopeOf(t, e, "general"), a); err != nil {
			return err
		}
		return tx.SetAssetMapping(ctx, scopeOf(t, e, "general"), a.ID, vigil.AssetMapping{ReleaseID: rel.ID, Confidence: vigil.MappingConfirmed})
	})
	if err != nil {
		t.Fatal(err)
	}
	base := fmt.Sprintf("/api/v1/assets/%d", a.ID)

	// Horizon and received notices.
	var h lifecycle.Horizon
	e.do(t, "GET", "/api/v1/lifecycle/horizon?months=12", hdo, nil).want(t, http.StatusOK, &h)
	if h.Assets != 1 || h.ByPhase[vigil.PhaseEndOfSupport] != 1 || len(h.Quarters) < 4 {
		t.Errorf("horizon %+v", h)
	}
	e.do(t, "POST", fmt.Sprintf("/api/v1/releases/%d/notices", rel.ID), mdm, vigil.NoticeInput{Kind: vigil.NoticeEndOfSupport,
		Title: "End of support", IssuedOn: vigil.Date{Year: 2024, Month: 1, Day: 2}, EndOfSupportOn: vigil.Date{Year: 2024, Month: 6, Day: 30}}).
		want(t, http.StatusCreated, nil)
	var recv struct{ Items []support.AssetNotice }
	e.do(t, "GET", "/api/v1/lifecycle/notices", hdo, nil).want(t, http.StatusOK, &recv)
	if len(recv.Items) != 1 || len(recv.Items[0].Assets) != 1 || recv.Items[0].Manufacturer != "acme" {
		t.Errorf("received notices %+v", recv)
	}
	e.do(t, "GET", "/api/v1/lifecycle/notices", other, nil).want(t, http.StatusOK, &recv)
	if len(recv.Items) != 0 {
		t.Errorf("another hospital receives %+v", recv)
	}

	e.do(t, "POST", fmt.Sprintf("/api/v1/releases/%d/transfers", rel.ID), mdm, vigil.TransferInput{
		ResidualRisks: []vigil.ResidualRisk{{Description: "no more patches"}}}).want(t, http.StatusCreated, nil)
	var trs struct{ Items []vigil.Transfer }
	e.do(t, "GET", "/api/v1/lifecycle/transfers", hdo, nil).want(t, http.StatusOK, &trs)
	if len(trs.Items) != 1 || trs.Items[0].Product != "Infusion Pump" {
		t.Errorf("received transfers %+v", trs)
	}
	e.do(t, "GET", "/api/v1/lifecycle/transfers", other, nil).want(t, http.StatusOK, &trs)
	if len(trs.Items) != 0 {
		t.Errorf("another hospital receives transfers %+v", trs)
	}

	// Decommissioning.
	pr := e.do(t, "POST", base+"/decommission", hdo, vigil.DecommissionInput{Reason: "past end of support"}).problem(t, http.StatusConflict)
	if !strings.Contains(pr.Detail, "PHI") {
		t.Errorf("problem %+v", pr)
	}
	bad := map[string]any{"media_type": "ssd", "method": "purge", "technique": "degauss", "tool": "x",
		"verification_method": "sampling", "verification_result": "passed", "performed_by": map[string]string{"name": "Sam"},
		"verified_by": map[string]string{"name": "Priya"}, "performed_on": "2026-01-02", "destination": "recycling"}
	pr = e.do(t, "POST", base+"/sanitizations", hdo, bad).problem(t, http.StatusUnprocessableEntity)
	if !strings.Contains(fmt.Sprint(pr.Errors), "degauss") {
		t.Errorf("problem %+v", pr)
	}
	good := bad
	good["technique"] = "cryptographic_erase"
	e.do(t, "POST", base+"/sanitizations", other, good).problem(t, http.StatusNotFound)
	var rec support.SanitizationRecord
	e.do(t, "POST", base+"/sanitizations", hdo, good).want(t, http.StatusCreated, &rec)
	if !rec.Complete || len(rec.Warnings) == 0 {
		t.Errorf("record %+v", rec)
	}
	e.do(t, "GET", base+"/certificate", hdo, nil).problem(t, http.StatusNotFound)
	var res support.DecommissionResult
	e.do(t, "POST", base+"/decommission", hdo, vigil.DecommissionInput{Reason: "past end of support"}).want(t, http.StatusOK, &res)
	if res.Asset.Status != vigil.AssetDecommissioned || res.Certificate.Number == "" {
		t.Errorf("result %+v", res)
	}
	e.do(t, "POST", base+"/decommission", hdo, vigil.DecommissionInput{Reason: "again"}).problem(t, http.StatusConflict)

	var cert sanitize.Certificate
	e.do(t, "GET", base+"/certificate", hdo, nil).want(t, http.StatusOK, &cert)
	if cert.Number != res.Certificate.Number || len(cert.Records) != 1 {
		t.Errorf("certificate %+v", cert)
	}
	for _, f := range []struct{ format, ct, want string }{
		{"text", "text/plain; charset=utf-8", "CERTIFICATE OF SANITIZATION"},
		{"html", "text/html; charset=utf-8", "<h1>Certificate of sanitization</h1>"},
		{"pdf", "application/pdf", "%PDF-1."},
	} {
		r := e.do(t, "GET", base+"/certificate?format="+f.format, hdo, nil)
		r.want(t, http.StatusOK, nil)
		// The PDF's text is in its compressed, embedded-font streams (the
		// sanitize package's tests read it back with pdftotext).
		if r.header.Get("Content-Type") != f.ct || !strings.Contains(string(r.body), f.want) ||
			(f.format != "pdf" && !strings.Contains(string(r.body), cert.Number)) {
			t.Errorf("%s certificate: %s\n%s", f.format, r.header.Get("Content-Type"), r.body)
		}
	}
	e.do(t, "GET", base+"/certificate", other, nil).problem(t, http.StatusNotFound)
	var ds struct{ Items []vigil.Decommission }
	e.do(t, "GET", "/api/v1/decommissions?q=bme", hdo, nil).want(t, http.StatusOK, &ds)
	if len(ds.Items) != 1 || ds.Items[0].CertificateNumber != cert.Number {
		t.Errorf("decommissions %+v", ds)
	}
	// Every asset route takes the tag as well as the numeric id.
	for _, b := range []string{base, "/api/v1/assets/BME-1"} {
		var sans struct{ Items []support.SanitizationRecord }
		e.do(t, "GET", b+"/sanitizations", hdo, nil).want(t, http.StatusOK, &sans)
		if len(sans.Items) != 1 {
			t.Errorf("%s sanitizations %+v", b, sans)
		}
		var again sanitize.Certificate
		e.do(t, "GET", b+"/certificate", hdo, nil).want(t, http.StatusOK, &again)
		if again.Number != cert.Number {
			t.Errorf("%s certificate %+v", b, again)
		}
	}
	// Gone from the horizon and the notice.
	e.do(t, "GET", "/api/v1/lifecycle/horizon", hdo, nil).want(t, http.StatusOK, &h)
	if h.Assets != 0 {
		t.Errorf("horizon after decommissioning: %d assets", h.Assets)
	}
}

// TestHorizonUnknownPhase: an asset mapped to no release is on the
// horizon with phase "unknown", which the document must allow (the
// validating wrapper of every test checks the answer against it).
func TestHorizonUnknownPhase(t *testing.T) {
	e := newEnv(t)
	hdo := hospitalToken(t, e, "general")
	a := &vigil.Asset{AssetTag: "BME-9", Manufacturer: "Acme", Model: "Unknown pump", Criticality: vigil.CriticalityMonitoring,
		Status: vigil.AssetInService}
	if err := e.db.Update(t.Context(), func(tx store.Tx) error {
		return tx.CreateAsset(t.Context(), scopeOf(t, e, "general"), a)
	}); err != nil {
		t.Fatal(err)
	}
	var h lifecycle.Horizon
	e.do(t, "GET", "/api/v1/lifecycle/horizon?months=6", hdo, nil).want(t, http.StatusOK, &h)
	if len(h.Items) != 1 || h.Items[0].Phase != lifecycle.HorizonPhase(lifecycle.PhaseUnknown) {
		t.Errorf("horizon items %+v", h.Items)
	}
}

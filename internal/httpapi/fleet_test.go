package httpapi_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/app/access"
	"github.com/vigil/vigil/internal/app/assets"
	"github.com/vigil/vigil/internal/app/knowledge"
	"github.com/vigil/vigil/internal/fleet/assetfile"
)

// hospital creates a healthcare provider and returns a bearer token of it.
func (e *env) hospital(t *testing.T, slug string) string {
	t.Helper()
	org, err := e.svc.Access.CreateOrg(t.Context(), vigil.OrgInput{Slug: slug, Kind: vigil.HealthcareProvider})
	if err != nil {
		t.Fatal(err)
	}
	_, secret, err := e.svc.Access.CreateToken(t.Context(), vigil.Scope{OrgID: org.ID, Actor: "test"}, vigil.TokenInput{Name: "test"})
	if err != nil {
		t.Fatal(err)
	}
	return secret
}

func demoMappingJSON(t *testing.T) string {
	t.Helper()
	raw, err := os.ReadFile("../demo/data/st-elsewhere-cmms-mapping.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var m assetfile.Mapping
	if err := yaml.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	js, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return string(js)
}

func TestFleetAPI(t *testing.T) {
	e := newEnv(t)
	mdm := e.org(t, "acme-medical")
	hdo := e.hospital(t, "st-elsewhere")
	other := e.hospital(t, "county-general")
	csv, err := os.ReadFile("../demo/data/st-elsewhere-cmms-export.csv")
	if err != nil {
		t.Fatal(err)
	}
	sbomRaw, err := os.ReadFile(demoSBOM)
	if err != nil {
		t.Fatal(err)
	}

	// The manufacturer's release with the real SBOM, shared with the hospital.
	var p vigil.Product
	e.do(t, "POST", "/api/v1/products", mdm, vigil.ProductInput{Name: "Infusion Pump", Manufacturer: "Acme Medical Devices",
		DeviceModels: []string{"IP-3000", "IP-3000W"}}).want(t, http.StatusCreated, &p)
	var r vigil.Release
	e.do(t, "POST", fmt.Sprintf("/api/v1/products/%d/releases", p.ID), mdm, vigil.ReleaseInput{Version: "3.0"}).want(t, http.StatusCreated, &r)
	e.send(t, fmt.Sprintf("/api/v1/releases/%d/sbom", r.ID), mdm, sbomRaw, "application/json").want(t, http.StatusCreated, nil)
	e.do(t, "POST", "/api/v1/shares", hdo, access.ShareInput{Grantee: "county-general"}).problem(t, http.StatusBadRequest)
	var sh vigil.Share
	e.do(t, "POST", "/api/v1/shares", mdm, access.ShareInput{Grantee: "st-elsewhere", Product: "Infusion Pump"}).want(t, http.StatusCreated, &sh)
	if sh.Covers() != "every release of Infusion Pump" {
		t.Errorf("share = %+v", sh)
	}
	var catalog []vigil.CatalogRelease
	e.do(t, "GET", "/api/v1/catalog", hdo, nil).want(t, http.StatusOK, &catalog)
	if len(catalog) != 1 || !catalog[0].Shared || !catalog[0].HasSBOM {
		t.Errorf("catalogue = %+v", catalog)
	}
	e.do(t, "GET", "/api/v1/catalog", other, nil).want(t, http.StatusOK, &catalog)
	if len(catalog) != 0 {
		t.Errorf("another hospital's catalogue = %+v", catalog)
	}

	// Import: dry run, then for real, then again (nothing changes).
	q := "/api/v1/assets/import?mapping=" + url.QueryEscape(demoMappingJSON(t))
	var rep assets.AssetImport
	e.send(t, q+"&dry_run=true", hdo, csv, "text/csv").want(t, http.StatusOK, &rep)
	if !rep.DryRun || rep.Created != 18 {
		t.Errorf("dry run = %+v", rep)
	}
	e.send(t, q, hdo, csv, "text/csv").want(t, http.StatusOK, &rep)
	if rep.Created != 18 || rep.Mapping == nil || rep.Mapping.Mapped != 2 {
		t.Errorf("import = %+v mapping %+v", rep, rep.Mapping)
	}
	e.send(t, q, hdo, csv, "text/csv").want(t, http.StatusOK, &rep)
	if rep.Unchanged != 18 || rep.Created+rep.Updated != 0 {
		t.Errorf("re-import = %+v", rep)
	}
	bad := strings.Replace(string(csv), "10.40.12.32", "10.40.12.999", 1)
	pr := e.send(t, q, hdo, []byte(bad), "text/csv").problem(t, http.StatusUnprocessableEntity)
	if len(pr.Errors) != 1 || pr.Errors[0].Location != "body.row[3].IP Address" {
		t.Errorf("problem = %+v", pr)
	}
	e.send(t, q, hdo, []byte("PK\x03\x04 not really a zip"), "application/octet-stream").problem(t, http.StatusUnprocessableEntity)
	e.send(t, q, mdm, csv, "text/csv").problem(t, http.StatusBadRequest)
	e.send(t, "/api/v1/assets/import?mapping=%7B%22colour%22%3A1%7D", hdo, csv, "text/csv").problem(t, http.StatusBadRequest)

	var list struct {
		Items []vigil.Asset `json:"items"`
		Total int           `json:"total"`
	}
	e.do(t, "GET", "/api/v1/assets?limit=5", hdo, nil).want(t, http.StatusOK, &list)
	if list.Total != 18 || len(list.Items) != 5 {
		t.Errorf("assets = %d of %d", len(list.Items), list.Total)
	}
	e.do(t, "GET", "/api/v1/assets", other, nil).want(t, http.StatusOK, &list)
	if list.Total != 0 {
		t.Errorf("another hospital lists %d assets", list.Total)
	}
	e.do(t, "GET", "/api/v1/assets/BME-100231", other, nil).problem(t, http.StatusNotFound)
	e.do(t, "GET", "/api/v1/assets?status=stolen", hdo, nil).problem(t, http.StatusBadRequest)

	// One asset by hand: mapped at once; a faulty one lists its problems.
	var one vigil.Asset
	e.do(t, "POST", "/api/v1/assets", hdo, map[string]any{"asset_tag": "BME-999", "manufacturer": "Acme Medical Devices",
		"model": "IP-3000", "version": "3.0", "criticality": "life_sustaining"}).want(t, http.StatusCreated, &one)
	if one.Status != vigil.AssetInService || one.Mapping.ReleaseID != r.ID {
		t.Errorf("created asset = %+v", one)
	}
	pr = e.do(t, "POST", "/api/v1/assets", hdo, map[string]any{"asset_tag": "BME-998", "manufacturer": "Acme", "model": "X",
		"criticality": "life_sustaining", "ip": "nope"}).problem(t, http.StatusUnprocessableEntity)
	if len(pr.Errors) != 1 || pr.Errors[0].Location != "body.ip" {
		t.Errorf("problem = %+v", pr)
	}
	e.do(t, "DELETE", "/api/v1/assets/BME-999", hdo, nil).want(t, http.StatusNoContent, nil)

	// Mapping by hand.
	var a vigil.Asset
	e.do(t, "PUT", "/api/v1/assets/BME-100260/mapping", hdo, map[string]string{"release": "Infusion Pump@3.0", "note": "runs 3.0"}).
		want(t, http.StatusOK, &a)
	if a.Mapping.Confidence != vigil.MappingConfirmed || a.Mapping.ReleaseID != r.ID {
		t.Errorf("mapped = %+v", a.Mapping)
	}
	e.do(t, "PUT", "/api/v1/assets/BME-100260/mapping", other, map[string]string{"release": "Infusion Pump@3.0"}).problem(t, http.StatusNotFound)
	e.do(t, "PUT", "/api/v1/assets/BME-100240/mapping", hdo, map[string]string{"release": "Infusion Pump@9.9"}).problem(t, http.StatusNotFound)

	// Exposure after a feed update.
	if _, err := e.svc.Knowledge.ImportFeeds(t.Context(), []string{"../demo/data/feeds/osv/CVE-2024-21907.json"}, knowledge.FeedOptions{}); err != nil {
		t.Fatal(err)
	}
	var ex assets.Exposure
	e.do(t, "GET", "/api/v1/exposure/CVE-2024-21907", hdo, nil).want(t, http.StatusOK, &ex)
	if len(ex.Exposed) != 3 { // 2 pumps + the IP-4000 mapped by hand
		t.Errorf("exposed = %d: %+v", len(ex.Exposed), ex.Exposed)
	}
	e.do(t, "GET", "/api/v1/exposure/CVE-2024-21907", other, nil).want(t, http.StatusOK, &ex)
	if len(ex.Exposed) != 0 {
		t.Errorf("another hospital is exposed: %+v", ex.Exposed)
	}
	var events []vigil.AssetEvent
	e.do(t, "GET", "/api/v1/asset-events?vuln=CVE-2024-21907", hdo, nil).want(t, http.StatusOK, &events)
	if len(events) != 3 {
		t.Errorf("events = %+v", events)
	}
	e.do(t, "GET", "/api/v1/asset-events?kind=exposed&kind=kev_added", hdo, nil).want(t, http.StatusOK, &events)
	if len(events) != 3 || events[0].Kind != vigil.EventExposed || events[0].After != "exposed" {
		t.Errorf("events of two kinds = %+v", events)
	}
	e.do(t, "GET", "/api/v1/asset-events?kind=advisory", hdo, nil).want(t, http.StatusOK, &events)
	if len(events) != 0 {
		t.Errorf("advisory events = %+v", events)
	}
	e.do(t, "GET", "/api/v1/asset-events?kind=bogus", hdo, nil).problem(t, http.StatusUnprocessableEntity)
	// The hourly pass, asked for now: nothing the import did not see.
	e.do(t, "POST", "/api/v1/asset-events/refresh", hdo, nil).want(t, http.StatusOK, &events)
	if len(events) != 0 {
		t.Errorf("refresh recorded %+v", events)
	}

	// Remediation and the worklist.
	var wl []assets.ExposedAsset
	e.do(t, "GET", "/api/v1/worklist", hdo, nil).want(t, http.StatusOK, &wl)
	if len(wl) != 3 || wl[0].Priority == nil {
		t.Fatalf("worklist = %+v", wl)
	}
	e.do(t, "PUT", "/api/v1/assets/BME-100231/work/CVE-2024-21907", hdo, vigil.WorkItemInput{State: vigil.RemediationRiskAccepted}).
		problem(t, http.StatusUnprocessableEntity)
	var wi assets.WorkItemDetail
	e.do(t, "PUT", "/api/v1/assets/BME-100231/work/CVE-2024-21907", hdo, map[string]string{
		"state": "risk_accepted", "approver": "CMIO", "reason": "no fix before 3.1", "expires_on": "2099-12-31"}).want(t, http.StatusOK, &wi)
	if wi.Effective != vigil.RemediationRiskAccepted || len(wi.History) != 1 {
		t.Errorf("work item = %+v", wi)
	}
	e.do(t, "GET", "/api/v1/assets/BME-100231/work/CVE-2024-21907", other, nil).problem(t, http.StatusNotFound)
	e.do(t, "GET", "/api/v1/worklist", hdo, nil).want(t, http.StatusOK, &wl)
	if len(wl) != 2 {
		t.Errorf("worklist after a risk acceptance = %d items", len(wl))
	}

	// Export, formula-safe.
	res := e.do(t, "GET", "/api/v1/assets/export?format=csv", hdo, nil)
	res.want(t, http.StatusOK, nil)
	if !strings.HasPrefix(string(res.body), "asset_tag,serial,") || !strings.Contains(res.header.Get("Content-Disposition"), "assets.csv") {
		t.Errorf("export: %s %q", res.header, res.body[:min(80, len(res.body))])
	}
	res = e.do(t, "GET", "/api/v1/assets/export?format=xlsx", hdo, nil)
	res.want(t, http.StatusOK, nil)
	if !strings.HasPrefix(string(res.body), "PK\x03\x04") {
		t.Errorf("xlsx export does not start as a zip")
	}

	// Aliases and revoking the share.
	var sum assets.MappingSummary
	e.do(t, "POST", "/api/v1/manufacturer-aliases", hdo, vigil.ManufacturerAlias{Alias: "ACME Med", Canonical: "Acme Medical Devices"}).
		want(t, http.StatusOK, &sum)
	if sum.Mapped != 1 {
		t.Errorf("alias remap = %+v", sum)
	}
	e.do(t, "DELETE", fmt.Sprintf("/api/v1/shares/%d", sh.ID), hdo, nil).problem(t, http.StatusNotFound)
	e.do(t, "DELETE", fmt.Sprintf("/api/v1/shares/%d", sh.ID), mdm, nil).want(t, http.StatusNoContent, nil)
	e.do(t, "GET", "/api/v1/exposure/CVE-2024-21907", hdo, nil).want(t, http.StatusOK, &ex)
	if len(ex.Exposed) != 0 {
		t.Errorf("exposure after the share was revoked = %d", len(ex.Exposed))
	}
	e.do(t, "GET", "/api/v1/assets", "", nil).problem(t, http.StatusUnauthorized)
}

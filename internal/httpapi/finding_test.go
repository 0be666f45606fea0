package httpapi_test

import (
	"fmt"
	"net/http"
	"os"
	"testing"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/app/knowledge"
)

// demoSBOM is the quickstart pump's SBOM, written for the demo (real
// components and versions), which the demo feeds' records match.
const demoSBOM = "../demo/data/infusion-pump-3.0.cdx.json"

func TestFindingsAndScan(t *testing.T) {
	e := newEnv(t)
	tokA := e.org(t, "org-a")
	tokB := e.org(t, "org-b")
	sbomFile := demoSBOM
	raw, err := os.ReadFile(sbomFile)
	if err != nil {
		t.Fatal(err)
	}
	var p vigil.Product
	e.do(t, "POST", "/api/v1/products", tokA, vigil.ProductInput{Name: "Pump", Manufacturer: "Acme"}).want(t, http.StatusCreated, &p)
	var r vigil.Release
	e.do(t, "POST", fmt.Sprintf("/api/v1/products/%d/releases", p.ID), tokA, vigil.ReleaseInput{Version: "3.0"}).want(t, http.StatusCreated, &r)
	e.send(t, fmt.Sprintf("/api/v1/releases/%d/sbom", r.ID), tokA, raw, "application/json").want(t, http.StatusCreated, nil)
	if _, err := e.svc.Knowledge.ImportFeeds(t.Context(), []string{"../demo/data/feeds/osv"}, knowledge.FeedOptions{}); err != nil {
		t.Fatal(err)
	}
	var sum knowledge.MatchSummary
	e.do(t, "POST", fmt.Sprintf("/api/v1/releases/%d/match", r.ID), tokA, nil).want(t, http.StatusOK, &sum)
	if sum.Components != 25 || sum.Unchanged != 3 {
		t.Errorf("match = %+v, want 25 components and the 3 findings the import made", sum)
	}
	var list struct {
		Items []vigil.Finding `json:"items"`
		Total int             `json:"total"`
	}
	e.do(t, "GET", fmt.Sprintf("/api/v1/releases/%d/findings", r.ID), tokA, nil).want(t, http.StatusOK, &list)
	if list.Total != 3 {
		t.Errorf("findings = %+v", list)
	}
	var res struct {
		Components int `json:"components"`
		Findings   []struct {
			VulnID string `json:"vuln_id"`
		} `json:"findings"`
	}
	e.send(t, "/api/v1/scan", tokB, raw, "application/json").want(t, http.StatusOK, &res)
	if res.Components != 25 || len(res.Findings) != 3 || res.Findings[0].VulnID != "CVE-2020-11022" {
		t.Errorf("scan = %+v", res)
	}
	e.do(t, "GET", fmt.Sprintf("/api/v1/releases/%d/findings", r.ID), tokB, nil).problem(t, http.StatusNotFound)
	e.do(t, "POST", fmt.Sprintf("/api/v1/releases/%d/match", r.ID), tokB, nil).problem(t, http.StatusNotFound)
	e.send(t, "/api/v1/scan", tokB, raw[:100], "application/json").problem(t, http.StatusUnprocessableEntity)
}

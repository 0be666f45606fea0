package httpapi_test

import (
	"fmt"
	"net/http"
	"os"
	"testing"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/app/knowledge"
)

func TestMatchAllReleases(t *testing.T) {
	e := newEnv(t)
	tokA := e.org(t, "org-a")
	tokB := e.org(t, "org-b")
	raw, err := os.ReadFile(demoSBOM)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.Knowledge.ImportFeeds(t.Context(), []string{"../demo/data/feeds/osv"}, knowledge.FeedOptions{}); err != nil {
		t.Fatal(err)
	}
	var p vigil.Product
	e.do(t, "POST", "/api/v1/products", tokA, vigil.ProductInput{Name: "Pump", Manufacturer: "Acme"}).want(t, http.StatusCreated, &p)
	var withSBOM, without vigil.Release
	e.do(t, "POST", fmt.Sprintf("/api/v1/products/%d/releases", p.ID), tokA, vigil.ReleaseInput{Version: "3.0"}).want(t, http.StatusCreated, &withSBOM)
	e.do(t, "POST", fmt.Sprintf("/api/v1/products/%d/releases", p.ID), tokA, vigil.ReleaseInput{Version: "4.0"}).want(t, http.StatusCreated, &without)
	e.send(t, fmt.Sprintf("/api/v1/releases/%d/sbom", withSBOM.ID), tokA, raw, "application/json").want(t, http.StatusCreated, nil)

	var got struct {
		Items []knowledge.MatchSummary `json:"items"`
		Total int                      `json:"total"`
	}
	e.do(t, "POST", "/api/v1/match", tokA, nil).want(t, http.StatusOK, &got)
	if got.Total != 1 || len(got.Items) != 1 || got.Items[0].ReleaseID != withSBOM.ID || got.Items[0].Components != 25 {
		t.Errorf("match all = %+v, want the one release with an SBOM (25 components)", got)
	}
	// Another organization sees none of them.
	e.do(t, "POST", "/api/v1/match", tokB, nil).want(t, http.StatusOK, &got)
	if got.Total != 0 || got.Items == nil {
		t.Errorf("match all of an organization without releases = %+v, want an empty list", got)
	}
}

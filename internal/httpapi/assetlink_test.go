package httpapi_test

import (
	"net/http"
	"testing"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/app/assets"
	"github.com/vigil/vigil/internal/app/knowledge"
	"github.com/vigil/vigil/internal/realdata"
)

// TestAssetLinksAPI: links are listed with score and evidence, possible
// ones apart; a confirmation over the API exposes the asset; a bad
// decision or an unknown link is refused.
func TestAssetLinksAPI(t *testing.T) {
	e := newEnv(t)
	hdo := e.hospital(t, "st-elsewhere")
	other := e.hospital(t, "county-general")
	if _, err := e.svc.Knowledge.ImportFeeds(t.Context(), []string{realdata.Path(t, "csaf/cisa-icsma/icsma-22-251-01.json")}, knowledge.FeedOptions{}); err != nil {
		t.Fatal(err)
	}
	for _, a := range []map[string]string{
		{"asset_tag": "PUMP-1", "manufacturer": "Baxter Healthcare Corporation", "model": "Sigma Spectrum 35700BAX2 v8.00.01", "criticality": "life_sustaining"},
		{"asset_tag": "PUMP-2", "manufacturer": "BAXTER", "model": "Spectrum", "criticality": "life_sustaining"},
	} {
		e.do(t, "POST", "/api/v1/assets", hdo, a).want(t, http.StatusCreated, nil)
	}
	var links []assets.AdvisoryLink
	e.do(t, "GET", "/api/v1/asset-links?asset=PUMP-1", hdo, nil).want(t, http.StatusOK, &links)
	if len(links) != 1 || links[0].ProductID != "CSAFPID-0003" || links[0].Confidence != vigil.MappingExact || links[0].Reason == "" {
		t.Fatalf("links of PUMP-1 = %+v", links)
	}
	e.do(t, "GET", "/api/v1/asset-links?possible=true", hdo, nil).want(t, http.StatusOK, &links)
	found := false
	for _, l := range links {
		if l.Confidence != vigil.MappingPossible || l.AssetTag != "PUMP-2" {
			t.Errorf("possible list holds %+v", l)
		}
		found = found || l.ProductID == "CSAFPID-0003"
	}
	if !found {
		t.Fatalf("possible links = %+v, want PUMP-2 ↔ CSAFPID-0003", links)
	}
	e.do(t, "GET", "/api/v1/asset-links", other, nil).want(t, http.StatusOK, &links)
	if len(links) != 0 {
		t.Errorf("another hospital sees %+v", links)
	}

	var ex assets.Exposure
	e.do(t, "GET", "/api/v1/exposure/CVE-2022-26390", hdo, nil).want(t, http.StatusOK, &ex)
	if len(ex.Exposed) != 1 {
		t.Fatalf("exposed before confirming = %d", len(ex.Exposed))
	}
	var l assets.AdvisoryLink
	e.do(t, "PUT", "/api/v1/assets/PUMP-2/links/ICSMA-22-251-01/CSAFPID-0003", hdo,
		map[string]string{"decision": "confirmed", "note": "label says 35700BAX2"}).want(t, http.StatusOK, &l)
	if l.Confidence != vigil.MappingConfirmed || l.Decision == nil || l.Decision.Note != "label says 35700BAX2" {
		t.Errorf("confirmed = %+v", l)
	}
	e.do(t, "GET", "/api/v1/exposure/CVE-2022-26390", hdo, nil).want(t, http.StatusOK, &ex)
	if len(ex.Exposed) != 2 {
		t.Errorf("exposed after confirming = %d, want 2", len(ex.Exposed))
	}
	e.do(t, "PUT", "/api/v1/assets/PUMP-2/links/ICSMA-22-251-01/CSAFPID-0003", hdo, map[string]string{"decision": "maybe"}).problem(t, http.StatusUnprocessableEntity)
	e.do(t, "PUT", "/api/v1/assets/PUMP-2/links/ICSMA-22-251-01/CSAFPID-9999", hdo, map[string]string{"decision": "rejected"}).problem(t, http.StatusNotFound)
	e.do(t, "PUT", "/api/v1/assets/PUMP-2/links/ICSMA-22-251-01/CSAFPID-0003", other, map[string]string{"decision": "rejected"}).problem(t, http.StatusNotFound)
}

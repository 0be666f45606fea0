package httpapi_test

import (
	"fmt"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/app/disclosure"
	"github.com/vigil/vigil/internal/app/knowledge"
)

// TestVEX exports a release's VEX in every format, imports the export
// back (dry run, then for real), lists and shows the imported document,
// and checks the problems and the isolation.
func TestVEX(t *testing.T) {
	e := newEnv(t)
	tokA := e.org(t, "org-a")
	tokB := e.org(t, "org-b")
	raw, err := os.ReadFile(demoSBOM)
	if err != nil {
		t.Fatal(err)
	}
	p := mustCreateProduct(t, e, tokA, "Pump")
	r := mustCreateRelease(t, e, tokA, p.ID, vigil.ReleaseInput{Version: "3.0"})
	e.send(t, fmt.Sprintf("/api/v1/releases/%d/sbom", r.ID), tokA, raw, "application/json").want(t, http.StatusCreated, nil)
	if _, err := e.svc.Knowledge.ImportFeeds(t.Context(), []string{"../demo/data/feeds/osv"}, knowledge.FeedOptions{}); err != nil {
		t.Fatal(err)
	}

	var csafDoc []byte
	for format, ct := range map[string]string{"csaf": "application/csaf+json", "openvex": "application/openvex+json", "cyclonedx": "application/vnd.cyclonedx+json"} {
		res := e.do(t, "GET", fmt.Sprintf("/api/v1/releases/%d/vex?format=%s", r.ID, format), tokA, nil)
		if res.status != http.StatusOK || res.header.Get("Content-Type") != ct ||
			!strings.Contains(res.header.Get("Content-Disposition"), "Pump-3.0-vex") {
			t.Fatalf("%s export: %d %v %s", format, res.status, res.header, res.body)
		}
		if format == "csaf" {
			csafDoc = res.body
		}
	}
	e.do(t, "GET", fmt.Sprintf("/api/v1/releases/%d/vex?format=spdx", r.ID), tokA, nil).problem(t, http.StatusUnprocessableEntity)
	e.do(t, "GET", fmt.Sprintf("/api/v1/releases/%d/vex", r.ID), tokB, nil).problem(t, http.StatusNotFound)

	var rep disclosure.VEXImport
	e.do(t, "POST", "/api/v1/vex?dry_run=true", tokA, string(csafDoc), "Content-Type", "application/csaf+json").want(t, http.StatusOK, &rep)
	// The release's own export, read back, changes nothing: nobody decided
	// any of its findings, and the statements say they are under investigation.
	if !rep.DryRun || rep.Document.Applied != 0 || rep.Document.Unchanged != 3 {
		t.Fatalf("dry run: %+v", rep.Document)
	}
	var list struct {
		Items []vigil.VEXDocument `json:"items"`
		Total int                 `json:"total"`
	}
	e.do(t, "GET", "/api/v1/vex", tokA, nil).want(t, http.StatusOK, &list)
	if list.Total != 0 {
		t.Fatalf("a dry run stored %+v", list)
	}
	e.do(t, "POST", "/api/v1/vex", tokA, string(csafDoc), "Content-Type", "application/json").want(t, http.StatusCreated, &rep)
	if rep.DryRun || rep.Document.Unchanged != 3 || len(rep.Statements) != 3 {
		t.Fatalf("import: %+v", rep.Document)
	}
	e.do(t, "GET", "/api/v1/vex", tokA, nil).want(t, http.StatusOK, &list)
	if list.Total != 1 || list.Items[0].Format != vigil.VEXCSAF {
		t.Fatalf("list: %+v", list)
	}
	var det disclosure.VEXDocumentDetail
	e.do(t, "GET", fmt.Sprintf("/api/v1/vex/%d", list.Items[0].ID), tokA, nil).want(t, http.StatusOK, &det)
	if len(det.Statements) != 3 || det.Statements[0].Unchanged != 1 {
		t.Errorf("document: %+v", det)
	}
	e.do(t, "GET", fmt.Sprintf("/api/v1/vex/%d", list.Items[0].ID), tokB, nil).problem(t, http.StatusNotFound)
	e.do(t, "GET", "/api/v1/vex", tokB, nil).want(t, http.StatusOK, &list)
	if list.Total != 0 {
		t.Errorf("org-b sees %+v", list)
	}

	pr := e.do(t, "POST", "/api/v1/vex", tokA, `{"spdxVersion": "SPDX-2.3"}`).problem(t, http.StatusBadRequest)
	if !strings.Contains(pr.Detail, "not a VEX document") {
		t.Errorf("problem detail %q", pr.Detail)
	}
	e.do(t, "POST", "/api/v1/vex", "", string(csafDoc)).problem(t, http.StatusUnauthorized)
}

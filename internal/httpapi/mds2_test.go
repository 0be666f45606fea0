package httpapi_test

import (
	"bytes"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/app/forms"
	"github.com/vigil/vigil/internal/mds2"
)

func mds2Fixture(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "mds2", "testdata", "fixtures", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestMDS2API(t *testing.T) {
	e := newEnv(t)
	fx := newSBOMFixture(t, e, "acme")
	xlsx := mds2Fixture(t, "official.xlsx")

	var imp forms.MDS2Import
	e.send(t, relPath(fx.rel, "/mds2?filename=pump.xlsx"), fx.token, xlsx, "application/octet-stream").want(t, http.StatusCreated, &imp)
	if imp.Form.Answers != 240 || len(imp.Form.Issues) != 4 || imp.Form.Filename != "pump.xlsx" || imp.Form.Release != "Infusion Pump 1.0" {
		t.Errorf("import = %+v", imp.Form)
	}
	e.send(t, relPath(fx.rel, "/mds2"), fx.token, xlsx, "application/octet-stream").want(t, http.StatusOK, &imp)
	if !imp.Unchanged {
		t.Error("second import not unchanged")
	}
	body, ct := multipartBody(t, "file", mds2Fixture(t, "csv.csv"))
	e.send(t, "/api/v1/mds2/candidates?name="+url.QueryEscape("Globex Flow 7"), fx.token, []byte(body), ct).want(t, http.StatusCreated, &imp)
	e.send(t, "/api/v1/mds2/candidates?name=Initech", fx.token, mds2Fixture(t, "inline.xlsx"), "text/csv").want(t, http.StatusCreated, nil)

	var list struct{ Items []vigil.MDS2Form }
	e.do(t, "GET", "/api/v1/mds2/forms?candidates_only=true", fx.token, nil).want(t, http.StatusOK, &list)
	if len(list.Items) != 2 {
		t.Errorf("candidates: %d", len(list.Items))
	}
	var detail forms.MDS2Detail
	e.do(t, "GET", relPath(fx.rel, "/mds2"), fx.token, nil).want(t, http.StatusOK, &detail)
	if len(detail.Entries) != 240 || detail.Subject != "Infusion Pump 1.0" {
		t.Errorf("release form: %d entries, %q", len(detail.Entries), detail.Subject)
	}

	res := e.do(t, "GET", relPath(fx.rel, "/mds2/export"), fx.token, nil)
	if res.status != http.StatusOK || !strings.Contains(res.header.Get("Content-Disposition"), "mds2.xlsx") {
		t.Fatalf("export: %d %v", res.status, res.header)
	}
	read, err := mds2.Read(t.Context(), mds2.LoadCatalogue(), bytes.NewReader(res.body))
	if err != nil || len(read.Entries) != 240 {
		t.Fatalf("export reads back: %v", err)
	}

	var diff forms.MDS2Diff
	e.do(t, "GET", "/api/v1/mds2/diff?from_release="+itoa(fx.rel.ID)+"&to="+itoa(imp.Form.ID), fx.token, nil).want(t, http.StatusOK, &diff)
	if len(diff.Changes) != 0 {
		t.Errorf("the same form in two layouts differs: %v", diff.Changes)
	}
	e.do(t, "GET", "/api/v1/mds2/diff?from=1&to_release=1&to=2", fx.token, nil).problem(t, http.StatusBadRequest)

	compareBody := map[string]any{"forms": []map[string]any{{"candidate": "Globex Flow 7"}, {"candidate": "Initech"}, {"release_id": fx.rel.ID}}}
	var cmp mds2.Comparison
	e.do(t, "POST", "/api/v1/mds2/compare", fx.token, compareBody).want(t, http.StatusOK, &cmp)
	if len(cmp.Candidates) != 3 || len(cmp.Sections) != 23 {
		t.Errorf("comparison: %v, %d sections", cmp.Candidates, len(cmp.Sections))
	}
	for format, ct := range map[string]string{"csv": "text/csv", "xlsx": "application/vnd.openxmlformats", "html": "text/html"} {
		res := e.do(t, "POST", "/api/v1/mds2/compare/"+format, fx.token, compareBody)
		if res.status != http.StatusOK || !strings.HasPrefix(res.header.Get("Content-Type"), ct) {
			t.Errorf("compare %s: %d %s", format, res.status, res.header.Get("Content-Type"))
		}
		if format == "xlsx" {
			if _, err := excelize.OpenReader(bytes.NewReader(res.body)); err != nil {
				t.Errorf("compare xlsx: %v", err)
			}
		}
	}
	e.do(t, "POST", "/api/v1/mds2/compare/pdf", fx.token, compareBody).problem(t, http.StatusUnprocessableEntity)
	e.do(t, "POST", "/api/v1/mds2/compare", fx.token, map[string]any{"forms": []map[string]any{{"candidate": "nobody"}}}).problem(t, http.StatusNotFound)

	var rep mds2.ProcurementReport
	e.do(t, "POST", "/api/v1/mds2/evaluate", fx.token, map[string]any{}).want(t, http.StatusOK, &rep)
	if len(rep.Evaluations) != 2 || rep.Profile.Name == "" {
		t.Errorf("evaluation of all candidates: %+v", rep)
	}
	p := e.do(t, "POST", "/api/v1/mds2/evaluate", fx.token, map[string]any{"profile": "name: x\nrequirements: [{question: NOPE-1, accept: [Yes]}]"}).problem(t, http.StatusUnprocessableEntity)
	if len(p.Errors) != 1 || p.Errors[0].Location != "body.profile.requirements[0].question" || !strings.Contains(p.Errors[0].Message, "NOPE-1") {
		t.Errorf("profile problem: %+v", p)
	}
	if res := e.do(t, "POST", "/api/v1/mds2/evaluate/html", fx.token, map[string]any{}); res.status != http.StatusOK || !strings.Contains(string(res.body), "<h2>Ranking</h2>") {
		t.Errorf("evaluate html: %d", res.status)
	}

	var ports struct{ Items []vigil.ReleasePort }
	e.do(t, "PUT", relPath(fx.rel, "/ports"), fx.token, map[string]any{"ports": []map[string]any{{"port": 443, "protocol": "tcp", "service": "HTTPS"}}}).want(t, http.StatusOK, &ports)
	e.do(t, "PUT", relPath(fx.rel, "/ports"), fx.token, map[string]any{"ports": []map[string]any{{"port": 0, "protocol": "sctp"}}}).problem(t, http.StatusUnprocessableEntity)
	var chk forms.MDS2Check
	e.do(t, "GET", relPath(fx.rel, "/mds2/check"), fx.token, nil).want(t, http.StatusOK, &chk)
	if len(chk.Findings) == 0 || len(chk.Ports) != 1 {
		t.Errorf("check: %+v", chk)
	}
	var cat mds2.Catalogue
	e.do(t, "GET", "/api/v1/mds2/catalogue", fx.token, nil).want(t, http.StatusOK, &cat)
	if len(cat.Questions) != 240 {
		t.Errorf("catalogue: %d questions", len(cat.Questions))
	}
	if res := e.do(t, "GET", "/api/v1/mds2/profile", fx.token, nil); res.status != http.StatusOK || !strings.Contains(string(res.body), "requirements:") {
		t.Errorf("profile: %d %s", res.status, res.body)
	}

	// Bad uploads: a clear problem, nothing stored.
	e.send(t, "/api/v1/mds2/candidates?name=Bad", fx.token, []byte("just,text\n1,2\n"), "text/csv").problem(t, http.StatusBadRequest)
	e.send(t, "/api/v1/mds2/candidates?name=Bad", fx.token, []byte{0xD0, 0xCF, 0x11, 0xE0, 0, 0}, "application/octet-stream").problem(t, http.StatusBadRequest)
	e.send(t, "/api/v1/mds2/candidates", fx.token, xlsx, "application/octet-stream").problem(t, http.StatusUnprocessableEntity)
	e.do(t, "GET", "/api/v1/mds2/forms?candidate=Bad", fx.token, nil).want(t, http.StatusOK, &list)
	if len(list.Items) != 0 {
		t.Errorf("a bad upload stored a form")
	}

	// Another organization sees none of it.
	other := e.org(t, "other")
	e.do(t, "GET", relPath(fx.rel, "/mds2"), other, nil).problem(t, http.StatusNotFound)
	e.do(t, "GET", "/api/v1/mds2/forms/"+itoa(imp.Form.ID), other, nil).problem(t, http.StatusNotFound)
	e.do(t, "GET", relPath(fx.rel, "/mds2/export"), other, nil).problem(t, http.StatusNotFound)
	e.do(t, "GET", relPath(fx.rel, "/ports"), other, nil).problem(t, http.StatusNotFound)
	e.send(t, relPath(fx.rel, "/mds2"), other, xlsx, "application/octet-stream").problem(t, http.StatusNotFound)
	e.do(t, "POST", "/api/v1/mds2/evaluate", other, map[string]any{}).problem(t, http.StatusNotFound)
	e.do(t, "GET", "/api/v1/mds2/forms", "", nil).problem(t, http.StatusUnauthorized)
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

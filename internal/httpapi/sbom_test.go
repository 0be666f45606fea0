package httpapi_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"mime"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/app/inventory"
	"github.com/vigil/vigil/internal/realdata"
	"github.com/vigil/vigil/internal/sbom"
)

// The real SBOMs the tests send, from the shared test data (its SOURCES.md
// says where each comes from).
const (
	medicalSBOM = "sbom/cyclonedx/medical-device-case-study/extended.sbom.json"
	spdxSBOM    = "sbom/spdx/spdx-tools-python/SPDXJSONExample-v2.3.spdx.json"
	yamlSBOM    = "sbom/spdx/spdx-tools-python/SPDXYAMLExample-v2.3.spdx.yaml"
)

// readFile reads a file of the shared test data.
func readFile(t *testing.T, name string) []byte {
	t.Helper()
	return realdata.Read(t, name)
}

// countCycloneDX counts a CycloneDX JSON document's components without the
// code under test: each object in the top-level components array and,
// recursively, in its objects' components arrays, plus metadata.component
// and its nested components, which the parser delivers too (docs/sbom.md).
func countCycloneDX(t *testing.T, b []byte) int {
	t.Helper()
	var doc map[string]any
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	var count func(v any) int
	count = func(v any) int {
		arr, _ := v.([]any)
		n := 0
		for _, e := range arr {
			if m, ok := e.(map[string]any); ok {
				n += 1 + count(m["components"])
			}
		}
		return n
	}
	n := count(doc["components"])
	if md, ok := doc["metadata"].(map[string]any); ok {
		if c, ok := md["component"].(map[string]any); ok {
			n += 1 + count(c["components"])
		}
	}
	return n
}

// countSPDX counts an SPDX JSON document's packages.
func countSPDX(t *testing.T, b []byte) int {
	t.Helper()
	var doc struct {
		Packages []json.RawMessage `json:"packages"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	return len(doc.Packages)
}

// multipartBody is a multipart/form-data body with a text field and then
// the document in the field named field; it returns the body and its
// Content-Type.
func multipartBody(t *testing.T, field string, doc []byte) (string, string) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	if err := mw.WriteField("comment", "sent before the file"); err != nil {
		t.Fatal(err)
	}
	fw, err := mw.CreateFormFile(field, "sbom.json")
	if err != nil {
		t.Fatal(err)
	}
	fw.Write(doc)
	if err := mw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.String(), mw.FormDataContentType()
}

// send posts a document as the raw body with contentType.
func (e *env) send(t *testing.T, path, token string, doc []byte, contentType string) response {
	t.Helper()
	return e.do(t, "POST", path, token, string(doc), "Content-Type", contentType)
}

// sbomFixture is an organization with a product and two releases.
type sbomFixture struct {
	token      string
	rel, other vigil.Release
}

func newSBOMFixture(t *testing.T, e *env, slug string) sbomFixture {
	t.Helper()
	token := e.org(t, slug)
	p := mustCreateProduct(t, e, token, "Infusion Pump")
	return sbomFixture{
		token: token,
		rel:   mustCreateRelease(t, e, token, p.ID, vigil.ReleaseInput{Version: "1.0"}),
		other: mustCreateRelease(t, e, token, p.ID, vigil.ReleaseInput{Version: "2.0"}),
	}
}

func relPath(r vigil.Release, suffix string) string {
	return fmt.Sprintf("/api/v1/releases/%d%s", r.ID, suffix)
}

// checkBody decodes a conformance report.
type checkBody struct {
	Document vigil.SBOMDocument `json:"document"`
	sbom.Report
	OK     bool `json:"ok"`
	NTIAOK bool `json:"ntia_ok"`
}

// TestSBOMLifecycle imports the real medical-device SBOM and an SPDX
// document, and reads them back through every operation.
func TestSBOMLifecycle(t *testing.T) {
	e := newEnv(t)
	f := newSBOMFixture(t, e, "acme")
	medical := readFile(t, medicalSBOM)
	spdx := readFile(t, spdxSBOM)
	wantComponents := countCycloneDX(t, medical)
	wantSPDX := countSPDX(t, spdx)
	if wantComponents < 50 || wantSPDX == 0 {
		t.Fatalf("independent counts %d and %d: wrong test data?", wantComponents, wantSPDX)
	}

	var first inventory.SBOMImport
	t.Run("ImportRaw", func(t *testing.T) {
		e.send(t, relPath(f.rel, "/sbom"), f.token, medical, "application/vnd.cyclonedx+json").
			want(t, http.StatusCreated, &first)
		d := first.Document
		if first.Unchanged || d == nil || d.ID == 0 || d.ReleaseID != f.rel.ID || d.Format != vigil.FormatCycloneDX ||
			d.Components != wantComponents || d.Size != int64(len(medical)) {
			t.Fatalf("import: %+v, document %+v; want %d components, %d bytes", first, d, wantComponents, len(medical))
		}
	})
	t.Run("ImportAgainUnchanged", func(t *testing.T) {
		var again inventory.SBOMImport
		e.send(t, relPath(f.rel, "/sbom"), f.token, medical, "application/json").want(t, http.StatusOK, &again)
		if !again.Unchanged || again.Document.ID != first.Document.ID {
			t.Errorf("second import: %+v, want unchanged document %d", again, first.Document.ID)
		}
	})
	t.Run("ImportMultipart", func(t *testing.T) {
		body, ct := multipartBody(t, "file", spdx)
		var res inventory.SBOMImport
		e.do(t, "POST", relPath(f.other, "/sbom"), f.token, body, "Content-Type", ct).want(t, http.StatusCreated, &res)
		if res.Unchanged || res.Document.Format != vigil.FormatSPDX || res.Document.Components != wantSPDX ||
			res.Document.ReleaseID != f.other.ID {
			t.Errorf("multipart import: %+v", res.Document)
		}
	})

	t.Run("List", func(t *testing.T) {
		var list struct {
			Items []vigil.SBOMDocument `json:"items"`
			Total int                  `json:"total"`
		}
		e.do(t, "GET", relPath(f.rel, "/sboms"), f.token, nil).want(t, http.StatusOK, &list)
		if list.Total != 1 || len(list.Items) != 1 || list.Items[0].ID != first.Document.ID || list.Items[0].SHA256 != first.Document.SHA256 {
			t.Errorf("list: %+v", list)
		}
	})

	t.Run("Components", func(t *testing.T) {
		type page struct {
			Document vigil.SBOMDocument `json:"document"`
			Items    []vigil.Component  `json:"items"`
			Total    int                `json:"total"`
		}
		var all page
		e.do(t, "GET", relPath(f.rel, "/sbom/components?limit=500"), f.token, nil).want(t, http.StatusOK, &all)
		if all.Total != wantComponents || len(all.Items) != wantComponents || all.Document.ID != first.Document.ID {
			t.Fatalf("components: total %d, %d items, document %d; want %d of document %d",
				all.Total, len(all.Items), all.Document.ID, wantComponents, first.Document.ID)
		}
		var p page
		e.do(t, "GET", relPath(f.rel, "/sbom/components?offset=10&limit=5"), f.token, nil).want(t, http.StatusOK, &p)
		if diff := cmp.Diff(all.Items[10:15], p.Items); diff != "" || p.Total != wantComponents {
			t.Errorf("page 10..15: total %d; (-want +got):\n%s", p.Total, diff)
		}
		var past page
		e.do(t, "GET", relPath(f.rel, fmt.Sprintf("/sbom/components?offset=%d", wantComponents+5)), f.token, nil).
			want(t, http.StatusOK, &past)
		if past.Items == nil || len(past.Items) != 0 || past.Total != wantComponents {
			t.Errorf("page past the end: %+v", past)
		}
	})

	t.Run("Check", func(t *testing.T) {
		var rep checkBody
		e.do(t, "GET", relPath(f.rel, "/sbom/check"), f.token, nil).want(t, http.StatusOK, &rep)
		if rep.Components != wantComponents || rep.Document.ID != first.Document.ID || len(rep.Elements) != len(sbom.ComponentElements) {
			t.Errorf("check: %d components, document %d, %d elements", rep.Components, rep.Document.ID, len(rep.Elements))
		}
		if rep.OK != (len(rep.Findings) == 0 && len(rep.DocumentMissing) == 0) || rep.OK != rep.Report.OK() || rep.NTIAOK != rep.Report.NTIAOK() {
			t.Errorf("check verdicts ok %v ntia_ok %v disagree with the report %+v", rep.OK, rep.NTIAOK, rep.Report)
		}
		// The medical SBOM's FDA fields are in properties vigil does
		// not read as such, so the check finds them missing.
		if rep.OK {
			t.Errorf("check: ok, want the FDA fields missing")
		}

		var upload checkBody
		e.send(t, "/api/v1/sbom/check", f.token, medical, "application/octet-stream").want(t, http.StatusOK, &upload)
		if upload.Document.ID != 0 {
			t.Errorf("checked upload has document ID %d: it was stored?", upload.Document.ID)
		}
		// The store reads components in ref order, the upload is checked
		// in document order.
		byRef := cmpopts.SortSlices(func(a, b sbom.ComponentFinding) bool { return a.Ref < b.Ref })
		if diff := cmp.Diff(rep.Report, upload.Report, byRef); diff != "" || upload.OK != rep.OK || upload.NTIAOK != rep.NTIAOK {
			t.Errorf("check of the upload differs from the stored one (-stored +upload):\n%s", diff)
		}
		var list struct{ Total int }
		e.do(t, "GET", relPath(f.rel, "/sboms"), f.token, nil).want(t, http.StatusOK, &list)
		if list.Total != 1 {
			t.Errorf("after a check the release has %d SBOMs, want 1", list.Total)
		}

		body, ct := multipartBody(t, "file", spdx)
		var spdxRep checkBody
		e.do(t, "POST", "/api/v1/sbom/check", f.token, body, "Content-Type", ct).want(t, http.StatusOK, &spdxRep)
		if spdxRep.Components != wantSPDX {
			t.Errorf("multipart check: %d components, want %d", spdxRep.Components, wantSPDX)
		}
	})

	t.Run("Export", func(t *testing.T) {
		tests := []struct {
			format, contentType, filename string
		}{
			{"cyclonedx-json", "application/vnd.cyclonedx+json", "release-%d-sbom.cdx.json"},
			{"cyclonedx-xml", "application/vnd.cyclonedx+xml", "release-%d-sbom.cdx.xml"},
			{"spdx-json", "application/spdx+json", "release-%d-sbom.spdx.json"},
			{"spdx-tv", "text/spdx", "release-%d-sbom.spdx"},
			{"", "application/vnd.cyclonedx+json", "release-%d-sbom.cdx.json"}, // the default
		}
		for _, tt := range tests {
			t.Run(tt.format, func(t *testing.T) {
				res := e.do(t, "GET", relPath(f.rel, "/sbom/export?format="+tt.format), f.token, nil)
				res.want(t, http.StatusOK, nil)
				checkAttachment(t, res, tt.contentType, fmt.Sprintf(tt.filename, f.rel.ID))
				var got sbom.Collector
				doc, err := sbom.Parse(t.Context(), bytes.NewReader(res.body), &got)
				if err != nil {
					t.Fatalf("parse the export: %v", err)
				}
				kind := sbom.Kind(tt.format)
				if tt.format == "" {
					kind = sbom.KindCycloneDXJSON
				}
				if format, encoding := kind.Format(); doc.Format != format || doc.Encoding != encoding {
					t.Errorf("export is %s/%s, want %s/%s", doc.Format, doc.Encoding, format, encoding)
				}
				if len(got.Components) != wantComponents {
					t.Errorf("export has %d components, want %d", len(got.Components), wantComponents)
				}
			})
		}
		t.Run("original", func(t *testing.T) {
			res := e.do(t, "GET", relPath(f.rel, "/sbom/export?format=original"), f.token, nil)
			res.want(t, http.StatusOK, nil)
			checkAttachment(t, res, "application/octet-stream", fmt.Sprintf("release-%d-sbom-original", f.rel.ID))
			if !bytes.Equal(res.body, medical) {
				t.Errorf("original export: %d bytes differ from the %d imported", len(res.body), len(medical))
			}
		})
		t.Run("UnknownFormat", func(t *testing.T) {
			p := e.do(t, "GET", relPath(f.rel, "/sbom/export?format=pdf"), f.token, nil).problem(t, http.StatusUnprocessableEntity)
			if len(p.Errors) != 1 || p.Errors[0].Location != "query.format" ||
				!strings.Contains(p.Errors[0].Message, "cyclonedx-json, cyclonedx-xml, spdx-json, spdx-tv, original") {
				t.Errorf("problem %+v, want query.format listing every format", p)
			}
		})
		t.Run("NoSBOM", func(t *testing.T) {
			p := mustCreateProduct(t, e, f.token, "Monitor")
			bare := mustCreateRelease(t, e, f.token, p.ID, vigil.ReleaseInput{Version: "1.0"})
			for _, format := range []string{"spdx-json", "original"} {
				pr := e.do(t, "GET", relPath(bare, "/sbom/export?format="+format), f.token, nil).problem(t, http.StatusNotFound)
				if !strings.Contains(pr.Detail, "has no SBOM") {
					t.Errorf("%s: detail %q", format, pr.Detail)
				}
			}
		})
	})

	t.Run("Diff", func(t *testing.T) {
		// The next release: the first component's version bumped, the
		// second removed, a new one added.
		var doc map[string]any
		if err := json.Unmarshal(medical, &doc); err != nil {
			t.Fatal(err)
		}
		comps := doc["components"].([]any)
		bumped := comps[0].(map[string]any)
		removed := comps[1].(map[string]any)
		oldVersion := bumped["version"].(string)
		bumped["version"] = oldVersion + "-patched"
		bumped["purl"] = strings.Replace(bumped["purl"].(string), "@"+oldVersion, "@"+oldVersion+"-patched", 1)
		added := map[string]any{"bom-ref": "test-added", "type": "library", "name": "zlib", "version": "1.3.1", "purl": "pkg:generic/zlib@1.3.1"}
		doc["components"] = append([]any{bumped}, append(comps[2:], added)...)
		next, err := json.Marshal(doc)
		if err != nil {
			t.Fatal(err)
		}
		p := mustCreateProduct(t, e, f.token, "Ventilator")
		a := mustCreateRelease(t, e, f.token, p.ID, vigil.ReleaseInput{Version: "1.0"})
		b := mustCreateRelease(t, e, f.token, p.ID, vigil.ReleaseInput{Version: "1.1"})
		e.send(t, relPath(a, "/sbom"), f.token, medical, "application/json").want(t, http.StatusCreated, nil)
		e.send(t, relPath(b, "/sbom"), f.token, next, "application/json").want(t, http.StatusCreated, nil)

		var d sbom.DiffResult
		e.do(t, "GET", fmt.Sprintf("/api/v1/sbom/diff?from=%d&to=%d", a.ID, b.ID), f.token, nil).want(t, http.StatusOK, &d)
		type nv struct{ Name, From, To string }
		var got []nv
		for _, c := range d.Removed {
			got = append(got, nv{c.Name, c.Version, ""})
		}
		for _, c := range d.Added {
			got = append(got, nv{c.Name, "", c.Version})
		}
		for _, c := range d.Changed {
			got = append(got, nv{c.To.Name, c.From.Version, c.To.Version})
		}
		want := []nv{
			{removed["name"].(string), str(removed["version"]), ""},
			{"zlib", "", "1.3.1"},
			{bumped["name"].(string), oldVersion, oldVersion + "-patched"},
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("diff (-want +got):\n%s", diff)
		}

		var same sbom.DiffResult
		e.do(t, "GET", fmt.Sprintf("/api/v1/sbom/diff?from=%d&to=%d", a.ID, f.rel.ID), f.token, nil).want(t, http.StatusOK, &same)
		if len(same.Added)+len(same.Removed)+len(same.Changed) != 0 || same.Added == nil {
			t.Errorf("diff of identical SBOMs: %+v", same)
		}
		e.do(t, "GET", fmt.Sprintf("/api/v1/sbom/diff?from=%d", a.ID), f.token, nil).problem(t, http.StatusUnprocessableEntity)
	})
}

func str(v any) string { s, _ := v.(string); return s }

func checkAttachment(t *testing.T, res response, contentType, filename string) {
	t.Helper()
	mt, _, err := mime.ParseMediaType(res.header.Get("Content-Type"))
	if err != nil || mt != contentType {
		t.Errorf("Content-Type %q, want %s", res.header.Get("Content-Type"), contentType)
	}
	disp, params, err := mime.ParseMediaType(res.header.Get("Content-Disposition"))
	if err != nil || disp != "attachment" || params["filename"] != filename {
		t.Errorf("Content-Disposition %q, want an attachment named %s", res.header.Get("Content-Disposition"), filename)
	}
}

// TestSBOMSupport applies FDA support addenda to the medical SBOM.
func TestSBOMSupport(t *testing.T) {
	e := newEnv(t)
	f := newSBOMFixture(t, e, "acme")
	medical := readFile(t, medicalSBOM)
	e.send(t, relPath(f.rel, "/sbom"), f.token, medical, "application/json").want(t, http.StatusCreated, nil)

	var doc struct {
		Components []struct {
			Name    string `json:"name"`
			Version string `json:"version"`
			PURL    string `json:"purl"`
		} `json:"components"`
	}
	if err := json.Unmarshal(medical, &doc); err != nil {
		t.Fatal(err)
	}
	byPURL, byName := doc.Components[0], doc.Components[3]
	components := func() map[string]vigil.Component {
		var page struct {
			Items []vigil.Component `json:"items"`
		}
		e.do(t, "GET", relPath(f.rel, "/sbom/components?limit=500"), f.token, nil).want(t, http.StatusOK, &page)
		m := make(map[string]vigil.Component)
		for _, c := range page.Items {
			m[c.Name+"@"+c.Version] = c
		}
		return m
	}

	t.Run("FaultyRows", func(t *testing.T) {
		before := components()[byPURL.Name+"@"+byPURL.Version]
		csv := "purl,name,version,support_level,end_of_support\n" +
			byPURL.PURL + ",,,sometimes,2030-12-31\n" +
			",FreeRTOS,10.0.1,limited_support,next year\n" +
			",,,abandoned,\n" +
			byPURL.PURL + ",,,actively_maintained,2031-01-01\n"
		p := e.send(t, relPath(f.rel, "/sbom/support"), f.token, []byte(csv), "text/csv").problem(t, http.StatusUnprocessableEntity)
		if !strings.Contains(p.Detail, "3 faulty row(s); nothing was applied") {
			t.Errorf("detail %q", p.Detail)
		}
		var locs []string
		for _, fe := range p.Errors {
			if fe.Message == "" {
				t.Errorf("%s: no message", fe.Location)
			}
			locs = append(locs, fe.Location)
		}
		want := []string{"body.line[2].support_level", "body.line[3].end_of_support", "body.line[4]"}
		if diff := cmp.Diff(want, locs); diff != "" {
			t.Errorf("error locations (-want +got):\n%s\n%+v", diff, p.Errors)
		}
		if c := components()[byPURL.Name+"@"+byPURL.Version]; c.SupportLevel != before.SupportLevel || c.EndOfSupport != before.EndOfSupport {
			t.Errorf("a faulty addendum changed %s: %+v", c.Name, c)
		}
	})
	t.Run("BadHeader", func(t *testing.T) {
		p := e.send(t, relPath(f.rel, "/sbom/support"), f.token, []byte("a,b\n1,2\n"), "text/csv").problem(t, http.StatusUnprocessableEntity)
		if !strings.Contains(p.Detail, "neither a purl nor a name column") {
			t.Errorf("detail %q", p.Detail)
		}
	})
	t.Run("Applied", func(t *testing.T) {
		csv := "purl,name,version,support_level,end_of_support\n" +
			byPURL.PURL + ",,,actively_maintained,2030-12-31\n" +
			"," + byName.Name + "," + byName.Version + ",no_longer_maintained,2020-06-30\n" +
			"pkg:npm/not-in-this-sbom@1.0.0,,,abandoned,\n"
		body, ct := multipartBody(t, "file", []byte(csv))
		var res inventory.SupportImport
		e.do(t, "POST", relPath(f.rel, "/sbom/support"), f.token, body, "Content-Type", ct).want(t, http.StatusOK, &res)
		if res.Records != 3 || res.Updated != 2 || len(res.Errors) != 0 ||
			len(res.Unmatched) != 1 || res.Unmatched[0].PURL != "pkg:npm/not-in-this-sbom@1.0.0" {
			t.Errorf("support import: %+v", res)
		}
		got := components()
		for _, w := range []struct {
			name, version string
			level         vigil.SupportLevel
			eos           string
		}{
			{byPURL.Name, byPURL.Version, vigil.SupportActive, "2030-12-31"},
			{byName.Name, byName.Version, vigil.SupportNone, "2020-06-30"},
		} {
			c := got[w.name+"@"+w.version]
			if c.SupportLevel != w.level || c.EndOfSupport.String() != w.eos {
				t.Errorf("%s %s: support %q until %s, want %q until %s", w.name, w.version, c.SupportLevel, c.EndOfSupport, w.level, w.eos)
			}
		}
	})
}

// TestSBOMProblems checks what a document vigil cannot take gets back.
func TestSBOMProblems(t *testing.T) {
	e := newEnv(t)
	f := newSBOMFixture(t, e, "acme")
	medical := readFile(t, medicalSBOM)
	importPath := relPath(f.rel, "/sbom")

	badPURL := bytes.Replace(medical, []byte(`"pkg:generic/unifi_network_application@8.3.32"`), []byte(`"pkg:/nothing"`), 1)
	if bytes.Equal(badPURL, medical) {
		t.Fatal("the purl to break is not in the test file")
	}
	oversize := append(bytes.Clone(medical), bytes.Repeat([]byte(" "), testMaxSBOM)...)
	oversizeForm, oversizeCT := multipartBody(t, "file", oversize)
	noFile, noFileCT := multipartBody(t, "other", medical)

	tests := []struct {
		name        string
		path        string
		body        string
		contentType string
		wantStatus  int
		wantDetail  []string // substrings
		wantErrors  []string // locations
	}{
		{
			name: "BadPURL", path: importPath, body: string(badPURL), contentType: "application/json",
			wantStatus: http.StatusUnprocessableEntity,
			wantDetail: []string{`components[0].purl: invalid purl "pkg:/nothing"`},
			wantErrors: []string{"body.components[0].purl"},
		},
		{
			name: "Truncated", path: importPath, body: string(medical[:1000]), contentType: "application/json",
			wantStatus: http.StatusUnprocessableEntity,
			wantDetail: []string{"components[0]: document ends in the middle", fmt.Sprintf("(line %d, column", bytes.Count(medical[:1000], []byte("\n"))+1)},
			wantErrors: []string{"body.components[0]"},
		},
		{
			name: "TrailingGarbage", path: "/api/v1/sbom/check", body: string(medical) + "}{", contentType: "application/json",
			wantStatus: http.StatusUnprocessableEntity,
			wantDetail: []string{"content after the end of the document", "line "},
			wantErrors: []string{"body"},
		},
		{
			name: "Empty", path: importPath, body: "", contentType: "application/json",
			wantStatus: http.StatusUnprocessableEntity,
			wantErrors: []string{"body"},
		},
		{
			name: "UnsupportedFormat", path: importPath, body: string(readFile(t, yamlSBOM)), contentType: "text/plain",
			wantStatus: http.StatusUnsupportedMediaType,
			wantDetail: []string{"YAML"},
			wantErrors: []string{"body"},
		},
		{
			name: "Oversize", path: importPath, body: string(oversize), contentType: "application/json",
			wantStatus: http.StatusRequestEntityTooLarge,
			wantDetail: []string{"too large", fmt.Sprint(testMaxSBOM)},
		},
		{
			name: "OversizeMultipart", path: importPath, body: oversizeForm, contentType: oversizeCT,
			wantStatus: http.StatusRequestEntityTooLarge, wantDetail: []string{"too large"},
		},
		{
			name: "OversizeCheck", path: "/api/v1/sbom/check", body: string(oversize), contentType: "application/json",
			wantStatus: http.StatusRequestEntityTooLarge, wantDetail: []string{"too large"},
		},
		{
			name: "MultipartWithoutFile", path: importPath, body: noFile, contentType: noFileCT,
			wantStatus: http.StatusUnprocessableEntity, wantErrors: []string{"body.file"},
		},
		{
			name: "MultipartWithoutBoundary", path: importPath, body: noFile, contentType: "multipart/form-data",
			wantStatus: http.StatusBadRequest, wantDetail: []string{"boundary"},
		},
		{
			name: "NoRelease", path: "/api/v1/releases/999999/sbom", body: string(medical), contentType: "application/json",
			wantStatus: http.StatusNotFound, wantDetail: []string{"not found"},
		},
		{
			name: "NoSBOMToCheck", path: relPath(f.other, "/sbom/check"), wantStatus: http.StatusNotFound,
			wantDetail: []string{"has no SBOM"},
		},
		{
			name: "NoSBOMToSupport", path: relPath(f.other, "/sbom/support"), contentType: "text/csv",
			body:       "purl,support_level\npkg:npm/a@1,unknown\n",
			wantStatus: http.StatusNotFound, wantDetail: []string{"has no SBOM"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			method := "POST"
			if tt.contentType == "" {
				method = "GET"
			}
			p := e.do(t, method, tt.path, f.token, tt.body, "Content-Type", tt.contentType).problem(t, tt.wantStatus)
			for _, s := range tt.wantDetail {
				if !strings.Contains(p.Detail, s) {
					t.Errorf("detail %q, want it to contain %q", p.Detail, s)
				}
			}
			var locs []string
			for _, fe := range p.Errors {
				locs = append(locs, fe.Location)
			}
			if diff := cmp.Diff(tt.wantErrors, locs, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("error locations (-want +got):\n%s\nproblem: %+v", diff, p)
			}
		})
	}

	// Nothing was stored by the failed imports.
	var list struct{ Total int }
	e.do(t, "GET", relPath(f.rel, "/sboms"), f.token, nil).want(t, http.StatusOK, &list)
	if list.Total != 0 {
		t.Errorf("after failed imports the release has %d SBOMs", list.Total)
	}
}

// TestSBOMIsolation proves organization B can neither read nor change
// organization A's SBOMs, and is told the release does not exist.
func TestSBOMIsolation(t *testing.T) {
	e := newEnv(t)
	a := newSBOMFixture(t, e, "org-a")
	b := newSBOMFixture(t, e, "org-b")
	medical := readFile(t, medicalSBOM)
	e.send(t, relPath(a.rel, "/sbom"), a.token, medical, "application/json").want(t, http.StatusCreated, nil)
	e.send(t, relPath(a.other, "/sbom"), a.token, medical, "application/json").want(t, http.StatusCreated, nil)
	e.send(t, relPath(b.rel, "/sbom"), b.token, medical, "application/json").want(t, http.StatusCreated, nil)
	form, formCT := multipartBody(t, "file", medical)
	csv := "purl,support_level\npkg:generic/unifi_network_application@8.3.32,abandoned\n"

	denied := []struct {
		name, method, path, body, contentType string
	}{
		{"ImportRaw", "POST", relPath(a.rel, "/sbom"), string(medical), "application/json"},
		{"ImportMultipart", "POST", relPath(a.rel, "/sbom"), form, formCT},
		{"List", "GET", relPath(a.rel, "/sboms"), "", ""},
		{"Components", "GET", relPath(a.rel, "/sbom/components"), "", ""},
		{"Check", "GET", relPath(a.rel, "/sbom/check"), "", ""},
		{"ExportCycloneDX", "GET", relPath(a.rel, "/sbom/export"), "", ""},
		{"ExportSPDX", "GET", relPath(a.rel, "/sbom/export?format=spdx-tv"), "", ""},
		{"ExportOriginal", "GET", relPath(a.rel, "/sbom/export?format=original"), "", ""},
		{"Diff", "GET", fmt.Sprintf("/api/v1/sbom/diff?from=%d&to=%d", a.rel.ID, a.other.ID), "", ""},
		{"DiffFromOwn", "GET", fmt.Sprintf("/api/v1/sbom/diff?from=%d&to=%d", b.rel.ID, a.rel.ID), "", ""},
		{"DiffToOwn", "GET", fmt.Sprintf("/api/v1/sbom/diff?from=%d&to=%d", a.rel.ID, b.rel.ID), "", ""},
		{"Support", "POST", relPath(a.rel, "/sbom/support"), csv, "text/csv"},
	}
	for _, tt := range denied {
		t.Run(tt.name, func(t *testing.T) {
			var body any
			if tt.body != "" {
				body = tt.body
			}
			e.do(t, tt.method, tt.path, b.token, body, "Content-Type", tt.contentType).problem(t, http.StatusNotFound)
		})
	}

	// Nothing B did changed A's SBOMs.
	var list struct {
		Items []vigil.SBOMDocument `json:"items"`
	}
	e.do(t, "GET", relPath(a.rel, "/sboms"), a.token, nil).want(t, http.StatusOK, &list)
	if len(list.Items) != 1 || !list.Items[0].SupersededAt.IsZero() {
		t.Errorf("org A's SBOMs after org B's attempts: %+v", list.Items)
	}
	var rep checkBody
	e.do(t, "GET", relPath(a.rel, "/sbom/check"), a.token, nil).want(t, http.StatusOK, &rep)
	for _, el := range rep.Elements {
		// The SBOM itself states a level on 65 of its 66 components.
		if el.Element == sbom.ElementSupportLevel && el.Present != 65 {
			t.Errorf("org B's addendum reached org A's SBOM: %+v", el)
		}
	}
}

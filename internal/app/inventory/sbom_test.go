package inventory_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/app/apptest"
	"github.com/vigil/vigil/internal/sbom"
)

// countCycloneDXComponents counts components the way a reader of the spec
// would, independently of the parser: every object in a "components" array,
// at any depth, plus metadata.component.
func countCycloneDXComponents(t *testing.T, raw []byte) int {
	t.Helper()
	var doc map[string]any
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	var walk func(v any) int
	walk = func(v any) int {
		n := 0
		comps, _ := v.([]any)
		for _, c := range comps {
			n++
			if m, ok := c.(map[string]any); ok {
				n += walk(m["components"])
			}
		}
		return n
	}
	n := walk(doc["components"])
	if md, ok := doc["metadata"].(map[string]any); ok {
		if _, ok := md["component"].(map[string]any); ok {
			n++
		}
	}
	return n
}

func TestImportSBOM(t *testing.T) {
	svc, _ := apptest.New(t)
	sc := apptest.Org(t, svc, "acme")
	raw, err := os.ReadFile(apptest.MedicalSBOM(t))
	if err != nil {
		t.Fatal(err)
	}
	want := countCycloneDXComponents(t, raw)
	r := apptest.NewRelease(t, svc, sc, "Pump", "3.0")

	res, err := svc.Inventory.ImportSBOM(t.Context(), sc, r.ID, bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	if res.Unchanged || res.Document.Components != want || res.Document.ReleaseID != r.ID || res.Document.ID == 0 {
		t.Fatalf("import = %+v, want %d components stored", res.Document, want)
	}
	_, comps, err := svc.Inventory.ReleaseComponents(t.Context(), sc, r.ID)
	if err != nil || len(comps) != want {
		t.Fatalf("stored components = %d, %v; want %d", len(comps), err, want)
	}

	again, err := svc.Inventory.ImportSBOM(t.Context(), sc, r.ID, bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	if !again.Unchanged || again.Document.ID != res.Document.ID {
		t.Errorf("re-import = %+v, want unchanged", again)
	}
	docs, err := svc.Inventory.SBOMs(t.Context(), sc, r.ID)
	if err != nil || len(docs) != 1 {
		t.Fatalf("documents after re-import = %d, %v; want 1", len(docs), err)
	}

	var orig bytes.Buffer
	if err := svc.Inventory.ExportOriginalSBOM(t.Context(), sc, r.ID, &orig); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(orig.Bytes(), raw) {
		t.Errorf("original export differs from the imported bytes (%d vs %d bytes)", orig.Len(), len(raw))
	}
	for _, kind := range sbom.Kinds {
		var out bytes.Buffer
		if err := svc.Inventory.ExportSBOM(t.Context(), sc, r.ID, kind, &out); err != nil {
			t.Fatalf("export %s: %v", kind, err)
		}
		var c sbom.Collector
		if _, err := sbom.Parse(t.Context(), &out, &c); err != nil {
			t.Fatalf("export %s does not parse: %v", kind, err)
		}
		if len(c.Components) != want {
			t.Errorf("export %s has %d components, want %d", kind, len(c.Components), want)
		}
	}

	// A document with one component less supersedes the first.
	var doc map[string]any
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	doc["components"] = doc["components"].([]any)[1:]
	smaller, _ := json.Marshal(doc)
	next, err := svc.Inventory.ImportSBOM(t.Context(), sc, r.ID, bytes.NewReader(smaller))
	if err != nil {
		t.Fatal(err)
	}
	if next.Superseded == nil || next.Superseded.ID != res.Document.ID || next.Document.Components != want-1 {
		t.Errorf("second import = %+v superseding %+v", next.Document, next.Superseded)
	}
	docs, _ = svc.Inventory.SBOMs(t.Context(), sc, r.ID)
	if len(docs) != 2 || docs[0].ID != next.Document.ID || docs[1].SupersededAt.IsZero() {
		t.Errorf("documents = %+v, want the new one current and the first superseded", docs)
	}
}

func TestImportSBOMFailureLeavesNothing(t *testing.T) {
	svc, _ := apptest.New(t)
	sc := apptest.Org(t, svc, "acme")
	r := apptest.NewRelease(t, svc, sc, "Pump", "1.0")
	raw, err := os.ReadFile(apptest.MedicalSBOM(t))
	if err != nil {
		t.Fatal(err)
	}
	good, err := svc.Inventory.ImportSBOM(t.Context(), sc, r.ID, bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		body []byte
		want string
	}{
		{"truncated", raw[:len(raw)/2], "document ends in the middle"},
		{"trailing garbage", append(append([]byte{}, raw...), []byte(`{"more":1}`)...), ""},
		{"not an SBOM", []byte(`{"hello": "world"}`), ""},
		{"empty", nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := svc.Inventory.ImportSBOM(t.Context(), sc, r.ID, bytes.NewReader(tt.body))
			if !errors.Is(err, vigil.ErrInvalid) {
				t.Fatalf("error = %v, want invalid", err)
			}
			if tt.want != "" && !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not say %q", err, tt.want)
			}
			docs, err := svc.Inventory.SBOMs(t.Context(), sc, r.ID)
			if err != nil {
				t.Fatal(err)
			}
			if len(docs) != 1 || docs[0].ID != good.Document.ID || !docs[0].SupersededAt.IsZero() {
				t.Errorf("after a failed import the documents are %+v; want only the good one, still current", docs)
			}
		})
	}
}

func TestSBOMIsolation(t *testing.T) {
	svc, _ := apptest.New(t)
	a := apptest.Org(t, svc, "a")
	b := apptest.Org(t, svc, "b")
	r := apptest.NewRelease(t, svc, a, "Pump", "1.0")
	raw, _ := os.ReadFile(apptest.MedicalSBOM(t))
	if _, err := svc.Inventory.ImportSBOM(t.Context(), b, r.ID, bytes.NewReader(raw)); !errors.Is(err, vigil.ErrNotFound) {
		t.Errorf("B imports into A's release: %v, want not found", err)
	}
	if _, err := svc.Inventory.ImportSBOM(t.Context(), a, r.ID, bytes.NewReader(raw)); err != nil {
		t.Fatal(err)
	}
	if _, _, err := svc.Inventory.ReleaseComponents(t.Context(), b, r.ID); !errors.Is(err, vigil.ErrNotFound) {
		t.Errorf("B reads A's components: %v, want not found", err)
	}
	if _, _, err := svc.Inventory.CheckRelease(t.Context(), b, r.ID); !errors.Is(err, vigil.ErrNotFound) {
		t.Errorf("B checks A's SBOM: %v, want not found", err)
	}
	if err := svc.Inventory.ExportOriginalSBOM(t.Context(), b, r.ID, &bytes.Buffer{}); !errors.Is(err, vigil.ErrNotFound) {
		t.Errorf("B exports A's SBOM: %v, want not found", err)
	}
}

func TestImportSupport(t *testing.T) {
	svc, _ := apptest.New(t)
	sc := apptest.Org(t, svc, "acme")
	r := apptest.NewRelease(t, svc, sc, "Pump", "1.0")
	raw, _ := os.ReadFile(apptest.MedicalSBOM(t))
	if _, err := svc.Inventory.ImportSBOM(t.Context(), sc, r.ID, bytes.NewReader(raw)); err != nil {
		t.Fatal(err)
	}
	bad := "name,version,support_level,end_of_support\nFreeRTOS,10.0.1,dunno,2020-01-01\nWolfSSL,4.8.1,limited_support,12/11/2026\n"
	res, err := svc.Inventory.ImportSupport(t.Context(), sc, r.ID, strings.NewReader(bad))
	if !errors.Is(err, vigil.ErrInvalid) || res == nil || len(res.Errors) != 2 {
		t.Fatalf("faulty addendum: %+v, %v; want two row errors", res, err)
	}
	_, rep, err := svc.Inventory.CheckRelease(t.Context(), sc, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range rep.Elements {
		// The SBOM itself states a level on 65 of its 66 components.
		if e.Element == "support_level" && e.Present != 65 {
			t.Errorf("a faulty addendum changed %d components", e.Present)
		}
	}
	good := "purl,name,version,support_level,end_of_support\n,FreeRTOS,10.0.1,no_longer_maintained,2021-12-31\npkg:nuget/log4net,,,no_longer_maintained,\n,NoSuchThing,1.0,abandoned,\n"
	res, err = svc.Inventory.ImportSupport(t.Context(), sc, r.ID, strings.NewReader(good))
	if err != nil {
		t.Fatal(err)
	}
	if res.Updated != 2 || len(res.Unmatched) != 1 || res.Unmatched[0].Name != "NoSuchThing" {
		t.Errorf("addendum result = %+v, want 2 updated and NoSuchThing unmatched", res)
	}
	_, comps, _ := svc.Inventory.ReleaseComponents(t.Context(), sc, r.ID)
	for _, c := range comps {
		if c.Name == "FreeRTOS" && (c.SupportLevel != vigil.SupportNone || c.EndOfSupport.String() != "2021-12-31") {
			t.Errorf("FreeRTOS support = %s %s", c.SupportLevel, c.EndOfSupport)
		}
	}
}

// medicalSBOM is the shared test data folder sbom/cyclonedx/medical-device-case-study/extended.sbom.json.

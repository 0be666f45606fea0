package csaf

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	csafdoc "github.com/vigil/vigil/internal/csaf"
	"github.com/vigil/vigil/internal/ingest"

	"github.com/google/go-cmp/cmp"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/feed"
	"github.com/vigil/vigil/internal/feed/feedtest"
	"github.com/vigil/vigil/internal/realdata"
)

func newImporter(t testing.TB) *Importer {
	t.Helper()
	im, err := New(ingest.Limits{}, csafdoc.Config{})
	if err != nil {
		t.Fatal(err)
	}
	return im
}

type counts struct {
	Advisories, Vulnerabilities, Products, Relationships, Groups, Remediations, Threats, Flags, Scores int
	Status                                                                                             map[string]int
}

// rejected is the one real advisory that fails a mandatory test: its
// revision 2 is dated 2003-11-12T00:00 and revision 1 2003-11-12T14:16,
// so sorted by date the numbers are not ascending (6.1.14).
const rejected = "redhat/rhsa-2003_315.json"

// TestImportRealAdvisories imports every real CSAF advisory of the test
// data (CISA ICSMA and ICSA/IT, Red Hat, the OASIS examples) and checks
// the counts against a generic JSON walk.
func TestImportRealAdvisories(t *testing.T) {
	var files []string
	for _, sub := range []string{"cisa-icsma", "cisa-icsa-it", "redhat", "oasis-csaf20/examples/csaf"} {
		filepath.WalkDir(filepath.Join(dir(t), sub), func(p string, d os.DirEntry, err error) error {
			if err == nil && strings.HasSuffix(p, ".json") {
				files = append(files, p)
			}
			return err
		})
	}
	// 40 ICSMA + 7 ICSA/IT + 3 Red Hat + 19 OASIS examples.
	if len(files) != 69 {
		t.Fatalf("%d files, want 69", len(files))
	}
	exp := counts{Status: map[string]int{}}
	for _, f := range files {
		if strings.HasSuffix(f, rejected) {
			continue
		}
		doc := feedtest.LoadJSON(t, f)
		exp.Advisories++
		pt := feedtest.Get(doc, "product_tree")
		feedtest.Walk(feedtest.Get(pt, "branches"), func(o map[string]any) {
			if _, ok := o["product_id"]; ok {
				exp.Products++
			}
		})
		exp.Products += len(feedtest.List(pt, "full_product_names"))
		exp.Relationships += len(feedtest.List(pt, "relationships"))
		exp.Products += len(feedtest.List(pt, "relationships"))
		exp.Groups += len(feedtest.List(pt, "product_groups"))
		for _, v := range feedtest.List(doc, "vulnerabilities") {
			exp.Vulnerabilities++
			exp.Remediations += len(feedtest.List(v, "remediations"))
			exp.Threats += len(feedtest.List(v, "threats"))
			exp.Flags += len(feedtest.List(v, "flags"))
			exp.Scores += len(feedtest.List(v, "scores"))
			if ps, ok := feedtest.Get(v, "product_status").(map[string]any); ok {
				for k, ids := range ps {
					exp.Status[k] += len(ids.([]any))
				}
			}
		}
	}
	im := newImporter(t)
	sink := &feedtest.Sink{}
	rep := feed.Report{}
	for _, f := range files {
		r, err := feed.ImportPath(t.Context(), f, []feed.Importer{im}, sink, feed.Options{})
		if err != nil {
			t.Fatal(err)
		}
		rep.Merge(r, f)
	}
	if rep.Rejected != 1 || rep.Accepted != 68 {
		t.Errorf("report: accepted %d rejected %d", rep.Accepted, rep.Rejected)
	}
	for _, p := range rep.Problems {
		if !strings.HasSuffix(p.File, rejected) || !strings.HasPrefix(p.Reason, "6.1.14:") {
			t.Errorf("unexpected problem: %v", p)
		}
	}
	got := counts{Status: map[string]int{}}
	for _, a := range sink.Advisories {
		got.Advisories++
		got.Products += len(a.ProductTree.Products())
		got.Relationships += len(a.ProductTree.Relationships)
		got.Groups += len(a.ProductTree.ProductGroups)
		for _, v := range a.Vulnerabilities {
			got.Vulnerabilities++
			got.Remediations += len(v.Remediations)
			got.Threats += len(v.Threats)
			got.Flags += len(v.Flags)
			got.Scores += len(v.Scores)
			for _, k := range vigil.ProductStatusKinds {
				if n := len(v.ProductStatus.List(k)); n > 0 {
					got.Status[string(k)] += n
				}
			}
		}
	}
	if diff := cmp.Diff(exp, got); diff != "" {
		t.Errorf("counts (-want +got):\n%s", diff)
	}
	t.Logf("%+v", got)
}

func TestDeviceAdvisory(t *testing.T) {
	// ICSMA-20-343-01 (214 product ids) names devices by model.
	sink := &feedtest.Sink{}
	if _, err := feed.ImportPath(t.Context(), filepath.Join(dir(t), "cisa-icsma/icsma-20-343-01.json"), []feed.Importer{newImporter(t)}, sink, feed.Options{}); err != nil {
		t.Fatal(err)
	}
	a := sink.Advisories[0]
	doc := feedtest.LoadJSON(t, filepath.Join(dir(t), "cisa-icsma/icsma-20-343-01.json"))
	if a.ID != feedtest.Str(doc, "document", "tracking", "id") || a.Publisher.Name != feedtest.Str(doc, "document", "publisher", "name") ||
		a.Category != vigil.CategorySecurityAdvisory || a.TLP != feedtest.Str(doc, "document", "distribution", "tlp", "label") {
		t.Errorf("advisory %s %q %s %s", a.ID, a.Publisher.Name, a.Category, a.TLP)
	}
	products := a.ProductTree.Products()
	withVendor := 0
	for _, p := range products {
		if p.Vendor != "" && p.Product != "" {
			withVendor++
		}
	}
	if withVendor == 0 {
		t.Errorf("no product carries its vendor and product name from the branches: %+v", products[:3])
	}
	for _, v := range a.Vulnerabilities {
		for _, s := range v.Scores {
			for _, sv := range s.Severities {
				if !sv.Computed || sv.BaseScore != sv.GivenScore {
					t.Errorf("%s: %s computes %v, CISA says %v", v.CVE, sv.Vector, sv.BaseScore, sv.GivenScore)
				}
			}
		}
	}
}

func TestVEXStatus(t *testing.T) {
	// icsa-24-235-03 is the CISA file with flags and recommended.
	sink := &feedtest.Sink{}
	p := filepath.Join(dir(t), "cisa-icsa-it/icsa-24-235-03.json")
	if _, err := feed.ImportPath(t.Context(), p, []feed.Importer{newImporter(t)}, sink, feed.Options{}); err != nil {
		t.Fatal(err)
	}
	a := sink.Advisories[0]
	flags, recommended, notAffected := 0, 0, 0
	for _, v := range a.Vulnerabilities {
		flags += len(v.Flags)
		recommended += len(v.ProductStatus.Recommended)
		notAffected += len(v.ProductStatus.KnownNotAffected)
		for _, f := range v.Flags {
			if !f.Label.Valid() {
				t.Errorf("flag label %q", f.Label)
			}
		}
	}
	if flags == 0 || recommended == 0 || notAffected == 0 {
		t.Errorf("flags %d, recommended %d, known_not_affected %d", flags, recommended, notAffected)
	}
	id := a.Vulnerabilities[0].ProductStatus.KnownNotAffected[0]
	kinds := a.Vulnerabilities[0].ProductStatus.Of(id)
	if len(kinds) == 0 || kinds[0] != vigil.ProductKnownNotAffected {
		t.Errorf("status of %s: %v", id, kinds)
	}
}

func TestChecksums(t *testing.T) {
	v := &csafdoc.Verifier{}
	for _, name := range []string{"icsma-17-009-01a.json", "icsma-19-274-01.json", "icsma-20-343-01.json", "icsma-24-163-01.json"} {
		// The checksums hold; the .asc beside each is not checked without
		// keys, and Verify says so.
		var n *ingest.Notice
		if err := v.Verify(filepath.Join(dir(t), "cisa-icsma", name)); !errors.As(err, &n) || !strings.Contains(n.Msg, "not checked") {
			t.Errorf("%s: %v", name, err)
		}
	}
	// A changed byte fails the check, and ImportPath skips the file.
	tmp := t.TempDir()
	b, _ := os.ReadFile(filepath.Join(dir(t), "cisa-icsma/icsma-17-009-01a.json"))
	sum, _ := os.ReadFile(filepath.Join(dir(t), "cisa-icsma/icsma-17-009-01a.json.sha512"))
	b = bytes.Replace(b, []byte("ICSMA"), []byte("ICSMX"), 1)
	os.WriteFile(filepath.Join(tmp, "icsma-17-009-01a.json"), b, 0o600)
	os.WriteFile(filepath.Join(tmp, "icsma-17-009-01a.json.sha512"), sum, 0o600)
	if err := v.Verify(filepath.Join(tmp, "icsma-17-009-01a.json")); !errors.Is(err, csafdoc.ErrVerify) {
		t.Errorf("tampered file: %v", err)
	}
	sink := &feedtest.Sink{}
	rep, err := feed.ImportPath(t.Context(), tmp, []feed.Importer{newImporter(t)}, sink, feed.Options{Verify: v.Verify})
	if err != nil {
		t.Fatal(err)
	}
	if len(sink.Advisories) != 0 || rep.SkippedFiles != 1 {
		t.Errorf("tampered file imported: %+v", rep)
	}
	if err := (&csafdoc.Verifier{RequireChecksum: true}).Verify(filepath.Join(dir(t), "redhat/rhsa-2024_6220.json")); !errors.Is(err, csafdoc.ErrVerify) {
		t.Errorf("missing checksum: %v", err)
	}
}

func FuzzImport(f *testing.F) {
	for _, p := range []string{"cisa-icsma/icsma-18-058-02.json", "oasis-csaf20/examples/csaf/csaf_vex/2022-evd-uc-01-a-001.json",
		"oasis-csaf20/validator-testdata/mandatory/oasis_csaf_tc-csaf_2_0-2021-6-1-01-01.json"} {
		b, err := os.ReadFile(filepath.Join(dir(f), p))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	im := newImporter(f)
	f.Fuzz(func(t *testing.T, doc []byte) {
		rep, _ := im.Import(context.Background(), bytes.NewReader(doc), feedtest.Discard{})
		if rep.Accepted+rep.Unchanged+rep.Rejected != rep.Records {
			t.Fatalf("inconsistent report %+v", rep)
		}
	})
}

// dir is the shared test data folder csaf.
func dir(t testing.TB) string {
	t.Helper()
	return realdata.Path(t, "csaf")
}

// TestAdditionalProperties: a property the standard does not define is a
// warning (optional test 6.2.20) by default and rejects the document with
// Config.Strict.
func TestAdditionalProperties(t *testing.T) {
	raw := realdata.Read(t, "csaf/cisa-icsma/icsma-18-058-02.json")
	var doc map[string]any
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	doc["document"].(map[string]any)["x_vendor_extension"] = "kept"
	b, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		cfg                csafdoc.Config
		accepted, rejected int
	}{
		{csafdoc.Config{}, 1, 0},
		{csafdoc.Config{Strict: true}, 0, 1},
	} {
		im, err := New(ingest.Limits{}, tc.cfg)
		if err != nil {
			t.Fatal(err)
		}
		rep, err := im.Import(t.Context(), bytes.NewReader(b), &feedtest.Sink{})
		if err != nil {
			t.Fatal(err)
		}
		if rep.Accepted != tc.accepted || rep.Rejected != tc.rejected || len(rep.Problems) != 1 ||
			!strings.Contains(rep.Problems[0].Reason, "x_vendor_extension") || rep.Problems[0].Warning != !tc.cfg.Strict {
			t.Errorf("strict=%v: %+v", tc.cfg.Strict, rep)
		}
	}
}

package cve5

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/feed"
	"github.com/vigil/vigil/internal/feed/feedtest"
	"github.com/vigil/vigil/internal/ingest"
	"github.com/vigil/vigil/internal/realdata"
)

type counts struct {
	Records, Rejected, ADP, SSVC, KEV, Severities, V40, CPEs, Products, Versions int
}

func TestImportAll(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(dir(t), "*/*.json"))
	if len(files) != 212 {
		t.Fatalf("%d files, want 212 (201 vulnrichment + 11 cvelistV5)", len(files))
	}
	var exp counts
	for _, f := range files {
		doc := feedtest.LoadJSON(t, f)
		exp.Records++
		if feedtest.Str(doc, "cveMetadata", "state") == "REJECTED" {
			exp.Rejected++
		}
		containers := append([]any{feedtest.Get(doc, "containers", "cna")}, feedtest.List(doc, "containers", "adp")...)
		exp.ADP += len(containers) - 1
		for _, c := range containers {
			for _, m := range feedtest.List(c, "metrics") {
				for _, k := range []string{"cvssV4_0", "cvssV3_1", "cvssV3_0", "cvssV2_0"} {
					if feedtest.Get(m, k) != nil {
						exp.Severities++
						if k == "cvssV4_0" {
							exp.V40++
						}
					}
				}
				switch feedtest.Str(m, "other", "type") {
				case "ssvc":
					exp.SSVC++
				case "kev":
					exp.KEV++
				}
			}
			for _, a := range feedtest.List(c, "affected") {
				exp.Products++
				exp.CPEs += len(feedtest.List(a, "cpes"))
				exp.Versions += len(feedtest.List(a, "versions"))
			}
		}
	}
	sink := &feedtest.Sink{}
	rep, err := feed.ImportPath(t.Context(), dir(t), []feed.Importer{New(ingest.Limits{})}, sink, feed.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var got counts
	mismatch := 0
	for _, v := range sink.Vulnerabilities {
		got.Records++
		if !v.Withdrawn.IsZero() {
			got.Rejected++
		}
		sev := append([]vigil.Severity{}, v.Severities...)
		prods := append([]vigil.AffectedProduct{}, v.Products...)
		got.ADP += len(v.ADP)
		for _, a := range v.ADP {
			sev = append(sev, a.Severities...)
			prods = append(prods, a.Products...)
			if a.SSVC != nil {
				got.SSVC++
			}
			if a.KEV != nil {
				got.KEV++
			}
		}
		for _, s := range sev {
			got.Severities++
			if s.Version == vigil.CVSS40 {
				got.V40++
			}
			if s.Computed && s.BaseScore != s.GivenScore {
				mismatch++
				t.Logf("%s: %s computes %v, the record says %v", v.ID, s.Vector, s.BaseScore, s.GivenScore)
			}
		}
		for _, p := range prods {
			got.Products++
			got.CPEs += len(p.CPEs)
			got.Versions += len(p.Versions)
		}
	}
	if diff := cmp.Diff(exp, got); diff != "" {
		t.Errorf("counts (-want +got):\n%s", diff)
	}
	if rep.Accepted != 212 || rep.Rejected != 0 {
		t.Errorf("report %+v", rep)
	}
	// find testdata/cve5 -name '*.json' | xargs grep -l '"type": "kev"' | wc -l = 43
	if exp.KEV != 43 || exp.V40 != 37 {
		t.Errorf("KEV %d, v4.0 %d; want 43 and 37", exp.KEV, exp.V40)
	}
	if rep.SkippedFiles != 0 {
		t.Errorf("skipped %d files", rep.SkippedFiles)
	}
	t.Logf("%+v; %d severities whose printed score differs from the vector's", got, mismatch)
	for _, w := range rep.Problems {
		t.Logf("problem: %v", w)
	}
}

func TestCISAADP(t *testing.T) {
	sink := &feedtest.Sink{}
	if _, err := feed.ImportPath(t.Context(), filepath.Join(dir(t), "vulnrichment/CVE-2011-0611.json"), []feed.Importer{New(ingest.Limits{})}, sink, feed.Options{}); err != nil {
		t.Fatal(err)
	}
	v := sink.Vulnerabilities[0]
	var adp *vigil.ADPContainer
	for i := range v.ADP {
		if v.ADP[i].Provider == "CISA-ADP" {
			adp = &v.ADP[i]
		}
	}
	if adp == nil {
		t.Fatal("no CISA-ADP container")
	}
	if got := adp.SSVC.Value("exploitation"); got != "active" {
		t.Errorf("SSVC exploitation %q", got)
	}
	if got := adp.SSVC.Value("Technical Impact"); got != "total" {
		t.Errorf("SSVC technical impact %q", got)
	}
	if adp.KEV == nil || adp.KEV.DateAdded.String() != "2022-03-03" {
		t.Errorf("KEV %+v", adp.KEV)
	}
	if cpes := adp.CPEs(); len(cpes) != 6 || cpes[0] != "cpe:2.3:a:adobe:flash_player:-:*:*:*:*:*:*:*" {
		t.Errorf("CPEs %v", cpes)
	}
	want := vigil.ProductVersion{Version: "0", Status: vigil.VersionAffected, LessThan: "10.2.154.27", VersionType: "custom"}
	if diff := cmp.Diff(want, adp.Products[0].Versions[0]); diff != "" {
		t.Errorf("version (-want +got):\n%s", diff)
	}
	if s := adp.Severities[0]; s.BaseScore != 8.8 || !s.Computed || s.Source != "CISA-ADP" {
		t.Errorf("severity %+v", s)
	}
}

func TestLog4Shell(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(dir(t), "osv-dev-cvelistV5/CVE-2021-44228.json"))
	if len(files) != 1 {
		t.Skip("CVE-2021-44228 not in the test data")
	}
	sink := &feedtest.Sink{}
	if _, err := feed.ImportPath(t.Context(), files[0], []feed.Importer{New(ingest.Limits{})}, sink, feed.Options{}); err != nil {
		t.Fatal(err)
	}
	v := sink.Vulnerabilities[0]
	if v.ID != "CVE-2021-44228" || v.Assigner != "apache" || !strings.Contains(v.Details, "JNDI") {
		t.Errorf("got %s %s %.60s", v.ID, v.Assigner, v.Details)
	}
}

func FuzzImport(f *testing.F) {
	for _, p := range []string{"vulnrichment/CVE-2011-0611.json", "osv-dev-cvelistV5/CVE-2021-44228.json"} {
		b, err := os.ReadFile(filepath.Join(dir(f), p))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	im := New(ingest.Limits{})
	f.Fuzz(func(t *testing.T, doc []byte) {
		rep, _ := im.Import(context.Background(), bytes.NewReader(doc), feedtest.Discard{})
		if rep.Accepted+rep.Unchanged+rep.Rejected != rep.Records {
			t.Fatalf("inconsistent report %+v", rep)
		}
	})
}

// dir is the shared test data folder cve5.
func dir(t testing.TB) string {
	t.Helper()
	return realdata.Path(t, "cve5")
}

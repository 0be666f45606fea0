package forms_test

import (
	"bytes"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/app/apptest"
	"github.com/vigil/vigil/internal/app/forms"
	"github.com/vigil/vigil/internal/mds2"
	"github.com/vigil/vigil/internal/mds2/synth"
)

func mds2File(t *testing.T, d synth.Device, seed uint64, layout int) []byte {
	t.Helper()
	cat := mds2.LoadCatalogue()
	var buf bytes.Buffer
	if err := synth.Layouts()[layout].Write(&buf, cat, synth.Generate(cat, d, seed)); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func pumpDevice() synth.Device {
	return synth.Device{Manufacturer: "Acme", Name: "Pump", Model: "P-1", Version: "1.0", DocumentID: "MDS2-P-1.0", Date: "2026-01-01",
		Ports: []string{"443/tcp HTTPS", "104/tcp DICOM"}, Answers: map[string]string{"SBOM-1": "Yes", "RDMP-3": "Yes", "RDMP-4": "No"}}
}

func TestImportMDS2(t *testing.T) {
	svc, clk := apptest.New(t)
	sc := apptest.Org(t, svc, "acme")
	r := apptest.NewRelease(t, svc, sc, "Pump", "1.0")
	data := mds2File(t, pumpDevice(), 1, 0)
	imp, err := svc.Forms.ImportMDS2(t.Context(), sc, forms.MDS2ImportInput{ReleaseID: r.ID, Filename: "../../etc/mds2.xlsx", Data: bytes.NewReader(data)})
	if err != nil {
		t.Fatal(err)
	}
	if imp.Form.Answers != 240 || len(imp.Missing) != 0 || imp.Form.Filename != "mds2.xlsx" || imp.Form.Format != "xlsx" {
		t.Errorf("import = %+v", imp.Form)
	}
	again, err := svc.Forms.ImportMDS2(t.Context(), sc, forms.MDS2ImportInput{ReleaseID: r.ID, Data: bytes.NewReader(data)})
	if err != nil || !again.Unchanged || again.Form.ID != imp.Form.ID {
		t.Errorf("re-import: %+v, %v; want unchanged", again, err)
	}
	clk.Time = clk.Time.Add(1)
	d := pumpDevice()
	d.Answers["PAUT-8"] = "Yes, TOTP for administrators"
	next, err := svc.Forms.ImportMDS2(t.Context(), sc, forms.MDS2ImportInput{ReleaseID: r.ID, Data: bytes.NewReader(mds2File(t, d, 1, 3))})
	if err != nil {
		t.Fatal(err)
	}
	if next.Superseded == nil || next.Superseded.ID != imp.Form.ID || next.Form.Format != "csv" {
		t.Errorf("second import: %+v", next)
	}
	diff, err := svc.Forms.DiffMDS2(t.Context(), sc, forms.MDS2Ref{FormID: imp.Form.ID}, forms.MDS2Ref{ReleaseID: r.ID})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, c := range diff.Changes {
		got = append(got, c.QuestionID+": "+c.From+" → "+c.To+" "+c.ToNote)
	}
	// PAUT-8 was generated as No or Yes; either way it now says Yes with a note.
	if len(got) != 1 || !strings.HasPrefix(got[0], "PAUT-8: ") || !strings.HasSuffix(got[0], "→ Yes TOTP for administrators") {
		t.Errorf("diff = %q", got)
	}
	listed, err := svc.Forms.MDS2Forms(t.Context(), sc, vigil.MDS2Filter{ReleaseID: &r.ID})
	if err != nil || len(listed) != 2 {
		t.Errorf("forms of the release: %d, %v", len(listed), err)
	}
	// The export reads back to the current answers.
	var out bytes.Buffer
	if err := svc.Forms.ExportMDS2(t.Context(), sc, forms.MDS2Ref{ReleaseID: r.ID}, &out); err != nil {
		t.Fatal(err)
	}
	res, err := mds2.Read(t.Context(), mds2.LoadCatalogue(), &out)
	if err != nil {
		t.Fatal(err)
	}
	cur, err := svc.Forms.MDS2Form(t.Context(), sc, forms.MDS2Ref{ReleaseID: r.ID})
	if err != nil {
		t.Fatal(err)
	}
	if cur.Subject != "Pump 1.0" || len(res.Entries) != len(cur.Entries) {
		t.Errorf("export: %d answers of %d, subject %q", len(res.Entries), len(cur.Entries), cur.Subject)
	}
}

func TestImportMDS2Errors(t *testing.T) {
	svc, _ := apptest.New(t)
	sc := apptest.Org(t, svc, "acme")
	r := apptest.NewRelease(t, svc, sc, "Pump", "1.0")
	other := apptest.Org(t, svc, "other")
	tests := []struct {
		name string
		sc   vigil.Scope
		in   forms.MDS2ImportInput
		want error
	}{
		{"Neither", sc, forms.MDS2ImportInput{Data: strings.NewReader("x")}, vigil.ErrInvalid},
		{"Both", sc, forms.MDS2ImportInput{ReleaseID: r.ID, Candidate: "x", Data: strings.NewReader("x")}, vigil.ErrInvalid},
		{"NoIDs", sc, forms.MDS2ImportInput{Candidate: "x", Data: strings.NewReader("a,b\n")}, vigil.ErrInvalid},
		{"OtherOrgsRelease", other, forms.MDS2ImportInput{ReleaseID: r.ID, Data: bytes.NewReader(mds2File(t, pumpDevice(), 1, 3))}, vigil.ErrNotFound},
		{"NewlineName", sc, forms.MDS2ImportInput{Candidate: "a\nb", Data: strings.NewReader("x")}, vigil.ErrInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := svc.Forms.ImportMDS2(t.Context(), tt.sc, tt.in); !errors.Is(err, tt.want) {
				t.Errorf("err = %v, want %v", err, tt.want)
			}
		})
	}
	listed, _ := svc.Forms.MDS2Forms(t.Context(), sc, vigil.MDS2Filter{})
	if len(listed) != 0 {
		t.Errorf("failed imports left %d forms", len(listed))
	}
}

func TestCompareAndEvaluateMDS2(t *testing.T) {
	svc, _ := apptest.New(t)
	sc := apptest.Org(t, svc, "hospital")
	names := []string{"Globex Flow 7", "Initech InfuSafe"}
	good := pumpDevice()
	good.Answers = map[string]string{}
	for _, r := range mds2.DefaultProfile(mds2.LoadCatalogue()).Requirements {
		good.Answers[r.Question] = string(r.Accept[0])
	}
	for i, n := range names {
		d := pumpDevice()
		if i == 1 {
			d = good
		}
		if _, err := svc.Forms.ImportMDS2(t.Context(), sc, forms.MDS2ImportInput{Candidate: n, Data: bytes.NewReader(mds2File(t, d, uint64(i), 1+i))}); err != nil {
			t.Fatal(err)
		}
	}
	c, err := svc.Forms.CompareMDS2(t.Context(), sc, []forms.MDS2Ref{{Candidate: names[0]}, {Candidate: names[1]}})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(names, c.Candidates); diff != "" || len(c.Sections) != 23 {
		t.Errorf("comparison: %d sections, candidates %s", len(c.Sections), diff)
	}
	rep, err := svc.Forms.EvaluateMDS2(t.Context(), sc, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Evaluations) != 2 || rep.Evaluations[0].Candidate != names[1] || !rep.Evaluations[0].Acceptable || rep.Evaluations[0].Score != 100 {
		t.Errorf("ranking: %+v", rep.Evaluations[0])
	}
	if _, err := svc.Forms.EvaluateMDS2(t.Context(), sc, nil, []byte("name: x\nrequirements: [{question: NOPE-1, accept: [Yes]}]")); !errors.Is(err, vigil.ErrInvalid) {
		t.Errorf("bad profile: %v", err)
	}
	if _, err := svc.Forms.CompareMDS2(t.Context(), sc, []forms.MDS2Ref{{Candidate: "nobody"}}); !errors.Is(err, vigil.ErrNotFound) {
		t.Errorf("unknown candidate: %v", err)
	}
}

func TestCheckMDS2(t *testing.T) {
	svc, _ := apptest.New(t)
	sc := apptest.Org(t, svc, "acme")
	r := apptest.NewRelease(t, svc, sc, "Pump", "1.0")
	if _, err := svc.Forms.ImportMDS2(t.Context(), sc, forms.MDS2ImportInput{ReleaseID: r.ID, Data: bytes.NewReader(mds2File(t, pumpDevice(), 1, 0))}); err != nil {
		t.Fatal(err)
	}
	areas := func() map[string]string {
		chk, err := svc.Forms.CheckMDS2(t.Context(), sc, r.ID)
		if err != nil {
			t.Fatal(err)
		}
		m := map[string]string{}
		for _, f := range chk.Findings {
			m[f.Area+" "+f.QuestionID] += string(f.Severity) + ";"
		}
		return m
	}
	got := areas()
	want := map[string]string{"SBOM SBOM-1": "warning;", "RDMP ": "info;", "CONN CONN-2": "info;", "CSUP ": "info;"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("without SBOM or ports (-want +got):\n%s", diff)
	}
	raw, err := os.ReadFile(apptest.MedicalSBOM(t))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Inventory.ImportSBOM(t.Context(), sc, r.ID, bytes.NewReader(raw)); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Inventory.ImportSupport(t.Context(), sc, r.ID, strings.NewReader("name,version,support_level,end_of_support\nFreeRTOS,10.0.1,no_longer_maintained,2021-12-31\n")); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Forms.SetReleasePorts(t.Context(), sc, r.ID, []vigil.ReleasePort{{Port: 443, Protocol: "tcp"}, {Port: 123, Protocol: "udp"}}); err != nil {
		t.Fatal(err)
	}
	got = areas()
	for k, v := range map[string]string{"SBOM SBOM-1": "ok;", "RDMP RDMP-3": "warning;", "RDMP RDMP-4": "warning;"} {
		if got[k] != v {
			t.Errorf("%s = %q, want %q (all: %v)", k, got[k], v, got)
		}
	}
	// The form names 104/tcp, the release 123/udp: both directions reported.
	if got["CONN CONN-2"] != "warning;warning;" {
		t.Errorf("CONN-2 = %q", got["CONN CONN-2"])
	}
	if _, err := svc.Forms.SetReleasePorts(t.Context(), sc, r.ID, []vigil.ReleasePort{{Port: 443, Protocol: "tcp"}, {Port: 443, Protocol: "tcp"}}); !errors.Is(err, vigil.ErrInvalid) {
		t.Errorf("duplicate port: %v", err)
	}
}

package cli_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

const mds2Fixtures = "../../internal/mds2/testdata/fixtures"

func TestMDS2Workflow(t *testing.T) {
	r := newRunner(t)
	r.ok("org", "create", "acme", "--kind", "manufacturer")
	r.ok("product", "create", "Pump", "--manufacturer", "Acme")
	r.ok("release", "create", "3.0", "-p", "Pump")
	r.ok("release", "create", "3.1", "-p", "Pump")

	out := r.ok("mds2", "import", filepath.Join(mds2Fixtures, "official.xlsx"), "-p", "Pump", "-r", "3.0")
	for _, want := range []string{"for Pump 3.0: 240 answers, 0 questions unanswered, 4 issues", "unknown_question: MDS2 row 268: ABCD-1", `IDs in column A, answers in C, notes in D`} {
		if !strings.Contains(out, want) {
			t.Errorf("import output lacks %q:\n%s", want, out)
		}
	}
	r.ok("mds2", "import", filepath.Join(mds2Fixtures, "columns.xlsx"), "-p", "Pump", "-r", "3.1")
	r.ok("mds2", "import", filepath.Join(mds2Fixtures, "inline.xlsx"), "--candidate", "Globex Flow 7")
	r.ok("mds2", "import", filepath.Join(mds2Fixtures, "csv.csv"), "--candidate", "Initech InfuSafe")
	if out := r.ok("mds2", "list"); strings.Count(out, "\n") != 5 || !strings.Contains(out, "Pump 3.1") {
		t.Errorf("list:\n%s", out)
	}
	// The HN 1-2019 layout: notes under "See note", shared ones numbered.
	out = r.ok("mds2", "import", filepath.Join(mds2Fixtures, "hn2019.xlsx"), "--candidate", "Hooli Pump")
	if !strings.Contains(out, "IDs in column A, answers in C, notes in D") || !strings.Contains(out, "240 answers, 0 questions unanswered, 4 issues") {
		t.Errorf("import of the HN layout:\n%s", out)
	}
	if out := r.ok("mds2", "show", "--candidate", "Hooli Pump", "--section", "CONN"); !strings.Contains(out, "Ports: 443/tcp HTTPS, 123/udp NTP") {
		t.Errorf("show of the HN layout lacks the CONN-2 note:\n%s", out)
	}
	// Unanswered questions are issues with sheet and row; those the form
	// leaves out are summed up on one line.
	partial := filepath.Join(t.TempDir(), "partial.csv")
	if err := os.WriteFile(partial, []byte("Question ID;Answer;Notes\nSBOM-1;Yes;\nSBOM-2;See Note;\nSBOM-3;N/A;\nSBOM-4;;\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out = r.ok("mds2", "import", partial, "--candidate", "Partial")
	for _, want := range []string{"note_missing: csv row 3: SBOM-2: answered See Note, but no note is given", "unanswered: csv row 5: SBOM-4: no answer",
		"unanswered: 236 questions are not in the form: DOC-1, DOC-2,"} {
		if !strings.Contains(out, want) {
			t.Errorf("import of a partial form lacks %q:\n%s", want, out)
		}
	}
	if out := r.ok("mds2", "diff", "-p", "Pump", "--from", "3.0", "--to", "3.1"); !strings.Contains(out, "0 answers changed") {
		t.Errorf("diff of two layouts of one form:\n%s", out)
	}
	if out := r.ok("mds2", "show", "--candidate", "Initech InfuSafe", "--section", "CONN"); !strings.Contains(out, "CONN-2") || strings.Contains(out, "SBOM-1") {
		t.Errorf("show --section CONN:\n%s", out)
	}
	r.ok("release", "ports", "set", "-p", "Pump", "-r", "3.0", "443/tcp=HTTPS", "123/udp=NTP")
	if out := r.ok("mds2", "check", "-p", "Pump", "-r", "3.0"); !strings.Contains(out, "none is stored for the release") || !strings.Contains(out, "vigil does not record patches yet") {
		t.Errorf("check:\n%s", out)
	}
	if out := r.ok("mds2", "evaluate"); !strings.Contains(out, "RANK  CANDIDATE") || !strings.Contains(out, "Initech InfuSafe") {
		t.Errorf("evaluate:\n%s", out)
	}
	dir := t.TempDir()
	for _, f := range []string{"xlsx", "html", "csv"} {
		r.ok("mds2", "compare", "Globex Flow 7", "candidate:Initech InfuSafe", "release:Pump@3.0", "--format", f, "--out", filepath.Join(dir, "c."+f))
	}
	html, _ := os.ReadFile(filepath.Join(dir, "c.html"))
	if !strings.Contains(string(html), "<th>Pump 3.0</th>") {
		t.Errorf("compare html lacks the release column")
	}
	r.ok("mds2", "evaluate", "--format", "html", "--out", filepath.Join(dir, "r.html"))
	out = r.ok("mds2", "profile")
	if err := os.WriteFile(filepath.Join(dir, "p.yaml"), []byte(strings.Replace(out, "level: must", "level: should", -1)), 0o644); err != nil {
		t.Fatal(err)
	}
	if out := r.ok("mds2", "evaluate", "--profile", filepath.Join(dir, "p.yaml")); !strings.Contains(out, "all met") {
		t.Errorf("evaluate with a profile of shoulds only:\n%s", out)
	}
	xlsx := filepath.Join(dir, "export.xlsx")
	r.ok("mds2", "export", "-p", "Pump", "-r", "3.0", "--out", xlsx)
	f, err := excelize.OpenFile(xlsx)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if v, _ := f.GetCellValue("MDS2", "A6"); v != "DOC-1" {
		t.Errorf("export A6 = %q", v)
	}
	for _, args := range [][]string{
		{"mds2", "import", filepath.Join(mds2Fixtures, "csv.csv")},
		{"mds2", "show", "--candidate", "x", "--form", "1"},
		{"mds2", "compare", "--format", "pdf", "Initech InfuSafe"},
		{"release", "ports", "set", "-p", "Pump", "-r", "3.0", "99999/tcp"},
	} {
		if code, _, _ := r.run(args...); code != 2 {
			t.Errorf("vigil %s: exit %d, want 2 (usage)", strings.Join(args, " "), code)
		}
	}
	if code, _, errOut := r.run("mds2", "show", "--candidate", "nobody"); code != 1 || !strings.Contains(errOut, "not found") {
		t.Errorf("unknown candidate: exit %d, %s", code, errOut)
	}
}

func TestQuickstartMDS2(t *testing.T) {
	r := newRunner(t)
	delete(r.env, "VIGIL_DB")
	dir := filepath.Join(t.TempDir(), "qs")
	out := r.ok("quickstart", "--dir", dir)
	for _, want := range []string{
		"MDS2 (ANSI/NEMA HN 1-2019) of Infusion Pump 3.0",
		"form 1: 240 answers, 0 unanswered, 0 import issues",
		"the release declares ports the form does not name: 22/tcp",
		"vigil does not record patches yet",
		"Procurement at st-elsewhere: 3 candidate MDS2 forms",
		"1. Acme IP-3000 3.0",
		"all musts met",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("quickstart output lacks %q:\n%s", want, out)
		}
	}
	r.env["VIGIL_DB"] = "sqlite:" + filepath.Join(dir, "vigil.db")
	r.env["VIGIL_ORG"] = "st-elsewhere"
	if out := r.ok("mds2", "evaluate", "-o", "json"); !strings.Contains(out, `"candidate": "Acme IP-3000 3.0"`) {
		t.Errorf("evaluate after quickstart:\n%s", out)
	}
}

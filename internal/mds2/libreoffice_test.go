package mds2_test

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/mds2"
	"github.com/vigil/vigil/internal/mds2/synth"
)

// TestExportLibreOffice converts an exported form with a headless
// LibreOffice, where one is installed, and reads the result back: the
// workbook opens in a second spreadsheet program, not only in excelize.
// CI has no LibreOffice; the test then skips.
func TestExportLibreOffice(t *testing.T) {
	soffice, err := exec.LookPath("soffice")
	if err != nil {
		t.Skip("LibreOffice (soffice) is not installed; skipping the conversion check")
	}
	cat := mds2.LoadCatalogue()
	form := synth.Generate(cat, device(), 5)
	dir := t.TempDir()
	in := filepath.Join(dir, "form.xlsx")
	var buf bytes.Buffer
	if err := mds2.Export(&buf, cat, form.Entries, mds2.ExportInfo{Subject: "Acme Infusion Pump 3.0"}); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(in, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 3*time.Minute)
	defer cancel()
	// A profile of its own, so that a running LibreOffice does not take
	// the job, and UTF-8 CSV (filter options 44,34,76: comma, quote, UTF-8).
	cmd := exec.CommandContext(ctx, soffice, "-env:UserInstallation=file://"+filepath.Join(dir, "profile"),
		"--headless", "--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76", "--outdir", dir, in)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("soffice: %v\n%s", err, out)
	}
	csv, err := os.ReadFile(filepath.Join(dir, "form.csv"))
	if err != nil {
		t.Fatal(err)
	}
	res, err := mds2.Read(t.Context(), cat, bytes.NewReader(csv))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(form.Entries, res.Entries, cmpopts.IgnoreFields(vigil.MDS2Entry{}, "Sheet", "Row")); diff != "" {
		t.Errorf("LibreOffice's reading of the export (-want +got):\n%s", diff)
	}
}

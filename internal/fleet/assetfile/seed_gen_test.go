package assetfile

import (
	"bytes"
	"fmt"
	"os"
	"strconv"
	"testing"

	"github.com/vigil/vigil"
)

// TestWriteXLSXFuzzSeeds regenerates the committed XLSX fuzz corpus with
// -update: small workbooks written by WriteXLSX.
func TestWriteXLSXFuzzSeeds(t *testing.T) {
	if !*update {
		t.Skip("run with -update to regenerate the XLSX fuzz seeds")
	}
	sets := map[string][]*vigil.Asset{
		"one": {{AssetTag: "T1", Manufacturer: "Acme", Model: "M", Criticality: vigil.CriticalityMonitoring, Status: vigil.AssetInService}},
		"formula": {{AssetTag: "=cmd|' /C calc'!A0", Manufacturer: "+Acme", Model: "@M", Owner: "-1+1",
			Criticality: vigil.CriticalityLifeSustaining, Status: vigil.AssetInRepair, PHI: true}},
	}
	for name, data := range map[string][]byte{"messy-1904": messyXLSX(t, true, true), "messy-uncached": messyXLSX(t, false, false)} {
		s := "go test fuzz v1\n[]byte(" + strconv.Quote(string(data)) + ")\n"
		if err := os.WriteFile(fmt.Sprintf("testdata/fuzz/FuzzReadXLSX/seed-%s", name), []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for name, as := range sets {
		var b bytes.Buffer
		if err := WriteXLSX(&b, as); err != nil {
			t.Fatal(err)
		}
		s := "go test fuzz v1\n[]byte(" + strconv.Quote(b.String()) + ")\n"
		if err := os.WriteFile(fmt.Sprintf("testdata/fuzz/FuzzReadXLSX/seed-%s", name), []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

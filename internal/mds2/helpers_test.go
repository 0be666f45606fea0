package mds2_test

import (
	"bytes"
	"flag"
	"fmt"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/vigil/vigil/internal/mds2"
	"github.com/vigil/vigil/internal/mds2/synth"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// dumpXLSX renders every sheet of a workbook as text, one row per line
// with cells separated by " | ", merged ranges and validations listed:
// what a golden file can compare where the zip bytes are not stable.
func dumpXLSX(t *testing.T, data []byte) []byte {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var b strings.Builder
	for _, sheet := range f.GetSheetList() {
		fmt.Fprintf(&b, "== %s\n", sheet)
		rows, err := f.GetRows(sheet)
		if err != nil {
			t.Fatal(err)
		}
		for i, r := range rows {
			fmt.Fprintf(&b, "%d: %s\n", i+1, strings.Join(r, " | "))
		}
		merged, err := f.GetMergeCells(sheet)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range merged {
			fmt.Fprintf(&b, "merged %s:%s\n", m.GetStartAxis(), m.GetEndAxis())
		}
		dvs, err := f.GetDataValidations(sheet)
		if err != nil {
			t.Fatal(err)
		}
		for _, dv := range dvs {
			fmt.Fprintf(&b, "validation %s %s\n", dv.Sqref, dv.Formula1)
		}
	}
	return []byte(b.String())
}

func device() synth.Device {
	return synth.Device{Manufacturer: "Acme Medical Devices", Name: "Infusion Pump", Model: "IP-3000", Version: "3.0",
		DocumentID: "MDS2-IP-3.0", Date: "2026-01-15", Ports: []string{"443/tcp HTTPS", "123/udp NTP"}}
}

func write(t *testing.T, cat *mds2.Catalogue, l synth.Layout, f synth.Form) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := l.Write(&buf, cat, f); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

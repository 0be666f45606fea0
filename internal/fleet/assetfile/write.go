package assetfile

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"

	"github.com/xuri/excelize/v2"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/sheet"
)

// exportColumns are the inventory fields, then the mapping, which an
// import ignores.
func exportColumns() []string {
	return append(Fields(), "mapped_product", "mapped_release", "mapping_confidence")
}

func dateCell(d vigil.Date) string {
	if d.IsZero() {
		return ""
	}
	return d.String()
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// Cells are an asset's export cells, in exportColumns order, not yet made
// formula-safe.
func cells(a *vigil.Asset) []string {
	return []string{
		a.AssetTag, a.Serial, a.Manufacturer, a.Model, a.Version, a.DeviceType, a.ClinicalFunction,
		string(a.Criticality), yesNo(a.PHI), a.Site, a.Building, a.Unit, a.IP, a.MAC, a.VLAN, a.Zone,
		yesNo(a.InternetExposed), a.Owner, string(a.Status), dateCell(a.PurchasedOn), dateCell(a.WarrantyUntil),
		a.Mapping.Product, a.Mapping.ReleaseVersion, string(a.Mapping.Confidence),
	}
}

// WriteCSV writes assets as CSV with a header of field names; every cell a
// spreadsheet would evaluate is defused.
func WriteCSV(w io.Writer, assets []*vigil.Asset) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(exportColumns()); err != nil {
		return err
	}
	for _, a := range assets {
		row := cells(a)
		for i, c := range row {
			row[i] = sheet.FormulaSafe(c)
		}
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// WriteXLSX writes assets as one worksheet "Assets". Cells are written as
// text, never as formulas, and defused as in CSV, so that a copy saved as
// CSV from a spreadsheet stays harmless.
func WriteXLSX(w io.Writer, assets []*vigil.Asset) error {
	x := excelize.NewFile()
	defer x.Close()
	const name = "Assets"
	if err := x.SetSheetName("Sheet1", name); err != nil {
		return err
	}
	sw, err := x.NewStreamWriter(name)
	if err != nil {
		return err
	}
	writeRow := func(n int, vals []string) error {
		row := make([]any, len(vals))
		for i, v := range vals {
			row[i] = excelize.Cell{Value: sheet.FormulaSafe(v)}
		}
		cell, err := excelize.CoordinatesToCellName(1, n)
		if err != nil {
			return err
		}
		return sw.SetRow(cell, row)
	}
	if err := writeRow(1, exportColumns()); err != nil {
		return err
	}
	for i, a := range assets {
		if err := writeRow(i+2, cells(a)); err != nil {
			return fmt.Errorf("row %s: %w", strconv.Itoa(i+2), err)
		}
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	return x.Write(w)
}

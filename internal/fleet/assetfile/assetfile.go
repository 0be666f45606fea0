// Package assetfile reads hospital asset inventories exported from a CMMS
// (computerised maintenance management system) as CSV or XLSX, through a
// column mapping, and writes the fleet back out in either format with
// formula-safe cells.
//
// Reading never trusts the file: sizes, rows, columns and cells are
// bounded, an XLSX is checked for decompression bombs before it is opened,
// and every problem of a row is reported with its row number and column.
package assetfile

import (
	"bytes"
	"errors"
	"fmt"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Format is a file format.
type Format string

const (
	CSV  Format = "csv"
	XLSX Format = "xlsx"
)

// DetectFormat tells an XLSX (a zip archive) from CSV by its first bytes.
func DetectFormat(head []byte) Format {
	if len(head) >= 4 && string(head[:4]) == "PK\x03\x04" {
		return XLSX
	}
	return CSV
}

// Fields are the asset fields a file can carry, in export order: the
// asset's JSON names.
var fieldNames = []string{
	"asset_tag", "serial", "manufacturer", "model", "version", "device_type", "clinical_function",
	"criticality", "phi", "site", "building", "unit", "ip", "mac", "vlan", "zone", "internet_exposed",
	"owner", "status", "purchased_on", "warranty_until",
}

// Fields returns the field names in export order.
func Fields() []string { return append([]string(nil), fieldNames...) }

func knownField(f string) bool {
	for _, n := range fieldNames {
		if n == f {
			return true
		}
	}
	return false
}

// synonyms are the column headers CMMS products (and people) commonly use
// for each field; a header is compared without case, spaces and
// punctuation. The field name itself always works.
func synonyms() map[string][]string {
	return map[string][]string{
		"asset_tag":         {"Asset Tag", "Asset Number", "Asset No", "Asset ID", "Equipment ID", "Equipment Number", "Equipment No", "Control Number", "Tag", "Inventory Number"},
		"serial":            {"Serial", "Serial Number", "Serial No", "SN", "S/N", "Manufacturer Serial"},
		"manufacturer":      {"Manufacturer", "Mfr", "Make", "Vendor", "Manufacturer Name", "OEM"},
		"model":             {"Model", "Model Number", "Model Name", "Model No"},
		"version":           {"Version", "Software Version", "Firmware Version", "SW Version", "FW Version", "Software Revision", "Firmware"},
		"device_type":       {"Device Type", "Equipment Type", "Type", "Device Category", "Nomenclature", "Equipment Class"},
		"clinical_function": {"Clinical Function", "Function", "Clinical Use"},
		"criticality":       {"Criticality", "Clinical Criticality", "Risk Class", "Risk Level", "Risk Category", "Equipment Risk"},
		"phi":               {"PHI", "Stores PHI", "ePHI", "Contains PHI", "PHI Stored"},
		"site":              {"Site", "Facility", "Campus", "Hospital"},
		"building":          {"Building", "Bldg"},
		"unit":              {"Unit", "Department", "Dept", "Location", "Ward", "Room", "Cost Center"},
		"ip":                {"IP", "IP Address", "IPv4", "IP Addr"},
		"mac":               {"MAC", "MAC Address", "Hardware Address"},
		"vlan":              {"VLAN", "VLAN ID"},
		"zone":              {"Zone", "Network Zone", "Network Segment", "Segment", "Network"},
		"internet_exposed":  {"Internet Exposed", "Internet Facing", "Internet Accessible", "Remote Access", "External Access"},
		"owner":             {"Owner", "Responsible", "Responsible Department", "Responsible Dept", "Custodian", "Contact"},
		"status":            {"Status", "Equipment Status", "Asset Status", "State"},
		"purchased_on":      {"Purchased On", "Purchase Date", "Acquisition Date", "Acquired", "Install Date", "In Service Date"},
		"warranty_until":    {"Warranty Until", "Warranty Expiration", "Warranty End", "Warranty Expires", "Warranty End Date"},
	}
}

// headerKey is a header compared without case, spaces and punctuation.
func headerKey(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') || r > 127 {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// Mapping says how a file's columns and values become asset fields. The
// zero value reads files whose headers are field names or common CMMS
// synonyms, with vigil's own tokens or common words as values.
type Mapping struct {
	// Columns maps a field to the header of its column; a field left out
	// is found by its name or a synonym.
	Columns map[string]string `json:"columns,omitempty" yaml:"columns,omitempty"`
	// Sheet is the XLSX worksheet to read; the first when empty.
	Sheet string `json:"sheet,omitempty" yaml:"sheet,omitempty"`
	// HeaderRow is the 1-based row holding the headers (default 1); rows
	// above it (a report title) are skipped.
	HeaderRow int `json:"header_row,omitempty" yaml:"header_row,omitempty"`
	// DateFormat is the layout of date cells as Go writes it
	// ("02/01/2006" for day/month/year); ISO dates always work.
	DateFormat string `json:"date_format,omitempty" yaml:"date_format,omitempty"`
	// Values maps a field's file values to vigil's tokens, e.g.
	// criticality: {"Life Support": life_sustaining}.
	Values map[string]map[string]string `json:"values,omitempty" yaml:"values,omitempty"`
	// Defaults fill a field whose column is absent or whose cell is empty.
	Defaults map[string]string `json:"defaults,omitempty" yaml:"defaults,omitempty"`
	// TagsReused says the hospital gives the asset tag of a decommissioned
	// device to a new one: a row with such a tag and another device creates
	// a new asset (the decommissioned one is never edited) instead of being
	// reported as a problem.
	TagsReused bool `json:"tags_reused,omitempty" yaml:"tags_reused,omitempty"`
	// Encoding is a CSV's character encoding (utf-8, windows-1252,
	// iso-8859-1); empty to detect UTF-8 or Windows-1252.
	Encoding string `json:"encoding,omitempty" yaml:"encoding,omitempty"`
}

// Validate checks that the mapping names only known fields.
func (m *Mapping) Validate() error {
	var errs []error
	check := func(where, f string) {
		if !knownField(f) {
			errs = append(errs, fmt.Errorf("%s: unknown field %q (fields: %s)", where, f, strings.Join(fieldNames, ", ")))
		}
	}
	for f, h := range m.Columns {
		check("columns", f)
		if strings.TrimSpace(h) == "" {
			errs = append(errs, fmt.Errorf("columns.%s: empty header", f))
		}
	}
	for f := range m.Values {
		check("values", f)
	}
	for f := range m.Defaults {
		check("defaults", f)
	}
	switch strings.ToLower(m.Encoding) {
	case "", "utf-8", "utf8", "windows-1252", "cp1252", "iso-8859-1", "latin-1", "latin1":
	default:
		errs = append(errs, fmt.Errorf("encoding: %q is not one of utf-8, windows-1252, iso-8859-1", m.Encoding))
	}
	if m.HeaderRow < 0 || m.HeaderRow > 100 {
		errs = append(errs, fmt.Errorf("header_row: %d is not between 1 and 100", m.HeaderRow))
	}
	return errors.Join(errs...)
}

// Limits bound what a file may hold.
type Limits struct {
	// MaxBytes bounds the file (and, for XLSX, everything it unpacks to).
	MaxBytes int64
	// MaxXLSXBytes bounds an XLSX file, which is read whole (a zip
	// archive's directory is at its end).
	MaxXLSXBytes int64
	MaxRows      int
	MaxCols      int
	// MaxCell bounds one cell, and MaxLine one line of a CSV, in bytes.
	MaxCell int
	MaxLine int
}

// DefaultLimits fit the largest hospital fleets (several hundred thousand
// devices) with room to spare: a CSV row of 500 columns is a few KiB, an
// XLSX of a million rows some 60 MB.
func DefaultLimits() Limits {
	return Limits{MaxBytes: 256 << 20, MaxXLSXBytes: 96 << 20, MaxRows: 1_000_000, MaxCols: 500, MaxCell: 32 << 10, MaxLine: 1 << 20}
}

// withDefaults fills the limits left zero.
func (l Limits) withDefaults() Limits {
	d := DefaultLimits()
	if l.MaxBytes == 0 {
		l.MaxBytes = d.MaxBytes
	}
	if l.MaxXLSXBytes == 0 {
		l.MaxXLSXBytes = d.MaxXLSXBytes
	}
	if l.MaxRows == 0 {
		l.MaxRows = d.MaxRows
	}
	if l.MaxCols == 0 {
		l.MaxCols = d.MaxCols
	}
	if l.MaxCell == 0 {
		l.MaxCell = d.MaxCell
	}
	if l.MaxLine == 0 {
		l.MaxLine = d.MaxLine
	}
	return l
}

// RowProblem is one thing wrong with one row: the 1-based row number of the
// file (the header is a row too), the column's header and the field.
type RowProblem struct {
	Row     int    `json:"row"`
	Column  string `json:"column,omitempty"`
	Field   string `json:"field,omitempty"`
	Message string `json:"message"`
}

func (p RowProblem) String() string {
	where := fmt.Sprintf("row %d", p.Row)
	if p.Column != "" {
		where += fmt.Sprintf(", column %q", p.Column)
	}
	return where + ": " + p.Message
}

// Row is one data row: its row number and the cells of the mapped fields.
type Row struct {
	Number int
	Cells  map[string]string
}

// Table is what a file holds once its columns are mapped.
type Table struct {
	// Columns maps each mapped field to its header in the file.
	Columns map[string]string
	// Unmapped are headers no field took.
	Unmapped []string
	Rows     []Row
	// Warnings are facts about cells that do not stop the import (a
	// formula read as its cached value).
	Warnings []RowProblem
	// Encoding is the CSV's character encoding as read; empty for XLSX.
	Encoding string
}

// ParseMapping reads a column mapping file, YAML or JSON (JSON is YAML),
// refusing unknown keys so that a typo is not silently ignored.
func ParseMapping(data []byte) (Mapping, error) {
	var m Mapping
	if len(bytes.TrimSpace(data)) == 0 {
		return m, errors.New("column mapping file is empty")
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&m); err != nil {
		return Mapping{}, fmt.Errorf("column mapping: %w", err)
	}
	if err := m.Validate(); err != nil {
		return Mapping{}, fmt.Errorf("column mapping: %w", err)
	}
	return m, nil
}

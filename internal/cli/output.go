package cli

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"unicode"

	"github.com/vigil/vigil/internal/sheet"
)

// Output formats every command accepts with -o.
const (
	formatTable = "table"
	formatJSON  = "json"
	formatCSV   = "csv"
)

// table is what a command shows in table and CSV form; JSON shows the
// command's value itself, so scripts get every field with its real type.
type table struct {
	header []string
	rows   [][]string
}

func (t *table) add(cells ...string) { t.rows = append(t.rows, cells) }

// keyValues is a two-column table for "show" commands.
func keyValues(pairs ...string) *table {
	t := &table{header: []string{"FIELD", "VALUE"}}
	for i := 0; i+1 < len(pairs); i += 2 {
		t.add(pairs[i], pairs[i+1])
	}
	return t
}

func render(w io.Writer, format string, v any, t *table) error {
	switch format {
	case formatJSON:
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(v)
	case formatCSV:
		cw := csv.NewWriter(w)
		if err := cw.Write(t.header); err != nil {
			return err
		}
		for _, r := range t.rows {
			safe := make([]string, len(r))
			for i, c := range r {
				safe[i] = csvSafe(c)
			}
			if err := cw.Write(safe); err != nil {
				return err
			}
		}
		cw.Flush()
		return cw.Error()
	default:
		tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, strings.Join(t.header, "\t"))
		for _, r := range t.rows {
			cells := make([]string, len(r))
			for i, c := range r {
				cells[i] = terminalSafe(c)
			}
			fmt.Fprintln(tw, strings.Join(cells, "\t"))
		}
		return tw.Flush()
	}
}

// csvSafe defuses spreadsheet formula injection (see sheet.FormulaSafe).
func csvSafe(s string) string { return sheet.FormulaSafe(s) }

// terminalSafe replaces control characters so that text from imported
// documents cannot move the cursor or change colours in a terminal, and
// tabs and newlines do not break the table.
func terminalSafe(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, s)
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// Package sheet holds what every writer of spreadsheet cells (CSV and
// XLSX exports, the CLI's -o csv) must do to text that came from outside:
// defuse formula injection, and undo that on the way back in.
package sheet

import "strings"

// formulaStarts are the characters that make a spreadsheet evaluate a cell
// (OWASP "CSV Injection"): =, +, -, @, tab and carriage return.
const formulaStarts = "=+-@\t\r"

// FormulaSafe defuses spreadsheet formula injection: a cell a spreadsheet
// would evaluate is prefixed with a single quote, as OWASP recommends, so
// data from SBOMs, advisories and CMMS exports cannot run in a hospital's
// Excel. A lone "-" (a table's "none") cannot be a formula and is kept.
func FormulaSafe(s string) string {
	if s != "" && s != "-" && strings.ContainsRune(formulaStarts, rune(s[0])) {
		return "'" + s
	}
	return s
}

// Unsafe undoes FormulaSafe: a cell that is a quote followed by a formula
// character loses the quote, so an exported file imports back unchanged.
func Unsafe(s string) string {
	if len(s) >= 2 && s[0] == '\'' && strings.ContainsRune(formulaStarts, rune(s[1])) {
		return s[1:]
	}
	return s
}

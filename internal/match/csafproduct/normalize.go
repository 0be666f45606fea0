package csafproduct

import (
	"strings"
	"unicode"

	"github.com/vigil/vigil/internal/match"
)

// Normalize is the word form of a vendor or product name: lower case
// (Unicode simple folding), periods inside abbreviations dropped
// ("N.V." → "nv", "Inc." → "inc"), any other run of characters that are
// not letters or digits a single space, no leading or trailing space.
func Normalize(s string) string {
	var b strings.Builder
	space := false
	for _, r := range s {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteRune(unicode.ToLower(r))
		case r == '.' || r == '\'' || r == '’':
			// "Inc." "N.V." "Children's": no word break.
		default:
			space = true
		}
	}
	return b.String()
}

// corporateSuffix reports whether a word, at the end of a normalised
// vendor name, is a legal form rather than part of the name.
func corporateSuffix(w string) bool {
	switch w {
	case "inc", "incorporated", "ltd", "limited", "llc", "llp", "lp", "gmbh", "mbh", "ag", "kg", "corp",
		"corporation", "co", "company", "plc", "sa", "sas", "sarl", "bv", "nv", "oy", "oyj", "ab", "as",
		"kk", "srl", "spa", "pty", "se", "ulc", "pte", "pvt", "and", "kgaa", "ohg", "aps", "bvba":
		return true
	}
	return false
}

// StripSuffixes removes trailing legal-form words ("Inc.", "Ltd",
// "GmbH", "Corporation", "Co., Ltd.", "and Company") from a normalised
// vendor name, never leaving it empty.
func StripSuffixes(n string) string {
	ws := strings.Fields(n)
	for len(ws) > 1 && corporateSuffix(ws[len(ws)-1]) {
		ws = ws[:len(ws)-1]
	}
	return strings.Join(ws, " ")
}

// VendorNames returns the normalised names a vendor text stands for,
// legal forms stripped, the whole name first:
//
//   - a parenthesised alias is a name of its own:
//     "Becton, Dickinson and Company (BD)" → "becton dickinson", "bd";
//   - a list of two or more commas names several vendors, as CISA writes
//     for shared components: "ENEA, Green Hills Software, ITRON,
//     IP Infusion, and Wind River" → the whole, "enea", …, "wind river".
func VendorNames(s string) []string {
	var out []string
	add := func(x string) {
		x = StripSuffixes(Normalize(x))
		if x == "" {
			return
		}
		for _, y := range out {
			if y == x {
				return
			}
		}
		out = append(out, x)
	}
	main, aliases := splitParens(s)
	add(main)
	for _, a := range aliases {
		add(a)
	}
	if strings.Count(main, ",") >= 2 {
		for _, part := range strings.Split(main, ",") {
			part = strings.TrimSpace(part)
			if rest, ok := cutPrefixFold(part, "and "); ok {
				part = rest
			}
			add(part)
		}
	}
	return out
}

// splitParens removes parenthesised parts from s and returns them apart.
func splitParens(s string) (string, []string) {
	var main strings.Builder
	var parts []string
	depth, start := 0, 0
	for i, r := range s {
		switch {
		case r == '(':
			if depth == 0 {
				start = i + 1
			}
			depth++
		case r == ')' && depth > 0:
			depth--
			if depth == 0 {
				parts = append(parts, s[start:i])
			}
		case depth == 0:
			main.WriteRune(r)
		}
	}
	return strings.TrimSpace(main.String()), parts
}

// SameVendor reports whether two normalised vendor names name the same
// vendor: equal once spaces are ignored ("wind river" and CPE's
// "windriver"), or the words of the shorter, at least four letters long
// together, found in a row in the longer ("philips" in "koninklijke
// philips", "wind river" in "wind river systems").
func SameVendor(a, b string) bool {
	if a == "" || b == "" {
		return false
	}
	if match.NameKey(a) == match.NameKey(b) {
		return true
	}
	wa, wb := strings.Fields(a), strings.Fields(b)
	if len(wa) > len(wb) {
		wa, wb = wb, wa
	}
	if len(match.NameKey(strings.Join(wa, " "))) < 4 {
		return false
	}
	for i := 0; i+len(wa) <= len(wb); i++ {
		ok := true
		for j := range wa {
			if wa[j] != wb[i+j] {
				ok = false
				break
			}
		}
		if ok {
			return true
		}
	}
	return false
}

// productNames returns the normalised names a product text stands for:
// as written, and without parenthesised parts.
func productNames(s string) []string {
	var out []string
	for _, x := range []string{s, func() string { m, _ := splitParens(s); return m }()} {
		if n := Normalize(x); n != "" && (len(out) == 0 || out[0] != n) {
			out = append(out, n)
		}
	}
	return out
}

// Package ident identifies medical devices across the names people and
// publishers give them: a hospital's CMMS row ("BECTON DICKINSON INC",
// "CMS-8000 (FW 2.1)") against a device advisory's product tree
// ("Becton, Dickinson and Company (BD)", "CMS8000", product_version_range
// "< 2.3"). It is pure: text in, links with their evidence and confidence
// out, no I/O.
package ident

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/unicode/norm"
)

// maxText bounds the text the functions here look at: names are short,
// and a CMMS cell of megabytes must not cost megabytes of work per asset.
const maxText = 500

func bound(s string) string {
	if len(s) <= maxText {
		return s
	}
	s = s[:maxText]
	for len(s) > 0 && !utf8.ValidString(s) {
		s = s[:len(s)-1]
	}
	return s
}

// Repair undoes double-encoded UTF-8 ("mojibake"): text whose UTF-8 bytes
// were once read as Windows-1252 or Latin-1 and encoded again, so that
// "Yhtymä" became "YhtymÃ¤". Both CMMS exports and published advisories
// carry it. Text is re-encoded to single bytes and taken back only when
// those bytes are valid UTF-8 holding a character beyond ASCII, which text
// written on purpose practically never is; twice-damaged text is repaired
// twice.
func Repair(s string) string {
	s = bound(s)
	for range 2 {
		r, ok := repairOnce(s)
		if !ok {
			break
		}
		s = r
	}
	return s
}

func repairOnce(s string) (string, bool) {
	suspect := false
	for _, r := range s {
		if r >= 0x80 && r <= 0xFF || r > 0xFF && r < 0x2200 {
			suspect = true
			break
		}
	}
	if !suspect {
		return s, false
	}
	for _, enc := range []*charmap.Charmap{charmap.Windows1252, charmap.ISO8859_1} {
		b, err := enc.NewEncoder().String(s)
		if err != nil || b == s || !utf8.ValidString(b) {
			continue
		}
		for _, r := range b {
			if r >= 0x80 {
				return b, true
			}
		}
	}
	return s, false
}

// letterFolds are the letters Unicode decomposition leaves whole.
var letterFolds = map[rune]string{
	'ß': "ss", 'æ': "ae", 'Æ': "AE", 'ø': "o", 'Ø': "O", 'ł': "l", 'Ł': "L", 'đ': "d", 'Đ': "D",
	'œ': "oe", 'Œ': "OE", 'ı': "i", 'þ': "th", 'Þ': "TH",
}

// Fold writes letters with diacritics as their ASCII base letters
// ("Dräger" → "Drager", "Łódź" → "Lodz") so that a CMMS that cannot store
// them and an advisory that does compare equal.
func Fold(s string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(s) {
		switch {
		case unicode.Is(unicode.Mn, r):
		case letterFolds[r] != "":
			b.WriteString(letterFolds[r])
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// Clean is the text identification compares: repaired, folded, bounded.
func Clean(s string) string { return Fold(Repair(s)) }

package vigil

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// validateText checks a free-text field: valid UTF-8, no control characters
// (they corrupt terminals and logs), and at most max runes.
func validateText(v *ValidationError, field, s string, required bool, max int) {
	switch {
	case required && strings.TrimSpace(s) == "":
		v.Add(field, "is required")
	case !utf8.ValidString(s):
		v.Add(field, "is not valid UTF-8")
	case utf8.RuneCountInString(s) > max:
		v.Add(field, "is longer than %d characters", max)
	case strings.IndexFunc(s, isDisallowedControl) >= 0:
		v.Add(field, "contains a control character")
	}
}

// isDisallowedControl allows tab and newline in free text, nothing else below
// the printable range.
func isDisallowedControl(r rune) bool {
	return unicode.IsControl(r) && r != '\n' && r != '\t'
}

// UniqueSorted drops empty and repeated strings and sorts the rest.
func UniqueSorted(list []string) []string {
	seen := make(map[string]bool, len(list))
	var out []string
	for _, s := range list {
		if s != "" && !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	slices.Sort(out)
	return out
}

package mds2

import (
	"strings"
	"unicode"

	"github.com/vigil/vigil"
)

// answerTokens are the spellings of the vocabulary seen in filled forms,
// longest first so that "not applicable" wins over "no".
var answerTokens = []struct {
	token  string
	answer vigil.MDS2Answer
}{
	{"not applicable", vigil.MDS2NA},
	{"see notes", vigil.MDS2SeeNote},
	{"see note", vigil.MDS2SeeNote},
	{"n. a.", vigil.MDS2NA},
	{"n.a.", vigil.MDS2NA},
	{"n/a", vigil.MDS2NA},
	{"na", vigil.MDS2NA},
	{"yes", vigil.MDS2Yes},
	{"no", vigil.MDS2No},
	{"y", vigil.MDS2Yes},
	{"n", vigil.MDS2No},
}

// ParseAnswer reads a yes/no answer as manufacturers write it: "Yes",
// "yes.", "N/A", "Not applicable", "See Note", and answers followed by a
// note ("Yes, see IFU", "No: no end-of-life components", "Yes (LDAP)").
// It returns the answer, the trailing note, and false when the text does
// not start with an answer of the vocabulary. An empty text is no answer
// and not ok.
func ParseAnswer(s string) (vigil.MDS2Answer, string, bool) {
	s = strings.TrimSpace(s)
	lower := strings.ToLower(s)
	for _, t := range answerTokens {
		if !strings.HasPrefix(lower, t.token) {
			continue
		}
		rest := s[len(t.token):]
		if rest != "" {
			r := rune(rest[0])
			// The token must end at a word boundary: "None" and "Yesterday"
			// are not answers.
			if unicode.IsLetter(r) || unicode.IsDigit(r) || r == '/' {
				continue
			}
		}
		return t.answer, trimNote(rest), true
	}
	return "", "", false
}

// trimNote strips the separators between an answer and its note.
func trimNote(s string) string {
	s = strings.TrimSpace(s)
	s = strings.TrimLeft(s, ",;:.-–—)")
	s = strings.TrimSpace(s)
	if strings.HasPrefix(s, "(") && strings.HasSuffix(s, ")") {
		s = strings.TrimSpace(s[1 : len(s)-1])
	}
	return s
}

package ident

import (
	"slices"
	"strings"
	"unicode"
)

// Model is a device model as written in a CMMS or an advisory, read into
// what identification compares.
type Model struct {
	// Text is the model without the firmware written inside it.
	Text string `json:"text"`
	// Firmware is the version found inside the model text ("IP-3000
	// (FW 3.0)" → "3.0"), empty when there is none.
	Firmware string `json:"firmware,omitempty"`
	// Words are the words without digits, lower case, ASCII.
	Words []string `json:"words,omitempty"`
	// Numbers are the part, catalogue and model numbers: words holding a
	// digit, without punctuation, and each such word joined to the word
	// before or after it, so that "CMS-8000", "CMS 8000" and "CMS8000"
	// share "cms8000".
	Numbers []string `json:"numbers,omitempty"`
}

// firmwareWords introduce a version inside a model text.
var firmwareWords = map[string]bool{
	"fw": true, "f/w": true, "firmware": true, "sw": true, "s/w": true, "software": true, "ver": true,
	"version": true, "vers": true, "rev": true, "revision": true, "release": true, "rel": true,
}

// versionLike reports whether a word reads as a version: digits first,
// then dotted parts ("3.0", "2.1.0", "8.2.2a", "v3.0" with the v cut by
// the caller).
func versionLike(w string) bool {
	if w == "" || w[0] < '0' || w[0] > '9' {
		return false
	}
	for _, r := range w {
		if !(r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r == '.' || r == '_' || r == '-') {
			return false
		}
	}
	return true
}

// cutV cuts a leading "v" before a digit: "v3.0" → "3.0".
func cutV(w string) (string, bool) {
	if len(w) > 1 && (w[0] == 'v' || w[0] == 'V') && w[1] >= '0' && w[1] <= '9' {
		return w[1:], true
	}
	return w, false
}

// ParseModel reads a model text: the firmware written inside it is taken
// out ("IP-3000 v3.0", "IP-3000 (FW 3.0)", "VLFT10GEN FW 2.1.0",
// "Alaris 8015 SW:9.33", "Infinity M540 firmware VG4.2"), and the rest is
// split into words and numbers.
func ParseModel(s string) Model {
	s = Clean(s)
	raw := strings.FieldsFunc(s, func(r rune) bool {
		return unicode.IsSpace(r) || r == '(' || r == ')' || r == '[' || r == ']' || r == ',' || r == ';'
	})
	var keep []string
	var fw string
	for i := 0; i < len(raw); i++ {
		w := strings.Trim(raw[i], ":=#")
		lw := strings.ToLower(w)
		// "FW:3.0", "SW=9.33": keyword and version in one.
		if k, v, ok := strings.Cut(lw, ":"); ok && firmwareWords[k] {
			if v, _ = cutV(v); versionLike(v) {
				fw = v
				continue
			}
		}
		if firmwareWords[lw] && i+1 < len(raw) {
			next := strings.Trim(raw[i+1], ":=#")
			if v, _ := cutV(next); versionLike(v) {
				fw = v
				i++
				continue
			}
			// "FW VG4.2": a letter prefix before the digits.
			if len(next) > 1 && unicode.IsLetter(rune(next[0])) && strings.ContainsAny(next, "0123456789") &&
				strings.Contains(next, ".") && i+2 >= len(raw) {
				fw = next
				i++
				continue
			}
		}
		// "FW3.0", "SW2.1": the keyword glued to the version.
		for _, k := range []string{"fw", "sw"} {
			if rest, ok := strings.CutPrefix(lw, k); ok && versionLike(rest) && strings.Contains(rest, ".") {
				fw = rest
				lw = ""
			}
		}
		if lw == "" {
			continue
		}
		// "v3.0" as a word of its own, after the model: a version. "V8"
		// may be a model name ("Carescape V8"), so a dot is required.
		if v, ok := cutV(lw); ok && i > 0 && versionLike(v) && strings.Contains(v, ".") {
			fw = v
			continue
		}
		keep = append(keep, raw[i])
	}
	m := Model{Text: strings.Join(keep, " "), Firmware: fw}
	m.Words, m.Numbers = words(m.Text)
	return m
}

// words splits a model text into words without digits and numbers.
func words(s string) (ws, nums []string) {
	toks := tokens(s)
	addNum := func(n string) {
		if n != "" && !slices.Contains(nums, n) {
			nums = append(nums, n)
		}
	}
	for i, t := range toks {
		if hasDigit(t) {
			addNum(t)
			if i > 0 && !hasDigit(toks[i-1]) {
				addNum(toks[i-1] + t)
			}
			if i+1 < len(toks) && !hasDigit(toks[i+1]) {
				addNum(t + toks[i+1])
			}
			continue
		}
		if !slices.Contains(ws, t) {
			ws = append(ws, t)
		}
	}
	return ws, nums
}

// tokens splits text into lower-case runs of letters and digits; a dot
// between digits stays inside ("3.0T", "8.0.x").
func tokens(s string) []string {
	var out []string
	var b strings.Builder
	rs := []rune(s)
	flush := func() {
		if b.Len() > 0 {
			out = append(out, strings.TrimRight(b.String(), "."))
			b.Reset()
		}
	}
	for i, r := range rs {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(unicode.ToLower(r))
		case r == '.' && i > 0 && unicode.IsDigit(rs[i-1]) && i+1 < len(rs) && (unicode.IsDigit(rs[i+1]) || unicode.ToLower(rs[i+1]) == 'x'):
			b.WriteRune(r)
		default:
			flush()
		}
	}
	flush()
	return out
}

func hasDigit(s string) bool {
	return strings.ContainsAny(s, "0123456789")
}

// generic are words that name a kind of device rather than one: they count
// for little when names are compared ("Medfusion 4000 Wireless Syringe
// Infusion Pump" is the "Medfusion 4000").
var generic = map[string]bool{
	"pump": true, "pumps": true, "system": true, "systems": true, "monitor": true, "monitors": true, "monitoring": true,
	"unit": true, "units": true, "device": true, "devices": true, "model": true, "models": true, "series": true,
	"software": true, "infusion": true, "syringe": true, "wireless": true, "patient": true, "module": true,
	"modules": true, "app": true, "application": true, "family": true, "platform": true, "products": true,
	"product": true, "control": true, "controller": true, "workstation": true, "station": true, "ultrasound": true,
	"viewer": true, "medical": true, "with": true, "and": true, "the": true, "for": true, "of": true, "on": true,
	"in": true, "or": true, "all": true, "a": true, "an": true, "to": true, "by": true, "type": true,
	"energy": true, "generator": true, "scanner": true, "cart": true, "console": true, "version": true,
	"versions": true, "firmware": true, "operating": true, "client": true, "builds": true, "build": true,
	"edition": true, "option": true, "installed": true, "integrated": true, "part": true, "number": true,
	"prior": true, "before": true, "previous": true, "only": true, "cardiograph": true, "cardiographs": true,
}

// weight is how much a word counts in a name comparison.
func weight(w string) float64 {
	switch {
	case generic[w]:
		return 0.2
	case len(w) < 2:
		return 0.2
	}
	return 1
}

func hasLetter(s string) bool {
	for _, r := range s {
		if unicode.IsLetter(r) {
			return true
		}
	}
	return false
}

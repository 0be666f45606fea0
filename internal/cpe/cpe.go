// Package cpe is CPE 2.3 naming and name matching: it unbinds formatted
// strings (NISTIR 7695 §6.2) and URIs (§6.1) into well-formed names, binds
// them back to formatted strings, and compares names attribute by
// attribute as NISTIR 7696 (CPE Name Matching) specifies. It also orders
// CPE version strings (see CompareVersions).
//
// A Name holds the 11 WFN attribute values in their quoted form, lower
// case: Any ("*") and NA ("-") are the logical values; any other value is
// a string in which every character other than a letter, a digit or "_" is
// quoted with a backslash ("1\.0"), except the wildcards "*" and "?",
// which are unquoted and may only lead or trail the value.
//
// The package is ours because no maintained Go WFN library passes its
// tests. Put behind this API and run against its tests and the matchers'
// (2026-12-04): github.com/knqyf263/go-cpe (last commit 2023-06, never
// tagged) panics on `cpe:2.3:…:x\` and `Cpe:/%`, rejects upper case and
// takes `8\.0?` as a superset of `8\.0\.1`; facebookincubator/nvdtools/wfn
// (v0.1.5 of 2022, its only release) accepts truncated names, part "x" and
// spaces, does not fold case, reads "?" as exactly one character and
// answers SUPERSET or DISJOINT for ANY or NA against a pattern (UNDEFINED
// here); github.com/umisama/go-cpe (2019)
// fails 11 parse cases and 7 comparisons and never matches NVD names with
// a quoted comma. All three make NVD configuration matching slower (CPU
// per record of the 1.1 feed against a 10k-component SBOM: +66 % to
// +516 %). docs/matching.md ("Why our own CPE package") has the details;
// BenchmarkParseNVDCriteria and BenchmarkSupersetNVDCriteria are the bar
// for trying again.
package cpe

import (
	"errors"
	"fmt"
	"strings"
)

// Attr is the index of a WFN attribute.
type Attr int

// The 11 attributes, in binding order.
const (
	Part Attr = iota
	Vendor
	Product
	Version
	Update
	Edition
	Language
	SWEdition
	TargetSW
	TargetHW
	Other
	numAttrs
)

var attrNames = [numAttrs]string{"part", "vendor", "product", "version", "update", "edition",
	"language", "sw_edition", "target_sw", "target_hw", "other"}

// String returns the attribute's WFN name, e.g. "target_sw".
func (a Attr) String() string {
	if a < 0 || a >= numAttrs {
		return fmt.Sprintf("Attr(%d)", int(a))
	}
	return attrNames[a]
}

// The logical values as a Name stores them.
const (
	Any = "*"
	NA  = "-"
)

// Name is a well-formed CPE name (WFN).
type Name [numAttrs]string

// ErrInvalid is wrapped by every parse error.
var ErrInvalid = errors.New("invalid CPE")

const fsPrefix = "cpe:2.3:"

// Parse reads a CPE 2.3 formatted string ("cpe:2.3:a:vendor:…") or a CPE
// URI ("cpe:/a:vendor:…", the CPE 2.2 form).
func Parse(s string) (Name, error) {
	switch {
	case len(s) >= len(fsPrefix) && strings.EqualFold(s[:len(fsPrefix)], fsPrefix):
		return ParseFS(s)
	case len(s) >= 5 && strings.EqualFold(s[:5], "cpe:/"):
		return ParseURI(s)
	}
	return Name{}, fmt.Errorf("%w %q: neither cpe:2.3: nor cpe:/", ErrInvalid, s)
}

// ParseFS unbinds a formatted string: 11 attribute values after
// "cpe:2.3:", separated by unquoted colons; "*" alone is ANY, "-" alone
// is NA; a backslash quotes the next character.
func ParseFS(s string) (Name, error) {
	var n Name
	if len(s) < len(fsPrefix) || !strings.EqualFold(s[:len(fsPrefix)], fsPrefix) {
		return n, fmt.Errorf("%w %q: missing cpe:2.3: prefix", ErrInvalid, s)
	}
	rest := s[len(fsPrefix):]
	a := Attr(0)
	start := 0
	for i := 0; i <= len(rest); i++ {
		if i < len(rest) && rest[i] == '\\' {
			i++ // the quoted character cannot end a field
			continue
		}
		if i < len(rest) && rest[i] != ':' {
			continue
		}
		if a >= numAttrs {
			return n, fmt.Errorf("%w %q: more than 11 attributes", ErrInvalid, s)
		}
		v, err := unbindFS(rest[start:min(i, len(rest))])
		if err != nil {
			return n, fmt.Errorf("%w %q: %s: %s", ErrInvalid, s, a, err)
		}
		n[a] = v
		a++
		start = i + 1
	}
	if a != numAttrs {
		return n, fmt.Errorf("%w %q: %d attributes, want 11", ErrInvalid, s, a)
	}
	if err := n.checkPart(); err != nil {
		return n, fmt.Errorf("%w %q: %s", ErrInvalid, s, err)
	}
	return n, nil
}

func (n Name) checkPart() error {
	switch n[Part] {
	case "a", "o", "h", Any:
		return nil
	}
	return fmt.Errorf("part %q is not a, o, h or *", n[Part])
}

func isAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_'
}

func lower(c byte) byte {
	if c >= 'A' && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// unbindFS turns one formatted-string value into its WFN form.
func unbindFS(v string) (string, error) {
	switch v {
	case "":
		return "", errors.New("empty value")
	case Any:
		return Any, nil
	case NA:
		return NA, nil
	}
	var b strings.Builder
	b.Grow(len(v) + 4)
	for i := 0; i < len(v); i++ {
		c := v[i]
		switch {
		case c < 0x21 || c > 0x7e:
			return "", fmt.Errorf("character %q not allowed", c)
		case isAlnum(c):
			b.WriteByte(lower(c))
		case c == '\\':
			if i+1 >= len(v) {
				return "", errors.New("trailing backslash")
			}
			i++
			q := v[i]
			if q < 0x21 || q > 0x7e {
				return "", fmt.Errorf("character %q not allowed", q)
			}
			if isAlnum(q) {
				// A quoted letter or digit is just that character.
				b.WriteByte(lower(q))
			} else {
				b.WriteByte('\\')
				b.WriteByte(q)
			}
		case c == '*' || c == '?':
			b.WriteByte(c)
		default:
			b.WriteByte('\\')
			b.WriteByte(c)
		}
	}
	w := b.String()
	if err := checkWildcards(w); err != nil {
		return "", err
	}
	return w, nil
}

// checkWildcards enforces NISTIR 7695's rule for a quoted value: unquoted
// "*" and "?" only lead or trail it, as a single "*" or a run of "?".
func checkWildcards(w string) error {
	type span struct{ from, to int }
	var spans []span // runs of unquoted wildcard characters
	for i := 0; i < len(w); i++ {
		switch w[i] {
		case '\\':
			i++
		case '*', '?':
			if n := len(spans); n > 0 && spans[n-1].to == i {
				spans[n-1].to = i + 1
			} else {
				spans = append(spans, span{i, i + 1})
			}
		}
	}
	for _, s := range spans {
		run := w[s.from:s.to]
		if s.from != 0 && s.to != len(w) {
			return fmt.Errorf("wildcard %q inside the value", run)
		}
		if run != "*" && strings.Trim(run, "?") != "" {
			return fmt.Errorf("wildcards %q: one * or a run of ?", run)
		}
	}
	if len(spans) == 1 && spans[0].from == 0 && spans[0].to == len(w) && w == "*" {
		return errors.New("lone * is ANY")
	}
	return nil
}

// ParseURI unbinds a CPE URI (NISTIR 7695 §6.1.3): up to 7 components
// after "cpe:/", percent-encoded, an empty component meaning ANY and "-"
// NA; a packed edition ("~ed~sw_ed~t_sw~t_hw~oth") fills the extended
// attributes; "%01" and "%02" are the wildcards "?" and "*".
func ParseURI(s string) (Name, error) {
	var n Name
	if len(s) < 5 || !strings.EqualFold(s[:5], "cpe:/") {
		return n, fmt.Errorf("%w %q: missing cpe:/ prefix", ErrInvalid, s)
	}
	for i := range n {
		n[i] = Any
	}
	comps := strings.Split(s[5:], ":")
	if len(comps) > 7 {
		return n, fmt.Errorf("%w %q: more than 7 components", ErrInvalid, s)
	}
	for i, c := range comps {
		a := Attr(i)
		if a == Edition && strings.HasPrefix(c, "~") {
			packed := strings.Split(c, "~")
			if len(packed) != 6 {
				return n, fmt.Errorf("%w %q: packed edition has %d parts, want 5", ErrInvalid, s, len(packed)-1)
			}
			for j, at := range []Attr{Edition, SWEdition, TargetSW, TargetHW, Other} {
				v, err := unbindURI(packed[j+1])
				if err != nil {
					return n, fmt.Errorf("%w %q: %s: %s", ErrInvalid, s, at, err)
				}
				n[at] = v
			}
			continue
		}
		v, err := unbindURI(c)
		if err != nil {
			return n, fmt.Errorf("%w %q: %s: %s", ErrInvalid, s, a, err)
		}
		n[a] = v
	}
	if err := n.checkPart(); err != nil {
		return n, fmt.Errorf("%w %q: %s", ErrInvalid, s, err)
	}
	return n, nil
}

func unhex(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

func unbindURI(v string) (string, error) {
	switch v {
	case "":
		return Any, nil
	case NA:
		return NA, nil
	}
	var b strings.Builder
	for i := 0; i < len(v); i++ {
		c := v[i]
		switch {
		case isAlnum(c):
			b.WriteByte(lower(c))
		case c == '%':
			if i+2 >= len(v) {
				return "", errors.New("short percent-encoding")
			}
			h, ok1 := unhex(v[i+1])
			l, ok2 := unhex(v[i+2])
			if !ok1 || !ok2 {
				return "", fmt.Errorf("bad percent-encoding %q", v[i:i+3])
			}
			i += 2
			switch d := h<<4 | l; {
			case d == 0x01:
				b.WriteByte('?')
			case d == 0x02:
				b.WriteByte('*')
			case d < 0x21 || d > 0x7e:
				return "", fmt.Errorf("character %q not allowed", d)
			case isAlnum(d):
				b.WriteByte(lower(d))
			default:
				b.WriteByte('\\')
				b.WriteByte(d)
			}
		case c == '.' || c == '-' || c == '~':
			b.WriteByte('\\')
			b.WriteByte(c)
		default:
			return "", fmt.Errorf("character %q not allowed in a URI", c)
		}
	}
	w := b.String()
	if w == "*" {
		return Any, nil
	}
	if err := checkWildcards(w); err != nil {
		return "", err
	}
	return w, nil
}

// String binds n to a formatted string (NISTIR 7695 §6.2.2).
func (n Name) String() string {
	var b strings.Builder
	b.WriteString(fsPrefix)
	for i, v := range n {
		if i > 0 {
			b.WriteByte(':')
		}
		switch v {
		case "", Any:
			b.WriteByte('*')
		case NA:
			b.WriteByte('-')
		default:
			for j := 0; j < len(v); j++ {
				if v[j] == '\\' && j+1 < len(v) {
					j++
					switch q := v[j]; q {
					case '.', '-', '_':
						b.WriteByte(q)
					default:
						b.WriteByte('\\')
						b.WriteByte(q)
					}
					continue
				}
				b.WriteByte(v[j])
			}
		}
	}
	return b.String()
}

// Get returns attribute a's WFN value.
func (n Name) Get(a Attr) string { return n[a] }

// Unquoted returns attribute a's value without quoting: "1.0" for the WFN
// "1\.0"; Any and NA as "*" and "-".
func (n Name) Unquoted(a Attr) string { return Unquote(n[a]) }

// Unquote removes WFN quoting from a value.
func Unquote(v string) string {
	if !strings.Contains(v, `\`) {
		return v
	}
	var b strings.Builder
	for i := 0; i < len(v); i++ {
		if v[i] == '\\' && i+1 < len(v) {
			i++
		}
		b.WriteByte(v[i])
	}
	return b.String()
}

// Quote turns a plain value into WFN form: lower case, every character
// other than a letter, a digit or "_" quoted. "" becomes Any.
func Quote(v string) string {
	if v == "" {
		return Any
	}
	var b strings.Builder
	for i := 0; i < len(v); i++ {
		c := v[i]
		if isAlnum(c) {
			b.WriteByte(lower(c))
			continue
		}
		b.WriteByte('\\')
		b.WriteByte(c)
	}
	return b.String()
}

// HasWildcards reports whether a WFN value holds an unquoted "*" or "?"
// (Any itself counts).
func HasWildcards(v string) bool {
	for i := 0; i < len(v); i++ {
		switch v[i] {
		case '\\':
			i++
		case '*', '?':
			return true
		}
	}
	return false
}

// IsLiteral reports whether v is a string value without wildcards:
// neither Any, NA nor a pattern.
func IsLiteral(v string) bool { return v != NA && v != "" && !HasWildcards(v) }

// Escape quotes, in a CPE 2.3 formatted string, the characters a value may
// hold only quoted ("+", "(", "!"… written bare by many tools:
// "cpe:2.3:a:gnu:g++:…"), so that the string binds as NISTIR 7695 §6.2
// and the CycloneDX schema's pattern require: within each value a
// character other than a letter, a digit, "-", ".", "_" and the wildcards
// "*" and "?" gets a backslash, and those characters lose one they do not
// need ("1\.0" binds as "1.0"). Case, other quoted characters and the
// logical values are kept, so Escape is idempotent and keeps what is
// already right. A URI binding ("cpe:/…") or anything else is returned as is.
func Escape(s string) string {
	if len(s) < len(fsPrefix) || !strings.EqualFold(s[:len(fsPrefix)], fsPrefix) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 4)
	b.WriteString(s[:len(fsPrefix)])
	rest := s[len(fsPrefix):]
	for i := 0; i < len(rest); i++ {
		c := rest[i]
		switch {
		case c == '\\' && i+1 < len(rest):
			// A quoted letter, digit, "-", "." or "_" binds bare.
			if q := rest[i+1]; !isAlnum(q) && q != '-' && q != '.' && q != '_' {
				b.WriteByte(c)
			}
			b.WriteByte(rest[i+1])
			i++
		case c == '\\': // a trailing backslash quotes itself
			b.WriteString(`\\`)
		case c == ':' || isAlnum(c) || c == '-' || c == '.' || c == '_' || c == '*' || c == '?' || c >= 0x80:
			b.WriteByte(c)
		default:
			b.WriteByte('\\')
			b.WriteByte(c)
		}
	}
	return b.String()
}

package csafproduct

import (
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Op is a vers comparator.
type Op string

const (
	OpEQ Op = "="
	OpNE Op = "!="
	OpLT Op = "<"
	OpLE Op = "<="
	OpGT Op = ">"
	OpGE Op = ">="
)

// Constraint is one vers constraint: a comparator and a version.
type Constraint struct {
	Op      Op
	Version string
}

// Range is a version range in the vers model (github.com/package-url/vers-spec):
// a scheme and constraints sorted by version, or every version (All). It
// comes from a vers string ("vers:generic/>=1.0|<2.0", "vers:all/*") or
// from the free-text forms CISA advisories use ("<=3.1", "All versions",
// "Versions 2.3.0 and prior"), which are read as scheme "generic".
type Range struct {
	Scheme      string
	All         bool
	Constraints []Constraint
}

// maxRangeLen bounds the text ParseRange reads.
const maxRangeLen = 4096

// ParseRange reads a vers string or one of the free-text forms:
//
//	vers:<scheme>/<constraint>|<constraint>…   vers:all/* (any scheme with "*")
//	*, all, all versions, all models, (all models), any
//	<op> V [| <op> V …]      op one of = != < <= > >=, "=" if omitted
//	prior to V, versions prior to V, all versions prior to V, before V
//	V and prior, V and earlier, V or earlier, V or lower, V and below
//	V and later, V or later, V and above, V or higher, V and newer
//
// A version must be one word with at least one digit; text such as
// "<May 2018" or "<=11.2 on Windows 8.1" is an error, never guessed.
// Constraints are checked as vers requires: unique versions, and once "="
// and "!=" are set aside, lower and upper bounds alternate.
func ParseRange(s string) (Range, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return Range{}, errors.New("empty version range")
	}
	if len(s) > maxRangeLen {
		return Range{}, fmt.Errorf("version range longer than %d bytes", maxRangeLen)
	}
	if rest, ok := cutPrefixFold(s, "vers:"); ok {
		scheme, cs, ok := strings.Cut(rest, "/")
		scheme = strings.ToLower(strings.TrimSpace(scheme))
		if !ok || !validScheme(scheme) {
			return Range{}, fmt.Errorf("vers %q: bad scheme", s)
		}
		cs = strings.TrimSpace(cs)
		if cs == "*" {
			return Range{Scheme: scheme, All: true}, nil
		}
		if cs == "" {
			return Range{}, fmt.Errorf("vers %q: no constraints", s)
		}
		var r Range
		r.Scheme = scheme
		for _, part := range strings.Split(cs, "|") {
			c, err := parseConstraint(part, true)
			if err != nil {
				return Range{}, fmt.Errorf("vers %q: %w", s, err)
			}
			r.Constraints = append(r.Constraints, c)
		}
		if err := r.normalize(); err != nil {
			return Range{}, fmt.Errorf("vers %q: %w", s, err)
		}
		return r, nil
	}
	r, err := parseFreeText(s)
	if err != nil {
		return Range{}, fmt.Errorf("version range %q: %w", s, err)
	}
	return r, nil
}

func cutPrefixFold(s, prefix string) (string, bool) {
	if len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix) {
		return s[len(prefix):], true
	}
	return s, false
}

func validScheme(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '.' || r == '+') {
			return false
		}
	}
	return true
}

func parseFreeText(s string) (Range, error) {
	low := strings.ToLower(strings.Join(strings.Fields(s), " "))
	low = strings.Trim(low, "()")
	switch low {
	case "*", "all", "all versions", "all models", "any", "any version", "all releases":
		return Range{Scheme: "generic", All: true}, nil
	}
	for _, p := range []string{"all versions prior to ", "all versions before ", "versions prior to ",
		"version prior to ", "prior to ", "before ", "earlier than "} {
		if v, ok := strings.CutPrefix(low, p); ok {
			return single(OpLT, s, v)
		}
	}
	for _, sfx := range []struct {
		text string
		op   Op
	}{
		{" and prior", OpLE}, {" and earlier", OpLE}, {" or earlier", OpLE}, {" or lower", OpLE},
		{" and below", OpLE}, {" or below", OpLE}, {" or older", OpLE}, {" and older", OpLE},
		{" and later", OpGE}, {" or later", OpGE}, {" and above", OpGE}, {" or higher", OpGE},
		{" and newer", OpGE}, {" or newer", OpGE},
	} {
		if v, ok := strings.CutSuffix(low, sfx.text); ok {
			v = strings.TrimPrefix(strings.TrimPrefix(v, "versions "), "version ")
			return single(sfx.op, s, v)
		}
	}
	r := Range{Scheme: "generic"}
	for _, part := range strings.Split(s, "|") {
		c, err := parseConstraint(part, false)
		if err != nil {
			return Range{}, err
		}
		r.Constraints = append(r.Constraints, c)
	}
	if err := r.normalize(); err != nil {
		return Range{}, err
	}
	return r, nil
}

// single makes a one-constraint range from the version v found in the
// lower-cased text; the version keeps its case from orig.
func single(op Op, orig, v string) (Range, error) {
	v = strings.TrimSpace(v)
	if lo := strings.ToLower(orig); len(lo) == len(orig) && v != "" {
		if i := strings.Index(lo, v); i >= 0 {
			v = orig[i : i+len(v)]
		}
	}
	v = trimVersionWord(v)
	if err := checkVersion(v, true); err != nil {
		return Range{}, err
	}
	return Range{Scheme: "generic", Constraints: []Constraint{{Op: op, Version: v}}}, nil
}

// trimVersionWord removes a leading "version"/"versions"/"v" word.
func trimVersionWord(v string) string {
	v = strings.TrimSpace(v)
	for _, w := range []string{"versions ", "version ", "ver. ", "ver "} {
		if rest, ok := cutPrefixFold(v, w); ok {
			return strings.TrimSpace(rest)
		}
	}
	return v
}

func parseConstraint(part string, encoded bool) (Constraint, error) {
	part = strings.TrimSpace(part)
	var c Constraint
	for _, op := range []Op{OpGE, OpLE, OpNE, OpLT, OpGT, OpEQ} {
		if rest, ok := strings.CutPrefix(part, string(op)); ok {
			c.Op, part = op, rest
			break
		}
	}
	if c.Op == "" {
		c.Op = OpEQ
	}
	v := strings.TrimSpace(part)
	if encoded {
		d, err := url.PathUnescape(v)
		if err != nil {
			return Constraint{}, fmt.Errorf("constraint %q: bad percent-encoding", part)
		}
		v = d
	} else {
		v = trimVersionWord(v)
	}
	if err := checkVersion(v, !encoded); err != nil {
		return Constraint{}, err
	}
	c.Version = v
	return c, nil
}

// checkVersion accepts one word without control characters. Free text
// (strict) must also hold a digit and no comparator or wildcard
// characters; a vers version may hold anything percent-encoded.
func checkVersion(v string, strict bool) error {
	if v == "" {
		return errors.New("empty version")
	}
	digit := false
	for _, r := range v {
		switch {
		case unicode.IsSpace(r) || r == utf8.RuneError:
			return fmt.Errorf("version %q is not one word", v)
		case unicode.IsControl(r):
			return fmt.Errorf("version %q holds a control character", v)
		case strict && (r == '<' || r == '>' || r == '=' || r == '|' || r == '!' || r == '*'):
			return fmt.Errorf("version %q holds a comparator", v)
		case unicode.IsDigit(r):
			digit = true
		}
	}
	if strict && !digit {
		return fmt.Errorf("version %q has no digit", v)
	}
	return nil
}

// normalize sorts the constraints by version and checks them as vers
// requires.
func (r *Range) normalize() error {
	if len(r.Constraints) == 0 {
		return errors.New("no constraints")
	}
	slices.SortStableFunc(r.Constraints, func(a, b Constraint) int { return CompareVersions(a.Version, b.Version) })
	for i := 1; i < len(r.Constraints); i++ {
		if CompareVersions(r.Constraints[i-1].Version, r.Constraints[i].Version) == 0 {
			return fmt.Errorf("version %q appears twice", r.Constraints[i].Version)
		}
	}
	var prev Op
	for _, c := range r.Constraints {
		if c.Op == OpEQ || c.Op == OpNE {
			continue
		}
		lower := c.Op == OpGT || c.Op == OpGE
		if prev != "" && (prev == OpGT || prev == OpGE) == lower {
			return errors.New("lower and upper bounds do not alternate")
		}
		prev = c.Op
	}
	return nil
}

// String returns the range in vers syntax.
func (r Range) String() string {
	scheme := r.Scheme
	if scheme == "" {
		scheme = "generic"
	}
	if r.All {
		return "vers:" + scheme + "/*"
	}
	var b strings.Builder
	b.WriteString("vers:" + scheme + "/")
	for i, c := range r.Constraints {
		if i > 0 {
			b.WriteByte('|')
		}
		if c.Op != OpEQ {
			b.WriteString(string(c.Op))
		}
		b.WriteString(escapeVersion(c.Version))
	}
	return b.String()
}

func escapeVersion(v string) string {
	var b strings.Builder
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c == '%' || c == '|' || c == '/' || c <= ' ' || c >= 0x7f || c == '<' || c == '>' || c == '=' || c == '!' {
			fmt.Fprintf(&b, "%%%02X", c)
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

// ErrScheme is returned by Contains for a vers scheme whose version order
// this package does not know.
var ErrScheme = errors.New("version order unknown for vers scheme")

// Contains reports whether version v is in the range, by the vers
// algorithm. Schemes generic, semver, npm, nuget, github and all use
// CompareVersions; any other scheme is an ErrScheme, not a guess.
func (r Range) Contains(v string) (bool, error) {
	if r.All {
		return true, nil
	}
	switch r.Scheme {
	case "generic", "semver", "npm", "nuget", "github", "all", "":
	default:
		return false, fmt.Errorf("%w %q", ErrScheme, r.Scheme)
	}
	if r.Scheme == "semver" || r.Scheme == "npm" {
		v, _, _ = strings.Cut(v, "+")
	}
	var rest []Constraint
	for _, c := range r.Constraints {
		eq := CompareVersions(v, c.Version) == 0
		switch c.Op {
		case OpEQ:
			if eq {
				return true, nil
			}
		case OpNE:
			if eq {
				return false, nil
			}
		default:
			rest = append(rest, c)
		}
	}
	if len(rest) == 0 {
		// Only "!=" constraints left means every other version.
		for _, c := range r.Constraints {
			if c.Op == OpNE {
				return true, nil
			}
		}
		return false, nil
	}
	for i, c := range rest {
		cmp := CompareVersions(v, c.Version)
		if i == 0 && (c.Op == OpLT && cmp < 0 || c.Op == OpLE && cmp <= 0) {
			return true, nil
		}
		if i == len(rest)-1 && (c.Op == OpGT && cmp > 0 || c.Op == OpGE && cmp >= 0) {
			return true, nil
		}
		if i+1 < len(rest) && (c.Op == OpGT || c.Op == OpGE) {
			n := rest[i+1]
			ncmp := CompareVersions(v, n.Version)
			lowOK := c.Op == OpGT && cmp > 0 || c.Op == OpGE && cmp >= 0
			highOK := n.Op == OpLT && ncmp < 0 || n.Op == OpLE && ncmp <= 0
			if lowOK && highOK {
				return true, nil
			}
		}
	}
	return false, nil
}

// Bounded reports whether the range names versions (not All and at least
// one constraint other than "!=").
func (r Range) Bounded() bool {
	if r.All {
		return false
	}
	for _, c := range r.Constraints {
		if c.Op != OpNE {
			return true
		}
	}
	return false
}

// CompareVersions orders two versions the generic way: each is split into
// runs of digits (compared as numbers) and runs of letters (compared
// case-insensitively); anything else separates. A leading "v" before a
// digit is ignored. Missing trailing parts count as zero, so 2.0 equals
// 2.0.0. When one version goes on with a letter run, a pre-release word
// (alpha, beta, rc, cr, pre, preview, dev, snapshot, milestone) makes it
// earlier (1.0-rc1 < 1.0) and any other (0.13c, 2.0.9-hotfix.7) later. A
// part "x" or "*" is a wildcard that ends the comparison equal, so
// 12.2.5 equals 12.2.x and "<= 12.2.x" includes it.
func CompareVersions(a, b string) int {
	ta, tb := tokens(a), tokens(b)
	for i := 0; ; i++ {
		if i < len(ta) && ta[i].wild || i < len(tb) && tb[i].wild {
			return 0
		}
		switch {
		case i >= len(ta) && i >= len(tb):
			return 0
		case i >= len(ta):
			return -tail(tb[i:])
		case i >= len(tb):
			return tail(ta[i:])
		}
		x, y := ta[i], tb[i]
		switch {
		case x.num && y.num:
			if c := compareNum(x.s, y.s); c != 0 {
				return c
			}
		case x.num != y.num:
			// A number sorts after a word: 1.0.1 > 1.0.beta.
			if x.num {
				return 1
			}
			return -1
		default:
			if c := strings.Compare(x.s, y.s); c != 0 {
				return c
			}
		}
	}
}

// tail says how a version that goes on with ts compares with one that
// stopped: zeros are equal, a pre-release word is earlier, anything else
// is later.
func tail(ts []token) int {
	for _, t := range ts {
		if t.wild {
			return 0
		}
		if t.num {
			if strings.Trim(t.s, "0") != "" {
				return 1
			}
			continue
		}
		if preRelease(t.s) {
			return -1
		}
		return 1
	}
	return 0
}

func preRelease(s string) bool {
	switch s {
	case "alpha", "beta", "rc", "cr", "pre", "preview", "dev", "snapshot", "milestone":
		return true
	}
	return false
}

type token struct {
	s    string
	num  bool
	wild bool
}

func tokens(v string) []token {
	v = strings.ToLower(strings.TrimSpace(v))
	if len(v) > 1 && v[0] == 'v' && v[1] >= '0' && v[1] <= '9' {
		v = v[1:]
	}
	var out []token
	rs := []rune(v)
	for i := 0; i < len(rs); {
		r := rs[i]
		switch {
		case unicode.IsDigit(r):
			j := i
			for j < len(rs) && unicode.IsDigit(rs[j]) {
				j++
			}
			out = append(out, token{s: string(rs[i:j]), num: true})
			i = j
		case unicode.IsLetter(r):
			j := i
			for j < len(rs) && unicode.IsLetter(rs[j]) {
				j++
			}
			s := string(rs[i:j])
			// "x" standing alone as a part (12.2.x) is a wildcard.
			wild := s == "x" && i > 0 && !unicode.IsDigit(rs[i-1])
			out = append(out, token{s: s, wild: wild})
			i = j
		case r == '*':
			out = append(out, token{s: "*", wild: true})
			i++
		default:
			i++
		}
	}
	return out
}

func compareNum(a, b string) int {
	a, b = strings.TrimLeft(a, "0"), strings.TrimLeft(b, "0")
	if len(a) != len(b) {
		if len(a) < len(b) {
			return -1
		}
		return 1
	}
	return strings.Compare(a, b)
}

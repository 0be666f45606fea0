package sbom

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/vigil/vigil"
)

// The FDA fields as SBOMs in the wild write them. Manufacturers name them
// as they please ("Level of Support", "End-of-Support", "acme:eos_date")
// and fill them with their own words ("Inactive", "Until hardware support
// ends", "12/31/2030"). vigil recognises the names, maps the words onto
// its support levels and dates where it can, keeps the original text
// beside the mapped value, and warns, per component, on a value it cannot
// map instead of refusing the document.

// Names of the properties (CycloneDX) and annotation keys (SPDX) vigil
// writes for the FDA fields; the first two are also read under the
// variants listed in docs/sbom.md.
const (
	PropSupportLevel = "fda:support_level"
	PropEndOfSupport = "fda:end_of_support"
	// PropSupportLevelText and PropEndOfSupportText keep the words the
	// SBOM used, as given, when it stated the field: "Inactive" beside
	// no_longer_maintained. They are kept in the component's properties.
	PropSupportLevelText = "fda:support_level_text"
	PropEndOfSupportText = "fda:end_of_support_text"
	// PropSupportLevelSource and PropEndOfSupportSource say, in exports,
	// where the value written came from: SourceSBOM or SourceAddendum.
	PropSupportLevelSource = "fda:support_level_source"
	PropEndOfSupportSource = "fda:end_of_support_source"
)

// Provenance of an exported FDA value.
const (
	SourceSBOM     = "sbom"
	SourceAddendum = "addendum"
)

// fdaKind is what a property name says about the FDA fields.
type fdaKind int

const (
	fdaNone fdaKind = iota
	fdaLevel
	fdaLevelText
	fdaLevelSource
	fdaEOS
	fdaEOSText
	fdaEOSSource
)

// fdaNames maps a squashed property name (see squashName) to its kind.
var fdaNames = map[string]fdaKind{
	"supportlevel": fdaLevel, "levelofsupport": fdaLevel, "supportstatus": fdaLevel,
	"maintenancestatus": fdaLevel, "supportlevelfda": fdaLevel,
	"supportleveltext": fdaLevelText, "supportlevelsource": fdaLevelSource,
	"endofsupport": fdaEOS, "endofsupportdate": fdaEOS, "eos": fdaEOS, "eosdate": fdaEOS,
	"supportend": fdaEOS, "supportenddate": fdaEOS, "supportends": fdaEOS, "endofsupportdatefda": fdaEOS,
	"endoflife": fdaEOS, "endoflifedate": fdaEOS, "eol": fdaEOS, "eoldate": fdaEOS,
	"endofsupporttext": fdaEOSText, "endofsupportsource": fdaEOSSource,
}

// squashName reduces a property name to what identifies it: the part after
// the last namespace separator (":" or "/", so fda:, cdx:, acme:, urn:…
// prefixes go), lower-cased, without spaces, hyphens, underscores or other
// punctuation. "Level of Support", "level-of-support", "acme:levelOfSupport"
// all become "levelofsupport".
func squashName(name string) string {
	if i := strings.LastIndexAny(name, ":/"); i >= 0 && i+1 < len(name) {
		name = name[i+1:]
	}
	var b strings.Builder
	for _, r := range name {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}

func fdaKindOf(name string) fdaKind { return fdaNames[squashName(name)] }

// squashValue lower-cases a value and turns every run of punctuation and
// space into one space: "No-longer  maintained." → "no longer maintained".
func squashValue(s string) string {
	f := strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	return strings.Join(f, " ")
}

// levelWords maps the words manufacturers write for a support level onto
// vigil's levels. Deprecated and inactive components count as no longer
// maintained: a device maker cannot count on fixes for them.
var levelWords = map[string]vigil.SupportLevel{
	"actively maintained": vigil.SupportActive, "active": vigil.SupportActive, "maintained": vigil.SupportActive,
	"supported": vigil.SupportActive, "full support": vigil.SupportActive, "full": vigil.SupportActive,
	"fully supported": vigil.SupportActive, "active development": vigil.SupportActive,
	"actively developed": vigil.SupportActive, "under active development": vigil.SupportActive,
	"current": vigil.SupportActive, "long term support": vigil.SupportActive, "lts": vigil.SupportActive,

	"limited support": vigil.SupportLimited, "limited": vigil.SupportLimited, "security only": vigil.SupportLimited,
	"security fixes only": vigil.SupportLimited, "maintenance": vigil.SupportLimited,
	"maintenance only": vigil.SupportLimited, "extended support": vigil.SupportLimited,
	"best effort": vigil.SupportLimited, "critical fixes only": vigil.SupportLimited,

	"no longer maintained": vigil.SupportNone, "not maintained": vigil.SupportNone, "unmaintained": vigil.SupportNone,
	"unsupported": vigil.SupportNone, "not supported": vigil.SupportNone, "no longer supported": vigil.SupportNone,
	"end of life": vigil.SupportNone, "eol": vigil.SupportNone, "end of support": vigil.SupportNone,
	"eos": vigil.SupportNone, "none": vigil.SupportNone, "inactive": vigil.SupportNone,
	"deprecated": vigil.SupportNone, "obsolete": vigil.SupportNone, "retired": vigil.SupportNone,
	"discontinued": vigil.SupportNone, "archived": vigil.SupportNone,

	"abandoned": vigil.SupportAbandoned,

	"unknown": vigil.SupportUnknown, "not known": vigil.SupportUnknown, "noassertion": vigil.SupportUnknown,
}

// MapSupportLevel maps a support level as a manufacturer wrote it onto
// vigil's levels: the level's own tokens, the synonyms
// vigil.ParseSupportLevel takes, and the words seen in published SBOMs
// ("Actively maintained", "Inactive", "Deprecated", "No longer
// maintained"…), whatever their case and punctuation. ok is false for
// words it cannot map ("Open source" says who maintains a component, not
// whether it is maintained).
func MapSupportLevel(s string) (vigil.SupportLevel, bool) {
	if l, ok := vigil.ParseSupportLevel(s); ok {
		return l, true
	}
	l, ok := levelWords[squashValue(s)]
	return l, ok
}

// EOSStatement is an end-of-support value that is a statement rather than
// a date.
type EOSStatement string

const (
	// EOSUnknown: the manufacturer does not know when support ends.
	EOSUnknown EOSStatement = "unknown"
	// EOSCommunity: an open-source component with no supplier to end
	// support on a date ("Open source").
	EOSCommunity EOSStatement = "community"
	// EOSWithDevice: support lasts as long as the device's ("Until
	// hardware support ends").
	EOSWithDevice EOSStatement = "with_device"
	// EOSEnded: support has ended, on a day not given ("No longer
	// supported").
	EOSEnded EOSStatement = "ended"
)

var eosWords = map[string]EOSStatement{
	"unknown": EOSUnknown, "not known": EOSUnknown, "tbd": EOSUnknown, "to be determined": EOSUnknown,
	"noassertion": EOSUnknown, "unspecified": EOSUnknown, "not specified": EOSUnknown,
	"open source": EOSCommunity, "opensource": EOSCommunity, "community": EOSCommunity,
	"community supported": EOSCommunity, "community support": EOSCommunity, "oss": EOSCommunity,
	"until hardware support ends": EOSWithDevice, "same as device": EOSWithDevice, "same as hardware": EOSWithDevice,
	"with device": EOSWithDevice, "with hardware": EOSWithDevice, "device end of support": EOSWithDevice,
	"until device end of support": EOSWithDevice, "lifetime of device": EOSWithDevice,
	"lifetime of the device": EOSWithDevice, "life of device": EOSWithDevice, "life of the device": EOSWithDevice,
	"no longer supported": EOSEnded, "not supported": EOSEnded, "unsupported": EOSEnded, "ended": EOSEnded,
	"end of life": EOSEnded, "eol": EOSEnded, "expired": EOSEnded, "none": EOSEnded,
}

// ParseEndOfSupport reads an end-of-support value as manufacturers write
// it. A date gives the day: YYYY-MM-DD, an RFC 3339 or ISO timestamp (its
// day), YYYYMMDD, D.M.YYYY, D/M/YYYY or M/D/YYYY when the numbers decide
// which (13/12/2030 is 13 December, 12/13/2030 is 13 December, 12/11/2030
// is ambiguous and refused), "31 Dec 2030", "December 31, 2030"; a month
// or a year alone ("2030-12", "Dec 2030", "2030") gives its first day, the
// earliest the support may end. Otherwise a recognised statement ("Open
// source", "Unknown", "Until hardware support ends") gives st. ok is false
// when it is neither.
func ParseEndOfSupport(s string) (d vigil.Date, st EOSStatement, ok bool) {
	s = strings.TrimSpace(s)
	if d, ok := parseLooseDate(s); ok {
		return d, "", true
	}
	if st, ok := eosWords[squashValue(s)]; ok {
		return vigil.Date{}, st, true
	}
	for _, p := range []string{"until hardware", "until the hardware", "until device", "until the device", "tied to device", "tied to the device", "tied to hardware"} {
		if strings.HasPrefix(squashValue(s), p) {
			return vigil.Date{}, EOSWithDevice, true
		}
	}
	return vigil.Date{}, "", false
}

var monthNames = map[string]time.Month{
	"jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3, "apr": 4, "april": 4,
	"may": 5, "jun": 6, "june": 6, "jul": 7, "july": 7, "aug": 8, "august": 8,
	"sep": 9, "sept": 9, "september": 9, "oct": 10, "october": 10, "nov": 11, "november": 11,
	"dec": 12, "december": 12,
}

// parseLooseDate reads the date forms ParseEndOfSupport lists.
func parseLooseDate(s string) (vigil.Date, bool) {
	if s == "" {
		return vigil.Date{}, false
	}
	// An ISO date with a time after it: keep the day.
	if len(s) > 10 && (s[10] == 'T' || s[10] == ' ') {
		if d, err := vigil.ParseDate(s[:10]); err == nil {
			return d, true
		}
	}
	if d, err := vigil.ParseDate(s); err == nil {
		return d, true
	}
	mk := func(y int, m time.Month, day int) (vigil.Date, bool) {
		if y < 1900 || y > 9999 || m < 1 || m > 12 || day < 1 {
			return vigil.Date{}, false
		}
		t := time.Date(y, m, day, 0, 0, 0, 0, time.UTC)
		if t.Day() != day || t.Month() != m {
			return vigil.Date{}, false
		}
		return vigil.DateOf(t), true
	}
	// Tokens of letters and digits; separators . / - , and space.
	var toks []string
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return strings.ContainsRune("./-, ", r) }) {
		toks = append(toks, strings.ToLower(f))
	}
	num := func(t string) (int, bool) {
		if t == "" || len(t) > 4 {
			return 0, false
		}
		n, err := strconv.Atoi(t)
		return n, err == nil
	}
	ordinal := func(t string) (int, bool) {
		for _, suf := range []string{"st", "nd", "rd", "th"} {
			t = strings.TrimSuffix(t, suf)
		}
		return num(t)
	}
	switch len(toks) {
	case 1:
		t := toks[0]
		if len(t) == 8 {
			y, e1 := strconv.Atoi(t[:4])
			m, e2 := strconv.Atoi(t[4:6])
			d, e3 := strconv.Atoi(t[6:])
			if e1 == nil && e2 == nil && e3 == nil {
				return mk(y, time.Month(m), d)
			}
		}
		if len(t) == 4 {
			if y, ok := num(t); ok {
				return mk(y, 1, 1)
			}
		}
	case 2:
		a, b := toks[0], toks[1]
		if m, ok := monthNames[a]; ok {
			if y, ok := num(b); ok && len(b) == 4 {
				return mk(y, m, 1)
			}
		}
		if y, ok := num(a); ok && len(a) == 4 {
			if m, ok := num(b); ok && len(b) <= 2 {
				return mk(y, time.Month(m), 1)
			}
		}
		if m, ok := num(a); ok && len(a) <= 2 {
			if y, ok := num(b); ok && len(b) == 4 {
				return mk(y, time.Month(m), 1)
			}
		}
	case 3:
		a, b, c := toks[0], toks[1], toks[2]
		// 31 Dec 2030, Dec 31 2030 (the comma is a separator).
		if m, ok := monthNames[b]; ok {
			d, ok1 := ordinal(a)
			y, ok2 := num(c)
			if ok1 && ok2 && len(c) == 4 {
				return mk(y, m, d)
			}
		}
		if m, ok := monthNames[a]; ok {
			d, ok1 := ordinal(b)
			y, ok2 := num(c)
			if ok1 && ok2 && len(c) == 4 {
				return mk(y, m, d)
			}
		}
		x, ok1 := num(a)
		y2, ok2 := num(b)
		z, ok3 := num(c)
		if !ok1 || !ok2 || !ok3 {
			return vigil.Date{}, false
		}
		if len(a) == 4 { // 2030/12/31, 2030.12.31
			return mk(x, time.Month(y2), z)
		}
		if len(c) != 4 {
			return vigil.Date{}, false
		}
		sep := s[len(a) : len(a)+1]
		switch {
		case sep == ".": // European D.M.YYYY
			return mk(z, time.Month(y2), x)
		case x > 12 && y2 <= 12: // D/M/YYYY
			return mk(z, time.Month(y2), x)
		case y2 > 12 && x <= 12: // M/D/YYYY
			return mk(z, time.Month(x), y2)
		case x == y2: // 05/05/2030 reads the same both ways
			return mk(z, time.Month(x), x)
		}
	}
	return vigil.Date{}, false
}

// fdaInput gathers what one component's document says about its FDA
// fields, under whatever names, before fdaApply maps it.
type fdaInput struct {
	level, levelWhere string
	levelText         string
	eos, eosWhere     string
	eosText           string
}

// take records a name/value pair when its name is an FDA field; it
// reports whether it did. The first value for a field wins; the sources
// vigil writes in exports are recomputed, so they are dropped.
func (f *fdaInput) take(name, value, where string) bool {
	value = strings.Join(strings.Fields(value), " ")
	switch fdaKindOf(name) {
	case fdaLevel:
		if f.level == "" {
			f.level, f.levelWhere = value, where
		}
	case fdaLevelText:
		if f.levelText == "" {
			f.levelText = value
		}
	case fdaEOS:
		if f.eos == "" {
			f.eos, f.eosWhere = value, where
		}
	case fdaEOSText:
		if f.eosText == "" {
			f.eosText = value
		}
	case fdaLevelSource, fdaEOSSource:
	default:
		return false
	}
	return true
}

// fdaApply maps what f gathered onto c: the support level and the end of
// support date, and the original words as PropSupportLevelText and
// PropEndOfSupportText at the front of c's properties. A value it cannot
// map is a warning (the text is kept, the field stays empty), or under
// Strict an error.
func (s *state) fdaApply(c *vigil.Component, f *fdaInput, path string) error {
	var props []vigil.Property
	levelText := f.levelText
	if levelText == "" {
		levelText = f.level
	}
	raw, where := f.level, f.levelWhere
	if raw == "" {
		raw, where = f.levelText, path
	}
	if raw != "" {
		if l, ok := MapSupportLevel(raw); ok {
			c.SupportLevel = l
		} else if err := s.problem(where, fmt.Sprintf("support level %q is not one vigil can map onto %v; the text is kept, the level left empty", raw, vigil.SupportLevels)); err != nil {
			return err
		}
	}
	if levelText != "" {
		props = append(props, vigil.Property{Name: PropSupportLevelText, Value: levelText})
	}
	eosText := f.eosText
	if eosText == "" {
		eosText = f.eos
	}
	raw, where = f.eos, f.eosWhere
	if raw == "" {
		raw, where = f.eosText, path
	}
	if raw != "" {
		d, _, ok := ParseEndOfSupport(raw)
		if ok {
			c.EndOfSupport = d
		} else if err := s.problem(where, fmt.Sprintf("end of support %q is neither a date vigil reads nor a known statement; the text is kept, the date left empty", raw)); err != nil {
			return err
		}
	}
	if eosText != "" {
		props = append(props, vigil.Property{Name: PropEndOfSupportText, Value: eosText})
	}
	if len(props) > 0 {
		c.Properties = append(props, c.Properties...)
	}
	return nil
}

// problem is a per-component problem the parser tolerates: a warning, or
// under Strict an error at path.
func (s *state) problem(path, msg string) error {
	if s.strict {
		return &Error{Path: path, Offset: -1, Msg: msg}
	}
	s.warn("%s: %s", path, msg)
	return nil
}

// propValue returns the value of c's first property named name.
func propValue(c *vigil.Component, name string) string {
	for _, p := range c.Properties {
		if p.Name == name {
			return p.Value
		}
	}
	return ""
}

// EndOfSupportStated reports whether c's SBOM or addendum states its end
// of support: a date, or a statement ParseEndOfSupport recognises ("Until
// hardware support ends").
func EndOfSupportStated(c *vigil.Component) bool {
	if !c.EndOfSupport.IsZero() {
		return true
	}
	_, _, ok := ParseEndOfSupport(propValue(c, PropEndOfSupportText))
	return ok
}

// fdaProperties are the FDA fields as name/value pairs for an export: one
// value per field, the SBOM's own words beside it when they differ from
// the token written, and where the value came from. A value that differs
// from what the SBOM's words map to was set by a support addendum; the
// SBOM's words are then left out, so the export never says two things.
func fdaProperties(c *vigil.Component) []vigil.Property {
	var p []vigil.Property
	levelText := propValue(c, PropSupportLevelText)
	switch {
	case c.SupportLevel != "":
		p = append(p, vigil.Property{Name: PropSupportLevel, Value: string(c.SupportLevel)})
		src := SourceAddendum
		if l, ok := MapSupportLevel(levelText); ok && l == c.SupportLevel {
			src = SourceSBOM
			if levelText != string(c.SupportLevel) {
				p = append(p, vigil.Property{Name: PropSupportLevelText, Value: levelText})
			}
		}
		p = append(p, vigil.Property{Name: PropSupportLevelSource, Value: src})
	case levelText != "":
		p = append(p, vigil.Property{Name: PropSupportLevelText, Value: levelText},
			vigil.Property{Name: PropSupportLevelSource, Value: SourceSBOM})
	}
	eosText := propValue(c, PropEndOfSupportText)
	switch {
	case !c.EndOfSupport.IsZero():
		p = append(p, vigil.Property{Name: PropEndOfSupport, Value: c.EndOfSupport.String()})
		src := SourceAddendum
		if d, _, ok := ParseEndOfSupport(eosText); ok && d == c.EndOfSupport {
			src = SourceSBOM
			if eosText != c.EndOfSupport.String() {
				p = append(p, vigil.Property{Name: PropEndOfSupportText, Value: eosText})
			}
		}
		p = append(p, vigil.Property{Name: PropEndOfSupportSource, Value: src})
	case eosText != "":
		p = append(p, vigil.Property{Name: PropEndOfSupportText, Value: eosText},
			vigil.Property{Name: PropEndOfSupportSource, Value: SourceSBOM})
	}
	return p
}

// exportedProperty reports whether a component property is written as it
// is; the FDA text properties are written by fdaProperties instead.
func exportedProperty(p vigil.Property) bool {
	return p.Name != PropSupportLevelText && p.Name != PropEndOfSupportText
}

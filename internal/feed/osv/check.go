package osv

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// This file checks a record against the constraints of the OSV JSON schema
// 1.7 (ossf/osv-schema validation/schema.json) in plain Go, so that the
// product ships no copy of the schema and the check costs a walk over the
// decoded record rather than a schema engine's. The tests hold it to the
// published schema: the same verdict and the same failing location on the
// real records, on mutations of them and under fuzzing.
//
// The rules follow the schema's JSON Schema semantics exactly, quirks
// included, because a record the schema accepts must be accepted here and
// the reverse:
//   - "pattern" is a search, not a whole-string match: a timestamp only has
//     to contain one ("format": "date-time" and "uri" are annotations in
//     draft 2020-12, not assertions);
//   - an "if" on a property that is absent holds, so a range without "type"
//     is held to the GIT rules and a severity without "type" to every
//     scoring rule;
//   - an event is valid when exactly one of its four keys holds a string
//     ({"introduced": 0, "fixed": "1"} is a fixed event);
//   - "contains" and "required" hold vacuously for a value that is not an
//     object.

// fault is why a record fails the checks: the deepest failing location
// (a JSON path suffix such as ".affected[0].ranges[1].events[0]", "" for
// the record itself) and the reason there.
type fault struct {
	Path   string
	Reason string
	// IDOnly is set when the only fault is an id whose prefix is not in the
	// schema's list of home databases: OSV adds databases more often than
	// it publishes a schema, so such a record is kept with a warning.
	IDOnly bool
}

// checkJSON checks one OSV record given as JSON; nil means it passes.
func checkJSON(raw []byte) *fault {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber() // a number too large for a float64 is still a number
	var doc any
	if err := dec.Decode(&doc); err != nil {
		return &fault{Reason: "decode: " + err.Error()}
	}
	return check(doc)
}

// check checks one OSV record decoded by encoding/json (numbers as
// float64 or json.Number); nil means it passes.
func check(doc any) *fault {
	var c checker
	c.record(doc)
	if len(c.problems) == 0 {
		return nil
	}
	// Report the deepest problem (the longest JSON pointer, the last of
	// equals), which names the value to fix rather than a container of it.
	best := c.problems[0]
	for _, p := range c.problems[1:] {
		if len(p.ptr) >= len(best.ptr) {
			best = p
		}
	}
	return &fault{
		Path:   pointerToPath(best.ptr),
		Reason: best.reason,
		IDOnly: len(c.problems) == 1 && best.idPrefix,
	}
}

// problem is one broken constraint: a JSON pointer into the record and why.
type problem struct {
	ptr      string
	reason   string
	idPrefix bool
}

type checker struct {
	problems []problem
}

// loc is a location in the record, built on the stack while walking and
// rendered as a JSON pointer only when a problem is found there.
type loc struct {
	up  *loc
	key string
	idx int // the array index when key is ""
}

func (l *loc) child(k string) loc { return loc{up: l, key: k} }
func (l *loc) index(i int) loc    { return loc{up: l, idx: i} }

func (l *loc) pointer() string {
	if l == nil || l.up == nil {
		return ""
	}
	tok := l.key
	if tok == "" {
		tok = strconv.Itoa(l.idx)
	} else {
		tok = strings.ReplaceAll(strings.ReplaceAll(tok, "~", "~0"), "/", "~1")
	}
	return l.up.pointer() + "/" + tok
}

func (c *checker) add(l *loc, format string, args ...any) {
	c.problems = append(c.problems, problem{ptr: l.pointer(), reason: fmt.Sprintf(format, args...)})
}

// typeName names v's JSON type as JSON Schema does.
func typeName(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "boolean"
	case string:
		return "string"
	case json.Number, float64:
		return "number"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	}
	return fmt.Sprintf("%T", v)
}

func (c *checker) wrongType(l *loc, v any, want string) {
	c.add(l, "got %s, want %s", typeName(v), want)
}

// object returns v as an object, or reports that it is not one.
func (c *checker) object(l *loc, v any) (map[string]any, bool) {
	m, ok := v.(map[string]any)
	if !ok {
		c.wrongType(l, v, "object")
	}
	return m, ok
}

// array returns v as an array (nil for a null where nullable allows one),
// or reports that it is not one.
func (c *checker) array(l *loc, v any, nullable bool) ([]any, bool) {
	switch a := v.(type) {
	case []any:
		return a, true
	case nil:
		if nullable {
			return nil, true
		}
		c.wrongType(l, v, "array")
	default:
		if nullable {
			c.wrongType(l, v, "array or null")
		} else {
			c.wrongType(l, v, "array")
		}
	}
	return nil, false
}

// str returns v as a string, or reports that it is not one.
func (c *checker) str(l *loc, v any) (string, bool) {
	s, ok := v.(string)
	if !ok {
		c.wrongType(l, v, "string")
	}
	return s, ok
}

// each checks that v is an array (or null, where nullable) and each of
// its elements with check, at the element's own location.
func (c *checker) each(l *loc, v any, nullable bool, check func(*loc, any)) {
	a, _ := c.array(l, v, nullable)
	for i, e := range a {
		el := l.index(i)
		check(&el, e)
	}
}

// stringArray checks an array of strings.
func (c *checker) stringArray(l *loc, v any, nullable bool) {
	c.each(l, v, nullable, func(l *loc, v any) { c.str(l, v) })
}

// required reports the keys of names that obj lacks, in one problem.
func (c *checker) required(l *loc, obj map[string]any, names ...string) {
	var missing []string
	for _, n := range names {
		if _, ok := obj[n]; !ok {
			missing = append(missing, strconv.Quote(n))
		}
	}
	switch len(missing) {
	case 0:
	case 1:
		c.add(l, "missing property %s", missing[0])
	default:
		c.add(l, "missing properties %s", strings.Join(missing, ", "))
	}
}

// enum checks that v is one of the strings of values.
func (c *checker) enum(l *loc, v any, values []string) {
	s, ok := c.str(l, v)
	if ok && !slices.Contains(values, s) {
		c.add(l, "%q is not one of %s", s, quoteAll(values))
	}
}

func quoteAll(values []string) string {
	q := make([]string, len(values))
	for i, v := range values {
		q[i] = strconv.Quote(v)
	}
	return strings.Join(q, ", ")
}

// topKeys are the record's properties, in the order they are checked (a
// map's order would make the reported problem vary between runs); any
// other key is refused ("additionalProperties": false).
var topKeys = []string{
	"schema_version", "id", "modified", "published", "withdrawn", "aliases", "related", "upstream",
	"summary", "details", "severity", "affected", "references", "credits", "database_specific",
}

func (c *checker) record(v any) {
	var root loc
	obj, ok := c.object(&root, v)
	if !ok {
		return
	}
	c.required(&root, obj, "id", "modified")
	for _, k := range topKeys {
		val, ok := obj[k]
		if !ok {
			continue
		}
		l := root.child(k)
		switch k {
		case "id":
			c.id(&l, val)
		case "modified", "published", "withdrawn":
			c.timestamp(&l, val)
		case "schema_version", "summary", "details":
			c.str(&l, val)
		case "aliases":
			c.stringArray(&l, val, true)
		case "related", "upstream":
			c.stringArray(&l, val, false)
		case "severity":
			c.severities(&l, val)
		case "affected":
			c.each(&l, val, true, c.affected)
		case "references":
			c.each(&l, val, true, c.reference)
		case "credits":
			c.each(&l, val, false, c.credit)
		case "database_specific":
			c.object(&l, val)
		}
	}
	var extra []string
	for k := range obj {
		if !slices.Contains(topKeys, k) {
			extra = append(extra, strconv.Quote(k))
		}
	}
	if len(extra) > 0 {
		slices.Sort(extra)
		c.add(&root, "additional properties %s not allowed", strings.Join(extra, ", "))
	}
	// A record with a top-level severity gives none per package (the
	// schema's top-level allOf): "severity" present, even null, is enough.
	if _, ok := obj["severity"]; ok {
		affected, _ := obj["affected"].([]any)
		for i, e := range affected {
			a, _ := e.(map[string]any)
			if s, ok := a["severity"]; ok && s != nil {
				l := root.child("affected")
				li := l.index(i)
				ls := li.child("severity")
				c.add(&ls, "got %s, want null: the record has a top-level severity, so its packages may not have one", typeName(s))
			}
		}
	}
}

// idPrefixes are the home databases whose ids the schema accepts, each
// followed by "-" ("x_" starts a private id).
var idPrefixes = []string{
	"ASB-A", "PUB-A", "ALPINE", "ALSA", "ALBA", "ALEA", "AZL", "BELL", "BIT", "CGA", "CLEANSTART",
	"CLSA", "CURL", "CVE", "DEBIAN", "DHI", "DRUPAL", "DSA", "DLA", "ELA", "DTSA", "ECHO", "EEF",
	"FreeBSD", "GHSA", "GO", "GSD", "HSEC", "JLSEC", "KUBE", "LBSEC", "LSN", "MAL", "MINI", "MGASA",
	"OESA", "OSEC", "OSV", "openSUSE-SU", "PHSA", "PSF", "PYSEC", "RHBA", "RHEA", "RHSA", "RLSA",
	"RXSA", "RSEC", "ROOT", "RUSTSEC", "SUSE-SU", "SUSE-RU", "SUSE-FU", "SUSE-OU", "UBUNTU", "USN", "V8",
}

func (c *checker) id(l *loc, v any) {
	s, ok := c.str(l, v)
	if !ok || strings.HasPrefix(s, "x_") {
		return
	}
	for _, p := range idPrefixes {
		if len(s) > len(p) && s[len(p)] == '-' && s[:len(p)] == p {
			return
		}
	}
	c.problems = append(c.problems, problem{
		ptr:      l.pointer(),
		reason:   fmt.Sprintf("id %q does not start with a known home database prefix (such as GHSA-, CVE-, x_)", s),
		idPrefix: true,
	})
}

// timestamp checks an RFC 3339 UTC time as the schema's pattern does: the
// string must contain YYYY-MM-DDTHH:MM:SS, optional fractional seconds,
// then Z.
func (c *checker) timestamp(l *loc, v any) {
	s, ok := c.str(l, v)
	if ok && !containsTimestamp(s) {
		c.add(l, "%q is not a UTC timestamp like 2024-01-02T03:04:05Z", s)
	}
}

func containsTimestamp(s string) bool {
	const shape = "dddd-dd-ddTdd:dd:dd"
	for i := 0; i+len(shape) < len(s); i++ {
		j := 0
		for ; j < len(shape); j++ {
			b := s[i+j]
			if shape[j] == 'd' {
				if b < '0' || b > '9' {
					break
				}
			} else if b != shape[j] {
				break
			}
		}
		if j < len(shape) {
			continue
		}
		k := i + len(shape)
		if s[k] == 'Z' {
			return true
		}
		if s[k] != '.' {
			continue
		}
		k++
		n := 0
		for k < len(s) && s[k] >= '0' && s[k] <= '9' {
			k++
			n++
		}
		if n > 0 && k < len(s) && s[k] == 'Z' {
			return true
		}
	}
	return false
}

var severityTypes = []string{"CVSS_V2", "CVSS_V3", "CVSS_V4", "Ubuntu"}

var ubuntuPriorities = []string{"negligible", "low", "medium", "high", "critical"}

func (c *checker) severities(l *loc, v any) { c.each(l, v, true, c.severity) }

func (c *checker) severity(l *loc, v any) {
	obj, ok := c.object(l, v)
	if !ok {
		return
	}
	c.required(l, obj, "type", "score")
	t, hasType := obj["type"]
	if hasType {
		lt := l.child("type")
		c.enum(&lt, t, severityTypes)
	}
	score, hasScore := obj["score"]
	if !hasScore {
		return
	}
	ls := l.child("score")
	s, isString := c.str(&ls, score)
	// Each scoring rule is an "if type is X": it holds for type X and,
	// vacuously, when type is absent.
	for _, rule := range severityTypes {
		if hasType && t != rule {
			continue
		}
		switch rule {
		case "Ubuntu":
			if !isString || !slices.Contains(ubuntuPriorities, s) {
				c.add(&ls, "an Ubuntu score is one of %s", quoteAll(ubuntuPriorities))
			}
		default:
			if isString && !validVector(rule, s) {
				c.add(&ls, "%q is not a %s vector", s, rule)
			}
		}
	}
}

// ecosystems are the ecosystem names the schema accepts before an
// optional ":suffix" (its ecosystemWithSuffix pattern, which adds GIT to
// the list of ecosystems).
var ecosystems = map[string]bool{
	"AlmaLinux": true, "Alpaquita": true, "Alpine": true, "Android": true, "Azure Linux": true,
	"BellSoft Hardened Containers": true, "Bioconductor": true, "Bitnami": true, "Chainguard": true,
	"CleanStart": true, "ConanCenter": true, "CRAN": true, "crates.io": true, "Debian": true,
	"Docker Hardened Images": true, "Echo": true, "FreeBSD": true, "GHC": true, "GitHub Actions": true,
	"Go": true, "Hackage": true, "Hex": true, "Julia": true, "Kubernetes": true, "Linux": true,
	"Mageia": true, "Maven": true, "MinimOS": true, "npm": true, "NuGet": true, "opam": true,
	"openEuler": true, "openSUSE": true, "OSS-Fuzz": true, "Packagist": true, "Photon OS": true,
	"Pub": true, "PyPI": true, "Red Hat": true, "Rocky Linux": true, "Root": true, "RubyGems": true,
	"SUSE": true, "SwiftURL": true, "TuxCare": true, "Ubuntu": true, "VSCode": true, "Wolfi": true,
	"GIT": true,
}

// validEcosystem reports whether s is a known ecosystem, alone or followed
// by ":" and a suffix of at least one character without a line feed (the
// pattern's ":.+").
func validEcosystem(s string) bool {
	name, suffix, hasSuffix := strings.Cut(s, ":")
	if hasSuffix && (suffix == "" || strings.Contains(suffix, "\n")) {
		return false
	}
	return ecosystems[name]
}

// affectedKeys are the properties of an affected package that the schema
// constrains, in the order they are checked.
var affectedKeys = []string{"package", "severity", "ranges", "versions", "ecosystem_specific", "database_specific"}

func (c *checker) affected(l *loc, v any) {
	obj, ok := c.object(l, v)
	if !ok {
		return
	}
	for _, k := range affectedKeys {
		val, ok := obj[k]
		if !ok {
			continue
		}
		lk := l.child(k)
		switch k {
		case "package":
			c.pkg(&lk, val)
		case "severity":
			c.severities(&lk, val)
		case "ranges":
			c.each(&lk, val, false, c.rangeObj)
		case "versions":
			c.stringArray(&lk, val, false)
		case "ecosystem_specific", "database_specific":
			c.object(&lk, val)
		}
	}
}

func (c *checker) pkg(l *loc, v any) {
	obj, ok := c.object(l, v)
	if !ok {
		return
	}
	c.required(l, obj, "ecosystem", "name")
	if e, ok := obj["ecosystem"]; ok {
		le := l.child("ecosystem")
		if s, ok := c.str(&le, e); ok && !validEcosystem(s) {
			c.add(&le, "%q is not a known OSV ecosystem (optionally followed by :suffix)", s)
		}
	}
	for _, k := range [...]string{"name", "purl"} {
		if s, ok := obj[k]; ok {
			lk := l.child(k)
			c.str(&lk, s)
		}
	}
}

var rangeTypes = []string{"GIT", "SEMVER", "ECOSYSTEM"}

// eventKinds are the keys of an event object, one per event.
var eventKinds = [...]string{"introduced", "fixed", "last_affected", "limit"}

func (c *checker) rangeObj(l *loc, v any) {
	obj, ok := c.object(l, v)
	if !ok {
		return
	}
	c.required(l, obj, "type", "events")
	t, hasType := obj["type"]
	if hasType {
		lt := l.child("type")
		c.enum(&lt, t, rangeTypes)
	}
	if r, ok := obj["repo"]; ok {
		lr := l.child("repo")
		c.str(&lr, r)
	}
	if d, ok := obj["database_specific"]; ok {
		ld := l.child("database_specific")
		c.object(&ld, d)
	}
	// The GIT rules are an "if type is GIT", which a range without a type
	// meets too.
	git := !hasType || t == "GIT"
	if _, ok := obj["repo"]; git && !ok {
		c.add(l, "missing property \"repo\": a GIT range names its repository")
	}
	ev, ok := obj["events"]
	if !ok {
		return
	}
	le := l.child("events")
	events, ok := c.array(&le, ev, false)
	if !ok {
		return
	}
	if len(events) == 0 {
		c.add(&le, "a range needs at least one event, an introduced one")
	}
	// "contains" an object with "introduced": a value that is not an
	// object counts (it fails on its own below), as it does for
	// last_affected and fixed.
	var introduced, lastAffected, fixed bool
	for _, e := range events {
		m, isObj := e.(map[string]any)
		_, i := m["introduced"]
		_, la := m["last_affected"]
		_, f := m["fixed"]
		introduced = introduced || !isObj || i
		lastAffected = lastAffected || !isObj || la
		fixed = fixed || !isObj || f
	}
	for i, e := range events {
		ei := le.index(i)
		if !introduced {
			c.add(&ei, "the range has no introduced event")
		}
		c.event(&ei, e, git)
	}
	if lastAffected && fixed {
		c.add(l, "last_affected and fixed events are mutually exclusive in a range")
	}
}

// event checks one event object: exactly one of its four keys holds a
// string and, in a GIT range, exactly one holds a full commit hash (or 0).
func (c *checker) event(l *loc, v any, git bool) {
	obj, ok := c.object(l, v)
	if !ok {
		return
	}
	c.oneEvent(l, obj, false)
	if git {
		c.oneEvent(l, obj, true)
	}
}

func (c *checker) oneEvent(l *loc, obj map[string]any, git bool) {
	var held []string
	for _, k := range eventKinds {
		if s, ok := obj[k].(string); ok && (!git || gitHash(s)) {
			held = append(held, k)
		}
	}
	switch {
	case len(held) == 1:
		return
	case len(held) > 1:
		c.add(l, "an event holds exactly one of introduced, fixed, last_affected, limit; this one holds %s", strings.Join(held, " and "))
		return
	}
	present := false
	for _, k := range eventKinds {
		val, ok := obj[k]
		if !ok {
			continue
		}
		present = true
		lk := l.child(k)
		s, ok := c.str(&lk, val)
		if ok && git {
			c.add(&lk, "%q is not a full-length commit hash (40 or 64 lower-case hex digits) or 0, as a GIT range needs", s)
		}
	}
	if !present {
		c.add(l, "an event holds one of introduced, fixed, last_affected, limit")
	}
}

// gitHash matches the schema's ^(0|[a-f0-9]{40}|[a-f0-9]{64})$.
func gitHash(s string) bool {
	if s == "0" {
		return true
	}
	if len(s) != 40 && len(s) != 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if b := s[i]; (b < '0' || b > '9') && (b < 'a' || b > 'f') {
			return false
		}
	}
	return true
}

var referenceTypes = []string{"ADVISORY", "ARTICLE", "DETECTION", "DISCUSSION", "REPORT", "FIX", "INTRODUCED", "GIT", "PACKAGE", "EVIDENCE", "WEB"}

func (c *checker) reference(l *loc, v any) {
	obj, ok := c.object(l, v)
	if !ok {
		return
	}
	c.required(l, obj, "type", "url")
	if t, ok := obj["type"]; ok {
		lt := l.child("type")
		c.enum(&lt, t, referenceTypes)
	}
	if u, ok := obj["url"]; ok {
		lu := l.child("url")
		c.str(&lu, u)
	}
}

var creditTypes = []string{"FINDER", "REPORTER", "ANALYST", "COORDINATOR", "REMEDIATION_DEVELOPER", "REMEDIATION_REVIEWER", "REMEDIATION_VERIFIER", "TOOL", "SPONSOR", "OTHER"}

func (c *checker) credit(l *loc, v any) {
	obj, ok := c.object(l, v)
	if !ok {
		return
	}
	c.required(l, obj, "name")
	if n, ok := obj["name"]; ok {
		ln := l.child("name")
		c.str(&ln, n)
	}
	if ct, ok := obj["contact"]; ok {
		lc := l.child("contact")
		c.stringArray(&lc, ct, false)
	}
	if t, ok := obj["type"]; ok {
		lt := l.child("type")
		c.enum(&lt, t, creditTypes)
	}
}

// validVector matches a score against the schema's pattern for its type:
// CVSS v2 and v3 vectors are "/"-separated metrics from a set, in any
// order and repeatable (v3 after a "CVSS:3.0/" or "CVSS:3.1/" prefix);
// a CVSS v4 vector has its base metrics in order, then optional ones in
// order, each at most once.
func validVector(kind, s string) bool {
	switch kind {
	case "CVSS_V2":
		return metricList(s, cvss2Metrics)
	case "CVSS_V3":
		rest, ok := strings.CutPrefix(s, "CVSS:3.0/")
		if !ok {
			rest, ok = strings.CutPrefix(s, "CVSS:3.1/")
		}
		return ok && metricList(rest, cvss3Metrics)
	case "CVSS_V4":
		return cvss4(s)
	}
	return false
}

// metricList reports whether s is one or more metrics separated by "/",
// each "NAME:VALUE" with VALUE among the name's values.
func metricList(s string, metrics map[string][]string) bool {
	for {
		tok, rest, more := strings.Cut(s, "/")
		name, value, ok := strings.Cut(tok, ":")
		if !ok || !slices.Contains(metrics[name], value) {
			return false
		}
		if !more {
			return true
		}
		s = rest
	}
}

var cvss2Metrics = map[string][]string{
	"AV": {"N", "A", "L"}, "AC": {"L", "M", "H"}, "Au": {"M", "S", "N"},
	"C": {"N", "P", "C"}, "I": {"N", "P", "C"}, "A": {"N", "P", "C"},
	"E": {"U", "POC", "F", "H", "ND"}, "RL": {"OF", "TF", "W", "U", "ND"}, "RC": {"UC", "UR", "C", "ND"},
	"CDP": {"N", "L", "LM", "MH", "H", "ND"}, "TD": {"N", "L", "M", "H", "ND"},
	"CR": {"L", "M", "H", "ND"}, "IR": {"L", "M", "H", "ND"}, "AR": {"L", "M", "H", "ND"},
}

var cvss3Metrics = map[string][]string{
	"AV": {"N", "A", "L", "P"}, "AC": {"L", "H"}, "PR": {"N", "L", "H"}, "UI": {"N", "R"}, "S": {"U", "C"},
	"C": {"N", "L", "H"}, "I": {"N", "L", "H"}, "A": {"N", "L", "H"},
	"E": {"X", "U", "P", "F", "H"}, "RL": {"X", "O", "T", "W", "U"}, "RC": {"X", "U", "R", "C"},
	"CR": {"X", "L", "M", "H"}, "IR": {"X", "L", "M", "H"}, "AR": {"X", "L", "M", "H"},
	"MAV": {"X", "N", "A", "L", "P"}, "MAC": {"X", "L", "H"}, "MPR": {"X", "N", "L", "H"}, "MUI": {"X", "N", "R"},
	"MS": {"X", "U", "C"}, "MC": {"X", "N", "L", "H"}, "MI": {"X", "N", "L", "H"}, "MA": {"X", "N", "L", "H"},
}

type metric struct {
	name   string
	values []string
}

// cvss4Base are the metrics every CVSS v4 vector has, in order;
// cvss4Optional those it may add after them, in order.
var (
	cvss4Base = []metric{
		{"AV", []string{"N", "A", "L", "P"}}, {"AC", []string{"L", "H"}}, {"AT", []string{"N", "P"}},
		{"PR", []string{"N", "L", "H"}}, {"UI", []string{"N", "P", "A"}},
		{"VC", []string{"H", "L", "N"}}, {"VI", []string{"H", "L", "N"}}, {"VA", []string{"H", "L", "N"}},
		{"SC", []string{"H", "L", "N"}}, {"SI", []string{"H", "L", "N"}}, {"SA", []string{"H", "L", "N"}},
	}
	cvss4Optional = []metric{
		{"E", []string{"X", "A", "P", "U"}}, {"CR", []string{"X", "H", "M", "L"}},
		{"IR", []string{"X", "H", "M", "L"}}, {"AR", []string{"X", "H", "M", "L"}},
		{"MAV", []string{"X", "N", "A", "L", "P"}}, {"MAC", []string{"X", "L", "H"}},
		{"MAT", []string{"X", "N", "P"}}, {"MPR", []string{"X", "N", "L", "H"}},
		{"MUI", []string{"X", "N", "P", "A"}}, {"MVC", []string{"X", "N", "L", "H"}},
		{"MVI", []string{"X", "N", "L", "H"}}, {"MVA", []string{"X", "N", "L", "H"}},
		{"MSC", []string{"X", "N", "L", "H"}}, {"MSI", []string{"X", "N", "L", "H", "S"}},
		{"MSA", []string{"X", "N", "L", "H", "S"}}, {"S", []string{"X", "N", "P"}},
		{"AU", []string{"X", "N", "Y"}}, {"R", []string{"X", "A", "U", "I"}},
		{"V", []string{"X", "D", "C"}}, {"RE", []string{"X", "L", "M", "H"}},
		{"U", []string{"X", "Clear", "Green", "Amber", "Red"}},
	}
)

func cvss4(s string) bool {
	s, ok := strings.CutPrefix(s, "CVSS:4.0")
	if !ok {
		return false
	}
	next := func() (name, value string, ok bool) {
		if s == "" || s[0] != '/' {
			return "", "", false
		}
		tok, _, _ := strings.Cut(s[1:], "/")
		s = s[1+len(tok):]
		return strings.Cut(tok, ":")
	}
	for _, m := range cvss4Base {
		name, value, ok := next()
		if !ok || name != m.name || !slices.Contains(m.values, value) {
			return false
		}
	}
	opt := cvss4Optional
	for s != "" {
		name, value, ok := next()
		if !ok {
			return false
		}
		i := slices.IndexFunc(opt, func(m metric) bool { return m.name == name })
		if i < 0 || !slices.Contains(opt[i].values, value) {
			return false
		}
		opt = opt[i+1:]
	}
	return true
}

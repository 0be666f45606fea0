package purlrange

import (
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/google/osv-scalibr/semantic"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/match"
)

// parse reads a version in the order a range type and ecosystem give:
// SemVer 2.0 for SEMVER ranges, the ecosystem's own otherwise.
func parse(eco vigil.Ecosystem, t vigil.RangeType, s string) (semantic.Version, error) {
	if t == vigil.RangeSemVer {
		return semantic.ParseSemverVersion(s), nil
	}
	return semantic.Parse(s, string(eco.Base()))
}

// pv is a parsed version and the id the SBOM's versionCache gave it (0:
// not cached), by which comparisons are remembered.
type pv struct {
	v  semantic.Version
	id uint32
	// memo: comparisons with another memo version are remembered; only
	// for orders whose Compare re-reads the strings each time.
	memo bool
}

// costlyCompare reports whether v's Compare re-reads both versions' strings
// (Debian and Ubuntu, Maven, RPM), so that remembering its outcomes pays.
func costlyCompare(v semantic.Version) bool {
	switch v.(type) {
	case semantic.DebianVersion, semantic.MavenVersion, semantic.RedHatVersion:
		return true
	}
	return false
}

// versionCache remembers, for one SBOM's matching, parse's results and the
// comparisons made between them: the records of a popular package name the
// same few versions over and over, and some ecosystems' comparisons
// (Debian, Maven) re-read both strings each time. Parsed versions are
// values that never change, so sharing them is safe.
type versionCache struct {
	mu  sync.Mutex
	m   map[versionKey]parsed
	cmp map[[2]uint32]int8
}

type versionKey struct {
	eco    vigil.Ecosystem // base ecosystem; "" for SemVer
	semver bool
	s      string
}

type parsed struct {
	v   pv
	err error
}

// maxCachedVersions and maxCachedComparisons bound the cache; past them,
// versions are parsed and compared anew.
const (
	maxCachedVersions    = 1 << 20
	maxCachedComparisons = 1 << 22
)

// versions returns the SBOM's cache.
func versions(sbom *match.SBOM) *versionCache {
	return match.Shared(sbom, Name+"/versions", func() *versionCache {
		return &versionCache{m: map[versionKey]parsed{}, cmp: map[[2]uint32]int8{}}
	})
}

// parse is parse, remembered. A nil cache parses every time.
func (c *versionCache) parse(eco vigil.Ecosystem, t vigil.RangeType, s string) (pv, error) {
	if c == nil {
		v, err := parse(eco, t, s)
		return pv{v: v}, err
	}
	k := versionKey{eco: eco.Base(), semver: t == vigil.RangeSemVer, s: s}
	if k.semver {
		k.eco = ""
	}
	c.mu.Lock()
	p, ok := c.m[k]
	c.mu.Unlock()
	if ok {
		return p.v, p.err
	}
	v, err := parse(eco, t, s)
	c.mu.Lock()
	defer c.mu.Unlock()
	if p, ok := c.m[k]; ok { // parsed meanwhile by another goroutine
		return p.v, p.err
	}
	p = parsed{v: pv{v: v}, err: err}
	if len(c.m) < maxCachedVersions {
		p.v.id = uint32(len(c.m) + 1)
		p.v.memo = err == nil && costlyCompare(v)
		c.m[k] = p
	}
	return p.v, p.err
}

// compare orders a and b, which parse gave for the same ecosystem and
// range type, so Compare cannot fail; remembered when both are memo
// versions.
func (c *versionCache) compare(a, b pv) int {
	if a.id != 0 && a.id == b.id {
		return 0
	}
	if c == nil || !a.memo || !b.memo {
		return compare(a.v, b.v)
	}
	k := [2]uint32{a.id, b.id}
	c.mu.Lock()
	r, ok := c.cmp[k]
	c.mu.Unlock()
	if ok {
		return int(r)
	}
	r = int8(compare(a.v, b.v))
	c.mu.Lock()
	if len(c.cmp) < maxCachedComparisons {
		c.cmp[k] = r
	}
	c.mu.Unlock()
	return int(r)
}

// knownOrder reports whether scalibr's semantic package knows the (base)
// ecosystem's version order; TestKnownOrder keeps the list in step with
// semantic.Parse.
func knownOrder(eco vigil.Ecosystem) bool {
	switch eco.Base() {
	case "AlmaLinux", "Alpaquita", "Alpine", "BellSoft Hardened Containers", "Bitnami", "Bioconductor",
		"Chainguard", "ConanCenter", "CRAN", "crates.io", "Debian", "Docker Hardened Images", "GHC", "Go",
		"Hackage", "Hex", "Julia", "Mageia", "Maven", "MinimOS", "npm", "NuGet", "openEuler", "openSUSE",
		"Packagist", "Pub", "PyPI", "Red Hat", "Rocky Linux", "RubyGems", "SUSE", "SwiftURL", "Ubuntu", "Wolfi":
		return true
	}
	return false
}

// compare orders a and b, which parse gave for the same ecosystem and
// range type, so Compare cannot fail.
func compare(a, b semantic.Version) int {
	c, _ := a.Compare(b)
	return c
}

// event is a range event with its version parsed; zero marks
// "introduced: 0", before every version.
type event struct {
	kind vigil.EventKind
	v    pv
	zero bool
}

// evaluable is a SEMVER or ECOSYSTEM range with its events parsed and
// sorted by version.
type evaluable struct {
	vc     *versionCache
	events []event
	limits []pv
}

// prepare parses and sorts a range's events. The error names the event
// whose version does not parse.
func prepare(vc *versionCache, eco vigil.Ecosystem, r vigil.Range) (*evaluable, error) {
	ev := &evaluable{vc: vc}
	for i, e := range r.Events {
		switch {
		case e.Kind == vigil.Introduced && e.Version == "0":
			ev.events = append(ev.events, event{kind: e.Kind, zero: true})
			continue
		case e.Kind == vigil.Limit && e.Version == "*":
			continue // no limit
		case !e.Kind.Valid():
			return nil, fmt.Errorf("events[%d]: unknown kind %q", i, e.Kind)
		}
		v, err := vc.parse(eco, r.Type, e.Version)
		if err != nil {
			return nil, fmt.Errorf("events[%d]: %s %q: %w", i, e.Kind, e.Version, err)
		}
		if e.Kind == vigil.Limit {
			ev.limits = append(ev.limits, v)
			continue
		}
		ev.events = append(ev.events, event{kind: e.Kind, v: v})
	}
	slices.SortStableFunc(ev.events, func(a, b event) int {
		switch {
		case a.zero && b.zero:
			return 0
		case a.zero:
			return -1
		case b.zero:
			return 1
		}
		return vc.compare(a.v, b.v)
	})
	return ev, nil
}

// affects evaluates the range for v as the OSV schema does: sweep the
// events in version order; an introduced at or below v opens, a fixed at
// or below v closes, a last_affected below v closes. Limits, when given,
// bound the range: v must lie below one of them.
func (ev *evaluable) affects(v pv) bool {
	if len(ev.limits) > 0 && !slices.ContainsFunc(ev.limits, func(l pv) bool { return ev.vc.compare(v, l) < 0 }) {
		return false
	}
	affected := false
	for _, e := range ev.events {
		switch e.kind {
		case vigil.Introduced:
			if e.zero || ev.vc.compare(v, e.v) >= 0 {
				affected = true
			}
		case vigil.Fixed:
			if ev.vc.compare(v, e.v) >= 0 {
				affected = false
			}
		case vigil.LastAffected:
			if ev.vc.compare(v, e.v) > 0 {
				affected = false
			}
		}
	}
	return affected
}

// Words renders a range's events as evidence: "introduced 0, fixed 1.2.3".
func Words(r vigil.Range) string {
	var b strings.Builder
	for i, e := range r.Events {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(string(e.Kind))
		b.WriteByte(' ')
		b.WriteString(e.Version)
	}
	return b.String()
}

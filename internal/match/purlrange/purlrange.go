// Package purlrange matches SBOM components to OSV-style affected packages
// by package URL: the component's purl names an OSV ecosystem and package
// (FromPURL), and the record's ranges and version lists are evaluated in
// that ecosystem's own version order (github.com/google/osv-scalibr's
// semantic package: npm, PyPI, Maven, Go, crates.io, NuGet, RubyGems,
// Packagist, Debian, Ubuntu, the RPM distributions, Alpine, Bitnami, …;
// SemVer 2.0 for SEMVER ranges).
//
// Range semantics follow the OSV schema: events sorted by version,
// "introduced: 0" before all, fixed excluded, last_affected included,
// limits bounding the range; several ranges and the versions list are
// alternatives. GIT ranges are not evaluated (no repository history): an
// affected package with GIT ranges only is decided by its versions list,
// and reported as unsupported when it has none. Ecosystems without a known
// version order or purl type, components without a version and versions
// that do not parse are reported, never guessed.
package purlrange

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/match"
)

// Name is the matcher's name.
const Name = "match/purlrange"

// version is bumped when results can change for the same inputs.
const version = 1

// Matcher matches components by package URL and OSV ranges.
type Matcher struct{}

// New returns a purl range matcher.
func New() *Matcher { return &Matcher{} }

var _ match.Matcher = (*Matcher)(nil)

// Name implements match.Matcher.
func (*Matcher) Name() string { return Name }

// Version implements match.Matcher.
func (*Matcher) Version() int { return version }

// component is what the index keeps of a component: its package, and its
// version parsed in its ecosystem's order on first use (verErr when it
// does not parse), shared by every record matched against the SBOM.
type component struct {
	pkg Package
	// fromComponent: the purl has no version; Component.Version is used.
	fromComponent bool
	vc            *versionCache

	once   sync.Once
	ver    pv
	verErr error

	semOnce sync.Once
	sem     pv
}

// semver returns the component's version parsed as SemVer 2.0, for
// SEMVER ranges.
func (k *component) semver() pv {
	k.semOnce.Do(func() { k.sem, _ = k.vc.parse("", vigil.RangeSemVer, k.pkg.Version) })
	return k.sem
}

// version returns the component's version parsed in its ecosystem's
// order.
func (k *component) version() (pv, error) {
	k.once.Do(func() {
		k.ver, k.verErr = k.vc.parse(k.pkg.Ecosystem, vigil.RangeEcosystem, k.pkg.Version)
	})
	return k.ver, k.verErr
}

// index returns the SBOM's components by package key (Key), built once per
// SBOM. Components without a purl, or whose purl maps to no OSV ecosystem,
// are left out.
func index(sbom *match.SBOM) *match.Index[*component] {
	vc := versions(sbom)
	return match.IndexOf(sbom, Name, func(c *vigil.Component) (string, *component, bool) {
		if c.PURL == "" {
			return "", nil, false
		}
		pkg, err := FromPURL(c.PURL)
		if err != nil {
			return "", nil, false
		}
		k := &component{pkg: pkg, vc: vc}
		if pkg.Version == "" && c.Version != "" {
			k.pkg.Version, k.fromComponent = c.Version, true
		}
		return pkg.Key(), k, true
	})
}

// ctxEvery is how many components are looked at between context checks.
const ctxEvery = 256

// Match implements match.Matcher. It returns one match per component the
// record affects, from the first affected package and range (or version
// list) that holds, in the record's order.
func (m *Matcher) Match(ctx context.Context, rec match.Record, sbom *match.SBOM) (match.Result, error) {
	var res match.Result
	v := rec.Vuln
	if v == nil || !v.Withdrawn.IsZero() {
		return res, ctx.Err()
	}
	if err := ctx.Err(); err != nil {
		return res, err
	}
	ix := index(sbom)
	vc := versions(sbom)
	var done map[*vigil.Component]bool
	seen := 0
	for i := range v.Affected {
		a := &v.Affected[i]
		eco, name, why := packageOf(a)
		if why != "" {
			report(&res, v.ID, "affected[%d]: %s", i, why)
			continue
		}
		ordered := knownOrder(eco)
		if !ordered && !hasSemVer(a) && len(a.Versions) == 0 {
			report(&res, v.ID, "affected[%d]: ecosystem %q: version order unknown", i, eco)
			continue
		}
		if !mapped(eco) {
			report(&res, v.ID, "affected[%d]: ecosystem %q: no package URL type maps to it", i, eco)
			continue
		}
		// GIT ranges and unknown orders are reported whether or not the
		// SBOM has the package: the record is only partly usable.
		for j, r := range a.Ranges {
			switch {
			case r.Type == vigil.RangeGit:
				if len(a.Versions) == 0 {
					report(&res, v.ID, "affected[%d].ranges[%d]: GIT range of %s not evaluated (no versions list)", i, j, r.Repo)
				}
			case r.Type == vigil.RangeEcosystem && !ordered:
				report(&res, v.ID, "affected[%d].ranges[%d]: ecosystem %q: version order unknown", i, j, eco)
			case r.Type != vigil.RangeSemVer && r.Type != vigil.RangeEcosystem:
				report(&res, v.ID, "affected[%d].ranges[%d]: range type %q unknown", i, j, r.Type)
			}
		}
		entries := ix.Lookup(Key(eco, name))
		if len(entries) == 0 {
			continue
		}
		// Ranges are parsed only for packages the SBOM has; a malformed
		// one is reported then.
		ranges := make([]*evaluable, len(a.Ranges))
		for j, r := range a.Ranges {
			if r.Type == vigil.RangeSemVer || (r.Type == vigil.RangeEcosystem && ordered) {
				ev, err := prepare(vc, eco, r)
				if err != nil {
					report(&res, v.ID, "affected[%d].ranges[%d]: %v", i, j, err)
					continue
				}
				ranges[j] = ev
			}
		}
		for _, e := range entries {
			if seen++; seen%ctxEvery == 0 {
				if err := ctx.Err(); err != nil {
					return res, err
				}
			}
			c := e.Component
			if done[c] || !sameRelease(suffix(eco), e.Value.pkg.Release) {
				continue
			}
			words, ok, why := affects(vc, eco, a, ranges, e.Value, ordered)
			if why != "" {
				report(&res, v.ID, "affected[%d]: component %s (%s): %s", i, c.Ref, c.PURL, why)
			}
			if !ok {
				continue
			}
			if done == nil {
				done = make(map[*vigil.Component]bool)
			}
			done[c] = true
			res.Matches = append(res.Matches, newMatch(v, eco, name, c, e.Value, words))
		}
	}
	return res, nil
}

// report adds what could not be decided to res, prefixed with the
// record's id.
func report(res *match.Result, id, format string, args ...any) {
	res.Unsupported = append(res.Unsupported, id+": "+fmt.Sprintf(format, args...))
}

// packageOf returns the ecosystem (with its release suffix) and name an
// affected package names: its ecosystem and name, or else its purl. why
// says why there is none.
func packageOf(a *vigil.AffectedPackage) (eco vigil.Ecosystem, name, why string) {
	if a.Ecosystem != "" && a.Name != "" {
		return a.Ecosystem, a.Name, ""
	}
	if a.PURL != "" {
		p, err := FromPURL(a.PURL)
		if err != nil {
			return "", "", err.Error()
		}
		eco = p.Ecosystem
		if p.Release != "" {
			eco += vigil.Ecosystem(":" + p.Release)
		}
		return eco, p.Name, ""
	}
	if slices.ContainsFunc(a.Ranges, func(r vigil.Range) bool { return r.Type == vigil.RangeGit }) {
		return "", "", "names no package; GIT ranges not evaluated"
	}
	return "", "", "names no package"
}

func hasSemVer(a *vigil.AffectedPackage) bool {
	return slices.ContainsFunc(a.Ranges, func(r vigil.Range) bool { return r.Type == vigil.RangeSemVer })
}

// affects decides whether the affected package a covers component k: its
// version is listed, or one of the prepared ranges holds. words is the
// rule that held; why says what could not be decided.
func affects(vc *versionCache, eco vigil.Ecosystem, a *vigil.AffectedPackage, ranges []*evaluable, k *component, ordered bool) (words string, ok bool, why string) {
	ver := k.pkg.Version
	if ver == "" {
		return "", false, "no version"
	}
	for _, lv := range a.Versions {
		if lv == ver {
			return "listed version " + lv, true, ""
		}
	}
	if len(a.Versions) > 0 && ordered {
		kv, err := k.version()
		for _, lv := range a.Versions {
			if err != nil {
				break
			}
			w, werr := vc.parse(eco, vigil.RangeEcosystem, lv)
			if werr == nil && vc.compare(kv, w) == 0 {
				return "listed version " + lv, true, ""
			}
		}
	}
	for j, ev := range ranges {
		if ev == nil {
			continue
		}
		var v pv
		switch a.Ranges[j].Type {
		case vigil.RangeSemVer:
			v = k.semver()
		default:
			kv, err := k.version()
			if err != nil {
				why = fmt.Sprintf("version %q: %v", ver, err)
				continue
			}
			v = kv
		}
		if ev.affects(v) {
			return Words(a.Ranges[j]), true, ""
		}
	}
	return "", false, why
}

func newMatch(v *vigil.Vulnerability, eco vigil.Ecosystem, name string, c *vigil.Component, k *component, words string) vigil.Match {
	var detail []string
	if s := suffix(eco); s != "" && k.pkg.Release == "" {
		detail = append(detail, fmt.Sprintf("the purl names no distro release; the record is for %s", eco))
	}
	if k.fromComponent {
		detail = append(detail, "version taken from the component: its purl has none")
	}
	return vigil.Match{
		VulnID:       v.ID,
		Aliases:      slices.Clone(v.Aliases),
		ComponentRef: c.Ref,
		Status:       vigil.MatchAffected,
		Confidence:   vigil.ConfidenceExact,
		Evidence: vigil.Evidence{
			Matcher:        Name,
			MatcherVersion: version,
			Identifier:     c.PURL,
			Criterion:      string(eco) + "/" + name,
			Range:          words,
			Source:         v.Provenance,
			Detail:         strings.Join(detail, "; "),
		},
	}
}

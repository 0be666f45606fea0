// Package synth builds the side-by-side matching benchmark's inputs: one
// synthetic OSV corpus, CycloneDX 1.6 SBOMs whose components are drawn
// from it, and the truth, the (purl, advisory id) pairs each SBOM must
// yield. The truth comes from the construction, not from a matcher: every
// package has a release history whose versions are strictly increasing in
// its ecosystem's order, an advisory affects a set of positions in that
// history (written as OSV introduced / fixed / last_affected events and
// explicit versions lists), and a component at position k is affected by
// exactly the advisories whose set holds k.
//
// The corpus is written the way osv-scanner reads its offline database,
// DIR/osv-scalibr/<Ecosystem>/all.zip (one OSV JSON entry per advisory),
// and vigil imports the same zips (vigil feed import). tools/matchbench
// runs both tools on them (docs/performance.md, "Matching: vigil vs
// osv-scanner"). Everything is deterministic for a seed.
package synth

import (
	"fmt"
	"math/bits"
	"math/rand/v2"
	"strings"
)

// Ecosystem is an OSV ecosystem name without its release suffix (the
// directory name in osv-scanner's offline database).
type Ecosystem string

// The ecosystems of the corpus.
const (
	NPM      Ecosystem = "npm"
	PyPI     Ecosystem = "PyPI"
	Go       Ecosystem = "Go"
	Maven    Ecosystem = "Maven"
	CratesIO Ecosystem = "crates.io"
	Debian   Ecosystem = "Debian"
	Alpine   Ecosystem = "Alpine"
)

// Ecosystems lists the corpus's ecosystems in a fixed order, with the
// share of advisories each gets (per mille).
var Ecosystems = []Ecosystem{NPM, PyPI, Go, Maven, CratesIO, Debian, Alpine}

var weights = map[Ecosystem]int{NPM: 250, PyPI: 150, Go: 100, Maven: 150, CratesIO: 50, Debian: 200, Alpine: 100}

// OSVEcosystem is the ecosystem as advisories name it: Debian and Alpine
// carry the release (Debian:12, Alpine:v3.20), matching the SBOM purls'
// distro qualifiers.
func (e Ecosystem) OSVEcosystem() string {
	switch e {
	case Debian:
		return "Debian:12"
	case Alpine:
		return "Alpine:v3.20"
	}
	return string(e)
}

// SEMVER reports whether the ecosystem's ranges are written as SEMVER
// (npm, Go, crates.io) rather than ECOSYSTEM ranges.
func (e Ecosystem) SEMVER() bool { return e == NPM || e == Go || e == CratesIO }

func (e Ecosystem) index() int {
	for i, x := range Ecosystems {
		if x == e {
			return i
		}
	}
	panic("synth: unknown ecosystem " + string(e))
}

// Options size the corpus.
type Options struct {
	// Seed selects the corpus; the same options give the same bytes.
	Seed uint64
	// Advisories is the number of OSV records (default 200,000).
	Advisories int
	// Names is the number of package names per ecosystem (default 50,000).
	Names int
}

// Defaults are the benchmark's sizes.
const (
	DefaultAdvisories = 200_000
	DefaultNames      = 50_000
)

func (o Options) withDefaults() Options {
	if o.Advisories <= 0 {
		o.Advisories = DefaultAdvisories
	}
	if o.Names <= 0 {
		o.Names = DefaultNames
	}
	return o
}

// Package is one package of the corpus: its ecosystem, name index and
// release history.
type Package struct {
	Ecosystem Ecosystem
	Index     int
	Versions  []string
}

// Name is the package's name as OSV writes it: npm may be scoped
// (@scope/name), Maven is group:artifact, Go a module path.
func (p *Package) Name() string { return packageName(p.Ecosystem, p.Index) }

// PURL is the package URL of version k of the package, as the SBOM
// writes it.
func (p *Package) PURL(k int) string {
	v := p.Versions[k]
	name := p.Name()
	switch p.Ecosystem {
	case NPM:
		if scope, base, ok := strings.Cut(name, "/"); ok {
			return "pkg:npm/%40" + scope[1:] + "/" + base + "@" + v
		}
		return "pkg:npm/" + name + "@" + v
	case PyPI:
		return "pkg:pypi/" + name + "@" + v
	case Go:
		return "pkg:golang/" + name + "@v" + v
	case Maven:
		g, a, _ := strings.Cut(name, ":")
		return "pkg:maven/" + g + "/" + a + "@" + v
	case CratesIO:
		return "pkg:cargo/" + name + "@" + v
	case Debian:
		return "pkg:deb/debian/" + name + "@" + v + "?arch=source&distro=debian-12"
	case Alpine:
		return "pkg:apk/alpine/" + name + "@" + v + "?arch=x86_64&distro=3.20.3"
	}
	panic("synth: unknown ecosystem " + string(p.Ecosystem))
}

// SBOMVersion is version k as the SBOM's component version field writes
// it: the history's string, with Go's "v".
func (p *Package) SBOMVersion(k int) string {
	if p.Ecosystem == Go {
		return "v" + p.Versions[k]
	}
	return p.Versions[k]
}

var syllables = []string{"al", "be", "cor", "dex", "el", "fin", "gro", "hal", "ix", "jun", "ka", "lum", "mor", "nex", "op", "pra", "qui", "ros", "sta", "tor", "ul", "vex", "wen", "xo", "yar", "zed"}

// word spells i in base 26 with syllables, at least three, so distinct
// indexes give distinct words.
func word(i int) []string {
	var w []string
	for len(w) < 3 || i > 0 {
		w = append(w, syllables[i%26])
		i /= 26
	}
	return w
}

func packageName(e Ecosystem, i int) string {
	w := word(i)
	base := strings.Join(w, "")
	switch e {
	case NPM:
		if i%7 == 3 {
			return "@" + w[1] + w[0] + "/" + base
		}
		return base
	case PyPI:
		return w[0] + w[1] + "-" + strings.Join(w[2:], "")
	case Go:
		return "github.com/" + w[1] + w[2] + "/" + base
	case Maven:
		return "org." + w[0] + w[2] + ":" + base
	case CratesIO:
		return w[0] + "-" + strings.Join(w[1:], "")
	}
	return base
}

// Corpus is a generated set of advisories with what the SBOM generator
// and the truth need: per package, which advisories affect which versions.
type Corpus struct {
	opt      Options
	packages map[pkgKey]*Package
	// entries[i] is an (advisory, package) pair: the set of version
	// positions the advisory affects in that package.
	entries []entry
	byPkg   map[pkgKey][]int32
	records int
	ids     []string
	aliases []string
}

type pkgKey struct {
	eco uint8
	idx int32
}

type entry struct {
	key pkgKey
	adv int32
	set uint64
}

// Package returns the package of ecosystem e with name index i, creating
// its history on first use. The history depends only on the seed, e and i.
func (c *Corpus) Package(e Ecosystem, i int) *Package {
	k := pkgKey{uint8(e.index()), int32(i)}
	if p, ok := c.packages[k]; ok {
		return p
	}
	r := rand.New(rand.NewPCG(c.opt.Seed, uint64(k.eco)<<32|uint64(i)))
	p := &Package{Ecosystem: e, Index: i, Versions: history(e, r, 6+r.IntN(maxHistory-6+1))}
	c.packages[k] = p
	return p
}

func (c *Corpus) pkg(k pkgKey) *Package { return c.Package(Ecosystems[k.eco], int(k.idx)) }

// Advisories is the number of advisories in the corpus.
func (c *Corpus) Advisories() int { return c.records }

// Affects returns the advisory indexes that affect version k of p, in
// increasing order.
func (c *Corpus) Affects(p *Package, k int) []int {
	var out []int
	for _, ei := range c.byPkg[pkgKey{uint8(p.Ecosystem.index()), int32(p.Index)}] {
		if c.entries[ei].set&(1<<k) != 0 {
			out = append(out, int(c.entries[ei].adv))
		}
	}
	return out
}

// affected is the union of the positions any advisory affects in p.
func (c *Corpus) affected(k pkgKey) uint64 {
	var u uint64
	for _, ei := range c.byPkg[k] {
		u |= c.entries[ei].set
	}
	return u
}

// Record is one generated OSV advisory.
type Record struct {
	Index     int
	Ecosystem Ecosystem
	ID        string
	Alias     string
	Affected  []Affected
}

// Affected is one package of an advisory with the positions it affects
// and how the OSV record writes them.
type Affected struct {
	Package *Package
	// Set holds bit k when version k is affected.
	Set uint64
	// Events are the range events, in order; empty for a versions-only
	// entry.
	Events []Event
	// Versions is the explicit versions list (OSV "versions"), nil if none.
	Versions []string
}

// Event is one OSV range event: Kind is introduced, fixed or
// last_affected; Version "0" for introduced at the start.
type Event struct {
	Kind    string
	Version string
}

// ID spells advisory i's id in its ecosystem's database style (GHSA,
// PYSEC, GO, RUSTSEC, DEBIAN-CVE, ALPINE-CVE); the alias CVE is unique too.
func advisoryID(e Ecosystem, i int, year int) (id, alias string) {
	cve := fmt.Sprintf("CVE-%d-%d", year, 100000+i)
	switch e {
	case PyPI:
		return fmt.Sprintf("PYSEC-%d-%d", year, 1000+i), cve
	case Go:
		return fmt.Sprintf("GO-%d-%d", year, 1000+i), cve
	case CratesIO:
		return fmt.Sprintf("RUSTSEC-%d-%04d", year, i), cve
	case Debian:
		return "DEBIAN-" + cve, cve
	case Alpine:
		return "ALPINE-" + cve, cve
	}
	return ghsa(i), cve
}

const ghsaAlphabet = "23456789cfghjmpqrvwx"

// ghsa writes i (and a mix of it) in GHSA's 4-4-4 form.
func ghsa(i int) string {
	x := uint64(i)*0x9E3779B97F4A7C15 ^ uint64(i)
	var b [12]byte
	for j := range 6 {
		b[j] = ghsaAlphabet[x%20]
		x /= 20
	}
	y := uint64(i)
	for j := 11; j >= 6; j-- {
		b[j] = ghsaAlphabet[y%20]
		y /= 20
	}
	return "GHSA-" + string(b[0:4]) + "-" + string(b[4:8]) + "-" + string(b[8:12])
}

// Generate draws the corpus and calls emit for every advisory in order.
// The corpus keeps what the SBOMs and the truth need (about 40 bytes per
// affected package plus the histories of the packages drawn).
func Generate(o Options, emit func(*Record) error) (*Corpus, error) {
	o = o.withDefaults()
	c := &Corpus{opt: o, packages: map[pkgKey]*Package{}, byPkg: map[pkgKey][]int32{}}
	r := rand.New(rand.NewPCG(o.Seed, 0xad5))
	// Zipf–Mandelbrot: s=1.1 with an offset of 20 keeps the head heavy
	// (the most common name holds about 1 % of an ecosystem's advisories)
	// without one package owning thousands.
	z := rand.NewZipf(r, 1.1, 20, uint64(o.Names-1))
	total := 0
	for _, w := range weights {
		total += w
	}
	rec := &Record{}
	for i := 0; i < o.Advisories; i++ {
		e := pickEcosystem(r, total)
		year := 2015 + r.IntN(11)
		*rec = Record{Index: i, Ecosystem: e, Affected: rec.Affected[:0]}
		rec.ID, rec.Alias = advisoryID(e, i, year)
		n := 1
		if x := r.IntN(100); x >= 97 {
			n = 3
		} else if x >= 85 {
			n = 2
		}
		var seen [3]int
	pick:
		for len(rec.Affected) < n {
			idx := int(z.Uint64())
			for _, s := range seen[:len(rec.Affected)] {
				if s == idx {
					continue pick
				}
			}
			seen[len(rec.Affected)] = idx
			p := c.Package(e, idx)
			a := affectedEntry(r, p)
			rec.Affected = append(rec.Affected, a)
			k := pkgKey{uint8(e.index()), int32(idx)}
			c.byPkg[k] = append(c.byPkg[k], int32(len(c.entries)))
			c.entries = append(c.entries, entry{key: k, adv: int32(i), set: a.Set})
		}
		c.ids = append(c.ids, rec.ID)
		c.aliases = append(c.aliases, rec.Alias)
		if err := emit(rec); err != nil {
			return nil, err
		}
	}
	c.records = o.Advisories
	return c, nil
}

func pickEcosystem(r *rand.Rand, total int) Ecosystem {
	x := r.IntN(total)
	for _, e := range Ecosystems {
		if x < weights[e] {
			return e
		}
		x -= weights[e]
	}
	return Ecosystems[len(Ecosystems)-1]
}

// affectedEntry draws what one advisory says of p. The latest version is
// never affected (every range is closed by fixed or last_affected), so
// each package has a clean version.
func affectedEntry(r *rand.Rand, p *Package) Affected {
	n := len(p.Versions)
	a := Affected{Package: p}
	// A tenth are versions-only entries (no ranges): a few positions
	// anywhere. Go is left out: OSV's Go versions carry no "v" while Go
	// purls do, and explicit lists are compared as strings.
	if p.Ecosystem != Go && r.IntN(10) == 0 {
		for j := 1 + r.IntN(4); j > 0; j-- {
			a.Set |= 1 << r.IntN(n-1)
		}
		a.Versions = listed(p, a.Set)
		return a
	}
	// One interval, or (a fifth) two with a gap, as for a fix backported
	// to an older branch: introduced a1, fixed b1+1, introduced a2, ….
	intervals := 1
	if n >= 8 && r.IntN(5) == 0 {
		intervals = 2
	}
	lo := 0
	for iv := 0; iv < intervals; iv++ {
		// Room left for this interval: positions lo..n-2, keeping two
		// (gap + next start) per interval still to come.
		hi := n - 2 - 3*(intervals-1-iv)
		start := lo + r.IntN((hi-lo)/2+1)
		if iv == 0 && r.IntN(3) == 0 {
			start = 0
		}
		end := start + r.IntN(hi-start+1) // last affected position
		for k := start; k <= end; k++ {
			a.Set |= 1 << k
		}
		intro := p.Versions[start]
		if start == 0 && iv == 0 && r.IntN(2) == 0 {
			intro = "0"
		}
		a.Events = append(a.Events, Event{"introduced", intro})
		if r.IntN(4) == 0 {
			a.Events = append(a.Events, Event{"last_affected", p.Versions[end]})
		} else {
			a.Events = append(a.Events, Event{"fixed", p.Versions[end+1]})
		}
		lo = end + 3
	}
	// About a third also list the affected versions explicitly, as
	// osv.dev does for ECOSYSTEM ranges.
	if p.Ecosystem != Go && r.IntN(3) == 0 {
		a.Versions = listed(p, a.Set)
	}
	return a
}

func listed(p *Package, set uint64) []string {
	out := make([]string, 0, bits.OnesCount64(set))
	for k := range p.Versions {
		if set&(1<<k) != 0 {
			out = append(out, p.Versions[k])
		}
	}
	return out
}

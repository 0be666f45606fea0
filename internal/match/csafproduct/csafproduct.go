// Package csafproduct matches CSAF advisories (device advisories such as
// CISA ICSMA, and CSAF VEX) to SBOM components through their product
// trees, the way device advisories name products.
//
// Every product id an advisory vulnerability lists under a product status
// is resolved to the product it names (a relationship product — a
// component default_component_of or installed_on a platform — resolves to
// its component part), and that product to components:
//
//  1. Identification helpers, confidence exact:
//     - purl: type, namespace and name equal (in the type's case rules);
//     a purl version must equal the component's, else the tree's version
//     rule applies;
//     - cpe (2.3 or 2.2 URI): vendor:product equal to one of the
//     component's CPEs; a specific CPE version must equal the component's;
//     - hashes: a file hash equal to one of the component's hashes of the
//     same algorithm ("sha256" = "SHA-256"); no version check;
//     - model_numbers, skus, serial_numbers, with CSAF's wildcards (*, ?,
//     backslash escapes), compared case-insensitively with what the
//     component states in CycloneDX properties of plain names (model,
//     model_number, sku, part_number, serial_number, … see
//     match.PropertyKey), and model numbers also with the name of a
//     component of type device. Descriptions and other free text are
//     never read.
//     A component that carries a purl (or CPE) which the product's purl
//     (or cpe) helper does not match is not matched by name either: the
//     exact identifier has spoken.
//  2. Names, confidence heuristic, for branch products only (vendor →
//     [product_family →] product_name → product_version or
//     product_version_range): the normalised product name (alone, without
//     the vendor's name in front, or with it) equals the component's name
//     (match.NameKey) — also with the vendor's first word in front, the
//     brand a component's name often carries — and the vendor (legal forms stripped, parenthesised
//     aliases and comma lists split; see VendorNames) is one of the
//     component's: supplier, manufacturer, publisher, author, the vendor of
//     any of its CPEs, or the namespace of a github/gitlab/bitbucket/
//     generic purl. The version rule then decides (see ParseRange).
//
// A component whose version cannot be checked (it states none, the
// advisory's range is free text that does not parse, the vers scheme's
// order is unknown) is not matched; it is reported in Result.Unsupported.
//
// The product status decides the match status: known_affected,
// first_affected and last_affected → affected; under_investigation →
// under_investigation; known_not_affected → not_affected, with its flags
// and impact statements in Evidence.Detail; fixed and first_fixed → fixed.
// Not-affected and fixed are evidence, not findings. "recommended" makes
// no match of its own; it is named in the Detail of the component's match.
// When several statements of one vulnerability reach one component, the
// most exact wins: helper before name, a statement about the component
// itself or about it on a platform present in the SBOM before one on an
// absent platform, an exact version before a range before all versions,
// and at a tie affected before under investigation before fixed before
// not affected; the others are named in the Detail.
package csafproduct

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/match"
)

// Name is the matcher's name.
const Name = "match/csafproduct"

// version is bumped whenever results can change for the same inputs.
const version = 2

// Matcher matches CSAF product trees. It has no state; the zero value and
// New are the same.
type Matcher struct{}

// New returns a CSAF product tree matcher.
func New() *Matcher { return &Matcher{} }

var _ match.Matcher = (*Matcher)(nil)

// Name implements match.Matcher.
func (*Matcher) Name() string { return Name }

// Version implements match.Matcher.
func (*Matcher) Version() int { return version }

// Match implements match.Matcher. Records without an advisory yield an
// empty result.
func (m *Matcher) Match(ctx context.Context, rec match.Record, sbom *match.SBOM) (match.Result, error) {
	a := rec.Advisory
	if a == nil || sbom == nil || len(sbom.Components) == 0 {
		return match.Result{}, ctx.Err()
	}
	s := newSession(a, sbom.Products())
	var res match.Result
	for i := range a.Vulnerabilities {
		if err := ctx.Err(); err != nil {
			return match.Result{}, err
		}
		res.Matches = append(res.Matches, s.vulnerability(&a.Vulnerabilities[i])...)
	}
	res.Unsupported = s.unsupported
	return res, nil
}

// hit is one component a product names, and how.
type hit struct {
	comp       int
	conf       vigil.Confidence
	identifier string // Evidence.Identifier
	how        string // the helper or names that matched, for Criterion
	rule       string // Evidence.Range
	spec       int    // 0 exact version, 1 range, 2 any version
}

type lookup struct {
	hits  []hit
	notes []string
	done  bool
}

// session is one Match call: the advisory's products and relationships
// by id, and what each product id matched, computed once.
type session struct {
	a        *vigil.Advisory
	x        *match.ProductIndex
	products map[string]vigil.TreeProduct
	rels     map[string]vigil.Relationship
	groups   map[string][]string
	cache    map[string]*lookup
	// unsupported lists what could not be decided, each once.
	unsupported []string
	noted       map[string]bool
}

func newSession(a *vigil.Advisory, x *match.ProductIndex) *session {
	s := &session{a: a, x: x, products: map[string]vigil.TreeProduct{}, rels: map[string]vigil.Relationship{},
		groups: map[string][]string{}, cache: map[string]*lookup{}, noted: map[string]bool{}}
	for _, p := range a.ProductTree.Products() {
		if _, dup := s.products[p.ProductID]; !dup && p.ProductID != "" {
			s.products[p.ProductID] = p
		}
	}
	for _, r := range a.ProductTree.Relationships {
		s.rels[r.FullProductName.ProductID] = r
	}
	for _, g := range a.ProductTree.ProductGroups {
		s.groups[g.GroupID] = g.ProductIDs
	}
	return s
}

func (s *session) note(msg string) {
	if !s.noted[msg] {
		s.noted[msg] = true
		s.unsupported = append(s.unsupported, msg)
	}
}

// maxChain bounds relationship chains (a relationship of relationships).
const maxChain = 8

// resolve follows relationships from id to the product they are about,
// returning it and the relationships crossed, outermost first.
func (s *session) resolve(id string) (string, []vigil.Relationship) {
	var chain []vigil.Relationship
	for range maxChain {
		r, ok := s.rels[id]
		if !ok {
			break
		}
		chain = append(chain, r)
		id = r.Product
	}
	return id, chain
}

// name is the product's full name, or its id when unknown.
func (s *session) name(id string) string {
	if p, ok := s.products[id]; ok && p.Name != "" {
		return p.Name
	}
	return id
}

// lookup returns what product id (not a relationship) names in the SBOM.
func (s *session) lookup(id string) *lookup {
	if l, ok := s.cache[id]; ok {
		return l
	}
	l := &lookup{}
	s.cache[id] = l
	p, ok := s.products[id]
	if !ok {
		return l
	}
	l.hits, l.notes = s.match(p)
	return l
}

// emit reports a lookup's notes the first time its statement is used.
func (s *session) emit(l *lookup) {
	if l.done {
		return
	}
	l.done = true
	for _, n := range l.notes {
		s.note(n)
	}
}

// present reports whether the product id (a platform) is in the SBOM.
func (s *session) present(id string) bool {
	id, _ = s.resolve(id)
	return len(s.lookup(id).hits) > 0
}

// match finds the components product p names: helpers first, then names.
func (s *session) match(p vigil.TreeProduct) ([]hit, []string) {
	var hits []hit
	var notes []string
	best := map[int]int{} // comp → index in hits
	add := func(h hit) {
		if j, ok := best[h.comp]; ok {
			o := hits[j]
			if h.conf.Rank() < o.conf.Rank() || h.conf == o.conf && h.spec < o.spec {
				hits[j] = h
			}
			return
		}
		best[h.comp] = len(hits)
		hits = append(hits, h)
	}
	noteFor := func(c *vigil.Component, msg string) {
		notes = append(notes, fmt.Sprintf("%s %s (%s): component %s: %s", s.a.ID, p.ProductID, p.Name, c.Ref, msg))
	}
	tree := treeRule(p)
	check := func(c *vigil.Component, r versionRule, h hit) {
		ok, err := r.check(componentVersion(c))
		if err != nil {
			noteFor(c, err.Error())
			return
		}
		if ok {
			h.rule, h.spec = r.String(), r.spec()
			add(h)
		}
	}

	var purlHelper, cpeHelper bool
	if h := p.Helper; h != nil {
		if key, ver, ok := match.PURLKey(h.PURL); ok {
			purlHelper = true
			r := tree
			if ver != "" {
				r = literalRule("purl version", ver)
			}
			for _, i := range s.x.ByPURL(key) {
				c := s.x.Component(i)
				v := c.Version
				if _, cv, ok := match.PURLKey(c.PURL); ok && cv != "" {
					v = cv
				}
				hh := hit{comp: i, conf: vigil.ConfidenceExact, identifier: c.PURL, how: "purl=" + h.PURL}
				ok, err := r.check(v)
				if err != nil {
					noteFor(c, err.Error())
				} else if ok {
					hh.rule, hh.spec = r.String(), r.spec()
					add(hh)
				}
			}
		}
		if key, ver, ok := match.CPEKey(h.CPE); ok {
			cpeHelper = true
			for _, i := range s.x.ByCPE(key) {
				c := s.x.Component(i)
				var cpe, cv string
				for _, x := range c.CPEs {
					if k, v, ok := match.CPEKey(x); ok && k == key {
						cpe, cv = x, v
						if v != "" {
							break
						}
					}
				}
				if cv == "" {
					cv = componentVersion(c)
				}
				r := tree
				if ver != "" {
					r = literalRule("cpe version", ver)
				}
				hh := hit{comp: i, conf: vigil.ConfidenceExact, identifier: cpe, how: "cpe=" + h.CPE}
				ok, err := r.check(cv)
				if err != nil {
					noteFor(c, err.Error())
				} else if ok {
					hh.rule, hh.spec = r.String(), r.spec()
					add(hh)
				}
			}
		}
		for _, fh := range h.Hashes {
			for _, d := range fh.Hashes {
				key := match.HashKey(d.Algorithm, d.Value)
				if key == "" {
					continue
				}
				for _, i := range s.x.ByHash(key) {
					c := s.x.Component(i)
					id := key
					for _, ch := range c.Hashes {
						if match.HashKey(string(ch.Alg), ch.Value) == key {
							id = string(ch.Alg) + ":" + ch.Value
							break
						}
					}
					how := "hash " + d.Algorithm + "=" + d.Value
					if fh.FileName != "" {
						how += " file=" + fh.FileName
					}
					add(hit{comp: i, conf: vigil.ConfidenceExact, identifier: id, how: how, rule: "file hash", spec: 0})
				}
			}
		}
		for _, set := range []struct {
			kind     match.IdentKind
			patterns []string
		}{{match.IdentModel, h.ModelNumbers}, {match.IdentSKU, h.SKUs}, {match.IdentSerial, h.SerialNumbers}} {
			for _, pat := range set.patterns {
				if !usablePattern(pat) {
					continue
				}
				for _, id := range s.x.Idents(set.kind) {
					if !wildcardMatch(pat, id.Value) {
						continue
					}
					c := s.x.Component(id.Comp)
					check(c, tree, hit{comp: id.Comp, conf: vigil.ConfidenceExact,
						identifier: id.Field + "=" + id.Value, how: string(set.kind) + "=" + pat})
				}
			}
		}
	}
	helperHit := func(i int) bool {
		j, ok := best[i]
		return ok && hits[j].conf == vigil.ConfidenceExact
	}

	// Names: branch products with a vendor and a product name or family.
	prod := p.Product
	if prod == "" {
		prod = p.Family
	}
	if prod == "" || p.Vendor == "" {
		return hits, notes
	}
	vendors := VendorNames(p.Vendor)
	type key struct {
		k      string
		vendor bool // the key holds the vendor's name
	}
	var keys []key
	addKey := func(n string, vendor bool) {
		k := match.NameKey(n)
		if k == "" {
			return
		}
		for i, o := range keys {
			if o.k == k {
				keys[i].vendor = o.vendor && vendor
				return
			}
		}
		keys = append(keys, key{k, vendor})
	}
	family := ""
	if p.Product != "" && p.Family != "" {
		family = Normalize(p.Family)
	}
	for _, pn := range productNames(prod) {
		addKey(pn, false)
		if family != "" {
			addKey(family+" "+pn, false)
		}
		for _, v := range vendors {
			if rest, ok := strings.CutPrefix(pn, v+" "); ok {
				addKey(rest, false)
			}
			addKey(v+" "+pn, true)
			if family != "" {
				addKey(v+" "+family+" "+pn, true)
			}
			// The brand, the vendor's first word, often leads a component's
			// name ("Acme Viewer" of Acme Medical): the vendor is then still
			// checked against the component's.
			if w, _, ok := strings.Cut(v, " "); ok && len(w) >= 3 {
				addKey(w+" "+pn, false)
			}
		}
	}
	seen := map[int]bool{}
	for _, k := range keys {
		for _, i := range s.x.ByName(k.k) {
			if seen[i] || helperHit(i) {
				continue
			}
			seen[i] = true
			c := s.x.Component(i)
			if purlHelper && c.PURL != "" {
				if _, _, ok := match.PURLKey(c.PURL); ok {
					continue
				}
			}
			if cpeHelper && hasCPE(c) {
				continue
			}
			vendor := p.Vendor
			if !k.vendor {
				cvs := componentVendors(c)
				if len(cvs) == 0 {
					noteFor(c, "named like the product but states no supplier or manufacturer to compare with vendor "+fmt.Sprintf("%q", p.Vendor))
					continue
				}
				if !anySameVendor(vendors, cvs) {
					continue
				}
			}
			how := "vendor=" + vendor + ", product=" + prod
			check(c, tree, hit{comp: i, conf: vigil.ConfidenceHeuristic,
				identifier: strings.TrimSpace(c.Name + " " + componentVersion(c)), how: how})
		}
	}
	slices.SortFunc(hits, func(a, b hit) int { return cmp.Compare(a.comp, b.comp) })
	return hits, notes
}

func hasCPE(c *vigil.Component) bool {
	for _, x := range c.CPEs {
		if _, _, ok := match.CPEKey(x); ok {
			return true
		}
	}
	return false
}

// componentVersion is the component's version, else that of its first
// CPE or its purl that has one.
func componentVersion(c *vigil.Component) string {
	if c.Version != "" {
		return c.Version
	}
	for _, x := range c.CPEs {
		if _, v, ok := match.CPEKey(x); ok && v != "" {
			return v
		}
	}
	if _, v, ok := match.PURLKey(c.PURL); ok {
		return v
	}
	return ""
}

// componentVendors lists the normalised vendor names a component states.
func componentVendors(c *vigil.Component) []string {
	var out []string
	for _, s := range []string{c.Supplier, c.Manufacturer, c.Publisher, c.Author} {
		if s != "" {
			out = append(out, VendorNames(s)...)
		}
	}
	for _, x := range c.CPEs {
		if k, _, ok := match.CPEKey(x); ok {
			v, _, _ := strings.Cut(k, ":")
			if n := Normalize(v); n != "" {
				out = append(out, n)
			}
		}
	}
	if k, _, ok := match.PURLKey(c.PURL); ok {
		parts := strings.SplitN(k, "/", 3)
		switch parts[0] {
		case "github", "gitlab", "bitbucket", "generic":
			if n := Normalize(parts[1]); n != "" {
				out = append(out, n)
			}
		}
	}
	return out
}

func anySameVendor(a, b []string) bool {
	for _, x := range a {
		for _, y := range b {
			if SameVendor(x, y) {
				return true
			}
		}
	}
	return false
}

// usablePattern rejects identifier patterns with fewer than two literal
// characters ("*", "?*"), which would name anything.
func usablePattern(p string) bool {
	n := 0
	for i := 0; i < len(p); i++ {
		switch p[i] {
		case '*', '?':
		case '\\':
			i++
			n++
		default:
			n++
		}
	}
	return n >= 2
}

// wildcardMatch matches s against a CSAF identifier pattern: "*" any run
// of characters, "?" one character, "\" escapes the next; letters compare
// case-insensitively.
func wildcardMatch(pat, s string) bool {
	p, t := []rune(strings.ToLower(pat)), []rune(strings.ToLower(s))
	// Iterative matcher with one backtrack point for "*".
	pi, ti, star, mark := 0, 0, -1, 0
	for ti < len(t) {
		if pi < len(p) {
			switch {
			case p[pi] == '*':
				star, mark = pi, ti
				pi++
				continue
			case p[pi] == '?':
				pi++
				ti++
				continue
			case p[pi] == '\\' && pi+1 < len(p):
				if p[pi+1] == t[ti] {
					pi += 2
					ti++
					continue
				}
			case p[pi] == t[ti]:
				pi++
				ti++
				continue
			}
		}
		if star < 0 {
			return false
		}
		pi = star + 1
		mark++
		ti = mark
	}
	for pi < len(p) && p[pi] == '*' {
		pi++
	}
	return pi == len(p)
}

// statement is what one vulnerability says of one component through one
// product id.
type statement struct {
	hit
	kind     vigil.ProductStatusKind
	status   vigil.MatchStatus
	id       string // the product id listed in the status
	chain    []vigil.Relationship
	platform bool // the relationship's platform is in the SBOM
}

func (t statement) rank() []int {
	plat := 0
	if len(t.chain) > 0 && !t.platform {
		plat = 1
	}
	return []int{t.conf.Rank(), plat, t.spec, statusOrder(t.status)}
}

func statusOrder(s vigil.MatchStatus) int {
	for i, x := range vigil.MatchStatuses {
		if s == x {
			return i
		}
	}
	return len(vigil.MatchStatuses)
}

// statusOf maps a CSAF product status to a match status.
func statusOf(k vigil.ProductStatusKind) (vigil.MatchStatus, bool) {
	switch k {
	case vigil.ProductKnownAffected, vigil.ProductFirstAffected, vigil.ProductLastAffected:
		return vigil.MatchAffected, true
	case vigil.ProductUnderInvestigation:
		return vigil.MatchUnderInvestigation, true
	case vigil.ProductKnownNotAffected:
		return vigil.MatchNotAffected, true
	case vigil.ProductFixed, vigil.ProductFirstFixed:
		return vigil.MatchFixed, true
	}
	return "", false
}

// vulnerability returns the matches of one advisory vulnerability.
func (s *session) vulnerability(v *vigil.AdvisoryVulnerability) []vigil.Match {
	best := map[int]statement{}
	others := map[int][]statement{}
	for _, k := range vigil.ProductStatusKinds {
		status, ok := statusOf(k)
		if !ok {
			continue
		}
		for _, id := range v.ProductStatus.List(k) {
			ident, chain := s.resolve(id)
			l := s.lookup(ident)
			if len(l.hits) == 0 {
				s.emit(l)
				continue
			}
			s.emit(l)
			platform := len(chain) > 0 && s.present(chain[0].RelatesTo)
			for _, h := range l.hits {
				t := statement{hit: h, kind: k, status: status, id: id, chain: chain, platform: platform}
				o, ok := best[h.comp]
				if !ok {
					best[h.comp] = t
					continue
				}
				if slices.Compare(t.rank(), o.rank()) < 0 {
					best[h.comp] = t
					others[h.comp] = append(others[h.comp], o)
				} else {
					others[h.comp] = append(others[h.comp], t)
				}
			}
		}
	}
	if len(best) == 0 {
		return nil
	}
	// Products the vulnerability recommends, by component.
	recommended := map[int][]string{}
	for _, id := range v.ProductStatus.Recommended {
		ident, _ := s.resolve(id)
		for _, h := range s.lookup(ident).hits {
			recommended[h.comp] = append(recommended[h.comp], id)
		}
	}
	vulnID, aliases := s.ids(v)
	notes := s.notes(v)
	comps := make([]int, 0, len(best))
	for i := range best {
		comps = append(comps, i)
	}
	slices.Sort(comps)
	out := make([]vigil.Match, 0, len(comps))
	for _, i := range comps {
		t := best[i]
		c := s.x.Component(i)
		out = append(out, vigil.Match{
			VulnID: vulnID, Aliases: aliases, ComponentRef: c.Ref, Status: t.status, Confidence: t.conf,
			Evidence: vigil.Evidence{
				Matcher: Name, MatcherVersion: version,
				Identifier: t.identifier,
				Criterion:  s.criterion(t),
				Range:      t.rule,
				Source:     s.a.Provenance,
				Detail:     s.detail(notes, t, others[i], recommended[i]),
			},
		})
	}
	return out
}

// ids returns the vulnerability's id (its CVE, else its first id, else the
// advisory's) and the others. The advisory's own tracking id is not an
// alias when the vulnerability has an id of its own: one advisory groups
// many vulnerabilities (CISA's ICSMA-19-274-01 names eleven CVEs), and an
// alias shared by eleven CVEs would make a VEX statement on one of them
// apply to all. The advisory stays in the evidence, as its source.
func (s *session) ids(v *vigil.AdvisoryVulnerability) (string, []string) {
	var all []string
	if v.CVE != "" {
		all = append(all, v.CVE)
	}
	for _, x := range v.IDs {
		if x.Text != "" {
			all = append(all, x.Text)
		}
	}
	id := s.a.ID
	if len(all) > 0 {
		id = all[0]
	}
	var aliases []string
	for _, x := range all {
		if x != "" && x != id && !slices.Contains(aliases, x) {
			aliases = append(aliases, x)
		}
	}
	return id, aliases
}

// criterion is "PRODUCT_ID: full product name (how)", with the
// relationship crossed, if any.
func (s *session) criterion(t statement) string {
	how := t.how
	if len(t.chain) > 0 {
		ident := t.chain[len(t.chain)-1].Product
		how = "via " + ident + " " + s.name(ident) + "; " + how
	}
	return t.id + ": " + s.name(t.id) + " (" + how + ")"
}

// maxDetailText bounds each free-text part of a Detail.
const maxDetailText = 300

func clip(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) <= maxDetailText {
		return s
	}
	cut := maxDetailText
	for cut > 0 && !utf8Start(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

func utf8Start(b byte) bool { return b&0xC0 != 0x80 }

// vulnNotes is what a vulnerability adds about products, by product id:
// flags and impact statements (for not affected) and remediations (for the
// rest), each text clipped once.
type vulnNotes struct {
	notAffected map[string][]string
	remedies    map[string][]string
}

// notes indexes a vulnerability's flags, impact threats and remediations by
// product id, groups expanded.
func (s *session) notes(v *vigil.AdvisoryVulnerability) vulnNotes {
	n := vulnNotes{notAffected: map[string][]string{}, remedies: map[string][]string{}}
	add := func(m map[string][]string, productIDs, groupIDs []string, text string) {
		seen := map[string]bool{}
		put := func(id string) {
			if !seen[id] {
				seen[id] = true
				m[id] = append(m[id], text)
			}
		}
		for _, id := range productIDs {
			put(id)
		}
		for _, g := range groupIDs {
			for _, id := range s.groups[g] {
				put(id)
			}
		}
	}
	for _, f := range v.Flags {
		add(n.notAffected, f.ProductIDs, f.GroupIDs, "flag "+string(f.Label))
	}
	for _, th := range v.Threats {
		if th.Category == vigil.ThreatImpact {
			add(n.notAffected, th.ProductIDs, th.GroupIDs, "impact: "+clip(th.Details))
		}
	}
	for _, r := range v.Remediations {
		p := string(r.Category) + ": " + clip(r.Details)
		if r.URL != "" {
			p += " <" + r.URL + ">"
		}
		add(n.remedies, r.ProductIDs, r.GroupIDs, p)
	}
	return n
}

// detail explains a statement: the CSAF status, the relationship, and
// what the advisory adds for the product: flags and impact for not
// affected, remediations otherwise, recommended products, and the other
// statements that lost.
func (s *session) detail(n vulnNotes, t statement, others []statement, recommended []string) string {
	var parts []string
	parts = append(parts, "csaf "+string(t.kind))
	for _, r := range t.chain {
		p := fmt.Sprintf("%s %s (%s)", r.Category, r.RelatesTo, s.name(r.RelatesTo))
		if r.RelatesTo == t.chain[0].RelatesTo && !t.platform {
			p += ", not in the SBOM"
		}
		parts = append(parts, p)
	}
	ids := []string{t.id}
	for _, r := range t.chain {
		ids = append(ids, r.Product)
	}
	m := n.remedies
	if t.status == vigil.MatchNotAffected {
		m = n.notAffected
	}
	for _, id := range ids {
		for _, p := range m[id] {
			if !slices.Contains(parts, p) {
				parts = append(parts, p)
			}
		}
	}
	for _, id := range recommended {
		parts = append(parts, "recommended "+id+" ("+s.name(id)+")")
	}
	seen := map[string]bool{}
	for _, o := range others {
		k := string(o.kind) + " " + o.id
		if o.status != t.status && !seen[k] {
			seen[k] = true
			parts = append(parts, "also "+string(o.kind)+" via "+o.id)
		}
	}
	return strings.Join(parts, "; ")
}

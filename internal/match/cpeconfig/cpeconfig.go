// Package cpeconfig matches CPE 2.3 applicability statements to an SBOM:
// NVD configurations (AND/OR trees of CPE match criteria with version
// ranges, evaluated over the CPEs of the whole SBOM) and the CPE lists of
// CVE 5 affected products (CNA and ADP containers, CISA's vulnrichment).
//
// CPE names are compared as NISTIR 7696 specifies (package internal/cpe):
// a criterion matches a component CPE when the criterion is a superset
// of, or equal to, it in every attribute. Versions in ranges are ordered
// by cpe.CompareVersions.
//
// A configuration holds when its nodes evaluate true over the set of the
// SBOM's component CPEs. Each component that satisfied a vulnerable
// criterion on the way to that truth is reported affected, with the
// criterion, the range and the node path (and what the node was ANDed
// with) as evidence. A criterion with vulnerable false names a platform
// the vulnerable part runs on: it satisfies its node but is never
// reported. Inside a negated node nothing is reported either.
//
// One deviation from a literal reading of NISTIR 7696: a platform
// criterion (vulnerable false) whose version is NA ("-", as in
// "cpe:2.3:o:microsoft:windows:-:…") is read as ANY, because NVD writes
// "-" there for "this platform, whatever its version" and an SBOM names
// the platform with its version. Vulnerable criteria are compared as the
// spec says, so "…:codeready_linux_builder:-:…" matches only a component
// CPE whose version is NA too.
//
// A component CPE whose version is ANY takes the component's Version
// (match.CPEIndex); a criterion with a version range needs a component
// version, and one without a range takes any.
//
// Components without CPEs are not this matcher's business; nor are names
// and versions without CPEs (that is a heuristic matcher's).
package cpeconfig

import (
	"context"
	"fmt"
	"strings"
	"sync"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/cpe"
	"github.com/vigil/vigil/internal/match"
)

// Name is the matcher's name, recorded in every match's evidence.
const Name = "match/cpeconfig"

// version is bumped when results can change for the same inputs.
const version = 1

// maxDepth bounds how deep a configuration tree is evaluated.
const maxDepth = 16

// maxConds bounds how many AND conditions a node path lists.
const maxConds = 3

// Matcher evaluates CPE applicability. It keeps the CPE index of the last
// SBOM it saw, so matching many records against one SBOM builds the index
// once; an SBOM must not change once matched. Safe for concurrent use.
type Matcher struct {
	mu   sync.Mutex
	sbom *match.SBOM
	idx  *match.CPEIndex
}

// New returns a matcher.
func New() *Matcher { return &Matcher{} }

var _ match.Matcher = (*Matcher)(nil)

// Name implements match.Matcher.
func (*Matcher) Name() string { return Name }

// Version implements match.Matcher.
func (*Matcher) Version() int { return version }

// Match implements match.Matcher.
func (m *Matcher) Match(ctx context.Context, rec match.Record, sbom *match.SBOM) (match.Result, error) {
	if err := ctx.Err(); err != nil {
		return match.Result{}, err
	}
	if rec.Vuln == nil || sbom == nil || !hasCPEs(rec.Vuln) {
		return match.Result{}, nil
	}
	return MatchIndex(ctx, rec, m.index(sbom))
}

func (m *Matcher) index(s *match.SBOM) *match.CPEIndex {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.idx == nil || m.sbom != s {
		m.sbom, m.idx = s, match.NewCPEIndex(s)
	}
	return m.idx
}

// hasCPEs reports whether v says anything this matcher reads.
func hasCPEs(v *vigil.Vulnerability) bool {
	if len(v.Configurations) > 0 {
		return true
	}
	for _, p := range v.Products {
		if len(p.CPEs) > 0 {
			return true
		}
	}
	for _, a := range v.ADP {
		if len(a.CPEs()) > 0 {
			return true
		}
	}
	return false
}

// MatchIndex is Match on an index the caller built (match.NewCPEIndex).
func MatchIndex(ctx context.Context, rec match.Record, idx *match.CPEIndex) (match.Result, error) {
	if err := ctx.Err(); err != nil {
		return match.Result{}, err
	}
	v := rec.Vuln
	if v == nil || idx == nil {
		return match.Result{}, nil
	}
	r := &run{idx: idx, v: v, at: map[int]int{}, unsupported: map[string]bool{}}
	for i := range v.Configurations {
		if i%64 == 63 {
			if err := ctx.Err(); err != nil {
				return match.Result{}, err
			}
		}
		cfg := &v.Configurations[i]
		path := fmt.Sprintf("configurations[%d]", i)
		items := make([]result, 0, len(cfg.Nodes))
		for j := range cfg.Nodes {
			items = append(items, r.node(&cfg.Nodes[j], fmt.Sprintf("%s.nodes[%d]", path, j), 0))
		}
		op := cfg.Operator
		if op == "" {
			op = vigil.OpOr
		}
		res := r.group(op, cfg.Negate, items, path)
		for _, w := range res.wit {
			r.report(w)
		}
	}
	r.products(v.Products, "products", "CNA")
	for j, a := range v.ADP {
		r.products(a.Products, fmt.Sprintf("adp[%d].products", j), a.Provider)
	}
	return r.res, nil
}

// run is the state of one record's evaluation.
type run struct {
	idx *match.CPEIndex
	v   *vigil.Vulnerability
	res match.Result
	// at maps a component's position to its match in res.Matches.
	at          map[int]int
	unsupported map[string]bool
}

func (r *run) unsupportedf(format string, args ...any) {
	s := r.v.ID + ": " + fmt.Sprintf(format, args...)
	if !r.unsupported[s] {
		r.unsupported[s] = true
		r.res.Unsupported = append(r.res.Unsupported, s)
	}
}

// cond is what a true subtree adds to the AND it sits in.
type cond struct {
	text     string // "with running-on cpe:…", "with cpe:…", "NOT configurations[0].nodes[1]"
	platform int    // the running-on entry, or -1
}

// witness is a component CPE that satisfied a vulnerable criterion.
type witness struct {
	entry int
	m     *vigil.CPEMatch
	path  string
	conds []cond
}

// result is a subtree's value and, when true, what made it true.
type result struct {
	ok    bool
	wit   []witness
	conds []cond
}

func (r *run) node(n *vigil.CPENode, path string, depth int) result {
	if depth > maxDepth {
		r.unsupportedf("%s: nests deeper than %d", path, maxDepth)
		return result{}
	}
	items := make([]result, 0, len(n.Matches)+len(n.Children))
	for k := range n.Matches {
		items = append(items, r.criterion(&n.Matches[k], path, k))
	}
	for k := range n.Children {
		items = append(items, r.node(&n.Children[k], fmt.Sprintf("%s.children[%d]", path, k), depth+1))
	}
	return r.group(n.Operator, n.Negate, items, path)
}

// group joins items with op (anything but AND is OR) and applies negate.
func (r *run) group(op vigil.Operator, negate bool, items []result, path string) result {
	var out result
	if op == vigil.OpAnd {
		out.ok = len(items) > 0
		for _, it := range items {
			out.ok = out.ok && it.ok
		}
		if out.ok {
			for i, it := range items {
				for _, w := range it.wit {
					w.conds = append([]cond(nil), w.conds...)
					for j, other := range items {
						if j != i {
							w.conds = appendConds(w.conds, other.conds)
						}
					}
					out.wit = append(out.wit, w)
				}
				out.conds = appendConds(out.conds, it.conds)
			}
		}
	} else {
		for _, it := range items {
			if it.ok {
				out.ok = true
				out.wit = append(out.wit, it.wit...)
				out.conds = appendConds(out.conds, it.conds)
			}
		}
	}
	if negate {
		if out.ok {
			return result{}
		}
		return result{ok: true, conds: []cond{{text: "NOT " + path, platform: -1}}}
	}
	return out
}

func appendConds(to, from []cond) []cond {
next:
	for _, c := range from {
		for _, d := range to {
			if d.text == c.text {
				continue next
			}
		}
		to = append(to, c)
	}
	return to
}

// criterion evaluates one CPE match criterion against the SBOM's CPEs.
func (r *run) criterion(m *vigil.CPEMatch, nodePath string, k int) result {
	crit, err := cpe.Parse(m.Criteria)
	if err != nil {
		r.unsupportedf("%s.matches[%d]: %v", nodePath, k, err)
		return result{}
	}
	if !m.Vulnerable && crit[cpe.Version] == cpe.NA {
		// NVD names a platform as "cpe:2.3:o:microsoft:windows:-:…" or
		// "cpe:2.3:h:espressif:esp32:-:…": the platform, whatever its
		// version. Taken literally, NA would refuse every SBOM that
		// gives the platform's version.
		crit[cpe.Version] = cpe.Any
	}
	var out result
	r.idx.Candidates(crit, func(i int) bool {
		e := r.idx.Entry(i)
		if !cpe.IsSuperset(crit, e.Name) || !inRange(m, e.Version) {
			return true
		}
		out.ok = true
		if m.Vulnerable {
			out.wit = append(out.wit, witness{entry: i, m: m, path: nodePath})
			out.conds = appendConds(out.conds, []cond{{text: "with " + e.CPE, platform: -1}})
		} else {
			out.conds = appendConds(out.conds, []cond{{text: "with running-on " + e.CPE, platform: i}})
		}
		return true
	})
	return out
}

// inRange reports whether version v is within m's bounds; a criterion
// without bounds takes any version (its own version attribute was
// already compared), one with bounds needs a version.
func inRange(m *vigil.CPEMatch, v string) bool {
	if !m.HasRange() {
		return true
	}
	if v == "" {
		return false
	}
	if b := m.VersionStartIncluding; b != "" && cpe.CompareVersions(v, b) < 0 {
		return false
	}
	if b := m.VersionStartExcluding; b != "" && cpe.CompareVersions(v, b) <= 0 {
		return false
	}
	if b := m.VersionEndIncluding; b != "" && cpe.CompareVersions(v, b) > 0 {
		return false
	}
	if b := m.VersionEndExcluding; b != "" && cpe.CompareVersions(v, b) >= 0 {
		return false
	}
	return true
}

// rangeWords says a criterion's version rule in words.
func rangeWords(m *vigil.CPEMatch) string {
	var parts []string
	for _, b := range []struct{ name, v string }{
		{"versionStartIncluding", m.VersionStartIncluding},
		{"versionStartExcluding", m.VersionStartExcluding},
		{"versionEndIncluding", m.VersionEndIncluding},
		{"versionEndExcluding", m.VersionEndExcluding},
	} {
		if b.v != "" {
			parts = append(parts, b.name+" "+b.v)
		}
	}
	if len(parts) > 0 {
		return strings.Join(parts, ", ")
	}
	if n, err := cpe.Parse(m.Criteria); err == nil {
		switch v := n[cpe.Version]; v {
		case cpe.Any:
			return "any version"
		case cpe.NA:
			return "version not applicable (-)"
		default:
			return "version " + cpe.Unquote(v)
		}
	}
	return ""
}

// report adds a match for a configuration witness.
func (r *run) report(w witness) {
	e := r.idx.Entry(w.entry)
	node := w.path
	var detail []string
	for i, c := range w.conds {
		if i == maxConds {
			node += fmt.Sprintf(" AND (%d more)", len(w.conds)-maxConds)
			break
		}
		node += " AND " + c.text
	}
	for _, c := range w.conds {
		if c.platform >= 0 {
			p := r.idx.Component(r.idx.Entry(c.platform))
			detail = append(detail, "runs on "+describe(p))
		}
	}
	r.add(e.Component, vigil.MatchAffected, vigil.Evidence{
		Identifier: e.CPE,
		Criterion:  w.m.Criteria,
		Range:      rangeWords(w.m),
		Node:       node,
		Detail:     strings.Join(detail, "; "),
	})
}

func describe(c *vigil.Component) string {
	s := c.Ref
	if c.Name != "" {
		s += " (" + strings.TrimSpace(c.Name+" "+c.Version) + ")"
	}
	return s
}

// add records a match for the component at position ci. One match per
// component: the first affected one wins, and an affected match replaces
// a not-affected statement.
func (r *run) add(ci int, status vigil.MatchStatus, ev vigil.Evidence) {
	ev.Matcher, ev.MatcherVersion, ev.Source = Name, version, r.v.Provenance
	m := vigil.Match{
		VulnID:       r.v.ID,
		Aliases:      r.v.Aliases,
		ComponentRef: r.idx.SBOM().Components[ci].Ref,
		Status:       status,
		Confidence:   vigil.ConfidenceCPE,
		Evidence:     ev,
	}
	if k, ok := r.at[ci]; ok {
		if !r.res.Matches[k].Status.IsFinding() && status.IsFinding() {
			r.res.Matches[k] = m
		}
		return
	}
	r.at[ci] = len(r.res.Matches)
	r.res.Matches = append(r.res.Matches, m)
}

package cpeconfig

import (
	"context"
	"fmt"
	"sort"
	"testing"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/cpe"
	"github.com/vigil/vigil/internal/match"
)

// inside returns a version inside m's range, or "" when the guesses miss.
func inside(m *vigil.CPEMatch) string {
	if !m.HasRange() {
		return ""
	}
	for _, v := range []string{m.VersionStartIncluding, m.VersionEndIncluding, m.VersionStartExcluding + ".1",
		m.VersionEndExcluding + "-rc0", "0", "0.0.1", "1"} {
		if v != "" && v != ".1" && inRange(m, v) {
			return v
		}
	}
	return ""
}

// synth makes a component CPE from a criterion: literal values kept,
// wildcards in vendor or product refused, ANY version set inside the
// range.
func synth(m *vigil.CPEMatch) (string, bool) {
	n, err := cpe.Parse(m.Criteria)
	if err != nil {
		return "", false
	}
	for a := cpe.Part; a <= cpe.Other; a++ {
		if n[a] != cpe.Any && n[a] != cpe.NA && cpe.HasWildcards(n[a]) {
			return "", false
		}
	}
	if m.HasRange() {
		v := inside(m)
		if v == "" {
			return "", false
		}
		n[cpe.Version] = cpe.Quote(v)
	}
	return n.String(), true
}

type sweep struct {
	records, configs, criteria, synthesised, skipped int
	held, matches, withPlatform, heldWithoutPlatform int
}

// Every configuration of the real feeds, against an SBOM made of its own
// criteria: it must hold, report every component made from a vulnerable
// criterion and nothing made only from a platform one; without its
// platforms, an AND over a platform-only node must not hold.
func TestMatch_EveryRealConfiguration(t *testing.T) {
	ctx := context.Background()
	for _, src := range []struct {
		name string
		recs map[string]*vigil.Vulnerability
	}{
		{"api-2.0", load(t, "api-2.0")},
		{"feed-1.1", load(t, "feed-1.1")},
	} {
		var s sweep
		ids := make([]string, 0, len(src.recs))
		for id := range src.recs {
			ids = append(ids, id)
		}
		sort.Strings(ids)
		m := New()
		for _, id := range ids {
			v := src.recs[id]
			s.records++
			for ci, cfg := range v.Configurations {
				s.configs++
				name := fmt.Sprintf("%s %s configurations[%d]", src.name, id, ci)
				var comps, noPlatform []*vigil.Component
				vulnRefs := map[string]bool{}
				var vulnCrit []cpe.Name
				skipped := false
				walk(cfg.Nodes, func(cm *vigil.CPEMatch) {
					s.criteria++
					c, ok := synth(cm)
					if !ok {
						s.skipped++
						skipped = true
						return
					}
					s.synthesised++
					comp := &vigil.Component{Ref: fmt.Sprintf("c%d", len(comps)), Name: "x", CPEs: []string{c}}
					comps = append(comps, comp)
					if cm.Vulnerable {
						vulnRefs[comp.Ref] = true
						n, _ := cpe.Parse(cm.Criteria)
						vulnCrit = append(vulnCrit, n)
						noPlatform = append(noPlatform, comp)
					}
				})
				one := *v
				one.Configurations = []vigil.CPEConfiguration{cfg}
				res, err := m.Match(ctx, match.Record{Vuln: &one}, match.NewSBOM(comps))
				if err != nil {
					t.Fatal(err)
				}
				if len(res.Unsupported) > 0 {
					t.Errorf("%s: unsupported %v", name, res.Unsupported)
				}
				seen := map[string]bool{}
				for _, mt := range res.Matches {
					if seen[mt.ComponentRef] {
						t.Errorf("%s: %s reported twice", name, mt.ComponentRef)
					}
					seen[mt.ComponentRef] = true
					if mt.Status != vigil.MatchAffected || mt.Confidence != vigil.ConfidenceCPE || mt.Evidence.Node == "" || mt.Evidence.Criterion == "" {
						t.Errorf("%s: odd match %+v", name, mt)
					}
					if !vulnRefs[mt.ComponentRef] && !matchesAny(vulnCrit, mt.Evidence.Identifier) {
						t.Errorf("%s: reported %s (%s), made from a platform criterion", name, mt.ComponentRef, mt.Evidence.Identifier)
					}
				}
				s.matches += len(res.Matches)
				if len(res.Matches) > 0 {
					s.held++
				}
				if !skipped && !cfg.Negate {
					for ref := range vulnRefs {
						if !seen[ref] {
							t.Errorf("%s: %s made from a vulnerable criterion not reported", name, ref)
						}
					}
				}
				// Without the platforms.
				if cfg.Operator == vigil.OpAnd && hasPlatformOnlyNode(cfg.Nodes) {
					s.withPlatform++
					res, err := m.Match(ctx, match.Record{Vuln: &one}, match.NewSBOM(noPlatform))
					if err != nil {
						t.Fatal(err)
					}
					if len(res.Matches) > 0 {
						s.heldWithoutPlatform++
						t.Errorf("%s: holds without its running-on platform: %v", name, res.Matches)
					}
				}
			}
		}
		t.Logf("%s: %d records, %d configurations, %d criteria (%d synthesised, %d skipped); %d configurations held with %d matches; %d AND configurations with running-on nodes, %d held without the platform",
			src.name, s.records, s.configs, s.criteria, s.synthesised, s.skipped, s.held, s.matches, s.withPlatform, s.heldWithoutPlatform)
		if s.held == 0 || s.withPlatform == 0 {
			t.Errorf("%s: nothing exercised", src.name)
		}
	}
}

func walk(nodes []vigil.CPENode, fn func(*vigil.CPEMatch)) {
	for i := range nodes {
		for j := range nodes[i].Matches {
			fn(&nodes[i].Matches[j])
		}
		walk(nodes[i].Children, fn)
	}
}

func hasPlatformOnlyNode(nodes []vigil.CPENode) bool {
	for _, n := range nodes {
		if len(n.Children) > 0 || len(n.Matches) == 0 {
			continue
		}
		only := true
		for _, m := range n.Matches {
			only = only && !m.Vulnerable
		}
		if only {
			return true
		}
	}
	return false
}

func matchesAny(crits []cpe.Name, s string) bool {
	n, err := cpe.Parse(s)
	if err != nil {
		return false
	}
	for _, c := range crits {
		if cpe.IsSuperset(c, n) {
			return true
		}
	}
	return false
}

package sbom

import (
	"cmp"
	"slices"
	"strings"

	"github.com/package-url/packageurl-go"

	"github.com/vigil/vigil"
)

// Change is one component whose version differs between two sets.
type Change struct {
	Key  string          `json:"key"`
	From vigil.Component `json:"from"`
	To   vigil.Component `json:"to"`
}

// DiffResult lists what changed from one component set to another, each
// list sorted by key then version.
type DiffResult struct {
	Added   []vigil.Component `json:"added"`
	Removed []vigil.Component `json:"removed"`
	Changed []Change          `json:"changed"`
}

// Key is a component's identity across releases: its package URL without
// the version (qualifiers and subpath kept), else type, group and name.
// Keys compare case-sensitively, as purls do.
func Key(c *vigil.Component) string {
	if c.PURL != "" {
		if p, err := packageurl.FromString(c.PURL); err == nil {
			p.Version = ""
			return p.ToString()
		}
		if i := strings.LastIndexByte(c.PURL, '@'); i > 0 {
			return c.PURL[:i]
		}
		return c.PURL
	}
	return "component:" + string(c.Type) + "/" + c.Group + "/" + c.Name
}

// Diff compares the components of an older set a with a newer set b.
// Components are matched by Key; within a key, versions present on both
// sides are unchanged, and the others are paired in version order as
// changes, the surplus being added or removed. So lodash 4.17.20 → 4.17.21
// is a change, while a second copy of lodash is an addition.
func Diff(a, b []vigil.Component) DiffResult {
	group := func(cs []vigil.Component) map[string][]vigil.Component {
		m := make(map[string][]vigil.Component)
		for _, c := range cs {
			k := Key(&c)
			m[k] = append(m[k], c)
		}
		return m
	}
	ga, gb := group(a), group(b)
	keys := make([]string, 0, len(ga)+len(gb))
	for k := range ga {
		keys = append(keys, k)
	}
	for k := range gb {
		if _, ok := ga[k]; !ok {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	byVersion := func(x, y vigil.Component) int {
		return cmp.Or(strings.Compare(x.Version, y.Version), strings.Compare(x.Ref, y.Ref))
	}
	res := DiffResult{Added: []vigil.Component{}, Removed: []vigil.Component{}, Changed: []Change{}}
	for _, k := range keys {
		olds, news := onlyIn(ga[k], gb[k]), onlyIn(gb[k], ga[k])
		slices.SortFunc(olds, byVersion)
		slices.SortFunc(news, byVersion)
		n := min(len(olds), len(news))
		for i := 0; i < n; i++ {
			res.Changed = append(res.Changed, Change{Key: k, From: olds[i], To: news[i]})
		}
		res.Removed = append(res.Removed, olds[n:]...)
		res.Added = append(res.Added, news[n:]...)
	}
	return res
}

// onlyIn returns the components of x whose version no component of y has
// (counting repeats: two copies of 1.0 against one leave one).
func onlyIn(x, y []vigil.Component) []vigil.Component {
	have := make(map[string]int)
	for _, c := range y {
		have[c.Version]++
	}
	var out []vigil.Component
	for _, c := range x {
		if have[c.Version] > 0 {
			have[c.Version]--
			continue
		}
		out = append(out, c)
	}
	return out
}

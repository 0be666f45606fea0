package match

import (
	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/cpe"
)

// CPEIndex finds an SBOM's components by the vendor and product of their
// CPEs, so a CPE criterion looks only at its candidates. Build it once per
// SBOM with NewCPEIndex; it is read-only afterwards and safe for
// concurrent use.
type CPEIndex struct {
	sbom    *SBOM
	entries []CPEEntry
	// byVP maps vendor and product (WFN values) to entry positions.
	byVP map[vpKey][]int32
	// Invalid lists the component CPEs that did not parse.
	Invalid []InvalidCPE
}

// CPEEntry is one CPE of one component.
type CPEEntry struct {
	// Component is the component's position in SBOM.Components.
	Component int
	// CPE is the CPE as the component gives it.
	CPE string
	// Name is CPE unbound. When the CPE's version is ANY and the
	// component has a Version, Name's version is that Version: an SBOM
	// tool that wrote "*" did not mean "every version".
	Name cpe.Name
	// Version is Name's version without quoting, "" when ANY or NA.
	Version string
}

// InvalidCPE is a component CPE that is not a CPE 2.3 formatted string
// nor a CPE URI.
type InvalidCPE struct {
	Component int
	CPE       string
	Err       error
}

type vpKey struct{ vendor, product string }

// NewCPEIndex indexes the CPEs of s's components.
func NewCPEIndex(s *SBOM) *CPEIndex {
	n := 0
	for _, c := range s.Components {
		if c != nil {
			n += len(c.CPEs)
		}
	}
	x := &CPEIndex{sbom: s, byVP: make(map[vpKey][]int32, n), entries: make([]CPEEntry, 0, n)}
	for ci, c := range s.Components {
		if c == nil {
			continue
		}
		for _, raw := range c.CPEs {
			n, err := cpe.Parse(raw)
			if err != nil {
				x.Invalid = append(x.Invalid, InvalidCPE{Component: ci, CPE: raw, Err: err})
				continue
			}
			if n[cpe.Version] == cpe.Any && c.Version != "" {
				n[cpe.Version] = cpe.Quote(c.Version)
			}
			e := CPEEntry{Component: ci, CPE: raw, Name: n}
			if cpe.IsLiteral(n[cpe.Version]) {
				e.Version = cpe.Unquote(n[cpe.Version])
			}
			k := vpKey{n[cpe.Vendor], n[cpe.Product]}
			x.byVP[k] = append(x.byVP[k], int32(len(x.entries)))
			x.entries = append(x.entries, e)
		}
	}
	return x
}

// SBOM returns the SBOM the index was built from.
func (x *CPEIndex) SBOM() *SBOM { return x.sbom }

// Len is the number of indexed CPEs.
func (x *CPEIndex) Len() int { return len(x.entries) }

// Entry returns the i-th indexed CPE.
func (x *CPEIndex) Entry(i int) *CPEEntry { return &x.entries[i] }

// Component returns the component of an entry.
func (x *CPEIndex) Component(e *CPEEntry) *vigil.Component { return x.sbom.Components[e.Component] }

// Candidates calls fn with the position of every entry whose vendor and
// product may match criterion: those with the same vendor and product
// when both are plain strings, every entry otherwise (a criterion with
// ANY or a wildcard there). fn returning false stops the walk.
func (x *CPEIndex) Candidates(criterion cpe.Name, fn func(i int) bool) {
	v, p := criterion[cpe.Vendor], criterion[cpe.Product]
	if cpe.IsLiteral(v) && cpe.IsLiteral(p) {
		for _, i := range x.byVP[vpKey{v, p}] {
			if !fn(int(i)) {
				return
			}
		}
		return
	}
	for i := range x.entries {
		if !fn(i) {
			return
		}
	}
}

package sbom

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strings"

	"github.com/vigil/vigil"
)

// Encode writes one SBOM in the kind asked for: CycloneDX 1.6 JSON or XML,
// SPDX 2.3 JSON or tag-value. doc describes the document to write; its
// Timestamp, SerialNumber (a urn:uuid for CycloneDX, the SPDX document
// namespace), Name, Authors, Tools and Supplier are written as given, so the
// caller fixes the clock and the identifiers. Describes names the component
// the document is about (CycloneDX metadata.component, SPDX DESCRIBES).
//
// Output is deterministic: components are sorted by name, group, version
// and ref, dependency lists are merged per ref and sorted. Support level and
// end-of-support date are carried as the properties/annotations documented
// in docs/sbom.md (SPDX 2.3 also gets validUntilDate). What a format cannot
// carry is left out: SPDX has no group, scope, publisher or nesting (nesting
// becomes CONTAINS), CycloneDX has no SHA-224/MD2/MD4/MD6/ADLER32.
func Encode(w io.Writer, kind Kind, doc *vigil.SBOMDocument, comps []vigil.Component, deps []vigil.Dependency) error {
	comps = sortedComponents(comps)
	deps = mergedDependencies(deps)
	switch kind {
	case KindCycloneDXJSON:
		return encodeCycloneDXJSON(w, doc, comps, deps)
	case KindCycloneDXXML:
		return encodeCycloneDXXML(w, doc, comps, deps)
	case KindSPDXJSON:
		return encodeSPDXJSON(w, doc, comps, deps)
	case KindSPDXTagValue:
		return encodeSPDXTagValue(w, doc, comps, deps)
	}
	return fmt.Errorf("encode sbom: unknown format %q, want one of %v: %w", kind, Kinds, vigil.ErrInvalid)
}

func sortedComponents(comps []vigil.Component) []vigil.Component {
	out := slices.Clone(comps)
	slices.SortStableFunc(out, func(a, b vigil.Component) int {
		return cmp.Or(
			strings.Compare(a.Name, b.Name),
			strings.Compare(a.Group, b.Group),
			strings.Compare(a.Version, b.Version),
			strings.Compare(a.Ref, b.Ref),
		)
	})
	return out
}

// mergedDependencies unites the statements per ref, sorted and without
// repeats.
func mergedDependencies(deps []vigil.Dependency) []vigil.Dependency {
	byRef := make(map[string][]string)
	for _, d := range deps {
		byRef[d.Ref] = append(byRef[d.Ref], d.DependsOn...)
	}
	out := make([]vigil.Dependency, 0, len(byRef))
	for ref, on := range byRef {
		slices.Sort(on)
		out = append(out, vigil.Dependency{Ref: ref, DependsOn: slices.Compact(on)})
	}
	slices.SortFunc(out, func(a, b vigil.Dependency) int { return strings.Compare(a.Ref, b.Ref) })
	return out
}

var reUUIDURN = regexp.MustCompile(`^urn:uuid:[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

// serialURN returns s when it is a urn:uuid, else a name-based UUID (RFC
// 4122 version 5 layout over SHA-256) derived from s, so the same input
// always gives the same serial number. An empty s gives "".
func serialURN(s string) string {
	if s == "" || reUUIDURN.MatchString(s) {
		return s
	}
	h := sha256.Sum256([]byte("vigil-sbom-serial:" + s))
	h[6] = h[6]&0x0f | 0x50
	h[8] = h[8]&0x3f | 0x80
	x := hex.EncodeToString(h[:16])
	return "urn:uuid:" + x[0:8] + "-" + x[8:12] + "-" + x[12:16] + "-" + x[16:20] + "-" + x[20:32]
}

// tree arranges components by parent for CycloneDX nesting.
type tree struct {
	children map[string][]*vigil.Component
	roots    []*vigil.Component
	root     *vigil.Component // the described component, for metadata
}

func buildTree(doc *vigil.SBOMDocument, comps []vigil.Component) *tree {
	t := &tree{children: make(map[string][]*vigil.Component)}
	known := make(map[string]bool, len(comps))
	for i := range comps {
		known[comps[i].Ref] = true
	}
	described := ""
	if len(doc.Describes) > 0 && known[doc.Describes[0]] {
		described = doc.Describes[0]
	}
	for i := range comps {
		c := &comps[i]
		switch {
		case c.Ref == described && c.ParentRef == "":
			t.root = c
		case c.ParentRef != "" && known[c.ParentRef] && c.ParentRef != c.Ref:
			t.children[c.ParentRef] = append(t.children[c.ParentRef], c)
		default:
			t.roots = append(t.roots, c)
		}
	}
	// A component whose parent chain loops back to itself is nowhere
	// reachable; put such components at the top level.
	seen := make(map[string]bool, len(comps))
	var mark func(c *vigil.Component)
	mark = func(c *vigil.Component) {
		if seen[c.Ref] {
			return
		}
		seen[c.Ref] = true
		for _, k := range t.children[c.Ref] {
			mark(k)
		}
	}
	if t.root != nil {
		mark(t.root)
	}
	for _, r := range t.roots {
		mark(r)
	}
	for i := range comps {
		c := &comps[i]
		if !seen[c.Ref] {
			// Cut it from its parent's children and make it a root.
			sib := t.children[c.ParentRef]
			t.children[c.ParentRef] = slices.DeleteFunc(sib, func(x *vigil.Component) bool { return x == c })
			t.roots = append(t.roots, c)
			mark(c)
		}
	}
	return t
}

package match

import (
	"strings"
	"sync"
	"unicode"

	"github.com/package-url/packageurl-go"

	"github.com/vigil/vigil"
)

// ProductIndex looks components of an SBOM up by what identifies them:
// package URL, CPE vendor:product, file hash, normalised name, and the
// device identifiers (model number, SKU, serial number) a component states
// in its properties. Matchers that name products rather than packages (CSAF
// product trees) use it so that one record costs lookups, not a scan of the
// SBOM. It is built once per SBOM (SBOM.Products) and read-only afterwards,
// so it is safe for concurrent use.
type ProductIndex struct {
	comps  []*vigil.Component
	purl   map[string][]int
	cpe    map[string][]int
	hash   map[string][]int
	name   map[string][]int
	idents map[IdentKind][]Ident
}

// lazyProductIndex holds an SBOM's ProductIndex, built on first use.
type lazyProductIndex struct {
	once sync.Once
	idx  *ProductIndex
}

// Products returns the SBOM's product index, building it on first use.
// The component slice must not change after the first call.
func (s *SBOM) Products() *ProductIndex {
	s.products.once.Do(func() { s.products.idx = NewProductIndex(s.Components) })
	return s.products.idx
}

// IdentKind is a kind of device identifier a component may state.
type IdentKind string

const (
	IdentModel  IdentKind = "model_number"
	IdentSKU    IdentKind = "sku"
	IdentSerial IdentKind = "serial_number"
)

// Ident is one device identifier of a component: where it came from
// (Field: "properties[model_number]" or "name") and its value.
type Ident struct {
	Comp  int
	Field string
	Value string
}

// identKind says which identifier a property carries, from its
// normalised name (see PropertyKey). Only names that say plainly what they
// hold are taken; free text (description, notes) is never read.
func identKind(key string) (IdentKind, bool) {
	switch key {
	case "model", "model_number", "model_no", "modelnumber", "device_model", "hardware_model":
		return IdentModel, true
	case "sku", "skus", "stock_keeping_unit", "part_number", "partnumber", "article_number",
		"catalog_number", "order_number":
		return IdentSKU, true
	case "serial", "serial_number", "serial_no", "serialnumber":
		return IdentSerial, true
	}
	return "", false
}

// PropertyKey normalises a property name for identifier lookup: the last
// segment of a namespaced name ("acme:device:Model Number" →
// "model_number"), lower-cased, with spaces, hyphens and dots as "_".
func PropertyKey(name string) string {
	if i := strings.LastIndexByte(name, ':'); i >= 0 {
		name = name[i+1:]
	}
	name = strings.ToLower(strings.TrimSpace(name))
	return strings.Map(func(r rune) rune {
		switch r {
		case ' ', '-', '.':
			return '_'
		}
		return r
	}, name)
}

// NewProductIndex indexes comps. Each component is keyed by:
//   - its purl's type/namespace/name (PURLKey);
//   - each CPE's vendor:product (CPEKey);
//   - each hash, algorithm-aware (HashKey);
//   - its name (NameKey), and its group + name;
//   - model numbers, SKUs and serial numbers from properties whose
//     normalised name says so (model, model_number, sku, part_number,
//     serial_number, …); a device's name also counts as its model number.
func NewProductIndex(comps []*vigil.Component) *ProductIndex {
	n := len(comps)
	x := &ProductIndex{comps: comps, purl: make(map[string][]int, n), cpe: make(map[string][]int, n),
		hash: make(map[string][]int, 2*n), name: make(map[string][]int, n), idents: map[IdentKind][]Ident{}}
	for i, c := range comps {
		if c == nil {
			continue
		}
		if k, _, ok := PURLKey(c.PURL); ok {
			x.purl[k] = append(x.purl[k], i)
		}
		for _, s := range c.CPEs {
			if k, _, ok := CPEKey(s); ok {
				x.cpe[k] = appendOnce(x.cpe[k], i)
			}
		}
		for _, h := range c.Hashes {
			if k := HashKey(string(h.Alg), h.Value); k != "" {
				x.hash[k] = appendOnce(x.hash[k], i)
			}
		}
		if k := NameKey(c.Name); k != "" {
			x.name[k] = append(x.name[k], i)
			if c.Group != "" {
				if g := NameKey(c.Group + " " + c.Name); g != k {
					x.name[g] = append(x.name[g], i)
				}
			}
		}
		for _, p := range c.Properties {
			if kind, ok := identKind(PropertyKey(p.Name)); ok && strings.TrimSpace(p.Value) != "" {
				x.idents[kind] = append(x.idents[kind], Ident{Comp: i, Field: "properties[" + p.Name + "]", Value: strings.TrimSpace(p.Value)})
			}
		}
		if c.Type == vigil.ComponentDevice && strings.TrimSpace(c.Name) != "" {
			x.idents[IdentModel] = append(x.idents[IdentModel], Ident{Comp: i, Field: "name", Value: strings.TrimSpace(c.Name)})
		}
	}
	return x
}

func appendOnce(s []int, i int) []int {
	if len(s) > 0 && s[len(s)-1] == i {
		return s
	}
	return append(s, i)
}

// Component returns the i-th component.
func (x *ProductIndex) Component(i int) *vigil.Component { return x.comps[i] }

// Len is the number of components.
func (x *ProductIndex) Len() int { return len(x.comps) }

// ByPURL returns the components whose purl has key (PURLKey).
func (x *ProductIndex) ByPURL(key string) []int { return x.purl[key] }

// ByCPE returns the components with a CPE of key vendor:product (CPEKey).
func (x *ProductIndex) ByCPE(key string) []int { return x.cpe[key] }

// ByHash returns the components with a hash of key (HashKey).
func (x *ProductIndex) ByHash(key string) []int { return x.hash[key] }

// ByName returns the components whose name (or group + name) has key
// (NameKey).
func (x *ProductIndex) ByName(key string) []int { return x.name[key] }

// Idents returns every identifier of kind the components state.
func (x *ProductIndex) Idents(kind IdentKind) []Ident { return x.idents[kind] }

// caseInsensitivePURLType reports whether a purl type's namespace and
// name compare without regard to case (purl specification, known types).
func caseInsensitivePURLType(t string) bool {
	switch t {
	case "bitbucket", "github", "gitlab", "pypi", "composer", "nuget", "npm", "hex", "deb", "apk", "alpm":
		return true
	}
	return false
}

// PURLKey parses a purl and returns its identity without version,
// qualifiers or subpath, "type/namespace/name", in the comparison form of
// its type, and its version. ok is false when s is not a purl.
func PURLKey(s string) (key, version string, ok bool) {
	if s == "" {
		return "", "", false
	}
	p, err := packageurl.FromString(s)
	if err != nil || p.Name == "" {
		return "", "", false
	}
	t := strings.ToLower(p.Type)
	ns, name := p.Namespace, p.Name
	if caseInsensitivePURLType(t) {
		ns, name = strings.ToLower(ns), strings.ToLower(name)
	}
	if t == "pypi" {
		name = strings.ReplaceAll(name, "_", "-")
	}
	return t + "/" + ns + "/" + name, p.Version, true
}

// CPEKey parses a CPE 2.3 formatted string or a CPE 2.2 URI and returns
// "vendor:product" lower-cased with escapes removed, and the version
// ("" when it is ANY or NA). ok is false when s is not a CPE or names no
// vendor and product.
func CPEKey(s string) (key, version string, ok bool) {
	var f []string
	switch {
	case strings.HasPrefix(s, "cpe:2.3:"):
		f = splitCPE(s[len("cpe:2.3:"):])
	case strings.HasPrefix(strings.ToLower(s), "cpe:/"):
		f = strings.Split(s[len("cpe:/"):], ":")
	default:
		return "", "", false
	}
	if len(f) < 3 {
		return "", "", false
	}
	vendor, product := cpeValue(f[1]), cpeValue(f[2])
	if vendor == "" || product == "" || vendor == "*" || product == "*" || vendor == "-" || product == "-" {
		return "", "", false
	}
	if len(f) > 3 {
		version = cpeValue(f[3])
		if version == "*" || version == "-" {
			version = ""
		}
	}
	return vendor + ":" + product, version, true
}

// splitCPE splits a CPE 2.3 formatted string on colons not escaped by a
// backslash.
func splitCPE(s string) []string {
	var out []string
	start := 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case ':':
			out = append(out, s[start:i])
			start = i + 1
		}
	}
	return append(out, s[start:])
}

// cpeValue lower-cases a CPE component and removes backslash escapes and
// CPE 2.2 percent-encoding of the common punctuation.
func cpeValue(s string) string {
	s = strings.ToLower(s)
	if strings.ContainsRune(s, '%') {
		s = strings.NewReplacer("%21", "!", "%2d", "-", "%2e", ".", "%2f", "/", "%3a", ":", "%5f", "_", "%7e", "~").Replace(s)
	}
	if !strings.ContainsRune(s, '\\') {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) {
			i++
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// HashKey returns "ALG:hex" for a digest: the algorithm's name in
// upper case without separators, so that CSAF's "sha256", CycloneDX's
// "SHA-256" and SPDX's "SHA256" meet, and the value in lower-case hex.
// It returns "" for an empty value.
func HashKey(alg, value string) string {
	value = strings.ToLower(strings.TrimSpace(value))
	if value == "" || alg == "" {
		return ""
	}
	a := strings.Map(func(r rune) rune {
		switch r {
		case '-', '_', ' ':
			return -1
		}
		return unicode.ToUpper(r)
	}, alg)
	return a + ":" + value
}

// NameKey is the comparison form of a name: letters and digits only,
// lower-cased (Unicode simple folding), so that "Castle.Core",
// "castle core" and "CastleCore" meet. It returns "" when s has no letter
// or digit.
func NameKey(s string) string {
	var b strings.Builder
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}

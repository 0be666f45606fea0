package ident

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"
	"sync"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/match"
	"github.com/vigil/vigil/internal/match/csafproduct"
)

// DefaultThreshold is the confidence from which a link counts without a
// person's word: below it a link is "possible" and listed for someone to
// confirm or reject. An organization may set its own.
const DefaultThreshold = vigil.DefaultLinkThreshold

// MinConfidence is the least confidence of a link worth showing at all.
const MinConfidence = 0.3

// Vendors says whether two manufacturer names name one manufacturer (the
// fleet's alias table).
type Vendors interface {
	Same(x, y string) (bool, string)
}

// Device is an asset as a hospital's inventory describes it.
type Device struct {
	Manufacturer string
	Model        string
	// Version is the inventory's version column; when empty, the version
	// written inside the model is used.
	Version string
}

// Evidence says why a device and a product were linked, part by part.
type Evidence struct {
	// Vendor says how the manufacturers matched.
	Vendor string `json:"vendor"`
	// Numbers are the model, part or catalogue numbers both name.
	Numbers []string `json:"numbers,omitempty"`
	// Words are the words of the product's name the model also has;
	// Missing those it lacks, Extra the model's words the product lacks.
	Words   []string `json:"words,omitempty"`
	Missing []string `json:"missing,omitempty"`
	Extra   []string `json:"extra,omitempty"`
	// Firmware is the version read from the model text, when the
	// inventory had none of its own.
	Firmware string `json:"firmware,omitempty"`
	// Version says what the advisory's version rule made of the device's
	// version.
	Version string `json:"version"`
}

// String is the evidence in one line.
func (e Evidence) String() string {
	parts := []string{e.Vendor}
	if len(e.Numbers) > 0 {
		parts = append(parts, "model number "+strings.Join(e.Numbers, ", "))
	}
	if len(e.Words) > 0 {
		parts = append(parts, "words "+strings.Join(e.Words, ", "))
	}
	if len(e.Missing) > 0 {
		parts = append(parts, "model lacks "+strings.Join(e.Missing, ", "))
	}
	if len(e.Extra) > 0 {
		parts = append(parts, "model adds "+strings.Join(e.Extra, ", "))
	}
	if e.Firmware != "" {
		parts = append(parts, fmt.Sprintf("firmware %q read from the model", e.Firmware))
	}
	parts = append(parts, e.Version)
	return strings.Join(parts, "; ")
}

// Link is a device named by a product of an advisory's tree.
type Link struct {
	ProductID string `json:"product_id"`
	// Name is the product's full name.
	Name string `json:"name"`
	// Confidence is 0–1: how sure it is that the device is this product.
	Confidence float64  `json:"confidence"`
	Evidence   Evidence `json:"evidence"`
	// name is the part of the confidence that comes from the names.
	name float64
}

// Product is what identification reads of a product tree entry.
type Product struct {
	Model Model
	// Vendors are the vendor's words, left out of name comparisons ("BD
	// Pyxis MedStation ES" is the "Pyxis MedStation ES" of BD).
	Vendors []string
	// VersionNumbers are model numbers CISA wrote in the version ("8.x
	// model 35700BAX2"): evidence when the inventory names them, a
	// conflict when it names another, but no loss when it names none.
	VersionNumbers []string
}

// ReadProduct reads a product tree entry: the words and numbers of its
// product name (numbers in parentheses included), the model numbers, SKUs,
// CPE product and purl name of its identification helper, and a model
// number CISA sometimes writes in the version ("8.x model 35700BAX2").
func ReadProduct(p vigil.TreeProduct) Product {
	name := p.Product
	if strings.TrimSpace(name) == "" {
		name = p.Name
	}
	m := Model{Text: Clean(name)}
	m.Words, m.Numbers = words(m.Text)
	add := func(s string) {
		for _, n := range []string{match.NameKey(Clean(s))} {
			if n != "" && len(n) <= 64 && !slices.Contains(m.Numbers, n) {
				m.Numbers = append(m.Numbers, n)
			}
		}
		_, nums := words(Clean(s))
		for _, n := range nums {
			if !slices.Contains(m.Numbers, n) {
				m.Numbers = append(m.Numbers, n)
			}
		}
	}
	if h := p.Helper; h != nil {
		for _, x := range h.ModelNumbers {
			add(x)
		}
		for _, x := range h.SKUs {
			add(x)
		}
		if _, _, product, ok := match.SplitCPE(h.CPE); ok && hasDigit(product) {
			add(product)
		}
		if name := purlName(h.PURL); hasDigit(name) {
			add(name)
		}
	}
	pr := Product{Model: m}
	for _, v := range []string{p.Version, p.VersionRange} {
		ts := tokens(Clean(v))
		for i, t := range ts {
			if t == "model" && i+1 < len(ts) && hasDigit(ts[i+1]) && !slices.Contains(pr.VersionNumbers, ts[i+1]) {
				pr.VersionNumbers = append(pr.VersionNumbers, ts[i+1])
			}
		}
	}
	for _, v := range csafproduct.VendorNames(Clean(p.Vendor)) {
		pr.Vendors = append(pr.Vendors, strings.Fields(v)...)
	}
	return pr
}

// products caches ReadProduct: a fleet is matched against the same
// advisories asset after asset. Bounded: past maxCached entries it starts
// again.
var products = struct {
	sync.Mutex
	m map[productKey]Product
}{m: map[productKey]Product{}}

const maxCached = 20_000

type productKey struct {
	vendor, product, name, version, versionRange string
	helper                                       *vigil.ProductIdentificationHelper
}

func readCached(p vigil.TreeProduct) Product {
	k := productKey{p.Vendor, p.Product, p.Name, p.Version, p.VersionRange, p.Helper}
	products.Lock()
	pr, ok := products.m[k]
	products.Unlock()
	if ok {
		return pr
	}
	pr = ReadProduct(p)
	products.Lock()
	if len(products.m) >= maxCached {
		products.m = map[productKey]Product{}
	}
	products.m[k] = pr
	products.Unlock()
	return pr
}

// purlName is the name of a purl ("pkg:generic/acme/ip-3000@3.0" →
// "ip-3000").
func purlName(p string) string {
	id := match.PURLIdentity(p)
	if i := strings.LastIndexByte(id, '/'); i >= 0 {
		id = id[i+1:]
	}
	return id
}

// Match links a device to one product tree entry, or says it is not that
// product. The rules:
//
//   - the manufacturers must be the same (aliases, legal forms, diacritics
//     and double-encoded UTF-8 forgiven), else no link;
//   - numbers: when the product and the model both carry model numbers
//     and share none, they are different models ("Optima 540" is not the
//     "Optima 520"); a shared number is strong evidence;
//   - words: the product's words the model has, weighed (words that name a
//     kind of device count little), less the distinctive words the model
//     adds;
//   - version: the inventory's version, else the one written in the
//     model, checked against the product's product_version_range (vers or
//     CISA's text) or product_version with the knowledge base's own rule;
//     a version outside is no link, one that cannot be checked lowers the
//     confidence.
func Match(d Device, p vigil.TreeProduct, vendors Vendors) (Link, bool) {
	if strings.TrimSpace(p.Vendor) == "" {
		return Link{}, false
	}
	same, why := vendors.Same(Clean(d.Manufacturer), Clean(p.Vendor))
	if !same {
		return Link{}, false
	}
	return matchProduct(d, ParseModel(d.Model), p, ReadProduct(p), why)
}

// matchProduct matches a device to a product of the same manufacturer
// (vendorWhy says how they matched).
func matchProduct(d Device, am Model, p vigil.TreeProduct, pr Product, vendorWhy string) (Link, bool) {
	l := Link{ProductID: p.ProductID, Name: p.Name}
	l.Evidence.Vendor = vendorWhy
	vendorWord := map[string]bool{}
	for _, w := range pr.Vendors {
		vendorWord[w] = true
	}
	for _, w := range strings.Fields(csafproduct.Normalize(Clean(d.Manufacturer))) {
		vendorWord[w] = true
	}

	// Numbers.
	pn, an := pr.Model.Numbers, am.Numbers
	all := append(slices.Clip(pn), pr.VersionNumbers...)
	lettered := false
	for _, n := range all {
		if slices.Contains(an, n) && !slices.Contains(l.Evidence.Numbers, n) {
			l.Evidence.Numbers = append(l.Evidence.Numbers, n)
			lettered = lettered || hasLetter(n)
		}
	}
	if len(all) > 0 && len(an) > 0 && len(l.Evidence.Numbers) == 0 {
		return l, false
	}

	// Words, without the vendor's.
	var total, common, extra, distinct float64
	missing := false
	for _, w := range pr.Model.Words {
		if vendorWord[w] {
			continue
		}
		total += weight(w)
		if weight(w) == 1 {
			distinct++
		}
		if slices.Contains(am.Words, w) {
			common += weight(w)
			l.Evidence.Words = append(l.Evidence.Words, w)
		} else {
			l.Evidence.Missing = append(l.Evidence.Missing, w)
			missing = missing || weight(w) == 1
		}
	}
	substituted := false
	for _, w := range am.Words {
		if vendorWord[w] || slices.Contains(pr.Model.Words, w) {
			continue
		}
		extra += weight(w)
		l.Evidence.Extra = append(l.Evidence.Extra, w)
		substituted = substituted || missing && weight(w) == 1
	}
	if len(l.Evidence.Numbers) > 0 && !lettered && distinct > 0 && len(l.Evidence.Words) == 0 {
		// "THUNIS-800+" and "PETrace 800" share a bare number and no
		// word: two devices.
		return l, false
	}
	cov := 0.0
	if total > 0 {
		cov = common / total
	}
	var conf float64
	switch {
	case len(l.Evidence.Numbers) > 0:
		// The strongest evidence: a shared model number, better with
		// the name's words.
		conf = 0.75 + 0.25*cov
		if total == 0 {
			conf = 0.95
		}
	case len(l.Evidence.Words) == 0:
		return l, false
	default:
		conf = 0.85 * cov
		if len(pn) > 0 {
			// The product has a model number the inventory does not
			// state: the name alone may be another model of the line.
			conf *= 0.6
		}
	}
	conf -= 0.15 * min(extra, 3)
	if substituted {
		// A distinctive word of the product is missing and another
		// stands in its place ("Anesthesia Station 4000" against
		// "MedStation 4000", "LTS" against "TS"): likely a sibling.
		conf -= 0.25
	}
	l.name = conf

	// Version.
	version := strings.TrimSpace(d.Version)
	if version == "" && am.Firmware != "" {
		version = am.Firmware
		l.Evidence.Firmware = am.Firmware
	}
	version = versionForm(version)
	ok, rule, err := csafproduct.VersionCovers(p, version)
	switch {
	case err != nil && version == "":
		conf *= 0.9
		l.Evidence.Version = "version not stated; advisory: " + rule
	case err != nil:
		conf *= 0.85
		l.Evidence.Version = fmt.Sprintf("version %q not checked: %v", version, err)
	case !ok:
		return l, false
	case version == "":
		l.Evidence.Version = rule
	default:
		l.Evidence.Version = fmt.Sprintf("version %q within %s", version, rule)
		// A version the advisory's rule covers is evidence of its own.
		conf = min(1, conf+0.1)
	}
	l.Confidence = math.Round(conf*100) / 100
	return l, l.Confidence >= MinConfidence
}

// versionForm is a version as the advisory's rule compares it: without a
// leading "v", "fw" or "version" word.
func versionForm(v string) string {
	v = strings.TrimSpace(v)
	lv := strings.ToLower(v)
	for _, p := range []string{"firmware", "version", "ver.", "ver", "fw", "sw", "rev"} {
		if strings.HasPrefix(lv, p) {
			rest := strings.TrimLeft(v[len(p):], " .:")
			if rest != "" && rest[0] >= '0' && rest[0] <= '9' || len(rest) > 1 && (rest[0] == 'v' || rest[0] == 'V') {
				v = rest
			}
			break
		}
	}
	if c, ok := cutV(v); ok {
		v = c
	}
	return v
}

// MatchAdvisory links a device to the products of one advisory that name
// it. Among products of the same advisory it keeps those whose names fit
// best: "Pyxis MedStation ES Server" is that product, not also the
// "Pyxis MedStation ES" beside it; versions still tell apart products of
// one name.
func MatchAdvisory(d Device, adv *vigil.Advisory, vendors Vendors) []Link {
	am := ParseModel(d.Model)
	if len(am.Words) == 0 && len(am.Numbers) == 0 {
		return nil
	}
	var out []Link
	seen := map[string]bool{}
	// An advisory names one vendor or a few: decide each once.
	type vendorMatch struct {
		same bool
		why  string
	}
	byVendor := map[string]vendorMatch{}
	manufacturer := Clean(d.Manufacturer)
	for _, p := range adv.ProductTree.Products() {
		if p.ProductID == "" || seen[p.ProductID] || strings.TrimSpace(p.Vendor) == "" {
			continue
		}
		vm, ok := byVendor[p.Vendor]
		if !ok {
			vm.same, vm.why = vendors.Same(manufacturer, Clean(p.Vendor))
			byVendor[p.Vendor] = vm
		}
		if !vm.same {
			continue
		}
		l, ok := matchProduct(d, am, p, readCached(p), vm.why)
		if !ok {
			continue
		}
		seen[p.ProductID] = true
		out = append(out, l)
	}
	if len(out) == 0 {
		return nil
	}
	best := slices.MaxFunc(out, func(a, b Link) int { return cmp.Compare(a.name, b.name) }).name
	out = slices.DeleteFunc(out, func(l Link) bool { return l.name < best-0.05 })
	slices.SortStableFunc(out, func(a, b Link) int {
		if c := cmp.Compare(b.Confidence, a.Confidence); c != 0 {
			return c
		}
		return cmp.Compare(a.ProductID, b.ProductID)
	})
	return out
}

// LookupKeys are the keys under which an index of advisory products (see
// ProductKeys) may list a device: its model numbers and its distinctive
// words.
func LookupKeys(model string) []string {
	m := ParseModel(model)
	return keys(m)
}

// ProductKeys are the keys to index a product tree entry under, so that
// LookupKeys of a device finds it.
func ProductKeys(p vigil.TreeProduct) []string {
	return keys(ReadProduct(p).Model)
}

func keys(m Model) []string {
	var out []string
	for _, n := range m.Numbers {
		if len(n) >= 2 && len(n) <= 64 {
			out = append(out, n)
		}
	}
	for _, w := range m.Words {
		if len(w) >= 3 && !generic[w] && len(w) <= 64 {
			out = append(out, w)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

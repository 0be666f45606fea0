// Package fleet holds the hospital-fleet logic that needs no I/O: the
// manufacturer alias table, mapping assets to manufacturer releases and to
// device-advisory products, the exposure rule (the id a vulnerability is
// grouped by, what a device advisory says of one of its products:
// StatementOf) and the contextual priority of an asset × vulnerability.
package fleet

import (
	"strings"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/fleet/ident"
	"github.com/vigil/vigil/internal/match/csafproduct"
)

// AliasGroup is one manufacturer and the other names CMMS exports,
// advisories and SBOMs use for it: former names, legal names, acquired
// companies whose devices it now supports, common misspellings.
type AliasGroup struct {
	Canonical string
	Aliases   []string
}

// BuiltinAliases is the table vigil ships. An organization adds its own
// with `vigil asset alias add`; its entries win over these.
func BuiltinAliases() []AliasGroup {
	return []AliasGroup{
		{"GE HealthCare", []string{"GE Healthcare", "GE Medical Systems", "GE Medical Systems Information Technologies",
			"General Electric Healthcare", "GE Healthcare Technologies", "GE HealthCare Technologies", "GEHC", "Datex-Ohmeda", "GE"}},
		{"Philips", []string{"Philips Healthcare", "Philips Medical Systems", "Koninklijke Philips N.V.", "Royal Philips",
			"Philips North America", "Philips Medizin Systeme", "Phillips", "Phillips Healthcare"}},
		{"Siemens Healthineers", []string{"Siemens Healthcare", "Siemens Healthcare GmbH", "Siemens Medical Solutions",
			"Siemens Medical Solutions USA", "Siemens Medical", "Siemens"}},
		{"Baxter", []string{"Baxter International", "Baxter Healthcare", "Baxter Healthcare Corporation", "Hill-Rom", "Hillrom", "Welch Allyn"}},
		{"B. Braun", []string{"B Braun", "B.Braun", "B. Braun Melsungen", "B. Braun Melsungen AG", "B. Braun Medical", "Braun"}},
		{"BD", []string{"Becton, Dickinson and Company", "Becton Dickinson", "Becton Dickinson and Company", "BD Medical",
			"CareFusion", "BD CareFusion", "Cardinal Health CareFusion", "Alaris Medical Systems"}},
		{"Medtronic", []string{"Medtronic plc", "Medtronic Inc", "Medtronic MiniMed", "Covidien", "Puritan Bennett"}},
		{"Abbott", []string{"Abbott Laboratories", "St. Jude Medical", "St Jude Medical", "Abbott Medical"}},
		{"ICU Medical", []string{"Smiths Medical", "Hospira", "Smiths Group"}},
		{"Dräger", []string{"Draeger", "Drager", "Drägerwerk", "Drägerwerk AG & Co. KGaA", "Draeger Medical"}},
		{"Canon Medical Systems", []string{"Toshiba Medical Systems", "Toshiba Medical", "Canon Medical"}},
		{"Fujifilm", []string{"FUJIFILM Healthcare", "Fujifilm Medical Systems", "FUJIFILM Corporation", "Hitachi Healthcare"}},
		{"Getinge", []string{"Maquet", "Maquet Critical Care", "Getinge Group"}},
		{"Mindray", []string{"Shenzhen Mindray Bio-Medical Electronics", "Mindray Medical", "Mindray North America"}},
		{"Nihon Kohden", []string{"Nihon Kohden Corporation", "Nihon Kohden America"}},
		{"ZOLL", []string{"ZOLL Medical", "ZOLL Medical Corporation"}},
		{"Boston Scientific", []string{"Boston Scientific Corporation", "Guidant"}},
		{"Natus", []string{"Natus Medical", "Natus Medical Incorporated", "Excel-Tech", "Xltek"}},
		{"Spacelabs Healthcare", []string{"Spacelabs", "Spacelabs Medical", "OSI Systems"}},
		{"Masimo", []string{"Masimo Corporation"}},
		{"Stryker", []string{"Stryker Corporation", "Physio-Control"}},
		{"Varian", []string{"Varian Medical Systems"}},
		{"Elekta", []string{"Elekta AB", "IMPAC Medical Systems"}},
		{"Carestream", []string{"Carestream Health"}},
		{"Hamilton Medical", []string{"Hamilton Medical AG"}},
		{"Olympus", []string{"Olympus Medical Systems", "Olympus Corporation"}},
	}
}

// Aliases resolves manufacturer names to one canonical name each.
type Aliases struct {
	// canon maps a name key to the canonical name.
	canon map[string]string
	// memo remembers Canonical's answers: a fleet names few manufacturers
	// many times. An Aliases is used by one goroutine at a time.
	memo map[string]canonical
}

type canonical struct {
	name  string
	known bool
}

// nameKey is the form names are compared in: words lower-cased, legal
// forms dropped, spaces removed ("B. Braun Melsungen AG" → "bbraunmelsungen"),
// double-encoded UTF-8 repaired and diacritics folded ("Innokas YhtymÃ¤ Oy"
// → "innokasyhtyma").
func nameKey(s string) string {
	return strings.ReplaceAll(csafproduct.StripSuffixes(csafproduct.Normalize(ident.Clean(s))), " ", "")
}

// NewAliases builds the resolver from the built-in table and an
// organization's own aliases, which win.
func NewAliases(own []vigil.ManufacturerAlias) *Aliases {
	a := &Aliases{canon: map[string]string{}, memo: map[string]canonical{}}
	for _, g := range BuiltinAliases() {
		a.canon[nameKey(g.Canonical)] = g.Canonical
		for _, x := range g.Aliases {
			a.canon[nameKey(x)] = g.Canonical
		}
	}
	for _, m := range own {
		// An alias may point at another alias: follow it to its group.
		target := m.Canonical
		if c, ok := a.canon[nameKey(target)]; ok {
			target = c
		}
		a.canon[nameKey(m.Alias)] = target
		if _, ok := a.canon[nameKey(m.Canonical)]; !ok {
			a.canon[nameKey(m.Canonical)] = target
		}
	}
	return a
}

// Canonical returns the canonical name of a manufacturer name and whether
// the table knew it; an unknown name is its own canonical name.
func (a *Aliases) Canonical(name string) (string, bool) {
	if c, ok := a.memo[name]; ok {
		return c.name, c.known
	}
	c, known := a.canonical(name)
	if len(a.memo) < 100_000 {
		a.memo[name] = canonical{c, known}
	}
	return c, known
}

func (a *Aliases) canonical(name string) (string, bool) {
	if c, ok := a.canon[nameKey(name)]; ok {
		return c, true
	}
	// "Becton, Dickinson and Company (BD)": try each name the text stands for.
	clean := ident.Clean(name)
	for _, n := range csafproduct.VendorNames(clean) {
		if c, ok := a.canon[strings.ReplaceAll(n, " ", "")]; ok {
			return c, true
		}
	}
	return strings.TrimSpace(clean), false
}

// Same reports whether two manufacturer names name the same manufacturer,
// and says why in words when they do.
func (a *Aliases) Same(x, y string) (bool, string) {
	cx, kx := a.Canonical(x)
	cy, ky := a.Canonical(y)
	if nameKey(cx) == nameKey(cy) && nameKey(cx) != "" {
		switch {
		case nameKey(x) == nameKey(y):
			return true, "same manufacturer name"
		case kx || ky:
			return true, "manufacturer alias " + quoteJoin(x, y) + " → " + cx
		}
		return true, "same manufacturer name"
	}
	// Vendor texts that list several names, or a longer legal name
	// ("Koninklijke Philips Electronics") that the table lacks.
	// Either side as written, or as the table names it: "Smiths Medical
	// ASD" and "Smiths Medical" overlap although the table files the
	// latter under ICU Medical.
	for _, sx := range []string{cx, ident.Clean(x)} {
		for _, sy := range []string{cy, ident.Clean(y)} {
			for _, nx := range csafproduct.VendorNames(sx) {
				for _, ny := range csafproduct.VendorNames(sy) {
					if csafproduct.SameVendor(nx, ny) {
						return true, "manufacturer names " + quoteJoin(x, y) + " overlap"
					}
				}
			}
		}
	}
	return false, ""
}

func quoteJoin(x, y string) string {
	if nameKey(x) == nameKey(y) {
		return `"` + x + `"`
	}
	return `"` + x + `" / "` + y + `"`
}

package synth

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"golang.org/x/text/encoding/charmap"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/match"
	"github.com/vigil/vigil/internal/match/csafproduct"
)

// DeviceAsset is one row of a generated CMMS export and the vulnerabilities
// the device it describes really has.
type DeviceAsset struct {
	Asset *vigil.Asset
	// Source says what the row was made from: "ICSMA-17-250-02 CSAFPID-0003
	// (Medfusion 4000 … 1.6)", "decoy: …" or "fixed version: …".
	Source string
	// TrueVersion is the version the device runs, whether or not the row
	// states it.
	TrueVersion string
	// Want are the CVE ids of the advisories that affect the device.
	Want []string
}

// DeviceFleet is a generated CMMS export of devices named by real device
// advisories, written the way CMMS exports write them, with decoys.
type DeviceFleet struct {
	Assets []DeviceAsset
}

// Pairs returns the expected (asset tag, CVE) pairs.
func (f *DeviceFleet) Pairs() map[[2]string]bool {
	out := map[[2]string]bool{}
	for _, a := range f.Assets {
		for _, v := range a.Want {
			out[[2]string{a.Asset.AssetTag, v}] = true
		}
	}
	return out
}

// cmmsVendors are manufacturer spellings seen in CMMS exports, by the
// vendor's normalised name in advisories: abbreviations, legal names,
// upper case, former and acquired names.
var cmmsVendors = map[string][]string{
	"st jude medical":           {"St Jude Medical", "ST. JUDE MEDICAL INC", "Abbott Medical"},
	"becton dickinson":          {"BD", "Becton Dickinson", "BECTON DICKINSON & CO", "CareFusion", "BD CareFusion"},
	"b braun":                   {"B. Braun Melsungen AG", "B BRAUN MEDICAL INC", "B.Braun"},
	"b braun medical":           {"B. Braun Melsungen AG", "B BRAUN MEDICAL INC", "B.Braun"},
	"abbott laboratories":       {"Abbott", "ABBOTT LABORATORIES INC", "St. Jude Medical"},
	"smiths medical":            {"Smiths Medical ASD", "SMITHS MEDICAL ASD INC", "ICU Medical"},
	"philips":                   {"Philips Healthcare", "PHILIPS MEDICAL SYSTEMS", "Philips Medizin Systeme Böblingen GmbH", "Koninklijke Philips N.V."},
	"phillips":                  {"Philips Healthcare", "PHILIPS MEDICAL SYSTEMS"},
	"ge healthcare":             {"GE Medical Systems", "GE HEALTHCARE", "GE Healthcare Inc.", "GE"},
	"natus medical":             {"Natus", "NATUS MEDICAL INC", "Xltek"},
	"carestream":                {"Carestream Health Inc", "CARESTREAM HEALTH"},
	"medtronic":                 {"Medtronic Inc.", "MEDTRONIC MINIMED", "Medtronic plc"},
	"fujifilm":                  {"FUJIFILM Medical Systems", "Fujifilm Corporation"},
	"insulet":                   {"Insulet Corporation", "INSULET CORP"},
	"baxter":                    {"Baxter Healthcare Corporation", "BAXTER HEALTHCARE CORP"},
	"zoll":                      {"ZOLL Medical Corporation", "Zoll Medical"},
	"boston scientific":         {"Boston Scientific Corporation", "BOSTON SCIENTIFIC CORP"},
	"illumina":                  {"Illumina Inc.", "ILLUMINA"},
	"santesoft":                 {"Santesoft LTD", "SANTESOFT"},
	"microdicom":                {"MicroDicom Ltd.", "MICRODICOM"},
	"digi international":        {"Digi International Inc.", "DIGI INTL"},
	"mobotix":                   {"MOBOTIX AG", "Mobotix"},
	"schneider electric":        {"Schneider Electric SE", "SCHNEIDER ELECTRIC"},
	"wind river":                {"Wind River Systems", "WIND RIVER"},
	"enea":                      {"ENEA AB"},
	"treck":                     {"Treck Inc."},
	"green hills software":      {"Green Hills Software LLC"},
	"ip infusion":               {"IP Infusion Inc."},
	"itron":                     {"Itron Inc."},
	"enea green hills software": {"Wind River"},
}

// legalSuffixes are legal forms CMMS rows append.
var legalSuffixes = []string{" Inc.", ", LLC", " GmbH", " Oy", " SE & Co. KG", " N.V.", " Corp.", " AG"}

// decoys are real devices no advisory of the set names, written as CMMS
// rows: some of another maker, some of an advisory's maker but another
// model of the same line (a different model number).
var decoys = [][2]string{
	{"Mindray", "BeneVision N12"}, {"Mindray", "Passport 12m"}, {"Drägerwerk AG & Co. KGaA", "Infinity Delta XL"},
	{"Draeger Medical", "Evita V500"}, {"Nihon Kohden", "BSM-6701"}, {"Masimo Corporation", "Radical-7"},
	{"Hamilton Medical AG", "HAMILTON-C6"}, {"Getinge", "Servo-u"}, {"Stryker", "LIFEPAK 15"}, {"Welch Allyn", "Connex Spot Monitor"},
	{"Spacelabs Healthcare", "Xprezzon 91393"}, {"Nonin Medical", "Onyx Vantage 9590"}, {"Olympus", "EVIS EXERA III CV-190"},
	{"Siemens Healthineers", "ACUSON Sequoia"}, {"Canon Medical Systems", "Aquilion ONE"}, {"Varian", "TrueBeam 2.7"},
	{"BD", "Alaris 8015 PC Unit"}, {"Becton Dickinson", "BD FACSLyric"}, {"GE Healthcare", "CARESCAPE B650"},
	{"GE Medical Systems", "Venue Go"}, {"Philips Healthcare", "IntelliVue MX450"}, {"Philips", "Efficia DFM100"},
	{"Philips", "Azurion 7 M20"},
	{"Baxter", "Spectrum V8"}, {"Medtronic", "Puritan Bennett 980"}, {"Medtronic", "MiniMed 780G"},
	{"Smiths Medical", "CADD-Solis 2110"}, {"B. Braun", "Perfusor Space"}, {"ZOLL Medical", "R Series Plus"},
	{"Fujifilm", "FDR D-EVO II"}, {"Boston Scientific", "LATITUDE NXT 6290"}, {"Natus", "Nicolet EEG v32"},
	{"Insulet", "Omnipod 5 Controller"}, {"Abbott", "FreeStyle Libre 3 Reader"},
}

// GenerateDevices writes a CMMS export from device advisories: for every
// product an advisory lists as affected, one or more rows naming it the
// way CMMS exports do (manufacturer abbreviations, legal suffixes,
// double-encoded UTF-8, upper case, model numbers with and without
// dashes, generic words dropped, the firmware written inside the model or
// left out), a row at a fixed version where the advisory's range ends,
// and decoy rows of devices no advisory names. Beside each row are the
// CVEs the device has: those of every advisory product of the same vendor
// and name whose version rule covers the device's version.
func GenerateDevices(advs []*vigil.Advisory, seed uint64) *DeviceFleet {
	r := rand.New(rand.NewPCG(seed, seed^0x5deece66d))
	f := &DeviceFleet{}
	g := newDevgen(advs)
	n := 0
	tag := func() string { n++; return fmt.Sprintf("CMMS-%05d", n) }
	type key struct{ vendor, name, version string }
	done := map[key]bool{}
	for _, adv := range advs {
		for _, p := range adv.ProductTree.Products() {
			if p.Vendor == "" || p.Product == "" || len(affectedCVEs(adv, p.ProductID)) == 0 {
				continue
			}
			k := key{vendorKey(p.Vendor), deviceKey(p), p.Version + "|" + p.VersionRange}
			if done[k] {
				continue
			}
			done[k] = true
			tv := trueVersion(p, r)
			for range 2 {
				a := &vigil.Asset{AssetTag: tag(), Manufacturer: messyVendor(p.Vendor, r), Status: vigil.AssetInService}
				a.Model, a.Version = messyModel(p, tv, r)
				f.Assets = append(f.Assets, DeviceAsset{Asset: a, TrueVersion: tv, Want: g.want(p, tv),
					Source: fmt.Sprintf("%s %s (%s)", adv.ID, p.ProductID, p.Name)})
			}
			if fv := fixedVersion(p); fv != "" {
				a := &vigil.Asset{AssetTag: tag(), Manufacturer: messyVendor(p.Vendor, r), Status: vigil.AssetInService}
				a.Model, a.Version = messyModel(p, fv, r)
				if a.Version == "" && !strings.Contains(a.Model, fv) {
					a.Version = fv
				}
				f.Assets = append(f.Assets, DeviceAsset{Asset: a, TrueVersion: fv, Want: g.want(p, fv),
					Source: fmt.Sprintf("fixed version: %s %s (%s) at %s", adv.ID, p.ProductID, p.Name, fv)})
			}
		}
	}
	for _, d := range decoys {
		a := &vigil.Asset{AssetTag: tag(), Manufacturer: d[0], Model: d[1], Status: vigil.AssetInService}
		if r.IntN(2) == 0 {
			a.Version = fmt.Sprintf("%d.%d", 1+r.IntN(5), r.IntN(10))
		}
		f.Assets = append(f.Assets, DeviceAsset{Asset: a, Source: "decoy: " + d[0] + " " + d[1]})
	}
	return f
}

type devgen struct {
	advs []*vigil.Advisory
	// byVendor indexes every advisory product by its vendor's key.
	byVendor map[string][]keyedProduct
}

type keyedProduct struct {
	adv    *vigil.Advisory
	p      vigil.TreeProduct
	device string
}

func newDevgen(advs []*vigil.Advisory) *devgen {
	g := &devgen{advs: advs, byVendor: map[string][]keyedProduct{}}
	for _, adv := range advs {
		for _, p := range adv.ProductTree.Products() {
			vk := vendorKey(p.Vendor)
			g.byVendor[vk] = append(g.byVendor[vk], keyedProduct{adv, p, deviceKey(p)})
		}
	}
	return g
}

// want is the truth for a device of p's vendor and name at version tv:
// the CVEs of every advisory product of that vendor and name whose
// version rule covers tv (or, when tv is unknown or not comparable, whose
// rule is the same text as p's).
func (g *devgen) want(p vigil.TreeProduct, tv string) []string {
	vk, nk := vendorKey(p.Vendor), deviceKey(p)
	var out []string
	for _, kp := range g.byVendor[vk] {
		q := kp.p
		if !sameDevice(vk, nk, kp.device) {
			continue
		}
		ok, _, err := csafproduct.VersionCovers(q, tv)
		same := q.Version == p.Version && q.VersionRange == p.VersionRange
		if (err == nil && ok) || (err != nil && same) {
			out = append(out, affectedCVEs(kp.adv, q.ProductID)...)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// affectedCVEs are the CVEs an advisory says affect a product (known,
// first or last affected, or under investigation), directly or through a
// product group.
func affectedCVEs(adv *vigil.Advisory, id string) []string {
	ids := []string{id}
	for _, g := range adv.ProductTree.ProductGroups {
		if slices.Contains(g.ProductIDs, id) {
			ids = append(ids, g.GroupID)
		}
	}
	var out []string
	for _, v := range adv.Vulnerabilities {
		if v.CVE == "" {
			continue
		}
		for _, x := range ids {
			for _, k := range v.ProductStatus.Of(x) {
				if k.Affected() || k == vigil.ProductUnderInvestigation {
					out = append(out, v.CVE)
				}
			}
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// deviceKey is a product's name compared without case, punctuation and
// the vendor's name in front ("BD Pyxis MedStation ES" → "pyxismedstationes").
func deviceKey(p vigil.TreeProduct) string {
	name := p.Product
	for _, vn := range csafproduct.VendorNames(p.Vendor) {
		if rest, ok := cutPrefixFold(name, vn+" "); ok {
			name = rest
		}
	}
	return match.NameKey(name)
}

// deviceFamilies are what the advisories' names alone do not say: which
// names in different advisories stand for the same device, read one by
// one. In a group, the first name is the device line; a device of any
// later name is also a device of the first (a "Xeleris 3.0" is a
// "Xeleris"), and names marked "=" are the same device written two ways.
var deviceFamilies = map[string][][]string{
	"ge healthcare": {
		{"xeleris", "xeleris10", "xeleris11", "xeleris21", "xeleris30", "xeleris31"},
		{"infinia", "infiniawithhawkeye41"},
		{"=", "discoveryxr656", "discoveryxr656plus"},
		{"optima520", "optimact520"},
		{"optima540", "optimact540"},
		{"optima640", "optimact640"},
		{"optima680", "optimact680", "optimact680quantum", "optimact680expert", "optimact680professional"},
	},
	"becton dickinson": {
		{"=", "pyxisanesthesiaes", "pyxisanesthesiastationes", "pyxisesanesthesiastation"},
		{"=", "pyxisanesthesiasystem4000", "pyxisanesthesiastation4000"},
		{"pyxismedstation4000", "pyxismedstation4000t2"},
		{"=", "pyxisparassist", "pyxisparassistsystem"},
		{"=", "pyxisstockstation", "pyxisstockstationsystemand", "pyxisstockstationsystem"},
		{"=", "pyxisciisafe", "pyxisciisafeworkstation"},
		{"pyxissupplystation", "pyxissupplystationec"},
	},
	"microdicom": {
		{"=", "dicomviewer", "microdicomdicomviewer"},
	},
}

// sameDevice reports whether a device named a is affected by what an
// advisory says of the product named b.
func sameDevice(vendor, a, b string) bool {
	if a == b {
		return true
	}
	for _, g := range deviceFamilies[vendor] {
		if g[0] == "=" {
			if slices.Contains(g[1:], a) && slices.Contains(g[1:], b) {
				return true
			}
			continue
		}
		// b is the line, a one of its devices.
		if b == g[0] && slices.Contains(g[1:], a) {
			return true
		}
	}
	return false
}

func vendorKey(v string) string {
	names := csafproduct.VendorNames(v)
	if len(names) == 0 {
		return ""
	}
	return names[0]
}

// cleanVersion reports whether a version text is one a CMMS would hold.
func cleanVersion(v string) bool {
	if v == "" || len(v) > 20 {
		return false
	}
	if v[0] < '0' || v[0] > '9' {
		return false
	}
	for _, r := range v {
		if !(unicode.IsDigit(r) || unicode.IsLetter(r) || r == '.') {
			return false
		}
	}
	return true
}

// trueVersion picks the version a device of product p runs: its stated
// version, or one inside its range, or (when the advisory covers every
// version) a plausible one; "" when the advisory's version text does not
// say.
func trueVersion(p vigil.TreeProduct, r *rand.Rand) string {
	covered := func(v string) bool {
		ok, _, err := csafproduct.VersionCovers(p, v)
		return err == nil && ok
	}
	var cands []string
	if cleanVersion(strings.TrimSpace(p.Version)) {
		cands = append(cands, strings.TrimSpace(p.Version))
	}
	text := p.VersionRange
	if text == "" {
		text = p.Version
	}
	if rg, err := csafproduct.ParseRange(text); err == nil {
		if rg.All {
			cands = append(cands, fmt.Sprintf("%d.%d", 1+r.IntN(4), r.IntN(10)))
		}
		for _, c := range rg.Constraints {
			switch c.Op {
			case csafproduct.OpLE, csafproduct.OpEQ, csafproduct.OpGE:
				cands = append(cands, c.Version)
			case csafproduct.OpLT:
				cands = append(cands, lower(c.Version)...)
			case csafproduct.OpGT:
				cands = append(cands, bump(c.Version))
			}
		}
	}
	for _, c := range cands {
		if cleanVersion(c) && covered(c) {
			return c
		}
	}
	return ""
}

// fixedVersion is a version just past the end of p's range, which the
// advisory does not cover: "" when there is none to tell.
func fixedVersion(p vigil.TreeProduct) string {
	text := p.VersionRange
	if text == "" {
		text = p.Version
	}
	rg, err := csafproduct.ParseRange(text)
	if err != nil || rg.All || len(rg.Constraints) != 1 {
		return ""
	}
	c := rg.Constraints[0]
	var v string
	switch c.Op {
	case csafproduct.OpLT:
		v = c.Version
	case csafproduct.OpLE:
		v = bump(c.Version)
	default:
		return ""
	}
	if !cleanVersion(v) {
		return ""
	}
	if ok, _, err := csafproduct.VersionCovers(p, v); err != nil || ok {
		return ""
	}
	return v
}

// numParts splits "8.2.2" into its numbers; nil when a part is not one.
func numParts(v string) []int {
	var out []int
	for _, s := range strings.Split(v, ".") {
		n, err := strconv.Atoi(s)
		if err != nil {
			return nil
		}
		out = append(out, n)
	}
	return out
}

func joinParts(ps []int) string {
	ss := make([]string, len(ps))
	for i, p := range ps {
		ss[i] = strconv.Itoa(p)
	}
	return strings.Join(ss, ".")
}

// lower returns versions just below v.
func lower(v string) []string {
	ps := numParts(v)
	var out []string
	for i := len(ps) - 1; i >= 0; i-- {
		if ps[i] > 0 {
			q := slices.Clone(ps[:i+1])
			q[i]--
			out = append(out, joinParts(q))
		}
	}
	return out
}

// bump returns the version after v in its last part.
func bump(v string) string {
	ps := numParts(v)
	if len(ps) == 0 {
		return ""
	}
	ps[len(ps)-1]++
	return joinParts(ps)
}

// mojibake double-encodes UTF-8 as a Windows-1252 reader would.
func mojibake(s string) string {
	b, err := charmap.Windows1252.NewDecoder().String(s)
	if err != nil {
		return s
	}
	return b
}

func messyVendor(v string, r *rand.Rand) string {
	spellings := []string{v}
	if names := csafproduct.VendorNames(v); len(names) > 0 {
		spellings = append(spellings, cmmsVendors[names[0]]...)
		if len(names) > 1 && len(names[1]) > 1 {
			spellings = append(spellings, strings.ToUpper(names[1]))
		}
	}
	s := spellings[r.IntN(len(spellings))]
	switch r.IntN(5) {
	case 0:
		s = strings.ToUpper(s)
	case 1:
		main, _, _ := strings.Cut(s, " (")
		s = strings.TrimRight(main, " ,.") + legalSuffixes[r.IntN(len(legalSuffixes))]
	}
	if r.IntN(3) == 0 {
		s = mojibake(s)
	}
	return s
}

// messyModel writes a product's name as a CMMS model field, with the
// version tv in the model, in the version column, or nowhere.
func messyModel(p vigil.TreeProduct, tv string, r *rand.Rand) (model, version string) {
	name := p.Product
	// The vendor's name at the front ("BD Pyxis …") is often left out.
	for _, vn := range csafproduct.VendorNames(p.Vendor) {
		if rest, ok := cutPrefixFold(name, vn+" "); ok && r.IntN(2) == 0 {
			name = rest
		}
	}
	toks := strings.Fields(name)
	switch r.IntN(6) {
	case 0:
		name = strings.ToUpper(name)
	case 1:
		// Only up to the first model number: "Medfusion 4000".
		for i, t := range toks {
			if hasDigit(t) && i > 0 {
				name = strings.Join(toks[:i+1], " ")
				break
			}
		}
	case 2:
		// A number in parentheses stands alone: "VLFT10GEN".
		if i, j := strings.IndexByte(name, '('), strings.IndexByte(name, ')'); i >= 0 && j > i+1 && hasDigit(name[i:j]) && !strings.ContainsAny(name[i+1:j], " /") {
			name = name[i+1 : j]
		}
	}
	name = rewriteNumbers(name, r)
	if cleanVersion(tv) {
		switch r.IntN(10) {
		case 0, 1, 2, 3:
			version = tv
		case 4:
			model = name + " v" + tv
		case 5:
			model = name + " (FW " + tv + ")"
		case 6:
			model = name + " FW " + tv
		case 7:
			version = "v" + tv
		}
	}
	if model == "" {
		model = name
	}
	return model, version
}

// rewriteNumbers writes model numbers the other ways CMMS rows do:
// "CMS8000" as "CMS-8000" or "CMS 8000", and "CMS 8000" as "CMS8000".
func rewriteNumbers(s string, r *rand.Rand) string {
	toks := strings.Fields(s)
	for i, t := range toks {
		if !hasDigit(t) {
			continue
		}
		switch r.IntN(3) {
		case 0:
			// Split letters from digits.
			if j := strings.IndexAny(t, "0123456789"); j > 0 && isLetters(t[:j]) {
				sep := []string{"-", " "}[r.IntN(2)]
				toks[i] = t[:j] + sep + t[j:]
			}
		case 1:
			// Join a word to the number after it.
			if i > 0 && isLetters(toks[i-1]) && len(toks[i-1]) <= 4 && isDigits(t) {
				toks[i-1], toks[i] = toks[i-1]+t, ""
			}
		}
	}
	return strings.Join(strings.Fields(strings.Join(toks, " ")), " ")
}

func hasDigit(s string) bool { return strings.ContainsAny(s, "0123456789") }

func isLetters(s string) bool {
	for _, r := range s {
		if !unicode.IsLetter(r) {
			return false
		}
	}
	return s != ""
}

func isDigits(s string) bool {
	for _, r := range s {
		if !unicode.IsDigit(r) {
			return false
		}
	}
	return s != ""
}

func cutPrefixFold(s, prefix string) (string, bool) {
	if len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix) {
		return s[len(prefix):], true
	}
	return s, false
}

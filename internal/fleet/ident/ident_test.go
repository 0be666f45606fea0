package ident_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/fleet"
	"github.com/vigil/vigil/internal/fleet/ident"
)

func TestRepair(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"Innokas YhtymÃ¤ Oy", "Innokas Yhtymä Oy"},
		{"DrÃ¤gerwerk AG & Co. KGaA", "Drägerwerk AG & Co. KGaA"},
		// Twice damaged.
		{"YhtymÃƒÂ¤", "Yhtymä"},
		// Written on purpose: left alone.
		{"Innokas Yhtymä Oy", "Innokas Yhtymä Oy"},
		{"Łukasz Medical", "Łukasz Medical"},
		{"Ã la carte", "Ã la carte"},
		{"plain", "plain"},
	} {
		if got := ident.Repair(c.in); got != c.want {
			t.Errorf("Repair(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestFold(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"Dräger", "Drager"}, {"Yhtymä", "Yhtyma"}, {"Łódź", "Lodz"}, {"Straße", "Strasse"}, {"Ørsted", "Orsted"},
	} {
		if got := ident.Fold(c.in); got != c.want {
			t.Errorf("Fold(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestParseModel(t *testing.T) {
	for _, c := range []struct {
		in       string
		text, fw string
		numbers  []string
	}{
		{"IP-3000 v3.0", "IP-3000", "3.0", []string{"ip3000", "3000"}},
		{"IP-3000 (FW 3.0)", "IP-3000", "3.0", []string{"ip3000", "3000"}},
		{"VLFT10GEN FW 2.1.0", "VLFT10GEN", "2.1.0", []string{"vlft10gen"}},
		{"Alaris 8015 SW:9.33", "Alaris 8015", "9.33", []string{"8015", "alaris8015"}},
		{"CMS8000", "CMS8000", "", []string{"cms8000"}},
		{"CMS-8000", "CMS-8000", "", []string{"cms8000", "8000"}},
		{"CMS 8000", "CMS 8000", "", []string{"cms8000", "8000"}},
		{"IP-3000 FW3.0", "IP-3000", "3.0", []string{"ip3000", "3000"}},
		{"Infinity M540 firmware VG4.2", "Infinity M540", "VG4.2", []string{"m540", "infinitym540"}},
		{"Carescape V8", "Carescape V8", "", []string{"v8", "carescapev8"}},
	} {
		m := ident.ParseModel(c.in)
		if m.Text != c.text || m.Firmware != c.fw {
			t.Errorf("ParseModel(%q) = text %q firmware %q, want %q %q", c.in, m.Text, m.Firmware, c.text, c.fw)
		}
		for _, n := range c.numbers {
			if !strings.Contains(" "+strings.Join(m.Numbers, " ")+" ", " "+n+" ") {
				t.Errorf("ParseModel(%q) numbers %v lack %q", c.in, m.Numbers, n)
			}
		}
	}
}

func tree(vendor, product, version, versionRange string, h *vigil.ProductIdentificationHelper) vigil.TreeProduct {
	p := vigil.TreeProduct{Vendor: vendor, Product: product, Version: version, VersionRange: versionRange}
	p.ProductID, p.Name, p.Helper = "P1", strings.TrimSpace(vendor+" "+product+" "+version+versionRange), h
	return p
}

func TestMatch(t *testing.T) {
	al := fleet.NewAliases(nil)
	vl := tree("Medtronic", "Valleylab FT10 Energy Platform (VLFT10GEN)", "", "< 4.0.1", nil)
	cms := tree("Contec Health", "CMS8000", "", "vers:all/*", nil)
	inn := tree("Innokas YhtymÃ¤ Oy", "VC150 patient monitor", "", "< 1.5.0", nil)
	ip := tree("Acme Medical", "Infusion Pump", "", "vers:generic/>=3.0|<3.1", &vigil.ProductIdentificationHelper{ModelNumbers: []string{"IP-3000"}})
	opt := tree("GE Healthcare", "Optima 520", "", "vers:all/*", nil)
	for _, c := range []struct {
		name string
		d    ident.Device
		p    vigil.TreeProduct
		// want: linked at or above the default threshold ("auto"),
		// below it ("possible"), or not at all ("").
		want string
	}{
		{"model inside product name", ident.Device{"Covidien", "Valleylab FT10", "3.2"}, vl, "auto"},
		{"number in parentheses with firmware in model", ident.Device{"Medtronic Inc.", "VLFT10GEN FW 2.1.0", ""}, vl, "auto"},
		{"version outside range", ident.Device{"Medtronic", "Valleylab FT10", "4.0.1"}, vl, ""},
		{"firmware outside range, v prefix", ident.Device{"Medtronic", "VLFT10GEN v4.1", ""}, vl, ""},
		{"number without dash", ident.Device{"Contec", "CMS-8000", ""}, cms, "auto"},
		{"number with space", ident.Device{"CONTEC HEALTH CO LTD", "CMS 8000", ""}, cms, "auto"},
		{"mojibake vendor against clean", ident.Device{"Innokas Yhtymä Oy", "VC150", "1.4"}, inn, "auto"},
		{"plain vendor against mojibake", ident.Device{"Innokas", "VC 150", "1.4"}, inn, "auto"},
		{"helper model number", ident.Device{"Acme Medical GmbH", "IP3000", "v3.0"}, ip, "auto"},
		{"helper model number, FW in model", ident.Device{"ACME MEDICAL SE & Co. KG", "IP-3000 (FW 3.0.0)", ""}, ip, "auto"},
		{"helper model number, version outside", ident.Device{"Acme Medical N.V.", "IP-3000 (FW 3.1)", ""}, ip, ""},
		{"other maker", ident.Device{"Mindray", "CMS8000", ""}, cms, ""},
		{"other model of the line", ident.Device{"GE Healthcare", "Optima 540", ""}, opt, ""},
		{"line without model number", ident.Device{"GE Healthcare", "Optima", ""}, opt, "possible"},
	} {
		t.Run(c.name, func(t *testing.T) {
			l, ok := ident.Match(c.d, c.p, al)
			got := ""
			switch {
			case ok && l.Confidence >= ident.DefaultThreshold:
				got = "auto"
			case ok:
				got = "possible"
			}
			if got != c.want {
				t.Errorf("Match(%+v) = %q (confidence %.2f, %s), want %q", c.d, got, l.Confidence, l.Evidence, c.want)
			}
		})
	}
}

func TestMatchAdvisoryKeepsBestName(t *testing.T) {
	adv := &vigil.Advisory{ProductTree: vigil.ProductTree{Branches: []vigil.Branch{{Category: vigil.BranchVendor, Name: "BD",
		Branches: []vigil.Branch{
			{Category: vigil.BranchProductName, Name: "BD Pyxis MedStation ES", Branches: []vigil.Branch{{Category: vigil.BranchProductVersion, Name: "vers:all/*",
				Product: &vigil.FullProductName{ProductID: "ES", Name: "BD Pyxis MedStation ES"}}}},
			{Category: vigil.BranchProductName, Name: "BD Pyxis MedStation ES Server", Branches: []vigil.Branch{{Category: vigil.BranchProductVersion, Name: "vers:all/*",
				Product: &vigil.FullProductName{ProductID: "SRV", Name: "BD Pyxis MedStation ES Server"}}}},
		}}}}}
	ls := ident.MatchAdvisory(ident.Device{Manufacturer: "Becton Dickinson", Model: "Pyxis MedStation ES Server"}, adv, fleet.NewAliases(nil))
	var ids []string
	for _, l := range ls {
		ids = append(ids, l.ProductID)
	}
	if diff := cmp.Diff([]string{"SRV"}, ids); diff != "" {
		t.Errorf("products (-want +got):\n%s", diff)
	}
}

package ident_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/fleet"
	"github.com/vigil/vigil/internal/fleet/ident"
)

// FuzzIdentify feeds CMMS text of any shape to the identification layer:
// it must not crash, must return valid UTF-8, bounded output, and a score
// within 0–1.
func FuzzIdentify(f *testing.F) {
	for _, s := range []string{"IP-3000 (FW 3.0)", "VLFT10GEN FW 2.1.0", "Innokas YhtymÃ¤ Oy", "CMS 8000 v", "FW:", "v.", "((((", "\xff\xfe"} {
		f.Add(s, "Acme Medical GmbH")
	}
	al := fleet.NewAliases(nil)
	p := vigil.TreeProduct{Vendor: "Acme Medical", Product: "Infusion Pump (IP-3000)", VersionRange: "< 3.1"}
	p.ProductID, p.Name = "P1", "Acme Infusion Pump"
	f.Fuzz(func(t *testing.T, model, vendor string) {
		m := ident.ParseModel(model)
		if !utf8.ValidString(m.Text) && utf8.ValidString(model) {
			t.Errorf("ParseModel(%q).Text = %q, not UTF-8", model, m.Text)
		}
		if len(m.Text) > 4*len(model)+16 || len(m.Numbers) > 4*len(strings.Fields(model))+8 {
			t.Errorf("ParseModel(%q) grew: %+v", model, m)
		}
		if r := ident.Repair(vendor); utf8.ValidString(vendor) && !utf8.ValidString(r) {
			t.Errorf("Repair(%q) = %q, not UTF-8", vendor, r)
		}
		if l, ok := ident.Match(ident.Device{Manufacturer: vendor, Model: model}, p, al); ok && (l.Confidence < ident.MinConfidence || l.Confidence > 1) {
			t.Errorf("Match(%q, %q) confidence %v", vendor, model, l.Confidence)
		}
		_ = ident.LookupKeys(model)
	})
}

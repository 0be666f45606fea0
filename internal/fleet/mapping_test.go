package fleet

import (
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/realdata"
)

func catalogRelease(id int64, owner, manufacturer, product, version string, models ...string) *vigil.CatalogRelease {
	return &vigil.CatalogRelease{
		Release:      vigil.Release{ID: id, Product: product, Version: version, CreatedAt: time.Unix(id, 0)},
		Manufacturer: manufacturer, DeviceModels: models, Owner: owner, Shared: owner != "hospital", HasSBOM: true,
	}
}

func TestMapping(t *testing.T) {
	releases := []*vigil.CatalogRelease{
		catalogRelease(1, "acme", "Acme Medical Devices", "Infusion Pump", "2.1", "IP-3000", "IP-3000W"),
		catalogRelease(2, "acme", "Acme Medical Devices", "Infusion Pump", "3.0", "IP-3000", "IP-3000W"),
		catalogRelease(3, "acme", "Acme Medical Devices", "Patient Monitor", "6.0", "PM-12"),
		catalogRelease(4, "ge", "GE HealthCare", "CARESCAPE Monitor", "3.2.1", "B650"),
		// The same model in two catalogues: ambiguous.
		catalogRelease(5, "hospital", "Spacelabs Healthcare", "Xprezzon", "3.0", "91393"),
		catalogRelease(6, "spacelabs", "Spacelabs", "Xprezzon", "3.0", "91393"),
	}
	cat := NewCatalog(releases)
	al := NewAliases(nil)
	tests := []struct {
		name      string
		asset     vigil.Asset
		wantID    int64
		wantConf  vigil.MappingConfidence
		wantFirst int64 // first candidate when not mapped
	}{
		{"Exact", vigil.Asset{Manufacturer: "Acme Medical Devices", Model: "IP-3000", Version: "3.0"}, 2, vigil.MappingExact, 0},
		{"ModelWithoutPunctuation", vigil.Asset{Manufacturer: "Acme Medical Devices", Model: "ip 3000w", Version: "2.1"}, 1, vigil.MappingExact, 0},
		{"VersionInForm", vigil.Asset{Manufacturer: "Acme Medical Devices, Inc.", Model: "PM-12", Version: "v6.0.0"}, 3, vigil.MappingProbable, 0},
		{"AliasedManufacturer", vigil.Asset{Manufacturer: "GE Medical Systems", Model: "B650", Version: "3.2.1"}, 4, vigil.MappingExact, 0},
		{"UnknownVersion", vigil.Asset{Manufacturer: "Acme Medical Devices", Model: "IP-3000", Version: "3.1"}, 0, "", 2},
		{"NoVersion", vigil.Asset{Manufacturer: "Acme Medical Devices", Model: "IP-3000"}, 0, "", 1},
		{"OtherManufacturer", vigil.Asset{Manufacturer: "Baxter", Model: "IP-3000", Version: "3.0"}, 0, "", 0},
		{"Ambiguous", vigil.Asset{Manufacturer: "Spacelabs", Model: "91393", Version: "3.0"}, 0, "", 5},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, ok := cat.Auto(&tc.asset, al)
			var gotID int64
			if ok {
				gotID = c.Release.ID
			}
			if gotID != tc.wantID || (ok && c.Confidence != tc.wantConf) {
				t.Fatalf("Auto = release %d %s (%s), want %d %s", gotID, c.Confidence, c.Reason(), tc.wantID, tc.wantConf)
			}
			if ok {
				return
			}
			cands := cat.Candidates(&tc.asset, al)
			switch {
			case tc.wantFirst == 0 && len(cands) > 0 && cands[0].Score >= 40:
				t.Errorf("candidates of another manufacturer's device: %+v", cands[0])
			case tc.wantFirst != 0 && (len(cands) == 0 || cands[0].Release.ID != tc.wantFirst):
				t.Errorf("first candidate = %+v, want release %d", cands, tc.wantFirst)
			}
			for _, c := range cands {
				if len(c.Reasons) != 3 {
					t.Errorf("candidate %d has reasons %v, want one per field", c.Release.ID, c.Reasons)
				}
			}
		})
	}
}

func readAdvisory(t *testing.T, path string) *vigil.Advisory {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	// The knowledge base keeps vigil.Advisory; build the product tree the
	// CSAF importer builds, from the document's own JSON.
	var doc struct {
		Document struct {
			Tracking struct {
				ID string `json:"id"`
			} `json:"tracking"`
		} `json:"document"`
		ProductTree struct {
			Branches []branchJSON `json:"branches"`
		} `json:"product_tree"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	a := &vigil.Advisory{ID: doc.Document.Tracking.ID}
	for _, b := range doc.ProductTree.Branches {
		a.ProductTree.Branches = append(a.ProductTree.Branches, b.branch())
	}
	return a
}

type branchJSON struct {
	Category string       `json:"category"`
	Name     string       `json:"name"`
	Branches []branchJSON `json:"branches"`
	Product  *struct {
		Name      string `json:"name"`
		ProductID string `json:"product_id"`
	} `json:"product"`
}

func (b branchJSON) branch() vigil.Branch {
	out := vigil.Branch{Category: vigil.BranchCategory(b.Category), Name: b.Name}
	if b.Product != nil {
		out.Product = &vigil.FullProductName{Name: b.Product.Name, ProductID: b.Product.ProductID}
	}
	for _, c := range b.Branches {
		out.Branches = append(out.Branches, c.branch())
	}
	return out
}

func TestAdvisoryProducts(t *testing.T) {
	al := NewAliases(nil)
	pyxis := readAdvisory(t, realdata.Path(t, "csaf/cisa-icsma/icsma-22-062-01.json"))
	medfusion := readAdvisory(t, realdata.Path(t, "csaf/cisa-icsma/icsma-17-250-02a.json"))
	sigma := readAdvisory(t, realdata.Path(t, "csaf/cisa-icsma/icsma-22-251-01.json"))
	tests := []struct {
		name  string
		asset vigil.Asset
		adv   *vigil.Advisory
		want  []string // product id and confidence
	}{
		{"VendorPrefixedProduct", vigil.Asset{Manufacturer: "Becton Dickinson", Model: "Pyxis MedStation ES", Version: "1.7.2"}, pyxis,
			[]string{"CSAFPID-0005 exact"}},
		{"AliasedVendor", vigil.Asset{Manufacturer: "CareFusion", Model: "BD Pyxis MedStation 4000", Version: "1.0"}, pyxis,
			[]string{"CSAFPID-0004 exact"}},
		{"OtherVendor", vigil.Asset{Manufacturer: "Omnicell", Model: "Pyxis MedStation ES", Version: "1.0"}, pyxis, nil},
		{"VersionListed", vigil.Asset{Manufacturer: "Smiths Medical", Model: "Medfusion 4000 Wireless Syringe Infusion Pump", Version: "1.6"}, medfusion,
			[]string{"CSAFPID-0002 exact"}},
		{"VersionNotListed", vigil.Asset{Manufacturer: "Smiths Medical", Model: "Medfusion 4000 Wireless Syringe Infusion Pump", Version: "1.7"}, medfusion, nil},
		{"AcquiredVendor", vigil.Asset{Manufacturer: "ICU Medical", Model: "Medfusion 4000 Wireless Syringe Infusion Pump", Version: "1.1"}, medfusion,
			[]string{"CSAFPID-0001 exact"}},
		// CISA's "8.x model 35700BAX2" covers 8.00.01, its "6.x model
		// 35700BAX" does not.
		{"ModelContainsProduct", vigil.Asset{Manufacturer: "Baxter", Model: "Sigma Spectrum 35700BAX2", Version: "8.00.01"}, sigma,
			[]string{"CSAFPID-0003 probable"}},
		{"NoVersion", vigil.Asset{Manufacturer: "Baxter", Model: "Sigma Spectrum"}, sigma,
			[]string{"CSAFPID-0003 possible", "CSAFPID-0004 possible"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			for _, p := range AdvisoryProducts(&tc.asset, tc.adv, 7, al) {
				got = append(got, p.ProductID+" "+string(p.Confidence))
				if p.AdvisoryID != 7 || p.Advisory != tc.adv.ID || !strings.Contains(p.Reason, "manufacturer") {
					t.Errorf("product %+v", p)
				}
			}
			if strings.Join(got, ",") != strings.Join(tc.want, ",") {
				t.Errorf("AdvisoryProducts = %v, want %v", got, tc.want)
			}
		})
	}
	names := LookupNames(&vigil.Asset{Manufacturer: "Becton Dickinson", Model: "Pyxis MedStation ES"}, al)
	if !contains(names, "bd pyxis medstation es") || !contains(names, "pyxis medstation es") {
		t.Errorf("LookupNames = %v, want the model alone and after the canonical manufacturer", names)
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

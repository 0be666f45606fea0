package fleet

import (
	"bufio"
	"os"
	"strings"
	"testing"

	"github.com/vigil/vigil"
)

// TestSameManufacturer reads testdata/manufacturers.txt: "A | B | same" or
// "A | B | different", one case per line.
func TestSameManufacturer(t *testing.T) {
	f, err := os.Open("testdata/manufacturers.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	al := NewAliases(nil)
	sc := bufio.NewScanner(f)
	n := 0
	for line := 1; sc.Scan(); line++ {
		text := strings.TrimSpace(sc.Text())
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		parts := strings.Split(text, "|")
		if len(parts) != 3 {
			t.Fatalf("line %d: want A | B | same|different", line)
		}
		a, b, want := strings.TrimSpace(parts[0]), strings.TrimSpace(parts[1]), strings.TrimSpace(parts[2]) == "same"
		n++
		for _, pair := range [][2]string{{a, b}, {b, a}} {
			if got, why := al.Same(pair[0], pair[1]); got != want {
				t.Errorf("line %d: Same(%q, %q) = %v (%s), want %v", line, pair[0], pair[1], got, why, want)
			}
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if n < 20 {
		t.Fatalf("only %d cases read", n)
	}
}

func TestOrganizationAliases(t *testing.T) {
	al := NewAliases([]vigil.ManufacturerAlias{
		{Alias: "ACME Med", Canonical: "Acme Medical Devices"},
		// An alias onto a built-in alias joins its group.
		{Alias: "GE Health Care Systems", Canonical: "GE Medical Systems"},
	})
	for _, tc := range []struct{ a, b string }{
		{"ACME Med", "Acme Medical Devices"},
		{"GE Health Care Systems", "GE HealthCare"},
	} {
		if ok, why := al.Same(tc.a, tc.b); !ok {
			t.Errorf("Same(%q, %q) = false, want true", tc.a, tc.b)
		} else if !strings.Contains(why, "alias") {
			t.Errorf("Same(%q, %q) says %q, want it to name the alias", tc.a, tc.b, why)
		}
	}
	if ok, _ := NewAliases(nil).Same("ACME Med", "Acme Medical Devices"); ok {
		t.Error("without the organization's alias, ACME Med should not be Acme Medical Devices")
	}
}

package csafproduct

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/match"
)

func TestVendorNames(t *testing.T) {
	tests := map[string][]string{
		"Becton, Dickinson and Company (BD)": {"becton dickinson", "bd"},
		"ENEA, Green Hills Software, ITRON, IP Infusion, and Wind River": {
			"enea green hills software itron ip infusion and wind river", "enea", "green hills software", "itron", "ip infusion", "wind river"},
		"Natus Medical, Inc. (Natus)": {"natus medical", "natus"},
		"Digi International, Inc. ":   {"digi international"},
		"Siemens AG":                  {"siemens"},
		"Koninklijke Philips N.V.":    {"koninklijke philips"},
		"ACME Co., Ltd.":              {"acme"},
		"Bosch GmbH":                  {"bosch"},
		"Microsoft Corporation":       {"microsoft"},
		"Inc.":                        {"inc"},
		"":                            nil,
	}
	for in, want := range tests {
		if diff := cmp.Diff(want, VendorNames(in)); diff != "" {
			t.Errorf("VendorNames(%q) (-want +got):\n%s", in, diff)
		}
	}
}

func TestSameVendor(t *testing.T) {
	tests := []struct {
		a, b string
		want bool
	}{
		{"wind river", "windriver", true},
		{"wind river", "wind river systems", true},
		{"philips", "koninklijke philips", true},
		{"ge healthcare", "ge", false}, // too short to be sure
		{"bd", "bd", true},
		{"medtronic", "medtronic minimed", true},
		{"baxter", "becton dickinson", false},
		{"amazon", "amazon web services", true},
		{"philips", "phillips", false},
		{"", "x", false},
	}
	for _, tt := range tests {
		if got := SameVendor(tt.a, tt.b); got != tt.want {
			t.Errorf("SameVendor(%q, %q) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
		if got := SameVendor(tt.b, tt.a); got != tt.want {
			t.Errorf("SameVendor(%q, %q) = %v, want %v", tt.b, tt.a, got, tt.want)
		}
	}
}

func TestWildcardMatch(t *testing.T) {
	tests := []struct {
		pat, s string
		want   bool
	}{
		{"35700BAX3", "35700bax3", true},
		{"35700BAX*", "35700BAX2", true},
		{"35700BAX*", "35700BA", false},
		{"M80?1A", "M8001A", true},
		{"M80?1A", "M80011A", false},
		{"*-Pro", "UAP-AC-Pro", true},
		{`AB\*C`, "AB*C", true},
		{`AB\*C`, "ABxC", false},
		{"a*b*c", "aXbYbZc", true},
	}
	for _, tt := range tests {
		if got := wildcardMatch(tt.pat, tt.s); got != tt.want {
			t.Errorf("wildcardMatch(%q, %q) = %v, want %v", tt.pat, tt.s, got, tt.want)
		}
	}
	if usablePattern("*") || usablePattern("?*a") || !usablePattern("ab*") {
		t.Error("usablePattern")
	}
}

// helperAdvisory is a synthetic advisory: one vulnerability, one product
// per helper kind, each known_affected.
func helperAdvisory() *vigil.Advisory {
	leaf := func(id, name string, h *vigil.ProductIdentificationHelper) vigil.Branch {
		return vigil.Branch{Category: vigil.BranchProductVersion, Name: "1.2.3",
			Product: &vigil.FullProductName{ProductID: id, Name: name, Helper: h}}
	}
	return &vigil.Advisory{
		ID: "TEST-1", Category: vigil.CategorySecurityAdvisory,
		Provenance: vigil.Provenance{Source: vigil.SourceCSAF, SourceID: "TEST-1"},
		ProductTree: vigil.ProductTree{Branches: []vigil.Branch{{Category: vigil.BranchVendor, Name: "Acme Medical, Inc.",
			Branches: []vigil.Branch{
				{Category: vigil.BranchProductName, Name: "libfoo", Branches: []vigil.Branch{
					leaf("P-PURL", "libfoo 1.2.3", &vigil.ProductIdentificationHelper{PURL: "pkg:npm/%40acme/LibFoo@1.2.3"})}},
				{Category: vigil.BranchProductName, Name: "Pump OS", Branches: []vigil.Branch{
					leaf("P-CPE", "Pump OS 1.2.3", &vigil.ProductIdentificationHelper{CPE: "cpe:2.3:o:acme:pump_os:1.2.3:*:*:*:*:*:*:*"})}},
				{Category: vigil.BranchProductName, Name: "Pump", Branches: []vigil.Branch{
					leaf("P-MODEL", "Pump 1.2.3", &vigil.ProductIdentificationHelper{ModelNumbers: []string{"PX-1*"}, SKUs: []string{"SKU-77"}})}},
				{Category: vigil.BranchProductName, Name: "Pump serial", Branches: []vigil.Branch{
					leaf("P-SERIAL", "Pump serial", &vigil.ProductIdentificationHelper{SerialNumbers: []string{"SN-000?"}})}},
				{Category: vigil.BranchProductName, Name: "Viewer", Branches: []vigil.Branch{
					{Category: vigil.BranchProductVersionRange, Name: "vers:generic/>=1.0|<2.0",
						Product: &vigil.FullProductName{ProductID: "P-NAME", Name: "Acme Viewer <2"}}}},
			}}}},
		Vulnerabilities: []vigil.AdvisoryVulnerability{{
			IDs:           []vigil.VulnerabilityID{{SystemName: "acme", Text: "ACME-2024-1"}, {SystemName: "x", Text: "X-9"}},
			ProductStatus: vigil.ProductStatus{KnownAffected: []string{"P-PURL", "P-CPE", "P-MODEL", "P-SERIAL", "P-NAME"}},
		}},
	}
}

func TestHelpers(t *testing.T) {
	a := helperAdvisory()
	comps := []*vigil.Component{
		{Ref: "purl", Name: "libfoo", Version: "1.2.3", PURL: "pkg:npm/%40acme/libfoo@1.2.3"},
		{Ref: "purl-other-version", Name: "libfoo", Version: "1.2.4", PURL: "pkg:npm/%40acme/libfoo@1.2.4", Supplier: "Acme Medical"},
		{Ref: "cpe", Name: "pumpos", Version: "1.2.3", CPEs: []string{"cpe:2.3:o:acme:pump_os:1.2.3:*:*:*:*:*:*:*"}},
		{Ref: "cpe-other-version", Name: "pumpos", CPEs: []string{"cpe:2.3:o:acme:pump_os:1.2.4:*:*:*:*:*:*:*"}},
		{Ref: "model", Type: vigil.ComponentDevice, Name: "PX-100", Version: "1.2.3"},
		{Ref: "sku", Name: "pump firmware", Version: "1.2.3", Properties: []vigil.Property{{Name: "acme:SKU", Value: "sku-77"}}},
		{Ref: "model-no-version", Name: "thing", Properties: []vigil.Property{{Name: "Model Number", Value: "PX-1A"}}},
		{Ref: "serial", Name: "unit", Version: "1.2.3", Properties: []vigil.Property{{Name: "serial_number", Value: "SN-0007"}}},
		{Ref: "name", Name: "Acme Viewer", Version: "1.4", Supplier: "ACME MEDICAL INC"},
		{Ref: "name-wrong-vendor", Name: "Viewer", Version: "1.4", Supplier: "Other Corp"},
		{Ref: "name-out-of-range", Name: "Viewer", Version: "2.0", Manufacturer: "Acme Medical"},
		{Ref: "description-only", Name: "x", Version: "1.2.3", Description: "model PX-100 SKU-77"},
	}
	res := run(t, a, comps)
	type got struct {
		Ref        string
		Conf       vigil.Confidence
		Identifier string
	}
	var gs []got
	for _, m := range res.Matches {
		if m.VulnID != "ACME-2024-1" || m.Status != vigil.MatchAffected {
			t.Errorf("%+v", m)
		}
		// The advisory (TEST-1) is the evidence's source, not an alias.
		if diff := cmp.Diff([]string{"X-9"}, m.Aliases); diff != "" {
			t.Errorf("aliases (-want +got):\n%s", diff)
		}
		gs = append(gs, got{m.ComponentRef, m.Confidence, m.Evidence.Identifier})
	}
	want := []got{
		{"purl", vigil.ConfidenceExact, "pkg:npm/%40acme/libfoo@1.2.3"},
		{"cpe", vigil.ConfidenceExact, "cpe:2.3:o:acme:pump_os:1.2.3:*:*:*:*:*:*:*"},
		{"model", vigil.ConfidenceExact, "name=PX-100"},
		{"sku", vigil.ConfidenceExact, "properties[acme:SKU]=sku-77"},
		{"serial", vigil.ConfidenceExact, "properties[serial_number]=SN-0007"},
		{"name", vigil.ConfidenceHeuristic, "Acme Viewer 1.4"},
	}
	if diff := cmp.Diff(want, gs); diff != "" {
		t.Errorf("matches (-want +got):\n%s", diff)
	}
	// The model number matched, but the component states no version to
	// compare with 1.2.3: reported, not guessed.
	if len(res.Unsupported) != 1 || !strings.Contains(res.Unsupported[0], "model-no-version") {
		t.Errorf("unsupported: %q", res.Unsupported)
	}
	for _, m := range res.Matches {
		if m.ComponentRef == "purl" && m.Evidence.Criterion != "P-PURL: libfoo 1.2.3 (purl=pkg:npm/%40acme/LibFoo@1.2.3)" {
			t.Errorf("criterion %q", m.Evidence.Criterion)
		}
		if m.ComponentRef == "name" && (m.Evidence.Range != "product_version_range vers:generic/>=1.0|<2.0" ||
			m.Evidence.Criterion != "P-NAME: Acme Viewer <2 (vendor=Acme Medical, Inc., product=Viewer)") {
			t.Errorf("name evidence %+v", m.Evidence)
		}
	}
}

func TestNoAdvisoryNoMatch(t *testing.T) {
	m := New()
	if m.Name() != Name || m.Version() < 1 {
		t.Fatal(m.Name(), m.Version())
	}
	sb := match.NewSBOM([]*vigil.Component{{Ref: "a", Name: "a"}})
	res, err := m.Match(t.Context(), match.Record{Vuln: &vigil.Vulnerability{}}, sb)
	if err != nil || len(res.Matches) != 0 {
		t.Errorf("%+v, %v", res, err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := m.Match(ctx, match.Record{Advisory: helperAdvisory()}, sb); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
}

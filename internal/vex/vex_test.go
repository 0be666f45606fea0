package vex

import (
	"testing"
	"time"

	"github.com/vigil/vigil"
)

func TestMatch(t *testing.T) {
	d := &Document{ID: "x", Products: []Product{
		{Ref: "pump", Vendor: "Acme Medical Devices, Inc.", Name: "Infusion Pump", Version: "3.0"},
		{Ref: "pump-any", Vendor: "Acme", Name: "infusion-pump"},
		{Ref: "pump-2", Vendor: "Acme", Name: "Infusion Pump", Version: "2.1"},
		{Ref: "pump-model", Models: []string{"IP 3000"}, Version: "3.0"},
		{Ref: "pump-purl", PURL: "pkg:generic/acme-medical-devices/infusion-pump@3.0"},
		{Ref: "other-vendor", Vendor: "Globex", Name: "Infusion Pump", Version: "3.0"},
		{Ref: "openssl", PURL: "pkg:generic/openssl@1.1.1k"},
		{Ref: "openssl-any", PURL: "pkg:generic/openssl"},
		{Ref: "openssl-old", PURL: "pkg:generic/openssl@1.0.2"},
		{Ref: "openssl-cpe", CPE: "cpe:2.3:a:openssl:openssl:1.1.1k:*:*:*:*:*:*:*"},
		{Ref: "openssl-cpe-any", CPE: "cpe:2.3:a:openssl:openssl:*:*:*:*:*:*:*:*"},
		{Ref: "urn:cdx:3e671687-395b-41f5-a30f-a58921a69b79/1#openssl-ref", Label: "BOM-Link"},
		{Ref: "urn:cdx:00000000-395b-41f5-a30f-a58921a69b79/1#openssl-ref"},
		{Ref: "busybox", Name: "BusyBox", Version: "1.31.1"},
		{Ref: "oci-image", PURL: "pkg:oci/alpine@sha256:abc"},
	}}
	target := Target{
		VulnID: "CVE-2021-3711", Aliases: []string{"GHSA-xxxx"},
		Manufacturer: "Acme Medical Devices", ProductName: "Infusion Pump", Models: []string{"IP-3000"}, Version: "3.0",
		DevicePURL: DevicePURL("Acme Medical Devices", "Infusion Pump", "3.0"),
		SBOMSerial: "urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79", ComponentRef: "openssl-ref",
		ComponentName: "openssl", ComponentVersion: "1.1.1k", PURL: "pkg:generic/openssl@1.1.1k?download_url=x",
		CPEs: []string{"cpe:2.3:a:openssl:openssl:1.1.1k:*:*:*:*:*:*:*"},
	}
	busy := target
	busy.ComponentName, busy.ComponentVersion, busy.PURL, busy.CPEs = "busybox", "1.31.1", "", nil
	for _, tc := range []struct {
		name             string
		vuln, prod, comp string
		t                Target
		want             string
	}{
		{"release by name and version", "CVE-2021-3711", "pump", "", target, "release by name and version"},
		{"by alias", "GHSA-xxxx", "pump", "", target, "release by name and version"},
		{"other vulnerability", "CVE-2021-0001", "pump", "", target, ""},
		{"versionless product", "CVE-2021-3711", "pump-any", "", target, "release by name and version"},
		{"other version", "CVE-2021-3711", "pump-2", "", target, ""},
		{"by model", "CVE-2021-3711", "pump-model", "", target, "release by model"},
		{"by device purl", "CVE-2021-3711", "pump-purl", "", target, "release by purl"},
		{"other vendor", "CVE-2021-3711", "other-vendor", "", target, ""},
		{"release and component", "CVE-2021-3711", "pump", "openssl", target, "release by name and version, component by purl"},
		{"release, other component", "CVE-2021-3711", "pump", "openssl-old", target, ""},
		{"component by purl", "CVE-2021-3711", "openssl", "", target, "component by purl"},
		{"component, any version", "CVE-2021-3711", "openssl-any", "", target, "component by purl"},
		{"component, other version", "CVE-2021-3711", "openssl-old", "", target, ""},
		{"component by CPE", "CVE-2021-3711", "openssl-cpe", "", busy, ""},
		{"component by CPE, any version", "CVE-2021-3711", "openssl-cpe-any", "", Target{VulnID: "CVE-2021-3711", CPEs: target.CPEs}, "component by CPE"},
		{"BOM-Link", "CVE-2021-3711", "urn:cdx:3e671687-395b-41f5-a30f-a58921a69b79/1#openssl-ref", "", target, "component by BOM-Link"},
		{"BOM-Link, other BOM", "CVE-2021-3711", "urn:cdx:00000000-395b-41f5-a30f-a58921a69b79/1#openssl-ref", "", target, ""},
		{"name and version", "CVE-2021-3711", "busybox", "", busy, "component by name and version"},
		{"another product's component", "CVE-2021-3711", "oci-image", "openssl", target, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := Statement{Vulnerability: tc.vuln, Product: tc.prod, Component: tc.comp, Status: vigil.TriageNotAffected}
			how, ok := Match(d, s, tc.t)
			if how != tc.want || ok != (tc.want != "") {
				t.Errorf("Match = %q, %v; want %q", how, ok, tc.want)
			}
		})
	}
}

func TestBuild(t *testing.T) {
	now := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	ssl := vigil.Component{ID: 1, Ref: "c1", Name: "openssl", Version: "1.1.1k", PURL: "pkg:generic/openssl@1.1.1k"}
	dup := vigil.Component{ID: 2, Ref: "c2", Name: "openssl", Version: "1.1.1k", PURL: "pkg:generic/openssl@1.1.1k"}
	busy := vigil.Component{ID: 3, Ref: "c3", Name: "busybox", Version: "1.31.1", CPEs: []string{"cpe:2.3:a:busybox:busybox:1.31.1:*:*:*:*:*:*:*"}}
	in := Release{
		OrgSlug: "acme", OrgName: "Acme Medical Devices",
		Product: vigil.Product{Name: "Infusion Pump", Manufacturer: "Acme Medical Devices", DeviceModels: []string{"IP-3000"}},
		Version: "3.0", Now: now, Tool: "vigil test",
		Findings: []Finding{
			{VulnID: "CVE-1", Component: ssl, State: vigil.TriageNotAffected, Justification: vigil.JustVulnerableCodeNotInExecutePath, Response: vigil.ResponseUpdate, DecidedAt: now},
			{VulnID: "CVE-1", Component: ssl, State: vigil.TriageAffected, DecidedAt: now}, // a second matcher's finding, more cautious
			{VulnID: "CVE-1", Component: dup},
			{VulnID: "CVE-2", Aliases: []string{"GHSA-2"}, Component: busy, State: vigil.TriageFixed, Response: vigil.ResponseUpdate},
		},
	}
	d := Build(in)
	if err := d.Validate(); err != nil {
		t.Fatal(err)
	}
	if d.PublisherURL != "urn:vigil:org:acme" || len(d.Products) != 4 {
		t.Errorf("publisher %q, %d products; want urn:vigil:org:acme, 4", d.PublisherURL, len(d.Products))
	}
	dev, ok := d.ProductByRef("pkg:generic/acme-medical-devices/infusion-pump@3.0")
	if !ok || dev.Name != "Infusion Pump" || dev.Version != "3.0" || len(dev.Models) != 1 {
		t.Fatalf("device product %+v, %v", dev, ok)
	}
	got := map[string]vigil.TriageState{}
	for _, s := range d.Statements {
		got[s.Vulnerability+" "+s.Component] = s.Status
		if s.Status == vigil.TriageAffected && s.Justification != "" {
			t.Errorf("affected statement with justification %q", s.Justification)
		}
	}
	want := map[string]vigil.TriageState{
		"CVE-1 pkg:generic/openssl@1.1.1k": vigil.TriageAffected,
		"CVE-1 component:c2":               vigil.TriageUnderInvestigation,
		"CVE-2 component:c3":               vigil.TriageFixed,
	}
	if len(got) != len(want) {
		t.Errorf("statements %v, want %v", got, want)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: %s, want %s", k, got[k], v)
		}
	}
	// The id follows the content.
	if again := Build(in); again.ID != d.ID {
		t.Errorf("ids differ: %s, %s", d.ID, again.ID)
	}
	in.Findings = in.Findings[:3]
	if other := Build(in); other.ID == d.ID {
		t.Error("a different export has the same id")
	}
}

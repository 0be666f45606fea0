package csafproduct

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/vigil/vigil"
)

// medicalSBOM is the real medical-device case study SBOM: a device built
// on FreeRTOS 10.0.1 (Amazon), WolfSSL 4.8.1, fatFS R0.13c (ChaN), the NXP
// MCUXpresso SDK 2.9.0, Silicon Labs RS9113 / WiseConnect 1.7.16,
// Ubiquiti UniFi and EdgeOS firmware with Qualcomm Atheros and MediaTek
// SoCs, an ARM Cortex-M4, and a Windows application with .NET libraries
// (NAudio, NLog, log4net, Newtonsoft.Json, BouncyCastle, jQuery, Prism,
// Unity, Autofac, …).
const medicalSBOM = "sbom/cyclonedx/medical-device-case-study/extended.sbom.json"

// icsmaExpected lists, per advisory file, the components of medicalSBOM the
// advisory genuinely names and the status it gives them.
//
// Read one by one, the 40 CISA ICSMA advisories name the products of
// medical-device makers (St. Jude/Abbott, BD, B. Braun, Smiths Medical,
// Philips, GE Healthcare, Natus, Carestream, Medtronic, Fujifilm, Insulet,
// Baxter, ZOLL, Boston Scientific, Illumina, Santesoft, MicroDicom) and,
// in ICSMA-19-274-01 (URGENT/11), the RTOSes that embed Interpeak IPnet:
// ENEA OSE, Green Hills INTEGRITY, ITRON, IP Infusion ZebOS and Wind River
// VxWorks. The seven ICSA/VA advisories name Wind River VxWorks (URGENT/11,
// ICSA-19-211-01), the Treck TCP/IP stack (Ripple20, ICSA-20-168-01), Digi
// RealPort products, Mobotix cameras, Schneider Electric Data Center
// Expert, Adminer/AdminerEvo and IBM webMethods. None of those vendors or
// products is in the SBOM: its network stack is FreeRTOS's own, not IPnet
// or Treck; its TLS is WolfSSL; no advisory mentions FreeRTOS, WolfSSL,
// fatFS, NXP, Silicon Labs, Ubiquiti, Qualcomm, MediaTek, ARM or any of the
// .NET libraries anywhere in its text (checked with a case-insensitive
// search of the files). So the right answer is that no advisory matches,
// and every advisory is asserted to produce nothing, not even an
// undecidable case: a match here would be a false positive.
//
// The matcher is not blind: TestMedicalSBOMPositiveControls adds the
// components the Ripple20 and URGENT/11 advisories do name to the same SBOM
// and checks that exactly those advisories then match.
var icsmaExpected = map[string][]want{}

type want struct {
	Vuln, Ref string
	Status    vigil.MatchStatus
}

func wants(t *testing.T, ms []vigil.Match) []want {
	t.Helper()
	var out []want
	for _, m := range ms {
		out = append(out, want{m.VulnID, m.ComponentRef, m.Status})
	}
	slices.SortFunc(out, func(a, b want) int {
		return strings.Compare(a.Vuln+"\x00"+a.Ref+"\x00"+string(a.Status), b.Vuln+"\x00"+b.Ref+"\x00"+string(b.Status))
	})
	return out
}

func TestMedicalSBOMAgainstCISA(t *testing.T) {
	comps := parseSBOM(t, filepath.Join(testdata(t), medicalSBOM))
	if len(comps) < 60 {
		t.Fatalf("%d components, want the whole case study", len(comps))
	}
	paths := append(glob(t, "csaf/cisa-icsma/*.json"), glob(t, "csaf/cisa-icsa-it/*.json")...)
	if len(paths) != 47 {
		t.Fatalf("%d advisories, want 40 ICSMA + 7 ICSA/VA", len(paths))
	}
	for name, a := range advisories(t, paths...) {
		t.Run(name, func(t *testing.T) {
			res := run(t, a, comps)
			if diff := cmp.Diff(icsmaExpected[name], wants(t, res.Matches)); diff != "" {
				t.Errorf("%s matches (-want +got):\n%s", a.ID, diff)
			}
			if len(res.Unsupported) > 0 {
				t.Errorf("%s: undecided: %q", a.ID, res.Unsupported)
			}
		})
	}
}

// TestMedicalSBOMPositiveControls adds to the case-study SBOM the products
// that Ripple20 (Treck) and URGENT/11 (Wind River VxWorks, IPnet) name, as
// an SBOM states them, and checks that exactly the advisories that name
// them now match, with the right versions.
func TestMedicalSBOMPositiveControls(t *testing.T) {
	comps := parseSBOM(t, filepath.Join(testdata(t), medicalSBOM))
	comps = append(comps,
		// VxWorks 6.9.4.11 is named by ICSA-19-211-01 (known_affected for the
		// URGENT/11 CVEs it lists); ICSMA-19-274-01 lists VxWorks only up to
		// 6.5 and "VxWorks under CURRENT support (…)" as a product name no
		// SBOM writes, so it does not match 6.9.4.11.
		&vigil.Component{Ref: "vxworks-69", Type: vigil.ComponentOperatingSystem, Name: "VxWorks",
			Version: "6.9.4.11", Supplier: "Wind River Systems, Inc."},
		// VxWorks 6.4: ICSA-19-211-01 lists VxWorks ">=5.3|<=6.4"
		// (CSAFPID-0009) as known_not_affected for every URGENT/11 CVE (IPnet
		// came with 6.5), while ICSMA-19-274-01, whose vendor is the list
		// "ENEA, …, and Wind River", names VxWorks "<= 6.5" known_affected.
		// Each advisory is taken at its word; the engine keeps them apart.
		&vigil.Component{Ref: "vxworks-64", Type: vigil.ComponentOperatingSystem, Name: "VxWorks",
			Version: "6.4", CPEs: []string{"cpe:2.3:o:windriver:vxworks:6.4:*:*:*:*:*:*:*"}},
	)
	all := advisories(t, append(glob(t, "csaf/cisa-icsma/*.json"), glob(t, "csaf/cisa-icsa-it/*.json")...)...)
	got := map[string][]string{}
	for name, a := range all {
		res := run(t, a, comps)
		if len(res.Unsupported) > 0 {
			t.Errorf("%s: undecided: %q", name, res.Unsupported)
		}
		for _, m := range res.Matches {
			if m.Confidence != vigil.ConfidenceHeuristic || m.Evidence.Matcher != Name {
				t.Errorf("%s: %+v", name, m)
			}
			k := m.ComponentRef + " " + string(m.Status)
			if !slices.Contains(got[name], k) {
				got[name] = append(got[name], k)
			}
		}
	}
	wantAdv := map[string][]string{
		"icsa-19-211-01.json":  {"vxworks-69 affected", "vxworks-64 not_affected"},
		"icsma-19-274-01.json": {"vxworks-64 affected"},
	}
	for k := range got {
		slices.Sort(got[k])
	}
	for k := range wantAdv {
		slices.Sort(wantAdv[k])
	}
	if diff := cmp.Diff(wantAdv, got); diff != "" {
		t.Errorf("advisories matching (-want +got):\n%s", diff)
	}
}

// vexComponents builds one component per branch product of an advisory,
// as an SBOM would state it: the product id as ref, the product name (or
// family) as name, the vendor as supplier, and the product version — for
// a range, its lowest bound (or 1.0 for all versions).
func vexComponents(t *testing.T, a *vigil.Advisory) []*vigil.Component {
	t.Helper()
	var out []*vigil.Component
	for _, p := range a.ProductTree.Products() {
		if p.Vendor == "" {
			continue
		}
		c := &vigil.Component{Ref: p.ProductID, Type: vigil.ComponentApplication, Name: p.Product, Supplier: p.Vendor, Version: p.Version}
		if c.Name == "" {
			c.Name = p.Family
		}
		if p.VersionRange != "" {
			r, err := ParseRange(p.VersionRange)
			if err != nil {
				t.Fatalf("%s %s: %v", a.ID, p.ProductID, err)
			}
			c.Version = "1.0"
			if !r.All {
				c.Version = r.Constraints[0].Version
			}
		}
		out = append(out, c)
	}
	return out
}

// TestOASISVEX runs each official CSAF VEX example against components
// built from its own product tree: every product listed under a status
// comes out with that status (known_affected → affected, known_not_affected
// → not_affected, fixed → fixed, under_investigation → under_investigation)
// and nothing else matches.
func TestOASISVEX(t *testing.T) {
	all := advisories(t, glob(t, "csaf/oasis-csaf20/examples/csaf/csaf_vex/*.json")...)
	if len(all) != 13 {
		t.Fatalf("%d VEX examples, want 13", len(all))
	}
	seen := map[vigil.MatchStatus]int{}
	for name, a := range all {
		t.Run(name, func(t *testing.T) {
			comps := vexComponents(t, a)
			res := run(t, a, comps)
			if len(res.Unsupported) > 0 {
				t.Errorf("undecided: %q", res.Unsupported)
			}
			var exp []vigil.Match
			for _, v := range a.Vulnerabilities {
				for _, k := range vigil.ProductStatusKinds {
					st, ok := statusOf(k)
					if !ok {
						continue
					}
					for _, id := range v.ProductStatus.List(k) {
						exp = append(exp, vigil.Match{VulnID: v.CVE, ComponentRef: id, Status: st})
					}
				}
			}
			if diff := cmp.Diff(wants(t, exp), wants(t, res.Matches)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
			for _, m := range res.Matches {
				seen[m.Status]++
				if m.Confidence != vigil.ConfidenceHeuristic || m.Evidence.Source != a.Provenance ||
					!strings.HasPrefix(m.Evidence.Criterion, m.ComponentRef+": ") || m.Evidence.Range == "" ||
					slices.Contains(m.Aliases, a.ID) {
					t.Errorf("evidence: %+v", m)
				}
			}
		})
	}
	for _, s := range vigil.MatchStatuses {
		if seen[s] == 0 {
			t.Errorf("no %s match in the VEX examples", s)
		}
	}
}

// TestOASISVEXDetail checks what the evidence says beyond the status:
// flags and impact for not affected, remedies for affected, recommended.
func TestOASISVEXDetail(t *testing.T) {
	all := advisories(t, glob(t, "csaf/oasis-csaf20/examples/csaf/csaf_vex/*.json")...)
	tests := []struct {
		file, vuln, ref string
		status          vigil.MatchStatus
		detail          []string
		rng             string
	}{
		{"sec-vex-2022-0001.json", "CVE-2021-44228", "CSAFPID-0001", vigil.MatchNotAffected,
			[]string{"csaf known_not_affected", "flag component_not_present", "impact: Secvisogram is written in JavaScript. No Java is included."},
			`product_version_range "<=1.14.0" (vers:generic/<=1.14.0)`},
		{"2022-evd-uc-01-na-001.json", "CVE-2021-44228", "CSAFPID-0001", vigil.MatchNotAffected,
			[]string{"impact: Class with vulnerable code was removed before shipping."}, `product_version "4.2" (vers:generic/4.2)`},
		{"2022-evd-uc-08-001.json", "CVE-2021-44228", "CSAFPID-0002", vigil.MatchAffected,
			[]string{"csaf known_affected", "vendor_fix: Update to version 4.2 or later."}, ""},
		{"2022-evd-uc-08-001.json", "CVE-2021-44228", "CSAFPID-0011", vigil.MatchFixed,
			[]string{"csaf fixed", "recommended CSAFPID-0011 (Example Company JKL 5.2)"}, ""},
		{"2022-evd-uc-08-001.json", "CVE-2021-44228", "CSAFPID-0004", vigil.MatchAffected,
			nil, "product_version_range vers:generic/>=2.9|<=4.1"},
		{"2022-evd-uc-05-001.json", "CVE-2021-44228", "CSAFPID-0001", vigil.MatchUnderInvestigation,
			[]string{"csaf under_investigation"}, "product_version_range vers:all/*"},
		{"2022-evd-uc-09-001.json", "CVE-2021-45105", "CSAFPID-0002", vigil.MatchAffected,
			[]string{"none_available: Example Company is currently working on a fix"}, "all versions (no version in the product tree)"},
	}
	for _, tt := range tests {
		a := all[tt.file]
		res := run(t, a, vexComponents(t, a))
		var got *vigil.Match
		for i, m := range res.Matches {
			if m.VulnID == tt.vuln && m.ComponentRef == tt.ref {
				got = &res.Matches[i]
			}
		}
		if got == nil {
			t.Errorf("%s %s %s: no match", tt.file, tt.vuln, tt.ref)
			continue
		}
		if got.Status != tt.status {
			t.Errorf("%s %s %s: status %s, want %s", tt.file, tt.vuln, tt.ref, got.Status, tt.status)
		}
		for _, d := range tt.detail {
			if !strings.Contains(got.Evidence.Detail, d) {
				t.Errorf("%s %s %s: detail %q lacks %q", tt.file, tt.vuln, tt.ref, got.Evidence.Detail, d)
			}
		}
		if tt.rng != "" && got.Evidence.Range != tt.rng {
			t.Errorf("%s %s %s: range %q, want %q", tt.file, tt.vuln, tt.ref, got.Evidence.Range, tt.rng)
		}
	}
}

// TestMobotixRelationships uses the real ICSA-24-235-03: its statuses
// list only relationship products (a firmware installed_on a camera), so
// a firmware component must inherit what is said of "firmware on camera".
// The firmware is found by its file hash (exact), or by vendor, product
// and version (heuristic); the camera by vendor, family and model.
func TestMobotixRelationships(t *testing.T) {
	a := advisories(t, filepath.Join(testdata(t), "csaf/cisa-icsa-it/icsa-24-235-03.json"))["icsa-24-235-03.json"]
	comps := []*vigil.Component{
		{Ref: "camera", Type: vigil.ComponentDevice, Name: "D24M", Manufacturer: "MOBOTIX AG"},
		// MX-V4.4.2.34 (CSAFPID-0066), by its MD5: known_affected on P3 cameras.
		{Ref: "fw-affected", Type: vigil.ComponentFirmware, Name: "MX_system_4_4234.mpl",
			Hashes: []vigil.Hash{{Alg: vigil.HashMD5, Value: "837fee628c1545a317aa3bbf7a2364ae"}}},
		// MX-V4.7.3.11 (CSAFPID-0074), by its SHA-256: fixed.
		{Ref: "fw-fixed", Type: vigil.ComponentFirmware, Name: "MX_system_4_7311.mpl",
			Hashes: []vigil.Hash{{Alg: vigil.HashSHA256, Value: "B5D7249844C1A46E7DE34A563EAC824E7DC3A57EA181EDC4636925B9E2E6985C"}}},
		// MX-V4.0.1.15 (CSAFPID-0034), by name: known_not_affected, flagged.
		{Ref: "fw-old", Type: vigil.ComponentFirmware, Name: "P3 Firmware", Version: "MX-V4.0.1.15", Supplier: "Mobotix"},
	}
	res := run(t, a, comps)
	if len(res.Unsupported) > 0 {
		t.Errorf("undecided: %q", res.Unsupported)
	}
	got := map[string]vigil.Match{}
	for _, m := range res.Matches {
		got[m.ComponentRef] = m
	}
	if _, ok := got["camera"]; ok {
		t.Errorf("the camera itself matched; the advisory speaks of firmware on cameras: %+v", got["camera"])
	}
	checks := []struct {
		ref        string
		status     vigil.MatchStatus
		conf       vigil.Confidence
		identifier string
		criterion  string
		detail     string
	}{
		{"fw-affected", vigil.MatchAffected, vigil.ConfidenceExact, "MD5:837fee628c1545a317aa3bbf7a2364ae",
			"CSAFPID-0749: Mobotix P3 Firmware MX-V4.4.2.34 installed on Mobotix P3 D24M (via CSAFPID-0066 Mobotix P3 Firmware MX-V4.4.2.34; hash md5=837fee628c1545a317aa3bbf7a2364ae file=MX_system_4_4234.mpl)",
			"installed_on CSAFPID-0001 (Mobotix P3 D24M)"},
		{"fw-fixed", vigil.MatchFixed, vigil.ConfidenceExact, "SHA-256:B5D7249844C1A46E7DE34A563EAC824E7DC3A57EA181EDC4636925B9E2E6985C", "", "csaf fixed"},
		{"fw-old", vigil.MatchNotAffected, vigil.ConfidenceHeuristic, "P3 Firmware MX-V4.0.1.15", "", "flag vulnerable_code_not_present"},
	}
	for _, c := range checks {
		m, ok := got[c.ref]
		if !ok {
			t.Errorf("%s: no match", c.ref)
			continue
		}
		if m.VulnID != "CVE-2023-34873" || m.Status != c.status || m.Confidence != c.conf || m.Evidence.Identifier != c.identifier {
			t.Errorf("%s: %+v", c.ref, m)
		}
		if c.criterion != "" && m.Evidence.Criterion != c.criterion {
			t.Errorf("%s: criterion\n %q, want\n %q", c.ref, m.Evidence.Criterion, c.criterion)
		}
		if !strings.Contains(m.Evidence.Detail, c.detail) || strings.Contains(m.Evidence.Detail, "not in the SBOM") {
			t.Errorf("%s: detail %q lacks %q", c.ref, m.Evidence.Detail, c.detail)
		}
	}
}

// TestRedHatPURLThroughRelationships uses the real RHSA-2024:6220: an RPM
// (purl helper) is a default_component_of a module that is itself a
// component of several RHEL streams; "fixed" is stated of the combined ids.
func TestRedHatPURLThroughRelationships(t *testing.T) {
	a := advisories(t, filepath.Join(testdata(t), "csaf/redhat/rhsa-2024_6220.json"))["rhsa-2024_6220.json"]
	comps := []*vigil.Component{
		{Ref: "pymysql", Name: "python39-PyMySQL", Version: "0.10.1-2.module+el8.4.0+9822+20bf1249",
			PURL: "pkg:rpm/redhat/python39-PyMySQL@0.10.1-2.module%2Bel8.4.0%2B9822%2B20bf1249?arch=noarch"},
		// Same package, another build: the purl helper's version decides.
		{Ref: "pymysql-other", Name: "python39-PyMySQL", Version: "0.10.1-1.module+el8.1.0+1+1",
			PURL: "pkg:rpm/redhat/python39-PyMySQL@0.10.1-1.module%2Bel8.1.0%2B1%2B1?arch=noarch", Supplier: "Red Hat"},
	}
	res := run(t, a, comps)
	if len(res.Matches) != 1 {
		t.Fatalf("matches: %+v (unsupported %q)", res.Matches, res.Unsupported)
	}
	m := res.Matches[0]
	if m.ComponentRef != "pymysql" || m.Status != vigil.MatchFixed || m.Confidence != vigil.ConfidenceExact ||
		m.VulnID != "CVE-2024-6345" || slices.Contains(m.Aliases, "RHSA-2024:6220") || m.Evidence.Source.SourceID != "RHSA-2024:6220" ||
		!strings.Contains(m.Evidence.Criterion, "via python39-PyMySQL-0:0.10.1-2.module+el8.4.0+9822+20bf1249.noarch") ||
		!strings.Contains(m.Evidence.Criterion, "purl=pkg:rpm/redhat/python39-PyMySQL@") ||
		!strings.Contains(m.Evidence.Detail, "default_component_of") {
		t.Errorf("%+v", m)
	}
}

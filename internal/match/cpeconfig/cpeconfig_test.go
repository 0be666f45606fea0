package cpeconfig

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/cpe"
	"github.com/vigil/vigil/internal/feed"
	"github.com/vigil/vigil/internal/feed/cve5"
	"github.com/vigil/vigil/internal/feed/feedtest"
	"github.com/vigil/vigil/internal/feed/nvd"
	"github.com/vigil/vigil/internal/ingest"
	"github.com/vigil/vigil/internal/match"
	"github.com/vigil/vigil/internal/realdata"
)

// sharedDir is the shared test data folder, set by load before corpus
// reads it.
var sharedDir string

// corpus is the real records, read once per test binary and never
// modified: by feed ("api-2.0", "feed-1.1", "cve5"), then id.
var corpus = sync.OnceValues(func() (map[string]map[string]*vigil.Vulnerability, error) {
	out := map[string]map[string]*vigil.Vulnerability{}
	api20 := filepath.Join(sharedDir, "nvd", "api-2.0")
	feed11 := filepath.Join(sharedDir, "nvd", "feed-1.1")
	cve5Dir := filepath.Join(sharedDir, "cve5")
	for _, src := range []struct {
		name, dir string
		im        feed.Importer
	}{
		{"api-2.0", api20, nvd.New(ingest.Limits{})},
		{"feed-1.1", feed11, nvd.NewLegacy(ingest.Limits{})},
		{"cve5", cve5Dir, cve5.New(ingest.Limits{})},
	} {
		sink := &feedtest.Sink{}
		if _, err := feed.ImportPath(context.Background(), src.dir, []feed.Importer{src.im}, sink, feed.Options{}); err != nil {
			return nil, err
		}
		recs := make(map[string]*vigil.Vulnerability, len(sink.Vulnerabilities))
		for _, v := range sink.Vulnerabilities {
			recs[v.ID] = v
		}
		if len(recs) == 0 {
			return nil, fmt.Errorf("no records in %s", src.dir)
		}
		out[src.name] = recs
	}
	return out, nil
})

// load returns the real records of one feed. Callers must not modify them.
func load(t testing.TB, name string) map[string]*vigil.Vulnerability {
	t.Helper()
	if sharedDir == "" {
		sharedDir = realdata.Dir(t)
	}
	all, err := corpus()
	if err != nil {
		t.Fatal(err)
	}
	return all[name]
}

// sbomOf makes one component per CPE, ref "c0", "c1", …, its name and
// version taken from the CPE.
func sbomOf(t testing.TB, cpes ...string) *match.SBOM {
	t.Helper()
	var comps []*vigil.Component
	for i, s := range cpes {
		n, err := cpe.Parse(s)
		if err != nil {
			t.Fatal(err)
		}
		c := &vigil.Component{Ref: "c" + string(rune('0'+i)), Name: n.Unquoted(cpe.Product), CPEs: []string{s}}
		if cpe.IsLiteral(n[cpe.Version]) {
			c.Version = n.Unquoted(cpe.Version)
		}
		comps = append(comps, c)
	}
	return match.NewSBOM(comps)
}

// got is what the table tests compare of a match.
type got struct {
	Ref, Criterion, Range, Node string
}

func project(ms []vigil.Match) []got {
	var out []got
	for _, m := range ms {
		out = append(out, got{m.ComponentRef, m.Evidence.Criterion, m.Evidence.Range, m.Evidence.Node})
	}
	return out
}

const (
	vmwareTools = "cpe:2.3:a:vmware:tools:*:*:*:*:*:*:*:*"
	linux       = "cpe:2.3:o:linux:linux_kernel:5.15.0:*:*:*:*:*:*:*"
	windows     = "cpe:2.3:o:microsoft:windows:-:*:*:*:*:*:*:*"
	macos       = "cpe:2.3:o:apple:macos:-:*:*:*:*:*:*:*"
	ibmVerify   = "cpe:2.3:a:ibm:security_verify_privilege_on-premises:*:*:*:*:*:*:*:*"
)

func tools(v string) string { return "cpe:2.3:a:vmware:tools:" + v + ":*:*:*:*:*:*:*" }
func verify(v string) string {
	return "cpe:2.3:a:ibm:security_verify_privilege_on-premises:" + v + ":*:*:*:*:*:*:*"
}

// Hand-picked configurations from the real NVD files, with the result NVD
// intends: a vulnerable application and its running-on platform match only
// together, only the application is reported, and range bounds hold on
// both sides.
func TestMatch_RealNVD(t *testing.T) {
	ctx := context.Background()
	recs := map[string]map[string]*vigil.Vulnerability{
		"api-2.0":  load(t, "api-2.0"),
		"feed-1.1": load(t, "feed-1.1"),
	}
	// CVE-2022-31676 (1.1 feed), VMware Tools:
	//   [0] AND(tools >=10.0.0 <12.1.0, running on windows)
	//   [1] AND(OR(tools >=10.0.0 <10.3.25, >=11.0.0 <12.1.0), running on linux_kernel)
	//   [2] OR(debian_linux 10.0, 11.0)
	// CVE-2022-22377 (API 2.0), IBM Security Verify Privilege On-Premises:
	//   [0] AND(verify <11.5, OR(running on macos, windows))
	// CVE-2020-13595 (API 2.0), Espressif ESP-IDF:
	//   [0] AND(esp-idf >=4.0.0 <=4.2, running on the esp32 chip)
	// CVE-2021-3690 (1.1 feed), concrete versions on RHEL:
	//   [1] AND(jboss_eap 7.3, OR(running on enterprise_linux 7.0, 6.0, 8.0))
	// CVE-2022-37292 (1.1 feed), Tenda AX12 firmware on its hardware.
	const (
		cfg1Linux = "configurations[1].nodes[0] AND with running-on " + linux
		cfg0Win   = "configurations[0].nodes[0] AND with running-on " + windows
	)
	tests := []struct {
		name, feed, id string
		sbom           []string
		want           []got
	}{
		{"app and its platform: only the app is reported", "feed-1.1", "CVE-2022-31676",
			[]string{tools("10.3.24"), linux},
			[]got{{"c0", vmwareTools, "versionStartIncluding 10.0.0, versionEndExcluding 10.3.25", cfg1Linux}}},
		{"platform listed first changes nothing", "feed-1.1", "CVE-2022-31676",
			[]string{linux, tools("10.3.24")},
			[]got{{"c1", vmwareTools, "versionStartIncluding 10.0.0, versionEndExcluding 10.3.25", cfg1Linux}}},
		{"app without its platform", "feed-1.1", "CVE-2022-31676",
			[]string{tools("10.3.24")}, nil},
		{"platform without the app", "feed-1.1", "CVE-2022-31676",
			[]string{linux, windows}, nil},
		{"versionEndExcluding: the bound itself is out", "feed-1.1", "CVE-2022-31676",
			[]string{tools("10.3.25"), linux}, nil},
		{"versionStartIncluding: the bound itself is in", "feed-1.1", "CVE-2022-31676",
			[]string{tools("11.0.0"), linux},
			[]got{{"c0", vmwareTools, "versionStartIncluding 11.0.0, versionEndExcluding 12.1.0", cfg1Linux}}},
		{"between the two linux ranges", "feed-1.1", "CVE-2022-31676",
			[]string{tools("10.4"), linux}, nil},
		{"numeric order: 10.10 is past 10.3.25", "feed-1.1", "CVE-2022-31676",
			[]string{tools("10.10.0"), linux}, nil},
		{"below the first start", "feed-1.1", "CVE-2022-31676",
			[]string{tools("9.10.5"), linux, windows}, nil},
		{"same version on windows is in the wider range", "feed-1.1", "CVE-2022-31676",
			[]string{tools("10.3.25"), windows},
			[]got{{"c0", vmwareTools, "versionStartIncluding 10.0.0, versionEndExcluding 12.1.0", cfg0Win}}},
		{"end excluding 12.1.0 on both platforms", "feed-1.1", "CVE-2022-31676",
			[]string{tools("12.1.0"), linux, windows}, nil},
		{"just below 12.1.0, both platforms: reported once, first configuration", "feed-1.1", "CVE-2022-31676",
			[]string{tools("12.0.9"), linux, windows},
			[]got{{"c0", vmwareTools, "versionStartIncluding 10.0.0, versionEndExcluding 12.1.0", cfg0Win}}},
		{"a vulnerable OS on its own", "feed-1.1", "CVE-2022-31676",
			[]string{"cpe:2.3:o:debian:debian_linux:11.0:*:*:*:*:*:*:*"},
			[]got{{"c0", "cpe:2.3:o:debian:debian_linux:11.0:*:*:*:*:*:*:*", "version 11.0", "configurations[2].nodes[0]"}}},
		{"concrete criterion version: another version is disjoint", "feed-1.1", "CVE-2022-31676",
			[]string{"cpe:2.3:o:debian:debian_linux:12.0:*:*:*:*:*:*:*"}, nil},

		{"either platform of an OR satisfies the AND", "api-2.0", "CVE-2022-22377",
			[]string{verify("11.4.9"), macos},
			[]got{{"c0", ibmVerify, "versionEndExcluding 11.5", "configurations[0].nodes[0] AND with running-on " + macos}}},
		{"a platform with a version satisfies a platform criterion with version -", "api-2.0", "CVE-2022-22377",
			[]string{verify("11.4"), "cpe:2.3:o:microsoft:windows:10:*:*:*:*:*:*:*"},
			[]got{{"c0", ibmVerify, "versionEndExcluding 11.5", "configurations[0].nodes[0] AND with running-on cpe:2.3:o:microsoft:windows:10:*:*:*:*:*:*:*"}}},
		{"versionEndExcluding 11.5 itself", "api-2.0", "CVE-2022-22377",
			[]string{verify("11.5"), windows}, nil},
		{"versionEndExcluding: 11.5.0 equals 11.5", "api-2.0", "CVE-2022-22377",
			[]string{verify("11.5.0"), windows}, nil},
		{"running on another OS", "api-2.0", "CVE-2022-22377",
			[]string{verify("11.4"), linux}, nil},

		{"firmware on its chip, end including 4.2", "api-2.0", "CVE-2020-13595",
			[]string{"cpe:2.3:a:espressif:esp-idf:4.2:*:*:*:*:*:*:*", "cpe:2.3:h:espressif:esp32:-:*:*:*:*:*:*:*"},
			[]got{{"c0", "cpe:2.3:a:espressif:esp-idf:*:*:*:*:*:*:*:*", "versionStartIncluding 4.0.0, versionEndIncluding 4.2",
				"configurations[0].nodes[0] AND with running-on cpe:2.3:h:espressif:esp32:-:*:*:*:*:*:*:*"}}},
		{"past end including", "api-2.0", "CVE-2020-13595",
			[]string{"cpe:2.3:a:espressif:esp-idf:4.2.1:*:*:*:*:*:*:*", "cpe:2.3:h:espressif:esp32:-:*:*:*:*:*:*:*"}, nil},
		{"another chip", "api-2.0", "CVE-2020-13595",
			[]string{"cpe:2.3:a:espressif:esp-idf:4.1:*:*:*:*:*:*:*", "cpe:2.3:h:espressif:esp8266:-:*:*:*:*:*:*:*"}, nil},

		{"concrete version on one of three platforms", "feed-1.1", "CVE-2021-3690",
			[]string{"cpe:2.3:a:redhat:jboss_enterprise_application_platform:7.3:*:*:*:*:*:*:*", "cpe:2.3:o:redhat:enterprise_linux:8.0:*:*:*:*:*:*:*"},
			[]got{{"c0", "cpe:2.3:a:redhat:jboss_enterprise_application_platform:7.3:*:*:*:*:*:*:*", "version 7.3",
				"configurations[1].nodes[0] AND with running-on cpe:2.3:o:redhat:enterprise_linux:8.0:*:*:*:*:*:*:*"}}},
		{"7.4 is not on RHEL 6", "feed-1.1", "CVE-2021-3690",
			[]string{"cpe:2.3:a:redhat:jboss_enterprise_application_platform:7.4:*:*:*:*:*:*:*", "cpe:2.3:o:redhat:enterprise_linux:6.0:*:*:*:*:*:*:*"}, nil},
		{"vulnerable criterion with version - needs NA", "feed-1.1", "CVE-2021-3690",
			[]string{"cpe:2.3:a:redhat:integration_camel_k:1.4:*:*:*:*:*:*:*"}, nil},
		{"vulnerable criterion with version -", "feed-1.1", "CVE-2021-3690",
			[]string{"cpe:2.3:a:redhat:integration_camel_k:-:*:*:*:*:*:*:*"},
			[]got{{"c0", "cpe:2.3:a:redhat:integration_camel_k:-:*:*:*:*:*:*:*", "version not applicable (-)", "configurations[0].nodes[0]"}}},
		{"sw_edition text-only in the criterion refuses another edition", "feed-1.1", "CVE-2021-3690",
			[]string{"cpe:2.3:a:redhat:single_sign-on:-:*:*:*:full:*:*:*"}, nil},

		{"firmware version with a suffix on its hardware", "feed-1.1", "CVE-2022-37292",
			[]string{"cpe:2.3:o:tenda:ax12_firmware:22.03.01.21_cn:*:*:*:*:*:*:*", "cpe:2.3:h:tenda:ax12:-:*:*:*:*:*:*:*"},
			[]got{{"c0", "cpe:2.3:o:tenda:ax12_firmware:22.03.01.21_cn:*:*:*:*:*:*:*", "version 22.03.01.21_cn",
				"configurations[0].nodes[0] AND with running-on cpe:2.3:h:tenda:ax12:-:*:*:*:*:*:*:*"}}},
		{"firmware version without the suffix", "feed-1.1", "CVE-2022-37292",
			[]string{"cpe:2.3:o:tenda:ax12_firmware:22.03.01.21:*:*:*:*:*:*:*", "cpe:2.3:h:tenda:ax12:-:*:*:*:*:*:*:*"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := recs[tt.feed][tt.id]
			if v == nil {
				t.Fatalf("%s: no %s", tt.feed, tt.id)
			}
			res, err := New().Match(ctx, match.Record{Vuln: v}, sbomOf(t, tt.sbom...))
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Unsupported) > 0 {
				t.Errorf("Unsupported: %v", res.Unsupported)
			}
			if diff := cmp.Diff(tt.want, project(res.Matches)); diff != "" {
				t.Errorf("Match(%s) (-want +got):\n%s", tt.id, diff)
			}
		})
	}
}

// One match in full: every evidence field.
func TestMatch_Evidence(t *testing.T) {
	v := load(t, "feed-1.1")["CVE-2022-31676"]
	sbom := sbomOf(t, tools("10.3.24"), linux)
	sbom.Components[1].Name, sbom.Components[1].Version = "linux", "5.15.0"
	res, err := New().Match(context.Background(), match.Record{Vuln: v}, sbom)
	if err != nil {
		t.Fatal(err)
	}
	want := []vigil.Match{{
		VulnID: "CVE-2022-31676", Aliases: v.Aliases, ComponentRef: "c0",
		Status: vigil.MatchAffected, Confidence: vigil.ConfidenceCPE,
		Evidence: vigil.Evidence{
			Matcher: Name, MatcherVersion: 1,
			Identifier: tools("10.3.24"),
			Criterion:  vmwareTools,
			Range:      "versionStartIncluding 10.0.0, versionEndExcluding 10.3.25",
			Node:       "configurations[1].nodes[0] AND with running-on " + linux,
			Source:     vigil.Provenance{Source: vigil.SourceNVD, SourceID: "CVE-2022-31676"},
			Detail:     "runs on c1 (linux 5.15.0)",
		},
	}}
	if diff := cmp.Diff(want, res.Matches); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// The real files hold no negated node, so these take a real configuration
// (CVE-2022-22377: the application AND running on macOS or Windows) and
// negate parts of it.
func TestMatch_Negate(t *testing.T) {
	real := load(t, "api-2.0")["CVE-2022-22377"]
	negated := func(node, config bool) *vigil.Vulnerability {
		v := *real
		cfg := real.Configurations[0]
		cfg.Nodes = append([]vigil.CPENode(nil), cfg.Nodes...)
		cfg.Nodes[1].Negate = node
		cfg.Negate = config
		v.Configurations = []vigil.CPEConfiguration{cfg}
		return &v
	}
	tests := []struct {
		name         string
		node, config bool
		sbom         []string
		want         []got
	}{
		{"NOT on macOS or Windows: on Linux", true, false, []string{verify("11.4"), linux},
			[]got{{"c0", ibmVerify, "versionEndExcluding 11.5", "configurations[0].nodes[0] AND NOT configurations[0].nodes[1]"}}},
		{"NOT on macOS or Windows: alone", true, false, []string{verify("11.4")},
			[]got{{"c0", ibmVerify, "versionEndExcluding 11.5", "configurations[0].nodes[0] AND NOT configurations[0].nodes[1]"}}},
		{"NOT on macOS or Windows: on Windows", true, false, []string{verify("11.4"), windows}, nil},
		{"NOT on macOS or Windows: fixed version on Linux", true, false, []string{verify("11.5"), linux}, nil},
		{"negated configuration that holds reports nothing", false, true, []string{linux}, nil},
		{"negated configuration that fails", false, true, []string{verify("11.4"), windows}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := New().Match(context.Background(), match.Record{Vuln: negated(tt.node, tt.config)}, sbomOf(t, tt.sbom...))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, project(res.Matches)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

// Nested children (the 1.1 feed's shape) and an AND between vulnerable
// parts, on synthetic trees.
func TestMatch_Trees(t *testing.T) {
	crit := func(c string, vuln bool) vigil.CPEMatch { return vigil.CPEMatch{Criteria: c, Vulnerable: vuln} }
	a := "cpe:2.3:a:acme:app:1.0:*:*:*:*:*:*:*"
	b := "cpe:2.3:a:acme:lib:2.0:*:*:*:*:*:*:*"
	hw := "cpe:2.3:h:acme:pump:-:*:*:*:*:*:*:*"
	rec := &vigil.Vulnerability{ID: "TEST-1", Provenance: vigil.Provenance{Source: vigil.SourceNVD, SourceID: "TEST-1"},
		Configurations: []vigil.CPEConfiguration{{Nodes: []vigil.CPENode{{
			Operator: vigil.OpAnd,
			Children: []vigil.CPENode{
				{Operator: vigil.OpAnd, Matches: []vigil.CPEMatch{crit(a, true), crit(b, true)}},
				{Operator: vigil.OpOr, Matches: []vigil.CPEMatch{crit(hw, false)}},
			},
		}}}}}
	tests := []struct {
		name string
		sbom []string
		want []got
	}{
		{"both parts on the pump", []string{a, b, hw}, []got{
			{"c0", a, "version 1.0", "configurations[0].nodes[0].children[0] AND with " + b + " AND with running-on " + hw},
			{"c1", b, "version 2.0", "configurations[0].nodes[0].children[0] AND with " + a + " AND with running-on " + hw},
		}},
		{"one part missing", []string{a, hw}, nil},
		{"no pump", []string{a, b}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := New().Match(context.Background(), match.Record{Vuln: rec}, sbomOf(t, tt.sbom...))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, project(res.Matches)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestMatch_Nothing(t *testing.T) {
	v := load(t, "feed-1.1")["CVE-2022-31676"]
	noCPE := match.NewSBOM([]*vigil.Component{{Ref: "c0", Name: "tools", Version: "10.3.24", Supplier: "VMware"}})
	tests := []struct {
		name string
		rec  match.Record
		sbom *match.SBOM
	}{
		{"components without CPEs", match.Record{Vuln: v}, noCPE},
		{"record without configurations", match.Record{Vuln: &vigil.Vulnerability{ID: "X"}}, sbomOf(t, tools("10.3.24"))},
		{"advisory record", match.Record{Advisory: &vigil.Advisory{}}, sbomOf(t, tools("10.3.24"))},
		{"empty SBOM", match.Record{Vuln: v}, match.NewSBOM(nil)},
		{"invalid component CPE", match.Record{Vuln: v}, match.NewSBOM([]*vigil.Component{{Ref: "c0", CPEs: []string{"cpe:2.3:a:vmware:tools"}}})},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := New().Match(context.Background(), tt.rec, tt.sbom)
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Matches)+len(res.Unsupported) != 0 {
				t.Errorf("got %+v, want nothing", res)
			}
		})
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := New().Match(ctx, match.Record{Vuln: v}, sbomOf(t, tools("10.3.24"))); err == nil {
		t.Error("cancelled context: want an error")
	}
}

func TestMatch_Unsupported(t *testing.T) {
	v := &vigil.Vulnerability{ID: "TEST-2", Configurations: []vigil.CPEConfiguration{{Nodes: []vigil.CPENode{{
		Operator: vigil.OpOr, Matches: []vigil.CPEMatch{{Criteria: "cpe:2.3:a:acme", Vulnerable: true}, {Criteria: vmwareTools, Vulnerable: true}},
	}}}}}
	res, err := New().Match(context.Background(), match.Record{Vuln: v}, sbomOf(t, tools("1.0")))
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Matches) != 1 || len(res.Unsupported) != 1 || !strings.HasPrefix(res.Unsupported[0], "TEST-2: configurations[0].nodes[0].matches[0]: invalid CPE") {
		t.Errorf("got %+v", res)
	}
}

// A component CPE with version ANY takes the component's version.
func TestMatch_ComponentVersion(t *testing.T) {
	v := load(t, "feed-1.1")["CVE-2022-31676"]
	for _, tt := range []struct {
		version string
		want    int
	}{{"10.3.24", 1}, {"10.3.25", 0}, {"", 0}} {
		sbom := sbomOf(t, tools("*"), linux)
		sbom.Components[0].Version = tt.version
		res, err := New().Match(context.Background(), match.Record{Vuln: v}, sbom)
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Matches) != tt.want {
			t.Errorf("tools:* with version %q: %d matches, want %d", tt.version, len(res.Matches), tt.want)
		}
	}
}

// CVE 5 products with CPEs, from the real CISA vulnrichment records.
func TestMatch_CVE5Products(t *testing.T) {
	recs := load(t, "cve5")
	tests := []struct {
		name, id string
		sbom     []string
		want     []got
		status   vigil.MatchStatus
	}{
		{"ADP lessThanOrEqual, inside", "CVE-2021-41689", []string{"cpe:2.3:a:dcmtk:dcmtk:3.6.6:*:*:*:*:*:*:*"},
			[]got{{"c0", "cpe:2.3:a:dcmtk:dcmtk:*:*:*:*:*:*:*:*", "lessThanOrEqual 3.6.6 (affected)", "adp[1].products[0]"}}, vigil.MatchAffected},
		{"ADP lessThanOrEqual, past", "CVE-2021-41689", []string{"cpe:2.3:a:dcmtk:dcmtk:3.6.7:*:*:*:*:*:*:*"}, nil, ""},
		{"ADP lessThan, bound", "CVE-2020-13927", []string{"cpe:2.3:a:apache:airflow:1.10.11:*:*:*:*:*:*:*"}, nil, ""},
		{"ADP lessThan, below", "CVE-2020-13927", []string{"cpe:2.3:a:apache:airflow:1.10.10:*:*:*:*:*:*:*"},
			[]got{{"c0", "cpe:2.3:a:apache:airflow:*:*:*:*:*:*:*:*", "lessThan 1.10.11 (affected)", "adp[1].products[0]"}}, vigil.MatchAffected},
		{"CNA range from a version, the CPE's version ignored", "CVE-2025-1110", []string{"cpe:2.3:a:gitlab:gitlab:18.0.0:*:*:*:*:*:*:*"},
			[]got{{"c0", "cpe:2.3:a:gitlab:gitlab:*:*:*:*:*:*:*:*", "version 18.0, lessThan 18.0.1 (affected)", "products[0]"}}, vigil.MatchAffected},
		{"CNA range, below its start, defaultStatus unaffected", "CVE-2025-1110", []string{"cpe:2.3:a:gitlab:gitlab:17.11.2:*:*:*:*:*:*:*"}, nil, ""},
		{"Baxter Welch Allyn tool", "CVE-2024-5176", []string{"cpe:2.3:a:baxter:welch_allyn_configuration_tool:1.9.4.1:*:*:*:*:*:*:*"},
			[]got{{"c0", "cpe:2.3:a:baxter:welch_allyn_configuration_tool:*:*:*:*:*:*:*:*", "lessThanOrEqual 1.9.4.1 (affected)", "adp[1].products[0]"}}, vigil.MatchAffected},
		{"exact version", "CVE-2024-6649", []string{"cpe:2.3:a:sourcecodester:employee_visitor_gatepass_logging_system:1.0:*:*:*:*:*:*:*"},
			[]got{{"c0", "cpe:2.3:a:sourcecodester:employee_visitor_gatepass_logging_system:1.0:*:*:*:*:*:*:*", "version 1.0 (affected)", "adp[1].products[0]"}}, vigil.MatchAffected},
		{"exact version, another", "CVE-2024-6649", []string{"cpe:2.3:a:sourcecodester:employee_visitor_gatepass_logging_system:1.1:*:*:*:*:*:*:*"}, nil, ""},
		{"target_sw wordpress against another target", "CVE-2024-5281", []string{"cpe:2.3:a:wp_affiliate_platform_project:wp_affiliate_platform:6.5.0:*:*:*:*:joomla:*:*"}, nil, ""},
		{"target_sw ANY on the component is not disjoint", "CVE-2024-5281", []string{"cpe:2.3:a:wp_affiliate_platform_project:wp_affiliate_platform:6.5.0:*:*:*:*:*:*:*"},
			[]got{{"c0", "cpe:2.3:a:wp_affiliate_platform_project:wp_affiliate_platform:*:*:*:*:*:wordpress:*:*", "lessThan 6.5.1 (affected)", "adp[1].products[0]"}}, vigil.MatchAffected},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := recs[tt.id]
			if v == nil {
				t.Fatalf("no %s", tt.id)
			}
			res, err := New().Match(context.Background(), match.Record{Vuln: v}, sbomOf(t, tt.sbom...))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, project(res.Matches)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
			for _, m := range res.Matches {
				if m.Status != tt.status || m.Confidence != vigil.ConfidenceCPE {
					t.Errorf("status %s confidence %s, want %s cpe", m.Status, m.Confidence, tt.status)
				}
				if strings.HasPrefix(m.Evidence.Node, "adp") && m.Evidence.Detail != "CVE 5 affected product (CISA-ADP)" {
					t.Errorf("Detail %q, want the CISA-ADP container", m.Evidence.Detail)
				}
			}
		})
	}
}

// Version entries with status unaffected are evidence; affected wins.
func TestMatch_ProductStatuses(t *testing.T) {
	p := vigil.AffectedProduct{Vendor: "acme", Product: "pump", CPEs: []string{"cpe:2.3:o:acme:pump_firmware:*:*:*:*:*:*:*:*"},
		DefaultStatus: vigil.VersionUnknown,
		Versions: []vigil.ProductVersion{
			{Version: "2.0", Status: vigil.VersionAffected, LessThan: "2.0.9-hotfix.7"},
			{Version: "2.0.9-hotfix.7", Status: vigil.VersionUnaffected, LessThan: "*"},
			{Version: "1.4.2", Status: vigil.VersionAffected},
		}}
	v := &vigil.Vulnerability{ID: "TEST-3", Products: []vigil.AffectedProduct{p}}
	fw := func(ver string) string { return "cpe:2.3:o:acme:pump_firmware:" + ver + ":*:*:*:*:*:*:*" }
	for _, tt := range []struct {
		ver  string
		want vigil.MatchStatus
	}{
		{"2.0.9", vigil.MatchAffected}, {"2.0.9-hotfix.6", vigil.MatchAffected}, {"2.0.9-hotfix.7", vigil.MatchNotAffected},
		{"2.0.10", vigil.MatchNotAffected}, {"1.4.2", vigil.MatchAffected}, {"1.4.3", ""}, {"1.9", ""},
	} {
		res, err := New().Match(context.Background(), match.Record{Vuln: v}, sbomOf(t, fw(tt.ver)))
		if err != nil {
			t.Fatal(err)
		}
		var got vigil.MatchStatus
		if len(res.Matches) == 1 {
			got = res.Matches[0].Status
		}
		if got != tt.want || len(res.Matches) > 1 {
			t.Errorf("firmware %s: %v, want %q", tt.ver, res.Matches, tt.want)
		}
	}
	// defaultStatus affected covers what no entry does.
	v.Products[0].DefaultStatus = vigil.VersionAffected
	res, _ := New().Match(context.Background(), match.Record{Vuln: v}, sbomOf(t, fw("1.9")))
	if len(res.Matches) != 1 || res.Matches[0].Status != vigil.MatchAffected || res.Matches[0].Evidence.Range != "defaultStatus affected" {
		t.Errorf("defaultStatus affected: %+v", res.Matches)
	}
}

// The matcher keeps one SBOM's index and rebuilds it for another.
func TestMatch_IndexReuse(t *testing.T) {
	v := load(t, "feed-1.1")["CVE-2022-31676"]
	m := New()
	in := sbomOf(t, tools("10.3.24"), linux)
	out := sbomOf(t, tools("10.3.25"), linux)
	for i, tt := range []struct {
		sbom *match.SBOM
		want int
	}{{in, 1}, {in, 1}, {out, 0}, {in, 1}} {
		res, _ := m.Match(context.Background(), match.Record{Vuln: v}, tt.sbom)
		if len(res.Matches) != tt.want {
			t.Errorf("call %d: %d matches, want %d", i, len(res.Matches), tt.want)
		}
	}
}

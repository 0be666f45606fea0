package fleet

import (
	"math"
	"strings"
	"testing"

	"github.com/vigil/vigil"
)

func factor(p AssetPriority, name string) (PriorityFactor, bool) {
	for _, f := range p.Factors {
		if f.Name == name {
			return f, true
		}
	}
	return PriorityFactor{}, false
}

func TestPrioritizeFactors(t *testing.T) {
	pump := &vigil.Asset{Criticality: vigil.CriticalityLifeSustaining, IP: "10.0.0.1", Zone: "clinical", PHI: true}
	tests := []struct {
		name   string
		s      Signals
		c      Context
		factor string
		want   float64
	}{
		{"KEV", Signals{BaseScore: 9.8, KEV: true, EPSS: 0.9, HasEPSS: true}, Context{Asset: pump}, "exploitation", 2.5},
		{"KEVRansomware", Signals{BaseScore: 9.8, KEV: true, KEVRansomware: true}, Context{Asset: pump}, "exploitation", 3},
		{"EPSS", Signals{BaseScore: 5, EPSS: 0.25, HasEPSS: true}, Context{Asset: pump}, "exploitation", 1.5},
		{"NoSignal", Signals{BaseScore: 5}, Context{Asset: pump}, "exploitation", 1},
		{"AdjacentVector", Signals{BaseScore: 8.8, Vector: "CVSS:3.1/AV:A/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}, Context{Asset: pump}, "attack_vector", 0.85},
		{"PhysicalVector40", Signals{BaseScore: 6, Vector: "CVSS:4.0/AV:P/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N"}, Context{Asset: pump}, "attack_vector", 0.4},
		{"HarmCatastrophic", Signals{BaseScore: 5}, Context{Asset: pump, Harm: vigil.HarmCatastrophic}, "patient_harm", 1.5},
		{"HarmNotAssessed", Signals{BaseScore: 5}, Context{Asset: pump}, "patient_harm", 1},
		{"Internet", Signals{BaseScore: 5}, Context{Asset: &vigil.Asset{InternetExposed: true, Criticality: vigil.CriticalityDiagnostic}}, "network_exposure", 1.5},
		{"IsolatedZone", Signals{BaseScore: 5}, Context{Asset: &vigil.Asset{IP: "10.1.1.1", Zone: "Clinical-Infusion (isolated)", Criticality: vigil.CriticalityDiagnostic}}, "network_exposure", 0.6},
		{"NotNetworked", Signals{BaseScore: 5}, Context{Asset: &vigil.Asset{Criticality: vigil.CriticalityDiagnostic}}, "network_exposure", 0.6},
		{"Compensating", Signals{BaseScore: 5}, Context{Asset: pump, Remediation: vigil.RemediationCompensating, Control: "VLAN 499"}, "compensating_control", 0.5},
		{"NonClinical", Signals{BaseScore: 5}, Context{Asset: &vigil.Asset{Criticality: vigil.CriticalityNonClinical}}, "clinical_criticality", 0.6},
		{"PHI", Signals{BaseScore: 5}, Context{Asset: pump}, "phi", 1.1},
		{"NoScoreDefault", Signals{}, Context{Asset: pump}, "severity", vigil.DefaultUnscoredCVSS},
		{"NoScoreOrgSetting", Signals{}, Context{Asset: pump, UnscoredBase: 9}, "severity", 9},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := Prioritize(tc.s, tc.c)
			f, ok := factor(p, tc.factor)
			if !ok || f.Multiplier != tc.want || f.Why == "" {
				t.Fatalf("factor %s = %+v (found %v), want multiplier %v with a reason", tc.factor, f, ok, tc.want)
			}
			product := 1.0
			for _, f := range p.Factors {
				product *= f.Multiplier
			}
			if math.Abs(product-p.Score) > 0.0501 {
				t.Errorf("score %v is not the product of its factors (%v)", p.Score, product)
			}
		})
	}
	// Severity says unknown when no score exists, and the rating else.
	if p := Prioritize(Signals{}, Context{Asset: pump, UnscoredBase: 4}); p.Severity != SeverityUnknown || !strings.Contains(p.Factors[0].Why, "unscored_cvss") {
		t.Errorf("no score: severity %q, %q", p.Severity, p.Factors[0].Why)
	}
	if p := Prioritize(Signals{BaseScore: 9.8, Vector: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", Source: "ICSMA-22-251-01"}, Context{Asset: pump}); p.Severity != "critical" ||
		!strings.Contains(p.Factors[0].Why, "from ICSMA-22-251-01") {
		t.Errorf("9.8: severity %q, %q", p.Severity, p.Factors[0].Why)
	}
	// The order the factors put things in: a KEV vulnerability on an
	// internet-facing life-sustaining device beats the same on an isolated
	// workstation, and a compensating control lowers it.
	kev := Signals{BaseScore: 7.5, Vector: "CVSS:3.1/AV:N", KEV: true}
	open := Prioritize(kev, Context{Asset: &vigil.Asset{Criticality: vigil.CriticalityLifeSustaining, InternetExposed: true}})
	controlled := Prioritize(kev, Context{Asset: &vigil.Asset{Criticality: vigil.CriticalityLifeSustaining, InternetExposed: true},
		Remediation: vigil.RemediationCompensating})
	isolated := Prioritize(kev, Context{Asset: &vigil.Asset{Criticality: vigil.CriticalityNonClinical, Zone: "isolated lab"}})
	if !(open.Score > controlled.Score && controlled.Score > isolated.Score) {
		t.Errorf("scores open %v, controlled %v, isolated %v: want decreasing", open.Score, controlled.Score, isolated.Score)
	}
}

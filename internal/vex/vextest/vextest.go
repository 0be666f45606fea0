// Package vextest builds the VEX documents the format packages' tests
// share: one statement for every status, justification and response, on a
// device product and on components of it, so every mapping of every
// format is exercised.
package vextest

import (
	"fmt"
	"time"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/vex"
)

// Clock is the fixed time of the sample documents.
var Clock = time.Date(2026, 11, 30, 9, 30, 0, 0, time.UTC)

// Sample returns a document about a device release and four of its
// components: a statement per status, per justification of not_affected
// and per response of affected, each on its own (vulnerability, product,
// component). Call Sort on it before comparing.
func Sample() *vex.Document {
	d := &vex.Document{
		ID: "ACME-VEX-INFUSION-PUMP-3.0", Version: "1", Title: "VEX for Infusion Pump 3.0",
		Publisher: "Acme Medical Devices", PublisherURL: "https://psirt.acme-medical.example",
		Issued: Clock.Add(-48 * time.Hour), Updated: Clock,
		Summary: "Exploitability of the known vulnerabilities of Infusion Pump 3.0's components.",
		Tool:    "vigil 1.0.0",
		Products: []vex.Product{
			{Ref: "infusion-pump-3.0", Vendor: "Acme Medical Devices", Name: "Infusion Pump", Version: "3.0", Models: []string{"IP-3000", "IP-3000W"},
				PURL: "pkg:generic/acme-medical-devices/infusion-pump@3.0"},
			{Ref: "pkg:generic/openssl@1.1.1k", Vendor: "OpenSSL", Name: "openssl", Version: "1.1.1k", PURL: "pkg:generic/openssl@1.1.1k",
				CPE: "cpe:2.3:a:openssl:openssl:1.1.1k:*:*:*:*:*:*:*"},
			{Ref: "pkg:npm/lodash@4.17.20", Name: "lodash", Version: "4.17.20", PURL: "pkg:npm/lodash@4.17.20"},
			{Ref: "busybox-1.31.1", Name: "busybox", Version: "1.31.1", CPE: "cpe:2.3:a:busybox:busybox:1.31.1:*:*:*:*:*:*:*"},
			{Ref: "zlib", Label: "zlib compression library", PURL: "pkg:generic/zlib@1.2.11"},
		},
	}
	comps := []string{"pkg:generic/openssl@1.1.1k", "pkg:npm/lodash@4.17.20", "busybox-1.31.1", "zlib"}
	n := 0
	add := func(s vex.Statement) {
		n++
		s.Vulnerability = fmt.Sprintf("CVE-2026-%04d", 1000+n)
		s.Product = "infusion-pump-3.0"
		s.Component = comps[n%len(comps)]
		s.Description = fmt.Sprintf("Sample vulnerability %d.", n)
		s.Timestamp = Clock.Add(-time.Duration(n) * time.Hour)
		d.Statements = append(d.Statements, s)
	}
	for _, j := range vigil.Justifications {
		add(vex.Statement{Status: vigil.TriageNotAffected, Justification: j, Detail: "Not affected: " + string(j) + "."})
	}
	for _, r := range vigil.Responses {
		add(vex.Statement{Status: vigil.TriageAffected, Response: r, Detail: "The pump's network service exposes it.",
			Action: "Response " + string(r) + ": follow the manufacturer's notice."})
	}
	add(vex.Statement{Status: vigil.TriageFixed, Response: vigil.ResponseUpdate, Action: "Fixed in 3.0.1."})
	add(vex.Statement{Status: vigil.TriageUnderInvestigation})
	add(vex.Statement{Status: vigil.TriageFalsePositive, Detail: "The advisory is about a different product of the same name."})
	// A statement on the device itself, with aliases.
	d.Statements = append(d.Statements, vex.Statement{
		Vulnerability: "CVE-2019-10964", Aliases: []string{"ICSMA-19-164-01"}, Product: "infusion-pump-3.0",
		Description: "Improper access control in the pump's wireless interface.",
		Status:      vigil.TriageNotAffected, Justification: vigil.JustVulnerableCodeNotPresent,
		Detail: "Release 3.0 has no wireless module.", Timestamp: Clock,
	})
	d.Sort()
	return d
}

// Large returns a document about one device with n components, each with
// one statement, cycling through the statuses: the size of a big
// manufacturer's VEX, for benchmarks.
func Large(n int) *vex.Document {
	d := &vex.Document{
		ID: "ACME-VEX-LARGE", Version: "1", Title: "Large VEX", Publisher: "Acme Medical Devices",
		PublisherURL: "https://psirt.acme-medical.example", Issued: Clock, Updated: Clock, Tool: "vigil bench",
		Products: []vex.Product{{Ref: "device", Vendor: "Acme Medical Devices", Name: "Imaging Workstation", Version: "7.2"}},
	}
	states := []vigil.TriageState{vigil.TriageNotAffected, vigil.TriageAffected, vigil.TriageFixed, vigil.TriageUnderInvestigation}
	for i := range n {
		ref := fmt.Sprintf("pkg:npm/component-%d@1.%d.0", i, i%10)
		d.Products = append(d.Products, vex.Product{Ref: ref, Name: fmt.Sprintf("component-%d", i), Version: fmt.Sprintf("1.%d.0", i%10), PURL: ref})
		s := vex.Statement{Vulnerability: fmt.Sprintf("CVE-2025-%05d", i), Product: "device", Component: ref, Status: states[i%len(states)],
			Timestamp: Clock, Description: "A synthetic vulnerability."}
		switch s.Status {
		case vigil.TriageNotAffected:
			s.Justification, s.Detail = vigil.JustVulnerableCodeNotInExecutePath, "Not reached."
		case vigil.TriageAffected:
			s.Response, s.Action = vigil.ResponseUpdate, "Update to 7.3."
		}
		d.Statements = append(d.Statements, s)
	}
	d.Sort()
	return d
}

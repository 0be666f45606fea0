package codecs_test

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/vex"
	"github.com/vigil/vigil/internal/vex/codecs"
)

// generated is a release's findings made up from a seed: CVEs with their
// own GHSA aliases, some grouped under one advisory id that stored findings
// may still carry as an alias (as matchers once wrote it), on components
// with and without purls, each with a decision.
type generated struct {
	rel     vex.Release
	targets []vex.Target
}

func generate(seed uint64, size uint8) generated {
	r := rand.New(rand.NewPCG(seed, seed>>1|1))
	const serial = "urn:uuid:5b0e0c7e-2f46-4c1c-9d6f-0a1b2c3d4e5f"
	g := generated{rel: vex.Release{OrgSlug: "acme", OrgName: "Acme Medical", PublisherURL: "https://psirt.acme.example",
		Product: vigil.Product{Manufacturer: "Acme Medical", Name: "Infusion Pump", DeviceModels: []string{"IP-3000"}},
		Version: "3.0", Now: time.Date(2026, 12, 4, 9, 0, 0, 0, time.UTC), Tool: "vigil test"}}
	nVuln, nComp := 1+int(size%12), 1+int(size/12%4)
	comps := make([]vigil.Component, nComp)
	names := []string{"vxworks", "openssl", "zlib", "busybox"}
	for i := range comps {
		c := vigil.Component{ID: int64(i + 1), Ref: fmt.Sprintf("comp-%d", i), Name: names[i], Version: fmt.Sprintf("1.%d", r.IntN(9))}
		if r.IntN(2) == 0 {
			c.PURL = fmt.Sprintf("pkg:generic/%s@%s", c.Name, c.Version)
		}
		comps[i] = c
	}
	states := []vigil.TriageState{vigil.TriageAffected, vigil.TriageNotAffected, vigil.TriageFixed, vigil.TriageUnderInvestigation}
	for v := range nVuln {
		id := fmt.Sprintf("CVE-2019-%05d", 12255+v)
		aliases := []string{fmt.Sprintf("GHSA-%04x-%04x-%04x", r.IntN(1<<16), v, seed&0xffff)}
		if r.IntN(3) > 0 {
			aliases = append(aliases, "ICSMA-19-274-01")
		}
		for ci, c := range comps {
			if r.IntN(3) == 0 && !(ci == 0 && v == 0) {
				continue
			}
			f := vex.Finding{VulnID: id, Aliases: aliases, Component: c, SBOMSerial: serial, SBOMVersion: 1,
				State: states[r.IntN(len(states))], DecidedAt: g.rel.Now.Add(-time.Duration(v) * time.Hour)}
			switch f.State {
			case vigil.TriageNotAffected:
				f.Justification, f.Detail = vigil.JustVulnerableCodeNotInExecutePath, "not reached"
			case vigil.TriageAffected:
				f.Response, f.Detail = vigil.ResponseUpdate, "exposed"
			}
			g.rel.Findings = append(g.rel.Findings, f)
			g.targets = append(g.targets, vex.Target{VulnID: id, Aliases: aliases,
				Manufacturer: "Acme Medical", ProductName: "Infusion Pump", Models: []string{"IP-3000"}, Version: "3.0",
				DevicePURL: vex.DevicePURL("Acme Medical", "Infusion Pump", "3.0"), SBOMSerial: serial,
				ComponentRef: c.Ref, ComponentName: c.Name, ComponentVersion: c.Version, PURL: c.PURL})
		}
	}
	return g
}

// checkOwnRoundTrip writes the release's VEX in each format, reads it back,
// and requires that each statement is about exactly the findings of its
// vulnerability on its component, with their state: one's own VEX read
// back changes nothing, whatever ids the vulnerabilities share.
func checkOwnRoundTrip(t *testing.T, g generated) {
	t.Helper()
	for _, c := range codecs.All() {
		d := vex.Build(g.rel)
		var b bytes.Buffer
		if err := c.Write(&b, d); err != nil {
			t.Fatalf("%s: write: %v", c.Format(), err)
		}
		back, err := c.Parse(bytes.NewReader(b.Bytes()))
		if err != nil {
			t.Fatalf("%s: parse own export: %v\n%s", c.Format(), err, b.Bytes())
		}
		back.StripGroupingAliases()
		hits := make([]int, len(g.targets))
		for _, st := range back.Statements {
			for ti, tg := range g.targets {
				if _, ok := vex.Match(back, st, tg); !ok {
					continue
				}
				f := g.rel.Findings[ti]
				if f.VulnID != st.Vulnerability {
					t.Errorf("%s: statement on %s matches the finding of %s on %s", c.Format(), st.Vulnerability, f.VulnID, f.Component.Name)
					continue
				}
				hits[ti]++
				if st.Status != f.State {
					t.Errorf("%s: %s on %s: status %s, decided %s", c.Format(), f.VulnID, f.Component.Name, st.Status, f.State)
				}
			}
		}
		for ti, n := range hits {
			if n != 1 {
				f := g.rel.Findings[ti]
				t.Errorf("%s: the finding of %s on %s is matched by %d statements, want 1", c.Format(), f.VulnID, f.Component.Name, n)
			}
		}
	}
}

func TestOwnVEXRoundTrip(t *testing.T) {
	for seed := range uint64(40) {
		g := generate(seed, uint8(seed*7))
		t.Run(fmt.Sprintf("seed%d-%dfindings", seed, len(g.targets)), func(t *testing.T) { checkOwnRoundTrip(t, g) })
	}
}

func FuzzOwnVEXRoundTrip(f *testing.F) {
	f.Add(uint64(1), uint8(47))
	f.Fuzz(func(t *testing.T, seed uint64, size uint8) {
		checkOwnRoundTrip(t, generate(seed, size))
	})
}

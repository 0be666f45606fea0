// Package synth generates large, realistic, synthetic SBOMs for tests and
// benchmarks: package URLs across ecosystems, nested firmware and container
// components, a dependency graph, hashes, licenses and the FDA support
// fields. The same options always give the same document.
package synth

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/sbom"
)

// Options shape a generated SBOM.
type Options struct {
	// Components is how many components to make (the device itself
	// included).
	Components int
	// Seed selects the document; the same seed gives the same bytes.
	Seed uint64
	// NestEvery makes every n-th component a parent (firmware or container)
	// of the next few; 0 means 50.
	NestEvery int
	// MaxDeps bounds the dependencies of one component; 0 means 3.
	MaxDeps int
}

type ecosystem struct {
	purlType string
	group    func(r *rand.Rand) string
	version  func(r *rand.Rand) string
	supplier string
}

func semver(r *rand.Rand) string {
	return fmt.Sprintf("%d.%d.%d", r.IntN(20), r.IntN(30), r.IntN(50))
}

var syllables = []string{"al", "be", "cor", "dex", "el", "fin", "gro", "hal", "ix", "jun", "ka", "lum", "mor", "nex", "op", "pra", "qui", "ros", "sta", "tor", "ul", "vex", "wen", "xo", "yar", "zed"}

func word(r *rand.Rand, n int) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		b.WriteString(syllables[r.IntN(len(syllables))])
	}
	return b.String()
}

func ecosystems() []ecosystem {
	none := func(*rand.Rand) string { return "" }
	return []ecosystem{
		{"npm", func(r *rand.Rand) string {
			if r.IntN(4) == 0 {
				return "@" + word(r, 2)
			}
			return ""
		}, semver, "npm registry"},
		{"pypi", none, func(r *rand.Rand) string { return fmt.Sprintf("%d.%d", r.IntN(10), r.IntN(40)) }, "Python Package Index"},
		{"maven", func(r *rand.Rand) string { return "org." + word(r, 2) + "." + word(r, 1) }, func(r *rand.Rand) string { return semver(r) + ".Final" }, "Maven Central"},
		{"golang", func(r *rand.Rand) string { return "github.com/" + word(r, 2) }, func(r *rand.Rand) string { return "v" + semver(r) }, "Go module proxy"},
		{"cargo", none, semver, "crates.io"},
		{"nuget", none, func(r *rand.Rand) string { return semver(r) + ".0" }, "NuGet Gallery"},
		{"gem", none, semver, "RubyGems.org"},
		{"deb", func(*rand.Rand) string { return "debian" }, func(r *rand.Rand) string { return fmt.Sprintf("%s-%d+deb12u%d", semver(r), 1+r.IntN(5), r.IntN(4)) }, "Debian"},
		{"rpm", func(*rand.Rand) string { return "redhat" }, func(r *rand.Rand) string { return fmt.Sprintf("%s-%d.el9", semver(r), 1+r.IntN(200)) }, "Red Hat"},
		{"apk", func(*rand.Rand) string { return "alpine" }, func(r *rand.Rand) string { return fmt.Sprintf("%s-r%d", semver(r), r.IntN(9)) }, "Alpine Linux"},
		{"generic", none, semver, "Acme Medical"},
	}
}

var licenses = []string{"MIT", "Apache-2.0", "BSD-3-Clause", "GPL-2.0-only", "LGPL-2.1-or-later", "ISC", "MPL-2.0", "Apache-2.0 OR MIT", "LicenseRef-Acme-Proprietary"}

var levels = []vigil.SupportLevel{vigil.SupportActive, vigil.SupportActive, vigil.SupportActive, vigil.SupportLimited, vigil.SupportNone, vigil.SupportAbandoned, vigil.SupportUnknown}

// Generate returns a document, its components and dependencies.
func Generate(o Options) (*vigil.SBOMDocument, []vigil.Component, []vigil.Dependency) {
	if o.NestEvery <= 0 {
		o.NestEvery = 50
	}
	if o.MaxDeps <= 0 {
		o.MaxDeps = 3
	}
	r := rand.New(rand.NewPCG(o.Seed, 0x5b0f))
	eco := ecosystems()
	doc := &vigil.SBOMDocument{
		Name:         "acme-infusion-pump",
		SerialNumber: fmt.Sprintf("urn:uuid:%08x-0000-4000-8000-%012x", o.Seed&0xffffffff, o.Components),
		Version:      1,
		Authors:      []string{"Acme Medical Product Security"},
		Tools:        []string{"vigil sbomgen"},
		Supplier:     "Acme Medical",
		Timestamp:    time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC),
		Describes:    []string{"device"},
	}
	if o.Components <= 0 {
		return doc, nil, nil
	}
	comps := make([]vigil.Component, 0, o.Components)
	deps := make([]vigil.Dependency, 0, o.Components)
	comps = append(comps, vigil.Component{Ref: "device", Type: vigil.ComponentDevice, Name: "Acme Infusion Pump", Version: "5.1.0",
		Supplier: "Acme Medical", Manufacturer: "Acme Medical", SupportLevel: vigil.SupportActive, EndOfSupport: vigil.Date{Year: 2035, Month: 12, Day: 31}})
	parent, left := "", 0
	var top []string
	for i := 1; i < o.Components; i++ {
		e := eco[r.IntN(len(eco))]
		name := word(r, 2+r.IntN(2))
		if r.IntN(3) == 0 {
			name += "-" + word(r, 1)
		}
		group, version := e.group(r), e.version(r)
		c := vigil.Component{
			Ref:      fmt.Sprintf("c%d", i),
			Type:     vigil.ComponentLibrary,
			Group:    group,
			Name:     name,
			Version:  version,
			Supplier: e.supplier,
			Licenses: []string{licenses[r.IntN(len(licenses))]},
		}
		c.PURL = purl(e.purlType, group, name, version)
		sum := sha256.Sum256([]byte(c.PURL))
		c.Hashes = []vigil.Hash{{Alg: vigil.HashSHA256, Value: hex.EncodeToString(sum[:])}}
		if r.IntN(10) < 7 {
			c.SupportLevel = levels[r.IntN(len(levels))]
		}
		if r.IntN(10) < 6 {
			c.EndOfSupport = vigil.Date{Year: 2024 + r.IntN(12), Month: time.Month(1 + r.IntN(12)), Day: 1 + r.IntN(28)}
		}
		if r.IntN(20) == 0 {
			c.CPEs = []string{fmt.Sprintf("cpe:2.3:a:%s:%s:%s:*:*:*:*:*:*:*", word(r, 1), name, version)}
		}
		switch {
		case left > 0:
			c.ParentRef = parent
			left--
		case i%o.NestEvery == 0:
			if r.IntN(2) == 0 {
				c.Type = vigil.ComponentFirmware
			} else {
				c.Type = vigil.ComponentContainer
			}
			parent, left = c.Ref, 3+r.IntN(12)
			top = append(top, c.Ref)
		default:
			top = append(top, c.Ref)
		}
		comps = append(comps, c)
		if n := r.IntN(o.MaxDeps + 1); n > 0 && i > 1 {
			d := vigil.Dependency{Ref: c.Ref}
			for j := 0; j < n; j++ {
				d.DependsOn = append(d.DependsOn, fmt.Sprintf("c%d", 1+r.IntN(i-1)))
			}
			deps = append(deps, d)
		}
	}
	if len(top) > 0 {
		deps = append(deps, vigil.Dependency{Ref: "device", DependsOn: top[:min(len(top), 20)]})
	}
	return doc, comps, deps
}

func purl(typ, group, name, version string) string {
	switch {
	case typ == "npm" && group != "":
		return "pkg:npm/" + strings.Replace(group, "@", "%40", 1) + "/" + name + "@" + version
	case group != "":
		return "pkg:" + typ + "/" + group + "/" + name + "@" + version
	}
	return "pkg:" + typ + "/" + name + "@" + version
}

// Write generates an SBOM and encodes it as kind.
func Write(w io.Writer, kind sbom.Kind, o Options) error {
	doc, comps, deps := Generate(o)
	return sbom.Encode(w, kind, doc, comps, deps)
}

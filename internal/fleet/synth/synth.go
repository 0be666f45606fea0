// Package synth generates a synthetic hospital fleet for benchmarks: a
// manufacturer catalogue of releases with SBOM components, findings of
// synthetic vulnerabilities on them, and assets mapped to the releases.
// Everything comes from a seeded generator, so a size and a seed always
// give the same fleet.
package synth

import (
	"fmt"
	"math/rand/v2"

	"github.com/vigil/vigil"
)

// Config sizes a fleet.
type Config struct {
	Assets             int
	Releases           int
	ComponentsPerRel   int
	ReleasesPerProduct int
	// Packages is the pool of distinct packages components are drawn
	// from, with a skew: a few (the zlib and OpenSSL of the fleet) are in
	// most releases, most in few.
	Packages int
	// Vulns is the pool of synthetic vulnerabilities, spread evenly over
	// the packages (see PackageOfVuln), each affecting every version.
	Vulns int
	Seed  uint64
}

// Full is the size of the scale run: 100,000 assets over 2,000
// releases of 300 components each.
func Full() Config {
	return Config{Assets: 100_000, Releases: 2_000, ComponentsPerRel: 300, ReleasesPerProduct: 10, Packages: 5_000, Vulns: 500, Seed: 1}
}

// Small is a size for an everyday go test -bench.
func Small() Config {
	return Config{Assets: 5_000, Releases: 100, ComponentsPerRel: 300, ReleasesPerProduct: 10, Packages: 5_000, Vulns: 500, Seed: 1}
}

// Product is a product line of the catalogue.
type Product struct {
	Name   string
	Models []string
}

// Release is one version with its components and which of them have
// which vulnerabilities.
type Release struct {
	Product    int
	Version    string
	Components []*vigil.Component
	// Findings are (component index, vulnerability id) pairs.
	Findings []Finding
}

// Finding is one vulnerability on one component of a release.
type Finding struct {
	Component int
	VulnID    string
}

// Fleet is a generated fleet.
type Fleet struct {
	Manufacturer string
	Products     []Product
	Releases     []Release
	// Assets are the hospital's devices; AssetRelease[i] is the release
	// asset i runs.
	Assets       []*vigil.Asset
	AssetRelease []int
	// ByPackage counts the releases holding each package, so a benchmark
	// can pick a vulnerability that touches many releases or few.
	ByPackage []int
}

// VulnID is the id of synthetic vulnerability i.
func VulnID(i int) string { return fmt.Sprintf("CVE-2099-%05d", i) }

// PackageOfVuln is the package synthetic vulnerability i affects.
func (c Config) PackageOfVuln(i int) int { return (i * max(1, c.Packages/c.Vulns)) % c.Packages }

func pkgName(i int) string { return fmt.Sprintf("lib%04d", i) }

// Generate builds the fleet.
func Generate(c Config) *Fleet {
	r := rand.New(rand.NewPCG(c.Seed, c.Seed^0x9e3779b97f4a7c15))
	f := &Fleet{Manufacturer: "Synthetic Medical Systems", ByPackage: make([]int, c.Packages)}
	nProducts := (c.Releases + c.ReleasesPerProduct - 1) / c.ReleasesPerProduct
	for p := range nProducts {
		f.Products = append(f.Products, Product{Name: fmt.Sprintf("Device %04d", p), Models: []string{fmt.Sprintf("SMS-%04d", p)}})
	}
	// vulnsOf lists the vulnerabilities of each package.
	vulnsOf := make([][]int, c.Packages)
	for v := range c.Vulns {
		p := c.PackageOfVuln(v)
		vulnsOf[p] = append(vulnsOf[p], v)
	}
	zipf := rand.NewZipf(r, 1.1, 4, uint64(c.Packages-1))
	for i := range c.Releases {
		rel := Release{Product: i / c.ReleasesPerProduct, Version: fmt.Sprintf("%d.%d", 1+i%c.ReleasesPerProduct, 0)}
		seen := map[int]bool{}
		for len(rel.Components) < c.ComponentsPerRel && len(seen) < c.Packages {
			p := int(zipf.Uint64())
			if seen[p] {
				p = r.IntN(c.Packages)
				if seen[p] {
					continue
				}
			}
			seen[p] = true
			f.ByPackage[p]++
			name := pkgName(p)
			ver := fmt.Sprintf("1.%d.%d", r.IntN(20), r.IntN(10))
			idx := len(rel.Components)
			rel.Components = append(rel.Components, &vigil.Component{
				Ref: fmt.Sprintf("pkg:generic/%s@%s", name, ver), Type: vigil.ComponentLibrary, Name: name, Version: ver,
				PURL: fmt.Sprintf("pkg:generic/%s@%s", name, ver), Supplier: "Synthetic",
			})
			for _, v := range vulnsOf[p] {
				rel.Findings = append(rel.Findings, Finding{Component: idx, VulnID: VulnID(v)})
			}
		}
		f.Releases = append(f.Releases, rel)
	}
	crit := vigil.Criticalities
	for i := range c.Assets {
		ri := r.IntN(c.Releases)
		rel := f.Releases[ri]
		prod := f.Products[rel.Product]
		a := &vigil.Asset{
			AssetTag: fmt.Sprintf("SYN-%06d", i), Serial: fmt.Sprintf("SN%02d%07d", r.IntN(100), i), Manufacturer: f.Manufacturer,
			Model: prod.Models[0], Version: rel.Version, DeviceType: "synthetic device", Criticality: crit[r.IntN(len(crit))],
			PHI: r.IntN(2) == 0, Site: "Main", Building: fmt.Sprintf("B%d", r.IntN(8)), Unit: fmt.Sprintf("Unit %02d", r.IntN(60)),
			IP: fmt.Sprintf("10.%d.%d.%d", r.IntN(256), r.IntN(256), 1+r.IntN(254)), Zone: fmt.Sprintf("zone-%d", r.IntN(12)),
			InternetExposed: r.IntN(50) == 0, Status: vigil.AssetInService,
		}
		f.Assets = append(f.Assets, a)
		f.AssetRelease = append(f.AssetRelease, ri)
	}
	return f
}

package vex

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/package-url/packageurl-go"

	"github.com/vigil/vigil"
)

// Release is what an export says about: a product release, its device
// identity and its triaged findings.
type Release struct {
	// Org is the organization's slug and name: the publisher.
	OrgSlug, OrgName string
	// PublisherURL is the publisher's namespace; empty: urn:vigil:org:SLUG.
	PublisherURL string
	Product      vigil.Product
	Version      string
	// PURL and CPE identify the device release by machine, when its SBOM's
	// described component has them. Empty PURL: a pkg:generic purl of
	// manufacturer, product name and version.
	PURL, CPE string
	Findings  []Finding
	// Now stamps the document; Tool names what made it.
	Now  time.Time
	Tool string
}

// Finding is one finding with its current decision.
type Finding struct {
	VulnID      string
	Aliases     []string
	Description string
	// References are the records of the vulnerability the finding rests
	// on, with their real sources (see Statement.References).
	References []Reference
	Component  vigil.Component
	// SBOMSerial and SBOMVersion are the serial number and version of the
	// SBOM the component is in: a component without a purl is named by
	// its CycloneDX BOM-Link (urn:cdx:SERIAL/VERSION#REF), which every
	// format carries and import resolves, where the SBOM has a serial.
	SBOMSerial  string
	SBOMVersion int
	// The decision; an empty State is under_investigation.
	State         vigil.TriageState
	Justification vigil.Justification
	Response      vigil.Response
	Detail        string
	DecidedAt     time.Time
}

// DevicePURL is the pkg:generic purl vigil gives a device release that has
// none of its own: manufacturer as namespace, product name, version.
func DevicePURL(manufacturer, name, version string) string {
	return packageurl.NewPackageURL("generic", slug(manufacturer), slug(name), version, nil, "").ToString()
}

// slug lower-cases s and turns runs of anything but letters and digits
// into one hyphen.
func slug(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(s) {
		if 'a' <= r && r <= 'z' || '0' <= r && r <= '9' || r > 127 {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(r)
			dash = false
		} else {
			dash = true
		}
	}
	return b.String()
}

// openness orders states when several findings of one vulnerability on one
// component disagree: the export says the most cautious.
var openness = map[vigil.TriageState]int{
	vigil.TriageAffected: 0, vigil.TriageUnderInvestigation: 1, vigil.TriageFixed: 2,
	vigil.TriageNotAffected: 3, vigil.TriageFalsePositive: 4,
}

// Build turns a release and its findings into a VEX document: the device
// release as the product, the components with findings as its components,
// one statement per vulnerability × component. Its id is
// urn:vigil:vex:ORG:PRODUCT:VERSION:DIGEST, the digest taken over the
// statements, so an unchanged export keeps its id and a changed one gets a
// new one.
func Build(in Release) *Document {
	p := in.Product
	devicePURL := in.PURL
	if devicePURL == "" {
		devicePURL = DevicePURL(p.Manufacturer, p.Name, in.Version)
	}
	device := Product{Ref: devicePURL, Vendor: p.Manufacturer, Name: p.Name, Version: in.Version,
		PURL: devicePURL, CPE: in.CPE, Models: slices.Clone(p.DeviceModels)}
	if len(device.Models) == 0 {
		device.Models = nil
	}
	d := &Document{
		Title:     fmt.Sprintf("VEX for %s %s", p.Name, in.Version),
		Publisher: in.OrgName, PublisherURL: in.PublisherURL,
		Updated: in.Now.UTC(), Issued: in.Now.UTC(), Version: "1", Tool: in.Tool,
		Summary: fmt.Sprintf("Exploitability of the known vulnerabilities of %s %s (%s), as triaged by %s.",
			p.Name, in.Version, p.Manufacturer, in.OrgName),
		Products: []Product{device},
	}
	if d.PublisherURL == "" {
		d.PublisherURL = "urn:vigil:org:" + in.OrgSlug
	}
	refs := map[string]bool{device.Ref: true}
	compRef := map[int64]string{}
	byKey := map[[2]string]int{}
	for _, f := range in.Findings {
		c := f.Component
		ref, ok := compRef[c.ID]
		if !ok {
			ref = c.PURL
			if uuid, ok := strings.CutPrefix(f.SBOMSerial, "urn:uuid:"); ref == "" && ok && c.Ref != "" {
				v := f.SBOMVersion
				if v <= 0 {
					v = 1
				}
				ref = fmt.Sprintf("urn:cdx:%s/%d#%s", uuid, v, c.Ref)
			}
			if ref == "" {
				ref = "component:" + c.Ref
			}
			if refs[ref] {
				// Two components with one purl: the SBOM ref tells them apart.
				if ref = "component:" + c.Ref; refs[ref] {
					ref = fmt.Sprintf("component:%d", c.ID)
				}
			}
			refs[ref] = true
			compRef[c.ID] = ref
			cp := Product{Ref: ref, Vendor: firstOf(c.Manufacturer, c.Supplier), Name: c.Name, Version: c.Version, PURL: c.PURL}
			if c.Group != "" && c.PURL == "" {
				cp.Name = c.Group + "/" + c.Name
			}
			if len(c.CPEs) > 0 {
				cp.CPE = c.CPEs[0]
			}
			d.Products = append(d.Products, cp)
		}
		state := f.State
		if state == "" {
			state = vigil.TriageUnderInvestigation
		}
		s := Statement{
			Vulnerability: f.VulnID, Aliases: slices.Clone(f.Aliases), Description: f.Description, References: slices.Clone(f.References),
			Product: device.Ref, Component: ref, Status: state, Detail: f.Detail, Timestamp: f.DecidedAt.UTC(),
		}
		if len(s.Aliases) == 0 {
			s.Aliases = nil
		}
		switch state {
		case vigil.TriageNotAffected, vigil.TriageFalsePositive:
			s.Justification = f.Justification
		case vigil.TriageAffected, vigil.TriageFixed:
			s.Response = f.Response
		}
		if f.DecidedAt.IsZero() {
			s.Timestamp = time.Time{}
		}
		k := [2]string{f.VulnID, ref}
		if i, ok := byKey[k]; ok {
			if openness[s.Status] < openness[d.Statements[i].Status] {
				d.Statements[i] = s
			}
			continue
		}
		byKey[k] = len(d.Statements)
		d.Statements = append(d.Statements, s)
	}
	// The aliases and description are the vulnerability's: the first
	// finding's stand for all its statements. An id more than one of the
	// document's vulnerabilities claims (findings stored before the
	// matchers stopped calling a grouping advisory an alias) is dropped:
	// written as an alias it would bind the statement to all of them.
	vulns := map[string][]string{}
	for _, s := range d.Statements {
		vulns[s.Vulnerability] = append(vulns[s.Vulnerability], s.Aliases...)
	}
	drop := groupingIDs(vulns)
	for i := range d.Statements {
		s := &d.Statements[i]
		s.Aliases = dropIDs(s.Vulnerability, s.Aliases, drop)
	}
	vrefs := map[string][]Reference{}
	for _, s := range d.Statements {
		for _, r := range s.References {
			if !slices.ContainsFunc(vrefs[s.Vulnerability], func(x Reference) bool { return idKey(x.ID) == idKey(r.ID) }) {
				vrefs[s.Vulnerability] = append(vrefs[s.Vulnerability], r)
			}
		}
	}
	first := map[string]Statement{}
	for i := range d.Statements {
		s := &d.Statements[i]
		s.References = slices.Clone(vrefs[s.Vulnerability])
		slices.SortFunc(s.References, func(a, b Reference) int { return strings.Compare(a.ID, b.ID) })
		if f, ok := first[s.Vulnerability]; ok {
			s.Aliases, s.Description = slices.Clone(f.Aliases), f.Description
		} else {
			first[s.Vulnerability] = *s
		}
	}
	d.Sort()
	sum := sha256.New()
	_ = json.NewEncoder(sum).Encode(struct {
		P []Product
		S []Statement
	}{d.Products, d.Statements})
	d.ID = fmt.Sprintf("urn:vigil:vex:%s:%s:%s:%s", in.OrgSlug, slug(p.Name), strings.NewReplacer(" ", "-", ":", "-").Replace(in.Version), hex.EncodeToString(sum.Sum(nil))[:12])
	return d
}

func firstOf(s ...string) string {
	for _, x := range s {
		if x != "" {
			return x
		}
	}
	return ""
}

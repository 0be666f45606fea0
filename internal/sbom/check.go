package sbom

import (
	"cmp"
	"slices"
	"strings"

	"github.com/vigil/vigil"
)

// Element is one thing an SBOM should say: an NTIA minimum element or an FDA
// field.
type Element string

const (
	// NTIA minimum elements (2021), per component.
	ElementSupplier         Element = "supplier"
	ElementName             Element = "name"
	ElementVersion          Element = "version"
	ElementUniqueIdentifier Element = "unique_identifier" // purl, CPE or SWID tag id
	ElementDependency       Element = "dependency_relationship"
	// NTIA minimum elements, per document.
	ElementAuthor    Element = "author"
	ElementTimestamp Element = "timestamp"
	// FDA section 524B fields, per component.
	ElementSupportLevel Element = "support_level"
	ElementEndOfSupport Element = "end_of_support"
)

// ComponentElements are the elements checked per component, in report
// order; DocumentElements those checked per document.
var (
	ComponentElements = []Element{ElementSupplier, ElementName, ElementVersion, ElementUniqueIdentifier, ElementDependency, ElementSupportLevel, ElementEndOfSupport}
	DocumentElements  = []Element{ElementAuthor, ElementTimestamp, ElementDependency}
)

// NTIA reports whether e is an NTIA minimum element (else an FDA field).
func (e Element) NTIA() bool { return e != ElementSupportLevel && e != ElementEndOfSupport }

// Report says what an SBOM lacks. It is built for both a table and JSON:
// counts per element, the document's own gaps, and every component that
// misses something.
type Report struct {
	Components int `json:"components"`
	// Complete counts the components that miss nothing.
	Complete int `json:"complete"`
	// Elements has one row per component element, in ComponentElements
	// order.
	Elements []ElementCount `json:"elements"`
	// DocumentMissing lists the document-level elements missing;
	// DocumentNotes say why where the element is there in form only.
	DocumentMissing []Element `json:"document_missing"`
	DocumentNotes   []string  `json:"document_notes,omitempty"`
	// DependencyEdges counts the dependency relationships between two
	// components (dependsOn entries and nesting).
	DependencyEdges int `json:"dependency_edges"`
	// Findings lists each component that misses something, in input
	// order.
	Findings []ComponentFinding `json:"findings"`
}

// ElementCount says how many components have and miss one element.
type ElementCount struct {
	Element Element `json:"element"`
	NTIA    bool    `json:"ntia"`
	Present int     `json:"present"`
	Missing int     `json:"missing"`
}

// ComponentFinding is one component and what it misses.
type ComponentFinding struct {
	Ref     string    `json:"ref"`
	Name    string    `json:"name"`
	Version string    `json:"version,omitempty"`
	PURL    string    `json:"purl,omitempty"`
	Missing []Element `json:"missing"`
}

// OK reports whether nothing is missing: what --strict checks.
func (r *Report) OK() bool { return len(r.DocumentMissing) == 0 && len(r.Findings) == 0 }

// NTIAOK reports whether every NTIA minimum element is present.
func (r *Report) NTIAOK() bool {
	for _, e := range r.DocumentMissing {
		if e.NTIA() {
			return false
		}
	}
	for _, c := range r.Elements {
		if c.NTIA && c.Missing > 0 {
			return false
		}
	}
	return true
}

// Checker builds a Report one component at a time, so a check can run
// while components stream from a parser or the store. Dependencies must be
// added before Report is called; the order of Add and AddDependency does
// not matter.
type Checker struct {
	doc     *vigil.SBOMDocument
	comps   []checked
	inGraph map[string]bool
	hasDeps bool
	edges   int
	counts  map[Element]int
}

// checked is what the checker keeps of a component: little, so that a
// large SBOM checks in small memory.
type checked struct {
	ref, name, version, purl string
	missing                  []Element // without the dependency element
	parent                   string
}

// NewChecker starts a check of doc (its Authors, Tools and Timestamp).
func NewChecker(doc *vigil.SBOMDocument) *Checker {
	return &Checker{doc: doc, inGraph: make(map[string]bool), counts: make(map[Element]int)}
}

// Add checks one component.
func (k *Checker) Add(c *vigil.Component) {
	var miss []Element
	if strings.TrimSpace(c.Supplier) == "" && strings.TrimSpace(c.Manufacturer) == "" {
		miss = append(miss, ElementSupplier)
	}
	if strings.TrimSpace(c.Name) == "" {
		miss = append(miss, ElementName)
	}
	if strings.TrimSpace(c.Version) == "" {
		miss = append(miss, ElementVersion)
	}
	if c.PURL == "" && len(c.CPEs) == 0 && c.SWIDTagID == "" {
		miss = append(miss, ElementUniqueIdentifier)
	}
	if c.SupportLevel == "" {
		miss = append(miss, ElementSupportLevel)
	}
	if !EndOfSupportStated(c) {
		miss = append(miss, ElementEndOfSupport)
	}
	if c.ParentRef != "" {
		k.inGraph[c.Ref] = true
		k.inGraph[c.ParentRef] = true
		k.edges++
	}
	k.comps = append(k.comps, checked{ref: c.Ref, name: c.Name, version: c.Version, purl: c.PURL, missing: miss, parent: c.ParentRef})
}

// AddDependency records a dependency statement: each ref it names has a
// dependency relationship.
func (k *Checker) AddDependency(d *vigil.Dependency) {
	k.hasDeps = true
	k.inGraph[d.Ref] = true
	for _, r := range d.DependsOn {
		k.inGraph[r] = true
		if r != d.Ref {
			k.edges++
		}
	}
}

// Report returns the result.
func (k *Checker) Report() *Report {
	r := &Report{Components: len(k.comps), DocumentMissing: []Element{}, Findings: []ComponentFinding{}}
	missing := make(map[Element]int)
	for _, c := range k.comps {
		miss := c.missing
		if !k.inGraph[c.ref] {
			miss = append(slices.Clone(miss), ElementDependency)
			slices.SortFunc(miss, func(a, b Element) int {
				return cmp.Compare(slices.Index(ComponentElements, a), slices.Index(ComponentElements, b))
			})
		}
		for _, e := range miss {
			missing[e]++
		}
		if len(miss) == 0 {
			r.Complete++
			continue
		}
		r.Findings = append(r.Findings, ComponentFinding{Ref: c.ref, Name: c.name, Version: c.version, PURL: c.purl, Missing: miss})
	}
	for _, e := range ComponentElements {
		r.Elements = append(r.Elements, ElementCount{Element: e, NTIA: e.NTIA(), Present: len(k.comps) - missing[e], Missing: missing[e]})
	}
	if k.doc == nil || len(k.doc.Authors) == 0 && len(k.doc.Tools) == 0 {
		r.DocumentMissing = append(r.DocumentMissing, ElementAuthor)
	}
	if k.doc == nil || k.doc.Timestamp.IsZero() {
		r.DocumentMissing = append(r.DocumentMissing, ElementTimestamp)
	}
	r.DependencyEdges = k.edges
	switch {
	case !k.hasDeps && len(k.inGraph) == 0:
		r.DocumentMissing = append(r.DocumentMissing, ElementDependency)
	case k.edges == 0 && len(k.comps) > 1:
		// Entries that each depend on nothing (sbom-tool and others write
		// the root with an empty dependsOn): a graph in form, no
		// relationship in fact.
		r.DocumentMissing = append(r.DocumentMissing, ElementDependency)
		r.DocumentNotes = append(r.DocumentNotes, "the dependency graph has entries but no edges: no component is said to depend on another")
	}
	return r
}

// Check computes the conformance report of a document and its components
// and dependencies held in memory. For a stream, use a Checker.
func Check(doc *vigil.SBOMDocument, comps []vigil.Component, deps []vigil.Dependency) *Report {
	k := NewChecker(doc)
	for i := range comps {
		k.Add(&comps[i])
	}
	for i := range deps {
		k.AddDependency(&deps[i])
	}
	return k.Report()
}

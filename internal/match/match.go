// Package match decides which knowledge-base records affect which
// components of an SBOM. Each way of matching is a small Matcher in its own
// package (purlrange: package URLs and OSV ranges; cpeconfig: NVD CPE
// applicability; csafproduct: CSAF product trees); the engine runs them and
// the service stores what they find. Matchers are pure: values in, values
// out, no store and no network.
package match

import (
	"context"

	"github.com/vigil/vigil"
)

// Record is one knowledge-base record to match: a vulnerability record
// (NVD, CVE 5, OSV) or a CSAF advisory. Exactly one is set.
type Record struct {
	Vuln     *vigil.Vulnerability
	Advisory *vigil.Advisory
}

// Matcher finds the components of an SBOM that one record speaks of. Match
// must be safe for concurrent use, on one SBOM as on several: the engine
// matches records on every core.
type Matcher interface {
	// Name is the matcher's stable name, e.g. "match/purlrange".
	Name() string
	// Version is bumped whenever the matcher's results can change for the
	// same inputs, and is recorded with every match.
	Version() int
	// Match returns a match per (component, vulnerability) the record
	// speaks of: affected ones, and, where the source says so, statements
	// that a component is not affected or fixed (kept as evidence). It
	// looks at the whole SBOM because some rules need more than one
	// component (a CPE configuration's "running on" platform). Records the
	// matcher does not handle yield an empty result. What it cannot decide
	// (an ecosystem whose version order it does not know, a malformed
	// range) is reported in Result.Unsupported, never guessed. The error is
	// for ctx cancellation only.
	Match(ctx context.Context, rec Record, sbom *SBOM) (Result, error)
}

// Result is what a matcher found for one record.
type Result struct {
	Matches []vigil.Match
	// Unsupported says what could not be decided and why, e.g.
	// "GHSA-xxxx: ecosystem \"Hex\": version order unknown".
	Unsupported []string
}

// SBOM is the component set matchers look at, with the lookups they share
// built once (see IndexOf). Components must not change once matching has
// begun.
type SBOM struct {
	Components []*vigil.Component

	products lazyProductIndex // see Products
	indexes  indexCache
}

// NewSBOM wraps components for matching.
func NewSBOM(comps []*vigil.Component) *SBOM { return &SBOM{Components: comps} }

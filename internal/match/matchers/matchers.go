// Package matchers is the registry of matchers, named explicitly in the order
// the engine runs them. It is apart from package match because the
// matchers import match.
package matchers

import (
	"github.com/vigil/vigil/internal/match"
	"github.com/vigil/vigil/internal/match/cpeconfig"
	"github.com/vigil/vigil/internal/match/csafproduct"
	"github.com/vigil/vigil/internal/match/purlrange"
)

// All returns every matcher: package URLs and OSV ranges, NVD CPE
// applicability, CSAF product trees.
func All() []match.Matcher {
	return []match.Matcher{purlrange.New(), cpeconfig.New(), csafproduct.New()}
}

// Engine returns an engine over every matcher.
func Engine() *match.Engine { return match.NewEngine(All()...) }

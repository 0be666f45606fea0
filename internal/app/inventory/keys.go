package inventory

import (
	"strings"

	"github.com/package-url/packageurl-go"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/match"
	"github.com/vigil/vigil/internal/match/purlrange"
)

// componentKeys are a component's reverse-index keys: the generic ones,
// and the OSV ecosystem and package its purl names.
// ComponentKeys are the reverse-index keys a component is found by: its
// purl, CPEs and names, and its package in its OSV ecosystem.
func ComponentKeys(c *vigil.Component) []vigil.IndexKey {
	keys := match.ComponentKeys(c)
	if c.PURL == "" {
		return keys
	}
	if pkg, err := purlrange.FromPURL(c.PURL); err == nil {
		keys = append(keys, match.EcoPackageKey(string(pkg.Ecosystem.Base()), pkg.Name))
	} else if p, err := packageurl.FromString(c.PURL); err == nil {
		// No OSV ecosystem for this purl type: find it by name alone.
		keys = append(keys, vigil.IndexKey{Kind: vigil.KeyPackageName, Value: strings.ToLower(match.PackageName(p))})
	}
	return keys
}

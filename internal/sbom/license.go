package sbom

import (
	"fmt"
	"strings"
	"sync"

	"github.com/github/go-spdx/v2/spdxexp"
)

// Licence identifiers are checked against the SPDX license list with
// github.com/github/go-spdx: it carries the list (licences, deprecated ids
// and exceptions) as data generated from spdx/license-list-data and parses
// expressions (AND, OR, WITH, "+", parentheses, LicenseRef- and
// DocumentRef-), so vigil keeps neither a copy of the list nor a parser of
// its own.

// CheckLicense checks an SPDX licence id or expression: every id in it must
// be on the SPDX license list (deprecated ids too) or be a LicenseRef-;
// the operators must make an expression. It returns "" when it is, else
// why not.
func CheckLicense(expr string) string {
	expr = strings.TrimSpace(expr)
	if expr == "" {
		return "empty licence expression"
	}
	if msg, ok := licenseVerdicts.get(expr); ok {
		return msg
	}
	msg := ""
	if _, err := spdxexp.ExtractLicenses(expr); err != nil {
		msg = err.Error()
	}
	licenseVerdicts.put(expr, msg)
	return msg
}

// licenseVerdicts remembers the answer for expressions already checked:
// an SBOM names a handful of licences thousands of times, and the parser
// compiles regular expressions on every call (a tenth of an SBOM import's
// allocated bytes before this cache). It is bounded so that hostile input of
// distinct strings cannot grow it without end.
var licenseVerdicts = verdictCache{m: map[string]string{}, max: 4096}

type verdictCache struct {
	mu  sync.Mutex
	m   map[string]string
	max int
}

func (c *verdictCache) get(k string) (string, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	v, ok := c.m[k]
	return v, ok
}

func (c *verdictCache) put(k, v string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.m) >= c.max {
		clear(c.m)
	}
	c.m[k] = v
}

// checkLicense reports, as a per-component problem (a warning, or an error
// under Strict), a licence id or expression that is not SPDX; the value is
// kept as given. what says what kind of value it is.
func (s *state) checkLicense(path, what, expr string) error {
	msg := CheckLicense(expr)
	if msg == "" {
		return nil
	}
	return s.problem(path, fmt.Sprintf("%s %q is not on the SPDX license list or not an SPDX expression (%s); kept as given", what, expr, msg))
}

package csafproduct

import (
	"errors"
	"fmt"
	"strings"

	"github.com/vigil/vigil"
)

// versionRule is the version a product stands for: any version, a range,
// or literal versions.
type versionRule struct {
	text     string // as the advisory wrote it
	label    string // where it came from: product_version, purl version, …
	any      bool
	rng      *Range
	literals []string
	err      error // the rule could not be read
}

// treeRule reads the version of a branch product. product_version_range
// is a vers string or CISA's free text (ParseRange). product_version is one
// version, but CISA also writes ranges there ("vers:all/*", "< 8.2.2") and
// lists ("24950 | 24952", "HD 16 | HD23"): what ParseRange reads is taken as
// a range, anything else as versions separated by "|" compared literally.
// A product without either stands for every version.
func treeRule(p vigil.TreeProduct) versionRule {
	switch {
	case strings.TrimSpace(p.VersionRange) != "":
		r, err := ParseRange(p.VersionRange)
		if err != nil {
			return versionRule{text: p.VersionRange, label: "product_version_range", err: err}
		}
		return versionRule{text: p.VersionRange, label: "product_version_range", rng: &r, any: r.All}
	case strings.TrimSpace(p.Version) != "":
		if r, err := ParseRange(p.Version); err == nil {
			return versionRule{text: p.Version, label: "product_version", rng: &r, any: r.All}
		}
		var lits []string
		for _, l := range strings.Split(p.Version, "|") {
			if l = strings.TrimSpace(l); l != "" {
				lits = append(lits, l)
			}
		}
		return versionRule{text: p.Version, label: "product_version", literals: lits}
	}
	return versionRule{any: true}
}

// literalRule is one exact version.
func literalRule(label, v string) versionRule {
	return versionRule{text: v, label: label, literals: []string{v}}
}

var errNoVersion = errors.New("states no version to check against the advisory's")

// check reports whether version v satisfies the rule. An error means it
// cannot be decided.
func (r versionRule) check(v string) (bool, error) {
	if r.err != nil {
		return false, fmt.Errorf("%s not understood: %w", r.label, r.err)
	}
	if r.any {
		return true, nil
	}
	v = strings.TrimSpace(v)
	if v == "" {
		return false, fmt.Errorf("%w %s %q", errNoVersion, r.label, r.text)
	}
	if r.rng != nil {
		ok, err := r.rng.Contains(v)
		if err != nil {
			return false, fmt.Errorf("%s %q: %w", r.label, r.text, err)
		}
		return ok, nil
	}
	for _, l := range r.literals {
		if CompareVersions(v, l) == 0 {
			return true, nil
		}
	}
	return false, nil
}

// spec is how specific the rule is: 0 exact versions, 1 a range, 2 any
// version.
func (r versionRule) spec() int {
	switch {
	case r.any:
		return 2
	case r.rng != nil:
		for _, c := range r.rng.Constraints {
			if c.Op != OpEQ {
				return 1
			}
		}
		return 0
	}
	return 0
}

// String is the rule for Evidence.Range: what the advisory wrote and, for
// a range, its vers form.
func (r versionRule) String() string {
	switch {
	case r.any && r.text == "":
		return "all versions (no version in the product tree)"
	case r.rng != nil:
		v := r.rng.String()
		if strings.EqualFold(strings.TrimSpace(r.text), v) {
			return r.label + " " + v
		}
		return fmt.Sprintf("%s %q (%s)", r.label, r.text, v)
	}
	return fmt.Sprintf("%s %q", r.label, r.text)
}

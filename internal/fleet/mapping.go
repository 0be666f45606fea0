package fleet

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"unicode"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/fleet/ident"
	"github.com/vigil/vigil/internal/match"
)

// Candidate is a release an asset may run, with how well it fits.
type Candidate struct {
	Release *vigil.CatalogRelease `json:"release"`
	// Confidence is set when the fit is good enough to name one: exact,
	// probable or possible. Empty for a mere "closest" candidate.
	Confidence vigil.MappingConfidence `json:"confidence,omitempty"`
	// Score orders candidates, 0–100.
	Score int `json:"score"`
	// Reasons say what fits and what does not, one item per field.
	Reasons []string `json:"reasons"`
}

// Reason joins the reasons for display.
func (c Candidate) Reason() string { return strings.Join(c.Reasons, "; ") }

// MaxCandidates bounds the closest candidates Rank returns.
const MaxCandidates = 5

// MinCandidateScore is the least score of a "closest" candidate: below
// it a release shares next to nothing with the asset.
const MinCandidateScore = 15

// Rank scores every release against an asset and returns the best first:
// those with a confidence, then the closest others, at most MaxCandidates.
// Releases of another manufacturer are never more than "closest".
//
// The rules, field by field:
//   - manufacturer: equal after the alias table (40), else 0;
//   - model: the asset's model equals a device model or the product name
//     of the release, compared without case, spaces and punctuation (40);
//     one contains the other, at least three characters (25); words in
//     common (up to 15);
//   - version: equal (20); equal in form — a leading "v", trailing ".0"
//     parts, case (15); same major version (5).
//
// Exact needs all three equal; probable an equal manufacturer and model
// and a version equal in form; possible an equal manufacturer, a model that
// contains or is contained, and an equal version.
func Rank(a *vigil.Asset, releases []*vigil.CatalogRelease, al *Aliases) []Candidate {
	var out []Candidate
	for _, r := range releases {
		c := score(a, r, al)
		if c.Confidence != "" || c.Score >= MinCandidateScore {
			out = append(out, c)
		}
	}
	slices.SortStableFunc(out, func(x, y Candidate) int {
		if d := cmp.Compare(confRank(x.Confidence), confRank(y.Confidence)); d != 0 {
			return d
		}
		if d := cmp.Compare(y.Score, x.Score); d != 0 {
			return d
		}
		return cmp.Compare(x.Release.ID, y.Release.ID)
	})
	if len(out) > MaxCandidates {
		out = out[:MaxCandidates]
	}
	return out
}

func confRank(c vigil.MappingConfidence) int {
	switch c {
	case vigil.MappingExact:
		return 0
	case vigil.MappingProbable:
		return 1
	case vigil.MappingPossible:
		return 2
	}
	return 3
}

// Best returns the release to map an asset to automatically: the single
// exact or probable candidate. Two equally good candidates (the same model
// and version from two manufacturers' catalogues, or in two products) are
// ambiguous, and a person decides.
func Best(cands []Candidate) (Candidate, bool) {
	if len(cands) == 0 {
		return Candidate{}, false
	}
	c := cands[0]
	if c.Confidence != vigil.MappingExact && c.Confidence != vigil.MappingProbable {
		return Candidate{}, false
	}
	if len(cands) > 1 && cands[1].Confidence == c.Confidence && cands[1].Score == c.Score {
		return Candidate{}, false
	}
	return c, true
}

func score(a *vigil.Asset, r *vigil.CatalogRelease, al *Aliases) Candidate {
	c := Candidate{Release: r}
	sameVendor, why := al.Same(a.Manufacturer, r.Manufacturer)
	if sameVendor {
		c.Score += 40
		c.Reasons = append(c.Reasons, why)
	} else {
		c.Reasons = append(c.Reasons, fmt.Sprintf("manufacturer %q differs from %q", a.Manufacturer, r.Manufacturer))
	}
	am, av := ModelVersion(a)
	model := modelFit(am, append([]string{r.Product}, r.DeviceModels...))
	c.Score += model.points
	c.Reasons = append(c.Reasons, model.reason)
	ver := versionFit(av, r.Version)
	if av != a.Version {
		ver.reason += fmt.Sprintf(" (version read from the model %q)", a.Model)
	}
	c.Score += ver.points
	c.Reasons = append(c.Reasons, ver.reason)
	if !sameVendor {
		// Another maker's release is at best a hint.
		c.Score /= 2
		return c
	}
	switch {
	case model.points == 40 && ver.points == 20:
		c.Confidence = vigil.MappingExact
	case model.points == 40 && ver.points == 15:
		c.Confidence = vigil.MappingProbable
	case model.points >= 25 && ver.points >= 15:
		c.Confidence = vigil.MappingPossible
	}
	return c
}

type fit struct {
	points int
	reason string
}

func modelFit(model string, names []string) fit {
	mk := match.NameKey(model)
	best := fit{reason: fmt.Sprintf("model %q not among %s", model, quoteList(names))}
	if mk == "" {
		return best
	}
	for _, n := range names {
		nk := match.NameKey(n)
		switch {
		case nk == "":
		case nk == mk:
			return fit{40, fmt.Sprintf("model %q equals %q", model, n)}
		case len(mk) >= 3 && len(nk) >= 3 && (strings.Contains(nk, mk) || strings.Contains(mk, nk)):
			if best.points < 25 {
				best = fit{25, fmt.Sprintf("model %q and %q contain one another", model, n)}
			}
		default:
			if p := wordOverlap(model, n); p > best.points {
				best = fit{p, fmt.Sprintf("model %q shares words with %q", model, n)}
			}
		}
	}
	return best
}

// wordOverlap scores the words two names share, 0–15.
func wordOverlap(a, b string) int {
	wa, wb := words(a), words(b)
	if len(wa) == 0 || len(wb) == 0 {
		return 0
	}
	common := 0
	for w := range wa {
		if wb[w] {
			common++
		}
	}
	return 15 * common / max(len(wa), len(wb))
}

func words(s string) map[string]bool {
	out := map[string]bool{}
	for _, w := range strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
		out[w] = true
	}
	return out
}

func quoteList(names []string) string {
	q := make([]string, 0, len(names))
	for _, n := range names {
		if n != "" {
			q = append(q, fmt.Sprintf("%q", n))
		}
	}
	return strings.Join(q, ", ")
}

// ModelVersion is an asset's model and version as mapping compares them:
// a version written inside the model ("IP-3000 (FW 3.0)") is taken out of
// it and used when the version column is empty (see ident.ParseModel).
func ModelVersion(a *vigil.Asset) (model, version string) {
	pm := ident.ParseModel(a.Model)
	if pm.Firmware == "" {
		return a.Model, a.Version
	}
	version = a.Version
	if strings.TrimSpace(version) == "" {
		version = pm.Firmware
	}
	return pm.Text, version
}

// VersionForm is a version in the form versions are compared in: lower
// case, without a leading "v" or "version", without trailing ".0" parts.
func VersionForm(v string) string {
	v = strings.ToLower(strings.TrimSpace(v))
	v = strings.TrimPrefix(v, "version")
	v = strings.TrimSpace(strings.TrimPrefix(v, "v"))
	for strings.HasSuffix(v, ".0") {
		v = strings.TrimSuffix(v, ".0")
	}
	return v
}

func versionFit(assetVersion, releaseVersion string) fit {
	switch {
	case strings.TrimSpace(assetVersion) == "":
		return fit{0, fmt.Sprintf("asset states no version (release %q)", releaseVersion)}
	case assetVersion == releaseVersion:
		return fit{20, fmt.Sprintf("version %q equal", assetVersion)}
	case VersionForm(assetVersion) == VersionForm(releaseVersion):
		return fit{15, fmt.Sprintf("version %q equals %q in form", assetVersion, releaseVersion)}
	case major(assetVersion) != "" && major(assetVersion) == major(releaseVersion):
		return fit{5, fmt.Sprintf("version %q differs from %q (same major version)", assetVersion, releaseVersion)}
	}
	return fit{0, fmt.Sprintf("version %q differs from %q", assetVersion, releaseVersion)}
}

func major(v string) string {
	v = VersionForm(v)
	if i := strings.IndexAny(v, ".-_ "); i >= 0 {
		v = v[:i]
	}
	return v
}

package cvss

import (
	"fmt"
	"slices"
	"strings"

	"github.com/vigil/vigil"
)

// Metric order per version: the base group first, then the others as the
// specifications list them. Apply writes vectors in this order.
var metricOrder = map[vigil.CVSSVersion][]string{
	vigil.CVSS20: {"AV", "AC", "Au", "C", "I", "A", "E", "RL", "RC", "CDP", "TD", "CR", "IR", "AR"},
	vigil.CVSS30: {"AV", "AC", "PR", "UI", "S", "C", "I", "A", "E", "RL", "RC", "CR", "IR", "AR",
		"MAV", "MAC", "MPR", "MUI", "MS", "MC", "MI", "MA"},
	vigil.CVSS31: {"AV", "AC", "PR", "UI", "S", "C", "I", "A", "E", "RL", "RC", "CR", "IR", "AR",
		"MAV", "MAC", "MPR", "MUI", "MS", "MC", "MI", "MA"},
	vigil.CVSS40: {"AV", "AC", "AT", "PR", "UI", "VC", "VI", "VA", "SC", "SI", "SA", "E", "CR", "IR", "AR",
		"MAV", "MAC", "MAT", "MPR", "MUI", "MVC", "MVI", "MVA", "MSC", "MSI", "MSA", "S", "AU", "R", "V", "RE", "U"},
}

// baseCount is the number of base metrics of each version.
var baseCount = map[vigil.CVSSVersion]int{vigil.CVSS20: 6, vigil.CVSS30: 8, vigil.CVSS31: 8, vigil.CVSS40: 11}

// Metric is one metric of a vector.
type Metric struct {
	Key, Value string
}

// Metrics splits a vector (without its "CVSS:x.y/" prefix) into metrics.
func Metrics(vector string) ([]Metric, error) {
	v := trim(vector)
	if i := strings.IndexByte(v, '/'); strings.HasPrefix(v, "CVSS:") && i > 0 {
		v = v[i+1:]
	}
	if v == "" {
		return nil, nil
	}
	var out []Metric
	for _, p := range strings.Split(v, "/") {
		k, val, ok := strings.Cut(p, ":")
		if !ok || k == "" || val == "" {
			return nil, fmt.Errorf("metric %q is not KEY:VALUE: %w", clip(p), ErrVector)
		}
		out = append(out, Metric{k, val})
	}
	return out, nil
}

// Base returns the base part of a vector: its prefix and base metrics.
func Base(vector string) (string, error) {
	s, err := Parse(vector)
	if err != nil {
		return "", err
	}
	ms, err := Metrics(s.Vector)
	if err != nil {
		return "", err
	}
	base := metricOrder[s.Version][:baseCount[s.Version]]
	return join(s.Version, s.Vector, ms, func(k string) bool { return slices.Contains(base, k) }), nil
}

// CheckOverlay checks that overlay is a list of non-base metrics of
// version ver, e.g. "E:P/MAV:A/CR:H" for 3.1; the values are checked when
// the overlay is applied to a vector.
func CheckOverlay(ver vigil.CVSSVersion, overlay string) error {
	ms, err := Metrics(overlay)
	if err != nil {
		return err
	}
	order, ok := metricOrder[ver]
	if !ok {
		return fmt.Errorf("version %q: %w", ver, ErrVector)
	}
	base := order[:baseCount[ver]]
	seen := map[string]bool{}
	for _, m := range ms {
		switch {
		case slices.Contains(base, m.Key):
			return fmt.Errorf("%s is a CVSS %s base metric: the overlay holds threat/temporal and environmental metrics only (use M%s): %w",
				m.Key, ver, m.Key, ErrVector)
		case !slices.Contains(order, m.Key):
			return fmt.Errorf("%q is not a CVSS %s metric: %w", clip(m.Key), ver, ErrVector)
		case seen[m.Key]:
			return fmt.Errorf("metric %s given twice: %w", m.Key, ErrVector)
		}
		seen[m.Key] = true
	}
	return nil
}

// Apply adds the metrics of each overlay, in turn, to vector: a metric the
// vector (or an earlier overlay) already has is replaced. Overlays hold
// only threat/temporal and environmental metrics (see CheckOverlay); an
// empty one changes nothing. The result is written in the specification's
// metric order and scored.
func Apply(vector string, overlays ...string) (Score, error) {
	s, err := Parse(vector)
	if err != nil {
		return Score{}, err
	}
	ms, err := Metrics(s.Vector)
	if err != nil {
		return Score{}, err
	}
	vals := map[string]string{}
	for _, m := range ms {
		vals[m.Key] = m.Value
	}
	changed := false
	for _, o := range overlays {
		if strings.TrimSpace(o) == "" {
			continue
		}
		if err := CheckOverlay(s.Version, o); err != nil {
			return Score{}, err
		}
		om, _ := Metrics(o)
		for _, m := range om {
			vals[m.Key] = m.Value
			changed = true
		}
	}
	if !changed {
		return s, nil
	}
	var b strings.Builder
	if strings.HasPrefix(s.Vector, "CVSS:") {
		b.WriteString("CVSS:" + string(s.Version))
	}
	for _, k := range metricOrder[s.Version] {
		if v, ok := vals[k]; ok {
			if b.Len() > 0 {
				b.WriteByte('/')
			}
			b.WriteString(k + ":" + v)
		}
	}
	out, err := ParseVersion(s.Version, b.String())
	if err != nil {
		return Score{}, fmt.Errorf("apply %q to %s: %w", clip(strings.Join(overlays, " + ")), s.Vector, err)
	}
	return out, nil
}

// join writes the metrics of ms that keep accepts, with vector's prefix.
func join(ver vigil.CVSSVersion, vector string, ms []Metric, keep func(string) bool) string {
	var parts []string
	if strings.HasPrefix(vector, "CVSS:") {
		parts = append(parts, "CVSS:"+string(ver))
	}
	for _, m := range ms {
		if keep(m.Key) {
			parts = append(parts, m.Key+":"+m.Value)
		}
	}
	return strings.Join(parts, "/")
}

// Effective is the score that applies to the device: for v4.0 the one
// score (of every group the vector holds), for v3.x the environmental
// score (which includes the temporal metrics), for v2.0 the environmental
// score when the vector holds that group, else the temporal one, else the
// base score.
func (s Score) Effective() float64 {
	switch {
	case s.Version == vigil.CVSS40:
		return s.Base
	case s.HasEnvironmental:
		return s.Environmental
	case s.HasTemporal:
		return s.Temporal
	}
	return s.Base
}

// Exploitability is the likelihood part of a vector on a 0..1 scale: the
// exploitability sub-score over its maximum. v2.0 and v3.x define the
// sub-score (20·AV·AC·Au, 8.22·AV·AC·PR·UI); v4.0 defines none, so its
// AV, AC, PR and UI are weighed with the v3.1 weights (UI:P as R, UI:A a
// little lower) and AT:P as a further 0.57, the ratio of AC:H to AC:L.
// Modified (environmental) metrics replace the base ones when present.
func Exploitability(vector string) (float64, error) {
	s, err := Parse(vector)
	if err != nil {
		return 0, err
	}
	ms, err := Metrics(s.Vector)
	if err != nil {
		return 0, err
	}
	m := map[string]string{}
	for _, x := range ms {
		m[x.Key] = x.Value
	}
	get := func(k string) string {
		if v, ok := m["M"+k]; ok && v != "X" {
			return v
		}
		return m[k]
	}
	switch s.Version {
	case vigil.CVSS20:
		av := map[string]float64{"L": 0.395, "A": 0.646, "N": 1}[m["AV"]]
		ac := map[string]float64{"H": 0.35, "M": 0.61, "L": 0.71}[m["AC"]]
		au := map[string]float64{"M": 0.45, "S": 0.56, "N": 0.704}[m["Au"]]
		return 20 * av * ac * au / 10, nil
	case vigil.CVSS30, vigil.CVSS31:
		changed := get("S") == "C"
		pr := map[string]float64{"N": 0.85, "L": 0.62, "H": 0.27}[get("PR")]
		if changed {
			pr = map[string]float64{"N": 0.85, "L": 0.68, "H": 0.5}[get("PR")]
		}
		x := 8.22 * av3[get("AV")] * ac3[get("AC")] * pr * map[string]float64{"N": 0.85, "R": 0.62}[get("UI")]
		return x / maxExploit3, nil
	case vigil.CVSS40:
		pr := map[string]float64{"N": 0.85, "L": 0.62, "H": 0.27}[get("PR")]
		ui := map[string]float64{"N": 0.85, "P": 0.62, "A": 0.5}[get("UI")]
		x := 8.22 * av3[get("AV")] * ac3[get("AC")] * pr * ui
		if get("AT") == "P" {
			x *= 0.57
		}
		return x / maxExploit3, nil
	}
	return 0, fmt.Errorf("version %q: %w", s.Version, ErrVector)
}

var (
	av3 = map[string]float64{"N": 0.85, "A": 0.62, "L": 0.55, "P": 0.2}
	ac3 = map[string]float64{"L": 0.77, "H": 0.44}
)

// maxExploit3 is 8.22 × 0.85 × 0.77 × 0.85 × 0.85.
const maxExploit3 = 8.22 * 0.85 * 0.77 * 0.85 * 0.85

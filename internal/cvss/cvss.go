// Package cvss parses and scores CVSS v2.0, v3.0, v3.1 and v4.0 vectors
// with github.com/pandatix/go-cvss. The vector string is the truth: scores
// are always computed from it, never taken from beside it.
//
// Accepted forms:
//   - v2.0: "AV:N/AC:L/Au:N/C:P/I:P/A:P", optionally prefixed "CVSS:2.0/"
//     or wrapped in parentheses (as NVD 1.x and some CNAs write them). The
//     temporal (E, RL, RC) and environmental (CDP, TD, CR, IR, AR) groups
//     are optional; a group given in part is completed with ND ("not
//     defined"), which the v2.0 specification defines as neutral, because
//     go-cvss only takes whole groups.
//   - v3.0 / v3.1: "CVSS:3.x/…" in any metric order the library accepts.
//   - v4.0: "CVSS:4.0/…".
package cvss

import (
	"errors"
	"fmt"
	"math"
	"strings"

	"github.com/vigil/vigil"

	gocvss20 "github.com/pandatix/go-cvss/20"
	gocvss30 "github.com/pandatix/go-cvss/30"
	gocvss31 "github.com/pandatix/go-cvss/31"
	gocvss40 "github.com/pandatix/go-cvss/40"
)

// MaxVectorLen bounds the vectors Parse accepts; the longest valid v4.0
// vector with every metric is under 300 bytes.
const MaxVectorLen = 512

// Score is a parsed and scored vector.
type Score struct {
	Version vigil.CVSSVersion
	// Vector is the vector as given, without surrounding space or
	// parentheses.
	Vector string
	// Base is the base score. For v4.0 it is the score of every metric
	// group the vector holds (see Nomenclature): v4.0 has one score.
	Base float64
	// Temporal and Environmental are the v2.0/v3.x scores of those groups
	// (v3.x computes them from defaults when the vector omits the groups;
	// v2.0 only when it holds them, see HasTemporal/HasEnvironmental).
	Temporal         float64
	Environmental    float64
	HasTemporal      bool
	HasEnvironmental bool
	// Nomenclature is the v4.0 name of what was scored: CVSS-B, CVSS-BT,
	// CVSS-BE or CVSS-BTE. Empty for other versions.
	Nomenclature string
	// Rating is the qualitative rating of Base.
	Rating vigil.Rating
}

// ErrVector is wrapped by every parse error.
var ErrVector = errors.New("invalid cvss vector")

// Version returns the CVSS version a vector is written in: the "CVSS:x.y/"
// prefix, or 2.0 for a vector without one that starts with "AV:".
func Version(vector string) (vigil.CVSSVersion, error) {
	v := trim(vector)
	switch {
	case strings.HasPrefix(v, "CVSS:2.0/"):
		return vigil.CVSS20, nil
	case strings.HasPrefix(v, "CVSS:3.0/"):
		return vigil.CVSS30, nil
	case strings.HasPrefix(v, "CVSS:3.1/"):
		return vigil.CVSS31, nil
	case strings.HasPrefix(v, "CVSS:4.0/"):
		return vigil.CVSS40, nil
	case strings.HasPrefix(v, "AV:"):
		return vigil.CVSS20, nil
	}
	return "", fmt.Errorf("%q: unknown version: %w", clip(vector), ErrVector)
}

// Parse parses and scores a vector of any supported version.
func Parse(vector string) (Score, error) {
	if len(vector) > MaxVectorLen {
		return Score{}, fmt.Errorf("vector of %d bytes exceeds %d: %w", len(vector), MaxVectorLen, ErrVector)
	}
	ver, err := Version(vector)
	if err != nil {
		return Score{}, err
	}
	return ParseVersion(ver, vector)
}

// ParseVersion parses a vector that must be of version ver; sources that
// state the version beside the vector (NVD cvssData.version, OSV
// CVSS_V2/V3/V4) use it to refuse a mismatch.
func ParseVersion(ver vigil.CVSSVersion, vector string) (Score, error) {
	if len(vector) > MaxVectorLen {
		return Score{}, fmt.Errorf("vector of %d bytes exceeds %d: %w", len(vector), MaxVectorLen, ErrVector)
	}
	v := trim(vector)
	got, err := Version(v)
	if err != nil {
		return Score{}, err
	}
	if got != ver {
		return Score{}, fmt.Errorf("%q: is CVSS %s, want %s: %w", clip(v), got, ver, ErrVector)
	}
	s := Score{Version: ver, Vector: v}
	switch ver {
	case vigil.CVSS20:
		norm, temporal, env, err := normalize2(strings.TrimPrefix(v, "CVSS:2.0/"))
		if err != nil {
			return Score{}, fmt.Errorf("%q: %w: %w", clip(v), err, ErrVector)
		}
		c, err := gocvss20.ParseVector(norm)
		if err != nil {
			return Score{}, fmt.Errorf("%q: %w: %w", clip(v), err, ErrVector)
		}
		s.Base = c.BaseScore()
		s.HasTemporal, s.HasEnvironmental = temporal, env
		if temporal {
			s.Temporal = temporal2(c)
		}
		if env {
			s.Environmental = c.EnvironmentalScore()
		}
		s.Rating = Rating2(s.Base)
	case vigil.CVSS30:
		c, err := gocvss30.ParseVector(v)
		if err != nil {
			return Score{}, fmt.Errorf("%q: %w: %w", clip(v), err, ErrVector)
		}
		s.Base, s.Temporal, s.Environmental = c.BaseScore(), c.TemporalScore(), c.EnvironmentalScore()
		s.HasTemporal, s.HasEnvironmental = true, true
		s.Rating = Rating3(s.Base)
	case vigil.CVSS31:
		c, err := gocvss31.ParseVector(v)
		if err != nil {
			return Score{}, fmt.Errorf("%q: %w: %w", clip(v), err, ErrVector)
		}
		s.Base, s.Temporal, s.Environmental = c.BaseScore(), c.TemporalScore(), c.EnvironmentalScore()
		s.HasTemporal, s.HasEnvironmental = true, true
		s.Rating = Rating3(s.Base)
	case vigil.CVSS40:
		c, err := gocvss40.ParseVector(v)
		if err != nil {
			return Score{}, fmt.Errorf("%q: %w: %w", clip(v), err, ErrVector)
		}
		s.Base = c.Score()
		s.Nomenclature = c.Nomenclature()
		s.Rating = Rating3(s.Base)
	default:
		return Score{}, fmt.Errorf("version %q: %w", ver, ErrVector)
	}
	return s, nil
}

// Rating3 is the qualitative rating of a v3.x or v4.0 score.
func Rating3(score float64) vigil.Rating {
	switch {
	case score >= 9.0:
		return vigil.RatingCritical
	case score >= 7.0:
		return vigil.RatingHigh
	case score >= 4.0:
		return vigil.RatingMedium
	case score >= 0.1:
		return vigil.RatingLow
	}
	return vigil.RatingNone
}

// Rating2 is NVD's rating of a v2.0 score (v2.0 itself defines none):
// LOW below 4.0, MEDIUM below 7.0, HIGH above.
func Rating2(score float64) vigil.Rating {
	switch {
	case score >= 7.0:
		return vigil.RatingHigh
	case score >= 4.0:
		return vigil.RatingMedium
	}
	return vigil.RatingLow
}

// RatingOf is the rating of score under version ver.
func RatingOf(ver vigil.CVSSVersion, score float64) vigil.Rating {
	if ver == vigil.CVSS20 {
		return Rating2(score)
	}
	return Rating3(score)
}

// Fill completes a severity from its vector: the version when unset, the
// base score and rating, and Computed. A score given without a vector is
// left as given. It returns the parse error, leaving s unscored, when the
// vector is invalid.
func Fill(s *vigil.Severity) error {
	if s.Vector == "" {
		if s.HasGivenScore {
			s.BaseScore = s.GivenScore
			if s.Rating == "" && s.Version.Valid() {
				s.Rating = RatingOf(s.Version, s.GivenScore)
			}
		}
		return nil
	}
	var sc Score
	var err error
	if s.Version != "" {
		sc, err = ParseVersion(s.Version, s.Vector)
	} else {
		sc, err = Parse(s.Vector)
	}
	if err != nil {
		return err
	}
	s.Version = sc.Version
	s.BaseScore = sc.Base
	s.Rating = sc.Rating
	s.Computed = true
	return nil
}

// v2 temporal weights (CVSS v2.0 guide, section 3.2.2).
var (
	weightE  = map[string]float64{"U": 0.85, "POC": 0.9, "F": 0.95, "H": 1, "ND": 1}
	weightRL = map[string]float64{"OF": 0.87, "TF": 0.90, "W": 0.95, "U": 1, "ND": 1}
	weightRC = map[string]float64{"UC": 0.90, "UR": 0.95, "C": 1, "ND": 1}
)

// temporal2 is the v2.0 temporal score, round_to_1_decimal(base × E × RL
// × RC), rounded half up as the specification's exact arithmetic does.
// go-cvss computes the product in float64, where e.g. 9.0 × 0.95 is one
// ULP below 8.55 and rounds to 8.5 instead of 8.6; an epsilon lifts such
// ties, as the CVSS v4.0 reference calculator does for its own rounding.
func temporal2(c *gocvss20.CVSS20) float64 {
	e, _ := c.Get("E")
	rl, _ := c.Get("RL")
	rc, _ := c.Get("RC")
	x := c.BaseScore() * weightE[e] * weightRL[rl] * weightRC[rc]
	return math.Floor(x*10+0.5+1e-6) / 10
}

// v2 metric groups in vector order.
var groups2 = [3][]string{
	{"AV", "AC", "Au", "C", "I", "A"},
	{"E", "RL", "RC"},
	{"CDP", "TD", "CR", "IR", "AR"},
}

// normalize2 rewrites a v2.0 vector with its optional groups completed
// with ND, and reports which optional groups it held.
func normalize2(v string) (norm string, temporal, env bool, err error) {
	parts := strings.Split(v, "/")
	if len(parts) > 14 {
		return "", false, false, fmt.Errorf("%d metrics, at most 14", len(parts))
	}
	got := make(map[string]string, len(parts))
	for _, p := range parts {
		k, val, ok := strings.Cut(p, ":")
		if !ok || val == "" {
			return "", false, false, fmt.Errorf("metric %q has no value", p)
		}
		if _, dup := got[k]; dup {
			return "", false, false, fmt.Errorf("metric %s given twice", k)
		}
		known := false
		for _, g := range groups2 {
			for _, m := range g {
				known = known || m == k
			}
		}
		if !known {
			return "", false, false, fmt.Errorf("unknown metric %q", k)
		}
		got[k] = val
	}
	var b strings.Builder
	for gi, g := range groups2 {
		present := false
		for _, m := range g {
			_, ok := got[m]
			present = present || ok
		}
		if !present && gi > 0 {
			continue
		}
		switch gi {
		case 1:
			temporal = true
		case 2:
			env = true
		}
		for _, m := range g {
			val, ok := got[m]
			if !ok {
				if gi == 0 {
					return "", false, false, fmt.Errorf("base metric %s is missing", m)
				}
				val = "ND"
			}
			if b.Len() > 0 {
				b.WriteByte('/')
			}
			b.WriteString(m + ":" + val)
		}
	}
	return b.String(), temporal, env, nil
}

func trim(v string) string {
	v = strings.TrimSpace(v)
	if strings.HasPrefix(v, "(") && strings.HasSuffix(v, ")") {
		v = v[1 : len(v)-1]
	}
	return v
}

// clip shortens hostile input before it goes into an error message.
func clip(s string) string {
	if len(s) > 80 {
		return s[:80] + "…"
	}
	return s
}

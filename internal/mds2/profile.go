package mds2

import (
	"bytes"
	_ "embed"
	"fmt"
	"math"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/vigil/vigil"
)

// Level says how much a requirement matters.
type Level string

const (
	// Must: a candidate that does not meet it is not acceptable.
	Must Level = "must"
	// Should: it adds to the score.
	Should Level = "should"
)

// Requirement is one line of a hospital's profile: the answers it accepts
// to one question.
type Requirement struct {
	Question string `json:"question" yaml:"question"`
	// Accept lists the acceptable answers (usually one: "Yes").
	Accept    []vigil.MDS2Answer `json:"accept" yaml:"accept"`
	Level     Level              `json:"level" yaml:"level"`
	Weight    float64            `json:"weight" yaml:"weight"`
	Rationale string             `json:"rationale" yaml:"rationale"`
}

// Profile is a hospital's requirement profile.
type Profile struct {
	Name         string        `json:"name" yaml:"name"`
	Description  string        `json:"description,omitempty" yaml:"description"`
	Requirements []Requirement `json:"requirements" yaml:"requirements"`
}

//go:embed default-profile.yaml
var defaultProfile []byte

// DefaultProfile is the profile vigil ships (docs/mds2.md explains it).
func DefaultProfile(cat *Catalogue) *Profile {
	p, err := ParseProfile(cat, defaultProfile)
	if err != nil {
		panic(err) // checked by the package's tests
	}
	return p
}

// DefaultProfileYAML is the default profile's source, to copy and adapt.
func DefaultProfileYAML() []byte { return append([]byte(nil), defaultProfile...) }

// maxProfile bounds a profile file; the form has some 240 questions.
const maxProfile = 1 << 20

// ParseProfile reads a profile in YAML or JSON (JSON is YAML) and checks it
// against the catalogue: every question known and a yes/no question, every
// answer in the vocabulary, levels must or should, weights positive (1 when
// left out), no question twice. All problems are reported at once.
func ParseProfile(cat *Catalogue, data []byte) (*Profile, error) {
	if len(data) > maxProfile {
		return nil, fmt.Errorf("profile is larger than %d bytes: %w", maxProfile, vigil.ErrInvalid)
	}
	var p Profile
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&p); err != nil {
		return nil, fmt.Errorf("profile: %v: %w", err, vigil.ErrInvalid)
	}
	var v vigil.ValidationError
	if strings.TrimSpace(p.Name) == "" {
		v.Add("name", "is required")
	}
	if len(p.Requirements) == 0 {
		v.Add("requirements", "lists nothing")
	}
	seen := map[string]bool{}
	for i := range p.Requirements {
		r := &p.Requirements[i]
		field := fmt.Sprintf("requirements[%d]", i)
		id, ok := CanonicalID(r.Question)
		q, known := cat.Question(id)
		switch {
		case !ok || !known:
			v.Add(field+".question", "%q is not a question of %s", r.Question, cat.Standard)
		case q.Kind != KindYesNo:
			v.Add(field+".question", "%s is a free-text field; a profile can require only yes/no answers", id)
		case seen[id]:
			v.Add(field+".question", "%s is required twice", id)
		}
		r.Question = id
		seen[id] = true
		if len(r.Accept) == 0 {
			v.Add(field+".accept", "lists no answer")
		}
		for j, a := range r.Accept {
			if pa, _, ok := ParseAnswer(string(a)); ok {
				r.Accept[j] = pa
			} else {
				v.Add(fmt.Sprintf("%s.accept[%d]", field, j), "%q is not Yes, No, N/A or See Note", a)
			}
		}
		if r.Level == "" {
			r.Level = Should
		}
		if r.Level != Must && r.Level != Should {
			v.Add(field+".level", "must be must or should")
		}
		if r.Weight == 0 {
			r.Weight = 1
		}
		if r.Weight < 0 || math.IsNaN(r.Weight) || math.IsInf(r.Weight, 0) || r.Weight > 1000 {
			v.Add(field+".weight", "must be a number between 0 and 1000")
		}
	}
	if err := v.Err(); err != nil {
		return nil, fmt.Errorf("profile: %w", err)
	}
	sort.SliceStable(p.Requirements, func(a, b int) bool {
		return cat.Index(p.Requirements[a].Question) < cat.Index(p.Requirements[b].Question)
	})
	return &p, nil
}

// Status is how a candidate fares on one requirement.
type Status string

const (
	Met Status = "met"
	// Unmet: answered, with an answer the profile does not accept.
	Unmet Status = "unmet"
	// Review: "See Note" or an answer outside the vocabulary; a person
	// must read the note. It earns nothing until then.
	Review Status = "review"
	// Unanswered: the form does not answer the question.
	Unanswered Status = "unanswered"
)

// RequirementOutcome is one requirement applied to one form.
type RequirementOutcome struct {
	Requirement
	Section string `json:"section"`
	Text    string `json:"text"`
	Answer  string `json:"answer,omitempty"`
	Note    string `json:"note,omitempty"`
	Status  Status `json:"status"`
}

// CandidateEvaluation is one candidate scored against a profile.
type CandidateEvaluation struct {
	Candidate string `json:"candidate"`
	Profile   string `json:"profile"`
	// Score is the weight of met requirements over the weight of all, in
	// percent, rounded to one decimal.
	Score    float64 `json:"score"`
	Earned   float64 `json:"earned"`
	Possible float64 `json:"possible"`
	// Acceptable is true when every must is met.
	Acceptable bool                 `json:"acceptable"`
	UnmetMusts []RequirementOutcome `json:"unmet_musts"`
	Outcomes   []RequirementOutcome `json:"outcomes"`
	Counts     struct {
		Met        int `json:"met"`
		Unmet      int `json:"unmet"`
		Review     int `json:"review"`
		Unanswered int `json:"unanswered"`
	} `json:"counts"`
}

// Evaluate scores one form against p.
func Evaluate(cat *Catalogue, p *Profile, candidate string, es []vigil.MDS2Entry) CandidateEvaluation {
	ev := CandidateEvaluation{Candidate: candidate, Profile: p.Name, Acceptable: true}
	m := byQuestion(es)
	for _, r := range p.Requirements {
		q, _ := cat.Question(r.Question)
		e, ok := m[r.Question]
		o := RequirementOutcome{Requirement: r, Section: q.Section, Text: q.Text, Answer: e.Value(), Note: e.Note}
		switch {
		case !ok || e.Value() == "":
			o.Status = Unanswered
			ev.Counts.Unanswered++
		case accepts(r, e.Answer):
			o.Status = Met
			ev.Counts.Met++
			ev.Earned += r.Weight
		case e.Answer == vigil.MDS2SeeNote || e.Answer == "":
			o.Status = Review
			ev.Counts.Review++
		default:
			o.Status = Unmet
			ev.Counts.Unmet++
		}
		ev.Possible += r.Weight
		if r.Level == Must && o.Status != Met {
			ev.Acceptable = false
			ev.UnmetMusts = append(ev.UnmetMusts, o)
		}
		ev.Outcomes = append(ev.Outcomes, o)
	}
	if ev.Possible > 0 {
		ev.Score = math.Round(ev.Earned/ev.Possible*1000) / 10
	}
	return ev
}

func accepts(r Requirement, a vigil.MDS2Answer) bool {
	for _, b := range r.Accept {
		if a == b {
			return true
		}
	}
	return false
}

// Rank orders evaluations for a procurement decision: acceptable ones
// first, then by score, then by name.
func Rank(evs []CandidateEvaluation) {
	sort.SliceStable(evs, func(a, b int) bool {
		x, y := evs[a], evs[b]
		if x.Acceptable != y.Acceptable {
			return x.Acceptable
		}
		if x.Score != y.Score {
			return x.Score > y.Score
		}
		return x.Candidate < y.Candidate
	})
}

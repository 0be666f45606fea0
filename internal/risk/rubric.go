// Package risk is the manufacturer's patient-safety logic, with no I/O:
// the medical-device CVSS rubric (a questionnaire kept as data, giving a
// CVSS 3.1 vector explained question by question), the exploitability of
// a finding, its FDA postmarket classification as controlled or
// uncontrolled risk with the clocks that follow, and the prioritised
// queue's explained score.
package risk

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/vigil/vigil"
)

//go:embed rubric/*.json
var rubricFiles embed.FS

// Rubric is a questionnaire that derives a CVSS base vector: per base
// metric either a decision tree of questions (each answer leads to the
// next question or to the metric's value) or, for the impact metrics, one
// question per category of data or function with rules over the answers.
type Rubric struct {
	ID          string     `json:"id"`
	Version     int        `json:"version"`
	Title       string     `json:"title"`
	BasedOn     string     `json:"based_on"`
	CVSSVersion string     `json:"cvss_version"`
	Categories  []Category `json:"categories"`
	// ImpactLevels are the answers of every impact question, least first.
	ImpactLevels []Answer        `json:"impact_levels"`
	Metrics      []*RubricMetric `json:"metrics"`
}

// Category is a kind of data or function whose impact is judged.
type Category struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	Help string `json:"help,omitempty"`
}

// RubricMetric is one base metric's part of the rubric.
type RubricMetric struct {
	Metric string `json:"metric"`
	Name   string `json:"name"`
	// Kind is "impact" for C/I/A, empty for a decision tree.
	Kind   string            `json:"kind,omitempty"`
	Values map[string]string `json:"values"`
	// Start and Questions are the decision tree.
	Start     string      `json:"start,omitempty"`
	Questions []*Question `json:"questions,omitempty"`
	// Question (with {category}), Rules and Otherwise are the impact
	// metric's; its questions are generated per category.
	Question  string       `json:"question,omitempty"`
	Rules     []ImpactRule `json:"rules,omitempty"`
	Otherwise string       `json:"otherwise,omitempty"`
}

// Question is one question of the rubric.
type Question struct {
	ID      string   `json:"id"`
	Metric  string   `json:"metric"`
	Text    string   `json:"text"`
	Help    string   `json:"help,omitempty"`
	Answers []Answer `json:"answers"`
	// Category is the impact category an impact question is about.
	Category string `json:"category,omitempty"`
}

// Answer is one possible answer: it either sets the metric (Value) or
// leads to another question (Next).
type Answer struct {
	ID    string `json:"id"`
	Text  string `json:"text"`
	Value string `json:"value,omitempty"`
	Next  string `json:"next,omitempty"`
}

// ImpactRule sets an impact metric when any of Categories ("*" for all)
// was answered at least AtLeast.
type ImpactRule struct {
	Categories []string `json:"categories"`
	AtLeast    string   `json:"at_least"`
	Value      string   `json:"value"`
	Because    string   `json:"because"`
}

// MITRE returns the medical-device rubric kept in the repository
// (rubric/mitre-medical.json), checked whole.
func MITRE() (*Rubric, error) { return LoadRubric("rubric/mitre-medical.json") }

// LoadRubric reads and checks an embedded rubric.
func LoadRubric(name string) (*Rubric, error) {
	raw, err := rubricFiles.ReadFile(name)
	if err != nil {
		return nil, err
	}
	return ParseRubric(raw)
}

// ParseRubric decodes a rubric and checks that it is complete: every
// base metric of CVSS 3.1 once, every answer leading somewhere that
// exists, every value one of the metric's.
func ParseRubric(raw []byte) (*Rubric, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	var r Rubric
	if err := dec.Decode(&r); err != nil {
		return nil, fmt.Errorf("rubric: %w", err)
	}
	if r.CVSSVersion != "3.1" {
		return nil, fmt.Errorf("rubric %s: cvss_version %q, want 3.1", r.ID, r.CVSSVersion)
	}
	want := []string{"AV", "AC", "PR", "UI", "S", "C", "I", "A"}
	var got []string
	for _, m := range r.Metrics {
		got = append(got, m.Metric)
		if m.Kind == "impact" {
			if len(r.Categories) == 0 || len(r.ImpactLevels) == 0 {
				return nil, fmt.Errorf("rubric %s: impact metric %s without categories or levels", r.ID, m.Metric)
			}
			for _, c := range r.Categories {
				m.Questions = append(m.Questions, &Question{
					ID: strings.ToLower(m.Metric) + "_" + c.ID, Metric: m.Metric, Category: c.ID,
					Text: strings.ReplaceAll(m.Question, "{category}", c.Name), Help: c.Help, Answers: r.ImpactLevels,
				})
			}
			for i, rule := range m.Rules {
				if m.Values[rule.Value] == "" || levelRank(&r, rule.AtLeast) < 0 {
					return nil, fmt.Errorf("rubric %s: %s rule %d: unknown value %q or level %q", r.ID, m.Metric, i, rule.Value, rule.AtLeast)
				}
			}
			if m.Values[m.Otherwise] == "" {
				return nil, fmt.Errorf("rubric %s: %s otherwise %q is not a value", r.ID, m.Metric, m.Otherwise)
			}
			continue
		}
		ids := map[string]bool{}
		for _, q := range m.Questions {
			q.Metric = m.Metric
			ids[q.ID] = true
		}
		if !ids[m.Start] {
			return nil, fmt.Errorf("rubric %s: %s starts at unknown question %q", r.ID, m.Metric, m.Start)
		}
		for _, q := range m.Questions {
			for _, a := range q.Answers {
				switch {
				case a.Value != "" && a.Next != "", a.Value == "" && a.Next == "":
					return nil, fmt.Errorf("rubric %s: %s answer %s needs exactly one of value and next", r.ID, q.ID, a.ID)
				case a.Value != "" && m.Values[a.Value] == "":
					return nil, fmt.Errorf("rubric %s: %s answer %s: %q is not a %s value", r.ID, q.ID, a.ID, a.Value, m.Metric)
				case a.Next != "" && !ids[a.Next]:
					return nil, fmt.Errorf("rubric %s: %s answer %s leads to unknown question %q", r.ID, q.ID, a.ID, a.Next)
				}
			}
		}
	}
	if !slices.Equal(got, want) {
		return nil, fmt.Errorf("rubric %s: metrics %v, want %v in that order", r.ID, got, want)
	}
	return &r, nil
}

// Name is the rubric's id and version as stored with answers.
func (r *Rubric) Name() string { return fmt.Sprintf("%s/%d", r.ID, r.Version) }

func levelRank(r *Rubric, id string) int {
	for i, l := range r.ImpactLevels {
		if l.ID == id {
			return i
		}
	}
	return -1
}

// Question returns the question with id, or nil.
func (r *Rubric) Question(id string) *Question {
	for _, m := range r.Metrics {
		for _, q := range m.Questions {
			if q.ID == id {
				return q
			}
		}
	}
	return nil
}

// Answer returns the answer of q with id, or nil.
func (q *Question) Answer(id string) *Answer {
	for i := range q.Answers {
		if q.Answers[i].ID == id {
			return &q.Answers[i]
		}
	}
	return nil
}

// Step is one question asked on the way to a metric's value.
type Step struct {
	Question string `json:"question"`
	Text     string `json:"text"`
	Answer   string `json:"answer"`
	Choice   string `json:"choice"`
	Note     string `json:"note,omitempty"`
}

// MetricResult is one metric's value and how the answers led to it.
type MetricResult struct {
	Metric    string `json:"metric"`
	Name      string `json:"name"`
	Value     string `json:"value"`
	ValueName string `json:"value_name"`
	Steps     []Step `json:"steps"`
	// Because says which impact rule decided (impact metrics).
	Because string `json:"because,omitempty"`
}

// Derivation is the vector a set of answers gives, explained.
type Derivation struct {
	Rubric  string         `json:"rubric"`
	Vector  string         `json:"vector"`
	Metrics []MetricResult `json:"metrics"`
}

// Next returns the next question the answers leave open, in rubric
// order, or nil when they decide every metric. Answers that are not
// valid are treated as missing.
func (r *Rubric) Next(answers map[string]string) *Question {
	for _, m := range r.Metrics {
		if m.Kind == "impact" {
			for _, q := range m.Questions {
				if q.Answer(answers[q.ID]) == nil {
					return q
				}
			}
			continue
		}
		q := r.Question(m.Start)
		for q != nil {
			a := q.Answer(answers[q.ID])
			if a == nil {
				return q
			}
			if a.Value != "" {
				break
			}
			q = r.Question(a.Next)
		}
	}
	return nil
}

// Derive computes the CVSS 3.1 base vector the answers give, explaining
// each metric by the questions asked and the answers given. Every
// question on the way must be answered with one of its answers; answers
// to unknown questions, or to questions the other answers never reach,
// are refused, so what is stored is exactly what decided. All problems
// are reported at once.
func (r *Rubric) Derive(answers, notes map[string]string) (*Derivation, error) {
	var v vigil.ValidationError
	used := map[string]bool{}
	d := &Derivation{Rubric: r.Name()}
	parts := []string{"CVSS:3.1"}
	for _, m := range r.Metrics {
		res := MetricResult{Metric: m.Metric, Name: m.Name}
		if m.Kind == "impact" {
			var best ImpactRule
			decided := false
			for _, q := range m.Questions {
				used[q.ID] = true
				a := q.Answer(answers[q.ID])
				if a == nil {
					addAnswerProblem(&v, q, answers)
					continue
				}
				res.Steps = append(res.Steps, Step{Question: q.ID, Text: q.Text, Answer: a.ID, Choice: a.Text, Note: notes[q.ID]})
			}
			for _, rule := range m.Rules {
				if decided {
					break
				}
				for _, s := range res.Steps {
					q := r.Question(s.Question)
					if (slices.Contains(rule.Categories, "*") || slices.Contains(rule.Categories, q.Category)) &&
						levelRank(r, s.Answer) >= levelRank(r, rule.AtLeast) {
						best, decided = rule, true
						res.Because = fmt.Sprintf("%s: %s is %s", rule.Because, categoryName(r, q.Category), s.Answer)
						break
					}
				}
			}
			res.Value = m.Otherwise
			if decided {
				res.Value = best.Value
			} else {
				res.Because = "no impact on any category"
			}
		} else {
			q := r.Question(m.Start)
			for q != nil {
				used[q.ID] = true
				a := q.Answer(answers[q.ID])
				if a == nil {
					addAnswerProblem(&v, q, answers)
					break
				}
				res.Steps = append(res.Steps, Step{Question: q.ID, Text: q.Text, Answer: a.ID, Choice: a.Text, Note: notes[q.ID]})
				if a.Value != "" {
					res.Value = a.Value
					break
				}
				q = r.Question(a.Next)
			}
		}
		res.ValueName = m.Values[res.Value]
		parts = append(parts, m.Metric+":"+res.Value)
		d.Metrics = append(d.Metrics, res)
	}
	for _, id := range sortedKeys(answers) {
		switch {
		case r.Question(id) == nil:
			v.Add("answers."+id, "no such question in rubric %s", r.Name())
		case !used[id]:
			v.Add("answers."+id, "not reached: the other answers decide %s without it", r.Question(id).Metric)
		}
	}
	for _, id := range sortedKeys(notes) {
		if !used[id] || answers[id] == "" {
			v.Add("notes."+id, "is a note on a question not answered")
		}
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	d.Vector = strings.Join(parts, "/")
	return d, nil
}

func addAnswerProblem(v *vigil.ValidationError, q *Question, answers map[string]string) {
	var ids []string
	for _, a := range q.Answers {
		ids = append(ids, a.ID)
	}
	if got, ok := answers[q.ID]; ok {
		v.Add("answers."+q.ID, "%q is not one of %v", got, ids)
		return
	}
	v.Add("answers."+q.ID, "is not answered (one of %v): %s", ids, q.Text)
}

func categoryName(r *Rubric, id string) string {
	for _, c := range r.Categories {
		if c.ID == id {
			return c.Name
		}
	}
	return id
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// Package mds2 makes the Manufacturer Disclosure Statement for Medical
// Device Security (ANSI/NEMA HN 1-2019) data: the question catalogue, a
// tolerant reader for the official xlsx layout, manufacturers' variants and
// CSV, an exporter in the official layout, diffs, side-by-side comparison,
// evaluation against a hospital's requirement profile and cross-checks
// against what vigil knows of a release. It takes values and returns
// values; it does no storage.
package mds2

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
)

// QuestionKind is how a question is answered.
type QuestionKind string

const (
	// KindYesNo questions take Yes, No, N/A or See Note, with a note.
	KindYesNo QuestionKind = "yes_no"
	// KindText questions (the DOC fields) take free text.
	KindText QuestionKind = "text"
)

// Section is one capability section of the form, in form order.
type Section struct {
	Code        string `json:"code"`
	Title       string `json:"title"`
	Description string `json:"description"`
}

// FormQuestion is one question of the form.
type FormQuestion struct {
	ID      string `json:"id"`
	Section string `json:"section"`
	// Parent is the question this one details ("AUDT-2.8" for
	// "AUDT-2.8.1"), "" for a top-level question.
	Parent string `json:"parent,omitempty"`
	// Text is vigil's short description of what is asked.
	Text string       `json:"text"`
	Kind QuestionKind `json:"kind"`
}

// Catalogue is the HN 1-2019 question set.
type Catalogue struct {
	Standard   string         `json:"standard"`
	Provenance string         `json:"provenance"`
	Sections   []Section      `json:"sections"`
	Questions  []FormQuestion `json:"questions"`

	byID      map[string]int
	bySection map[string]int
}

//go:embed catalogue.json
var catalogueJSON []byte

// LoadCatalogue decodes the embedded catalogue. It is cheap enough to call
// per use; callers that need it often keep the value.
func LoadCatalogue() *Catalogue {
	c, err := parseCatalogue(catalogueJSON)
	if err != nil {
		// The embedded file is checked by the package's tests.
		panic(err)
	}
	return c
}

func parseCatalogue(b []byte) (*Catalogue, error) {
	var c Catalogue
	if err := json.Unmarshal(b, &c); err != nil {
		return nil, fmt.Errorf("mds2 catalogue: %w", err)
	}
	c.byID = make(map[string]int, len(c.Questions))
	c.bySection = make(map[string]int, len(c.Sections))
	for i, s := range c.Sections {
		c.bySection[s.Code] = i
	}
	for i, q := range c.Questions {
		if _, dup := c.byID[q.ID]; dup {
			return nil, fmt.Errorf("mds2 catalogue: question %s twice", q.ID)
		}
		if _, ok := c.bySection[q.Section]; !ok {
			return nil, fmt.Errorf("mds2 catalogue: question %s: unknown section %q", q.ID, q.Section)
		}
		if q.Parent != "" {
			if _, ok := c.byID[q.Parent]; !ok {
				return nil, fmt.Errorf("mds2 catalogue: question %s: parent %s is not before it", q.ID, q.Parent)
			}
		}
		c.byID[q.ID] = i
	}
	return &c, nil
}

// Question returns the question with id (as normalised by CanonicalID).
func (c *Catalogue) Question(id string) (FormQuestion, bool) {
	i, ok := c.byID[id]
	if !ok {
		return FormQuestion{}, false
	}
	return c.Questions[i], true
}

// Section returns the section with code.
func (c *Catalogue) Section(code string) (Section, bool) {
	i, ok := c.bySection[code]
	if !ok {
		return Section{}, false
	}
	return c.Sections[i], true
}

// Index is the question's position in form order, -1 when unknown.
func (c *Catalogue) Index(id string) int {
	if i, ok := c.byID[id]; ok {
		return i
	}
	return -1
}

// idPattern is the shape of an MDS2 question ID: a four-letter section code
// (three for DOC), a hyphen, and dotted numbers.
var idPattern = regexp.MustCompile(`^([A-Za-z]{3,4})\s*[-\x{2010}\x{2011}\x{2013}]\s*(\d{1,2}(?:\.\d{1,2}){0,3})$`)

// sectionAliases are spellings seen in filled forms for a section code.
var sectionAliases = map[string]string{"SHAD": "SAHD"}

// CanonicalID returns id in the catalogue's spelling (upper case, plain
// hyphen, no spaces) and whether it has the shape of a question ID at all.
// It does not say whether the catalogue knows the ID.
func CanonicalID(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if len(s) > 16 {
		return "", false
	}
	m := idPattern.FindStringSubmatch(s)
	if m == nil {
		return "", false
	}
	code := strings.ToUpper(m[1])
	if a, ok := sectionAliases[code]; ok {
		code = a
	}
	return code + "-" + m[2], true
}

package mds2

import "github.com/vigil/vigil"

// ChangeKind says how an answer changed between two forms.
type ChangeKind string

const (
	Added   ChangeKind = "added"
	Removed ChangeKind = "removed"
	Changed ChangeKind = "changed"
	// NoteChanged: same answer, different note.
	NoteChanged ChangeKind = "note_changed"
)

// AnswerChange is one question whose answer differs between two forms.
type AnswerChange struct {
	QuestionID string     `json:"question_id"`
	Section    string     `json:"section"`
	Question   string     `json:"question"`
	Kind       ChangeKind `json:"kind"`
	From       string     `json:"from,omitempty"`
	To         string     `json:"to,omitempty"`
	FromNote   string     `json:"from_note,omitempty"`
	ToNote     string     `json:"to_note,omitempty"`
}

// Diff lists, in form order, the questions whose answers or notes differ
// from one form to the next. Questions outside the catalogue are ignored.
func Diff(cat *Catalogue, from, to []vigil.MDS2Entry) []AnswerChange {
	a, b := byQuestion(from), byQuestion(to)
	var out []AnswerChange
	for _, q := range cat.Questions {
		x, inA := a[q.ID]
		y, inB := b[q.ID]
		c := AnswerChange{QuestionID: q.ID, Section: q.Section, Question: q.Text, From: x.Value(), To: y.Value(), FromNote: x.Note, ToNote: y.Note}
		switch {
		case !inA && !inB:
			continue
		case !inA:
			c.Kind = Added
		case !inB:
			c.Kind = Removed
		case x.Value() != y.Value():
			c.Kind = Changed
		case x.Note != y.Note:
			c.Kind = NoteChanged
		default:
			continue
		}
		out = append(out, c)
	}
	return out
}

func byQuestion(es []vigil.MDS2Entry) map[string]vigil.MDS2Entry {
	m := make(map[string]vigil.MDS2Entry, len(es))
	for _, e := range es {
		m[e.QuestionID] = e
	}
	return m
}

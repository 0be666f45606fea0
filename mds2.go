package vigil

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// MDS2Answer is an answer to a yes/no question of the MDS2 form (ANSI/NEMA
// HN 1-2019), in the form's own tokens.
type MDS2Answer string

const (
	MDS2Yes     MDS2Answer = "Yes"
	MDS2No      MDS2Answer = "No"
	MDS2NA      MDS2Answer = "N/A"
	MDS2SeeNote MDS2Answer = "See Note"
)

// MDS2Answers lists the form's answer vocabulary.
var MDS2Answers = []MDS2Answer{MDS2Yes, MDS2No, MDS2NA, MDS2SeeNote}

// Valid reports whether a is one of the form's answers.
func (a MDS2Answer) Valid() bool {
	for _, b := range MDS2Answers {
		if a == b {
			return true
		}
	}
	return false
}

// MDS2Form is one MDS2 statement as imported: either a manufacturer's own
// form for one of its releases (ReleaseID set) or a form a hospital
// received for a device it is evaluating (Candidate set). A release or a
// candidate has at most one current form; importing another supersedes it
// and keeps the older one for diffs.
type MDS2Form struct {
	ID    int64 `json:"id"`
	OrgID int64 `json:"org_id"`
	// ReleaseID is the release the form describes, 0 for a candidate.
	ReleaseID int64 `json:"release_id,omitempty"`
	// Candidate names the device under evaluation, "" for a release.
	Candidate string `json:"candidate,omitempty"`
	// Release names the release ("Infusion Pump 3.0") where the service
	// filled it in; it is not stored.
	Release string `json:"release,omitempty"`
	// Filename and Format ("xlsx", "csv") say where the answers came from.
	Filename string `json:"filename"`
	Format   string `json:"format"`
	SHA256   string `json:"sha256"`
	// Answers counts the stored answers.
	Answers int `json:"answers"`
	// Issues are what the import could not take as it was: unknown
	// question IDs, duplicates, answers outside the vocabulary.
	Issues       []MDS2Issue `json:"issues"`
	CreatedAt    time.Time   `json:"created_at"`
	SupersededAt time.Time   `json:"superseded_at,omitzero"`
}

// Subject names what the form describes: the candidate, or the release.
func (f *MDS2Form) Subject() string {
	switch {
	case f.Candidate != "":
		return f.Candidate
	case f.Release != "":
		return f.Release
	}
	return fmt.Sprintf("release %d", f.ReleaseID)
}

// MDS2Entry is the answer to one question of a form.
type MDS2Entry struct {
	FormID     int64  `json:"form_id,omitempty"`
	QuestionID string `json:"question_id"`
	// Answer is set for yes/no questions whose answer is in the
	// vocabulary.
	Answer MDS2Answer `json:"answer,omitempty"`
	// Text is the answer of a free-text question (the DOC fields), or the
	// answer as written when it is outside the vocabulary.
	Text string `json:"text,omitempty"`
	// Note is the manufacturer's note: the note column, or what followed
	// the answer in its cell ("Yes, see IFU").
	Note string `json:"note,omitempty"`
	// Sheet and Row locate the answer in the imported file (rows from 1).
	Sheet string `json:"sheet,omitempty"`
	Row   int    `json:"row,omitempty"`
}

// Value is the answer as a person reads it: the vocabulary token, or the
// text.
func (e MDS2Entry) Value() string {
	if e.Answer != "" {
		return string(e.Answer)
	}
	return e.Text
}

// MDS2IssueKind classifies an import issue.
type MDS2IssueKind string

const (
	// MDS2UnknownQuestion: an ID shaped like an MDS2 question that the
	// HN 1-2019 catalogue does not have. The row is not stored.
	MDS2UnknownQuestion MDS2IssueKind = "unknown_question"
	// MDS2Duplicate: a question answered again; the first answer is kept.
	MDS2Duplicate MDS2IssueKind = "duplicate"
	// MDS2BadAnswer: an answer outside Yes / No / N/A / See Note; it is
	// kept as text.
	MDS2BadAnswer MDS2IssueKind = "bad_answer"
	// MDS2Formula: a cell held a formula; its cached value was read, the
	// formula was not evaluated.
	MDS2Formula MDS2IssueKind = "formula"
	// MDS2Truncated: a sheet or cell exceeded the import limits and was cut.
	MDS2Truncated MDS2IssueKind = "truncated"
	// MDS2Unanswered: a question of the catalogue the form does not
	// answer: its row is blank (or holds only a note), or the form has no
	// row for it at all (then the issue has no sheet and row).
	MDS2Unanswered MDS2IssueKind = "unanswered"
	// MDS2NoteMissing: an answer of "See Note" with no note, or a
	// reference ("Note 3") to a note the form does not give.
	MDS2NoteMissing MDS2IssueKind = "note_missing"
)

// MDS2Issue is one problem found while importing, with where it is.
type MDS2Issue struct {
	Kind       MDS2IssueKind `json:"kind"`
	Sheet      string        `json:"sheet,omitempty"`
	Row        int           `json:"row,omitempty"`
	QuestionID string        `json:"question_id,omitempty"`
	Message    string        `json:"message"`
}

func (i MDS2Issue) String() string {
	var b strings.Builder
	if i.Sheet != "" {
		b.WriteString(i.Sheet)
	}
	if i.Row > 0 {
		fmt.Fprintf(&b, " row %d", i.Row)
	}
	if b.Len() > 0 {
		b.WriteString(": ")
	}
	if i.QuestionID != "" {
		b.WriteString(i.QuestionID + ": ")
	}
	b.WriteString(i.Message)
	return strings.TrimSpace(b.String())
}

// ReleasePort is a network port a release declares it uses: the
// manufacturer's port list that MDS2 CONN-2 refers to.
type ReleasePort struct {
	Port int `json:"port"`
	// Protocol is "tcp" or "udp".
	Protocol string `json:"protocol"`
	// Service names what listens or connects ("HTTPS", "DICOM").
	Service string `json:"service,omitempty"`
}

func (p ReleasePort) String() string { return fmt.Sprintf("%d/%s", p.Port, p.Protocol) }

// Validate checks the port number and protocol.
func (p ReleasePort) Validate() error {
	var v ValidationError
	if p.Port < 1 || p.Port > 65535 {
		v.Add("port", "must be between 1 and 65535")
	}
	if p.Protocol != "tcp" && p.Protocol != "udp" {
		v.Add("protocol", "must be tcp or udp")
	}
	if len(p.Service) > 100 {
		v.Add("service", "is longer than 100 characters")
	}
	return v.Err()
}

// ParseReleasePort reads "443/tcp", "123/udp=NTP" or "443" (tcp).
func ParseReleasePort(s string) (ReleasePort, error) {
	spec, service, _ := strings.Cut(strings.TrimSpace(s), "=")
	num, proto, ok := strings.Cut(spec, "/")
	if !ok {
		proto = "tcp"
	}
	var p ReleasePort
	var err error
	if p.Port, err = strconv.Atoi(strings.TrimSpace(num)); err != nil {
		return ReleasePort{}, fmt.Errorf("port %q: want PORT[/tcp|udp][=SERVICE]: %w", s, ErrInvalid)
	}
	p.Protocol = strings.ToLower(strings.TrimSpace(proto))
	p.Service = strings.TrimSpace(service)
	if err := p.Validate(); err != nil {
		return ReleasePort{}, fmt.Errorf("port %q: %w", s, err)
	}
	return p, nil
}

package vigil

import (
	"net/url"
	"strings"
	"time"
)

// NoticeKind says which milestone a manufacturer's lifecycle notice
// announces.
type NoticeKind string

const (
	// NoticeEndOfLife announces end of life: the release leaves Support for
	// Limited Support (usually with the end-of-support date to come).
	NoticeEndOfLife NoticeKind = "end_of_life"
	// NoticeEndOfSupport announces (or moves) the end-of-support date, after
	// which no more patches come.
	NoticeEndOfSupport NoticeKind = "end_of_support"
)

// NoticeKinds lists the notice kinds.
var NoticeKinds = []NoticeKind{NoticeEndOfLife, NoticeEndOfSupport}

// Valid reports whether k is a known kind.
func (k NoticeKind) Valid() bool { return k == NoticeEndOfLife || k == NoticeEndOfSupport }

// Notice is a manufacturer's end-of-life or end-of-support notice for a
// release: the dates, what stays supported until the end, how hospitals can
// compensate, and what to move to. Notices are records: once made they are
// not changed; a later notice supersedes an earlier one.
type Notice struct {
	ID        int64      `json:"id"`
	OrgID     int64      `json:"org_id"`
	ReleaseID int64      `json:"release_id"`
	Product   string     `json:"product"`
	Version   string     `json:"version"`
	Kind      NoticeKind `json:"kind"`
	// Title is the notice's headline.
	Title string `json:"title"`
	// IssuedOn is the day the notice was published.
	IssuedOn Date `json:"issued_on"`
	// EOLOn is the end-of-life day: Limited Support begins. It becomes the
	// release's eol_notice_on milestone.
	EOLOn Date `json:"eol_on,omitzero"`
	// EndOfSupportOn is the last day of support: no patches after it. It
	// becomes the release's end_of_support_on milestone.
	EndOfSupportOn Date `json:"end_of_support_on,omitzero"`
	// RemainsSupported says what the manufacturer still provides until the
	// end of support (security patches for critical vulnerabilities, spare
	// parts, technical support…).
	RemainsSupported string `json:"remains_supported,omitempty"`
	// CompensatingControls is the manufacturer's guidance for hospitals
	// that keep using the device: one control per entry.
	CompensatingControls []string `json:"compensating_controls"`
	// SuccessorReleaseID is the recommended successor, a release of the
	// same organization, when there is one; Successor names it (or another
	// product) for people.
	SuccessorReleaseID int64  `json:"successor_release_id,omitempty"`
	Successor          string `json:"successor,omitempty"`
	// URL is where the notice is published.
	URL       string    `json:"url,omitempty"`
	CreatedBy string    `json:"created_by"`
	CreatedAt time.Time `json:"created_at"`
}

// NoticeInput is what recording a notice takes.
type NoticeInput struct {
	Kind                 NoticeKind `json:"kind"`
	Title                string     `json:"title"`
	IssuedOn             Date       `json:"issued_on,omitzero"`
	EOLOn                Date       `json:"eol_on,omitzero"`
	EndOfSupportOn       Date       `json:"end_of_support_on,omitzero"`
	RemainsSupported     string     `json:"remains_supported,omitempty"`
	CompensatingControls []string   `json:"compensating_controls,omitempty"`
	SuccessorReleaseID   int64      `json:"successor_release_id,omitempty"`
	Successor            string     `json:"successor,omitempty"`
	URL                  string     `json:"url,omitempty"`
}

// Validate checks every field and reports all problems at once. The
// issue date must be set (the service fills in today).
func (in NoticeInput) Validate() error {
	var v ValidationError
	if !in.Kind.Valid() {
		v.Add("kind", "must be one of %v", NoticeKinds)
	}
	validateText(&v, "title", in.Title, true, 300)
	if in.IssuedOn.IsZero() {
		v.Add("issued_on", "is required")
	}
	switch in.Kind {
	case NoticeEndOfLife:
		if in.EOLOn.IsZero() {
			v.Add("eol_on", "is required for an end-of-life notice")
		}
	case NoticeEndOfSupport:
		if in.EndOfSupportOn.IsZero() {
			v.Add("end_of_support_on", "is required for an end-of-support notice")
		}
	}
	if !in.EOLOn.IsZero() && !in.EndOfSupportOn.IsZero() && in.EndOfSupportOn.Before(in.EOLOn) {
		v.Add("end_of_support_on", "is before eol_on")
	}
	validateText(&v, "remains_supported", in.RemainsSupported, false, 8000)
	validateList(&v, "compensating_controls", in.CompensatingControls, 100, 2000)
	validateText(&v, "successor", in.Successor, false, 300)
	if in.SuccessorReleaseID < 0 {
		v.Add("successor_release_id", "must be positive")
	}
	validateURL(&v, "url", in.URL)
	return v.Err()
}

// ResidualRisk is one risk that stays with the hospital once the
// manufacturer stops supporting a device.
type ResidualRisk struct {
	Description string `json:"description"`
	// Harm is the severity of the potential harm to a patient (ISO 14971).
	Harm Harm `json:"harm,omitempty"`
	// Mitigation is what keeps the risk acceptable (a compensating control,
	// a clinical workaround).
	Mitigation string `json:"mitigation,omitempty"`
}

// DocumentLink points at one piece of final documentation (the last SBOM,
// MDS2, the final security advisory, the sanitization instructions).
type DocumentLink struct {
	Title string `json:"title"`
	URL   string `json:"url"`
}

// Transfer records the transfer of responsibility for a release at end of
// support: the residual risks, the compensating controls in place, the
// final documentation, and who accepted them. Once accepted it is final.
type Transfer struct {
	ID        int64  `json:"id"`
	OrgID     int64  `json:"org_id"`
	ReleaseID int64  `json:"release_id"`
	Product   string `json:"product"`
	Version   string `json:"version"`
	// EffectiveOn is the day responsibility moves; by default the release's
	// end-of-support date.
	EffectiveOn          Date           `json:"effective_on"`
	ResidualRisks        []ResidualRisk `json:"residual_risks"`
	CompensatingControls []string       `json:"compensating_controls"`
	Documents            []DocumentLink `json:"documents"`
	// SanitizationGuidance says how to remove patient data from the device
	// before disposal (the manufacturer's instructions).
	SanitizationGuidance string `json:"sanitization_guidance,omitempty"`
	Notes                string `json:"notes,omitempty"`
	// The acceptance: the person who accepted the residual risks for the
	// receiving side, their role and organization, and the day.
	AcceptedBy   string    `json:"accepted_by,omitempty"`
	AcceptedRole string    `json:"accepted_role,omitempty"`
	AcceptedOrg  string    `json:"accepted_org,omitempty"`
	AcceptedOn   Date      `json:"accepted_on,omitzero"`
	RecordedBy   string    `json:"recorded_by"`
	CreatedAt    time.Time `json:"created_at"`
	// AcceptanceRecordedBy and AcceptedAt say who entered the acceptance
	// into vigil, and when.
	AcceptanceRecordedBy string    `json:"acceptance_recorded_by,omitempty"`
	AcceptedAt           time.Time `json:"accepted_at,omitzero"`
}

// Accepted reports whether the transfer has been accepted.
func (t Transfer) Accepted() bool { return t.AcceptedBy != "" }

// TransferInput is what recording a transfer takes. The acceptance may come
// with it or later (TransferAcceptance).
type TransferInput struct {
	EffectiveOn          Date                `json:"effective_on,omitzero"`
	ResidualRisks        []ResidualRisk      `json:"residual_risks,omitempty"`
	CompensatingControls []string            `json:"compensating_controls,omitempty"`
	Documents            []DocumentLink      `json:"documents,omitempty"`
	SanitizationGuidance string              `json:"sanitization_guidance,omitempty"`
	Notes                string              `json:"notes,omitempty"`
	Acceptance           *TransferAcceptance `json:"acceptance,omitempty"`
}

// TransferAcceptance is the receiving side's acceptance of a transfer.
type TransferAcceptance struct {
	By   string `json:"by"`
	Role string `json:"role,omitempty"`
	Org  string `json:"org,omitempty"`
	On   Date   `json:"on,omitzero"`
}

// Validate checks every field and reports all problems at once. The
// effective day must be set (the service fills in the release's
// end-of-support date).
func (in TransferInput) Validate() error {
	var v ValidationError
	if in.EffectiveOn.IsZero() {
		v.Add("effective_on", "is required (or set the release's end-of-support date)")
	}
	if len(in.ResidualRisks) == 0 {
		v.Add("residual_risks", "is required: a transfer says which risks stay (write \"none identified\" if so)")
	}
	if len(in.ResidualRisks) > 500 {
		v.Add("residual_risks", "has more than 500 entries")
	}
	for _, r := range in.ResidualRisks {
		validateText(&v, "residual_risks.description", r.Description, true, 4000)
		if r.Harm != "" && !r.Harm.Valid() {
			v.Add("residual_risks.harm", "must be one of %v", Harms)
		}
		validateText(&v, "residual_risks.mitigation", r.Mitigation, false, 4000)
	}
	validateList(&v, "compensating_controls", in.CompensatingControls, 200, 2000)
	if len(in.Documents) > 200 {
		v.Add("documents", "has more than 200 entries")
	}
	for _, d := range in.Documents {
		validateText(&v, "documents.title", d.Title, true, 300)
		if d.URL == "" {
			v.Add("documents.url", "is required")
		}
		validateURL(&v, "documents.url", d.URL)
	}
	validateText(&v, "sanitization_guidance", in.SanitizationGuidance, false, 8000)
	validateText(&v, "notes", in.Notes, false, 8000)
	if in.Acceptance != nil {
		in.Acceptance.validate(&v)
	}
	return v.Err()
}

// Validate checks the acceptance; the day must be set (the service fills
// in today).
func (a TransferAcceptance) Validate() error {
	var v ValidationError
	a.validate(&v)
	return v.Err()
}

func (a TransferAcceptance) validate(v *ValidationError) {
	validateText(v, "acceptance.by", a.By, true, 200)
	validateText(v, "acceptance.role", a.Role, false, 200)
	validateText(v, "acceptance.org", a.Org, false, 200)
	if a.On.IsZero() {
		v.Add("acceptance.on", "is required")
	}
}

func validateList(v *ValidationError, field string, list []string, maxItems, maxLen int) {
	if len(list) > maxItems {
		v.Add(field, "has more than %d entries", maxItems)
	}
	for _, s := range list {
		validateText(v, field, s, true, maxLen)
	}
}

// validateURL accepts an empty value or an absolute http(s) URL: links end
// up in HTML reports, where other schemes (javascript:) are a hazard.
func validateURL(v *ValidationError, field, s string) {
	if s == "" {
		return
	}
	validateText(v, field, s, true, 2000)
	u, err := url.Parse(s)
	if err != nil || u.Host == "" || (strings.ToLower(u.Scheme) != "http" && strings.ToLower(u.Scheme) != "https") {
		v.Add(field, "must be an absolute http or https URL")
	}
}

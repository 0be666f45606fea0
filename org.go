package vigil

import (
	"regexp"
	"time"
)

// OrgKind says which side of the device lifecycle an organization is on.
type OrgKind string

const (
	// Manufacturer is a medical device manufacturer (MDM).
	Manufacturer OrgKind = "manufacturer"
	// HealthcareProvider is a healthcare delivery organization (HDO).
	HealthcareProvider OrgKind = "healthcare_provider"
)

// OrgKinds lists the kinds in documentation order.
var OrgKinds = []OrgKind{Manufacturer, HealthcareProvider}

// Valid reports whether k is a known kind.
func (k OrgKind) Valid() bool { return k == Manufacturer || k == HealthcareProvider }

// Organization owns data: every row of organization data belongs to exactly
// one. Public reference data (the vulnerability knowledge base) belongs to
// none and is read-only to all.
type Organization struct {
	ID int64 `json:"id"`
	// Slug is the organization's handle in commands, URLs and config.
	Slug string `json:"slug"`
	// Name is the display name.
	Name      string    `json:"name"`
	Kind      OrgKind   `json:"kind"`
	CreatedAt time.Time `json:"created_at"`
}

// OrgInput is what creating an organization takes.
type OrgInput struct {
	Slug string  `json:"slug"`
	Name string  `json:"name"`
	Kind OrgKind `json:"kind"`
}

var slugPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,62}$`)

// Validate checks every field and reports all problems at once.
func (in OrgInput) Validate() error {
	var v ValidationError
	if !slugPattern.MatchString(in.Slug) {
		v.Add("slug", "must be 1-63 lower-case letters, digits or dashes, starting with a letter or digit")
	}
	validateText(&v, "name", in.Name, true, 200)
	if !in.Kind.Valid() {
		v.Add("kind", "must be %q or %q", Manufacturer, HealthcareProvider)
	}
	return v.Err()
}

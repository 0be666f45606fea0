package vigil

import (
	"fmt"
	"time"
)

// Phase is a release's place in the total product lifecycle (IMDRF N70):
// Development → Support → Limited Support → End of Support. The
// manufacturer's end-of-life notice opens Limited Support; the end-of-support
// date closes it.
type Phase string

const (
	PhaseDevelopment    Phase = "development"
	PhaseSupport        Phase = "support"
	PhaseLimitedSupport Phase = "limited_support"
	PhaseEndOfSupport   Phase = "end_of_support"
)

// Phases lists the phases in lifecycle order.
var Phases = []Phase{PhaseDevelopment, PhaseSupport, PhaseLimitedSupport, PhaseEndOfSupport}

// Valid reports whether p is a known phase.
func (p Phase) Valid() bool { return p.rank() >= 0 }

// rank is the phase's position in lifecycle order, -1 when unknown.
func (p Phase) rank() int {
	for i, q := range Phases {
		if p == q {
			return i
		}
	}
	return -1
}

// Milestones are the dates that open and close a release's phases.
type Milestones struct {
	// ReleasedOn opens Support (the device is on the market).
	ReleasedOn Date `json:"released_on,omitzero"`
	// EOLNoticeOn is the day the manufacturer announced end of life; it
	// opens Limited Support.
	EOLNoticeOn Date `json:"eol_notice_on,omitzero"`
	// EndOfSupportOn closes Limited Support: no more patches after it.
	EndOfSupportOn Date `json:"end_of_support_on,omitzero"`
}

// PhaseOn returns the phase the milestones imply on day d.
func (m Milestones) PhaseOn(d Date) Phase {
	switch {
	case !m.EndOfSupportOn.IsZero() && !d.Before(m.EndOfSupportOn):
		return PhaseEndOfSupport
	case !m.EOLNoticeOn.IsZero() && !d.Before(m.EOLNoticeOn):
		return PhaseLimitedSupport
	case !m.ReleasedOn.IsZero() && !d.Before(m.ReleasedOn):
		return PhaseSupport
	default:
		return PhaseDevelopment
	}
}

func (m Milestones) validate(v *ValidationError) {
	if !m.ReleasedOn.IsZero() && !m.EOLNoticeOn.IsZero() && m.EOLNoticeOn.Before(m.ReleasedOn) {
		v.Add("eol_notice_on", "is before released_on")
	}
	if !m.EOLNoticeOn.IsZero() && !m.EndOfSupportOn.IsZero() && m.EndOfSupportOn.Before(m.EOLNoticeOn) {
		v.Add("end_of_support_on", "is before eol_notice_on")
	}
	if !m.ReleasedOn.IsZero() && !m.EndOfSupportOn.IsZero() && m.EndOfSupportOn.Before(m.ReleasedOn) {
		v.Add("end_of_support_on", "is before released_on")
	}
}

// Release is one version of a product, the unit that carries an SBOM, an
// MDS2 form, findings and a lifecycle phase.
type Release struct {
	ID        int64  `json:"id"`
	OrgID     int64  `json:"org_id"`
	ProductID int64  `json:"product_id"`
	Product   string `json:"product"`
	Version   string `json:"version"`
	Phase     Phase  `json:"phase"`
	// PhaseExplicit is true when a person set the phase; otherwise it
	// follows the milestones as days pass.
	PhaseExplicit bool `json:"phase_explicit"`
	Milestones
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// ReleaseInput is what creating a release takes. Phase may be empty: the
// phase then follows the milestones.
type ReleaseInput struct {
	Version string `json:"version"`
	Phase   Phase  `json:"phase,omitempty"`
	Milestones
}

// Validate checks every field and reports all problems at once.
func (in ReleaseInput) Validate() error {
	var v ValidationError
	validateHandle(&v, "version", in.Version)
	if in.Version != "" && len(in.Version) > 100 {
		v.Add("version", "is longer than 100 characters")
	}
	if in.Phase != "" && !in.Phase.Valid() {
		v.Add("phase", "must be one of %v", Phases)
	}
	in.Milestones.validate(&v)
	return v.Err()
}

// ReleaseUpdate changes the milestones that are set; nil leaves one as is,
// a zero Date clears it.
type ReleaseUpdate struct {
	ReleasedOn     *Date `json:"released_on,omitempty"`
	EOLNoticeOn    *Date `json:"eol_notice_on,omitempty"`
	EndOfSupportOn *Date `json:"end_of_support_on,omitempty"`
}

// Apply returns r with the update's set milestones changed. The phase is
// recomputed by the caller (see Release.Refresh).
func (u ReleaseUpdate) Apply(r Release) Release {
	if u.ReleasedOn != nil {
		r.ReleasedOn = *u.ReleasedOn
	}
	if u.EOLNoticeOn != nil {
		r.EOLNoticeOn = *u.EOLNoticeOn
	}
	if u.EndOfSupportOn != nil {
		r.EndOfSupportOn = *u.EndOfSupportOn
	}
	return r
}

// Validate checks the release's milestones.
func (r Release) Validate() error {
	var v ValidationError
	r.Milestones.validate(&v)
	return v.Err()
}

// Refresh returns the phase r should have on day d: the explicit phase when
// a person set one, else the one its milestones imply.
func (r Release) Refresh(d Date) Phase {
	if r.PhaseExplicit && r.Phase.Valid() {
		return r.Phase
	}
	return r.PhaseOn(d)
}

// PhaseChange is one entry in a release's phase history.
type PhaseChange struct {
	ID        int64     `json:"id"`
	ReleaseID int64     `json:"release_id"`
	From      Phase     `json:"from_phase,omitempty"`
	To        Phase     `json:"to_phase"`
	Actor     string    `json:"actor"`
	Reason    string    `json:"reason"`
	ChangedAt time.Time `json:"changed_at"`
}

// CheckPhaseChange says whether a person may move a release from one phase
// to another. The lifecycle runs one way; going back (say, a release pulled
// from the market before launch) is allowed only when forced, and every
// change needs a reason because it changes who is responsible for the device.
func CheckPhaseChange(from, to Phase, reason string, force bool) error {
	var v ValidationError
	if !to.Valid() {
		v.Add("phase", "must be one of %v", Phases)
	}
	validateText(&v, "reason", reason, true, 2000)
	if err := v.Err(); err != nil {
		return err
	}
	if from.Valid() && to.rank() < from.rank() && !force {
		return fmt.Errorf("phase %s → %s goes back in the lifecycle; force it if this is intended: %w", from, to, ErrConflict)
	}
	return nil
}

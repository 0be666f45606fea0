package sanitize

import (
	"fmt"
	"strings"

	"github.com/vigil/vigil"
)

// Decommissionable applies the decommissioning rule to an asset and its
// sanitization records, oldest first, for a decommissioning on day on: an
// asset that stored PHI needs a complete sanitization record, a medium
// whose sanitization failed verification needs a complete record after
// it, and no record may be dated after the decommissioning. A record
// counts as complete as of the day it was recorded.
func Decommissionable(a *vigil.Asset, recs []*vigil.Sanitization, on vigil.Date) error {
	complete := 0
	var failed []string
	for i, r := range recs {
		if Complete(r, vigil.DateOf(r.CreatedAt)) {
			complete++
			continue
		}
		if r.VerificationResult != vigil.VerificationFailed {
			continue
		}
		redone := false
		for _, later := range recs[i+1:] {
			if later.MediaType == r.MediaType && (later.MediaSerial == r.MediaSerial || r.MediaSerial == "") &&
				Complete(later, vigil.DateOf(later.CreatedAt)) {
				redone = true
			}
		}
		if !redone {
			failed = append(failed, fmt.Sprintf("record %d (%s %s, %s)", r.ID, r.MediaType, r.MediaSerial, Label(r)))
		}
	}
	if len(failed) > 0 {
		return fmt.Errorf("asset %s: the sanitization of %s failed verification and was not redone: sanitize the medium again or destroy it: %w",
			a.Label(), strings.Join(failed, ", "), vigil.ErrConflict)
	}
	if a.PHI && complete == 0 {
		return fmt.Errorf("asset %s stored patient data (PHI): record a completed sanitization (verified, passed) of its storage before decommissioning it (vigil asset sanitize): %w",
			a.Label(), vigil.ErrConflict)
	}
	for _, r := range recs {
		if r.PerformedOn.After(on) {
			return fmt.Errorf("asset %s: sanitization record %d is dated %s, after the decommissioning day %s: %w",
				a.Label(), r.ID, r.PerformedOn, on, vigil.ErrInvalid)
		}
	}
	return nil
}

// State is where a retired asset stands on the way to being
// decommissioned.
type State string

const (
	// Pending: the asset stored PHI and has no complete sanitization
	// record; it cannot be decommissioned yet.
	Pending State = "pending"
	// Done: it has one; vigil asset decommission can retire it for good.
	Done State = "complete"
	// NotNeeded: it stored no PHI.
	NotNeeded State = "not_needed"
)

// StateOf is where a retired asset with records recs stands on day today.
func StateOf(a *vigil.Asset, recs []*vigil.Sanitization, today vigil.Date) State {
	switch {
	case !a.PHI:
		return NotNeeded
	case Decommissionable(a, recs, today) == nil:
		return Done
	}
	return Pending
}

// Next says, in words, what a retired asset in this state waits for.
func (s State) Next() string {
	switch s {
	case Done:
		return "sanitized, ready to decommission"
	case NotNeeded:
		return "no PHI, ready to decommission"
	}
	return "sanitization pending"
}

// Rank orders the decommissioning worklist: pending sanitization first,
// then ready to decommission, then no PHI.
func (s State) Rank() int {
	switch s {
	case Pending:
		return 0
	case Done:
		return 1
	case NotNeeded:
		return 2
	}
	return 0
}

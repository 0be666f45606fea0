package vigil

import "time"

// RemediationState is where a hospital's work on one asset × vulnerability
// stands.
type RemediationState string

const (
	// RemediationOpen: nothing done yet.
	RemediationOpen RemediationState = "open"
	// RemediationPatchAvailable: the manufacturer has a validated fix
	// (an advisory's vendor_fix, a patch notice) not yet applied.
	RemediationPatchAvailable RemediationState = "patch_available"
	// RemediationPatchApplied: the fix is installed; done.
	RemediationPatchApplied RemediationState = "patch_applied"
	// RemediationCompensating: a compensating control is in place
	// (segmentation, a disabled service, …); the risk is reduced.
	RemediationCompensating RemediationState = "compensating_control"
	// RemediationRiskAccepted: a named approver accepted the risk, with a
	// reason, until an expiry date; past it the item is open again.
	RemediationRiskAccepted RemediationState = "risk_accepted"
)

// RemediationStates lists the states in workflow order.
var RemediationStates = []RemediationState{RemediationOpen, RemediationPatchAvailable, RemediationPatchApplied,
	RemediationCompensating, RemediationRiskAccepted}

// Valid reports whether s is a known state.
func (s RemediationState) Valid() bool { return validToken(s, RemediationStates) }

// WorkItem is the remediation of one vulnerability on one asset.
type WorkItem struct {
	ID      int64            `json:"id"`
	OrgID   int64            `json:"org_id"`
	AssetID int64            `json:"asset_id"`
	VulnID  string           `json:"vuln_id"`
	State   RemediationState `json:"state"`
	// Detail is the patch reference or the control in place.
	Detail string `json:"detail,omitempty"`
	// Approver, Reason and ExpiresOn belong to a risk acceptance.
	Approver  string    `json:"approver,omitempty"`
	Reason    string    `json:"reason,omitempty"`
	ExpiresOn Date      `json:"expires_on,omitzero"`
	UpdatedBy string    `json:"updated_by"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// Effective is the state that counts on day d: a risk acceptance past its
// expiry is open again.
func (w *WorkItem) Effective(d Date) RemediationState {
	if w.State == RemediationRiskAccepted && !w.ExpiresOn.IsZero() && !d.Before(w.ExpiresOn) {
		return RemediationOpen
	}
	return w.State
}

// Expired reports whether a risk acceptance has run out on day d.
func (w *WorkItem) Expired(d Date) bool {
	return w.State == RemediationRiskAccepted && w.Effective(d) == RemediationOpen
}

// WorkItemInput is a change of a work item's state.
type WorkItemInput struct {
	State     RemediationState `json:"state"`
	Detail    string           `json:"detail,omitempty"`
	Approver  string           `json:"approver,omitempty"`
	Reason    string           `json:"reason,omitempty"`
	ExpiresOn Date             `json:"expires_on,omitzero"`
}

// Validate checks the change; today is the day it is made.
func (in WorkItemInput) Validate(today Date) error {
	var v ValidationError
	if !in.State.Valid() {
		v.Add("state", "must be one of %v", RemediationStates)
	}
	validateText(&v, "detail", in.Detail, in.State == RemediationCompensating, 2000)
	validateText(&v, "approver", in.Approver, in.State == RemediationRiskAccepted, 200)
	validateText(&v, "reason", in.Reason, in.State == RemediationRiskAccepted, 4000)
	if in.State == RemediationRiskAccepted {
		switch {
		case in.ExpiresOn.IsZero():
			v.Add("expires_on", "a risk acceptance needs an expiry date")
		case !in.ExpiresOn.After(today):
			v.Add("expires_on", "must be after today (%s)", today)
		}
	} else if !in.ExpiresOn.IsZero() {
		v.Add("expires_on", "only a risk acceptance expires")
	}
	return v.Err()
}

// WorkItemChange is one entry of a work item's append-only history.
type WorkItemChange struct {
	ID         int64            `json:"id"`
	OrgID      int64            `json:"org_id"`
	WorkItemID int64            `json:"work_item_id"`
	FromState  RemediationState `json:"from_state,omitempty"`
	ToState    RemediationState `json:"to_state"`
	Detail     string           `json:"detail,omitempty"`
	Approver   string           `json:"approver,omitempty"`
	Reason     string           `json:"reason,omitempty"`
	ExpiresOn  Date             `json:"expires_on,omitzero"`
	Actor      string           `json:"actor"`
	ChangedAt  time.Time        `json:"changed_at"`
}

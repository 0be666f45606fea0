package vigil

import "time"

// APIToken lets a program act for one organization through the HTTP API.
// Only a hash of the secret is stored; the secret is shown once, at creation.
type APIToken struct {
	ID    int64  `json:"id"`
	OrgID int64  `json:"org_id"`
	Name  string `json:"name"`
	// Hint is the first characters of the secret, so a person can tell
	// tokens apart without the store holding the secret.
	Hint       string    `json:"hint"`
	CreatedAt  time.Time `json:"created_at"`
	ExpiresAt  time.Time `json:"expires_at,omitzero"`
	LastUsedAt time.Time `json:"last_used_at,omitzero"`
}

// Expired reports whether the token is past its expiry at t.
func (t APIToken) Expired(at time.Time) bool {
	return !t.ExpiresAt.IsZero() && !at.Before(t.ExpiresAt)
}

// TokenInput is what creating a token takes.
type TokenInput struct {
	Name string `json:"name"`
	// TTL is how long the token lives; zero means it does not expire.
	TTL time.Duration `json:"ttl,omitempty"`
}

// Validate checks every field and reports all problems at once.
func (in TokenInput) Validate() error {
	var v ValidationError
	validateHandle(&v, "name", in.Name)
	if in.TTL < 0 {
		v.Add("ttl", "must not be negative")
	}
	return v.Err()
}

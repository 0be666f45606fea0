// Package vigil holds the domain of vigil, a medical device cybersecurity
// lifecycle system: organizations, products, releases and the rules that are
// true of them whatever stores or serves them. It imports only the standard
// library; adapters (stores, HTTP, CLI) depend on it, never the reverse.
package vigil

import "time"

// Scope is the organization on whose behalf an operation runs. Every store
// and service call that touches organization data takes one explicitly, so no
// call exists that could read another organization's rows by forgetting it.
type Scope struct {
	OrgID int64
	// Actor names who acts (a user, a token, "cli"); recorded with changes.
	Actor string
}

// Valid reports whether the scope names an organization.
func (s Scope) Valid() bool { return s.OrgID > 0 }

// Who names the scope's actor for the records it leaves, "unknown" when
// nobody was named.
func (s Scope) Who() string {
	if s.Actor == "" {
		return "unknown"
	}
	return s.Actor
}

// Clock returns the current time. Services and stores take one so tests can
// fix time; production code uses time.Now.
type Clock func() time.Time

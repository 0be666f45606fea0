package remote

import "github.com/vigil/vigil/internal/feed/source"

// Names of package source's types that internal/service's tests still
// use; they go when that package moves to internal/app and names source
// itself. Everything else names source directly.
type (
	Source   = source.Source
	Document = source.Document
	Emit     = source.Emit
	State    = source.State
	Cursor   = source.Cursor
	Summary  = source.Summary
)

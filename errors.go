package vigil

import (
	"errors"
	"fmt"
	"strings"
)

// Error kinds. Details wrap them with %w; each edge (HTTP, CLI) maps a kind
// once: not found → 404 / exit 1, invalid → 400 / exit 1, and so on.
var (
	ErrNotFound     = errors.New("not found")
	ErrConflict     = errors.New("conflict")
	ErrInvalid      = errors.New("invalid")
	ErrForbidden    = errors.New("forbidden")
	ErrUnauthorized = errors.New("unauthorized")
	// ErrUnavailable is a store too busy to answer in time (another
	// writer held it too long): nothing was changed, and the same request
	// may succeed a moment later. The API answers 503 with Retry-After.
	ErrUnavailable = errors.New("temporarily unavailable, try again")
)

// FieldError is one problem with one input field.
type FieldError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

// ValidationError lists every field problem of an input at once, so the API
// and the UI can show them all rather than one per round trip.
type ValidationError struct {
	Fields []FieldError `json:"fields"`
}

func (e *ValidationError) Error() string {
	parts := make([]string, len(e.Fields))
	for i, f := range e.Fields {
		parts[i] = f.Field + ": " + f.Message
	}
	return "invalid input: " + strings.Join(parts, "; ")
}

// Unwrap makes errors.Is(err, ErrInvalid) true for validation errors.
func (e *ValidationError) Unwrap() error { return ErrInvalid }

// Add records a problem with field.
func (e *ValidationError) Add(field, format string, args ...any) {
	e.Fields = append(e.Fields, FieldError{Field: field, Message: fmt.Sprintf(format, args...)})
}

// Err returns e when it holds problems and nil otherwise, so a Validate
// method can end with "return v.Err()".
func (e *ValidationError) Err() error {
	if e == nil || len(e.Fields) == 0 {
		return nil
	}
	return e
}

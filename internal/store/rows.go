package store

import (
	"encoding/json"
	"fmt"

	"github.com/vigil/vigil"
)

// The helpers below are shared by the backends: they turn rows into domain
// values and back, the same way whatever the SQL dialect.

// DependencyRows folds (ref, depends_on) rows, ordered by ref, into one
// Dependency per ref and hands each to fn. The NoDependencies marker
// becomes an empty DependsOn.
type DependencyRows struct {
	sbomID int64
	cur    *vigil.Dependency
	fn     func(*vigil.Dependency) error
}

// NewDependencyRows starts folding the rows of one document.
func NewDependencyRows(sbomID int64, fn func(*vigil.Dependency) error) *DependencyRows {
	return &DependencyRows{sbomID: sbomID, fn: fn}
}

// Add takes the next row.
func (g *DependencyRows) Add(ref, on string) error {
	if g.cur != nil && g.cur.Ref != ref {
		if err := g.fn(g.cur); err != nil {
			return err
		}
		g.cur = nil
	}
	if g.cur == nil {
		g.cur = &vigil.Dependency{SBOMID: g.sbomID, Ref: ref, DependsOn: []string{}}
	}
	if on != NoDependencies {
		g.cur.DependsOn = append(g.cur.DependsOn, on)
	}
	return nil
}

// Flush hands over the last Dependency.
func (g *DependencyRows) Flush() error {
	if g.cur == nil {
		return nil
	}
	cur := g.cur
	g.cur = nil
	return g.fn(cur)
}

// JSONArray encodes a slice for a JSON column; nil becomes [].
func JSONArray[T any](v []T) string {
	if len(v) == 0 {
		return "[]"
	}
	b, err := json.Marshal(v)
	if err != nil {
		// Slices of strings and plain structs always encode.
		panic(fmt.Sprintf("encode JSON column: %v", err))
	}
	return string(b)
}

// UnmarshalArray decodes a JSON column, leaving dst nil for [].
func UnmarshalArray(raw []byte, dst any) error {
	if len(raw) == 0 || string(raw) == "[]" {
		return nil
	}
	if err := json.Unmarshal(raw, dst); err != nil {
		return fmt.Errorf("stored JSON %q: %w", raw, err)
	}
	return nil
}

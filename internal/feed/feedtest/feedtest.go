// Package feedtest holds test helpers for feed importers: an in-memory
// Sink and a generic JSON walk to compute expectations independently of
// any importer.
package feedtest

import (
	"context"
	"encoding/json"
	"os"
	"sync"
	"testing"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/feed"
)

// Sink keeps every record it is given, in order. With Dedup, a
// vulnerability whose source, id and modified time it already holds is
// Unchanged and not kept again.
type Sink struct {
	Dedup           bool
	mu              sync.Mutex
	Vulnerabilities []*vigil.Vulnerability
	KEV             []*vigil.KEVEntry
	EPSS            []*vigil.EPSSScore
	Advisories      []*vigil.Advisory
	seen            map[string]bool
}

var _ feed.Sink = (*Sink)(nil)

func (s *Sink) dup(key string) bool {
	if s.seen == nil {
		s.seen = map[string]bool{}
	}
	if s.seen[key] {
		return true
	}
	s.seen[key] = true
	return false
}

// PutVulnerability implements feed.Sink.
func (s *Sink) PutVulnerability(_ context.Context, v *vigil.Vulnerability) (feed.Outcome, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.Dedup && s.dup("v/"+string(v.Source)+"/"+v.SourceID+"/"+v.Modified.String()) {
		return feed.Unchanged, nil
	}
	s.Vulnerabilities = append(s.Vulnerabilities, v)
	return feed.Stored, nil
}

// PutKEV implements feed.Sink.
func (s *Sink) PutKEV(_ context.Context, e *vigil.KEVEntry) (feed.Outcome, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.KEV = append(s.KEV, e)
	return feed.Stored, nil
}

// PutEPSS implements feed.Sink.
func (s *Sink) PutEPSS(_ context.Context, e *vigil.EPSSScore) (feed.Outcome, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.EPSS = append(s.EPSS, e)
	return feed.Stored, nil
}

// PutAdvisory implements feed.Sink.
func (s *Sink) PutAdvisory(_ context.Context, a *vigil.Advisory) (feed.Outcome, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.Advisories = append(s.Advisories, a)
	return feed.Stored, nil
}

// Vulnerability returns the first record with id, or nil.
func (s *Sink) Vulnerability(id string) *vigil.Vulnerability {
	for _, v := range s.Vulnerabilities {
		if v.ID == id {
			return v
		}
	}
	return nil
}

// Discard is a Sink that stores nothing, for benchmarks and fuzzing.
type Discard struct{}

// PutVulnerability implements feed.Sink.
func (Discard) PutVulnerability(context.Context, *vigil.Vulnerability) (feed.Outcome, error) {
	return feed.Stored, nil
}

// PutKEV implements feed.Sink.
func (Discard) PutKEV(context.Context, *vigil.KEVEntry) (feed.Outcome, error) {
	return feed.Stored, nil
}

// PutEPSS implements feed.Sink.
func (Discard) PutEPSS(context.Context, *vigil.EPSSScore) (feed.Outcome, error) {
	return feed.Stored, nil
}

// PutAdvisory implements feed.Sink.
func (Discard) PutAdvisory(context.Context, *vigil.Advisory) (feed.Outcome, error) {
	return feed.Stored, nil
}

// LoadJSON reads a file into generic JSON values (maps, slices, strings,
// json.Number), for expectations computed apart from the importer.
func LoadJSON(t testing.TB, path string) any {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	dec := json.NewDecoder(f)
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return v
}

// Get follows keys (string) and indexes (int) through generic JSON; nil
// when a step is missing.
func Get(v any, path ...any) any {
	for _, p := range path {
		switch k := p.(type) {
		case string:
			m, ok := v.(map[string]any)
			if !ok {
				return nil
			}
			v = m[k]
		case int:
			a, ok := v.([]any)
			if !ok || k >= len(a) {
				return nil
			}
			v = a[k]
		}
	}
	return v
}

// List returns Get(...) as a slice (nil when it is not one).
func List(v any, path ...any) []any {
	a, _ := Get(v, path...).([]any)
	return a
}

// Str returns Get(...) as a string ("" when it is not one).
func Str(v any, path ...any) string {
	s, _ := Get(v, path...).(string)
	return s
}

// Count counts, anywhere under v, the object members named key.
func Count(v any, key string) int {
	n := 0
	switch x := v.(type) {
	case map[string]any:
		for k, c := range x {
			if k == key {
				n++
			}
			n += Count(c, key)
		}
	case []any:
		for _, c := range x {
			n += Count(c, key)
		}
	}
	return n
}

// Walk calls fn for every object under v (v included).
func Walk(v any, fn func(obj map[string]any)) {
	switch x := v.(type) {
	case map[string]any:
		fn(x)
		for _, c := range x {
			Walk(c, fn)
		}
	case []any:
		for _, c := range x {
			Walk(c, fn)
		}
	}
}

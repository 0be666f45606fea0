package match

import (
	"fmt"
	"sync"

	"github.com/vigil/vigil"
)

// Index groups an SBOM's components by a key a matcher derives from each
// (a package key, a CPE vendor:product), keeping what the matcher derived
// alongside, so that a record only looks at the components it can speak of.
type Index[T any] struct {
	byKey map[string][]Entry[T]
	n     int
}

// Entry is one indexed component and what its matcher derived from it.
type Entry[T any] struct {
	Component *vigil.Component
	Value     T
}

// Lookup returns the components under key, in SBOM order. The slice is
// shared: callers must not modify it.
func (ix *Index[T]) Lookup(key string) []Entry[T] { return ix.byKey[key] }

// Len returns the number of indexed components.
func (ix *Index[T]) Len() int { return ix.n }

// Keys returns the number of distinct keys.
func (ix *Index[T]) Keys() int { return len(ix.byKey) }

// IndexOf returns the SBOM's index called name, building it on first use
// by calling derive once per component; derive returns the component's
// key, the value to keep with it, and false to leave it out. The index is
// built once per SBOM and shared by every call (and goroutine) that asks
// for the same name, so name must be unique to one derive function and one
// T: use the matcher's Name. Asking for a name with another T panics.
func IndexOf[T any](s *SBOM, name string, derive func(*vigil.Component) (key string, v T, ok bool)) *Index[T] {
	built := s.indexes.get(name, func() any {
		ix := &Index[T]{byKey: make(map[string][]Entry[T])}
		for _, c := range s.Components {
			if c == nil {
				continue
			}
			key, v, ok := derive(c)
			if !ok {
				continue
			}
			ix.byKey[key] = append(ix.byKey[key], Entry[T]{Component: c, Value: v})
			ix.n++
		}
		return ix
	})
	ix, ok := built.(*Index[T])
	if !ok {
		panic(fmt.Sprintf("match: index %q was built with %T", name, built))
	}
	return ix
}

// indexCache holds an SBOM's indexes by name. Its zero value is ready, so
// an SBOM literal works as well as NewSBOM.
type indexCache struct {
	mu sync.Mutex
	m  map[string]*lazyIndex
}

type lazyIndex struct {
	once sync.Once
	v    any
}

// get returns the value under name, building it once; concurrent callers
// of the same name wait for one build, others proceed.
func (c *indexCache) get(name string, build func() any) any {
	c.mu.Lock()
	if c.m == nil {
		c.m = make(map[string]*lazyIndex)
	}
	l := c.m[name]
	if l == nil {
		l = &lazyIndex{}
		c.m[name] = l
	}
	c.mu.Unlock()
	l.once.Do(func() { l.v = build() })
	return l.v
}

// Shared returns the SBOM's value called name, building it on first use,
// as IndexOf does for indexes: for what a matcher keeps per SBOM and
// shares across records (a cache of parsed versions). The value must be
// safe for concurrent use; name must be unique to one build function and
// one T. Asking for a name with another T panics.
func Shared[T any](s *SBOM, name string, build func() T) T {
	v := s.indexes.get(name, func() any { return build() })
	t, ok := v.(T)
	if !ok {
		panic(fmt.Sprintf("match: shared value %q was built with %T", name, v))
	}
	return t
}

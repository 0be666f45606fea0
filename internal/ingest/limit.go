// Package ingest guards the reading of untrusted documents (feeds, VEX,
// advisories: input an attacker may have shaped): Limits and the readers
// that enforce them as bytes pass, and ParseTime for the timestamp forms
// such documents write. Package feed and the VEX codecs both read through
// it; it imports only the standard library.
package ingest

import (
	"errors"
	"fmt"
	"io"
)

// Limits bound what one document may make its reader do. Feeds are public
// data fetched over the network or carried in on media, VEX documents come
// from other organizations: they are input an attacker may have shaped.
// The zero value of a field means its default.
type Limits struct {
	// MaxDocumentSize bounds the bytes read from one document (after
	// decompression). Default 4 GiB: an NVD 1.1 yearly file is under 200
	// MB, an NVD API page under 50 MB, the EPSS CSV under 20 MB.
	MaxDocumentSize int64
	// MaxDepth bounds JSON nesting (objects and arrays). Default 128:
	// CSAF allows 30 levels of branches, i.e. about 65 JSON levels.
	MaxDepth int
	// MaxStringSize bounds one JSON string (or CSV field). Default 4 MiB.
	MaxStringSize int
	// MaxRecords bounds the records of one document. Default 10,000,000.
	MaxRecords int
}

// Defaults of Limits.
const (
	DefaultMaxDocumentSize = 4 << 30
	DefaultMaxDepth        = 128
	DefaultMaxStringSize   = 4 << 20
	DefaultMaxRecords      = 10_000_000
)

// WithDefaults returns l with zero fields set to their defaults.
func (l Limits) WithDefaults() Limits {
	if l.MaxDocumentSize <= 0 {
		l.MaxDocumentSize = DefaultMaxDocumentSize
	}
	if l.MaxDepth <= 0 {
		l.MaxDepth = DefaultMaxDepth
	}
	if l.MaxStringSize <= 0 {
		l.MaxStringSize = DefaultMaxStringSize
	}
	if l.MaxRecords <= 0 {
		l.MaxRecords = DefaultMaxRecords
	}
	return l
}

// ErrLimit is wrapped by every error for exceeding a Limits bound.
var ErrLimit = errors.New("limit exceeded")

// GuardJSON wraps r so that reading fails with ErrLimit as soon as the
// bytes passing through exceed the document size, nest deeper than
// MaxDepth or hold a string longer than MaxStringSize. It scans bytes as
// they pass, before any decoder builds values from them, so a hostile
// document costs at most the limits in memory.
func GuardJSON(r io.Reader, l Limits) io.Reader {
	l = l.WithDefaults()
	return &jsonGuard{r: r, lim: l}
}

type jsonGuard struct {
	r      io.Reader
	lim    Limits
	n      int64
	depth  int
	inStr  bool
	esc    bool
	strLen int
	err    error
}

func (g *jsonGuard) Read(p []byte) (int, error) {
	if g.err != nil {
		return 0, g.err
	}
	n, err := g.r.Read(p)
	for i := 0; i < n; i++ {
		c := p[i]
		if g.inStr {
			g.strLen++
			switch {
			case g.esc:
				g.esc = false
			case c == '\\':
				g.esc = true
			case c == '"':
				g.inStr = false
			}
			if g.strLen > g.lim.MaxStringSize {
				g.err = fmt.Errorf("string longer than %d bytes at offset %d: %w", g.lim.MaxStringSize, g.n+int64(i), ErrLimit)
				return i, g.err
			}
			continue
		}
		switch c {
		case '"':
			g.inStr, g.strLen = true, 0
		case '{', '[':
			g.depth++
			if g.depth > g.lim.MaxDepth {
				g.err = fmt.Errorf("nesting deeper than %d at offset %d: %w", g.lim.MaxDepth, g.n+int64(i), ErrLimit)
				return i, g.err
			}
		case '}', ']':
			g.depth--
		}
	}
	g.n += int64(n)
	if g.n > g.lim.MaxDocumentSize {
		g.err = fmt.Errorf("document larger than %d bytes: %w", g.lim.MaxDocumentSize, ErrLimit)
		return n, g.err
	}
	return n, err
}

// SizeGuard wraps r so that reading more than max bytes fails with
// ErrLimit (io.LimitReader would end silently, truncating the data).
func SizeGuard(r io.Reader, max int64) io.Reader { return &sizeGuard{r: r, left: max, max: max} }

type sizeGuard struct {
	r         io.Reader
	left, max int64
}

func (s *sizeGuard) Read(p []byte) (int, error) {
	if s.left < 0 {
		return 0, fmt.Errorf("more than %d bytes: %w", s.max, ErrLimit)
	}
	if int64(len(p)) > s.left+1 {
		p = p[:s.left+1]
	}
	n, err := s.r.Read(p)
	s.left -= int64(n)
	if s.left < 0 {
		return n, fmt.Errorf("more than %d bytes: %w", s.max, ErrLimit)
	}
	return n, err
}

package sbom

import (
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"hash"
	"io"
	"unicode/utf16"
	"unicode/utf8"
)

// meter counts and hashes the original bytes and stops at the size limit.
type meter struct {
	r   io.Reader
	h   hash.Hash
	n   int64
	max int64
}

func newMeter(r io.Reader, max int64) *meter { return &meter{r: r, h: sha256.New(), max: max} }

func (m *meter) Read(p []byte) (int, error) {
	if m.n > m.max {
		return 0, &Error{Offset: m.max, Msg: fmt.Sprintf("document is larger than the %d-byte limit", m.max)}
	}
	// Read one byte past the limit so that a document of exactly max bytes
	// passes and a larger one fails.
	if rem := m.max + 1 - m.n; int64(len(p)) > rem {
		p = p[:rem]
	}
	n, err := m.r.Read(p)
	m.h.Write(p[:n])
	m.n += int64(n)
	if m.n > m.max {
		return n, &Error{Offset: m.max, Msg: fmt.Sprintf("document is larger than the %d-byte limit", m.max)}
	}
	return n, err
}

// utf16Reader turns UTF-16 (after its byte order mark) into UTF-8.
type utf16Reader struct {
	r       io.Reader
	order   binary.ByteOrder
	in      [4096]byte
	inN     int
	out     []byte
	pending rune // high surrogate waiting for its pair, or -1
	err     error
}

func newUTF16Reader(r io.Reader, order binary.ByteOrder) *utf16Reader {
	return &utf16Reader{r: r, order: order, pending: -1}
}

func (u *utf16Reader) Read(p []byte) (int, error) {
	for len(u.out) == 0 {
		if u.err != nil {
			if u.err == io.EOF && (u.inN == 1 || u.pending >= 0) {
				u.err = errors.New("UTF-16 text ends in the middle of a character")
			}
			return 0, u.err
		}
		n, err := u.r.Read(u.in[u.inN:])
		u.inN += n
		u.err = err
		even := u.inN &^ 1
		buf := u.out[:0]
		for i := 0; i < even; i += 2 {
			c := rune(u.order.Uint16(u.in[i:]))
			switch {
			case u.pending >= 0:
				r := utf16.DecodeRune(u.pending, c)
				u.pending = -1
				buf = utf8.AppendRune(buf, r)
				if r == utf8.RuneError && utf16.IsSurrogate(c) && c < 0xdc00 {
					u.pending = c
				}
			case utf16.IsSurrogate(c) && c < 0xdc00:
				u.pending = c
			default:
				buf = utf8.AppendRune(buf, c)
			}
		}
		copy(u.in[:], u.in[even:u.inN])
		u.inN -= even
		u.out = buf
	}
	n := copy(p, u.out)
	u.out = u.out[n:]
	return n, nil
}

// jsonGuard watches JSON text go by and enforces depth and string-length
// limits before encoding/json sees it; it also remembers where recent lines
// start so that an offset can be turned into a line and column.
type jsonGuard struct {
	r        io.Reader
	maxDepth int
	maxStr   int
	off      int64
	depth    int
	inStr    bool
	esc      bool
	strLen   int
	lines    int     // newlines seen
	nl       []int64 // ring of recent newline offsets
	nlPos    int
	stickErr error
}

const newlineRing = 1 << 14

func newJSONGuard(r io.Reader, l Limits) *jsonGuard {
	return &jsonGuard{r: r, maxDepth: l.MaxDepth, maxStr: l.MaxString, nl: make([]int64, 0, newlineRing)}
}

func (g *jsonGuard) Read(p []byte) (int, error) {
	if g.stickErr != nil {
		return 0, g.stickErr
	}
	n, err := g.r.Read(p)
	for i := 0; i < n; i++ {
		c := p[i]
		if c == '\n' {
			g.lines++
			if len(g.nl) < newlineRing {
				g.nl = append(g.nl, g.off)
			} else {
				g.nl[g.nlPos] = g.off
				g.nlPos = (g.nlPos + 1) % newlineRing
			}
		}
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
			if g.strLen > g.maxStr {
				g.stickErr = g.errorAt(g.off, fmt.Sprintf("string longer than the %d-byte limit", g.maxStr))
				return i, g.stickErr
			}
		} else {
			switch c {
			case '"':
				g.inStr, g.strLen = true, 0
			case '{', '[':
				g.depth++
				if g.depth > g.maxDepth {
					g.stickErr = g.errorAt(g.off, fmt.Sprintf("nesting deeper than the limit of %d", g.maxDepth))
					return i, g.stickErr
				}
			case '}', ']':
				g.depth--
			}
		}
		g.off++
	}
	return n, err
}

// position returns the 1-based line and column of offset, or 0, 0 when the
// offset is older than the lines remembered.
func (g *jsonGuard) position(offset int64) (line, col int) {
	// Newlines at or after offset are not before it.
	after := 0
	var last int64 = -1
	found := false
	for _, o := range g.nl {
		if o >= offset {
			after++
		} else if o > last {
			last, found = o, true
		}
	}
	if !found && g.lines > len(g.nl) {
		return 0, 0 // the newline before offset fell out of the ring
	}
	return g.lines - after + 1, int(offset - last)
}

func (g *jsonGuard) errorAt(offset int64, msg string) *Error {
	e := &Error{Offset: offset, Msg: msg}
	e.Line, e.Column = g.position(offset)
	return e
}

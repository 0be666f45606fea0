// Package sheet holds what every writer of spreadsheet cells (CSV and
// XLSX exports, the CLI's -o csv) must do to text that came from outside:
// defuse formula injection, and undo that on the way back in; and what
// every reader of uploaded CSV needs: lines of bounded length, and text in
// the encoding the file was written in.
package sheet

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/transform"
)

// formulaStarts are the characters that make a spreadsheet evaluate a cell
// (OWASP "CSV Injection"): =, +, -, @, tab and carriage return.
const formulaStarts = "=+-@\t\r"

// FormulaSafe defuses spreadsheet formula injection: a cell a spreadsheet
// would evaluate is prefixed with a single quote, as OWASP recommends, so
// data from SBOMs, advisories and CMMS exports cannot run in a hospital's
// Excel. A lone "-" (a table's "none") cannot be a formula and is kept.
func FormulaSafe(s string) string {
	if s != "" && s != "-" && strings.ContainsRune(formulaStarts, rune(s[0])) {
		return "'" + s
	}
	return s
}

// Unsafe undoes FormulaSafe: a cell that is a quote followed by a formula
// character loses the quote, so an exported file imports back unchanged.
func Unsafe(s string) string {
	if len(s) >= 2 && s[0] == '\'' && strings.ContainsRune(formulaStarts, rune(s[1])) {
		return s[1:]
	}
	return s
}

// ErrTooLarge marks input over one of a reader's limits.
var ErrTooLarge = errors.New("too large")

// LineTooLongError is a line longer than a reader allows.
type LineTooLongError struct {
	Line, Max int
}

func (e *LineTooLongError) Error() string {
	return fmt.Sprintf("line %d is longer than %d bytes", e.Line, e.Max)
}

func (e *LineTooLongError) Unwrap() error { return ErrTooLarge }

// LimitLines returns a reader that fails with a *LineTooLongError as soon
// as a line runs past max bytes, before a CSV parser would hold it whole:
// a 200 MB file of one line costs one buffer, not 200 MB.
func LimitLines(r io.Reader, max int) io.Reader {
	return &lineLimiter{r: r, max: max, line: 1}
}

type lineLimiter struct {
	r        io.Reader
	max, cur int
	line     int
	err      error
}

func (l *lineLimiter) Read(p []byte) (int, error) {
	if l.err != nil {
		return 0, l.err
	}
	n, err := l.r.Read(p)
	for i := 0; i < n; i++ {
		if p[i] == '\n' {
			l.line++
			l.cur = 0
			continue
		}
		if l.cur++; l.cur > l.max {
			l.err = &LineTooLongError{Line: l.line, Max: l.max}
			return i, l.err
		}
	}
	return n, err
}

// Encodings vigil reads text files in, by the names --encoding takes.
var Encodings = []string{"utf-8", "windows-1252", "iso-8859-1"}

// NotUTF8Error is a byte sequence that is not UTF-8 in a file read as
// UTF-8.
type NotUTF8Error struct{ Line int }

func (e *NotUTF8Error) Error() string {
	return fmt.Sprintf("line %d is not UTF-8 text (export the file as UTF-8, or give its encoding: --encoding windows-1252)", e.Line)
}

// sniffSize is how much of a file Text looks at to tell its encoding.
const sniffSize = 64 << 10

// Text returns r decoded to UTF-8, without a UTF-8 byte order mark, and
// the encoding it was read in. enc is one of Encodings (aliases cp1252,
// latin-1, latin1, utf8 accepted) or empty to detect: UTF-8 when the first
// 64 KiB are, else Windows-1252 (a superset of the printable Latin-1 that
// Excel and most Windows CMMS exports write). A file detected or declared
// UTF-8 that turns out not to be fails at the line that is not, with a
// *NotUTF8Error.
func Text(r io.Reader, enc string) (io.Reader, string, error) {
	br := bufio.NewReaderSize(r, sniffSize)
	head, err := br.Peek(sniffSize)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
		return nil, "", err
	}
	if bytes.HasPrefix(head, []byte("\xef\xbb\xbf")) {
		br.Discard(3)
		head = head[3:]
		if enc == "" {
			enc = "utf-8"
		}
	}
	switch strings.ToLower(strings.TrimSpace(enc)) {
	case "":
		// A rune cut by the end of the sniffed window is not a fault.
		valid := head
		if len(head) == sniffSize {
			for j := len(head) - 1; j >= 0 && j >= len(head)-utf8.UTFMax; j-- {
				if utf8.RuneStart(head[j]) {
					if !utf8.FullRune(head[j:]) {
						valid = head[:j]
					}
					break
				}
			}
		}
		if !utf8.Valid(valid) {
			return transform.NewReader(br, charmap.Windows1252.NewDecoder()), "windows-1252", nil
		}
		return &utf8Checker{r: br, line: 1}, "utf-8", nil
	case "utf-8", "utf8":
		return &utf8Checker{r: br, line: 1}, "utf-8", nil
	case "windows-1252", "cp1252":
		return transform.NewReader(br, charmap.Windows1252.NewDecoder()), "windows-1252", nil
	case "iso-8859-1", "latin-1", "latin1":
		return transform.NewReader(br, charmap.ISO8859_1.NewDecoder()), "iso-8859-1", nil
	}
	return nil, "", fmt.Errorf("encoding %q: want one of %s", enc, strings.Join(Encodings, ", "))
}

// utf8Checker passes UTF-8 through and fails, naming the line, at the
// first byte sequence that is not.
type utf8Checker struct {
	r       io.Reader
	pending []byte // an incomplete rune at the end of the last read
	line    int
	err     error
}

func (c *utf8Checker) Read(p []byte) (int, error) {
	if c.err != nil {
		return 0, c.err
	}
	if len(p) <= utf8.UTFMax {
		return 0, io.ErrShortBuffer // bufio and encoding/csv read in kilobytes
	}
	k := copy(p, c.pending)
	c.pending = c.pending[:0]
	n, err := c.r.Read(p[k:])
	n += k
	i := 0
	for i < n {
		b := p[i]
		if b < utf8.RuneSelf {
			if b == '\n' {
				c.line++
			}
			i++
			continue
		}
		if !utf8.FullRune(p[i:n]) {
			if err == nil {
				c.pending = append(c.pending, p[i:n]...)
				return i, nil
			}
			c.err = &NotUTF8Error{Line: c.line}
			return i, c.err
		}
		r, size := utf8.DecodeRune(p[i:n])
		if r == utf8.RuneError && size == 1 {
			c.err = &NotUTF8Error{Line: c.line}
			return i, c.err
		}
		i += size
	}
	return n, err
}

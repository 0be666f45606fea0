// Package sbom reads, writes and checks software bills of materials:
// CycloneDX 1.2–1.6 (JSON and XML; 1.0/1.1 XML too) and SPDX 2.1–2.3 (JSON
// and tag-value), in UTF-8 or UTF-16 with a byte order mark.
//
// Parse detects the format from the content (never from a file name) and
// streams what it reads into a Sink one component and one dependency at a
// time, so a document with hundreds of thousands of components is read in
// memory bounded by the largest single top-level component, not by the
// document (see docs/sbom.md and docs/performance.md). Encode writes the
// four export formats deterministically. Check computes NTIA minimum
// elements and the FDA fields; Diff compares two component sets;
// ParseSupportCSV reads the FDA support addendum.
//
// The package is pure: no database, no network, no global state.
package sbom

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/vigil/vigil"
)

// Sink receives a document's content as the parser reads it. The parser
// calls Component once per component (nested components flattened, parents
// before their children) and Dependency once per dependency statement, in
// document order; it never keeps or reuses the values it passes, so a sink
// may keep them.
//
// A sink that returns an error stops the parse; Parse returns that error
// wrapped. When Parse fails, part of the document may already have been
// delivered: a sink that stores must do so in a transaction it rolls back on
// error (the store does one transaction per document).
type Sink interface {
	Component(c *vigil.Component) error
	Dependency(d *vigil.Dependency) error
}

// SinkFuncs adapts two functions to a Sink; a nil function ignores its items.
type SinkFuncs struct {
	OnComponent  func(*vigil.Component) error
	OnDependency func(*vigil.Dependency) error
}

// Component calls OnComponent.
func (s SinkFuncs) Component(c *vigil.Component) error {
	if s.OnComponent == nil {
		return nil
	}
	return s.OnComponent(c)
}

// Dependency calls OnDependency.
func (s SinkFuncs) Dependency(d *vigil.Dependency) error {
	if s.OnDependency == nil {
		return nil
	}
	return s.OnDependency(d)
}

// Collector is a Sink that keeps everything in memory: for small documents,
// tests and exports.
type Collector struct {
	Components   []vigil.Component
	Dependencies []vigil.Dependency
}

// Component appends c.
func (c *Collector) Component(x *vigil.Component) error {
	c.Components = append(c.Components, *x)
	return nil
}

// Dependency appends d.
func (c *Collector) Dependency(d *vigil.Dependency) error {
	c.Dependencies = append(c.Dependencies, *d)
	return nil
}

// Limits bound what a parser accepts, so hostile input fails fast with a
// clear error instead of exhausting memory or stack.
type Limits struct {
	// MaxSize is the largest document, in bytes as received.
	MaxSize int64
	// MaxDepth is the deepest nesting of JSON arrays/objects or XML
	// elements.
	MaxDepth int
	// MaxString is the longest JSON string, XML text or attribute, or
	// tag-value line (multi-line <text> values included), in bytes.
	MaxString int
	// MaxComponents is the largest number of components in one document.
	MaxComponents int
}

// DefaultLimits returns the limits Parse uses: 2 GiB, depth 256, strings of
// 8 MiB, 5,000,000 components.
func DefaultLimits() Limits {
	return Limits{MaxSize: 2 << 30, MaxDepth: 256, MaxString: 8 << 20, MaxComponents: 5_000_000}
}

// Parser parses SBOMs under given limits. The zero Parser uses
// DefaultLimits; a zero field in Limits takes its default.
type Parser struct {
	Limits Limits
	// Strict refuses a document for one per-component problem the parser
	// otherwise tolerates with a warning that says where: a malformed SPDX
	// package reference (a purl that is none; the package is then kept,
	// flagged with a vigil:warning property: Microsoft's sbom-tool puts
	// GitHub URLs under purl), a licence id or expression not on the SPDX
	// license list, a support level or end of support vigil cannot map,
	// and malformed parts vigil does not keep (services, pedigree, SWID).
	Strict bool
}

// Parse reads one SBOM from r with the default limits. See Parser.Parse.
func Parse(ctx context.Context, r io.Reader, sink Sink) (*vigil.SBOMDocument, error) {
	var p Parser
	return p.Parse(ctx, r, sink)
}

// Error is a problem with the input: what and where. Where is a JSON path
// ("components[12].purl"), an XML element path, or a line; Line and Column
// (1-based) or Offset (bytes into the decoded text) say where when known.
// Every Error wraps vigil.ErrInvalid.
type Error struct {
	Path   string
	Line   int
	Column int
	Offset int64 // -1 when unknown
	Msg    string
	Err    error
}

func (e *Error) Error() string {
	var b strings.Builder
	if e.Path != "" {
		b.WriteString(e.Path)
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	if e.Err != nil {
		if e.Msg != "" {
			b.WriteString(": ")
		}
		b.WriteString(e.Err.Error())
	}
	switch {
	case e.Line > 0 && e.Column > 0:
		fmt.Fprintf(&b, " (line %d, column %d)", e.Line, e.Column)
	case e.Line > 0:
		fmt.Fprintf(&b, " (line %d)", e.Line)
	case e.Offset >= 0:
		fmt.Fprintf(&b, " (byte offset %d)", e.Offset)
	}
	return b.String()
}

// Unwrap returns the cause and vigil.ErrInvalid.
func (e *Error) Unwrap() []error {
	if e.Err != nil {
		return []error{e.Err, vigil.ErrInvalid}
	}
	return []error{vigil.ErrInvalid}
}

// errSink marks errors the sink returned: they are passed on, not blamed on
// the input.
type sinkError struct{ err error }

func (e *sinkError) Error() string { return "sbom sink: " + e.err.Error() }
func (e *sinkError) Unwrap() error { return e.err }

// ErrUnsupported is wrapped by errors for input that is well formed but in a
// format or version vigil does not read (SPDX 3, SPDX YAML, CSAF…).
var ErrUnsupported = errors.New("unsupported format")

func idx(path string, i int) string { return path + "[" + strconv.Itoa(i) + "]" }

func field(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

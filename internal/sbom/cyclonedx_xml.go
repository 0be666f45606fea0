package sbom

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	cdx "github.com/CycloneDX/cyclonedx-go"
)

const cdxNamespacePrefix = "http://cyclonedx.org/schema/bom/"

// xmlGuard feeds raw tokens to an outer xml.Decoder and enforces the depth
// and text-length limits on the way, so that DecodeElement of a single
// component cannot be made to recurse or allocate without bound.
type xmlGuard struct {
	d        *xml.Decoder
	depth    int
	maxDepth int
	maxStr   int
	// lastStart is the start tag xmlChildren hands to its callback.
	lastStart xml.StartElement
}

func (g *xmlGuard) Token() (xml.Token, error) {
	t, err := g.d.RawToken()
	if err != nil {
		return t, err
	}
	switch v := t.(type) {
	case xml.StartElement:
		g.depth++
		if g.depth > g.maxDepth {
			return nil, g.errorf("elements nested deeper than the limit of %d", g.maxDepth)
		}
		for _, a := range v.Attr {
			if len(a.Value) > g.maxStr {
				return nil, g.errorf("attribute %s longer than the %d-byte limit", a.Name.Local, g.maxStr)
			}
		}
	case xml.EndElement:
		g.depth--
	case xml.CharData:
		if len(v) > g.maxStr {
			return nil, g.errorf("text longer than the %d-byte limit", g.maxStr)
		}
	case xml.Directive:
		if len(v) > g.maxStr {
			return nil, g.errorf("directive longer than the %d-byte limit", g.maxStr)
		}
	}
	return t, nil
}

func (g *xmlGuard) errorf(format string, args ...any) *Error {
	line, col := g.d.InputPos()
	return &Error{Line: line, Column: col, Offset: g.d.InputOffset(), Msg: fmt.Sprintf(format, args...)}
}

// xmlFail turns an XML error into an *Error at path with a line.
func (g *xmlGuard) fail(path string, err error) error {
	var e *Error
	if errors.As(err, &e) {
		if e.Path == "" {
			e.Path = path
		}
		return e
	}
	var se *sinkError
	if errors.As(err, &se) {
		return se
	}
	line, col := g.d.InputPos()
	var syn *xml.SyntaxError
	if errors.As(err, &syn) {
		return &Error{Path: path, Line: syn.Line, Offset: -1, Msg: "invalid XML: " + syn.Msg}
	}
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return &Error{Path: path, Line: line, Column: col, Offset: -1, Msg: "document ends in the middle of an element"}
	}
	return &Error{Path: path, Line: line, Column: col, Offset: -1, Msg: err.Error()}
}

// cyclonedxXML streams a CycloneDX XML document: each <component> under
// <components> and each <dependency> under <dependencies> is decoded on its
// own; other sections are skipped.
func (s *state) cyclonedxXML(r io.Reader) error {
	inner := xml.NewDecoder(r)
	g := &xmlGuard{d: inner, maxDepth: s.limits.MaxDepth, maxStr: s.limits.MaxString}
	d := xml.NewTokenDecoder(g)
	s.doc.Version = 1

	// The root element.
	var root xml.StartElement
	for {
		t, err := d.Token()
		if err != nil {
			return g.fail("", err)
		}
		if se, ok := t.(xml.StartElement); ok {
			root = se
			break
		}
	}
	if root.Name.Local != "bom" {
		return g.fail("", fmt.Errorf("root element is <%s>, want <bom>", root.Name.Local))
	}
	ver, ok := strings.CutPrefix(root.Name.Space, cdxNamespacePrefix)
	if !ok || !cdxSpecVersions[ver] {
		return g.fail("bom", fmt.Errorf("namespace %q is not a CycloneDX 1.0–1.6 namespace (%sN.N)", root.Name.Space, cdxNamespacePrefix))
	}
	s.doc.SpecVersion = ver
	for _, a := range root.Attr {
		switch a.Name.Local {
		case "serialNumber":
			if err := s.cdxSerial(a.Value, "bom/@serialNumber"); err != nil {
				return err
			}
		case "version":
			n, err := strconv.Atoi(a.Value)
			if err != nil {
				return g.fail("bom/@version", fmt.Errorf("version %q is not an integer", a.Value))
			}
			s.doc.Version = n
		}
	}

	ncomp, ndep := 0, 0
	for {
		t, err := d.Token()
		if err != nil {
			return g.fail("bom", err)
		}
		switch v := t.(type) {
		case xml.EndElement:
			return s.xmlEnd(d, g)
		case xml.StartElement:
			switch v.Name.Local {
			case "metadata":
				var m cdxMetadata
				if err := d.DecodeElement(&m, &v); err != nil {
					return g.fail("bom/metadata", err)
				}
				if err := s.cdxMetadata(&m, "metadata"); err != nil {
					return err
				}
			case "components":
				if err := s.xmlChildren(d, g, "components", "component", func() error {
					path := idx("components", ncomp)
					ncomp++
					var c cdxComponent
					start := g.lastStart
					if err := d.DecodeElement(&c, &start); err != nil {
						return g.fail(path, err)
					}
					return s.cdxComponent(&c, path, "", 0)
				}); err != nil {
					return err
				}
			case "dependencies":
				if err := s.xmlChildren(d, g, "dependencies", "dependency", func() error {
					path := idx("dependencies", ndep)
					ndep++
					var dep cdx.Dependency
					start := g.lastStart
					if err := d.DecodeElement(&dep, &start); err != nil {
						return g.fail(path, err)
					}
					return s.cdxDependency(&dep, path)
				}); err != nil {
					return err
				}
			case "services":
				nsv := 0
				if err := s.xmlChildren(d, g, "services", "service", func() error {
					path := idx("services", nsv)
					nsv++
					var sv cdxServiceXML
					start := g.lastStart
					if err := d.DecodeElement(&sv, &start); err != nil {
						return g.fail(path, err)
					}
					v := sv.service()
					return s.cdxCheckService(&v, path, 0)
				}); err != nil {
					return err
				}
			default:
				if err := d.Skip(); err != nil {
					return g.fail("bom/"+v.Name.Local, err)
				}
			}
		}
	}
}

// xmlChildren calls f for each <child> element of the current element (its
// start tag already read) and skips other children; f must consume the
// element, whose start tag is in g.lastStart.
func (s *state) xmlChildren(d *xml.Decoder, g *xmlGuard, path, child string, f func() error) error {
	for {
		t, err := d.Token()
		if err != nil {
			return g.fail(path, err)
		}
		switch v := t.(type) {
		case xml.EndElement:
			return nil
		case xml.StartElement:
			if v.Name.Local != child {
				if err := d.Skip(); err != nil {
					return g.fail(path+"/"+v.Name.Local, err)
				}
				continue
			}
			g.lastStart = v
			if err := f(); err != nil {
				return err
			}
		}
	}
}

// xmlEnd checks that only white space, comments and processing
// instructions follow the root element.
func (s *state) xmlEnd(d *xml.Decoder, g *xmlGuard) error {
	for {
		t, err := d.Token()
		if errors.Is(err, io.EOF) {
			s.cleanDoc()
			return nil
		}
		if err != nil {
			return g.fail("", fmt.Errorf("content after the end of the document: %w", err))
		}
		switch v := t.(type) {
		case xml.CharData:
			if strings.TrimSpace(string(v)) == "" {
				continue
			}
		case xml.Comment, xml.ProcInst:
			continue
		}
		return g.fail("", errors.New("content after the end of the document"))
	}
}

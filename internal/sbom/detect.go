package sbom

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"regexp"

	"github.com/vigil/vigil"
)

// Kind is a detected SBOM format and encoding.
type Kind string

const (
	KindCycloneDXJSON Kind = "cyclonedx-json"
	KindCycloneDXXML  Kind = "cyclonedx-xml"
	KindSPDXJSON      Kind = "spdx-json"
	KindSPDXTagValue  Kind = "spdx-tv"
)

// Kinds lists the kinds Parse reads and Encode writes; the names are the
// CLI's --format values.
var Kinds = []Kind{KindCycloneDXJSON, KindCycloneDXXML, KindSPDXJSON, KindSPDXTagValue}

// Valid reports whether k is a known kind.
func (k Kind) Valid() bool {
	for _, l := range Kinds {
		if k == l {
			return true
		}
	}
	return false
}

// Format returns the kind's format and encoding.
func (k Kind) Format() (vigil.SBOMFormat, vigil.SBOMEncoding) {
	switch k {
	case KindCycloneDXJSON:
		return vigil.FormatCycloneDX, vigil.EncodingJSON
	case KindCycloneDXXML:
		return vigil.FormatCycloneDX, vigil.EncodingXML
	case KindSPDXJSON:
		return vigil.FormatSPDX, vigil.EncodingJSON
	case KindSPDXTagValue:
		return vigil.FormatSPDX, vigil.EncodingTagValue
	}
	return "", ""
}

// headSize is how much of the decoded text detection looks at.
const headSize = 64 << 10

var (
	reJSONKey = func(k string) *regexp.Regexp { return regexp.MustCompile(`"` + k + `"\s*:`) }

	reBOMFormat   = reJSONKey("bomFormat")
	reSpecVersion = reJSONKey("specVersion")
	reSPDXVersion = reJSONKey("spdxVersion")
	reSPDXID      = reJSONKey("SPDXID")
	reDocNS       = reJSONKey("documentNamespace")
	reCSAF        = reJSONKey("csaf_version")
	reOSV         = regexp.MustCompile(`"(schema_version|affected)"\s*:`)
	reOpenVEX     = regexp.MustCompile(`"@context"\s*:\s*"https://openvex\.dev`)
	reSPDX3       = regexp.MustCompile(`"@context"\s*:\s*"https://spdx\.org/rdf/3`)
	reNVD         = regexp.MustCompile(`"(CVE_Items|vulnerabilities|cveTags)"\s*:`)
	reTVVersion   = regexp.MustCompile(`(?m)^\s*SPDXVersion\s*:`)
	reYAMLSPDX    = regexp.MustCompile(`(?m)^\s*"?spdxVersion"?\s*:`)
	reYAMLCDX     = regexp.MustCompile(`(?m)^\s*"?bomFormat"?\s*:`)
)

// input is a document opened for parsing: the metered original, the decoded
// text, and what detection found.
type input struct {
	meter *meter
	text  *bufio.Reader
	kind  Kind
}

// open wraps r, decodes UTF-16 and detects the kind.
func (p *Parser) open(r io.Reader) (*input, error) {
	in, err := p.decode(r)
	if err != nil {
		return nil, err
	}
	head, err := in.text.Peek(headSize)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
		return nil, readError(err)
	}
	in.kind, err = detect(head)
	if err != nil {
		return nil, err
	}
	return in, nil
}

// decode wraps r in the meter and undoes a byte order mark.
func (p *Parser) decode(r io.Reader) (*input, error) {
	l := p.limits()
	m := newMeter(r, l.MaxSize)
	raw := bufio.NewReaderSize(m, 64<<10)
	var text io.Reader = raw
	b, err := raw.Peek(3)
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, readError(err)
	}
	switch {
	case len(b) >= 2 && b[0] == 0xff && b[1] == 0xfe:
		raw.Discard(2)
		text = newUTF16Reader(raw, binary.LittleEndian)
	case len(b) >= 2 && b[0] == 0xfe && b[1] == 0xff:
		raw.Discard(2)
		text = newUTF16Reader(raw, binary.BigEndian)
	case len(b) >= 3 && b[0] == 0xef && b[1] == 0xbb && b[2] == 0xbf:
		raw.Discard(3)
	case len(b) >= 2 && (b[0] == 0 && b[1] != 0 || b[0] != 0 && b[1] == 0):
		return nil, &Error{Offset: 0, Msg: "looks like UTF-16 without a byte order mark; add a BOM or convert to UTF-8"}
	}
	return &input{meter: m, text: bufio.NewReaderSize(text, 64<<10)}, nil
}

// Detect tells the kind of the document that begins with head (its first
// bytes, 64 KiB is plenty), or an error that says what it looks like.
func Detect(head []byte) (Kind, error) {
	var p Parser
	in, err := p.open(bytes.NewReader(head))
	if err != nil {
		return "", err
	}
	return in.kind, nil
}

func detect(head []byte) (Kind, error) {
	t := bytes.TrimLeft(head, " \t\r\n")
	if len(t) == 0 {
		return "", &Error{Offset: 0, Msg: "empty document"}
	}
	switch t[0] {
	case '{':
		switch {
		case reBOMFormat.Match(t) || reSpecVersion.Match(t) && bytes.Contains(t, []byte("cyclonedx")):
			return KindCycloneDXJSON, nil
		case reSPDX3.Match(t):
			return "", unsupported("looks like SPDX 3 JSON-LD; vigil reads SPDX 2.2 and 2.3")
		case reSPDXVersion.Match(t) || reSPDXID.Match(t) || reDocNS.Match(t):
			return KindSPDXJSON, nil
		// Keys need not come first (some tools sort them): weaker signs.
		case bytes.Contains(t, []byte(`"bom-ref"`)) || bytes.Contains(t, []byte(`cyclonedx.org/schema`)):
			return KindCycloneDXJSON, nil
		case bytes.Contains(t, []byte(`"SPDXRef-`)):
			return KindSPDXJSON, nil
		case reCSAF.Match(t):
			return "", unsupported("looks like a CSAF advisory, not an SBOM; import it with vigil feed import")
		case reOpenVEX.Match(t):
			return "", unsupported("looks like an OpenVEX document, not an SBOM")
		case reNVD.Match(t):
			return "", unsupported("looks like NVD or CVE data, not an SBOM; import it with vigil feed import")
		case reOSV.Match(t):
			return "", unsupported("looks like an OSV record, not an SBOM; import it with vigil feed import")
		}
		return "", &Error{Offset: 0, Msg: "looks like JSON but not an SBOM: no \"bomFormat\" (CycloneDX) or \"spdxVersion\" (SPDX) in the first 64 KiB"}
	case '[':
		return "", &Error{Offset: 0, Msg: "looks like a JSON array; an SBOM is a JSON object"}
	case '<':
		return detectXML(t)
	}
	switch {
	case reTVVersion.Match(t):
		return KindSPDXTagValue, nil
	case reYAMLSPDX.Match(t):
		return "", unsupported("looks like SPDX YAML; vigil reads SPDX JSON and tag-value (convert it with the SPDX tools)")
	case reYAMLCDX.Match(t):
		return "", unsupported("looks like CycloneDX in YAML; vigil reads CycloneDX JSON and XML")
	case bytes.HasPrefix(t, []byte("PK\x03\x04")):
		return "", unsupported("looks like a ZIP archive; unpack it and import the SBOM inside")
	case bytes.HasPrefix(t, []byte("\x1f\x8b")):
		return "", unsupported("looks like a gzip file; decompress it first")
	case bytes.HasPrefix(t, []byte("%PDF")):
		return "", unsupported("looks like a PDF; vigil needs a machine-readable SBOM (CycloneDX or SPDX)")
	}
	if !isText(t) {
		return "", &Error{Offset: 0, Msg: "looks like binary data (first bytes " + hex.EncodeToString(t[:min(8, len(t))]) + "), not an SBOM"}
	}
	return "", &Error{Offset: 0, Msg: "looks like text but not an SBOM: neither JSON, XML nor SPDX tag-value (no SPDXVersion: line)"}
}

var (
	reXMLRoot = regexp.MustCompile(`<([A-Za-z_][\w.-]*:)?([A-Za-z_][\w.-]*)[\s/>]`)
)

func detectXML(t []byte) (Kind, error) {
	// Skip the prolog: declarations, comments, processing instructions.
	rest := t
	for {
		rest = bytes.TrimLeft(rest, " \t\r\n")
		switch {
		case bytes.HasPrefix(rest, []byte("<?")):
			i := bytes.Index(rest, []byte("?>"))
			if i < 0 {
				return "", &Error{Offset: 0, Msg: "looks like XML but the declaration never ends"}
			}
			rest = rest[i+2:]
			continue
		case bytes.HasPrefix(rest, []byte("<!--")):
			i := bytes.Index(rest, []byte("-->"))
			if i < 0 {
				return "", &Error{Offset: 0, Msg: "looks like XML but a comment never ends"}
			}
			rest = rest[i+3:]
			continue
		case bytes.HasPrefix(rest, []byte("<!")):
			i := bytes.IndexByte(rest, '>')
			if i < 0 {
				return "", &Error{Offset: 0, Msg: "looks like XML but a declaration never ends"}
			}
			rest = rest[i+1:]
			continue
		}
		break
	}
	m := reXMLRoot.FindSubmatch(rest)
	if m == nil {
		return "", &Error{Offset: 0, Msg: "looks like XML but no root element was found"}
	}
	root := string(m[2])
	switch {
	case root == "bom" && bytes.Contains(rest, []byte("cyclonedx.org/schema/bom")):
		return KindCycloneDXXML, nil
	case root == "bom":
		return KindCycloneDXXML, nil // the namespace is checked by the parser
	case root == "RDF" || bytes.Contains(rest[:min(len(rest), 2048)], []byte("spdx.org/rdf")):
		return "", unsupported("looks like SPDX RDF/XML; vigil reads SPDX JSON and tag-value")
	case root == "Document" || root == "SpdxDocument" || bytes.Contains(rest[:min(len(rest), 4096)], []byte("<spdxVersion>")):
		return "", unsupported("looks like SPDX XML; vigil reads SPDX JSON and tag-value")
	case root == "SoftwareIdentity":
		return "", unsupported("looks like a SWID tag, not an SBOM")
	}
	return "", &Error{Offset: 0, Msg: fmt.Sprintf("looks like XML with root element <%s>, not a CycloneDX <bom>", root)}
}

func isText(b []byte) bool {
	bad := 0
	for _, c := range b[:min(len(b), 512)] {
		if c < 0x20 && c != '\n' && c != '\r' && c != '\t' {
			bad++
		}
	}
	return bad == 0
}

func unsupported(msg string) error {
	return &Error{Offset: 0, Msg: msg, Err: ErrUnsupported}
}

func readError(err error) error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return &Error{Offset: -1, Msg: "read", Err: err}
}

// Parse reads one SBOM from r and streams its components and dependencies
// into sink. It returns the document's metadata, with the SHA-256 and size
// of the bytes read and the counts delivered. Errors say what is wrong and
// where and wrap vigil.ErrInvalid (or ErrUnsupported for formats vigil does
// not read); an error from the sink is returned wrapped, and ctx ends the
// parse between components.
func (p *Parser) Parse(ctx context.Context, r io.Reader, sink Sink) (*vigil.SBOMDocument, error) {
	in, err := p.open(r)
	if err != nil {
		return nil, err
	}
	return p.parseAs(ctx, in, in.kind, sink)
}

// parseAs parses in as kind, whatever detection said (the fuzz tests use it
// to reach each decoder directly).
func (p *Parser) parseAs(ctx context.Context, in *input, kind Kind, sink Sink) (*vigil.SBOMDocument, error) {
	in.kind = kind
	doc := &vigil.SBOMDocument{}
	doc.Format, doc.Encoding = in.kind.Format()
	var err error
	st := &state{ctx: ctx, sink: sink, doc: doc, limits: p.limits(), refs: make(map[string]struct{}),
		renameDuplicates: doc.Format == vigil.FormatSPDX, strict: p.Strict}
	switch in.kind {
	case KindCycloneDXJSON:
		err = st.cyclonedxJSON(in.text)
	case KindCycloneDXXML:
		err = st.cyclonedxXML(in.text)
	case KindSPDXJSON:
		err = st.spdxJSON(in.text)
	case KindSPDXTagValue:
		err = st.spdxTagValue(in.text)
	}
	if err != nil {
		var se *sinkError
		if errors.As(err, &se) {
			return nil, se
		}
		if ctx.Err() != nil && errors.Is(err, ctx.Err()) {
			return nil, err
		}
		return nil, err
	}
	// Drain what follows the document so the hash covers every byte; the
	// format parsers have already rejected trailing content that is not
	// white space.
	if _, err := io.Copy(io.Discard, in.meter); err != nil {
		return nil, readError(err)
	}
	doc.SHA256 = hex.EncodeToString(in.meter.h.Sum(nil))
	doc.Size = in.meter.n
	return doc, nil
}

func (p *Parser) limits() Limits {
	d := DefaultLimits()
	l := p.Limits
	if l.MaxSize <= 0 {
		l.MaxSize = d.MaxSize
	}
	if l.MaxDepth <= 0 {
		l.MaxDepth = d.MaxDepth
	}
	if l.MaxString <= 0 {
		l.MaxString = d.MaxString
	}
	if l.MaxComponents <= 0 {
		l.MaxComponents = d.MaxComponents
	}
	return l
}

package sbom

import (
	"context"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/package-url/packageurl-go"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/cpe"
)

// maxWarnings caps SBOMDocument.Warnings.
const maxWarnings = 100

// state is one parse in progress.
type state struct {
	ctx    context.Context
	sink   Sink
	doc    *vigil.SBOMDocument
	limits Limits
	refs   map[string]struct{}
	// renameDuplicates makes a repeated ref unique (with a warning) instead
	// of rejecting the document: SPDX tools in the wild repeat SPDXIDs,
	// while CycloneDX's own test suite requires rejecting repeated bom-refs.
	renameDuplicates bool
	// strict: see Parser.Strict.
	strict bool
}

func (s *state) warn(format string, args ...any) {
	if len(s.doc.Warnings) >= maxWarnings {
		s.doc.WarningsDropped++
		return
	}
	s.doc.Warnings = append(s.doc.Warnings, fmt.Sprintf(format, args...))
}

// emit checks c, cleans its text, and hands it to the sink. path names the
// component in the document for errors and warnings.
func (s *state) emit(c *vigil.Component, path string) error {
	if s.doc.Components >= s.limits.MaxComponents {
		return &Error{Path: path, Offset: -1, Msg: fmt.Sprintf("more than the limit of %d components", s.limits.MaxComponents)}
	}
	if s.doc.Components%1024 == 0 {
		if err := s.ctx.Err(); err != nil {
			return err
		}
	}
	if c.Name == "" {
		return &Error{Path: field(path, "name"), Offset: -1, Msg: "component has no name"}
	}
	if c.Ref == "" {
		return &Error{Path: path, Offset: -1, Msg: "component has no ref"}
	}
	if _, dup := s.refs[c.Ref]; dup {
		if !s.renameDuplicates {
			return &Error{Path: path, Offset: -1, Msg: fmt.Sprintf("duplicate ref %q", c.Ref)}
		}
		old := c.Ref
		for n := 2; ; n++ {
			c.Ref = fmt.Sprintf("%s-%d", old, n)
			if _, dup := s.refs[c.Ref]; !dup {
				break
			}
		}
		s.warn("%s: duplicate ref %q renamed %q; relationships naming %q refer to the first", path, old, c.Ref, old)
	}
	s.refs[c.Ref] = struct{}{}
	s.cleanComponent(c, path)
	for i := range c.CPEs {
		// Tools write "g++" where CPE 2.3 wants "g\+\+": kept bound as
		// the standard (and the CycloneDX schema) want it.
		c.CPEs[i] = cpe.Escape(c.CPEs[i])
	}
	if err := s.sink.Component(c); err != nil {
		return &sinkError{err}
	}
	s.doc.Components++
	return nil
}

func (s *state) emitDependency(d *vigil.Dependency, path string) error {
	if d.Ref == "" {
		return &Error{Path: field(path, "ref"), Offset: -1, Msg: "dependency has no ref"}
	}
	if s.doc.Dependencies%1024 == 0 {
		if err := s.ctx.Err(); err != nil {
			return err
		}
	}
	if err := s.sink.Dependency(d); err != nil {
		return &sinkError{err}
	}
	s.doc.Dependencies++
	return nil
}

// cleanComponent removes control characters from every text field,
// warning once per component.
func (s *state) cleanComponent(c *vigil.Component, path string) {
	changed := false
	fix := func(p *string) {
		if v, ok := cleanText(*p); ok {
			*p = v
			changed = true
		}
	}
	for _, p := range []*string{&c.Ref, &c.ParentRef, &c.Group, &c.Name, &c.Version, &c.Supplier,
		&c.Manufacturer, &c.Author, &c.Publisher, &c.PURL, &c.SWIDTagID, &c.Copyright,
		&c.Description, &c.DownloadLocation} {
		fix(p)
	}
	for i := range c.CPEs {
		fix(&c.CPEs[i])
	}
	for i := range c.Licenses {
		fix(&c.Licenses[i])
	}
	for i := range c.ExternalRefs {
		fix(&c.ExternalRefs[i].Type)
		fix(&c.ExternalRefs[i].URL)
	}
	for i := range c.Properties {
		fix(&c.Properties[i].Name)
		fix(&c.Properties[i].Value)
	}
	if changed {
		s.warn("%s: control characters removed", path)
	}
}

// cleanDoc removes control characters from the document's text fields.
func (s *state) cleanDoc() {
	changed := false
	fix := func(p *string) {
		if v, ok := cleanText(*p); ok {
			*p = v
			changed = true
		}
	}
	fix(&s.doc.Name)
	fix(&s.doc.SerialNumber)
	fix(&s.doc.Supplier)
	for i := range s.doc.Authors {
		fix(&s.doc.Authors[i])
	}
	for i := range s.doc.Tools {
		fix(&s.doc.Tools[i])
	}
	if changed {
		s.warn("document: control characters removed")
	}
}

// cleanText drops control characters other than tab and newline and
// replaces invalid UTF-8; ok is false when s was already clean.
func cleanText(s string) (string, bool) {
	clean := utf8.ValidString(s)
	if clean {
		for i := 0; i < len(s); i++ {
			if c := s[i]; c < 0x20 && c != '\t' && c != '\n' || c == 0x7f {
				clean = false
				break
			}
			if s[i] >= 0x80 {
				// C1 controls are U+0080–U+009F, two bytes C2 80–C2 9F.
				if s[i] == 0xc2 && i+1 < len(s) && s[i+1] < 0xa0 {
					clean = false
					break
				}
			}
		}
	}
	if clean {
		return s, false
	}
	var b strings.Builder
	for _, r := range strings.ToValidUTF8(s, "\uFFFD") {
		if unicode.IsControl(r) && r != '\t' && r != '\n' {
			continue
		}
		b.WriteRune(r)
	}
	return b.String(), true
}

// normalizePURL validates a package URL and returns its canonical form.
func normalizePURL(s string) (string, error) {
	s = strings.TrimSpace(s)
	p, err := packageurl.FromString(s)
	if err != nil {
		return "", fmt.Errorf("invalid purl %q: %w", s, err)
	}
	if p.Type == "" || p.Name == "" {
		return "", fmt.Errorf("invalid purl %q: no type or name", s)
	}
	out := p.ToString()
	// A canonical form must read back as itself.
	q, err := packageurl.FromString(out)
	if err != nil || q.ToString() != out {
		return "", fmt.Errorf("invalid purl %q: it does not survive normalisation", s)
	}
	return out, nil
}

var reSCPLike = regexp.MustCompile(`^([A-Za-z0-9._-]+@)?([A-Za-z0-9.-]+\.[A-Za-z]{2,}):([^/].*)$`)

// normalizeURL makes a reference URL a valid URI reference, as the
// CycloneDX schema wants: git's scp-like "git@host:path" becomes
// "ssh://git@host/path", and characters a URI cannot hold are escaped.
// Valid URLs are left as they are, so the result is stable.
func normalizeURL(s string) string {
	s = strings.TrimSpace(s)
	if _, err := url.Parse(s); err == nil {
		return s
	}
	if m := reSCPLike.FindStringSubmatch(s); m != nil {
		return "ssh://" + m[1] + m[2] + "/" + m[3]
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c <= ' ' || c >= 0x7f || strings.IndexByte(`"<>\^`+"`"+`{|}%`, c) >= 0 {
			if c == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]) {
				b.WriteByte(c)
				continue
			}
			fmt.Fprintf(&b, "%%%02X", c)
			continue
		}
		b.WriteByte(c)
	}
	out := b.String()
	if _, err := url.Parse(out); err != nil {
		// A colon in the first segment of a relative reference.
		out = strings.Replace(out, ":", "%3A", 1)
	}
	return out
}

func isHex(c byte) bool { return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F' }

// Names of other properties vigil reads and writes.
const (
	// PropCPE carries each CPE after the first (CycloneDX has one cpe field).
	PropCPE = "vigil:cpe"
	// PropType carries a component type SPDX has no purpose for.
	PropType = "vigil:component_type"
	// PropWarning flags a component the parser kept despite a problem
	// (a malformed reference), saying which.
	PropWarning = "vigil:warning"
)

package sbom

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
)

// tvReader reads SPDX tag-value lines, joining <text>…</text> values that
// span lines, and counts lines for errors.
type tvReader struct {
	r      *bufio.Reader
	line   int // line of the last tag read
	next   int // lines consumed
	maxStr int
}

// read returns the next tag and value; io.EOF at the end.
func (t *tvReader) read() (tag, value string, err error) {
	for {
		l, err := t.readLine()
		if err != nil {
			return "", "", err
		}
		trimmed := strings.TrimSpace(l)
		if trimmed == "" || strings.HasPrefix(trimmed, "#") {
			continue
		}
		t.line = t.next
		tag, value, ok := strings.Cut(l, ":")
		if rest, isText := strings.CutPrefix(strings.TrimLeft(value, " \t"), "<text>"); isText {
			value = "<text>" + rest // keep the text's own leading space
		}
		if !ok || strings.ContainsAny(strings.TrimSpace(tag), " \t") || strings.TrimSpace(tag) == "" {
			return "", "", &Error{Line: t.line, Offset: -1, Msg: fmt.Sprintf("not a \"Tag: value\" line: %q", truncate(trimmed, 60))}
		}
		tag = strings.TrimSpace(tag)
		if !strings.HasPrefix(value, "<text>") {
			value = strings.TrimSpace(value)
		}
		if rest, ok := strings.CutPrefix(value, "<text>"); ok {
			var b strings.Builder
			b.WriteString(rest)
			for !strings.Contains(rest, "</text>") {
				rest, err = t.readLine()
				if errors.Is(err, io.EOF) {
					return "", "", &Error{Line: t.line, Offset: -1, Msg: fmt.Sprintf("%s: <text> is never closed by </text>", tag)}
				}
				if err != nil {
					return "", "", err
				}
				b.WriteString("\n")
				b.WriteString(rest)
				if b.Len() > t.maxStr {
					return "", "", &Error{Line: t.line, Offset: -1, Msg: fmt.Sprintf("%s: text longer than the %d-byte limit", tag, t.maxStr)}
				}
			}
			v := b.String()
			v, after, _ := strings.Cut(v, "</text>")
			if strings.TrimSpace(after) != "" {
				return "", "", &Error{Line: t.next, Offset: -1, Msg: fmt.Sprintf("%s: content after </text>: %q", tag, truncate(strings.TrimSpace(after), 40))}
			}
			value = v // exactly what is between <text> and </text>
		}
		return tag, value, nil
	}
}

// readLine returns the next line without its end of line.
func (t *tvReader) readLine() (string, error) {
	var buf []byte
	for {
		chunk, err := t.r.ReadSlice('\n')
		buf = append(buf, chunk...)
		if len(buf) > t.maxStr {
			return "", &Error{Line: t.next + 1, Offset: -1, Msg: fmt.Sprintf("line longer than the %d-byte limit", t.maxStr)}
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		if err != nil && !errors.Is(err, io.EOF) {
			return "", readError(err)
		}
		if len(buf) == 0 && err != nil {
			return "", io.EOF
		}
		t.next++
		if bytes.IndexByte(buf, 0) >= 0 {
			return "", &Error{Line: t.next, Offset: -1, Msg: "NUL byte in tag-value text"}
		}
		return strings.TrimRight(string(buf), "\r\n"), nil
	}
}

// spdxTagValue reads an SPDX tag-value document line by line. A package is
// delivered when its section ends (at the next package, file, snippet or
// extracted license, or at the end), so only one package is held at a time.
// Annotations apply to the package whose section they are in; one that
// names a package already delivered is reported as a warning.
func (s *state) spdxTagValue(r io.Reader) error {
	t := &tvReader{r: bufio.NewReaderSize(&crReader{r: r}, 64<<10), maxStr: s.limits.MaxString}
	var (
		pkg        *spdxPackage
		pkgLine    int
		npkg       int
		sawVersion bool
		ann        *spdxAnnotation
		annRef     string
		section    = "document"
		pendingID  string // an SPDXID written before its PackageName
		lastTag    string
		nfiles     int
	)
	errAt := func(line int, msg string) error { return &Error{Line: line, Offset: -1, Msg: msg} }
	flush := func() error {
		if pkg == nil {
			return nil
		}
		path := fmt.Sprintf("package %q", pkg.Name)
		c, err := s.spdxMap(pkg, path)
		if err != nil {
			var e *Error
			if errors.As(err, &e) {
				e.Line = pkgLine
			}
			return err
		}
		pkg = nil
		npkg++
		if err := s.emit(c, path); err != nil {
			var e *Error
			if errors.As(err, &e) {
				e.Line = pkgLine
			}
			return err
		}
		return nil
	}
	applyAnnotation := func() {
		if ann == nil || annRef == "" {
			return
		}
		switch {
		case pkg != nil && annRef == pkg.SPDXID:
			pkg.Annotations = append(pkg.Annotations, *ann)
		case strings.Contains(ann.Comment, "="):
			if _, done := s.refs[annRef]; done {
				s.warn("line %d: annotation for %s comes after its package section and is ignored", t.line, annRef)
			}
		}
		ann, annRef = nil, ""
	}
	for {
		tag, value, err := t.read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return err
		}
		prev := lastTag
		lastTag = tag
		switch tag {
		case "SPDXVersion":
			if err := s.spdxVersion(value, "SPDXVersion"); err != nil {
				var e *Error
				errors.As(err, &e)
				e.Line = t.line
				return e
			}
			sawVersion = true
		case "DataLicense":
			s.doc.DataLicense = value
		case "DocumentName":
			s.doc.Name = value
		case "DocumentNamespace":
			s.doc.SerialNumber = value
		case "Creator":
			s.spdxCreator(value)
		case "Created":
			if err := s.spdxCreated(value, "Created"); err != nil {
				return errAt(t.line, err.(*Error).Msg)
			}
		case "DocumentDescribes":
			for _, d := range strings.Split(value, ",") {
				if d = strings.TrimSpace(d); d != "" {
					s.doc.Describes = append(s.doc.Describes, d)
				}
			}
		case "PackageName":
			applyAnnotation()
			if err := flush(); err != nil {
				return err
			}
			pkg, pkgLine, section = &spdxPackage{Name: value}, t.line, "package"
			if prev == "SPDXID" && pendingID != "" {
				pkg.SPDXID = pendingID
			}
			pendingID = ""
		case "SPDXID":
			// The SPDXID normally follows PackageName; some tools write it
			// just before. An SPDXID the current package cannot take is
			// kept for a PackageName on the very next line.
			pendingID = ""
			if section == "package" && pkg.SPDXID == "" {
				pkg.SPDXID = value
			} else {
				pendingID = value
			}
		case "FileName", "SnippetSPDXID", "LicenseID":
			applyAnnotation()
			if err := flush(); err != nil {
				return err
			}
			section = "other"
			if tag == "FileName" {
				nfiles++
			}
		case "Relationship":
			f := strings.Fields(value)
			if len(f) < 3 {
				return errAt(t.line, fmt.Sprintf("relationship %q: want \"A TYPE B\"", value))
			}
			if err := s.spdxRelationship(&spdxRelationship{Element: f[0], Type: f[1], Related: f[2]}, fmt.Sprintf("line %d", t.line)); err != nil {
				return err
			}
		case "Annotator":
			applyAnnotation()
			ann = &spdxAnnotation{Annotator: value}
		case "AnnotationDate", "AnnotationType", "SPDXREF", "AnnotationComment":
			if ann == nil {
				ann = &spdxAnnotation{}
			}
			switch tag {
			case "AnnotationDate":
				ann.AnnotationDate = value
			case "AnnotationType":
				ann.AnnotationType = value
			case "SPDXREF":
				annRef = value
			case "AnnotationComment":
				ann.Comment = value
			}
			if annRef != "" && ann.Comment != "" {
				applyAnnotation()
			}
		default:
			if section == "package" {
				if err := tvPackageTag(pkg, tag, value); err != nil {
					return errAt(t.line, err.Error())
				}
			}
		}
	}
	applyAnnotation()
	if err := flush(); err != nil {
		return err
	}
	if !sawVersion {
		return &Error{Offset: -1, Msg: "no SPDXVersion line: not an SPDX tag-value document"}
	}
	if npkg == 0 && nfiles > 0 {
		s.warn("document has %d files and no packages; files are not read as components", nfiles)
	}
	s.doc.Describes = dedupe(s.doc.Describes)
	s.cleanDoc()
	return nil
}

// crReader turns a lone carriage return (old Mac line ends) into a line
// feed and leaves CR LF as it is.
type crReader struct {
	r      io.Reader
	lastCR bool
}

func (c *crReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	if n > 0 && c.lastCR && p[0] == '\n' {
		copy(p, p[1:n]) // the LF of a CR LF split across reads
		n--
	}
	c.lastCR = false
	for i := 0; i < n; i++ {
		if p[i] != '\r' {
			continue
		}
		switch {
		case i+1 == n:
			p[i], c.lastCR = '\n', true
		case p[i+1] != '\n':
			p[i] = '\n'
		}
	}
	return n, err
}

// tvPackageTag sets one package field from a tag-value line.
func tvPackageTag(p *spdxPackage, tag, value string) error {
	switch tag {
	case "PackageVersion":
		p.VersionInfo = value
	case "PackageSupplier":
		p.Supplier = value
	case "PackageOriginator":
		p.Originator = value
	case "PackageDownloadLocation":
		p.DownloadLocation = value
	case "PackageHomePage":
		p.Homepage = value
	case "PackageChecksum":
		alg, v, ok := strings.Cut(value, ":")
		if !ok {
			return fmt.Errorf("PackageChecksum %q: want \"ALG: value\"", value)
		}
		p.Checksums = append(p.Checksums, spdxChecksum{Algorithm: strings.TrimSpace(alg), ChecksumValue: strings.TrimSpace(v)})
	case "PackageLicenseConcluded":
		p.LicenseConcluded = value
	case "PackageLicenseDeclared":
		p.LicenseDeclared = value
	case "PackageCopyrightText":
		p.CopyrightText = value
	case "PackageSummary":
		p.Summary = value
	case "PackageDescription":
		p.Description = value
	case "ExternalRef":
		f := strings.Fields(value)
		if len(f) < 3 {
			return fmt.Errorf("ExternalRef %q: want \"CATEGORY TYPE LOCATOR\"", value)
		}
		p.ExternalRefs = append(p.ExternalRefs, spdxExternalRef{ReferenceCategory: f[0], ReferenceType: f[1], ReferenceLocator: strings.Join(f[2:], " ")})
	case "PrimaryPackagePurpose":
		p.PrimaryPackagePurpose = value
	case "ValidUntilDate":
		p.ValidUntilDate = value
	}
	return nil
}

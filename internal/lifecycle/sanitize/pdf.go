package sanitize

import (
	"bytes"
	"fmt"
	"io"
	"strings"
)

// The PDF is the text certificate set on A4 pages: headings in
// Helvetica-Bold, the fields in Courier so that the columns of the text
// layout hold. Only the PDF standard fonts are used (nothing embedded), in
// WinAnsiEncoding; characters outside it are transliterated or become "?".
// Streams are not compressed and nothing depends on the clock, so the same
// certificate always gives the same bytes.
const (
	pdfPageW, pdfPageH = 595.0, 842.0 // A4 in points
	pdfMargin          = 50.0
	pdfBodySize        = 8.5
	pdfLeading         = 11.0
	// pdfColumns is how many Courier characters fit a line: Courier's
	// glyphs are 0.6 em wide, so (595 - 2×50) / (0.6 × 8.5) = 97.
	pdfColumns = 97
)

// pdfLine is one line of the page: a heading or a body line.
type pdfLine struct {
	text    string
	heading bool
}

// WritePDF renders the certificate as a PDF document.
func (c *Certificate) WritePDF(w io.Writer) error {
	var txt bytes.Buffer
	if err := c.WriteText(&txt); err != nil {
		return err
	}
	lines := strings.Split(strings.TrimRight(txt.String(), "\n"), "\n")
	// The first two lines are the title and subtitle, set apart.
	title, subtitle, body := lines[0], lines[1], lines[2:]
	var laid []pdfLine
	for _, l := range body {
		if l != "" && l[0] != ' ' && strings.ToUpper(l) == l && !strings.Contains(l, "  ") {
			laid = append(laid, pdfLine{text: l, heading: true})
			continue
		}
		for _, part := range wrap(l, pdfColumns) {
			laid = append(laid, pdfLine{text: part})
		}
	}
	top := pdfPageH - pdfMargin - 40 // below the title block
	perPage := int((top - pdfMargin - 20) / pdfLeading)
	var pages [][]pdfLine
	for len(laid) > 0 {
		n := min(perPage, len(laid))
		// Do not leave a heading alone at the foot of a page.
		if n < len(laid) && n > 1 && laid[n-1].heading {
			n--
		}
		pages = append(pages, laid[:n])
		laid = laid[n:]
	}
	var doc pdfDoc
	doc.add("<< /Type /Catalog /Pages 2 0 R >>")
	kids := make([]string, len(pages))
	for i := range pages {
		kids[i] = fmt.Sprintf("%d 0 R", 5+2*i)
	}
	doc.add(fmt.Sprintf("<< /Type /Pages /Kids [%s] /Count %d >>", strings.Join(kids, " "), len(pages)))
	doc.add("<< /Type /Font /Subtype /Type1 /BaseFont /Courier /Encoding /WinAnsiEncoding >>")
	doc.add("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>")
	for i, p := range pages {
		var s bytes.Buffer
		if i == 0 {
			fmt.Fprintf(&s, "BT /F2 16 Tf %.2f %.2f Td (%s) Tj ET\n", pdfMargin, pdfPageH-pdfMargin-10, pdfText(title))
			fmt.Fprintf(&s, "BT /F1 8.5 Tf %.2f %.2f Td (%s) Tj ET\n", pdfMargin, pdfPageH-pdfMargin-26, pdfText(subtitle))
		} else {
			fmt.Fprintf(&s, "BT /F2 10 Tf %.2f %.2f Td (%s) Tj ET\n", pdfMargin, pdfPageH-pdfMargin-10, pdfText(title+" (continued)"))
		}
		y := top
		for _, l := range p {
			if l.heading {
				fmt.Fprintf(&s, "BT /F2 10 Tf %.2f %.2f Td (%s) Tj ET\n", pdfMargin, y, pdfText(l.text))
				fmt.Fprintf(&s, "0.6 w %.2f %.2f m %.2f %.2f l S\n", pdfMargin, y-2.5, pdfPageW-pdfMargin, y-2.5)
			} else if l.text != "" {
				fmt.Fprintf(&s, "BT /F1 %.1f Tf %.2f %.2f Td (%s) Tj ET\n", pdfBodySize, pdfMargin, y, pdfText(l.text))
			}
			y -= pdfLeading
		}
		fmt.Fprintf(&s, "BT /F1 7 Tf %.2f %.2f Td (%s) Tj ET\n", pdfMargin, pdfMargin-20,
			pdfText(fmt.Sprintf("Certificate %s - page %d of %d", c.Number, i+1, len(pages))))
		doc.add(fmt.Sprintf("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %.0f %.0f] /Resources << /Font << /F1 3 0 R /F2 4 0 R >> >> /Contents %d 0 R >>",
			pdfPageW, pdfPageH, 6+2*i))
		doc.add(fmt.Sprintf("<< /Length %d >>\nstream\n%sendstream", s.Len(), s.String()))
	}
	doc.info = fmt.Sprintf("<< /Title (%s) /Producer (vigil) >>", pdfText("Certificate of sanitization "+c.Number))
	_, err := w.Write(doc.bytes())
	return err
}

// wrap breaks a line longer than width at spaces (inside a word when it
// has none); continuation lines are indented to where the line's value
// column starts. It runs in time linear in the line.
func wrap(line string, width int) []string {
	r := []rune(line)
	if len(r) <= width {
		return []string{line}
	}
	indent := valueColumn(line)
	if indent >= width/2 {
		indent = 4
	}
	pad := strings.Repeat(" ", indent)
	var out []string
	prefix, room := "", width
	for len(r) > room {
		cut := -1
		for i := room; i > 0; i-- {
			if r[i] == ' ' {
				cut = i
				break
			}
		}
		next := cut + 1
		if cut <= 0 {
			cut, next = room, room // no space: break the word
		}
		out = append(out, prefix+strings.TrimRight(string(r[:cut]), " "))
		r = r[next:]
		for len(r) > 0 && r[0] == ' ' {
			r = r[1:]
		}
		prefix, room = pad, width-indent
	}
	return append(out, prefix+string(r))
}

// valueColumn finds where the value starts in "  Label      value".
func valueColumn(line string) int {
	i := len(line) - len(strings.TrimLeft(line, " "))
	if j := strings.Index(line[i:], "  "); j >= 0 {
		k := i + j
		for k < len(line) && line[k] == ' ' {
			k++
		}
		return k
	}
	return i
}

// winAnsi maps the characters above Latin-1's printable range that
// WinAnsiEncoding (cp1252) has to their codes.
var winAnsi = map[rune]byte{
	'€': 0x80, '‚': 0x82, 'ƒ': 0x83, '„': 0x84, '…': 0x85, '†': 0x86, '‡': 0x87, 'ˆ': 0x88, '‰': 0x89, 'Š': 0x8a,
	'‹': 0x8b, 'Œ': 0x8c, 'Ž': 0x8e, '‘': 0x91, '’': 0x92, '“': 0x93, '”': 0x94, '•': 0x95, '–': 0x96, '—': 0x97,
	'˜': 0x98, '™': 0x99, 'š': 0x9a, '›': 0x9b, 'œ': 0x9c, 'ž': 0x9e, 'Ÿ': 0x9f,
}

// transliterations stand in for common characters WinAnsi lacks.
var transliterations = map[rune]string{'≥': ">=", '≤': "<=", '→': "->", '←': "<-", '≠': "!=", '✓': "v", '−': "-"}

// pdfText encodes s as the body of a PDF literal string in WinAnsi.
func pdfText(s string) string {
	var b strings.Builder
	for _, r := range s {
		if t, ok := transliterations[r]; ok {
			b.WriteString(pdfText(t))
			continue
		}
		var c byte
		switch code, ok := winAnsi[r]; {
		case ok:
			c = code
		case r >= 0x20 && r < 0x7f, r >= 0xa0 && r <= 0xff:
			c = byte(r)
		case r == '\t':
			c = ' '
		default:
			c = '?'
		}
		switch {
		case c == '(' || c == ')' || c == '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c >= 0x80:
			fmt.Fprintf(&b, "\\%03o", c)
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// pdfDoc collects numbered objects and writes them with their
// cross-reference table.
type pdfDoc struct {
	objs []string
	info string
}

func (d *pdfDoc) add(body string) { d.objs = append(d.objs, body) }

func (d *pdfDoc) bytes() []byte {
	var b bytes.Buffer
	b.WriteString("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
	objs := append(append([]string{}, d.objs...), d.info)
	offsets := make([]int, len(objs))
	for i, o := range objs {
		offsets[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objs)+1)
	for _, off := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R /Info %d 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objs)+1, len(objs), xref)
	return b.Bytes()
}

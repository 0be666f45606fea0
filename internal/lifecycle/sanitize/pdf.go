package sanitize

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/go-pdf/fpdf"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/gomono"
)

// The PDF is the text certificate set on A4 pages by go-pdf/fpdf:
// headings in Go Bold, the fields in Go Mono so that the columns of the
// text layout hold. Both are the Go project's TrueType fonts (BSD
// licensed, from golang.org/x/image/font/gofont), embedded as subsets,
// so any text a hospital types in Latin, Greek or Cyrillic script prints
// as typed (Łukasz, Müller, Ødegård). Dates come from the certificate and
// the catalogue is sorted, never the clock or map order, so the same
// certificate always gives the same bytes.
const (
	pdfPageW, pdfPageH = 595.0, 842.0 // A4 in points
	pdfMargin          = 50.0
	pdfBodySize        = 8.5
	pdfLeading         = 11.0
	// pdfColumns is how many Go Mono characters fit a line: its glyphs
	// are 0.6 em wide, so (595 - 2×50) / (0.6 × 8.5) = 97.
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
	top := pdfMargin + 40 // below the title block, from the top edge
	perPage := int((pdfPageH - top - pdfMargin - 20) / pdfLeading)
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

	pdf := fpdf.NewCustom(&fpdf.InitType{OrientationStr: "P", UnitStr: "pt", Size: fpdf.SizeType{Wd: pdfPageW, Ht: pdfPageH}})
	pdf.SetCatalogSort(true)
	on := time.Date(c.IssuedOn.Year, time.Month(c.IssuedOn.Month), c.IssuedOn.Day, 0, 0, 0, 0, time.UTC)
	pdf.SetCreationDate(on)
	pdf.SetModificationDate(on)
	pdf.SetProducer("vigil", true)
	pdf.SetTitle(pdfSafe("Certificate of sanitization "+c.Number), true)
	pdf.SetAutoPageBreak(false, 0)
	pdf.SetMargins(pdfMargin, pdfMargin, pdfMargin)
	// fpdf writes into the font bytes it is given while it subsets them:
	// each document gets its own copy, so renderings stay identical and
	// concurrent ones do not race on the shared gofont slices.
	pdf.AddUTF8FontFromBytes("mono", "", bytes.Clone(gomono.TTF))
	pdf.AddUTF8FontFromBytes("bold", "", bytes.Clone(gobold.TTF))
	for i, p := range pages {
		pdf.AddPage()
		if i == 0 {
			pdf.SetFont("bold", "", 16)
			pdf.Text(pdfMargin, pdfMargin+10, pdfSafe(title))
			pdf.SetFont("mono", "", pdfBodySize)
			pdf.Text(pdfMargin, pdfMargin+26, pdfSafe(subtitle))
		} else {
			pdf.SetFont("bold", "", 10)
			pdf.Text(pdfMargin, pdfMargin+10, pdfSafe(title+" (continued)"))
		}
		y := top
		for _, l := range p {
			if l.heading {
				pdf.SetFont("bold", "", 10)
				pdf.Text(pdfMargin, y, pdfSafe(l.text))
				pdf.SetLineWidth(0.6)
				pdf.Line(pdfMargin, y+2.5, pdfPageW-pdfMargin, y+2.5)
			} else if l.text != "" {
				pdf.SetFont("mono", "", pdfBodySize)
				pdf.Text(pdfMargin, y, pdfSafe(l.text))
			}
			y += pdfLeading
		}
		pdf.SetFont("mono", "", 7)
		pdf.Text(pdfMargin, pdfPageH-pdfMargin+20, pdfSafe(fmt.Sprintf("Certificate %s - page %d of %d", c.Number, i+1, len(pages))))
	}
	if err := pdf.Output(w); err != nil {
		return fmt.Errorf("certificate PDF: %w", err)
	}
	return nil
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

// pdfSafe makes text fit what fpdf's UTF-8 path takes: valid UTF-8 of the
// Basic Multilingual Plane (it reads at most three bytes a character, and
// panics on a truncated one). Anything else, and control characters,
// becomes U+FFFD, which a reader shows as a replacement mark rather than
// dropping it silently.
func pdfSafe(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\t':
			return ' '
		case r > 0xffff, r < 0x20, r >= 0x7f && r < 0xa0:
			return utf8.RuneError
		}
		return r
	}, strings.ToValidUTF8(s, string(utf8.RuneError)))
}

package sanitize

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/vigil/vigil/internal/golden"

	"github.com/google/go-cmp/cmp"

	"github.com/vigil/vigil"
)

var update = flag.Bool("update", false, "rewrite the golden files")

var today = vigil.Date{Year: 2026, Month: 12, Day: 1}

func yes() *bool { b := true; return &b }

// pumpDisk is the record of purging an infusion pump's SSD, the common
// case: cryptographic erase through the drive, sampled read-back.
func pumpDisk() vigil.Sanitization {
	return vigil.Sanitization{
		ID: 7, OrgID: 2, AssetID: 12,
		MediaType: vigil.MediaSSD, MediaManufacturer: "Kingston", MediaModel: "SA400S37/120G", MediaSerial: "50026B7782A1F3C4",
		Method: vigil.SanitizePurge, Technique: vigil.TechniqueCryptographicErase, Tool: "nvme-cli 2.8 (nvme sanitize --sanact=4)",
		Details:            "Sanitize crypto erase; drive reported sanitize status 0x0101 (completed).",
		VerificationMethod: vigil.VerifySampling, VerificationResult: vigil.VerificationPassed,
		VerificationNotes: "10,000 random LBAs read back: no plaintext, entropy ≥ 7.99 bits/byte",
		PerformedBy:       vigil.Person{Name: "Sam Ortiz", Title: "Biomedical Technician", Organization: "St. Elsewhere Clinical Engineering"},
		VerifiedBy:        vigil.Person{Name: "Priya Raman", Title: "IT Security Analyst", Organization: "St. Elsewhere IT Security"},
		PerformedOn:       vigil.Date{Year: 2026, Month: 11, Day: 30}, VerifiedOn: vigil.Date{Year: 2026, Month: 12, Day: 1},
		Location: "Biomed workshop B-014", Destination: vigil.DestinationRecycling, BackupMade: yes(),
		RecordedBy: "cli:sam",
	}
}

func TestCheck(t *testing.T) {
	tests := []struct {
		name       string
		change     func(*vigil.Sanitization)
		wantFields []string
		wantWarn   string
	}{
		{"OK", func(*vigil.Sanitization) {}, nil, "cryptographic erase"},
		{"ClearOverwriteHDD", func(s *vigil.Sanitization) {
			s.MediaType, s.Method, s.Technique, s.VerificationMethod = vigil.MediaHDD, vigil.SanitizeClear, vigil.TechniqueOverwrite, vigil.VerifyFull
		}, nil, ""},
		{"DestroyShred", func(s *vigil.Sanitization) {
			s.Method, s.Technique, s.VerificationMethod, s.Destination = vigil.SanitizeDestroy, vigil.TechniqueShred, vigil.VerifyInspection, vigil.DestinationDestroyed
		}, nil, ""},
		{"ErrTechniqueNotOfMethod", func(s *vigil.Sanitization) { s.Method = vigil.SanitizeClear }, []string{"technique"}, ""},
		{"ErrDegaussFlash", func(s *vigil.Sanitization) { s.Technique = vigil.TechniqueDegauss }, []string{"technique"}, ""},
		{"ErrClearOptical", func(s *vigil.Sanitization) {
			s.MediaType, s.Method, s.Technique = vigil.MediaOptical, vigil.SanitizeClear, vigil.TechniqueOverwrite
		}, []string{"method"}, ""},
		{"ErrFactoryResetHDD", func(s *vigil.Sanitization) {
			s.MediaType, s.Method, s.Technique = vigil.MediaHDD, vigil.SanitizeClear, vigil.TechniqueFactoryReset
		}, []string{"technique"}, ""},
		{"ErrDestroyedReused", func(s *vigil.Sanitization) {
			s.Method, s.Technique, s.VerificationMethod, s.Destination = vigil.SanitizeDestroy, vigil.TechniqueShred, vigil.VerifyInspection, vigil.DestinationInternalReuse
		}, []string{"destination"}, ""},
		{"ErrFuture", func(s *vigil.Sanitization) {
			s.PerformedOn, s.VerifiedOn = today.AddDays(1), today.AddDays(2)
		}, []string{"performed_on", "verified_on"}, ""},
		{"ErrVerifiedBeforePerformed", func(s *vigil.Sanitization) { s.VerifiedOn = s.PerformedOn.AddDays(-1) }, []string{"verified_on"}, ""},
		{"ErrEmpty", func(s *vigil.Sanitization) { *s = vigil.Sanitization{} }, []string{
			"media_type", "method", "technique", "tool", "verification_method", "verification_result",
			"performed_by.name", "verified_by.name", "performed_on", "destination"}, ""},
		{"ErrControlCharacter", func(s *vigil.Sanitization) { s.Tool = "nwipe\x1b[31m" }, []string{"tool"}, ""},
		{"WarnSamePerson", func(s *vigil.Sanitization) { s.VerifiedBy = vigil.Person{Name: " sam ortiz"} }, nil, "independent verifier"},
		{"WarnOverwriteFlashPurge", func(s *vigil.Sanitization) { s.Technique = vigil.TechniqueOverwrite }, nil, "user-addressable"},
		{"WarnFailed", func(s *vigil.Sanitization) { s.VerificationResult = vigil.VerificationFailed }, nil, "not sanitized"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := pumpDisk()
			tt.change(&s)
			warns, err := Check(&s, today)
			var got []string
			var ve *vigil.ValidationError
			if errors.As(err, &ve) {
				seen := map[string]bool{}
				for _, f := range ve.Fields {
					if !seen[f.Field] {
						got = append(got, f.Field)
						seen[f.Field] = true
					}
				}
			} else if err != nil {
				t.Fatalf("error %v is not a validation error", err)
			}
			if diff := cmp.Diff(tt.wantFields, got); diff != "" {
				t.Errorf("fields with problems (-want +got):\n%s\n%v", diff, err)
			}
			if tt.wantWarn != "" && !strings.Contains(strings.Join(warns, "\n"), tt.wantWarn) {
				t.Errorf("warnings %q, want one about %q", warns, tt.wantWarn)
			}
			if err != nil && errors.Is(err, vigil.ErrInvalid) == false {
				t.Errorf("error %v does not wrap ErrInvalid", err)
			}
		})
	}
	s := pumpDisk()
	if !Complete(&s, today) {
		t.Error("the sample record is not complete")
	}
	s.VerificationResult = vigil.VerificationFailed
	if Complete(&s, today) {
		t.Error("a failed verification counts as complete")
	}
}

func TestTechniques(t *testing.T) {
	// Every technique belongs to at least one method, and every method's
	// list holds only known techniques.
	seen := map[vigil.SanitizationTechnique]bool{}
	for _, m := range vigil.SanitizationMethods {
		for _, x := range Techniques(m) {
			if !x.Valid() {
				t.Errorf("%s lists unknown technique %s", m, x)
			}
			seen[x] = true
		}
	}
	for _, x := range vigil.SanitizationTechniques {
		if !seen[x] {
			t.Errorf("technique %s belongs to no method", x)
		}
	}
}

func sampleCertificate() *Certificate {
	sd := vigil.Sanitization{
		ID: 8, OrgID: 2, AssetID: 12, MediaType: vigil.MediaFlash, MediaManufacturer: "SanDisk", MediaModel: "Industrial microSD 8 GB",
		Method: vigil.SanitizeDestroy, Technique: vigil.TechniqueShred, Tool: "SEM Model 0304 shredder, 2 mm particle size",
		VerificationMethod: vigil.VerifyInspection, VerificationResult: vigil.VerificationPassed,
		PerformedBy: vigil.Person{Name: "Sam Ortiz"}, VerifiedBy: vigil.Person{Name: "Łukasz Wróbel", Title: "Inżynier biomedyczny"},
		PerformedOn: vigil.Date{Year: 2026, Month: 12, Day: 1}, Destination: vigil.DestinationDestroyed,
		Notes: "Log card removed from the pump's service compartment.\nShredded with the SSD's casing.", RecordedBy: "cli:sam",
	}
	c := &Certificate{
		Number: Number(2, 12, today), IssuedOn: today, Organization: "St. Elsewhere General Hospital",
		Device: Device{AssetTag: "BME-10442", Serial: "IP3K-88213", Manufacturer: "Acme Medical Devices", Model: "IP-3000",
			Version: "2.1", DeviceType: "infusion pump", Location: "Main campus / Building A / ICU 3", Release: "Infusion Pump 2.1", PHI: true},
		DecommissionedOn: today, DecommissionedBy: "cli:sam", Reason: "Past end of support (2025-06-30); replaced by IP-3000 3.0.",
		Records: []vigil.Sanitization{pumpDisk(), sd},
	}
	c.Review(today)
	return c
}

func TestCertificateText(t *testing.T) {
	var b bytes.Buffer
	if err := sampleCertificate().WriteText(&b); err != nil {
		t.Fatal(err)
	}
	golden.Check(t, *update, "certificate.txt.golden", b.Bytes())
}

func TestCertificateHTML(t *testing.T) {
	var b bytes.Buffer
	if err := sampleCertificate().WriteHTML(&b); err != nil {
		t.Fatal(err)
	}
	golden.Check(t, *update, "certificate.html.golden", b.Bytes())
}

// TestCertificateHTMLEscapes renders hostile text: it must come out as
// text, not markup.
func TestCertificateHTMLEscapes(t *testing.T) {
	c := sampleCertificate()
	c.Device.Model = `<script>alert("x")</script>`
	c.Records[0].Notes = `"><img src=x onerror=alert(1)>`
	var b bytes.Buffer
	if err := c.WriteHTML(&b); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, bad := range []string{"<script>", "<img"} {
		if strings.Contains(out, bad) {
			t.Errorf("HTML contains %q unescaped", bad)
		}
	}
	if !strings.Contains(out, "&lt;script&gt;") {
		t.Error("the model is not in the page, escaped")
	}
}

func TestCertificatePDF(t *testing.T) {
	var b bytes.Buffer
	if err := sampleCertificate().WritePDF(&b); err != nil {
		t.Fatal(err)
	}
	golden.Check(t, *update, "certificate.pdf.golden", b.Bytes())
	checkPDF(t, b.Bytes())
	// What a reader extracts is what was typed, in any Latin script.
	text := pdfToText(t, b.Bytes())
	for _, want := range []string{"CERTIFICATE OF SANITIZATION", "Łukasz Wróbel, Inżynier biomedyczny", "Sam Ortiz",
		sampleCertificate().Number, "Main campus / Building A / ICU 3", "page 1 of"} {
		if !strings.Contains(text, want) {
			t.Errorf("the PDF's text lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "?ukasz") {
		t.Error("Ł printed as ?")
	}
	// Rendering again gives the same bytes: nothing depends on the clock.
	var again bytes.Buffer
	if err := sampleCertificate().WritePDF(&again); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(b.Bytes(), again.Bytes()) {
		t.Error("two renderings of one certificate differ")
	}
}

// pdfToText extracts a PDF's text with poppler's pdftotext, as a person's
// PDF reader would. Without poppler the test skips, except under CI=true.
func pdfToText(t *testing.T, pdf []byte) string {
	t.Helper()
	bin, err := exec.LookPath("pdftotext")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("pdftotext (poppler-utils) is not installed")
		}
		t.Skip("pdftotext (poppler-utils) is not installed: apt-get install poppler-utils")
	}
	cmd := exec.CommandContext(t.Context(), bin, "-layout", "-enc", "UTF-8", "-", "-")
	cmd.Stdin = bytes.NewReader(pdf)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil {
		t.Fatalf("pdftotext: %v: %s", err, errOut.String())
	}
	if errOut.Len() > 0 {
		t.Errorf("pdftotext complains: %s", errOut.String())
	}
	return out.String()
}

// TestCertificatePDFPages: a certificate with many media runs over pages,
// each numbered, and no text is lost at a page break.
func TestCertificatePDFPages(t *testing.T) {
	c := sampleCertificate()
	for range 6 {
		c.Records = append(c.Records, c.Records[0])
	}
	c.Records[0].Notes = strings.Repeat("A very long note that has to be wrapped onto several lines of the page. ", 8)
	var b bytes.Buffer
	if err := c.WritePDF(&b); err != nil {
		t.Fatal(err)
	}
	checkPDF(t, b.Bytes())
	text := pdfToText(t, b.Bytes())
	pages := strings.Count(text, "\f")
	// 8 media of 19 lines each and the rest: more than 150 lines, at 57 a page.
	if pages < 3 || !strings.Contains(text, fmt.Sprintf("page %d of %d", pages, pages)) {
		t.Errorf("%d pages, or the last is not numbered:\n%s", pages, text)
	}
	if n := strings.Count(text, "MEDIUM "); n != len(c.Records) {
		t.Errorf("%d media headings in the text, want %d", n, len(c.Records))
	}
}

// checkPDF checks the structure a reader relies on: the header, every
// cross-reference offset pointing at its object, the trailer's startxref.
func checkPDF(t *testing.T, pdf []byte) {
	t.Helper()
	s := string(pdf)
	if !strings.HasPrefix(s, "%PDF-1.") || !strings.HasSuffix(strings.TrimRight(s, "\n"), "%%EOF") {
		t.Fatal("no PDF header or trailer")
	}
	i := strings.LastIndex(s, "startxref\n")
	var xref int
	if _, err := fmt.Sscanf(s[i+len("startxref\n"):], "%d", &xref); err != nil || !strings.HasPrefix(s[xref:], "xref\n") {
		t.Fatalf("startxref %d does not point at the xref table (%v)", xref, err)
	}
	lines := strings.Split(s[xref:], "\n")
	var first, n int
	if _, err := fmt.Sscanf(lines[1], "%d %d", &first, &n); err != nil {
		t.Fatal(err)
	}
	for obj := 1; obj < n; obj++ {
		var off, gen int
		var kind string
		if _, err := fmt.Sscanf(lines[2+obj], "%d %d %s", &off, &gen, &kind); err != nil {
			t.Fatal(err)
		}
		if want := fmt.Sprintf("%d 0 obj\n", obj); !strings.HasPrefix(s[off:], want) {
			t.Errorf("xref entry %d points at %q", obj, s[off:min(len(s), off+20)])
		}
	}
}

// FuzzCertificate renders certificates with arbitrary text in their
// free-text fields: never a panic or a hang, the PDF always well formed,
// and markup in the text never markup in the HTML.
func FuzzCertificate(f *testing.F) {
	c := sampleCertificate()
	f.Add(c.Device.Model, c.Records[1].Notes, c.Records[0].Tool)
	f.Add(`<script>alert("x")</script>`, "(unbalanced \\ paren", "日本語のツール ≥ 1.0")
	f.Add(strings.Repeat("x", 500), strings.Repeat("word ", 200), "\t\n\n")
	f.Fuzz(func(t *testing.T, model, notes, tool string) {
		c := sampleCertificate()
		c.Device.Model, c.Records[1].Notes, c.Records[0].Tool = model, notes, tool
		var txt, html, pdf bytes.Buffer
		if err := c.WriteText(&txt); err != nil {
			t.Fatal(err)
		}
		if err := c.WriteHTML(&html); err != nil {
			t.Fatal(err)
		}
		if err := c.WritePDF(&pdf); err != nil {
			t.Fatal(err)
		}
		checkPDF(t, pdf.Bytes())
		if strings.Contains(model, "<s") && strings.Contains(html.String(), model) {
			t.Errorf("model %q appears unescaped in the HTML", model)
		}
	})
}

func TestWrap(t *testing.T) {
	line := "  Notes                           " + strings.Repeat("abc ", 40)
	got := wrap(line, pdfColumns)
	if len(got) < 2 {
		t.Fatalf("not wrapped: %q", got)
	}
	for i, l := range got {
		if n := len([]rune(l)); n > pdfColumns {
			t.Errorf("line %d has %d characters: %q", i, n, l)
		}
		if i > 0 && !strings.HasPrefix(l, strings.Repeat(" ", 34)) {
			t.Errorf("continuation %d not indented to the value: %q", i, l)
		}
	}
	if joined := strings.Join(strings.Fields(strings.Join(got, " ")), " "); joined != strings.Join(strings.Fields(line), " ") {
		t.Errorf("wrapping lost text: %q", joined)
	}
	// A word longer than the line is broken, and nothing is lost.
	long := strings.Repeat("é", 250)
	parts := wrap(long, 97)
	if strings.ReplaceAll(strings.Join(parts, ""), " ", "") != long {
		t.Errorf("long word: %q", parts)
	}
}

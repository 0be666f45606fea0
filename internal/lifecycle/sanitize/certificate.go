package sanitize

import (
	"bufio"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io"
	"strings"

	"github.com/vigil/vigil"
)

// Device is the decommissioned device as the certificate names it.
type Device struct {
	AssetTag     string `json:"asset_tag,omitempty"`
	Serial       string `json:"serial,omitempty"`
	Manufacturer string `json:"manufacturer"`
	Model        string `json:"model"`
	Version      string `json:"version,omitempty"`
	DeviceType   string `json:"device_type,omitempty"`
	Location     string `json:"location,omitempty"`
	// Release is the manufacturer release the device ran, when mapped.
	Release string `json:"release,omitempty"`
	PHI     bool   `json:"phi"`
}

// Certificate is the certificate of sanitization of one decommissioned
// device: every medium's record and the decommissioning itself.
type Certificate struct {
	Number       string     `json:"number"`
	IssuedOn     vigil.Date `json:"issued_on"`
	Organization string     `json:"organization"`
	Device       Device     `json:"device"`
	// DecommissionedOn, DecommissionedBy and Reason record the retirement.
	DecommissionedOn vigil.Date           `json:"decommissioned_on"`
	DecommissionedBy string               `json:"decommissioned_by"`
	Reason           string               `json:"reason,omitempty"`
	Records          []vigil.Sanitization `json:"records"`
	// Warnings are each record's warnings from Check, prefixed with the
	// medium's number.
	Warnings []string `json:"warnings,omitempty"`
	// SHA256 is the SHA-256 (hex) of the certificate's canonical JSON
	// (Canonical), set on a certificate read back from the store; it is
	// not part of what it hashes.
	SHA256 string `json:"sha256,omitempty"`
}

// Canonical returns the certificate's canonical JSON, the bytes that are
// stored at decommissioning and hashed: encoding/json writes struct fields
// in declaration order and no maps are involved, so equal certificates
// give equal bytes. SHA256 is left out.
func (c *Certificate) Canonical() ([]byte, error) {
	cc := *c
	cc.SHA256 = ""
	b, err := json.Marshal(&cc)
	if err != nil {
		return nil, fmt.Errorf("certificate %s: %w", c.Number, err)
	}
	return b, nil
}

// Fingerprint returns the SHA-256 (hex) of canonical JSON bytes.
func Fingerprint(canonical []byte) string {
	sum := sha256.Sum256(canonical)
	return hex.EncodeToString(sum[:])
}

// ErrTampered marks a stored certificate whose bytes no longer hash to the
// SHA-256 stored with them.
var ErrTampered = errors.New("certificate does not match its SHA-256")

// Load decodes a stored certificate and checks it against its SHA-256.
func Load(canonical []byte, sha string) (*Certificate, error) {
	if got := Fingerprint(canonical); got != sha {
		return nil, fmt.Errorf("stored certificate hashes to %s, recorded %s: %w", got, sha, ErrTampered)
	}
	var c Certificate
	if err := json.Unmarshal(canonical, &c); err != nil {
		return nil, fmt.Errorf("stored certificate: %w", err)
	}
	c.SHA256 = sha
	return &c, nil
}

// Number returns the certificate number of an organization's
// decommissioning of an asset on a day: stable, so a certificate rendered
// again carries the same number.
func Number(orgID, assetID int64, on vigil.Date) string {
	return fmt.Sprintf("SAN-%d-%d-%04d%02d%02d", orgID, assetID, on.Year, on.Month, on.Day)
}

// yesNo renders an optional yes/no.
func yesNo(b *bool) string {
	switch {
	case b == nil:
		return "not stated"
	case *b:
		return "yes"
	}
	return "no"
}

func words(s string) string { return strings.ReplaceAll(s, "_", " ") }

func personLine(p vigil.Person) string {
	parts := []string{p.Name}
	for _, s := range []string{p.Title, p.Organization} {
		if s != "" {
			parts = append(parts, s)
		}
	}
	return strings.Join(parts, ", ")
}

func orDash(s string) string {
	if strings.TrimSpace(s) == "" {
		return "-"
	}
	return s
}

// field is one labelled value of the certificate.
type field struct{ Label, Value string }

type section struct {
	Title  string
	Fields []field
}

// sections lays the certificate out once for both renderings.
func (c *Certificate) sections() (head []field, device section, media []section, decom section) {
	head = []field{{"Certificate", c.Number}, {"Issued", c.IssuedOn.String()}, {"Organization", c.Organization}}
	if c.SHA256 != "" {
		head = append(head, field{"SHA-256", c.SHA256})
	}
	d := c.Device
	phi := "no"
	if d.PHI {
		phi = "yes"
	}
	device = section{Title: "Device", Fields: []field{
		{"Asset tag", orDash(d.AssetTag)}, {"Serial number", orDash(d.Serial)},
		{"Manufacturer", d.Manufacturer}, {"Model", d.Model}, {"Software version", orDash(d.Version)},
		{"Device type", orDash(d.DeviceType)}, {"Release", orDash(d.Release)}, {"Location", orDash(d.Location)},
		{"Stored patient data (PHI)", phi},
	}}
	for i, r := range c.Records {
		verifiedOn := r.VerifiedOn
		if verifiedOn.IsZero() {
			verifiedOn = r.PerformedOn
		}
		media = append(media, section{Title: fmt.Sprintf("Medium %d of %d", i+1, len(c.Records)), Fields: []field{
			{"Media type", words(string(r.MediaType))}, {"Media manufacturer", orDash(r.MediaManufacturer)},
			{"Media model", orDash(r.MediaModel)}, {"Media serial number", orDash(r.MediaSerial)},
			{"Data backed up", yesNo(r.BackupMade)},
			{"Method", words(string(r.Method))}, {"Technique", words(string(r.Technique))},
			{"Tool (version)", r.Tool}, {"Method details", orDash(r.Details)},
			{"Verification", words(string(r.VerificationMethod))}, {"Verification result", string(r.VerificationResult)},
			{"Verification notes", orDash(r.VerificationNotes)},
			{"Performed by", personLine(r.PerformedBy)}, {"Performed on", r.PerformedOn.String()},
			{"Verified by", personLine(r.VerifiedBy)}, {"Verified on", verifiedOn.String()},
			{"Location", orDash(r.Location)}, {"Post-sanitization destination", words(string(r.Destination))},
			{"Notes", orDash(r.Notes)},
		}})
	}
	decom = section{Title: "Decommissioning", Fields: []field{
		{"Retired on", c.DecommissionedOn.String()}, {"Retired by", c.DecommissionedBy}, {"Reason", orDash(c.Reason)},
	}}
	return head, device, media, decom
}

// WriteText renders the certificate as plain text, for a terminal or a
// record system.
func (c *Certificate) WriteText(w io.Writer) error {
	bw := bufio.NewWriter(w)
	head, device, media, decom := c.sections()
	fmt.Fprintln(bw, "CERTIFICATE OF SANITIZATION")
	fmt.Fprintln(bw, "Media sanitization per NIST SP 800-88 (Appendix G fields)")
	fmt.Fprintln(bw)
	writeFields(bw, "", head, 14)
	for _, s := range append(append([]section{device}, media...), decom) {
		fmt.Fprintf(bw, "\n%s\n", strings.ToUpper(s.Title))
		writeFields(bw, "  ", s.Fields, 31)
	}
	if len(c.Warnings) > 0 {
		fmt.Fprintln(bw, "\nREVIEW NOTES")
		for _, x := range c.Warnings {
			fmt.Fprintf(bw, "  - %s\n", indent(x, "    "))
		}
	}
	fmt.Fprintln(bw, "\nSIGNATURES")
	for _, role := range []string{"Performed by", "Verified by", "Approved by"} {
		fmt.Fprintf(bw, "  %-14s ______________________________  Date __________\n", role)
	}
	return bw.Flush()
}

func writeFields(w io.Writer, prefix string, fs []field, width int) {
	for _, f := range fs {
		fmt.Fprintf(w, "%s%-*s %s\n", prefix, width, f.Label, indent(f.Value, prefix+strings.Repeat(" ", width+1)))
	}
}

// indent puts pad before every line of s but the first.
func indent(s, pad string) string {
	s = strings.TrimRight(strings.ReplaceAll(s, "\t", "    "), "\n")
	return strings.ReplaceAll(s, "\n", "\n"+pad)
}

//go:embed certificate.html
var templates embed.FS

var htmlTemplate = template.Must(template.New("certificate.html").ParseFS(templates, "certificate.html"))

// htmlPage is what the HTML template gets.
type htmlPage struct {
	Head     []field
	Sections []section
	Warnings []string
	Number   string
}

// WriteHTML renders the certificate as a self-contained HTML page laid out
// for printing on A4 or Letter (print it to PDF from a browser).
func (c *Certificate) WriteHTML(w io.Writer) error {
	head, device, media, decom := c.sections()
	return htmlTemplate.Execute(w, htmlPage{
		Head: head, Sections: append(append([]section{device}, media...), decom), Warnings: c.Warnings, Number: c.Number,
	})
}

// Review fills c.Warnings from Check of each record on day today.
func (c *Certificate) Review(today vigil.Date) {
	c.Warnings = nil
	for i := range c.Records {
		ws, _ := Check(&c.Records[i], today)
		for _, w := range ws {
			c.Warnings = append(c.Warnings, fmt.Sprintf("medium %d: %s", i+1, w))
		}
	}
}

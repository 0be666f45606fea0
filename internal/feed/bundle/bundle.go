// Package bundle reads and writes the offline knowledge-base bundle: one
// zip file that carries the whole vulnerability knowledge base into an
// air-gapped site. It holds a manifest and one JSON Lines file per kind of
// record, each with its SHA-256 in the manifest:
//
//	manifest.json     {"format":"vigil-kb-bundle","version":1,…,"files":[…]}
//	vulns.jsonl       one vigil.Vulnerability per line (every source)
//	kev.jsonl         one vigil.KEVEntry per line
//	epss.jsonl        one vigil.EPSSScore per line (every score date)
//	advisories.jsonl  one vigil.Advisory per line (CSAF)
//
// The package is pure: it encodes and decodes; the service reads the store
// and imports.
package bundle

import (
	"archive/zip"
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io"
	"time"

	"github.com/vigil/vigil"
)

// Format and Version identify the bundle layout.
const (
	Format  = "vigil-kb-bundle"
	Version = 1
)

// The files of a bundle, in the order they are written and imported.
const (
	FileVulns      = "vulns.jsonl"
	FileKEV        = "kev.jsonl"
	FileEPSS       = "epss.jsonl"
	FileAdvisories = "advisories.jsonl"
	fileManifest   = "manifest.json"
)

// Files lists the data files in import order.
var Files = []string{FileVulns, FileKEV, FileEPSS, FileAdvisories}

// Manifest describes a bundle.
type Manifest struct {
	Format       string    `json:"format"`
	Version      int       `json:"version"`
	CreatedAt    time.Time `json:"created_at"`
	VigilVersion string    `json:"vigil_version"`
	Files        []File    `json:"files"`
}

// File is one data file of a bundle.
type File struct {
	Name    string `json:"name"`
	Records int    `json:"records"`
	Size    int64  `json:"size"`
	SHA256  string `json:"sha256"`
}

// Writer writes a bundle: call Begin for each file in Files order, Add
// records, then Close.
type Writer struct {
	zw       *zip.Writer
	manifest Manifest
	cur      *File
	out      io.Writer
	h        hash.Hash
	n        int64
}

// NewWriter starts a bundle on w.
func NewWriter(w io.Writer, created time.Time, vigilVersion string) *Writer {
	return &Writer{zw: zip.NewWriter(w), manifest: Manifest{Format: Format, Version: Version, CreatedAt: created.UTC(), VigilVersion: vigilVersion}}
}

// Begin starts the data file name.
func (w *Writer) Begin(name string) error {
	w.end()
	for _, f := range w.manifest.Files {
		if f.Name == name {
			return fmt.Errorf("bundle %s: written twice", name)
		}
	}
	zf, err := w.zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Modified: w.manifest.CreatedAt})
	if err != nil {
		return fmt.Errorf("bundle %s: %w", name, err)
	}
	w.manifest.Files = append(w.manifest.Files, File{Name: name})
	w.cur = &w.manifest.Files[len(w.manifest.Files)-1]
	w.h = sha256.New()
	w.n = 0
	w.out = io.MultiWriter(zf, w.h)
	return nil
}

// end settles the current file's digest and size.
func (w *Writer) end() {
	if w.cur != nil {
		w.cur.SHA256 = hex.EncodeToString(w.h.Sum(nil))
		w.cur.Size = w.n
		w.cur = nil
	}
}

// AddJSON adds one record, already encoded as one line of JSON.
func (w *Writer) AddJSON(doc []byte) error {
	if w.cur == nil {
		return errors.New("bundle: record before Begin")
	}
	if bytes.ContainsAny(doc, "\n\r") {
		// Canonical JSON from encoding/json escapes newlines in strings,
		// so a raw one means the record is not one line.
		return fmt.Errorf("bundle %s: record %d spans lines", w.cur.Name, w.cur.Records+1)
	}
	line := append(bytes.TrimSpace(doc), '\n')
	n, err := w.out.Write(line)
	w.n += int64(n)
	if err != nil {
		return fmt.Errorf("bundle %s: %w", w.cur.Name, err)
	}
	w.cur.Records++
	return nil
}

// Add encodes v as one record.
func (w *Writer) Add(v any) error {
	doc, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return w.AddJSON(doc)
}

// Close writes the manifest and finishes the zip.
func (w *Writer) Close() (*Manifest, error) {
	w.end()
	mf, err := w.zw.CreateHeader(&zip.FileHeader{Name: fileManifest, Method: zip.Deflate, Modified: w.manifest.CreatedAt})
	if err != nil {
		return nil, err
	}
	enc := json.NewEncoder(mf)
	enc.SetIndent("", "  ")
	if err := enc.Encode(w.manifest); err != nil {
		return nil, err
	}
	if err := w.zw.Close(); err != nil {
		return nil, err
	}
	return &w.manifest, nil
}

// Limits bound what Open accepts, against hostile or broken bundles.
type Limits struct {
	// MaxFileSize bounds each data file, uncompressed.
	MaxFileSize int64
	// MaxLine bounds one record.
	MaxLine int
}

// DefaultLimits fit the whole of NVD, OSV and EPSS with room to spare.
func DefaultLimits() Limits { return Limits{MaxFileSize: 64 << 30, MaxLine: 64 << 20} }

// Reader reads a bundle.
type Reader struct {
	zr       *zip.Reader
	Manifest Manifest
	limits   Limits
}

// Open reads the manifest of the bundle in r and checks that it names
// exactly the known files, and nothing outside them.
func Open(r io.ReaderAt, size int64, limits Limits) (*Reader, error) {
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return nil, fmt.Errorf("bundle: not a zip file: %w: %w", err, vigil.ErrInvalid)
	}
	b := &Reader{zr: zr, limits: limits}
	mf, err := b.open(fileManifest)
	if err != nil {
		return nil, err
	}
	defer mf.Close()
	dec := json.NewDecoder(io.LimitReader(mf, 1<<20))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&b.Manifest); err != nil {
		return nil, fmt.Errorf("bundle manifest: %w: %w", err, vigil.ErrInvalid)
	}
	if b.Manifest.Format != Format || b.Manifest.Version != Version {
		return nil, fmt.Errorf("bundle manifest: format %q version %d, want %q version %d: %w",
			b.Manifest.Format, b.Manifest.Version, Format, Version, vigil.ErrInvalid)
	}
	known := map[string]bool{}
	for _, f := range Files {
		known[f] = true
	}
	entries := map[string]int{}
	for _, f := range zr.File {
		entries[f.Name]++
		if entries[f.Name] > 1 {
			return nil, fmt.Errorf("bundle holds %s twice: %w", f.Name, vigil.ErrInvalid)
		}
	}
	listed := map[string]bool{}
	for _, f := range b.Manifest.Files {
		if !known[f.Name] {
			return nil, fmt.Errorf("bundle manifest names unknown file %q: %w", f.Name, vigil.ErrInvalid)
		}
		if listed[f.Name] {
			return nil, fmt.Errorf("bundle manifest lists %s twice: %w", f.Name, vigil.ErrInvalid)
		}
		listed[f.Name] = true
		if f.Size < 0 || f.Size > limits.MaxFileSize {
			return nil, fmt.Errorf("bundle file %s: size %d beyond the limit of %d: %w", f.Name, f.Size, limits.MaxFileSize, vigil.ErrInvalid)
		}
	}
	return b, nil
}

func (b *Reader) open(name string) (io.ReadCloser, error) {
	for _, f := range b.zr.File {
		if f.Name == name {
			return f.Open()
		}
	}
	return nil, fmt.Errorf("bundle: no %s: %w", name, vigil.ErrInvalid)
}

// Verify checks every data file against the manifest's size and SHA-256,
// reading no more than the manifest says (a zip bomb stops there).
func (b *Reader) Verify() error {
	for _, f := range b.Manifest.Files {
		rc, err := b.open(f.Name)
		if err != nil {
			return err
		}
		h := sha256.New()
		n, err := io.Copy(h, io.LimitReader(rc, f.Size+1))
		rc.Close()
		if err != nil {
			return fmt.Errorf("bundle file %s: %w: %w", f.Name, err, vigil.ErrInvalid)
		}
		if n != f.Size {
			return fmt.Errorf("bundle file %s: %d bytes, manifest says %d: %w", f.Name, n, f.Size, vigil.ErrInvalid)
		}
		if got := hex.EncodeToString(h.Sum(nil)); got != f.SHA256 {
			return fmt.Errorf("bundle file %s: sha256 %s, manifest says %s: %w", f.Name, got, f.SHA256, vigil.ErrInvalid)
		}
	}
	return nil
}

// Each calls fn with every record line of the data file name, with its
// line number. A file the bundle lacks has no records.
func (b *Reader) Each(name string, fn func(line int, doc []byte) error) error {
	var size int64 = -1
	for _, f := range b.Manifest.Files {
		if f.Name == name {
			size = f.Size
		}
	}
	if size < 0 {
		return nil
	}
	rc, err := b.open(name)
	if err != nil {
		return err
	}
	defer rc.Close()
	sc := bufio.NewScanner(io.LimitReader(rc, size))
	sc.Buffer(make([]byte, 0, 64<<10), b.limits.MaxLine)
	line := 0
	for sc.Scan() {
		line++
		if len(bytes.TrimSpace(sc.Bytes())) == 0 {
			continue
		}
		if err := fn(line, sc.Bytes()); err != nil {
			return err
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("bundle file %s line %d: %w: %w", name, line+1, err, vigil.ErrInvalid)
	}
	return nil
}

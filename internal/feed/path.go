package feed

import (
	"archive/zip"
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/vigil/vigil/internal/ingest"
)

// Options configure ImportPath and ImportReader.
type Options struct {
	// Limits bound each document.
	Limits ingest.Limits
	// Archive bounds .zip and .gz containers.
	Archive ArchiveLimits
	// Verify checks a file on disk against the files beside it before it
	// is imported; nil checks nothing. See feed/verify for the .sha256,
	// .sha512 and OpenPGP .asc checks.
	Verify func(path string) error
}

// ArchiveLimits defend against zip and gzip bombs. Zero fields take their
// defaults.
type ArchiveLimits struct {
	// MaxEntries bounds the entries of one zip. Default 2,000,000 (OSV's
	// largest per-ecosystem all.zip holds a few hundred thousand).
	MaxEntries int
	// MaxEntrySize bounds one decompressed entry. Default 256 MiB.
	MaxEntrySize int64
	// MaxTotalSize bounds the decompressed bytes of one archive. Default
	// 16 GiB.
	MaxTotalSize int64
	// MaxRatio bounds decompressed size / compressed size, per entry and
	// for a .gz. Default 200 (JSON feeds compress 5–30×; bombs 1000×).
	MaxRatio int64
}

// WithDefaults returns a with zero fields set to their defaults.
func (a ArchiveLimits) WithDefaults() ArchiveLimits {
	if a.MaxEntries <= 0 {
		a.MaxEntries = 2_000_000
	}
	if a.MaxEntrySize <= 0 {
		a.MaxEntrySize = 256 << 20
	}
	if a.MaxTotalSize <= 0 {
		a.MaxTotalSize = 16 << 30
	}
	if a.MaxRatio <= 0 {
		a.MaxRatio = 200
	}
	return a
}

// ratioSlack lets small files exceed the ratio: a tiny compressed
// file may legitimately expand a lot in relative terms.
const ratioSlack = 1 << 20

// ErrUnknownFormat is returned when no importer recognises a document.
var ErrUnknownFormat = errors.New("unknown feed format")

// Detect returns the first importer that recognises head, or nil.
func Detect(head []byte, importers []Importer) Importer {
	for _, im := range importers {
		if im.Detect(head) {
			return im
		}
	}
	return nil
}

// sidecar reports whether name is a file that accompanies another (a
// checksum, a signature, a README) rather than a document.
func sidecar(name string) bool {
	switch strings.ToLower(path.Ext(name)) {
	case ".sha256", ".sha512", ".asc", ".sig", ".md5", ".meta", ".md":
		return true
	}
	return false
}

// ImportPath imports a file, a directory (walked recursively, in lexical
// order), a .zip (every entry) or a .gz (one document). Each document goes
// to the first importer whose Detect accepts its head. A file that no
// importer knows, that fails a check or is unsafe (a symlink, a zip entry
// named outside the archive) is reported and skipped; the walk goes on.
// Checksum and signature files are not imported themselves.
func ImportPath(ctx context.Context, p string, importers []Importer, sink Sink, opt Options) (Report, error) {
	var rep Report
	info, err := os.Lstat(p)
	if err != nil {
		return rep, fmt.Errorf("import %s: %w", p, err)
	}
	if info.Mode()&fs.ModeSymlink != 0 {
		return rep, fmt.Errorf("import %s: is a symbolic link; name its target", p)
	}
	if !info.IsDir() {
		err := importFile(ctx, p, importers, sink, opt, &rep, true)
		return rep.settle(), err
	}
	var files []string
	err = filepath.WalkDir(p, func(fp string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.Type()&fs.ModeSymlink != 0 {
			rep.SkippedFiles++
			rep.AddProblem(Problem{File: fp, Reason: "symbolic link not followed", Warning: true})
			return nil
		}
		if d.Type().IsRegular() && !sidecar(fp) && !strings.HasPrefix(d.Name(), ".") {
			files = append(files, fp)
		}
		return nil
	})
	if err != nil {
		return rep, fmt.Errorf("walk %s: %w", p, err)
	}
	sort.Strings(files)
	for _, f := range files {
		if err := importFile(ctx, f, importers, sink, opt, &rep, false); err != nil {
			return rep, err
		}
	}
	return rep.settle(), nil
}

// settle names the importer when a single one read everything.
func (r Report) settle() Report {
	if r.Importer == "" && len(r.Importers) == 1 {
		r.Importer, r.Importers = r.Importers[0], nil
	}
	return r
}

// importFile imports one file into rep. Problems with the file itself are
// reported and, unless single (the file was named directly), skipped.
func importFile(ctx context.Context, fp string, importers []Importer, sink Sink, opt Options, rep *Report, single bool) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	skip := func(err error) error {
		if single || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
			return fmt.Errorf("import %s: %w", fp, err)
		}
		rep.SkippedFiles++
		rep.AddProblem(Problem{File: fp, Reason: strings.TrimPrefix(err.Error(), fp+": ")})
		return nil
	}
	if opt.Verify != nil {
		var n *ingest.Notice
		if err := opt.Verify(fp); errors.As(err, &n) {
			// Imported, with a word about what was not checked.
			rep.Warnings++
			rep.AddProblem(Problem{File: fp, Reason: n.Msg, Warning: true})
		} else if err != nil {
			return skip(err)
		}
	}
	if strings.EqualFold(filepath.Ext(fp), ".zip") {
		zr, err := zip.OpenReader(fp)
		if err != nil {
			return skip(err)
		}
		defer zr.Close()
		sub, err := ImportZip(ctx, &zr.Reader, importers, sink, opt)
		rep.Merge(sub, "")
		if err != nil {
			return skip(err)
		}
		return nil
	}
	f, err := os.Open(fp)
	if err != nil {
		return skip(err)
	}
	defer f.Close()
	sub, err := ImportReader(ctx, fp, f, importers, sink, opt)
	rep.Merge(sub, fp)
	if err != nil {
		if errors.Is(err, ErrUnknownFormat) && !single {
			rep.SkippedFiles++
			rep.AddProblem(Problem{File: fp, Reason: ErrUnknownFormat.Error(), Warning: true})
			return nil
		}
		return skip(err)
	}
	return nil
}

// ImportReader imports one document, gunzipping it first when it starts
// with the gzip magic bytes. name is used in messages only.
func ImportReader(ctx context.Context, name string, r io.Reader, importers []Importer, sink Sink, opt Options) (Report, error) {
	al := opt.Archive.WithDefaults()
	br := bufio.NewReaderSize(r, HeadSize)
	magic, _ := br.Peek(2)
	var in io.Reader = br
	if bytes.Equal(magic, []byte{0x1f, 0x8b}) {
		cr := &countReader{r: br}
		zr, err := gzip.NewReader(cr)
		if err != nil {
			return Report{}, fmt.Errorf("%s: gzip: %w", name, err)
		}
		defer zr.Close()
		zr.Multistream(false)
		in = bufio.NewReaderSize(&ratioReader{r: zr, compressed: cr, ratio: al.MaxRatio, max: opt.Limits.WithDefaults().MaxDocumentSize}, HeadSize)
	}
	br2, ok := in.(*bufio.Reader)
	if !ok {
		br2 = bufio.NewReaderSize(in, HeadSize)
	}
	head, err := br2.Peek(HeadSize)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
		return Report{}, fmt.Errorf("%s: %w", name, err)
	}
	im := Detect(head, importers)
	if im == nil {
		return Report{}, fmt.Errorf("%s: %w", name, ErrUnknownFormat)
	}
	rep, err := im.Import(ctx, br2, sink)
	rep.Importer = im.Name()
	if rep.Files == 0 {
		rep.Files = 1
	}
	if err != nil {
		return rep, fmt.Errorf("%s: %s: %w", name, im.Name(), err)
	}
	return rep, nil
}

// ImportZip imports every entry of a zip (an OSV all.zip holds one record
// per entry). Entries whose names are absolute or climb out of the archive
// (".."), symbolic links, nested archives and directories are reported and
// skipped. Sizes are enforced on the bytes actually decompressed, not on
// what the headers claim.
func ImportZip(ctx context.Context, zr *zip.Reader, importers []Importer, sink Sink, opt Options) (Report, error) {
	var rep Report
	al := opt.Archive.WithDefaults()
	if len(zr.File) > al.MaxEntries {
		return rep, fmt.Errorf("zip has %d entries, more than %d: %w", len(zr.File), al.MaxEntries, ingest.ErrLimit)
	}
	var total int64
	for _, f := range zr.File {
		if err := ctx.Err(); err != nil {
			return rep, err
		}
		name := f.Name
		if reason := unsafeEntry(f); reason != "" {
			rep.SkippedFiles++
			rep.AddProblem(Problem{File: name, Reason: reason})
			continue
		}
		if f.FileInfo().IsDir() || sidecar(name) {
			continue
		}
		if ext := strings.ToLower(path.Ext(name)); ext == ".zip" || ext == ".gz" {
			rep.SkippedFiles++
			rep.AddProblem(Problem{File: name, Reason: "nested archive not opened", Warning: true})
			continue
		}
		rc, err := f.Open()
		if err != nil {
			rep.SkippedFiles++
			rep.AddProblem(Problem{File: name, Reason: err.Error()})
			continue
		}
		max := al.MaxEntrySize
		if byRatio := int64(f.CompressedSize64)*al.MaxRatio + ratioSlack; f.Method != zip.Store && byRatio < max {
			max = byRatio
		}
		if left := al.MaxTotalSize - total; left < max {
			max = left
		}
		cr := &countReader{r: ingest.SizeGuard(rc, max)}
		sub, err := ImportReader(ctx, name, cr, importers, sink, opt)
		rc.Close()
		total += cr.n
		rep.Merge(sub, name)
		if err != nil {
			if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
				return rep, err
			}
			rep.SkippedFiles++
			rep.AddProblem(Problem{File: name, Reason: strings.TrimPrefix(err.Error(), name+": ")})
			if total >= al.MaxTotalSize {
				return rep, fmt.Errorf("zip decompresses to more than %d bytes: %w", al.MaxTotalSize, ingest.ErrLimit)
			}
		}
	}
	return rep, nil
}

// unsafeEntry says why a zip entry must not be read, or "".
func unsafeEntry(f *zip.File) string {
	name := f.Name
	switch {
	case f.Mode()&fs.ModeSymlink != 0:
		return "symbolic link entry skipped"
	case name == "" || strings.ContainsRune(name, 0):
		return "entry has an empty or NUL name"
	case strings.HasPrefix(name, "/") || strings.HasPrefix(name, `\`) || filepath.VolumeName(name) != "" ||
		(len(name) > 1 && name[1] == ':'):
		return "entry name is an absolute path"
	}
	for _, part := range strings.FieldsFunc(name, func(r rune) bool { return r == '/' || r == '\\' }) {
		if part == ".." {
			return "entry name climbs out of the archive (..)"
		}
	}
	return ""
}

type countReader struct {
	r io.Reader
	n int64
}

func (c *countReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// ratioReader fails when the decompressed bytes exceed ratio times the
// compressed bytes read so far (plus a slack), or max.
type ratioReader struct {
	r          io.Reader
	compressed *countReader
	ratio, max int64
	n          int64
}

func (z *ratioReader) Read(p []byte) (int, error) {
	n, err := z.r.Read(p)
	z.n += int64(n)
	if z.n > z.max {
		return n, fmt.Errorf("gzip decompresses to more than %d bytes: %w", z.max, ingest.ErrLimit)
	}
	if z.n > z.compressed.n*z.ratio+ratioSlack {
		return n, fmt.Errorf("gzip expands more than %d times: %w", z.ratio, ingest.ErrLimit)
	}
	return n, err
}

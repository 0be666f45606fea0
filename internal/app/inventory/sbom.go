package inventory

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/sbom"
	"github.com/vigil/vigil/internal/store"
)

// SBOMImport is the outcome of importing an SBOM into a release.
type SBOMImport struct {
	Document *vigil.SBOMDocument `json:"document"`
	// Unchanged is true when the release's current SBOM already had exactly
	// these bytes: nothing was written.
	Unchanged bool `json:"unchanged"`
	// Superseded is the document the import replaced, if any.
	Superseded *vigil.SBOMDocument `json:"superseded,omitempty"`
}

// importBatch is how many components are written per store call: large
// enough to amortise statements, small enough to keep memory flat.
const importBatch = 1000

// contentChunk is the size of a stored chunk of compressed original bytes.
const contentChunk = 1 << 20

// errUnchanged rolls back an import whose bytes the release already has.
var errUnchanged = errors.New("SBOM unchanged")

// ImportSBOM reads an SBOM (any supported format, detected from content)
// into a release in one transaction: the document, its original bytes
// (compressed), its components and dependency graph. A failed import leaves
// nothing behind. The document becomes the release's current SBOM.
func (s *Service) ImportSBOM(ctx context.Context, sc vigil.Scope, releaseID int64, r io.Reader) (*SBOMImport, error) {
	return s.ImportSBOMWith(ctx, sc, releaseID, r, SBOMImportOptions{})
}

// SBOMImportOptions tune an SBOM import.
type SBOMImportOptions struct {
	// Strict refuses a document for a malformed package reference, which
	// is otherwise a warning on the package, kept (sbom.Parser.Strict).
	Strict bool
}

// ImportSBOMWith is ImportSBOM with options.
func (s *Service) ImportSBOMWith(ctx context.Context, sc vigil.Scope, releaseID int64, r io.Reader, opt SBOMImportOptions) (*SBOMImport, error) {
	var res SBOMImport
	err := s.store.Update(ctx, func(tx Tx) error {
		if _, err := tx.FindReleaseByID(ctx, sc, releaseID); err != nil {
			return err
		}
		cur, err := tx.FindSBOMs(ctx, sc, vigil.SBOMFilter{ReleaseID: &releaseID, CurrentOnly: true})
		if err != nil {
			return err
		}
		if err := tx.SupersedeSBOMs(ctx, sc, releaseID); err != nil {
			return err
		}
		// The row is created first, with what is known before parsing, so
		// that components and content can refer to it as they stream in.
		doc := &vigil.SBOMDocument{ReleaseID: releaseID, Format: vigil.FormatCycloneDX, Encoding: vigil.EncodingJSON}
		if err := tx.CreateSBOM(ctx, sc, doc); err != nil {
			return err
		}
		content := newContentWriter(ctx, tx, sc, doc.ID)
		sink := &componentSink{ctx: ctx, tx: tx, sc: sc, doc: doc}
		tee := io.TeeReader(r, content)
		parsed, err := (&sbom.Parser{Strict: opt.Strict}).Parse(ctx, tee, sink)
		if err != nil {
			return err
		}
		// Whatever the parser left unread (nothing, for a well-formed
		// document) is still part of the original bytes.
		if _, err := io.Copy(io.Discard, tee); err != nil {
			return fmt.Errorf("read SBOM: %w", err)
		}
		if err := sink.flush(); err != nil {
			return err
		}
		if err := content.Close(); err != nil {
			return err
		}
		if len(cur) > 0 && cur[0].SHA256 == parsed.SHA256 {
			res = SBOMImport{Document: cur[0], Unchanged: true}
			return errUnchanged
		}
		parsed.ID, parsed.OrgID, parsed.ReleaseID, parsed.CreatedAt = doc.ID, doc.OrgID, doc.ReleaseID, doc.CreatedAt
		if err := tx.FinishSBOM(ctx, sc, parsed); err != nil {
			return err
		}
		res.Document = parsed
		if len(cur) > 0 {
			res.Superseded = cur[0]
			res.Superseded.SupersededAt = tx.Now()
		}
		return nil
	})
	if errors.Is(err, errUnchanged) {
		return &res, nil
	}
	if err != nil {
		return nil, fmt.Errorf("import SBOM into release %d: %w", releaseID, err)
	}
	return &res, nil
}

// componentSink writes parsed components and dependencies to the store in
// batches.
type componentSink struct {
	ctx   context.Context
	tx    Tx
	sc    vigil.Scope
	doc   *vigil.SBOMDocument
	comps []*vigil.Component
	deps  []*vigil.Dependency
}

func (k *componentSink) Component(c *vigil.Component) error {
	k.comps = append(k.comps, c)
	if len(k.comps) >= importBatch {
		return k.flush()
	}
	return nil
}

func (k *componentSink) Dependency(d *vigil.Dependency) error {
	k.deps = append(k.deps, d)
	if len(k.deps) >= importBatch {
		return k.flush()
	}
	return nil
}

func (k *componentSink) flush() error {
	if len(k.comps) > 0 {
		if err := k.tx.AddComponents(k.ctx, k.sc, k.doc, k.comps); err != nil {
			return err
		}
		var keys []store.ComponentKey
		for _, c := range k.comps {
			for _, key := range ComponentKeys(c) {
				keys = append(keys, store.ComponentKey{Ref: c.Ref, IndexKey: key})
			}
		}
		if err := k.tx.AddComponentKeys(k.ctx, k.sc, k.doc.ID, keys); err != nil {
			return err
		}
		k.comps = k.comps[:0]
	}
	if len(k.deps) > 0 {
		if err := k.tx.AddDependencies(k.ctx, k.sc, k.doc.ID, k.deps); err != nil {
			return err
		}
		k.deps = k.deps[:0]
	}
	return nil
}

// contentWriter gzips what is written to it and stores it in chunks.
type contentWriter struct {
	ctx    context.Context
	tx     Tx
	sc     vigil.Scope
	sbomID int64
	seq    int
	buf    bytes.Buffer
	gz     *gzip.Writer
}

func newContentWriter(ctx context.Context, tx Tx, sc vigil.Scope, sbomID int64) *contentWriter {
	w := &contentWriter{ctx: ctx, tx: tx, sc: sc, sbomID: sbomID}
	w.gz = gzip.NewWriter(&w.buf)
	return w
}

func (w *contentWriter) Write(p []byte) (int, error) {
	n, err := w.gz.Write(p)
	if err != nil {
		return n, err
	}
	for w.buf.Len() >= contentChunk {
		if err := w.store(w.buf.Next(contentChunk)); err != nil {
			return n, err
		}
	}
	return n, nil
}

func (w *contentWriter) store(chunk []byte) error {
	if err := w.tx.AddSBOMContent(w.ctx, w.sc, w.sbomID, w.seq, bytes.Clone(chunk)); err != nil {
		return err
	}
	w.seq++
	return nil
}

// Close flushes the compressor and stores what remains.
func (w *contentWriter) Close() error {
	if err := w.gz.Close(); err != nil {
		return err
	}
	for w.buf.Len() > 0 {
		if err := w.store(w.buf.Next(contentChunk)); err != nil {
			return err
		}
	}
	return nil
}

// SBOMs lists a release's SBOM documents, the current one first.
func (s *Service) SBOMs(ctx context.Context, sc vigil.Scope, releaseID int64) ([]*vigil.SBOMDocument, error) {
	var out []*vigil.SBOMDocument
	err := s.store.View(ctx, func(tx Tx) error {
		if _, err := tx.FindReleaseByID(ctx, sc, releaseID); err != nil {
			return err
		}
		var err error
		out, err = tx.FindSBOMs(ctx, sc, vigil.SBOMFilter{ReleaseID: &releaseID})
		return err
	})
	return out, err
}

// ErrNoSBOM is the not-found of a release that has no SBOM yet.
var ErrNoSBOM = fmt.Errorf("no SBOM: %w", vigil.ErrNotFound)

// SBOMFinder finds a release's documents, as CurrentSBOM needs.
type SBOMFinder interface {
	FindReleaseByID(ctx context.Context, sc vigil.Scope, id int64) (*vigil.Release, error)
	FindSBOMs(ctx context.Context, sc vigil.Scope, f vigil.SBOMFilter) ([]*vigil.SBOMDocument, error)
}

// CurrentSBOM returns a release's current document, or not found when the
// release has none, inside the caller's transaction.
func CurrentSBOM(ctx context.Context, tx SBOMFinder, sc vigil.Scope, releaseID int64) (*vigil.SBOMDocument, error) {
	rel, err := tx.FindReleaseByID(ctx, sc, releaseID)
	if err != nil {
		return nil, err
	}
	docs, err := tx.FindSBOMs(ctx, sc, vigil.SBOMFilter{ReleaseID: &releaseID, CurrentOnly: true})
	if err != nil {
		return nil, err
	}
	if len(docs) == 0 {
		return nil, fmt.Errorf("release %s %s has no SBOM (import one with vigil sbom import): %w", rel.Product, rel.Version, ErrNoSBOM)
	}
	return docs[0], nil
}

// ReleaseComponents returns the components of a release's current SBOM.
func (s *Service) ReleaseComponents(ctx context.Context, sc vigil.Scope, releaseID int64) (*vigil.SBOMDocument, []vigil.Component, error) {
	var doc *vigil.SBOMDocument
	var comps []vigil.Component
	err := s.store.View(ctx, func(tx Tx) error {
		var err error
		if doc, err = CurrentSBOM(ctx, tx, sc, releaseID); err != nil {
			return err
		}
		return tx.EachComponent(ctx, sc, doc.ID, func(c *vigil.Component) error {
			comps = append(comps, *c)
			return nil
		})
	})
	return doc, comps, err
}

// CheckRelease checks a release's current SBOM against the NTIA minimum
// elements and the FDA support fields, streaming its components.
func (s *Service) CheckRelease(ctx context.Context, sc vigil.Scope, releaseID int64) (*vigil.SBOMDocument, *sbom.Report, error) {
	var doc *vigil.SBOMDocument
	var rep *sbom.Report
	err := s.store.View(ctx, func(tx Tx) error {
		var err error
		if doc, err = CurrentSBOM(ctx, tx, sc, releaseID); err != nil {
			return err
		}
		k := sbom.NewChecker(doc)
		if err := tx.EachComponent(ctx, sc, doc.ID, func(c *vigil.Component) error {
			k.Add(c)
			return nil
		}); err != nil {
			return err
		}
		if err := tx.EachDependency(ctx, sc, doc.ID, func(d *vigil.Dependency) error {
			k.AddDependency(d)
			return nil
		}); err != nil {
			return err
		}
		rep = k.Report()
		return nil
	})
	return doc, rep, err
}

// CheckSBOM checks an SBOM file without storing it.
func (s *Service) CheckSBOM(ctx context.Context, r io.Reader) (*vigil.SBOMDocument, *sbom.Report, error) {
	var comps []*vigil.Component
	var deps []*vigil.Dependency
	doc, err := sbom.Parse(ctx, r, sbom.SinkFuncs{
		OnComponent:  func(c *vigil.Component) error { comps = append(comps, c); return nil },
		OnDependency: func(d *vigil.Dependency) error { deps = append(deps, d); return nil },
	})
	if err != nil {
		return nil, nil, err
	}
	// The checker needs the document's metadata, which the parser returns
	// only at the end; components are checked after.
	k := sbom.NewChecker(doc)
	for _, c := range comps {
		k.Add(c)
	}
	for _, d := range deps {
		k.AddDependency(d)
	}
	return doc, k.Report(), nil
}

// DiffReleases compares the current SBOMs of two releases.
func (s *Service) DiffReleases(ctx context.Context, sc vigil.Scope, fromID, toID int64) (sbom.DiffResult, error) {
	_, a, err := s.ReleaseComponents(ctx, sc, fromID)
	if err != nil {
		return sbom.DiffResult{}, err
	}
	_, b, err := s.ReleaseComponents(ctx, sc, toID)
	if err != nil {
		return sbom.DiffResult{}, err
	}
	return sbom.Diff(a, b), nil
}

// ExportSBOM writes a release's current SBOM in one of the export formats,
// with the FDA support fields.
func (s *Service) ExportSBOM(ctx context.Context, sc vigil.Scope, releaseID int64, kind sbom.Kind, w io.Writer) error {
	var doc *vigil.SBOMDocument
	var comps []vigil.Component
	var deps []vigil.Dependency
	err := s.store.View(ctx, func(tx Tx) error {
		var err error
		if doc, err = CurrentSBOM(ctx, tx, sc, releaseID); err != nil {
			return err
		}
		if err := tx.EachComponent(ctx, sc, doc.ID, func(c *vigil.Component) error {
			comps = append(comps, *c)
			return nil
		}); err != nil {
			return err
		}
		return tx.EachDependency(ctx, sc, doc.ID, func(d *vigil.Dependency) error {
			deps = append(deps, *d)
			return nil
		})
	})
	if err != nil {
		return err
	}
	return sbom.Encode(w, kind, doc, comps, deps)
}

// ExportOriginalSBOM writes the bytes of a release's current SBOM exactly as
// they were imported.
func (s *Service) ExportOriginalSBOM(ctx context.Context, sc vigil.Scope, releaseID int64, w io.Writer) error {
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		zr, err := gzip.NewReader(pr)
		if err == nil {
			_, err = io.Copy(w, zr)
		}
		pr.CloseWithError(err)
		done <- err
	}()
	err := s.store.View(ctx, func(tx Tx) error {
		doc, err := CurrentSBOM(ctx, tx, sc, releaseID)
		if err != nil {
			return err
		}
		return tx.EachSBOMContent(ctx, sc, doc.ID, func(chunk []byte) error {
			_, err := pw.Write(chunk)
			return err
		})
	})
	pw.CloseWithError(err)
	if derr := <-done; err == nil && derr != nil {
		err = fmt.Errorf("stored SBOM content: %w", derr)
	}
	return err
}

// SupportImport is the outcome of applying an FDA support addendum.
type SupportImport struct {
	Records   int                  `json:"records"`
	Updated   int                  `json:"updated"`
	Unmatched []sbom.SupportRecord `json:"unmatched"`
	Errors    []sbom.RowError      `json:"errors"`
}

// ImportSupport applies a CSV support addendum (support level and end of
// support per component, keyed by purl or name and version) to a release's
// current SBOM. Rows with errors are reported and nothing is written; a
// clean addendum is applied in one transaction.
func (s *Service) ImportSupport(ctx context.Context, sc vigil.Scope, releaseID int64, r io.Reader) (*SupportImport, error) {
	recs, rowErrs, err := sbom.ParseSupportCSV(r)
	if err != nil {
		return nil, err
	}
	res := &SupportImport{Records: len(recs), Errors: rowErrs, Unmatched: []sbom.SupportRecord{}}
	if len(rowErrs) > 0 {
		return res, fmt.Errorf("support addendum has %d faulty row(s); nothing was applied: %w", len(rowErrs), vigil.ErrInvalid)
	}
	idx := sbom.NewSupportIndex(recs)
	err = s.store.Update(ctx, func(tx Tx) error {
		doc, err := CurrentSBOM(ctx, tx, sc, releaseID)
		if err != nil {
			return err
		}
		var changed []*vigil.Component
		used := map[int]bool{}
		if err := tx.EachComponent(ctx, sc, doc.ID, func(c *vigil.Component) error {
			rec, ok := idx.Lookup(c)
			if !ok {
				return nil
			}
			used[rec.Line] = true
			if idx.Apply(c) {
				changed = append(changed, c)
			}
			return nil
		}); err != nil {
			return err
		}
		for _, c := range changed {
			if err := tx.UpdateComponentSupport(ctx, sc, c.ID, c.SupportLevel, c.EndOfSupport); err != nil {
				return err
			}
		}
		res.Updated = len(changed)
		for _, rec := range recs {
			if !used[rec.Line] {
				res.Unmatched = append(res.Unmatched, rec)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

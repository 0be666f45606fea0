package knowledge

import (
	"context"
	"encoding/json"
	"fmt"
	"io"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/feed"
	"github.com/vigil/vigil/internal/feed/bundle"
	"github.com/vigil/vigil/internal/store"
)

// ExportBundle writes the whole knowledge base to w as an offline bundle
// (see package bundle), from one consistent snapshot.
func (s *Service) ExportBundle(ctx context.Context, w io.Writer, vigilVersion string) (*bundle.Manifest, error) {
	bw := bundle.NewWriter(w, s.now(), vigilVersion)
	err := s.store.View(ctx, func(tx Tx) error {
		for _, f := range []struct {
			name string
			kind store.KBKind
		}{{bundle.FileVulns, store.KBVulns}, {bundle.FileKEV, store.KBKEV}} {
			if err := bw.Begin(f.name); err != nil {
				return err
			}
			if err := tx.EachKBDoc(ctx, f.kind, bw.AddJSON); err != nil {
				return err
			}
		}
		if err := bw.Begin(bundle.FileEPSS); err != nil {
			return err
		}
		if err := tx.EachEPSS(ctx, func(e *vigil.EPSSScore) error { return bw.Add(e) }); err != nil {
			return err
		}
		if err := bw.Begin(bundle.FileAdvisories); err != nil {
			return err
		}
		return tx.EachKBDoc(ctx, store.KBAdvisories, bw.AddJSON)
	})
	if err != nil {
		return nil, fmt.Errorf("export bundle: %w", err)
	}
	m, err := bw.Close()
	if err != nil {
		return nil, fmt.Errorf("export bundle: %w", err)
	}
	return m, nil
}

// ImportBundle checks an offline bundle against its manifest (sizes and
// SHA-256 of every file) and imports it in one transaction. Records go
// through the same rules as feed imports: what is already known is left
// alone, faulty records are reported and skipped.
func (s *Service) ImportBundle(ctx context.Context, r io.ReaderAt, size int64, opt FeedOptions) (feed.Report, *bundle.Manifest, error) {
	br, err := bundle.Open(r, size, bundle.DefaultLimits())
	if err != nil {
		return feed.Report{}, nil, err
	}
	if err := br.Verify(); err != nil {
		return feed.Report{}, nil, err
	}
	var rep feed.Report
	changed := s.newChangeSet()
	err = s.writeKB(ctx, opt, changed, func(sink *kbSink) error {
		rep = feed.Report{Importers: []string{"bundle"}, Files: len(br.Manifest.Files)}
		if err := br.Each(bundle.FileVulns, bundleLine(ctx, &rep, bundle.FileVulns, func() (feed.Validator, func() (feed.Outcome, error)) {
			v := &vigil.Vulnerability{}
			return v, func() (feed.Outcome, error) { return sink.PutVulnerability(ctx, v) }
		})); err != nil {
			return err
		}
		if err := br.Each(bundle.FileKEV, bundleLine(ctx, &rep, bundle.FileKEV, func() (feed.Validator, func() (feed.Outcome, error)) {
			e := &vigil.KEVEntry{}
			return e, func() (feed.Outcome, error) { return sink.PutKEV(ctx, e) }
		})); err != nil {
			return err
		}
		if err := br.Each(bundle.FileEPSS, bundleLine(ctx, &rep, bundle.FileEPSS, func() (feed.Validator, func() (feed.Outcome, error)) {
			e := &vigil.EPSSScore{}
			return e, func() (feed.Outcome, error) { return sink.PutEPSS(ctx, e) }
		})); err != nil {
			return err
		}
		if err := br.Each(bundle.FileAdvisories, bundleLine(ctx, &rep, bundle.FileAdvisories, func() (feed.Validator, func() (feed.Outcome, error)) {
			a := &vigil.Advisory{}
			return a, func() (feed.Outcome, error) { return sink.PutAdvisory(ctx, a) }
		})); err != nil {
			return err
		}
		return nil
	}, func(tx Tx, sink *kbSink) error { return sink.recordImport(ctx, tx, rep) })
	if err != nil {
		return rep, nil, fmt.Errorf("import bundle: %w", err)
	}
	return rep, &br.Manifest, s.afterImport(ctx, changed, opt)
}

// bundleLine decodes one JSON line into a fresh record and delivers it.
func bundleLine(ctx context.Context, rep *feed.Report, file string, fresh func() (feed.Validator, func() (feed.Outcome, error))) func(int, []byte) error {
	return func(line int, doc []byte) error {
		rec, put := fresh()
		where := fmt.Sprintf("%s line %d", file, line)
		if err := json.Unmarshal(doc, rec); err != nil {
			rep.Reject("", "", where, err)
			return nil
		}
		return feed.Deliver(ctx, rep, "", "", where, rec, put)
	}
}

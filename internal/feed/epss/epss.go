// Package epss imports FIRST's EPSS score files
// (epss_scores-YYYY-MM-DD.csv, usually gzipped; feed gunzips). The first
// line is a comment "#model_version:v2025.03.14,score_date:2025-03-14T00:00:00+0000"
// that dates every score of the file; then "cve,epss,percentile" and one
// row per CVE. A file without a score_date is refused: a score without its
// date cannot be kept as history.
package epss

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/feed"
	"github.com/vigil/vigil/internal/ingest"
)

// Name is the importer's name.
const Name = "feed/epss"

// Importer reads EPSS CSV.
type Importer struct {
	limits ingest.Limits
}

// New returns an EPSS importer bounded by limits (zero: defaults).
func New(limits ingest.Limits) *Importer { return &Importer{limits: limits.WithDefaults()} }

var _ feed.Importer = (*Importer)(nil)

// Name implements feed.Importer.
func (*Importer) Name() string { return Name }

// Detect recognises the #model_version comment or the bare header.
func (*Importer) Detect(head []byte) bool {
	t := bytes.TrimLeft(head, " \t\r\n\ufeff")
	return bytes.HasPrefix(t, []byte("#model_version:")) || bytes.HasPrefix(t, []byte("cve,epss,percentile"))
}

// Meta is what the comment line says.
type Meta struct {
	ModelVersion string
	Date         vigil.Date
}

// ParseMeta parses "#model_version:v2023.03.01,score_date:2025-02-20T00:00:00+0000".
func ParseMeta(line string) (Meta, error) {
	var m Meta
	line = strings.TrimPrefix(strings.TrimSpace(line), "#")
	for _, kv := range strings.Split(line, ",") {
		k, v, _ := strings.Cut(kv, ":")
		switch strings.TrimSpace(k) {
		case "model_version":
			m.ModelVersion = strings.TrimSpace(v)
		case "score_date":
			t, err := feed.ParseTime(strings.TrimSpace(v))
			if err != nil {
				return m, fmt.Errorf("score_date: %w", err)
			}
			m.Date = vigil.DateOf(t)
		}
	}
	if m.Date.IsZero() {
		return m, errors.New("no score_date in the #model_version line")
	}
	return m, nil
}

// Import implements feed.Importer.
func (im *Importer) Import(ctx context.Context, r io.Reader, sink feed.Sink) (feed.Report, error) {
	rep := feed.Report{Importer: Name, Files: 1}
	br := bufio.NewReader(ingest.SizeGuard(r, im.limits.MaxDocumentSize))
	first, err := br.ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return rep, fmt.Errorf("line 1: %w", err)
	}
	first = strings.TrimPrefix(first, "\ufeff")
	if !strings.HasPrefix(first, "#") {
		return rep, errors.New("line 1: no #model_version,score_date comment: the scores' date is unknown")
	}
	meta, err := ParseMeta(first)
	if err != nil {
		return rep, fmt.Errorf("line 1: %w", err)
	}
	cr := csv.NewReader(br)
	cr.FieldsPerRecord = 3
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err != nil {
		return rep, fmt.Errorf("line 2: %w", err)
	}
	if header[0] != "cve" || header[1] != "epss" || header[2] != "percentile" {
		return rep, fmt.Errorf("line 2: header %q, want cve,epss,percentile", strings.Join(header, ","))
	}
	for n := 0; ; n++ {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return rep, nil
		}
		if err != nil {
			// FieldPos panics after a failed Read; the error has the line.
			var pe *csv.ParseError
			if errors.As(err, &pe) && errors.Is(pe.Err, csv.ErrFieldCount) {
				rep.Reject(vigil.SourceEPSS, "", fmt.Sprintf("line %d", pe.Line+1), err)
				continue
			}
			return rep, fmt.Errorf("csv: %w", err)
		}
		line, _ := cr.FieldPos(0)
		path := fmt.Sprintf("line %d", line+1)
		if n >= im.limits.MaxRecords {
			return rep, fmt.Errorf("more than %d records: %w", im.limits.MaxRecords, ingest.ErrLimit)
		}
		s := &vigil.EPSSScore{CVEID: rec[0], Date: meta.Date, ModelVersion: meta.ModelVersion,
			Provenance: vigil.Provenance{Source: vigil.SourceEPSS, SourceID: rec[0]}}
		if s.Score, err = strconv.ParseFloat(rec[1], 64); err != nil {
			rep.Reject(vigil.SourceEPSS, rec[0], path, fmt.Errorf("epss %q: not a number", clip(rec[1])))
			continue
		}
		if s.Percentile, err = strconv.ParseFloat(rec[2], 64); err != nil {
			rep.Reject(vigil.SourceEPSS, rec[0], path, fmt.Errorf("percentile %q: not a number", clip(rec[2])))
			continue
		}
		s.CVEID = strings.Clone(s.CVEID)
		s.SourceID = s.CVEID
		if err := feed.Deliver(ctx, &rep, vigil.SourceEPSS, s.CVEID, path, s, func() (feed.Outcome, error) {
			return sink.PutEPSS(ctx, s)
		}); err != nil {
			return rep, err
		}
	}
}

func clip(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}

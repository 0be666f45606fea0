// Package feed defines how vulnerability feeds are imported: an Importer per
// format reads one document (a file, a zip entry, an HTTP body) and streams
// its records one at a time into a Sink, so that all of NVD or OSV imports in
// bounded memory. A faulty record is reported in the Report and skipped; the
// batch goes on. Containers (directories, .zip, .gz) and checks beside a
// file (.sha256/.sha512, OpenPGP .asc) are handled here, apart from the
// formats; see ImportPath.
//
// The importers live in one package per format (feed/nvd, feed/cve5,
// feed/osv, feed/kev, feed/epss, feed/csaf); feed/importers builds the registry.
package feed

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/vigil/vigil"
)

// Importer reads one feed format.
type Importer interface {
	// Name is the importer's stable name, "feed/nvd" and the like.
	Name() string
	// Detect reports whether a document starting with head (at most
	// HeadSize bytes, fewer for a short document) is in this format.
	Detect(head []byte) bool
	// Import reads the document from r and hands every record to sink.
	// Faulty records are counted and described in the report and skipped.
	// The error is for what stops the whole document: unreadable or
	// malformed input, a limit exceeded, a sink failure or ctx cancelled;
	// the report then holds what was done before.
	Import(ctx context.Context, r io.Reader, sink Sink) (Report, error)
}

// HeadSize is how many leading bytes Detect gets.
const HeadSize = 64 << 10

// Outcome is what a sink did with a record.
type Outcome string

const (
	// Stored means the record was new or changed and is now stored.
	Stored Outcome = "stored"
	// Unchanged means the sink already held this record, or a newer one
	// (newer "modified" wins); nothing changed.
	Unchanged Outcome = "unchanged"
)

// Sink receives records one at a time. The importer does not touch a record
// after passing it, so the sink may keep it.
//
// An error that wraps vigil.ErrInvalid rejects that record only: it is
// counted as rejected and the import goes on. Any other error stops the
// import and is returned by Import.
type Sink interface {
	PutVulnerability(ctx context.Context, v *vigil.Vulnerability) (Outcome, error)
	PutKEV(ctx context.Context, e *vigil.KEVEntry) (Outcome, error)
	PutEPSS(ctx context.Context, s *vigil.EPSSScore) (Outcome, error)
	PutAdvisory(ctx context.Context, a *vigil.Advisory) (Outcome, error)
}

// MaxProblems bounds the problems a report keeps; more are counted in
// Report.MoreProblems.
const MaxProblems = 1000

// Report sums up an import.
type Report struct {
	// Importer is the name of the importer that read the document; for a
	// container, the importers are listed in Importers.
	Importer  string   `json:"importer,omitempty"`
	Importers []string `json:"importers,omitempty"`
	// Files counts the documents read (1 for a single document).
	Files int `json:"files"`
	// Records counts the records read: Accepted + Unchanged + Rejected.
	Records   int `json:"records"`
	Accepted  int `json:"accepted"`
	Unchanged int `json:"unchanged"`
	Rejected  int `json:"rejected"`
	// Warnings counts problems that did not reject a record (a bad CVSS
	// vector dropped from an otherwise good record).
	Warnings int `json:"warnings"`
	// SkippedFiles counts files of a container that were not imported: no
	// importer recognised them, they failed a check, or were unsafe.
	SkippedFiles int       `json:"skipped_files"`
	Problems     []Problem `json:"problems,omitempty"`
	// MoreProblems counts problems beyond MaxProblems, not kept.
	MoreProblems int `json:"more_problems,omitempty"`
}

// Problem is one faulty record, field or file.
type Problem struct {
	// File is the file (or zip entry) the record came from, when known.
	File   string       `json:"file,omitempty"`
	Source vigil.Source `json:"source,omitempty"`
	// RecordID is the record's id, when it could be read.
	RecordID string `json:"record_id,omitempty"`
	// Path is the JSON path of the faulty value, e.g.
	// "$.vulnerabilities[12].cve.metrics.cvssMetricV31[0]", or
	// "line 14" for CSV.
	Path   string `json:"path,omitempty"`
	Reason string `json:"reason"`
	// Warning is true when the record was kept without the faulty part.
	Warning bool `json:"warning,omitempty"`
}

func (p Problem) String() string {
	s := p.Reason
	if p.Path != "" {
		s = p.Path + ": " + s
	}
	if p.RecordID != "" {
		s = p.RecordID + ": " + s
	}
	if p.File != "" {
		s = p.File + ": " + s
	}
	return s
}

// AddProblem records p, keeping at most MaxProblems.
func (r *Report) AddProblem(p Problem) {
	if len(r.Problems) >= MaxProblems {
		r.MoreProblems++
		return
	}
	r.Problems = append(r.Problems, p)
}

// Reject counts a rejected record and records why.
func (r *Report) Reject(src vigil.Source, id, path string, err error) {
	r.Records++
	r.Rejected++
	r.AddProblem(Problem{Source: src, RecordID: id, Path: path, Reason: err.Error()})
}

// Warn records a problem with part of a record that was kept.
func (r *Report) Warn(src vigil.Source, id, path, reason string) {
	r.Warnings++
	r.AddProblem(Problem{Source: src, RecordID: id, Path: path, Reason: reason, Warning: true})
}

// Merge adds the counts and problems of o (one file of a container) to r;
// problems without a file get file.
func (r *Report) Merge(o Report, file string) {
	r.Files += o.Files
	r.Records += o.Records
	r.Accepted += o.Accepted
	r.Unchanged += o.Unchanged
	r.Rejected += o.Rejected
	r.Warnings += o.Warnings
	r.SkippedFiles += o.SkippedFiles
	r.MoreProblems += o.MoreProblems
	for _, p := range o.Problems {
		if p.File == "" {
			p.File = file
		}
		r.AddProblem(p)
	}
	names := o.Importers
	if o.Importer != "" {
		names = append([]string{o.Importer}, names...)
	}
	for _, n := range names {
		found := false
		for _, m := range r.Importers {
			found = found || m == n
		}
		if !found {
			r.Importers = append(r.Importers, n)
		}
	}
}

// Validator is a record that checks itself.
type Validator interface{ Validate() error }

// Deliver validates rec, hands it to the sink through put and counts the
// outcome in r: a record that fails validation, or that the sink refuses
// with vigil.ErrInvalid, is rejected and nil is returned so the import goes
// on. Any other sink error is returned, wrapped with the record id.
func Deliver(ctx context.Context, r *Report, src vigil.Source, id, path string, rec Validator, put func() (Outcome, error)) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := rec.Validate(); err != nil {
		r.Reject(src, id, path, err)
		return nil
	}
	out, err := put()
	switch {
	case errors.Is(err, vigil.ErrInvalid):
		r.Reject(src, id, path, err)
		return nil
	case err != nil:
		return fmt.Errorf("record %s: %w", id, err)
	}
	r.Records++
	switch out {
	case Unchanged:
		r.Unchanged++
	default:
		r.Accepted++
	}
	return nil
}

// Package remote synchronises the knowledge base with the public feeds:
// one Source per feed (NVD API 2.0, OSV, CISA KEV, FIRST EPSS, CSAF
// providers), each with its real default URL, all configurable. It knows
// no database: Sync hands every document it downloads to an Emit function
// as it arrives, and the caller imports it into its own sink (see Import),
// within its own transaction.
//
// What a source has done is kept in a State that the caller stores
// between runs (it is plain JSON). The state advances only past documents
// that were emitted successfully, after each one, so a sync cut off
// half-way (an error, a cancelled context, a killed process) goes on from
// where it stopped the next time, provided the caller saves the state
// even when Sync fails.
//
// The HTTP itself (conditional requests, retries, rate limits, size
// limits, resumable downloads) is feed/fetch's.
//
// The package is not called "sync" so as not to shadow the standard
// library's package of that name.
package remote

import (
	"archive/zip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/vigil/vigil/internal/feed"
	"github.com/vigil/vigil/internal/feed/fetch"
)

// Source is one feed to synchronise.
type Source interface {
	// Name is the source's name on the command line: "nvd", "osv",
	// "kev", "epss", "csaf".
	Name() string
	// Sync fetches what changed since st and hands each document to emit
	// as it arrives. st is updated after every document emitted; the
	// caller saves it, also when Sync returns an error. An error from
	// emit stops the sync and is returned, wrapped.
	Sync(ctx context.Context, st *State, emit Emit) (Summary, error)
}

// Document is one downloaded document.
type Document struct {
	// Source is the name of the source that fetched it.
	Source string
	// Name says where it came from: its URL, with any secret redacted.
	Name string
	// Body is the document. It is valid only during the Emit call.
	Body io.Reader
	// Size is the length of Body in bytes, -1 when unknown.
	Size int64
	// Zip marks a zip archive (an OSV all.zip): Body is then also an
	// io.ReaderAt of Size bytes, for zip.NewReader.
	Zip bool
}

// Emit receives each document. Returning an error stops the sync and
// leaves the document to be fetched again next time.
type Emit func(ctx context.Context, doc *Document) error

// State is what a source remembers between runs. The zero value means
// the source was never synchronised (a full sync). One State per source.
type State struct {
	// HTTP holds the validators of fetched documents, by URL, set once
	// the document was emitted.
	HTTP fetch.State `json:"http,omitempty"`
	// Cursors hold the progress of each stream of the source, by key:
	// "nvd", "osv/PyPI", "csaf/" + a feed or directory URL.
	Cursors map[string]*Cursor `json:"cursors,omitempty"`
}

// Cursor is the progress of one stream of documents.
type Cursor struct {
	// Since: everything modified up to Since was emitted.
	Since time.Time `json:"since,omitzero"`
	// Until is the end of the pass in progress (an NVD window), zero
	// when none is.
	Until time.Time `json:"until,omitzero"`
	// Index is where the pass in progress goes on (NVD's startIndex).
	Index int `json:"index,omitempty"`
	// Retry lists documents (URLs) that failed verification and are
	// fetched again on the next run.
	Retry []string `json:"retry,omitempty"`
}

func (s *State) cursor(key string) *Cursor {
	if s.Cursors == nil {
		s.Cursors = map[string]*Cursor{}
	}
	c := s.Cursors[key]
	if c == nil {
		c = &Cursor{}
		s.Cursors[key] = c
	}
	return c
}

func (s *State) validators(u string) fetch.Validators {
	return s.HTTP[u]
}

func (s *State) setValidators(u string, v fetch.Validators) {
	if v.IsZero() {
		delete(s.HTTP, u)
		return
	}
	if s.HTTP == nil {
		s.HTTP = fetch.State{}
	}
	s.HTTP[u] = v
}

// MaxProblems bounds the problems a Summary keeps.
const MaxProblems = 100

// Summary sums up one sync of one source.
type Summary struct {
	Source string `json:"source"`
	// The requests made: requests, retries, not_modified, bytes.
	fetch.Stats
	// Documents counts the documents emitted.
	Documents int `json:"documents"`
	// Skipped counts documents or feeds not fetched by policy (a TLP
	// label not authorised).
	Skipped int `json:"skipped"`
	// Errors counts documents that could not be fetched or failed
	// verification, and were left out.
	Errors int `json:"errors"`
	// Problems describe the errors and skips, at most MaxProblems.
	Problems     []Problem `json:"problems,omitempty"`
	MoreProblems int       `json:"more_problems,omitempty"`
}

// Problem is one document left out, and why.
type Problem struct {
	URL    string `json:"url"`
	Reason string `json:"reason"`
}

func (s *Summary) problem(u, reason string) {
	if len(s.Problems) >= MaxProblems {
		s.MoreProblems++
		return
	}
	s.Problems = append(s.Problems, Problem{URL: fetch.Redact(u), Reason: reason})
}

func (s *Summary) fail(u string, err error) {
	s.Errors++
	s.problem(u, err.Error())
}

// Config configures the sources.
type Config struct {
	// CacheDir holds downloads (OSV zips, the KEV and EPSS files, NVD
	// pages in transit) so that they resume and revalidate. Default:
	// the user's cache directory + "/vigil/feeds".
	CacheDir string
	NVD      NVDConfig
	OSV      OSVConfig
	KEV      FileConfig
	EPSS     FileConfig
	CSAF     CSAFConfig
	// Now is the clock (NVD's windows); default time.Now.
	Now func() time.Time
}

func (c Config) withDefaults() (Config, error) {
	if c.CacheDir == "" {
		d, err := os.UserCacheDir()
		if err != nil {
			return c, fmt.Errorf("feed cache directory: %w", err)
		}
		c.CacheDir = filepath.Join(d, "vigil", "feeds")
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	return c, nil
}

// Names of the sources, in the order Sources returns them.
const (
	KEVName  = "kev"
	EPSSName = "epss"
	NVDName  = "nvd"
	OSVName  = "osv"
	CSAFName = "csaf"
)

// Sources returns every source, using c for HTTP: KEV, EPSS, NVD, OSV,
// CSAF.
func Sources(c *fetch.Client, cfg Config) ([]Source, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	csaf, err := NewCSAF(c, cfg.CSAF)
	if err != nil {
		return nil, err
	}
	return []Source{
		NewKEV(c, cfg.KEV, cfg.CacheDir),
		NewEPSS(c, cfg.EPSS, cfg.CacheDir),
		NewNVD(c, cfg.NVD, cfg.CacheDir, cfg.Now),
		NewOSV(c, cfg.OSV, cfg.CacheDir),
		csaf,
	}, nil
}

// ByName returns the source called name among srcs.
func ByName(srcs []Source, name string) (Source, error) {
	var names []string
	for _, s := range srcs {
		if s.Name() == name {
			return s, nil
		}
		names = append(names, s.Name())
	}
	return nil, fmt.Errorf("feed source %q: unknown (known: %s)", name, strings.Join(names, ", "))
}

// Import returns an Emit that imports each document with importers into
// sink and adds what happened to rep: a zip through feed.ImportZip, any
// other document through feed.ImportReader. A document that is not in a
// known format, malformed or over a limit is counted in rep as a skipped
// file and the sync goes on; any other error (the sink failing, ctx
// cancelled) stops the sync.
func Import(importers []feed.Importer, sink feed.Sink, opt feed.Options, rep *feed.Report) Emit {
	return func(ctx context.Context, doc *Document) error {
		var sub feed.Report
		var err error
		if doc.Zip {
			ra, ok := doc.Body.(io.ReaderAt)
			if !ok {
				return fmt.Errorf("%s: zip body is not an io.ReaderAt", doc.Name)
			}
			zr, zerr := zip.NewReader(ra, doc.Size)
			if zerr != nil {
				rep.SkippedFiles++
				rep.AddProblem(feed.Problem{File: doc.Name, Reason: zerr.Error()})
				return nil
			}
			sub, err = feed.ImportZip(ctx, zr, importers, sink, opt)
			rep.Merge(sub, doc.Name)
		} else {
			sub, err = feed.ImportReader(ctx, doc.Name, doc.Body, importers, sink, opt)
			rep.Merge(sub, doc.Name)
		}
		if err == nil {
			return nil
		}
		if documentFault(err) && ctx.Err() == nil {
			rep.SkippedFiles++
			rep.AddProblem(feed.Problem{File: doc.Name, Reason: strings.TrimPrefix(err.Error(), doc.Name+": ")})
			return nil
		}
		return err
	}
}

// documentFault reports errors that concern the document rather than
// the importing.
func documentFault(err error) bool {
	var se *json.SyntaxError
	var ue *json.UnmarshalTypeError
	return errors.Is(err, feed.ErrUnknownFormat) || errors.Is(err, feed.ErrLimit) ||
		errors.Is(err, io.ErrUnexpectedEOF) || errors.As(err, &se) || errors.As(err, &ue)
}

// emitFile opens a downloaded file and emits it.
func emitFile(ctx context.Context, emit Emit, source, name, path string, isZip bool) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return err
	}
	if err := emit(ctx, &Document{Source: source, Name: fetch.Redact(name), Body: f, Size: st.Size(), Zip: isZip}); err != nil {
		return fmt.Errorf("%s: %w", fetch.Redact(name), err)
	}
	return nil
}

// syncFile downloads one document into the cache (conditionally on what
// was emitted last time) and emits it when it changed.
func syncFile(ctx context.Context, c *fetch.Client, st *State, sum *Summary, emit Emit, u, path string, maxSize int64, isZip bool) (changed bool, err error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return false, fmt.Errorf("feed cache: %w", err)
	}
	dl, err := c.Download(ctx, fetch.Request{URL: u, Validators: st.validators(u), MaxSize: maxSize, Stats: &sum.Stats}, path)
	if err != nil {
		return false, err
	}
	if dl.NotModified {
		return false, nil
	}
	if err := emitFile(ctx, emit, sum.Source, u, path, isZip); err != nil {
		return false, err
	}
	sum.Documents++
	st.setValidators(u, dl.Validators)
	return true, nil
}

// cachePath names the cache file for a source's document.
func cachePath(dir, source string, parts ...string) string {
	clean := make([]string, 0, len(parts)+2)
	clean = append(clean, dir, source)
	for _, p := range parts {
		p = strings.Map(func(r rune) rune {
			if r == '/' || r == '\\' || r == ':' || r < ' ' {
				return '_'
			}
			return r
		}, p)
		if p == "" || p == "." || p == ".." {
			p = "_" + p
		}
		clean = append(clean, p)
	}
	return filepath.Join(clean...)
}

// Package source is what a remote feed source is to the code that syncs
// it: the Source interface, the documents it emits, the State it keeps
// between runs, the Summary of a sync, and Import, which feeds emitted
// documents to the importers. It links no HTTP: the sources themselves
// are internal/feed/remote's, the HTTP internal/feed/fetch's, so the
// application layer can drive a sync without either.
package source

import (
	"archive/zip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"
	"time"

	"github.com/vigil/vigil/internal/feed"
	"github.com/vigil/vigil/internal/ingest"
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
	HTTP HTTPState `json:"http,omitempty"`
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

// Cursor returns the cursor of a stream, made on first use.
func (s *State) Cursor(key string) *Cursor {
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

// Validators returns the validators of a URL.
func (s *State) Validators(u string) Validators {
	return s.HTTP[u]
}

// SetValidators sets (or, when zero, removes) the validators of a URL.
func (s *State) SetValidators(u string, v Validators) {
	if v.IsZero() {
		delete(s.HTTP, u)
		return
	}
	if s.HTTP == nil {
		s.HTTP = HTTPState{}
	}
	s.HTTP[u] = v
}

// MaxProblems bounds the problems a Summary keeps.
const MaxProblems = 100

// Summary sums up one sync of one source.
type Summary struct {
	Source string `json:"source"`
	// The requests made: requests, retries, not_modified, bytes.
	Stats
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

// AddProblem notes a document left out, with its URL redacted.
func (s *Summary) AddProblem(u, reason string) {
	if len(s.Problems) >= MaxProblems {
		s.MoreProblems++
		return
	}
	s.Problems = append(s.Problems, Problem{URL: Redact(u), Reason: reason})
}

// Fail counts an error on a document and notes it.
func (s *Summary) Fail(u string, err error) {
	s.Errors++
	s.AddProblem(u, err.Error())
}

// Validators are what a server said identifies the version of a document
// it sent; sent back they make the request conditional.
type Validators struct {
	ETag         string `json:"etag,omitempty"`
	LastModified string `json:"last_modified,omitempty"`
}

// IsZero reports whether v holds no validator.
func (v Validators) IsZero() bool { return v.ETag == "" && v.LastModified == "" }

// HTTPState holds validators by URL. The caller persists it (it is plain
// JSON) and sets an entry only after it has used the body successfully.
type HTTPState map[string]Validators

// Stats count what requests did. A Stats is updated by one goroutine at a
// time: the one making the requests it is passed to.
type Stats struct {
	// Requests counts requests sent, retries included.
	Requests int `json:"requests"`
	// Retries counts requests sent again after a failure.
	Retries int `json:"retries"`
	// NotModified counts 304 answers to conditional requests.
	NotModified int `json:"not_modified"`
	// Bytes counts body bytes received.
	Bytes int64 `json:"bytes"`
}

// Add adds o to s.
func (s *Stats) Add(o Stats) {
	s.Requests += o.Requests
	s.Retries += o.Retries
	s.NotModified += o.NotModified
	s.Bytes += o.Bytes
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
	return errors.Is(err, feed.ErrUnknownFormat) || errors.Is(err, ingest.ErrLimit) ||
		errors.Is(err, io.ErrUnexpectedEOF) || errors.As(err, &se) || errors.As(err, &ue)
}

// secretParam reports query parameters whose values Redact hides.
func secretParam(k string) bool {
	switch strings.ToLower(k) {
	case "apikey", "api_key", "key", "token", "access_token", "password", "secret", "signature", "sig":
		return true
	}
	return false
}

// Redact returns u with its password and the values of secret-looking
// query parameters replaced by "REDACTED", for messages and logs.
func Redact(u string) string {
	pu, err := url.Parse(u)
	if err != nil {
		if strings.ContainsAny(u, "?@") {
			scheme, _, _ := strings.Cut(u, ":")
			return scheme + "://REDACTED"
		}
		return u
	}
	if pu.User != nil {
		pu.User = url.User("REDACTED")
	}
	if pu.RawQuery != "" {
		q := pu.Query()
		changed := false
		for k := range q {
			if secretParam(k) {
				q.Set(k, "REDACTED")
				changed = true
			}
		}
		if changed {
			pu.RawQuery = q.Encode()
		}
	}
	return pu.String()
}

package httpapi

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/http"
	"regexp"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/danielgtaylor/huma/v2"
)

// requestInfo is the edge metadata of one request, shared between the
// outer middleware and the code that maps errors.
type requestInfo struct {
	id string
	// err is the internal error behind a 5xx response, logged once with
	// the request line.
	err error
	// panicked is the value a handler panicked with, and stack its stack.
	panicked any
	stack    []byte
}

type ctxKey int

const (
	infoKey ctxKey = iota
	scopeKey
)

func infoFrom(ctx context.Context) *requestInfo {
	if ri, ok := ctx.Value(infoKey).(*requestInfo); ok {
		return ri
	}
	return &requestInfo{}
}

// requestIDPattern is what a client-supplied X-Request-ID must look like
// to be kept: short, and safe to put in headers and logs.
var requestIDPattern = regexp.MustCompile(`^[A-Za-z0-9._:-]{1,128}$`)

// requestID returns the client's request ID when it is sane, a new random
// one otherwise.
func requestID(given string) string {
	if requestIDPattern.MatchString(given) {
		return given
	}
	var b [16]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// serveHTTP wraps every request: request ID, body limit, panic recovery,
// metrics and one log line.
func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	ri := &requestInfo{id: requestID(r.Header.Get("X-Request-ID"))}
	w.Header().Set("X-Request-ID", ri.id)
	r = r.WithContext(context.WithValue(r.Context(), infoKey, ri))
	// huma enforces MaxBodyBytes per operation with a 413 problem, and the
	// operations that stream their body enforce theirs (upload.go); this
	// is the backstop for anything that reads a body past it.
	if r.Body != nil && r.Body != http.NoBody {
		r.Body = http.MaxBytesReader(w, r.Body, s.bodyLimit(r)+1)
	}

	s.inFlight.Inc()
	defer s.inFlight.Dec()
	rec := &recorder{ResponseWriter: w, req: r}
	s.serveRecovering(rec, r, ri)

	status := rec.statusCode()
	route := routeOf(r.Pattern)
	method := methodLabel(r.Method)
	elapsed := time.Since(start)
	s.requests.WithLabelValues(method, route, strconv.Itoa(status)).Inc()
	s.duration.WithLabelValues(method, route).Observe(elapsed.Seconds())

	attrs := []slog.Attr{
		slog.String("method", r.Method),
		slog.String("route", route),
		slog.Int("status", status),
		slog.Float64("duration_ms", float64(elapsed.Microseconds())/1000),
		slog.String("request_id", ri.id),
	}
	level := slog.LevelInfo
	if status >= 500 {
		level = slog.LevelError
	}
	if ri.err != nil {
		attrs = append(attrs, slog.String("error", ri.err.Error()))
	}
	if ri.panicked != nil {
		attrs = append(attrs, slog.String("panic", fmt.Sprint(ri.panicked)), slog.String("stack", string(ri.stack)))
	}
	s.log.LogAttrs(r.Context(), level, "http request", attrs...)

	if ri.panicked == http.ErrAbortHandler {
		// The handler asked net/http to abort the response; let it.
		panic(http.ErrAbortHandler)
	}
}

// bodyLimit is the body limit of the operation r is for: MaxBodyBytes, or
// more for the few operations that take whole documents.
func (s *Server) bodyLimit(r *http.Request) int64 {
	if len(s.bodyLimits) > 0 {
		if _, pattern := s.mux.Handler(r); pattern != "" {
			if n, ok := s.bodyLimits[pattern]; ok {
				return n
			}
		}
	}
	return s.cfg.MaxBodyBytes
}

// largeBodies returns the ServeMux pattern and body limit of each operation
// in doc allowed a body larger than def.
func largeBodies(doc *huma.OpenAPI, def int64) map[string]int64 {
	out := make(map[string]int64)
	for _, item := range doc.Paths {
		for _, op := range []*huma.Operation{item.Get, item.Put, item.Post, item.Delete, item.Options, item.Head, item.Patch, item.Trace} {
			if op != nil && op.MaxBodyBytes > def {
				out[op.Method+" "+op.Path] = op.MaxBodyBytes
			}
		}
	}
	return out
}

// serveRecovering runs the mux and turns a panic into a 500 problem, if
// the response has not started yet.
func (s *Server) serveRecovering(rec *recorder, r *http.Request, ri *requestInfo) {
	defer func() {
		v := recover()
		if v == nil {
			return
		}
		ri.panicked = v
		if v == http.ErrAbortHandler {
			return
		}
		ri.stack = debug.Stack()
		if !rec.wroteHeader {
			writeProblem(rec, http.StatusInternalServerError, internalDetail(ri.id))
		}
	}()
	s.mux.ServeHTTP(rec, r)
}

// routeOf turns a ServeMux pattern ("GET /api/v1/products/{id}") into the
// route label: the path pattern alone, or "unmatched" when no route
// matched, so arbitrary paths cannot blow up the metrics' cardinality.
func routeOf(pattern string) string {
	if pattern == "" {
		return "unmatched"
	}
	if _, path, ok := strings.Cut(pattern, " "); ok {
		return path
	}
	return pattern
}

// methodLabel bounds the method label to the methods HTTP defines.
func methodLabel(m string) string {
	switch m {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch,
		http.MethodDelete, http.MethodOptions, http.MethodConnect, http.MethodTrace:
		return m
	}
	return "OTHER"
}

// recorder remembers the status code and, for requests no route matched,
// replaces ServeMux's plain-text 404 and 405 with problem details.
type recorder struct {
	http.ResponseWriter
	req         *http.Request
	status      int
	wroteHeader bool
	// discard drops the body ServeMux writes after its error status, once
	// the problem has replaced it.
	discard bool
}

func (rec *recorder) WriteHeader(code int) {
	if rec.wroteHeader || code < 200 {
		// A second call (net/http reports the misuse) or an
		// informational 1xx, which is not the response's status.
		rec.ResponseWriter.WriteHeader(code)
		return
	}
	if rec.req.Pattern == "" && code >= 400 {
		// ServeMux's own 404 or 405: only it writes without a pattern.
		rec.discard = true
		writeProblem(rec.ResponseWriter, code, "")
		rec.status, rec.wroteHeader = code, true
		return
	}
	rec.status, rec.wroteHeader = code, true
	rec.ResponseWriter.WriteHeader(code)
}

func (rec *recorder) Write(b []byte) (int, error) {
	if !rec.wroteHeader {
		rec.WriteHeader(http.StatusOK)
	}
	if rec.discard {
		return len(b), nil
	}
	return rec.ResponseWriter.Write(b)
}

// Flush lets streaming responses through.
func (rec *recorder) Flush() {
	if f, ok := rec.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// Unwrap gives http.ResponseController the underlying writer (huma sets
// read deadlines through it).
func (rec *recorder) Unwrap() http.ResponseWriter { return rec.ResponseWriter }

func (rec *recorder) statusCode() int {
	if !rec.wroteHeader {
		return http.StatusOK
	}
	return rec.status
}

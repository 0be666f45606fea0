package fetch

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"

	"github.com/vigil/vigil/internal/feed/source"
	"github.com/vigil/vigil/internal/ingest"
)

// Bytes fetches a small document whole (a provider-metadata.json, a
// checksum, one advisory). A body cut short is fetched again, up to
// Config.Retries times. On a 304 the bytes are nil and
// Response.NotModified is true.
func (c *Client) Bytes(ctx context.Context, req Request) ([]byte, *Response, error) {
	if req.Stats == nil {
		req.Stats = &source.Stats{}
	}
	for attempt := 0; ; attempt++ {
		resp, err := c.Get(ctx, req)
		if err != nil {
			return nil, nil, err
		}
		if resp.NotModified {
			return nil, resp, nil
		}
		b, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err == nil {
			return b, resp, nil
		}
		if errors.Is(err, ingest.ErrLimit) || ctx.Err() != nil || attempt >= c.cfg.Retries {
			return nil, nil, err
		}
		req.Stats.Retries++
		if err := c.cfg.Sleep(ctx, c.backoff(attempt)); err != nil {
			return nil, nil, fmt.Errorf("get %s: %w", source.Redact(req.URL), err)
		}
	}
}

// Download is the outcome of Client.Download.
type Download struct {
	// Path is the file holding the document (the path given).
	Path string
	// NotModified is true when the server said the file at Path is
	// current (304); it was left as it was.
	NotModified bool
	// Validators identify the version in Path; store them once the file
	// has been used.
	Validators source.Validators
	// Size is the file's size in bytes.
	Size int64
	// Resumed is true when part of the file came from an earlier,
	// interrupted transfer.
	Resumed bool
}

// Download fetches req.URL into the file path, for large documents (an
// OSV all.zip, an NVD page). The transfer goes to path+".part" first, with
// the validators of that transfer in path+".part.json"; a transfer cut off
// (a dropped connection, a cancelled context, a killed process) is resumed
// from where it stopped with a Range request guarded by If-Range, by this
// call's retries or by the next call. A server that ignores Range sends the
// whole document again, which replaces the part. The file at path is
// replaced only when the document is complete.
//
// req.Validators make the request conditional only while the file at path
// exists: without it the body is needed whatever changed.
func (c *Client) Download(ctx context.Context, req Request, path string) (*Download, error) {
	where := source.Redact(req.URL)
	if req.Stats == nil {
		req.Stats = &source.Stats{}
	}
	max := req.MaxSize
	if max <= 0 {
		max = c.cfg.MaxSize
	}
	req.MaxSize = max
	if _, err := os.Stat(path); err != nil {
		req.Validators = source.Validators{}
	}
	part, meta := path+".part", path+".part.json"
	resumed := false
	for attempt := 0; ; {
		off, ifRange := partial(part, meta)
		if off > 0 && ifRange == "" {
			off = 0
		}
		extra := func(h http.Header) {
			if off > 0 {
				h.Set("Range", "bytes="+strconv.FormatInt(off, 10)+"-")
				h.Set("If-Range", ifRange)
			}
		}
		resp, err := c.get(ctx, req, extra)
		if err != nil {
			var se *StatusError
			if off > 0 && errors.As(err, &se) && se.Code == http.StatusRequestedRangeNotSatisfiable && attempt < c.cfg.Retries {
				removePart(part, meta)
				attempt++
				continue
			}
			return nil, fmt.Errorf("download: %w", err)
		}
		if resp.NotModified {
			st, err := os.Stat(path)
			if err != nil {
				return nil, fmt.Errorf("download %s: %w", where, err)
			}
			return &Download{Path: path, NotModified: true, Validators: resp.Validators, Size: st.Size()}, nil
		}
		var f *os.File
		total, limit := int64(-1), max
		if resp.StatusCode == http.StatusPartialContent {
			start, tot, ok := contentRange(resp.Header.Get("Content-Range"))
			if !ok || start != off {
				resp.Body.Close()
				removePart(part, meta)
				if attempt++; attempt > c.cfg.Retries {
					return nil, fmt.Errorf("download %s: bad Content-Range %q", where, resp.Header.Get("Content-Range"))
				}
				continue
			}
			total, limit = tot, max-off
			f, err = os.OpenFile(part, os.O_WRONLY|os.O_APPEND, 0o600)
			resumed = true
		} else {
			off, total = 0, resp.ContentLength
			f, err = os.OpenFile(part, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
			if err == nil {
				err = writeMeta(meta, resp.Validators)
			}
		}
		if err != nil {
			resp.Body.Close()
			if f != nil {
				f.Close()
			}
			return nil, fmt.Errorf("download %s: %w", where, err)
		}
		n, cerr := io.Copy(f, ingest.SizeGuard(resp.Body, limit))
		resp.Body.Close()
		if cerr == nil {
			cerr = f.Sync()
		}
		if err := f.Close(); cerr == nil && err != nil {
			cerr = err
		}
		size := off + n
		if cerr == nil && total >= 0 && size != total {
			cerr = fmt.Errorf("got %d bytes of %d: %w", size, total, io.ErrUnexpectedEOF)
		}
		if cerr == nil {
			v := resp.Validators
			if resp.StatusCode == http.StatusPartialContent {
				v = readMeta(meta, v)
			}
			if err := os.Rename(part, path); err != nil {
				return nil, fmt.Errorf("download %s: %w", where, err)
			}
			os.Remove(meta)
			return &Download{Path: path, Validators: v, Size: size, Resumed: resumed}, nil
		}
		if errors.Is(cerr, ingest.ErrLimit) {
			removePart(part, meta)
			return nil, fmt.Errorf("download %s: more than %d bytes: %w", where, max, ingest.ErrLimit)
		}
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("download %s: %w", where, err)
		}
		if attempt++; attempt > c.cfg.Retries {
			return nil, fmt.Errorf("download %s: %w", where, cerr)
		}
		req.Stats.Retries++
		c.log.DebugContext(ctx, "resuming download", "url", where, "have_bytes", size, "error", cerr)
		if err := c.cfg.Sleep(ctx, c.backoff(attempt)); err != nil {
			return nil, fmt.Errorf("download %s: %w", where, err)
		}
	}
}

// partial returns the size of an interrupted transfer and the validator
// to resume it with: a strong ETag, else Last-Modified, else "".
func partial(part, meta string) (int64, string) {
	st, err := os.Stat(part)
	if err != nil || st.Size() == 0 {
		return 0, ""
	}
	v := readMeta(meta, source.Validators{})
	if v.ETag != "" && !strings.HasPrefix(v.ETag, "W/") {
		return st.Size(), v.ETag
	}
	return st.Size(), v.LastModified
}

func writeMeta(path string, v source.Validators) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return os.WriteFile(path, b, 0o600)
}

// readMeta returns the validators saved at path, or def. Resumed
// transfers keep the validators of the response that began them: those
// are what If-Range checked.
func readMeta(path string, def source.Validators) source.Validators {
	b, err := os.ReadFile(path)
	if err != nil {
		return def
	}
	var v source.Validators
	if json.Unmarshal(b, &v) != nil {
		return def
	}
	return v
}

func removePart(part, meta string) {
	os.Remove(part)
	os.Remove(meta)
}

// contentRange parses "bytes START-END/TOTAL" (TOTAL may be "*", -1).
func contentRange(v string) (start, total int64, ok bool) {
	rest, found := strings.CutPrefix(strings.TrimSpace(v), "bytes ")
	if !found {
		return 0, 0, false
	}
	rng, tot, found := strings.Cut(rest, "/")
	if !found {
		return 0, 0, false
	}
	s, _, found := strings.Cut(rng, "-")
	if !found {
		return 0, 0, false
	}
	start, err := strconv.ParseInt(s, 10, 64)
	if err != nil || start < 0 {
		return 0, 0, false
	}
	if tot == "*" {
		return start, -1, true
	}
	total, err = strconv.ParseInt(tot, 10, 64)
	if err != nil {
		return 0, 0, false
	}
	return start, total, true
}

package remote

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"time"

	"github.com/vigil/vigil/internal/feed/fetch"
	"github.com/vigil/vigil/internal/feed/source"
)

// DefaultNVDURL is the NVD CVE API 2.0.
const DefaultNVDURL = "https://services.nvd.nist.gov/rest/json/cves/2.0"

// NVD API limits (https://nvd.nist.gov/developers/start-here,
// https://nvd.nist.gov/developers/vulnerabilities).
const (
	// NVDMaxResultsPerPage is the largest page the CVE API serves.
	NVDMaxResultsPerPage = 2000
	// NVDMaxWindow is the longest lastModStartDate–lastModEndDate range.
	NVDMaxWindow = 120 * 24 * time.Hour
)

// NVDRate returns NVD's published request rate: 5 requests in a rolling
// 30 s window without an API key, 50 with one.
func NVDRate(withKey bool) fetch.Rate {
	if withKey {
		return fetch.Rate{Requests: 50, Per: 30 * time.Second}
	}
	return fetch.Rate{Requests: 5, Per: 30 * time.Second}
}

// NVDConfig configures the NVD source.
type NVDConfig struct {
	// URL replaces DefaultNVDURL.
	URL string
	// APIKey is sent in the "apiKey" header; it raises the rate limit.
	// It never appears in errors, logs or the state.
	APIKey string
	// ResultsPerPage is the page size; default and maximum 2000.
	ResultsPerPage int
	// Window is the longest lastModified range of one incremental pass;
	// default and maximum 120 days.
	Window time.Duration
	// Rate replaces NVD's published rate for the API host.
	Rate fetch.Rate
	// MaxPageSize bounds one page; default 512 MiB.
	MaxPageSize int64
}

// NVD syncs the NVD CVE API 2.0: the first run pages through every CVE;
// later runs page through what changed since the last run, in
// lastModified windows of at most 120 days. Each page is emitted as it
// arrives, and the state records the next startIndex, so an interrupted
// run resumes at the page where it stopped.
type NVD struct {
	cfg      NVDConfig
	c        *fetch.Client
	cacheDir string
	now      func() time.Time
}

var _ source.Source = (*NVD)(nil)

// NewNVD returns the NVD source. now is the clock (default time.Now).
func NewNVD(c *fetch.Client, cfg NVDConfig, cacheDir string, now func() time.Time) *NVD {
	if cfg.URL == "" {
		cfg.URL = DefaultNVDURL
	}
	if cfg.ResultsPerPage <= 0 || cfg.ResultsPerPage > NVDMaxResultsPerPage {
		cfg.ResultsPerPage = NVDMaxResultsPerPage
	}
	if cfg.Window <= 0 || cfg.Window > NVDMaxWindow {
		cfg.Window = NVDMaxWindow
	}
	if cfg.Rate == (fetch.Rate{}) {
		cfg.Rate = NVDRate(cfg.APIKey != "")
	}
	if cfg.MaxPageSize <= 0 {
		cfg.MaxPageSize = 512 << 20
	}
	if now == nil {
		now = time.Now
	}
	return &NVD{cfg: cfg, c: c, cacheDir: cacheDir, now: now}
}

// Name implements Source.
func (n *NVD) Name() string { return NVDName }

// nvdTime is the timestamp format of lastModStartDate/lastModEndDate.
const nvdTime = "2006-01-02T15:04:05.000-07:00"

// Sync implements Source.
func (n *NVD) Sync(ctx context.Context, st *source.State, emit source.Emit) (source.Summary, error) {
	sum := source.Summary{Source: NVDName}
	u, err := url.Parse(n.cfg.URL)
	if err != nil {
		return sum, fmt.Errorf("sync nvd: url %q: %w", source.Redact(n.cfg.URL), err)
	}
	n.c.SetRate(u.Hostname(), n.cfg.Rate)
	if err := os.MkdirAll(cachePath(n.cacheDir, NVDName), 0o700); err != nil {
		return sum, fmt.Errorf("sync nvd: feed cache: %w", err)
	}
	now := n.now().UTC().Truncate(time.Millisecond)
	cur := st.Cursor(NVDName)
	if cur.Since.IsZero() {
		// Full sync: everything, then the changes since it began.
		if cur.Until.IsZero() {
			cur.Until, cur.Index = now, 0
		}
		if err := n.pages(ctx, u, nil, cur, &sum, emit); err != nil {
			return sum, err
		}
		cur.Since, cur.Until, cur.Index = cur.Until, time.Time{}, 0
	}
	for cur.Since.Before(now) {
		if cur.Until.IsZero() {
			cur.Until, cur.Index = cur.Since.Add(n.cfg.Window), 0
			if cur.Until.After(now) {
				cur.Until = now
			}
		}
		q := url.Values{}
		q.Set("lastModStartDate", cur.Since.UTC().Format(nvdTime))
		q.Set("lastModEndDate", cur.Until.UTC().Format(nvdTime))
		if err := n.pages(ctx, u, q, cur, &sum, emit); err != nil {
			return sum, err
		}
		cur.Since, cur.Until, cur.Index = cur.Until, time.Time{}, 0
	}
	return sum, nil
}

// pages fetches the pages of one pass from cur.Index on, emitting each
// and moving cur.Index past it.
func (n *NVD) pages(ctx context.Context, base *url.URL, window url.Values, cur *source.Cursor, sum *source.Summary, emit source.Emit) error {
	var h http.Header
	if n.cfg.APIKey != "" {
		h = http.Header{"apiKey": {n.cfg.APIKey}}
	}
	path := cachePath(n.cacheDir, NVDName, "page.json")
	for {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("sync nvd: %w", err)
		}
		q := url.Values{}
		for k, v := range window {
			q[k] = v
		}
		q.Set("resultsPerPage", strconv.Itoa(n.cfg.ResultsPerPage))
		q.Set("startIndex", strconv.Itoa(cur.Index))
		u := *base
		u.RawQuery = q.Encode()
		pageURL := u.String()
		os.Remove(path + ".part") // a part of another page
		os.Remove(path + ".part.json")
		if _, err := n.c.Download(ctx, fetch.Request{URL: pageURL, Header: h, MaxSize: n.cfg.MaxPageSize, Stats: &sum.Stats}, path); err != nil {
			sum.Errors++
			return fmt.Errorf("sync nvd: %w", err)
		}
		hdr, err := readNVDHeader(path)
		if err != nil {
			os.Remove(path)
			sum.Errors++
			return fmt.Errorf("sync nvd: %s: %w", source.Redact(pageURL), err)
		}
		if hdr.StartIndex != cur.Index {
			os.Remove(path)
			sum.Errors++
			return fmt.Errorf("sync nvd: %s: page starts at %d, asked for %d", source.Redact(pageURL), hdr.StartIndex, cur.Index)
		}
		err = emitFile(ctx, emit, NVDName, pageURL, path, false)
		os.Remove(path)
		if err != nil {
			return fmt.Errorf("sync nvd: %w", err)
		}
		sum.Documents++
		cur.Index += hdr.ResultsPerPage
		if hdr.ResultsPerPage <= 0 || cur.Index >= hdr.TotalResults {
			return nil
		}
	}
}

type nvdHeader struct {
	ResultsPerPage int
	StartIndex     int
	TotalResults   int
}

// readNVDHeader reads the paging fields of a CVE API response, which
// come before its "vulnerabilities"; it stops reading there when it has
// them all.
func readNVDHeader(path string) (nvdHeader, error) {
	var h nvdHeader
	f, err := os.Open(path)
	if err != nil {
		return h, err
	}
	defer f.Close()
	dec := json.NewDecoder(f)
	tok, err := dec.Token()
	if err != nil {
		return h, fmt.Errorf("not a CVE API response: %w", err)
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return h, errors.New("not a CVE API response: not a JSON object")
	}
	seen := 0
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return h, fmt.Errorf("not a CVE API response: %w", err)
		}
		key, _ := tok.(string)
		var dst *int
		switch key {
		case "resultsPerPage":
			dst = &h.ResultsPerPage
		case "startIndex":
			dst = &h.StartIndex
		case "totalResults":
			dst = &h.TotalResults
		}
		if dst != nil {
			if err := dec.Decode(dst); err != nil {
				return h, fmt.Errorf("CVE API response: %s: %w", key, err)
			}
			seen++
			continue
		}
		if seen == 3 {
			return h, nil
		}
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			return h, fmt.Errorf("not a CVE API response: %w", err)
		}
	}
	if seen < 3 {
		return h, errors.New("CVE API response without resultsPerPage, startIndex and totalResults")
	}
	return h, nil
}

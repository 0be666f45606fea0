// Package fetch does the HTTP of feed synchronisation, apart from parsing:
// conditional requests (ETag, Last-Modified), retries with exponential
// backoff and jitter that honour Retry-After, a request rate per host,
// response size limits, stall timeouts, proxies, and resumable downloads of
// large files into a cache directory.
//
// The client keeps no state between runs: the validators of what was
// fetched come back in each Response and the caller stores them (source.HTTPState)
// once it has used the body, so that a body the caller failed to import is
// fetched again next time.
//
// Header values named secret (the NVD "apiKey", Authorization, …) never
// appear in errors or logs, and are not sent on to another host when a
// redirect leaves the original one.
package fetch

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/vigil/vigil/internal/feed/source"
	"github.com/vigil/vigil/internal/ingest"
)

// Name is the package's plugin-style name.
const Name = "feed/fetch"

// Defaults of Config.
const (
	DefaultMaxSize       = 1 << 30
	DefaultRetries       = 5
	DefaultMinBackoff    = time.Second
	DefaultMaxBackoff    = 2 * time.Minute
	DefaultMaxRetryAfter = 10 * time.Minute
	DefaultHeaderTimeout = 2 * time.Minute
	DefaultStallTimeout  = 2 * time.Minute
	DefaultDialTimeout   = 30 * time.Second
)

// Config configures a Client. Zero fields take their defaults.
type Config struct {
	// Version goes into the User-Agent "vigil/<Version>"; default "dev".
	Version string
	// Proxy is an explicit proxy URL ("http://proxy.example:3128"). Empty
	// means the environment: HTTPS_PROXY, HTTP_PROXY and NO_PROXY.
	Proxy string
	// Transport replaces the default transport (tests route it to a local
	// server); Proxy and the timeouts of the transport are then its own.
	Transport http.RoundTripper
	// DialTimeout bounds connecting, TLS included. Default 30 s.
	DialTimeout time.Duration
	// HeaderTimeout bounds the wait for response headers. Default 2 min
	// (the NVD API is slow on big pages).
	HeaderTimeout time.Duration
	// StallTimeout fails a body that delivers no byte for that long.
	// Default 2 min. There is no bound on a whole transfer: a 1 GB zip
	// over a slow link is fine as long as it moves.
	StallTimeout time.Duration
	// MaxSize bounds a response body unless the request says otherwise.
	// Default 1 GiB.
	MaxSize int64
	// Retries is how many times a failed request is sent again (429,
	// 5xx, 408, network errors). Default 5; negative means none.
	Retries int
	// MinBackoff and MaxBackoff bound the wait before a retry: MinBackoff
	// doubled per attempt, up to MaxBackoff, with jitter. Defaults 1 s and
	// 2 min.
	MinBackoff, MaxBackoff time.Duration
	// MaxRetryAfter is the longest Retry-After the client waits for; a
	// longer one fails the request. Default 10 min.
	MaxRetryAfter time.Duration
	// Rates limit requests per host name (no port), e.g.
	// "services.nvd.nist.gov". See also Client.SetRate.
	Rates map[string]Rate
	// SecretHeaders names request headers whose values are secret, beside
	// apiKey, Authorization, Proxy-Authorization and Cookie.
	SecretHeaders []string
	// Now and Sleep are the clock; tests make them fake. Sleep must
	// return ctx.Err() when ctx ends first.
	Now   func() time.Time
	Sleep func(ctx context.Context, d time.Duration) error
	// Jitter returns a number in [0, 1); default math/rand/v2.
	Jitter func() float64
	// Logger receives a debug line per retry; nil logs nothing.
	Logger *slog.Logger
}

// Client fetches documents over HTTP. It is safe for concurrent use.
type Client struct {
	cfg     Config
	hc      *http.Client
	ua      string
	secrets map[string]bool
	log     *slog.Logger

	mu     sync.Mutex
	limits map[string]*limiter
}

// New returns a client configured by cfg.
func New(cfg Config) (*Client, error) {
	if cfg.Version == "" {
		cfg.Version = "dev"
	}
	if cfg.MaxSize <= 0 {
		cfg.MaxSize = DefaultMaxSize
	}
	if cfg.Retries == 0 {
		cfg.Retries = DefaultRetries
	} else if cfg.Retries < 0 {
		cfg.Retries = 0
	}
	if cfg.MinBackoff <= 0 {
		cfg.MinBackoff = DefaultMinBackoff
	}
	if cfg.MaxBackoff <= 0 {
		cfg.MaxBackoff = DefaultMaxBackoff
	}
	if cfg.MaxRetryAfter <= 0 {
		cfg.MaxRetryAfter = DefaultMaxRetryAfter
	}
	if cfg.HeaderTimeout <= 0 {
		cfg.HeaderTimeout = DefaultHeaderTimeout
	}
	if cfg.StallTimeout <= 0 {
		cfg.StallTimeout = DefaultStallTimeout
	}
	if cfg.DialTimeout <= 0 {
		cfg.DialTimeout = DefaultDialTimeout
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Sleep == nil {
		cfg.Sleep = sleep
	}
	if cfg.Jitter == nil {
		cfg.Jitter = rand.Float64
	}
	c := &Client{
		cfg:     cfg,
		ua:      "vigil/" + cfg.Version,
		secrets: map[string]bool{},
		log:     cfg.Logger,
		limits:  map[string]*limiter{},
	}
	if c.log == nil {
		c.log = slog.New(slog.DiscardHandler)
	}
	for _, h := range append([]string{"apiKey", "Authorization", "Proxy-Authorization", "Cookie"}, cfg.SecretHeaders...) {
		c.secrets[http.CanonicalHeaderKey(h)] = true
	}
	for host, r := range cfg.Rates {
		c.limits[strings.ToLower(host)] = newLimiter(r)
	}
	rt := cfg.Transport
	if rt == nil {
		proxy := http.ProxyFromEnvironment
		if cfg.Proxy != "" {
			pu, err := url.Parse(cfg.Proxy)
			if err != nil || pu.Host == "" {
				return nil, fmt.Errorf("proxy %q: not a URL", source.Redact(cfg.Proxy))
			}
			proxy = http.ProxyURL(pu)
		}
		dialer := &net.Dialer{Timeout: cfg.DialTimeout, KeepAlive: 30 * time.Second}
		rt = &http.Transport{
			Proxy:                 proxy,
			DialContext:           dialer.DialContext,
			ForceAttemptHTTP2:     true,
			MaxIdleConns:          20,
			IdleConnTimeout:       90 * time.Second,
			TLSHandshakeTimeout:   cfg.DialTimeout,
			ResponseHeaderTimeout: cfg.HeaderTimeout,
			ExpectContinueTimeout: time.Second,
		}
	}
	c.hc = &http.Client{Transport: rt, CheckRedirect: c.checkRedirect}
	return c, nil
}

// ProxyFor returns the proxy the client's default transport uses for u,
// nil for a direct connection. With a Config.Transport it returns nil.
func (c *Client) ProxyFor(u string) (*url.URL, error) {
	t, ok := c.hc.Transport.(*http.Transport)
	if !ok || t.Proxy == nil {
		return nil, nil
	}
	req, err := http.NewRequest(http.MethodGet, u, nil)
	if err != nil {
		return nil, err
	}
	return t.Proxy(req)
}

// SetRate limits the requests to host (a host name without port).
func (c *Client) SetRate(host string, r Rate) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.limits[strings.ToLower(host)] = newLimiter(r)
}

func (c *Client) limiter(host string) *limiter {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.limits[strings.ToLower(host)]
}

// checkRedirect follows at most 10 redirects, refuses to go from https to
// http and drops secret headers when leaving the original host.
func (c *Client) checkRedirect(req *http.Request, via []*http.Request) error {
	if len(via) >= 10 {
		return errors.New("more than 10 redirects")
	}
	first := via[0]
	if first.URL.Scheme == "https" && req.URL.Scheme != "https" {
		return fmt.Errorf("redirect from https to %s refused", source.Redact(req.URL.String()))
	}
	if req.URL.Hostname() != first.URL.Hostname() {
		for h := range c.secrets {
			req.Header.Del(h)
		}
	}
	return nil
}

// Request is one GET.
type Request struct {
	URL string
	// Header adds request headers; values of secret headers (apiKey, …)
	// are never logged nor put in errors.
	Header http.Header
	// Validators from the last successful fetch make the request
	// conditional (If-None-Match, If-Modified-Since).
	Validators source.Validators
	// MaxSize bounds the body; zero means Config.MaxSize.
	MaxSize int64
	// Stats, when not nil, counts the requests and bytes.
	Stats *source.Stats
}

// Response is the answer to a Request.
type Response struct {
	// URL is where the body came from, after redirects.
	URL        string
	StatusCode int
	Header     http.Header
	// NotModified is true for a 304: Body is empty, the caller's copy is
	// current.
	NotModified bool
	// Validators identify this version of the document; store them in
	// a source.HTTPState once the body has been used.
	Validators source.Validators
	// ContentLength is the body length announced, or -1.
	ContentLength int64
	// Body is the body, bounded by the size limit and the stall timeout.
	// The caller closes it.
	Body io.ReadCloser
}

// StatusError is an HTTP status that is not success, after retries.
type StatusError struct {
	URL    string
	Code   int
	Status string
}

func (e *StatusError) Error() string {
	return fmt.Sprintf("get %s: %s", e.URL, e.Status)
}

// IsNotFound reports whether err is a 404 or 410 answer.
func IsNotFound(err error) bool {
	var se *StatusError
	return errors.As(err, &se) && (se.Code == http.StatusNotFound || se.Code == http.StatusGone)
}

// Get sends req, retrying on 429, 5xx, 408 and network errors, and
// returns the response of a 200, 206 or 304. Other statuses are a
// *StatusError. Errors name the URL (with secrets in its query redacted).
func (c *Client) Get(ctx context.Context, req Request) (*Response, error) {
	return c.get(ctx, req, nil)
}

// get is Get with extra per-attempt headers (for Download's Range).
func (c *Client) get(ctx context.Context, req Request, extra func(http.Header)) (*Response, error) {
	u, err := url.Parse(req.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("get %s: not an http(s) URL", source.Redact(req.URL))
	}
	where := source.Redact(req.URL)
	stats := req.Stats
	if stats == nil {
		stats = &source.Stats{}
	}
	max := req.MaxSize
	if max <= 0 {
		max = c.cfg.MaxSize
	}
	for attempt := 0; ; attempt++ {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("get %s: %w", where, err)
		}
		if l := c.limiter(u.Hostname()); l != nil {
			if d := l.reserve(c.cfg.Now()); d > 0 {
				if err := c.cfg.Sleep(ctx, d); err != nil {
					return nil, fmt.Errorf("get %s: %w", where, err)
				}
			}
		}
		if attempt > 0 {
			stats.Retries++
		}
		stats.Requests++
		resp, after, err := c.attempt(ctx, u, req, extra, max, stats, where)
		if err == nil {
			return resp, nil
		}
		var retry *retryable
		if !errors.As(err, &retry) {
			return nil, err
		}
		if attempt >= c.cfg.Retries {
			return nil, retry.err
		}
		d := c.backoff(attempt)
		if after > 0 {
			if after > c.cfg.MaxRetryAfter {
				return nil, fmt.Errorf("%w (server asks to retry after %s, more than %s)", retry.err, after, c.cfg.MaxRetryAfter)
			}
			d = after
		}
		c.log.DebugContext(ctx, "retrying", "url", where, "attempt", attempt+1, "wait_ms", d.Milliseconds(), "error", retry.err)
		if err := c.cfg.Sleep(ctx, d); err != nil {
			return nil, fmt.Errorf("get %s: %w", where, err)
		}
	}
}

// retryable marks an error worth another attempt.
type retryable struct{ err error }

func (r *retryable) Error() string { return r.err.Error() }
func (r *retryable) Unwrap() error { return r.err }

// attempt sends one request. A retryable failure comes back as
// *retryable, with the server's Retry-After when it gave one.
func (c *Client) attempt(ctx context.Context, u *url.URL, req Request, extra func(http.Header), max int64, stats *source.Stats, where string) (*Response, time.Duration, error) {
	actx, cancel := context.WithCancel(ctx)
	hr, err := http.NewRequestWithContext(actx, http.MethodGet, u.String(), nil)
	if err != nil {
		cancel()
		return nil, 0, fmt.Errorf("get %s: %w", where, err)
	}
	for k, vs := range req.Header {
		for _, v := range vs {
			hr.Header.Add(k, v)
		}
	}
	hr.Header.Set("User-Agent", c.ua)
	if req.Validators.ETag != "" {
		hr.Header.Set("If-None-Match", req.Validators.ETag)
	}
	if req.Validators.LastModified != "" {
		hr.Header.Set("If-Modified-Since", req.Validators.LastModified)
	}
	if extra != nil {
		extra(hr.Header)
	}
	resp, err := c.hc.Do(hr)
	if err != nil {
		cancel()
		err = c.scrub(err)
		if ctx.Err() != nil {
			return nil, 0, fmt.Errorf("get %s: %w", where, ctx.Err())
		}
		if permanent(err) {
			return nil, 0, fmt.Errorf("get %s: %w", where, err)
		}
		return nil, 0, &retryable{fmt.Errorf("get %s: %w", where, err)}
	}
	switch {
	case resp.StatusCode == http.StatusNotModified:
		stats.NotModified++
		drain(resp.Body)
		cancel()
		v := validators(resp.Header)
		if v.IsZero() {
			v = req.Validators
		}
		return &Response{URL: resp.Request.URL.String(), StatusCode: resp.StatusCode, Header: resp.Header,
			NotModified: true, Validators: v, ContentLength: 0, Body: http.NoBody}, 0, nil
	case resp.StatusCode == http.StatusOK || resp.StatusCode == http.StatusPartialContent:
		if resp.ContentLength > max {
			drain(resp.Body)
			cancel()
			return nil, 0, fmt.Errorf("get %s: body of %d bytes, more than %d: %w", where, resp.ContentLength, max, ingest.ErrLimit)
		}
		b := &body{rc: resp.Body, max: max, stats: stats, cancel: cancel, where: where, stall: c.cfg.StallTimeout}
		b.timer = time.AfterFunc(c.cfg.StallTimeout, b.stalled)
		return &Response{URL: resp.Request.URL.String(), StatusCode: resp.StatusCode, Header: resp.Header,
			Validators: validators(resp.Header), ContentLength: resp.ContentLength, Body: b}, 0, nil
	}
	drain(resp.Body)
	cancel()
	serr := &StatusError{URL: where, Code: resp.StatusCode, Status: resp.Status}
	switch resp.StatusCode {
	case http.StatusTooManyRequests, http.StatusRequestTimeout, http.StatusInternalServerError,
		http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return nil, retryAfter(resp.Header.Get("Retry-After"), c.cfg.Now()), &retryable{serr}
	}
	return nil, 0, serr
}

// backoff is MinBackoff·2^attempt capped at MaxBackoff, scaled by a
// jitter factor in [0.5, 1).
func (c *Client) backoff(attempt int) time.Duration {
	d := c.cfg.MaxBackoff
	if attempt < 30 {
		if e := c.cfg.MinBackoff << attempt; e > 0 && e < d {
			d = e
		}
	}
	return time.Duration(float64(d) * (0.5 + c.cfg.Jitter()/2))
}

// retryAfter parses a Retry-After header: seconds or an HTTP date.
func retryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if n, err := strconv.Atoi(v); err == nil {
		if n < 0 {
			return 0
		}
		return time.Duration(n) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		if d := t.Sub(now); d > 0 {
			return d
		}
	}
	return 0
}

// permanent reports network errors a retry cannot mend: bad
// certificates.
func permanent(err error) bool {
	var ce *tls.CertificateVerificationError
	var ua x509.UnknownAuthorityError
	var hn x509.HostnameError
	var ci x509.CertificateInvalidError
	return errors.As(err, &ce) || errors.As(err, &ua) || errors.As(err, &hn) || errors.As(err, &ci)
}

// scrub drops the *url.Error wrapper, which repeats the URL unredacted.
func (c *Client) scrub(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

func validators(h http.Header) source.Validators {
	return source.Validators{ETag: h.Get("ETag"), LastModified: h.Get("Last-Modified")}
}

func drain(rc io.ReadCloser) {
	_, _ = io.Copy(io.Discard, io.LimitReader(rc, 64<<10))
	rc.Close()
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// body bounds a response body in size and in stall time, and counts it.
type body struct {
	rc     io.ReadCloser
	max, n int64
	stats  *source.Stats
	cancel context.CancelFunc
	timer  *time.Timer
	stall  time.Duration
	where  string

	mu    sync.Mutex
	stuck bool
}

func (b *body) stalled() {
	b.mu.Lock()
	b.stuck = true
	b.mu.Unlock()
	b.cancel()
}

func (b *body) Read(p []byte) (int, error) {
	if b.n > b.max {
		return 0, fmt.Errorf("get %s: body larger than %d bytes: %w", b.where, b.max, ingest.ErrLimit)
	}
	if int64(len(p)) > b.max-b.n+1 {
		p = p[:b.max-b.n+1]
	}
	n, err := b.rc.Read(p)
	b.n += int64(n)
	b.stats.Bytes += int64(n)
	b.timer.Reset(b.stall)
	if b.n > b.max {
		return n, fmt.Errorf("get %s: body larger than %d bytes: %w", b.where, b.max, ingest.ErrLimit)
	}
	if err != nil && err != io.EOF {
		b.mu.Lock()
		stuck := b.stuck
		b.mu.Unlock()
		if stuck {
			return n, fmt.Errorf("get %s: no data for %s: %w", b.where, b.stall, context.DeadlineExceeded)
		}
		return n, fmt.Errorf("get %s: read body: %w", b.where, err)
	}
	return n, err
}

func (b *body) Close() error {
	b.timer.Stop()
	err := b.rc.Close()
	b.cancel()
	return err
}

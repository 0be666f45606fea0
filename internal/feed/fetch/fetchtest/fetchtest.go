// Package fetchtest holds fakes for testing code that uses feed/fetch: a
// clock whose Sleep returns at once and records the wait, and a transport
// that sends every request, whatever its host, to one local test server,
// so that the real default URLs of the feeds can be exercised without
// touching the network.
package fetchtest

import (
	"context"
	"crypto/tls"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"time"
)

// Clock is a fake clock. Sleep advances it instead of waiting.
type Clock struct {
	mu    sync.Mutex
	now   time.Time
	slept []time.Duration
}

// NewClock returns a clock set at t.
func NewClock(t time.Time) *Clock { return &Clock{now: t} }

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Sleep records d and moves the clock on by d; it fails only when ctx is
// done.
func (c *Clock) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
	c.slept = append(c.slept, d)
	return nil
}

// Advance moves the clock on by d without recording a sleep.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// Slept returns the waits so far.
func (c *Clock) Slept() []time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]time.Duration(nil), c.slept...)
}

// Route returns a transport that connects to ts for every request, for
// any host, http or https. ts must be a TLS server
// (httptest.NewTLSServer); its certificate is checked as that of
// "example.com", the name httptest certifies, so real URLs such as
// https://services.nvd.nist.gov/... reach ts with their Host intact.
func Route(ts *httptest.Server) http.RoundTripper {
	base := ts.Client().Transport.(*http.Transport).Clone()
	addr := ts.Listener.Addr().String()
	var d net.Dialer
	base.DialContext = func(ctx context.Context, network, _ string) (net.Conn, error) {
		return d.DialContext(ctx, network, addr)
	}
	base.DialTLSContext = func(ctx context.Context, network, _ string) (net.Conn, error) {
		conn, err := d.DialContext(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		cfg := base.TLSClientConfig.Clone()
		cfg.ServerName = "example.com"
		tc := tls.Client(conn, cfg)
		if err := tc.HandshakeContext(ctx); err != nil {
			conn.Close()
			return nil, err
		}
		return tc, nil
	}
	base.Proxy = nil
	return base
}

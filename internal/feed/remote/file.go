package remote

import (
	"context"
	"fmt"
	"net/url"
	"path"

	"github.com/vigil/vigil/internal/feed/fetch"
	"github.com/vigil/vigil/internal/feed/source"
)

// Default URLs of the single-file feeds.
const (
	// DefaultKEVURL is CISA's Known Exploited Vulnerabilities catalog.
	DefaultKEVURL = "https://www.cisa.gov/sites/default/files/feeds/known_exploited_vulnerabilities.json"
	// DefaultEPSSURL is FIRST's daily EPSS scores, served by Empirical
	// Security for FIRST (https://www.first.org/epss/data_stats); it
	// redirects to the dated epss_scores-YYYY-MM-DD.csv.gz.
	DefaultEPSSURL = "https://epss.empiricalsecurity.com/epss_scores-current.csv.gz"
)

// FileConfig configures a feed that is one document.
type FileConfig struct {
	// URL replaces the default URL.
	URL string
	// MaxSize bounds the document; default 256 MiB.
	MaxSize int64
}

// File is a feed published as one document, fetched whole when it
// changed (ETag / Last-Modified): the KEV catalog, the EPSS scores.
type File struct {
	name     string
	url      string
	maxSize  int64
	c        *fetch.Client
	cacheDir string
}

var _ source.Source = (*File)(nil)

// NewKEV returns the CISA KEV source.
func NewKEV(c *fetch.Client, cfg FileConfig, cacheDir string) *File {
	return newFile(KEVName, DefaultKEVURL, c, cfg, cacheDir)
}

// NewEPSS returns the FIRST EPSS source. Each day's file is kept in
// history by the importer (score by date).
func NewEPSS(c *fetch.Client, cfg FileConfig, cacheDir string) *File {
	return newFile(EPSSName, DefaultEPSSURL, c, cfg, cacheDir)
}

func newFile(name, def string, c *fetch.Client, cfg FileConfig, cacheDir string) *File {
	f := &File{name: name, url: cfg.URL, maxSize: cfg.MaxSize, c: c, cacheDir: cacheDir}
	if f.url == "" {
		f.url = def
	}
	if f.maxSize <= 0 {
		f.maxSize = 256 << 20
	}
	return f
}

// Name implements Source.
func (f *File) Name() string { return f.name }

// URL returns the document's URL.
func (f *File) URL() string { return f.url }

// Sync implements Source.
func (f *File) Sync(ctx context.Context, st *source.State, emit source.Emit) (source.Summary, error) {
	sum := source.Summary{Source: f.name}
	base := "document"
	if u, err := url.Parse(f.url); err == nil && path.Base(u.Path) != "" {
		base = path.Base(u.Path)
	}
	if _, err := syncFile(ctx, f.c, st, &sum, emit, f.url, cachePath(f.cacheDir, f.name, base), f.maxSize, false); err != nil {
		sum.Errors++
		return sum, fmt.Errorf("sync %s: %w", f.name, err)
	}
	return sum, nil
}

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
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/vigil/vigil/internal/feed"
	"github.com/vigil/vigil/internal/feed/fetch"
	"github.com/vigil/vigil/internal/feed/source"
)

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
func Sources(c *fetch.Client, cfg Config) ([]source.Source, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	csaf, err := NewCSAF(c, cfg.CSAF)
	if err != nil {
		return nil, err
	}
	return []source.Source{
		NewKEV(c, cfg.KEV, cfg.CacheDir),
		NewEPSS(c, cfg.EPSS, cfg.CacheDir),
		NewNVD(c, cfg.NVD, cfg.CacheDir, cfg.Now),
		NewOSV(c, cfg.OSV, cfg.CacheDir),
		csaf,
	}, nil
}

// ByName returns the source called name among srcs.
func ByName(srcs []source.Source, name string) (source.Source, error) {
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
// sink and adds what happened to rep (see source.Import).
func Import(importers []feed.Importer, sink feed.Sink, opt feed.Options, rep *feed.Report) source.Emit {
	return source.Import(importers, sink, opt, rep)
}

// emitFile opens a downloaded file and emits it.
func emitFile(ctx context.Context, emit source.Emit, src, name, path string, isZip bool) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return err
	}
	if err := emit(ctx, &source.Document{Source: src, Name: source.Redact(name), Body: f, Size: st.Size(), Zip: isZip}); err != nil {
		return fmt.Errorf("%s: %w", source.Redact(name), err)
	}
	return nil
}

// syncFile downloads one document into the cache (conditionally on what
// was emitted last time) and emits it when it changed.
func syncFile(ctx context.Context, c *fetch.Client, st *source.State, sum *source.Summary, emit source.Emit, u, path string, maxSize int64, isZip bool) (changed bool, err error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return false, fmt.Errorf("feed cache: %w", err)
	}
	dl, err := c.Download(ctx, fetch.Request{URL: u, Validators: st.Validators(u), MaxSize: maxSize, Stats: &sum.Stats}, path)
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
	st.SetValidators(u, dl.Validators)
	return true, nil
}

// cachePath names the cache file for a source's document.
func cachePath(dir, src string, parts ...string) string {
	clean := make([]string, 0, len(parts)+2)
	clean = append(clean, dir, src)
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

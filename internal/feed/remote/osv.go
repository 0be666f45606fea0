package remote

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"net/url"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/vigil/vigil/internal/feed"
	"github.com/vigil/vigil/internal/feed/fetch"
	"github.com/vigil/vigil/internal/feed/source"
)

// DefaultOSVURL is the OSV data dump bucket
// (https://google.github.io/osv.dev/data/#data-dumps).
const DefaultOSVURL = "https://osv-vulnerabilities.storage.googleapis.com"

// DefaultOSVEcosystems returns the ecosystems synced unless configured:
// the language and distribution ecosystems medical device software is
// commonly built from.
func DefaultOSVEcosystems() []string {
	return []string{"PyPI", "npm", "Maven", "Go", "crates.io", "NuGet", "RubyGems", "Packagist", "Debian", "Alpine", "Ubuntu"}
}

// OSVConfig configures the OSV source.
type OSVConfig struct {
	// URL replaces DefaultOSVURL.
	URL string
	// Ecosystems are the bucket's directory names ("PyPI", "crates.io");
	// default DefaultOSVEcosystems.
	Ecosystems []string
	// MaxIncremental is how many changed records are fetched one by one;
	// more, and the ecosystem's all.zip is fetched instead. Default 5000.
	MaxIncremental int
	// MaxRecordSize bounds one record; default 16 MiB.
	MaxRecordSize int64
	// MaxZipSize bounds an all.zip; default 8 GiB.
	MaxZipSize int64
}

// OSV syncs OSV's per-ecosystem data dumps. The first run of an
// ecosystem fetches its all.zip; later runs read its modified_id.csv
// ("<modified>,<id>" per line) and fetch only the records modified since,
// as <ECOSYSTEM>/<ID>.json, oldest first, falling back to all.zip when the
// list is missing or too many records changed.
type OSV struct {
	cfg      OSVConfig
	c        *fetch.Client
	cacheDir string
}

var _ source.Source = (*OSV)(nil)

// NewOSV returns the OSV source.
func NewOSV(c *fetch.Client, cfg OSVConfig, cacheDir string) *OSV {
	if cfg.URL == "" {
		cfg.URL = DefaultOSVURL
	}
	cfg.URL = strings.TrimSuffix(cfg.URL, "/")
	if len(cfg.Ecosystems) == 0 {
		cfg.Ecosystems = DefaultOSVEcosystems()
	}
	if cfg.MaxIncremental <= 0 {
		cfg.MaxIncremental = 5000
	}
	if cfg.MaxRecordSize <= 0 {
		cfg.MaxRecordSize = 16 << 20
	}
	if cfg.MaxZipSize <= 0 {
		cfg.MaxZipSize = 8 << 30
	}
	return &OSV{cfg: cfg, c: c, cacheDir: cacheDir}
}

// Name implements Source.
func (o *OSV) Name() string { return OSVName }

// Sync implements Source. Ecosystems are synced in turn; the first that
// fails stops the sync.
func (o *OSV) Sync(ctx context.Context, st *source.State, emit source.Emit) (source.Summary, error) {
	sum := source.Summary{Source: OSVName}
	for _, eco := range o.cfg.Ecosystems {
		if err := o.ecosystem(ctx, eco, st, &sum, emit); err != nil {
			return sum, fmt.Errorf("sync osv %s: %w", eco, err)
		}
	}
	return sum, nil
}

func (o *OSV) url(eco, name string) string {
	return o.cfg.URL + "/" + url.PathEscape(eco) + "/" + url.PathEscape(name)
}

// modified is one line of a modified_id.csv.
type modified struct {
	at time.Time
	id string
}

func (o *OSV) ecosystem(ctx context.Context, eco string, st *source.State, sum *source.Summary, emit source.Emit) error {
	cur := st.Cursor("osv/" + eco)
	csvURL := o.url(eco, "modified_id.csv")
	csvPath := cachePath(o.cacheDir, OSVName, eco, "modified_id.csv")
	if err := os.MkdirAll(cachePath(o.cacheDir, OSVName, eco), 0o700); err != nil {
		return fmt.Errorf("feed cache: %w", err)
	}
	// The list is read before the records so that its newest date is a
	// safe high-water mark: anything modified later comes next time.
	var list []modified
	var csvV source.Validators
	haveList := false
	dl, err := o.c.Download(ctx, fetch.Request{URL: csvURL, Validators: st.Validators(csvURL), MaxSize: 1 << 30, Stats: &sum.Stats}, csvPath)
	switch {
	case fetch.IsNotFound(err):
		sum.AddProblem(csvURL, "no modified_id.csv; fetching all.zip")
	case err != nil:
		sum.Errors++
		return err
	case dl.NotModified && !cur.Since.IsZero():
		return nil // nothing changed since the list we worked through
	default:
		if list, err = readModifiedIDs(csvPath, sum, csvURL); err != nil {
			sum.Errors++
			return err
		}
		csvV, haveList = dl.Validators, true
	}
	var newest time.Time
	for _, m := range list {
		if m.at.After(newest) {
			newest = m.at
		}
	}
	if haveList && !cur.Since.IsZero() {
		var changed []modified
		for _, m := range list {
			if m.at.After(cur.Since) {
				changed = append(changed, m)
			}
		}
		if len(changed) <= o.cfg.MaxIncremental {
			if err := o.records(ctx, eco, changed, cur, sum, emit); err != nil {
				return err
			}
			st.SetValidators(csvURL, csvV)
			return nil
		}
	}
	zipURL := o.url(eco, "all.zip")
	changed, err := syncFile(ctx, o.c, st, sum, emit, zipURL, cachePath(o.cacheDir, OSVName, eco, "all.zip"), o.cfg.MaxZipSize, true)
	if err != nil {
		sum.Errors++
		return err
	}
	if (changed || cur.Since.IsZero()) && !newest.IsZero() {
		cur.Since = newest
	}
	if haveList {
		st.SetValidators(csvURL, csvV)
	}
	return nil
}

// records fetches and emits the changed records oldest first. The cursor
// moves past a date once every record of that date is emitted.
func (o *OSV) records(ctx context.Context, eco string, changed []modified, cur *source.Cursor, sum *source.Summary, emit source.Emit) error {
	sort.SliceStable(changed, func(i, j int) bool { return changed[i].at.Before(changed[j].at) })
	for i, m := range changed {
		u := o.url(eco, m.id+".json")
		b, _, err := o.c.Bytes(ctx, fetch.Request{URL: u, MaxSize: o.cfg.MaxRecordSize, Stats: &sum.Stats})
		switch {
		case fetch.IsNotFound(err):
			// Listed, then deleted before we got to it.
			sum.Fail(u, err)
		case err != nil:
			sum.Errors++
			return err
		default:
			if err := emit(ctx, &source.Document{Source: OSVName, Name: u, Body: bytes.NewReader(b), Size: int64(len(b))}); err != nil {
				return fmt.Errorf("%s: %w", u, err)
			}
			sum.Documents++
		}
		if i == len(changed)-1 || changed[i+1].at.After(m.at) {
			cur.Since = m.at
		}
	}
	return nil
}

// readModifiedIDs reads a modified_id.csv: "<RFC 3339 time>,<id>" per
// line, the id possibly prefixed "<ECOSYSTEM>/" (the bucket's root list).
func readModifiedIDs(path string, sum *source.Summary, u string) ([]modified, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var list []modified
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	bad := 0
	for line := 1; sc.Scan(); line++ {
		text := strings.TrimSpace(sc.Text())
		if text == "" {
			continue
		}
		ts, id, ok := strings.Cut(text, ",")
		at, err := feed.ParseTime(ts)
		if i := strings.LastIndexByte(id, '/'); i >= 0 {
			id = id[i+1:]
		}
		if !ok || err != nil || at.IsZero() || id == "" || strings.ContainsAny(id, `\`) || id == "." || id == ".." {
			if bad++; bad <= 5 {
				sum.AddProblem(u, fmt.Sprintf("line %d: not \"<time>,<id>\"", line))
			}
			continue
		}
		list = append(list, modified{at: at, id: id})
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", source.Redact(u), err)
	}
	return list, nil
}

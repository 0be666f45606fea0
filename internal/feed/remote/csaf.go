package remote

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/vigil/vigil/internal/csaf"
	"github.com/vigil/vigil/internal/feed"
	"github.com/vigil/vigil/internal/feed/fetch"
	"github.com/vigil/vigil/internal/feed/source"
	"github.com/vigil/vigil/internal/ingest"
)

// DefaultCSAFProviders returns the providers synced unless configured:
// CISA, whose CSAF feeds carry the ICS and ICS medical (ICSMA) advisories.
func DefaultCSAFProviders() []CSAFProvider {
	return []CSAFProvider{{URL: "https://www.cisa.gov/.well-known/csaf/provider-metadata.json"}}
}

// CSAFConfig configures the CSAF source.
type CSAFConfig struct {
	// Providers to sync; default DefaultCSAFProviders.
	Providers []CSAFProvider
	// AllowTLP lists TLP labels authorised beyond WHITE and CLEAR (e.g.
	// "GREEN"), for feeds this installation is entitled to. Upper case.
	AllowTLP []string
	// RequireChecksum refuses a document that has neither a .sha256 nor
	// a .sha512 file.
	RequireChecksum bool
	// MaxDocumentSize bounds one advisory; default 64 MiB.
	MaxDocumentSize int64
	// MaxFeedSize bounds a ROLIE feed, changes.csv or index.txt; default
	// 256 MiB.
	MaxFeedSize int64
}

// CSAFProvider is one CSAF provider (or aggregator, whose providers are
// all synced).
type CSAFProvider struct {
	// URL is the provider-metadata.json URL, an aggregator.json URL, or a
	// bare domain, meaning https://DOMAIN/.well-known/csaf/provider-metadata.json.
	URL string
	// Keys are the provider's armored OpenPGP public keys. With keys,
	// each document's .asc signature is checked when present.
	Keys []string
	// RequireSignature refuses documents without a valid signature
	// (needs Keys).
	RequireSignature bool
	// Header is sent with every request to the provider (credentials for
	// a non-public feed); its values count as secret only under the
	// names fetch treats as secret (Authorization, …).
	Header http.Header
}

// CSAF syncs CSAF 2.0 providers through the distribution rules of CSAF
// 2.0 section 7: the provider-metadata.json lists ROLIE feeds (used when
// present) or directories with changes.csv (or index.txt). Each advisory
// is fetched with its .sha256/.sha512 and checked, its .asc signature is
// verified when the provider's keys are given, and only TLP:WHITE/CLEAR
// feeds and documents are taken unless other labels are authorised.
// Feeds advance by their entries' "updated" dates, directories by the
// dates in changes.csv; documents that fail a check are retried next run.
type CSAF struct {
	cfg       CSAFConfig
	c         *fetch.Client
	allow     map[string]bool
	verifiers []*csaf.Verifier
}

var _ source.Source = (*CSAF)(nil)

// NewCSAF returns the CSAF source; it fails on a provider key that does
// not parse.
func NewCSAF(c *fetch.Client, cfg CSAFConfig) (*CSAF, error) {
	if len(cfg.Providers) == 0 {
		cfg.Providers = DefaultCSAFProviders()
	}
	if cfg.MaxDocumentSize <= 0 {
		cfg.MaxDocumentSize = 64 << 20
	}
	if cfg.MaxFeedSize <= 0 {
		cfg.MaxFeedSize = 256 << 20
	}
	s := &CSAF{cfg: cfg, c: c, allow: map[string]bool{"WHITE": true, "CLEAR": true}}
	for _, l := range cfg.AllowTLP {
		s.allow[strings.ToUpper(strings.TrimSpace(l))] = true
	}
	for i, p := range cfg.Providers {
		var v *csaf.Verifier
		if len(p.Keys) > 0 {
			var err error
			if v, err = csaf.NewVerifier(p.Keys...); err != nil {
				return nil, fmt.Errorf("csaf provider %d (%s): %w", i, source.Redact(p.URL), err)
			}
		} else if p.RequireSignature {
			return nil, fmt.Errorf("csaf provider %d (%s): signatures required but no keys given", i, source.Redact(p.URL))
		}
		s.verifiers = append(s.verifiers, v)
	}
	return s, nil
}

// Name implements Source.
func (s *CSAF) Name() string { return CSAFName }

// Sync implements Source.
func (s *CSAF) Sync(ctx context.Context, st *source.State, emit source.Emit) (source.Summary, error) {
	sum := source.Summary{Source: CSAFName}
	for i, p := range s.cfg.Providers {
		pr := &provider{CSAFProvider: p, verifier: s.verifiers[i]}
		if err := s.provider(ctx, pr, providerURL(p.URL), st, &sum, emit, true); err != nil {
			return sum, fmt.Errorf("sync csaf %s: %w", source.Redact(p.URL), err)
		}
	}
	return sum, nil
}

type provider struct {
	CSAFProvider
	verifier *csaf.Verifier
}

// providerURL turns a bare domain into its well-known metadata URL.
func providerURL(s string) string {
	if strings.Contains(s, "://") {
		return s
	}
	return "https://" + strings.Trim(s, "/") + "/.well-known/csaf/provider-metadata.json"
}

// providerMetadata is the part of provider-metadata.json (and of an
// aggregator.json) that distribution needs.
type providerMetadata struct {
	Distributions []struct {
		DirectoryURL string `json:"directory_url"`
		ROLIE        *struct {
			Feeds []struct {
				TLPLabel string `json:"tlp_label"`
				URL      string `json:"url"`
			} `json:"feeds"`
		} `json:"rolie"`
	} `json:"distributions"`
	Aggregator   json.RawMessage `json:"aggregator"`
	CSAFProvider []struct {
		Metadata struct {
			URL string `json:"url"`
		} `json:"metadata"`
	} `json:"csaf_providers"`
}

func (s *CSAF) provider(ctx context.Context, p *provider, pmURL string, st *source.State, sum *source.Summary, emit source.Emit, top bool) error {
	b, _, err := s.c.Bytes(ctx, fetch.Request{URL: pmURL, Header: p.Header, MaxSize: 16 << 20, Stats: &sum.Stats})
	if err != nil {
		sum.Errors++
		return err
	}
	var pm providerMetadata
	if err := json.Unmarshal(b, &pm); err != nil {
		sum.Errors++
		return fmt.Errorf("%s: %w", source.Redact(pmURL), err)
	}
	if len(pm.Aggregator) > 0 {
		if !top {
			sum.AddProblem(pmURL, "aggregator listed by an aggregator; not followed")
			return nil
		}
		for _, cp := range pm.CSAFProvider {
			u, err := resolve(pmURL, cp.Metadata.URL)
			if err != nil {
				sum.Fail(pmURL, err)
				continue
			}
			// One listed provider failing does not stop the others.
			sub := &provider{CSAFProvider: CSAFProvider{URL: u}}
			if err := s.provider(ctx, sub, u, st, sum, emit, false); err != nil {
				var emitErr *emitError
				if ctx.Err() != nil || errors.As(err, &emitErr) {
					return err
				}
				sum.AddProblem(u, err.Error())
			}
		}
		return nil
	}
	var feeds, dirs []string
	hasROLIE := false
	for _, d := range pm.Distributions {
		if d.ROLIE != nil {
			hasROLIE = true
			for _, f := range d.ROLIE.Feeds {
				u, err := resolve(pmURL, f.URL)
				if err != nil {
					sum.Fail(pmURL, err)
					continue
				}
				if label := strings.ToUpper(f.TLPLabel); !s.allow[label] {
					sum.Skipped++
					sum.AddProblem(u, fmt.Sprintf("feed is TLP:%s, not authorised", label))
					continue
				}
				feeds = append(feeds, u)
			}
		}
		if d.DirectoryURL != "" {
			u, err := resolve(pmURL, d.DirectoryURL)
			if err != nil {
				sum.Fail(pmURL, err)
				continue
			}
			dirs = append(dirs, u)
		}
	}
	// ROLIE feeds when there are any, else the directories: both usually
	// list the same documents.
	if hasROLIE {
		for _, f := range feeds {
			if err := s.rolie(ctx, p, f, st, sum, emit); err != nil {
				return err
			}
		}
		return nil
	}
	for _, d := range dirs {
		if err := s.directory(ctx, p, d, st, sum, emit); err != nil {
			return err
		}
	}
	return nil
}

// entry is one advisory to fetch: its URL, date, and the checksum and
// signature files named for it.
type entry struct {
	url       string
	updated   time.Time
	hashes    []string
	signature string
}

type rolieFeed struct {
	Feed struct {
		Entry []struct {
			ID      string `json:"id"`
			Updated string `json:"updated"`
			Link    []struct {
				Rel  string `json:"rel"`
				Href string `json:"href"`
			} `json:"link"`
			Content struct {
				Src string `json:"src"`
			} `json:"content"`
		} `json:"entry"`
	} `json:"feed"`
}

// rolie syncs one ROLIE feed.
func (s *CSAF) rolie(ctx context.Context, p *provider, feedURL string, st *source.State, sum *source.Summary, emit source.Emit) error {
	cur := st.Cursor("csaf/" + feedURL)
	b, resp, err := s.c.Bytes(ctx, fetch.Request{URL: feedURL, Header: p.Header, Validators: st.Validators(feedURL), MaxSize: s.cfg.MaxFeedSize, Stats: &sum.Stats})
	if err != nil {
		sum.Errors++
		return err
	}
	var entries []entry
	if !resp.NotModified {
		var f rolieFeed
		if err := json.Unmarshal(b, &f); err != nil {
			sum.Errors++
			return fmt.Errorf("rolie feed %s: %w", source.Redact(feedURL), err)
		}
		for i, e := range f.Feed.Entry {
			var en entry
			src := e.Content.Src
			for _, l := range e.Link {
				switch l.Rel {
				case "self":
					if src == "" {
						src = l.Href
					}
				case "hash":
					en.hashes = append(en.hashes, l.Href)
				case "signature":
					en.signature = l.Href
				}
			}
			u, err := resolve(feedURL, src)
			if err != nil {
				sum.Fail(feedURL, fmt.Errorf("entry %d (%s): %w", i, e.ID, err))
				continue
			}
			en.url = u
			for j, h := range en.hashes {
				if en.hashes[j], err = resolve(feedURL, h); err != nil {
					en.hashes[j] = ""
				}
			}
			if en.signature != "" {
				if en.signature, err = resolve(feedURL, en.signature); err != nil {
					en.signature = ""
				}
			}
			if en.updated, err = feed.ParseTime(e.Updated); err != nil {
				sum.Fail(u, fmt.Errorf("entry %s: updated: %w", e.ID, err))
				continue
			}
			entries = append(entries, en)
		}
	}
	if err := s.entries(ctx, p, cur, entries, sum, emit); err != nil {
		return err
	}
	if !resp.NotModified {
		st.SetValidators(feedURL, resp.Validators)
	}
	return nil
}

// directory syncs a directory distribution by its changes.csv, or its
// index.txt when there is no changes.csv.
func (s *CSAF) directory(ctx context.Context, p *provider, dirURL string, st *source.State, sum *source.Summary, emit source.Emit) error {
	if !strings.HasSuffix(dirURL, "/") {
		dirURL += "/"
	}
	cur := st.Cursor("csaf/" + dirURL)
	changesURL := dirURL + "changes.csv"
	b, resp, err := s.c.Bytes(ctx, fetch.Request{URL: changesURL, Header: p.Header, Validators: st.Validators(changesURL), MaxSize: s.cfg.MaxFeedSize, Stats: &sum.Stats})
	if fetch.IsNotFound(err) {
		return s.index(ctx, p, dirURL, cur, st, sum, emit)
	}
	if err != nil {
		sum.Errors++
		return err
	}
	var entries []entry
	if !resp.NotModified {
		r := csv.NewReader(bytes.NewReader(b))
		r.FieldsPerRecord = -1
		for line := 1; ; line++ {
			rec, err := r.Read()
			if err == io.EOF {
				break
			}
			if err != nil || len(rec) < 2 {
				sum.Fail(changesURL, fmt.Errorf("line %d: not \"path,time\"", line))
				if err != nil && !errors.Is(err, csv.ErrFieldCount) {
					break
				}
				continue
			}
			u, uerr := resolve(dirURL, strings.TrimSpace(rec[0]))
			at, terr := feed.ParseTime(rec[1])
			if uerr != nil || terr != nil {
				sum.Fail(changesURL, fmt.Errorf("line %d: %w", line, errors.Join(uerr, terr)))
				continue
			}
			entries = append(entries, entry{url: u, updated: at})
		}
	}
	if err := s.entries(ctx, p, cur, entries, sum, emit); err != nil {
		return err
	}
	if !resp.NotModified {
		st.SetValidators(changesURL, resp.Validators)
	}
	return nil
}

// index syncs a directory by its index.txt: no dates, so every document
// listed is fetched whenever the index changes.
func (s *CSAF) index(ctx context.Context, p *provider, dirURL string, cur *source.Cursor, st *source.State, sum *source.Summary, emit source.Emit) error {
	indexURL := dirURL + "index.txt"
	b, resp, err := s.c.Bytes(ctx, fetch.Request{URL: indexURL, Header: p.Header, Validators: st.Validators(indexURL), MaxSize: s.cfg.MaxFeedSize, Stats: &sum.Stats})
	if err != nil {
		sum.Errors++
		return err
	}
	var entries []entry
	if !resp.NotModified {
		for _, line := range strings.Split(string(b), "\n") {
			if line = strings.TrimSpace(line); line == "" {
				continue
			}
			u, err := resolve(dirURL, line)
			if err != nil {
				sum.Fail(indexURL, err)
				continue
			}
			entries = append(entries, entry{url: u})
		}
		cur.Since = time.Time{}
	}
	if err := s.entries(ctx, p, cur, entries, sum, emit); err != nil {
		return err
	}
	if !resp.NotModified {
		st.SetValidators(indexURL, resp.Validators)
	}
	return nil
}

// entries fetches the entries updated after cur.Since, oldest first, then
// the documents due for a retry. cur.Since moves past a date once every
// entry of that date is done; a document that fails a check joins
// cur.Retry.
func (s *CSAF) entries(ctx context.Context, p *provider, cur *source.Cursor, all []entry, sum *source.Summary, emit source.Emit) error {
	var todo []entry
	for _, e := range all {
		if e.updated.IsZero() || e.updated.After(cur.Since) {
			todo = append(todo, e)
		}
	}
	sort.SliceStable(todo, func(i, j int) bool { return todo[i].updated.Before(todo[j].updated) })
	fresh := len(todo)
	retry := cur.Retry
	cur.Retry = nil
	queued := map[string]bool{}
	for _, e := range todo {
		queued[e.url] = true
	}
	for _, u := range retry {
		if !queued[u] {
			todo = append(todo, entry{url: u})
			queued[u] = true
		}
	}
	for i, e := range todo {
		err := s.document(ctx, p, e, sum, emit)
		var rej *rejection
		switch {
		case errors.As(err, &rej) && rej.skip:
			sum.Skipped++
			sum.AddProblem(e.url, rej.err.Error())
		case errors.As(err, &rej):
			sum.Fail(e.url, rej.err)
			if rej.retry && !slices.Contains(cur.Retry, e.url) {
				cur.Retry = append(cur.Retry, e.url)
			}
		case err != nil:
			// Keep the retries not yet done before giving up.
			for _, r := range todo[max(i, fresh):] {
				if !slices.Contains(cur.Retry, r.url) {
					cur.Retry = append(cur.Retry, r.url)
				}
			}
			return err
		}
		if i < fresh && !e.updated.IsZero() && (i == fresh-1 || todo[i+1].updated.After(e.updated)) {
			cur.Since = e.updated
		}
	}
	return nil
}

// rejection is a document left out: a failed check or a missing file
// (with retry, tried again next run), or a TLP label not authorised
// (skip).
type rejection struct {
	err         error
	retry, skip bool
}

func (r *rejection) Error() string { return r.err.Error() }

// document fetches one advisory with its checksums and signature, checks
// them and its TLP label, and emits it. A document left out comes back
// as a *rejection; any other error stops the sync.
func (s *CSAF) document(ctx context.Context, p *provider, e entry, sum *source.Summary, emit source.Emit) error {
	data, _, err := s.c.Bytes(ctx, fetch.Request{URL: e.url, Header: p.Header, MaxSize: s.cfg.MaxDocumentSize, Stats: &sum.Stats})
	if err != nil {
		var se *fetch.StatusError
		if errors.As(err, &se) {
			return &rejection{err: err, retry: !fetch.IsNotFound(err)}
		}
		if errors.Is(err, ingest.ErrLimit) {
			return &rejection{err: err}
		}
		return err
	}
	hashes := e.hashes
	probing := len(hashes) == 0
	if probing {
		hashes = []string{e.url + ".sha512", e.url + ".sha256"}
	}
	checked := 0
	for _, hu := range hashes {
		if hu == "" {
			continue
		}
		want, _, err := s.c.Bytes(ctx, fetch.Request{URL: hu, Header: p.Header, MaxSize: 64 << 10, Stats: &sum.Stats})
		if fetch.IsNotFound(err) && probing {
			continue
		}
		if err != nil {
			var se *fetch.StatusError
			if errors.As(err, &se) || errors.Is(err, ingest.ErrLimit) {
				return &rejection{err: fmt.Errorf("checksum: %w", err), retry: true}
			}
			return err
		}
		if err := checkHash(hu, want, data); err != nil {
			return &rejection{err: err, retry: true}
		}
		checked++
	}
	if checked == 0 && s.cfg.RequireChecksum {
		return &rejection{err: fmt.Errorf("no .sha256 or .sha512 file: %w", csaf.ErrVerify)}
	}
	if p.verifier != nil {
		su := e.signature
		if su == "" {
			su = e.url + ".asc"
		}
		sig, _, err := s.c.Bytes(ctx, fetch.Request{URL: su, Header: p.Header, MaxSize: 64 << 10, Stats: &sum.Stats})
		switch {
		case fetch.IsNotFound(err):
			if p.RequireSignature {
				return &rejection{err: fmt.Errorf("no signature %s: %w", source.Redact(su), csaf.ErrVerify)}
			}
		case err != nil:
			var se *fetch.StatusError
			if errors.As(err, &se) || errors.Is(err, ingest.ErrLimit) {
				return &rejection{err: fmt.Errorf("signature: %w", err), retry: true}
			}
			return err
		default:
			if err := p.verifier.VerifySignature(data, sig); err != nil {
				return &rejection{err: err, retry: true}
			}
		}
	}
	if label := documentTLP(data); label != "" && !s.allow[label] {
		return &rejection{err: fmt.Errorf("document is TLP:%s, not authorised", label), skip: true}
	}
	if err := emit(ctx, &source.Document{Source: CSAFName, Name: source.Redact(e.url), Body: bytes.NewReader(data), Size: int64(len(data))}); err != nil {
		return &emitError{fmt.Errorf("%s: %w", source.Redact(e.url), err)}
	}
	sum.Documents++
	return nil
}

// emitError is an error from Emit, which stops everything.
type emitError struct{ err error }

func (e *emitError) Error() string { return e.err.Error() }
func (e *emitError) Unwrap() error { return e.err }

// checkHash compares data with a checksum file ("HEX" or "HEX  NAME"),
// whose algorithm its name's extension gives, else its length.
func checkHash(u string, file, data []byte) error {
	fields := strings.Fields(string(file))
	if len(fields) == 0 {
		return fmt.Errorf("%s is empty: %w", source.Redact(u), csaf.ErrVerify)
	}
	want := strings.ToLower(fields[0])
	var h hash.Hash
	switch {
	case strings.HasSuffix(u, ".sha256") || len(want) == 64:
		h = sha256.New()
	case strings.HasSuffix(u, ".sha512") || len(want) == 128:
		h = sha512.New()
	default:
		return fmt.Errorf("%s: unknown checksum algorithm: %w", source.Redact(u), csaf.ErrVerify)
	}
	h.Write(data)
	if got := hex.EncodeToString(h.Sum(nil)); got != want {
		return fmt.Errorf("checksum mismatch: document hashes to %s, %s says %s: %w", clip(got), source.Redact(u), clip(want), csaf.ErrVerify)
	}
	return nil
}

func clip(s string) string {
	if len(s) > 16 {
		return s[:16] + "…"
	}
	return s
}

// documentTLP returns the document's upper-case TLP label, or "".
func documentTLP(data []byte) string {
	var d struct {
		Document struct {
			Distribution struct {
				TLP struct {
					Label string `json:"label"`
				} `json:"tlp"`
			} `json:"distribution"`
		} `json:"document"`
	}
	if json.Unmarshal(data, &d) != nil {
		return ""
	}
	return strings.ToUpper(strings.TrimSpace(d.Document.Distribution.TLP.Label))
}

// resolve resolves ref against base and insists on http(s).
func resolve(base, ref string) (string, error) {
	b, err := url.Parse(base)
	if err != nil {
		return "", fmt.Errorf("url %q: %w", source.Redact(base), err)
	}
	r, err := url.Parse(strings.TrimSpace(ref))
	if err != nil || ref == "" {
		return "", fmt.Errorf("url %q: not a URL", source.Redact(ref))
	}
	u := b.ResolveReference(r)
	if u.Scheme != "https" && u.Scheme != "http" {
		return "", fmt.Errorf("url %q: not http(s)", source.Redact(u.String()))
	}
	return u.String(), nil
}

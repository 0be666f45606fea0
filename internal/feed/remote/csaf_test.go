package remote_test

import (
	"bytes"
	"crypto/sha512"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/ProtonMail/gopenpgp/v2/crypto"

	"github.com/vigil/vigil/internal/feed"
	"github.com/vigil/vigil/internal/feed/fetch"
	"github.com/vigil/vigil/internal/feed/remote"
	"github.com/vigil/vigil/internal/feed/source"
	"github.com/vigil/vigil/internal/realdata"
)

// localCSAF returns the real CISA advisories of the test data by file
// name.
func localCSAF(t *testing.T) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, dir := range []string{"csaf/cisa-icsma", "csaf/cisa-icsa-it"} {
		paths, _ := filepath.Glob(filepath.Join(testdata(t), dir, "*.json"))
		for _, p := range paths {
			out[filepath.Base(p)] = p
		}
	}
	if len(out) == 0 {
		t.Fatal("no CSAF files")
	}
	return out
}

func sha512Hex(b []byte) []byte {
	s := sha512.Sum512(b)
	return []byte(hex.EncodeToString(s[:]) + "  document.json\n")
}

// serveAdvisory serves a real advisory at u with its .sha512: the real
// one when the test data has it, else computed.
func serveAdvisory(t *testing.T, w *world, u, p string) []byte {
	t.Helper()
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	w.file(u, data, `"`+path.Base(u)+`"`)
	sum, err := os.ReadFile(p + ".sha512")
	if err != nil {
		sum = sha512Hex(data)
	}
	w.file(u+".sha512", sum, `"`+path.Base(u)+`.sha512"`)
	return data
}

type rolieEntry struct {
	url     string
	updated time.Time
}

func rolieEntries(t *testing.T, p string) []rolieEntry {
	t.Helper()
	var f struct {
		Feed struct {
			Entry []struct {
				Updated string
				Content struct{ Src string }
			}
		}
	}
	if err := json.Unmarshal(readFile(t, p), &f); err != nil {
		t.Fatal(err)
	}
	var out []rolieEntry
	for _, e := range f.Feed.Entry {
		at, err := feed.ParseTime(e.Updated)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, rolieEntry{e.Content.Src, at})
	}
	return out
}

const (
	cisaMetadata = "https://www.cisa.gov/.well-known/csaf/provider-metadata.json"
	otFeed       = "https://raw.githubusercontent.com/cisagov/CSAF/develop/csaf_files/OT/white/cisa-csaf-ot-feed-tlp-white.json"
	itFeed       = "https://raw.githubusercontent.com/cisagov/CSAF/develop/csaf_files/IT/white/cisa-csaf-it-feed-tlp-white.json"
	amberFeed    = "https://www.cisa.gov/csaf/amber/feed-tlp-amber.json"
)

// providerMetadata writes a provider-metadata.json with the given
// distributions, shaped as CISA's.
func providerMetadata(t *testing.T, dists ...map[string]any) []byte {
	t.Helper()
	b, err := json.Marshal(map[string]any{
		"canonical_url":    cisaMetadata,
		"distributions":    dists,
		"last_updated":     "2024-10-24T19:23:12Z",
		"metadata_version": "2.0",
		"publisher":        map[string]any{"category": "coordinator", "name": "CISA", "namespace": "https://www.cisa.gov/"},
		"role":             "csaf_trusted_provider",
	})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func rolieDist(feeds ...[2]string) map[string]any {
	var fs []map[string]string
	for _, f := range feeds {
		fs = append(fs, map[string]string{"tlp_label": f[0], "url": f[1]})
	}
	return map[string]any{"rolie": map[string]any{"feeds": fs}}
}

func TestCSAF_CISAROLIE(t *testing.T) {
	t.Parallel()
	local := localCSAF(t)
	w := newWorld(t, fetch.Config{})
	w.file(cisaMetadata, providerMetadata(t, rolieDist([2]string{"WHITE", otFeed}, [2]string{"WHITE", itFeed}, [2]string{"AMBER", amberFeed})), `"pm"`)
	w.file(otFeed, readFile(t, "csaf/cisa-distribution/cisa-csaf-ot-feed-tlp-white.json"), `"ot-1"`)
	w.file(itFeed, readFile(t, "csaf/cisa-distribution/cisa-csaf-it-feed-tlp-white.json"), `"it-1"`)
	w.handle(amberFeed, func(http.ResponseWriter, *http.Request) { t.Error("TLP:AMBER feed fetched") })
	entries := append(rolieEntries(t, "csaf/cisa-distribution/cisa-csaf-ot-feed-tlp-white.json"),
		rolieEntries(t, "csaf/cisa-distribution/cisa-csaf-it-feed-tlp-white.json")...)
	served, missing := 0, 0
	var tampered string
	var otNewest time.Time
	for i, e := range entries {
		if i < len(entries)-4 && e.updated.After(otNewest) {
			otNewest = e.updated
		}
		p, ok := local[path.Base(e.url)]
		if !ok {
			missing++
			continue
		}
		served++
		serveAdvisory(t, w, e.url, p)
		if path.Base(e.url) == "icsma-18-058-02.json" {
			tampered = e.url
			w.file(e.url+".sha512", sha512Hex([]byte("not the advisory")), `"bad"`)
		}
	}
	if served < 40 || tampered == "" {
		t.Fatalf("only %d advisories of the feeds in the test data", served)
	}

	emit, sink, rep := importer(t)
	st := &source.State{}
	src := w.source(t, remote.Config{}, remote.CSAFName)
	sum, err := src.Sync(t.Context(), st, emit)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Documents != served-1 || sum.Errors != missing+1 || sum.Skipped != 1 {
		t.Errorf("documents %d, errors %d, skipped %d; want %d, %d, 1", sum.Documents, sum.Errors, sum.Skipped, served-1, missing+1)
	}
	if len(sink.Advisories) != served-1 || !slices.Equal(rep.Importers, []string{"feed/csaf"}) || rep.SkippedFiles != 0 {
		t.Errorf("imported %d advisories (%+v)", len(sink.Advisories), rep)
	}
	if len(sum.Problems) != source.MaxProblems || sum.MoreProblems != sum.Errors+sum.Skipped-source.MaxProblems {
		t.Errorf("%d problems kept, %d more; want them capped", len(sum.Problems), sum.MoreProblems)
	}
	st = roundTrip(t, st)
	ot := st.Cursors["csaf/"+otFeed]
	if ot == nil || !slices.Equal(ot.Retry, []string{tampered}) || !ot.Since.Equal(otNewest) {
		t.Errorf("OT cursor %+v, want since %v and the tampered advisory to retry", ot, otNewest)
	}

	// Next run: the feeds are not modified; only the retry is fetched.
	w.requests("")
	sum, err = src.Sync(t.Context(), st, emit)
	if err != nil {
		t.Fatal(err)
	}
	docs := w.requests("raw.githubusercontent.com/cisagov/CSAF/develop/csaf_files/OT/white/2")
	if sum.NotModified != 2 || sum.Documents != 0 || sum.Errors != 1 || len(docs) != 2 {
		t.Errorf("second run %+v, fetched %v", sum, docs)
	}

	// The provider mends the checksum: the retry goes through.
	serveAdvisory(t, w, tampered, local[path.Base(tampered)])
	sum, err = src.Sync(t.Context(), st, emit)
	if err != nil || sum.Documents != 1 || len(st.Cursors["csaf/"+otFeed].Retry) != 0 {
		t.Errorf("third run %+v, %v, cursor %+v", sum, err, st.Cursors["csaf/"+otFeed])
	}
}

func TestCSAF_DirectoryChangesAndTLP(t *testing.T) {
	t.Parallel()
	local := localCSAF(t)
	w := newWorld(t, fetch.Config{})
	const meta = "https://csaf.example/.well-known/csaf/provider-metadata.json"
	const dir = "https://raw.githubusercontent.com/cisagov/CSAF/develop/"
	w.file(meta, providerMetadata(t, map[string]any{"directory_url": dir}), `"pm"`)
	changes := readFile(t, "csaf/cisa-distribution/ot-changes.csv")
	w.file(dir+"changes.csv", changes, `"changes"`)
	since := time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC)
	recs, err := csv.NewReader(bytes.NewReader(changes)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var newest time.Time
	due, served := 0, 0
	var amber string
	for _, r := range recs {
		at, err := feed.ParseTime(r[1])
		if err != nil {
			t.Fatal(err)
		}
		if at.After(newest) {
			newest = at
		}
		if !at.After(since) {
			continue
		}
		due++
		p, ok := local[path.Base(r[0])]
		if !ok {
			continue
		}
		served++
		data := serveAdvisory(t, w, dir+r[0], p)
		if amber == "" {
			// One advisory relabelled TLP:AMBER, to be refused.
			amber = dir + r[0]
			data = bytes.Replace(data, []byte(`"label": "WHITE"`), []byte(`"label": "AMBER"`), 1)
			if !bytes.Contains(data, []byte(`"AMBER"`)) {
				t.Fatalf("%s: no TLP label to change", p)
			}
			w.file(amber, data, `"amber"`)
			w.file(amber+".sha512", sha512Hex(data), `"amber-sum"`)
		}
	}
	if served < 3 {
		t.Fatalf("only %d advisories", served)
	}
	var got []string
	st := &source.State{Cursors: map[string]*source.Cursor{"csaf/" + dir: {Since: since}}}
	src := w.source(t, remote.Config{CSAF: remote.CSAFConfig{Providers: []remote.CSAFProvider{{URL: meta}}, RequireChecksum: true}}, remote.CSAFName)
	sum, err := src.Sync(t.Context(), st, names(&got))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != served-1 || slices.Contains(got, amber) || sum.Skipped != 1 || sum.Errors != due-served {
		t.Errorf("emitted %d (amber: %v), summary %+v; want %d, skipped 1, errors %d", len(got), slices.Contains(got, amber), sum, served-1, due-served)
	}
	if c := st.Cursors["csaf/"+dir]; !c.Since.Equal(newest) || len(c.Retry) != 0 {
		t.Errorf("cursor %+v, want since %v", c, newest)
	}

	// Authorised for AMBER, the relabelled advisory goes through; a fresh
	// state fetches everything due again.
	got = nil
	st = &source.State{Cursors: map[string]*source.Cursor{"csaf/" + dir: {Since: since}}}
	src = w.source(t, remote.Config{CSAF: remote.CSAFConfig{Providers: []remote.CSAFProvider{{URL: meta}}, AllowTLP: []string{"amber"}}}, remote.CSAFName)
	if _, err := src.Sync(t.Context(), st, names(&got)); err != nil || !slices.Contains(got, amber) {
		t.Errorf("with AMBER authorised: %v, amber emitted %v", err, slices.Contains(got, amber))
	}
}

// TestCSAF_OASISExamples runs the official CSAF 2.0 provider-metadata,
// ROLIE feed and aggregator examples, with a signed advisory.
func TestCSAF_OASISExamples(t *testing.T) {
	t.Parallel()
	// Skip here, not in the subtests' setup, which reads through the
	// parent's t.
	realdata.Dir(t)
	const ex = "csaf/oasis-csaf20/examples/"
	key, err := crypto.GenerateKey("vigil test", "test@example.org", "x25519", 0)
	if err != nil {
		t.Fatal(err)
	}
	pub, _ := key.GetArmoredPublicKey()
	other, _ := crypto.GenerateKey("someone else", "x@example.org", "x25519", 0)
	sign := func(k *crypto.Key, data []byte) []byte {
		ring, err := crypto.NewKeyRing(k)
		if err != nil {
			t.Fatal(err)
		}
		sig, err := ring.SignDetached(crypto.NewPlainMessage(data))
		if err != nil {
			t.Fatal(err)
		}
		a, _ := sig.GetArmored()
		return []byte(a)
	}
	const doc = "https://psirt.domain.tld/advisories/csaf/2020/2020-ESA-001.json"
	setup := func(sigKey *crypto.Key) *world {
		w := newWorld(t, fetch.Config{})
		w.file("https://www.example.com/.well-known/csaf/provider-metadata.json", readFile(t, ex+"provider-metadata/example-01-provider-metadata.json"), `"pm"`)
		w.file("https://www.example.com/.well-known/csaf/feed-tlp-white.json", readFile(t, ex+"ROLIE/example-01-feed-tlp-white.json"), `"feed"`)
		w.file("https://aggregator.example/.well-known/csaf-aggregator/aggregator.json", readFile(t, ex+"aggregator/example-01-aggregator.json"), `"agg"`)
		// A real example advisory stands for the feed's 2020-ESA-001.
		data := serveAdvisory(t, w, doc, filepath.Join(testdata(t), ex+"csaf/bsi-2022-0001.json"))
		if sigKey != nil {
			w.file(doc+".asc", sign(sigKey, data), `"sig"`)
		}
		return w
	}
	for _, tc := range []struct {
		name      string
		sigKey    *crypto.Key
		provider  remote.CSAFProvider
		wantDocs  int
		wantRetry bool
	}{
		{"DomainGoodSignature", key, remote.CSAFProvider{URL: "www.example.com", Keys: []string{pub}}, 1, false},
		{"ForeignSignature", other, remote.CSAFProvider{URL: "www.example.com", Keys: []string{pub}}, 0, true},
		{"MissingSignatureRequired", nil, remote.CSAFProvider{URL: "www.example.com", Keys: []string{pub}, RequireSignature: true}, 0, false},
		{"MissingSignatureOptional", nil, remote.CSAFProvider{URL: "www.example.com", Keys: []string{pub}}, 1, false},
		{"NoKeysNoCheck", other, remote.CSAFProvider{URL: "www.example.com"}, 1, false},
		// The aggregator's second provider (cert.example) is not there:
		// reported, the first is synced all the same.
		{"Aggregator", nil, remote.CSAFProvider{URL: "https://aggregator.example/.well-known/csaf-aggregator/aggregator.json"}, 1, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := setup(tc.sigKey)
			var got []string
			st := &source.State{}
			sum, err := w.source(t, remote.Config{CSAF: remote.CSAFConfig{Providers: []remote.CSAFProvider{tc.provider}}}, remote.CSAFName).Sync(t.Context(), st, names(&got))
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != tc.wantDocs || sum.Documents != tc.wantDocs {
				t.Errorf("emitted %v, summary %+v", got, sum)
			}
			c := st.Cursors["csaf/https://www.example.com/.well-known/csaf/feed-tlp-white.json"]
			if c == nil || (len(c.Retry) == 1) != tc.wantRetry {
				t.Errorf("cursor %+v", c)
			}
		})
	}
}

func TestCSAF_BadKey(t *testing.T) {
	t.Parallel()
	c, err := fetch.New(fetch.Config{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := remote.NewCSAF(c, remote.CSAFConfig{Providers: []remote.CSAFProvider{{URL: "x.example", Keys: []string{"not a key"}}}}); err == nil {
		t.Error("bad key accepted")
	}
	if _, err := remote.NewCSAF(c, remote.CSAFConfig{Providers: []remote.CSAFProvider{{URL: "x.example", RequireSignature: true}}}); err == nil {
		t.Error("signature required without keys accepted")
	}
}

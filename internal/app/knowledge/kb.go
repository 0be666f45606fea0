package knowledge

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"sort"
	"strings"
	"time"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/app/triage"
	"github.com/vigil/vigil/internal/csaf"
	"github.com/vigil/vigil/internal/feed"
	"github.com/vigil/vigil/internal/feed/importers"
	"github.com/vigil/vigil/internal/feed/osv"
	"github.com/vigil/vigil/internal/fleet/ident"
	"github.com/vigil/vigil/internal/match"
	"github.com/vigil/vigil/internal/match/purlrange"
	"github.com/vigil/vigil/internal/store"
)

// FeedOptions configure a knowledge-base import.
type FeedOptions struct {
	// SkipOSVSchema skips the checks of OSV records against the OSV
	// schema's constraints (osv.Config.SkipChecks), about 40 % of an OSV
	// import; for trusted mirrors of osv.dev's own exports.
	SkipOSVSchema bool
	// CSAFKeys are armored OpenPGP public keys; when given, CSAF files with
	// a .asc beside them must verify against one of them.
	CSAFKeys []string
	// RequireSignature refuses CSAF files without a valid .asc.
	RequireSignature bool
	// Progress, when set, is told of each record as it is read.
	Progress func(records int)
	// OnMatched, when set, is told what matching the changed records
	// against the stored SBOMs did after the import committed.
	OnMatched func(*IncrementalSummary)
	// AllowEmpty makes an input that yields no usable record (every file
	// unreadable or unrecognised, every record rejected) a success;
	// without it ImportFeeds returns an *EmptyImportError.
	AllowEmpty bool
}

// EmptyImportError reports the inputs of an import that yielded no usable
// record: a scheduled sync over a corrupt mirror must not look fine. The
// rest of the import went ahead, and the report says what each input did.
type EmptyImportError struct {
	Paths []string
}

func (e *EmptyImportError) Error() string {
	return fmt.Sprintf("nothing usable imported from %s: no record was accepted or already known (--allow-empty accepts this)", strings.Join(e.Paths, ", "))
}

// Unwrap classifies the error as bad input.
func (e *EmptyImportError) Unwrap() error { return vigil.ErrInvalid }

// Usable reports whether an import read at least one record that is now in
// the knowledge base: accepted, or already known.
func Usable(rep feed.Report) bool { return rep.Accepted+rep.Unchanged > 0 }

// SourceUnrecognised is the feed-status row of an import in which no
// importer recognised anything, so no source can be named.
const SourceUnrecognised vigil.Source = "unrecognised"

// ImportFeeds imports vulnerability data from files, directories, .zip
// and .gz archives into the knowledge base, the format of each file
// detected from its content. Each path is one transaction: a fatal error
// (unreadable path, cancelled import, store failure) rolls that path back;
// faulty records are reported and skipped. Re-importing the same data
// changes nothing, and a record older than the stored one is left alone.
func (s *Service) ImportFeeds(ctx context.Context, paths []string, opt FeedOptions) (feed.Report, error) {
	importers, fopt, err := feedSetup(opt)
	if err != nil {
		return feed.Report{}, err
	}
	var total feed.Report
	var empty []string
	for _, p := range paths {
		rep, err := s.importFeed(ctx, p, opt, func(sink feed.Sink) (feed.Report, error) {
			return feed.ImportPath(ctx, p, importers, sink, fopt)
		})
		total.Merge(rep, "")
		if err != nil {
			return total, fmt.Errorf("import %s: %w", p, err)
		}
		if !Usable(rep) && !opt.AllowEmpty {
			empty = append(empty, p)
		}
	}
	if len(empty) > 0 {
		return total, &EmptyImportError{Paths: empty}
	}
	return total, nil
}

// ImportFeedReader imports one document (or .zip/.gz) read from r, named
// name in the report, in one transaction. Sync and the API use it.
func (s *Service) ImportFeedReader(ctx context.Context, name string, r io.Reader, opt FeedOptions) (feed.Report, error) {
	importers, fopt, err := feedSetup(opt)
	if err != nil {
		return feed.Report{}, err
	}
	return s.importFeed(ctx, name, opt, func(sink feed.Sink) (feed.Report, error) {
		return feed.ImportReader(ctx, name, r, importers, sink, fopt)
	})
}

func feedSetup(opt FeedOptions) ([]feed.Importer, feed.Options, error) {
	importers, err := importers.All(importers.Config{OSV: osvConfig(opt)})
	if err != nil {
		return nil, feed.Options{}, err
	}
	var fopt feed.Options
	v, err := csaf.NewVerifier(opt.CSAFKeys...)
	if err != nil {
		return nil, fopt, fmt.Errorf("CSAF keys: %w", err)
	}
	v.RequireSignature = opt.RequireSignature
	fopt.Verify = v.Verify
	return importers, fopt, nil
}

func (s *Service) importFeed(ctx context.Context, name string, opt FeedOptions, run func(feed.Sink) (feed.Report, error)) (feed.Report, error) {
	var rep feed.Report
	changed := s.newChangeSet()
	err := s.writeKB(ctx, opt, changed, func(sink *kbSink) error {
		var err error
		rep, err = run(sink)
		return err
	}, func(tx Tx, sink *kbSink) error { return sink.recordImport(ctx, tx, rep) })
	if err != nil {
		return rep, err
	}
	return rep, s.afterImport(ctx, changed, opt)
}

// writeKB runs fill, which writes knowledge-base records through a sink,
// then finish, as one unit readers see whole or not at all. On a store
// whose writers lock each other out (store.KBStager: SQLite) fill writes
// into a stage while holding no write lock, and the stage is published
// with finish in one short write transaction; elsewhere both run in one
// transaction (docs/architecture.md, "Concurrent writers").
func (s *Service) writeKB(ctx context.Context, opt FeedOptions, changed *changeSet, fill func(*kbSink) error, finish func(Tx, *kbSink) error) error {
	if s.stager == nil {
		return s.store.Update(ctx, func(tx Tx) error {
			sink := newKBSink(tx, opt, changed)
			if err := fill(sink); err != nil {
				return err
			}
			return finish(tx, sink)
		})
	}
	stage, err := s.stager.StageKB(ctx)
	if err != nil {
		return err
	}
	defer stage.Close()
	sink := newKBSink(stage, opt, changed)
	if err := fill(sink); err != nil {
		return err
	}
	return stage.Publish(ctx, func(tx store.Tx) error { return finish(tx, sink) })
}

// afterImport matches what an import changed against the stored SBOMs.
func (s *Service) afterImport(ctx context.Context, changed *changeSet, opt FeedOptions) error {
	sum, err := s.rematch(ctx, changed)
	if err != nil {
		return err
	}
	if opt.OnMatched != nil {
		opt.OnMatched(sum)
	}
	return nil
}

// kbSink stores what importers read, deciding per record whether it is
// new, changed, or already known (same digest, or older than the stored).
type kbSink struct {
	tx       store.KBWriter
	progress func(int)
	records  int
	sources  map[vigil.Source]bool
	// changed collects the records stored (new or changed), with the keys
	// that find the components they may touch, for incremental matching;
	// nil when nobody will match.
	changed *changeSet
}

var _ feed.Sink = (*kbSink)(nil)

func newKBSink(tx store.KBWriter, opt FeedOptions, changed *changeSet) *kbSink {
	return &kbSink{tx: tx, progress: opt.Progress, sources: map[vigil.Source]bool{}, changed: changed}
}

// recordImport stores the import's report as the last import of every
// source the sink received records of; their sync state stays as it is.
// An import that stored nothing usable is recorded too, so feed status
// shows it: under the sources its importers read (every record rejected),
// or under SourceUnrecognised when no importer recognised anything.
func (k *kbSink) recordImport(ctx context.Context, tx Tx, rep feed.Report) error {
	report, err := json.Marshal(rep)
	if err != nil {
		return err
	}
	sources := maps.Clone(k.sources)
	if !Usable(rep) {
		// Importers are named feed/<source>[-<version>].
		for _, name := range append([]string{rep.Importer}, rep.Importers...) {
			name, _ = strings.CutPrefix(name, "feed/")
			name, _, _ = strings.Cut(name, "-")
			if src := vigil.Source(name); src.Valid() {
				sources[src] = true
			}
		}
		if len(sources) == 0 {
			sources[SourceUnrecognised] = true
		}
	}
	for src := range sources {
		if err := tx.SetFeedState(ctx, src, report, nil); err != nil {
			return err
		}
	}
	return nil
}

func canonical(v any) ([]byte, string, error) {
	doc, err := json.Marshal(v)
	if err != nil {
		return nil, "", err
	}
	sum := sha256.Sum256(doc)
	return doc, hex.EncodeToString(sum[:]), nil
}

func (k *kbSink) seen(src vigil.Source) {
	k.sources[src] = true
	k.records++
	if k.progress != nil {
		k.progress(k.records)
	}
}

// olderThan reports whether an incoming record's modification time is
// before the stored one's: newer "modified" wins, so it is left alone.
func olderThan(modified time.Time, stored store.KBMeta) bool {
	return !modified.IsZero() && !stored.Modified.IsZero() && modified.Before(stored.Modified)
}

func (k *kbSink) PutVulnerability(ctx context.Context, v *vigil.Vulnerability) (feed.Outcome, error) {
	k.seen(v.Source)
	doc, digest, err := canonical(v)
	if err != nil {
		return "", err
	}
	meta, found, err := k.tx.FindKBVulnMeta(ctx, v.Source, v.SourceID)
	if err != nil {
		return "", err
	}
	if found && (meta.SHA256 == digest || olderThan(v.Modified, meta)) {
		return feed.Unchanged, nil
	}
	rec := &store.KBVuln{Vuln: v, Doc: doc, SHA256: digest, Aliases: aliasesOf(v), Packages: packagesOf(v), CPEs: cpesOf(v)}
	if err := k.tx.PutKBVuln(ctx, rec); err != nil {
		return "", err
	}
	k.changed.addVuln(rec)
	return feed.Stored, nil
}

func (k *kbSink) PutKEV(ctx context.Context, e *vigil.KEVEntry) (feed.Outcome, error) {
	k.seen(vigil.SourceKEV)
	doc, digest, err := canonical(e)
	if err != nil {
		return "", err
	}
	meta, found, err := k.tx.FindKEVMeta(ctx, e.CVEID)
	if err != nil {
		return "", err
	}
	if found && meta.SHA256 == digest {
		return feed.Unchanged, nil
	}
	if err := k.tx.PutKEV(ctx, e, digest, doc); err != nil {
		return "", err
	}
	if !found && k.changed != nil {
		k.changed.kev = append(k.changed.kev, e)
	}
	return feed.Stored, nil
}

func (k *kbSink) PutEPSS(ctx context.Context, sc *vigil.EPSSScore) (feed.Outcome, error) {
	k.seen(vigil.SourceEPSS)
	stored, err := k.tx.PutEPSS(ctx, sc)
	if err != nil {
		return "", err
	}
	if !stored {
		return feed.Unchanged, nil
	}
	if k.changed != nil {
		k.changed.epss = true
	}
	return feed.Stored, nil
}

func (k *kbSink) PutAdvisory(ctx context.Context, a *vigil.Advisory) (feed.Outcome, error) {
	k.seen(vigil.SourceCSAF)
	doc, digest, err := canonical(a)
	if err != nil {
		return "", err
	}
	meta, found, err := k.tx.FindAdvisoryMeta(ctx, a.SourceID)
	if err != nil {
		return "", err
	}
	if found && (meta.SHA256 == digest || olderThan(a.Modified, meta)) {
		return feed.Unchanged, nil
	}
	rec := &store.KBAdvisory{Advisory: a, Doc: doc, SHA256: digest, Vulns: advisoryVulns(a), Products: advisoryProducts(a)}
	if err := k.tx.PutAdvisory(ctx, rec); err != nil {
		return "", err
	}
	k.changed.addAdvisory(rec)
	return feed.Stored, nil
}

func osvConfig(opt FeedOptions) osv.Config { return osv.Config{SkipChecks: opt.SkipOSVSchema} }

// aliasesOf is every id a record is known by.
func aliasesOf(v *vigil.Vulnerability) []string {
	return vigil.UniqueSorted(append([]string{v.ID, v.SourceID}, v.Aliases...))
}

// packagesOf indexes a record under each package it names. Names are
// lower-cased: matching compares them case-insensitively and checks the
// exact rules afterwards.
func packagesOf(v *vigil.Vulnerability) []store.PackageKey {
	type key struct{ eco, name, purl string }
	seen := map[key]bool{}
	var out []store.PackageKey
	add := func(k key) {
		if k.name == "" || seen[k] {
			return
		}
		seen[k] = true
		out = append(out, store.PackageKey{Ecosystem: k.eco, Name: k.name, PURL: k.purl})
	}
	keyOf := func(a *vigil.AffectedPackage) key {
		return key{string(a.Ecosystem.Base()), strings.ToLower(purlrange.NormalizeName(a.Ecosystem, a.Name)), match.PURLIdentity(a.PURL)}
	}
	for i := range v.Affected {
		add(keyOf(&v.Affected[i]))
	}
	for _, p := range v.Products {
		if p.PackageName != "" {
			add(key{eco: p.CollectionURL, name: strings.ToLower(p.PackageName)})
		}
	}
	// What the purl matcher needs to decide on each package without the
	// whole record (docs/matching.md, "Candidates"): the package's own
	// affected entries, slimmed, and those the matcher reports whatever the
	// SBOM. Records another matcher reads (CPEs, CVE 5 products, ADP) keep
	// none, so they are always read whole.
	if len(v.Configurations) > 0 || len(v.Products) > 0 || len(v.ADP) > 0 {
		return out
	}
	always := make([]bool, len(v.Affected))
	for i, a := range v.Affected {
		always[i] = purlrange.ReportsAlways(a)
	}
	for j := range out {
		var entries []vigil.AffectedPackage
		for i := range v.Affected {
			if always[i] || keyOf(&v.Affected[i]) == (key{out[j].Ecosystem, out[j].Name, out[j].PURL}) {
				entries = append(entries, purlrange.Slim(v.Affected[i]))
			}
		}
		out[j].Affected = purlrange.EncodeAffected(entries)
	}
	return out
}

// cpesOf indexes a record under the vendor and product of every CPE it
// names: NVD configurations (with the "running on" flag), CVE 5 products
// and CISA ADP data.
func cpesOf(v *vigil.Vulnerability) []store.CPEKey {
	seen := map[store.CPEKey]bool{}
	var out []store.CPEKey
	add := func(cpe string, vulnerable bool) {
		part, vendor, product, ok := match.SplitCPE(cpe)
		if !ok {
			return
		}
		k := store.CPEKey{Part: part, Vendor: vendor, Product: product, Vulnerable: vulnerable}
		if !seen[k] {
			seen[k] = true
			out = append(out, k)
		}
	}
	var walk func(nodes []vigil.CPENode)
	walk = func(nodes []vigil.CPENode) {
		for _, n := range nodes {
			for _, m := range n.Matches {
				add(m.Criteria, m.Vulnerable)
			}
			walk(n.Children)
		}
	}
	for _, c := range v.Configurations {
		walk(c.Nodes)
	}
	for _, p := range v.Products {
		for _, c := range p.CPEs {
			add(c, true)
		}
	}
	for _, a := range v.ADP {
		for _, c := range a.CPEs() {
			add(c, true)
		}
	}
	return out
}

// advisoryVulns are the ids a CSAF advisory is about.
func advisoryVulns(a *vigil.Advisory) []string {
	var ids []string
	for _, v := range a.Vulnerabilities {
		if v.CVE != "" {
			ids = append(ids, v.CVE)
		}
		for _, id := range v.IDs {
			ids = append(ids, id.Text)
		}
	}
	return vigil.UniqueSorted(ids)
}

// advisoryProducts indexes an advisory under each identifier of each
// product its tree defines, so that a device found by model number, purl,
// CPE, SKU, serial number, hash or vendor and product name leads to it.
func advisoryProducts(a *vigil.Advisory) []store.ProductKey {
	seen := map[store.ProductKey]bool{}
	var out []store.ProductKey
	add := func(id, kind, value string) {
		value = strings.ToLower(strings.TrimSpace(value))
		if value == "" {
			return
		}
		k := store.ProductKey{ProductID: id, Kind: kind, Value: value}
		if !seen[k] {
			seen[k] = true
			out = append(out, k)
		}
	}
	for _, p := range a.ProductTree.Products() {
		if p.Vendor != "" || p.Product != "" {
			add(p.ProductID, "name", match.NormalizeName(p.Vendor+" "+p.Product))
		}
		add(p.ProductID, "product", match.NormalizeName(p.Product))
		add(p.ProductID, "product", match.NormalizeName(p.Name))
		// Identification keys: model numbers and distinctive words, so
		// that "Valleylab FT10" or "CMS-8000" finds the product it names.
		if p.Vendor != "" {
			for _, k := range ident.ProductKeys(p) {
				add(p.ProductID, "token", k)
			}
		}
		h := p.Helper
		if h == nil {
			continue
		}
		add(p.ProductID, "purl", match.PURLIdentity(h.PURL))
		if _, vendor, product, ok := match.SplitCPE(h.CPE); ok {
			add(p.ProductID, "cpe", vendor+":"+product)
		}
		for _, m := range h.ModelNumbers {
			add(p.ProductID, "model", match.NormalizeName(m))
		}
		for _, m := range h.SKUs {
			add(p.ProductID, "sku", match.NormalizeName(m))
		}
		for _, m := range h.SerialNumbers {
			add(p.ProductID, "serial", match.NormalizeName(m))
		}
		for _, fh := range h.Hashes {
			for _, x := range fh.Hashes {
				add(p.ProductID, "hash", x.Value)
			}
		}
	}
	return out
}

// KBStatus is what the knowledge base holds and what each feed last did.
type KBStatus struct {
	Sources []store.KBSourceStats `json:"sources"`
	Feeds   []FeedStatus          `json:"feeds"`
}

// FeedStatus is a feed's last import.
type FeedStatus struct {
	Source       vigil.Source `json:"source"`
	LastImportAt time.Time    `json:"last_import_at"`
	LastReport   feed.Report  `json:"last_report"`
	// Empty is true when the last import yielded no usable record.
	Empty bool `json:"empty"`
}

// KnowledgeBaseStatus counts the knowledge base per source.
func (s *Service) KnowledgeBaseStatus(ctx context.Context) (*KBStatus, error) {
	st := &KBStatus{Sources: []store.KBSourceStats{}, Feeds: []FeedStatus{}}
	err := s.store.View(ctx, func(tx Tx) error {
		var err error
		if st.Sources, err = tx.KBStats(ctx); err != nil {
			return err
		}
		feeds, err := tx.FindFeedStates(ctx)
		if err != nil {
			return err
		}
		for _, f := range feeds {
			fs := FeedStatus{Source: f.Source, LastImportAt: f.LastImportAt}
			if err := json.Unmarshal(f.LastReport, &fs.LastReport); err != nil {
				return fmt.Errorf("stored report of %s: %w", f.Source, err)
			}
			// A sync's state row carries the sync's report, which may
			// rightly hold nothing new; only file imports count records.
			fs.Empty = fs.LastReport.Files+fs.LastReport.SkippedFiles+fs.LastReport.Records > 0 && !Usable(fs.LastReport)
			st.Feeds = append(st.Feeds, fs)
		}
		return nil
	})
	if st.Sources == nil {
		st.Sources = []store.KBSourceStats{}
	}
	return st, err
}

// VulnView is the merged view of one vulnerability: every source's record,
// every alias, KEV, the EPSS history and the CSAF advisories about it.
type VulnView struct {
	ID      string   `json:"id"`
	Aliases []string `json:"aliases"`
	Summary string   `json:"summary"`
	// Records are the source records, each with its provenance.
	Records []*vigil.Vulnerability `json:"records"`
	KEV     *vigil.KEVEntry        `json:"kev,omitempty"`
	// SSVC is CISA's SSVC decision (the newest CISA-ADP container of the
	// CVE 5 records), an exploitation signal beside KEV and EPSS.
	SSVC       *vigil.SSVC        `json:"ssvc,omitempty"`
	EPSS       []*vigil.EPSSScore `json:"epss"`
	Advisories []*vigil.Advisory  `json:"advisories"`
	Withdrawn  bool               `json:"withdrawn"`
}

// Vulnerability returns the merged view of id (a CVE, GHSA, OSV or other
// id): the records that carry it as id or alias, then, one step further,
// the records that carry any of their aliases.
func (s *Service) Vulnerability(ctx context.Context, id string) (*VulnView, error) {
	id = strings.TrimSpace(id)
	if id == "" || len(id) > 200 {
		return nil, fmt.Errorf("vulnerability id %q: %w", id, vigil.ErrInvalid)
	}
	view := &VulnView{ID: id, EPSS: []*vigil.EPSSScore{}, Advisories: []*vigil.Advisory{}}
	err := s.store.View(ctx, func(tx Tx) error {
		recs, err := tx.FindKBVulns(ctx, id)
		if err != nil {
			return err
		}
		ids := map[string]bool{id: true}
		for _, r := range recs {
			for _, a := range aliasesOf(r) {
				ids[a] = true
			}
		}
		seen := map[string]bool{}
		for _, r := range recs {
			seen[string(r.Source)+"\x00"+r.SourceID] = true
		}
		for a := range ids {
			if a == id {
				continue
			}
			more, err := tx.FindKBVulns(ctx, a)
			if err != nil {
				return err
			}
			for _, r := range more {
				key := string(r.Source) + "\x00" + r.SourceID
				if !seen[key] {
					seen[key] = true
					recs = append(recs, r)
				}
			}
		}
		view.Records = recs
		for _, r := range recs {
			for _, a := range aliasesOf(r) {
				ids[a] = true
			}
		}
		for a := range ids {
			if a != id {
				view.Aliases = append(view.Aliases, a)
			}
		}
		sort.Strings(view.Aliases)
		for _, cve := range append([]string{id}, view.Aliases...) {
			if !vigil.IsCVE(cve) {
				continue
			}
			if view.KEV == nil {
				kev, err := tx.FindKEV(ctx, cve)
				if err != nil && !errors.Is(err, vigil.ErrNotFound) {
					return err
				}
				view.KEV = kev
			}
			scores, err := tx.FindEPSS(ctx, cve)
			if err != nil {
				return err
			}
			view.EPSS = append(view.EPSS, scores...)
			advs, err := tx.FindAdvisoriesByVuln(ctx, cve)
			if err != nil {
				return err
			}
			view.Advisories = append(view.Advisories, advs...)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(view.Records) == 0 && view.KEV == nil && len(view.EPSS) == 0 && len(view.Advisories) == 0 {
		return nil, fmt.Errorf("vulnerability %s: %w", id, vigil.ErrNotFound)
	}
	view.Withdrawn = len(view.Records) > 0
	for _, r := range view.Records {
		if x := triage.CISASSVC(r); x != nil && (view.SSVC == nil || x.Timestamp.After(view.SSVC.Timestamp)) {
			view.SSVC = x
		}
		if view.Summary == "" {
			view.Summary = r.Summary
		}
		if r.Withdrawn.IsZero() {
			view.Withdrawn = false
		}
	}
	if view.Summary == "" && len(view.Records) > 0 {
		view.Summary = firstLine(view.Records[0].Details)
	}
	if view.Aliases == nil {
		view.Aliases = []string{}
	}
	return view, nil
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	if len(s) > 300 {
		s = s[:300] + "…"
	}
	return s
}

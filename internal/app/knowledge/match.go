package knowledge

import (
	"context"
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/app/inventory"
	"github.com/vigil/vigil/internal/feed"
	"github.com/vigil/vigil/internal/match"
	"github.com/vigil/vigil/internal/match/purlrange"
	"github.com/vigil/vigil/internal/sbom"
	"github.com/vigil/vigil/internal/scan"
	"github.com/vigil/vigil/internal/store"
)

func (s *Service) matchEngine() (*match.Engine, error) {
	if s.engine == nil || len(s.engine.Matchers()) == 0 {
		return nil, fmt.Errorf("no matchers configured: %w", vigil.ErrInvalid)
	}
	return s.engine, nil
}

func toStoreKeys(keys []vigil.IndexKey) []vigil.IndexKey {
	out := make([]vigil.IndexKey, len(keys))
	for i, k := range keys {
		out[i] = vigil.IndexKey(k)
	}
	return out
}

// candidates are the knowledge-base records worth matching against an
// SBOM, by store id: those the reverse index connects to any of its
// components' keys, less the ones the purl matcher rules out from their
// slim package rows alone (docs/matching.md, "Candidates").
type candidates struct {
	vulns, advisories []int64
}

func findCandidates(ctx context.Context, tx Tx, sbom *match.SBOM) (*candidates, error) {
	seen := map[vigil.IndexKey]bool{}
	var keys []vigil.IndexKey
	for _, c := range sbom.Components {
		for _, k := range inventory.ComponentKeys(c) {
			if !seen[k] {
				seen[k] = true
				keys = append(keys, k)
			}
		}
	}
	if len(keys) == 0 {
		return &candidates{}, nil
	}
	found, err := tx.FindKBCandidateRows(ctx, toStoreKeys(keys))
	if err != nil {
		return nil, err
	}
	ids, err := worthReading(ctx, found, sbom)
	if err != nil {
		return nil, err
	}
	return &candidates{vulns: ids, advisories: found.Advisories}, nil
}

// readBatch is how many candidate records are read whole and matched at a
// time: a scan holds no more of them in memory.
const readBatch = 2000

// match reads the candidates whole, in batches, and adds each batch to the
// run; seen, when set, looks at each batch before it is dropped. It
// returns how many records it read.
func (cs *candidates) match(ctx context.Context, tx Tx, run *match.Run, seen func([]match.Record)) (int, error) {
	n := 0
	add := func(recs []match.Record) error {
		n += len(recs)
		if seen != nil {
			seen(recs)
		}
		return run.Add(ctx, recs)
	}
	for ids := cs.vulns; len(ids) > 0; {
		batch := ids[:min(len(ids), readBatch)]
		ids = ids[len(batch):]
		vulns, err := tx.FindKBVulnsByID(ctx, batch)
		if err != nil {
			return n, err
		}
		recs := make([]match.Record, len(vulns))
		for i, v := range vulns {
			recs[i] = match.Record{Vuln: v}
		}
		if err := add(recs); err != nil {
			return n, err
		}
	}
	for ids := cs.advisories; len(ids) > 0; {
		batch := ids[:min(len(ids), readBatch)]
		ids = ids[len(batch):]
		advs, err := tx.FindAdvisoriesByID(ctx, batch)
		if err != nil {
			return n, err
		}
		recs := make([]match.Record, len(advs))
		for i, a := range advs {
			recs[i] = match.Record{Advisory: a}
		}
		if err := add(recs); err != nil {
			return n, err
		}
	}
	return n, nil
}

// worthReading returns the ids of the candidate records to read whole:
// those reached other than by a package row, those with a row that holds
// no slim data (or slim data that does not decode), and those whose slim
// rows the purl matcher finds a match in or has something to report on.
// Matching the slim rows is exact for the purl matcher, which reads
// nothing else of a record (and the import keeps no slim data for records
// other matchers read), so leaving the rest out changes no result.
func worthReading(ctx context.Context, found *store.KBCandidates, sbom *match.SBOM) ([]int64, error) {
	read := make(map[int64]bool, len(found.Vulns))
	for _, id := range found.Vulns {
		read[id] = true
	}
	pm := purlrange.New()
	rows := found.Packages
	parts, err := match.Parallel(ctx, len(rows), func(lo, hi int) ([]int64, error) {
		var ids []int64
		for i := lo; i < hi; i++ {
			r := rows[i]
			if read[r.RecordID] || (len(ids) > 0 && ids[len(ids)-1] == r.RecordID) {
				continue // rows come in record order
			}
			if (i-lo)%256 == 0 {
				if err := ctx.Err(); err != nil {
					return nil, err
				}
			}
			entries, err := purlrange.DecodeAffected(r.Affected)
			if r.Affected == nil || err != nil {
				ids = append(ids, r.RecordID)
				continue
			}
			res, err := pm.Match(ctx, match.Record{Vuln: &vigil.Vulnerability{ID: "-", Affected: entries}}, sbom)
			if err != nil {
				return nil, err
			}
			if len(res.Matches) > 0 || len(res.Unsupported) > 0 {
				ids = append(ids, r.RecordID)
			}
		}
		return ids, nil
	})
	if err != nil {
		return nil, err
	}
	for _, part := range parts {
		for _, id := range part {
			read[id] = true
		}
	}
	ids := make([]int64, 0, len(read))
	for id := range read {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids, nil
}

// MatchSummary says what a release match changed.
type MatchSummary struct {
	ReleaseID   int64    `json:"release_id"`
	SBOMID      int64    `json:"sbom_id"`
	Components  int      `json:"components"`
	Candidates  int      `json:"candidate_records"`
	New         int      `json:"new"`
	Changed     int      `json:"changed"`
	Unchanged   int      `json:"unchanged"`
	Resolved    int      `json:"resolved"`
	Unsupported []string `json:"unsupported,omitempty"`
	// appeared lists the vulnerability ids (with aliases) of findings that
	// are new or reopened, for the exposure events of a full rematch.
	appeared []string
}

// MatchRelease matches a release's current SBOM against the knowledge base
// and brings its findings up to date: new matches appear, changed ones
// are updated, and those no longer found are resolved (kept, with the
// time). With only set, just those records are matched and just their
// findings are touched: the incremental path after a feed import.
func (s *Service) MatchRelease(ctx context.Context, sc vigil.Scope, releaseID int64, only []match.Record) (*MatchSummary, error) {
	eng, err := s.matchEngine()
	if err != nil {
		return nil, err
	}
	sum := &MatchSummary{ReleaseID: releaseID}
	err = s.store.Update(ctx, func(tx Tx) error {
		rel, err := tx.FindReleaseByID(ctx, sc, releaseID)
		if err != nil {
			return err
		}
		doc, err := inventory.CurrentSBOM(ctx, tx, sc, releaseID)
		if err != nil {
			return err
		}
		sum.SBOMID = doc.ID
		var comps []*vigil.Component
		if err := tx.EachComponent(ctx, sc, doc.ID, func(c *vigil.Component) error {
			comps = append(comps, c)
			return nil
		}); err != nil {
			return err
		}
		sum.Components = len(comps)
		sbom := match.NewSBOM(comps)
		run := eng.Start(sbom)
		if only != nil {
			sum.Candidates = len(only)
			err = run.Add(ctx, only)
		} else {
			var cs *candidates
			if cs, err = findCandidates(ctx, tx, sbom); err == nil {
				sum.Candidates, err = cs.match(ctx, tx, run, nil)
			}
		}
		if err != nil {
			return err
		}
		res := run.Result()
		sum.Unsupported = res.Unsupported
		var scope map[string]bool
		if only != nil {
			scope = recordIDs(only)
		}
		return s.saveFindings(ctx, tx, sc, rel, doc, comps, res.Matches, scope, sum)
	})
	if err != nil {
		return nil, err
	}
	return sum, nil
}

// saveFindings diffs matches against the stored findings of the document.
// With scope set (an incremental match), only findings of those
// vulnerability ids can resolve; otherwise every finding not matched again
// does.
func (s *Service) saveFindings(ctx context.Context, tx Tx, sc vigil.Scope, rel *vigil.Release, doc *vigil.SBOMDocument,
	comps []*vigil.Component, matches []vigil.Match, scope map[string]bool, sum *MatchSummary) error {
	now := tx.Now()
	byRef := make(map[string]*vigil.Component, len(comps))
	for _, c := range comps {
		byRef[c.Ref] = c
	}
	existing, err := tx.FindFindings(ctx, sc, vigil.FindingFilter{SBOMID: &doc.ID, IncludeResolved: true})
	if err != nil {
		return err
	}
	type key struct{ ref, vuln, matcher string }
	old := make(map[key]*vigil.Finding, len(existing))
	for _, f := range existing {
		old[key{f.ComponentRef, f.VulnID, f.Evidence.Matcher}] = f
	}
	prevRelease, err := previousRelease(ctx, tx, sc, rel)
	if err != nil {
		return err
	}
	seen := map[key]bool{}
	for _, m := range matches {
		c := byRef[m.ComponentRef]
		if c == nil {
			continue
		}
		k := key{m.ComponentRef, m.VulnID, m.Evidence.Matcher}
		seen[k] = true
		if f, ok := old[k]; ok {
			reopened := !f.ResolvedAt.IsZero()
			changed := f.Status != m.Status || f.Confidence != m.Confidence || !f.Evidence.Equal(m.Evidence) || reopened
			f.Match, f.LastSeenAt, f.ResolvedAt = m, now, time.Time{}
			if err := tx.UpdateFinding(ctx, sc, f); err != nil {
				return err
			}
			if reopened {
				sum.appeared = append(sum.appeared, m.VulnID)
				sum.appeared = append(sum.appeared, m.Aliases...)
			}
			if changed {
				sum.Changed++
			} else {
				sum.Unchanged++
			}
			continue
		}
		f := &vigil.Finding{
			ReleaseID: rel.ID, ComponentID: c.ID, SBOMID: doc.ID, Match: m, ComponentKey: match.ComponentIdentity(c),
			ComponentName: c.Name, ComponentVersion: c.Version, FirstSeenAt: now, LastSeenAt: now,
		}
		if prevRelease != nil {
			prev, err := tx.FindFindings(ctx, sc, vigil.FindingFilter{ReleaseID: &prevRelease.ID, ComponentKey: &f.ComponentKey, VulnID: &m.VulnID, IncludeResolved: true})
			if err != nil {
				return err
			}
			if len(prev) > 0 {
				f.PreviousID = prev[0].ID
			}
		}
		if err := tx.CreateFinding(ctx, sc, f); err != nil {
			return err
		}
		sum.New++
		sum.appeared = append(sum.appeared, m.VulnID)
		sum.appeared = append(sum.appeared, m.Aliases...)
	}
	for k, f := range old {
		if seen[k] || !f.ResolvedAt.IsZero() || (scope != nil && !scope[f.VulnID]) {
			continue
		}
		f.ResolvedAt = now
		if err := tx.UpdateFinding(ctx, sc, f); err != nil {
			return err
		}
		sum.Resolved++
	}
	return nil
}

// recordIDs are every id the records go by.
func recordIDs(recs []match.Record) map[string]bool {
	ids := map[string]bool{}
	for _, r := range recs {
		if r.Vuln != nil {
			for _, id := range aliasesOf(r.Vuln) {
				ids[id] = true
			}
		}
		if r.Advisory != nil {
			ids[r.Advisory.ID] = true
			for _, id := range advisoryVulns(r.Advisory) {
				ids[id] = true
			}
		}
	}
	return ids
}

// previousRelease is the release of the same product created just before
// rel, whose findings a new finding links back to.
func previousRelease(ctx context.Context, tx Tx, sc vigil.Scope, rel *vigil.Release) (*vigil.Release, error) {
	rs, _, err := tx.FindReleases(ctx, sc, vigil.ReleaseFilter{ProductID: &rel.ProductID})
	if err != nil {
		return nil, err
	}
	var prev *vigil.Release
	for _, r := range rs {
		if r.ID == rel.ID {
			return prev, nil
		}
		prev = r
	}
	return nil, nil
}

// Findings lists a release's findings; resolved ones only when asked.
func (s *Service) Findings(ctx context.Context, sc vigil.Scope, releaseID int64, includeResolved bool) ([]*vigil.Finding, error) {
	var out []*vigil.Finding
	err := s.store.View(ctx, func(tx Tx) error {
		if _, err := tx.FindReleaseByID(ctx, sc, releaseID); err != nil {
			return err
		}
		var err error
		out, err = tx.FindFindings(ctx, sc, vigil.FindingFilter{ReleaseID: &releaseID, IncludeResolved: includeResolved})
		return err
	})
	return out, err
}

// ScanSBOM matches an SBOM file against the knowledge base without storing
// anything, and ranks what it finds: KEV first, then severity, then EPSS.
func (s *Service) ScanSBOM(ctx context.Context, r io.Reader) (*scan.Result, error) {
	eng, err := s.matchEngine()
	if err != nil {
		return nil, err
	}
	var comps []*vigil.Component
	doc, err := sbom.Parse(ctx, r, sbom.SinkFuncs{OnComponent: func(c *vigil.Component) error {
		comps = append(comps, c)
		return nil
	}})
	if err != nil {
		return nil, err
	}
	res := &scan.Result{Document: doc, Components: len(comps), Findings: []scan.Entry{}}
	err = s.store.View(ctx, func(tx Tx) error {
		sbom := match.NewSBOM(comps)
		cs, err := findCandidates(ctx, tx, sbom)
		if err != nil {
			return err
		}
		run := eng.Start(sbom)
		sig := newSignals()
		if res.Candidates, err = cs.match(ctx, tx, run, sig.add); err != nil {
			return err
		}
		mr := run.Result()
		res.Unsupported = mr.Unsupported
		byRef := make(map[string]*vigil.Component, len(comps))
		for _, c := range comps {
			byRef[c.Ref] = c
		}
		verdicts := match.Verdicts(mr.Matches)
		if err := sig.lookup(ctx, tx, verdicts); err != nil {
			return err
		}
		res.Findings = make([]scan.Entry, 0, len(verdicts))
		for i := range verdicts {
			v := &verdicts[i]
			f := scan.Entry{Component: byRef[v.ComponentRef], VulnID: v.VulnID, Status: v.Status, Confidence: v.Confidence}
			for _, m := range v.Matches {
				f.Evidence = append(f.Evidence, m.Evidence)
				f.Aliases = feed.AppendUnique(f.Aliases, m.Aliases...)
			}
			v.Matches = nil // what is left of them is in f
			sig.fill(&f)
			res.Findings = append(res.Findings, f)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	scan.Sort(res.Findings)
	return res, nil
}

// signals gathers, once per vulnerability, what ranks a finding: the
// summary and severity its records give (add, batch by batch, so that the
// records need not stay in memory), then KEV and the latest EPSS score
// (lookup).
type signals struct {
	byID  map[string]*recordSignals
	kev   map[string]*vigil.KEVEntry
	epss  map[string]*vigil.EPSSScore
	cache map[string]*scan.Entry
}

// recordSignals is what the records known by one id say, in record order:
// the first summary and the best severity.
type recordSignals struct {
	summary  string
	severity *vigil.Severity
}

func newSignals() *signals {
	return &signals{byID: map[string]*recordSignals{}, cache: map[string]*scan.Entry{}}
}

// add takes note of a batch of records.
func (sg *signals) add(recs []match.Record) {
	for _, r := range recs {
		v := r.Vuln
		if v == nil {
			continue
		}
		for _, id := range aliasesOf(v) {
			rs := sg.byID[id]
			if rs == nil {
				rs = &recordSignals{}
				sg.byID[id] = rs
			}
			if rs.summary == "" {
				rs.summary = v.Summary
			}
			for i := range v.Severities {
				if sev := &v.Severities[i]; sev.Outranks(rs.severity) {
					c := *sev
					rs.severity = &c
				}
			}
		}
	}
}

// lookup reads the KEV entries and EPSS scores of the verdicts' CVEs in
// one go.
func (sg *signals) lookup(ctx context.Context, tx Tx, verdicts []match.Verdict) error {
	seen := map[string]bool{}
	var cves []string
	for _, v := range verdicts {
		if vigil.IsCVE(v.VulnID) && !seen[v.VulnID] {
			seen[v.VulnID] = true
			cves = append(cves, v.VulnID)
		}
	}
	var err error
	if sg.kev, err = tx.FindKEVs(ctx, cves); err != nil {
		return err
	}
	sg.epss, err = tx.FindLatestEPSS(ctx, cves)
	return err
}

func (sg *signals) fill(f *scan.Entry) {
	if c, ok := sg.cache[f.VulnID]; ok {
		f.Summary, f.Severity, f.KEV, f.EPSS = c.Summary, c.Severity, c.KEV, c.EPSS
		return
	}
	if rs := sg.byID[f.VulnID]; rs != nil {
		f.Summary, f.Severity = rs.summary, rs.severity
	}
	f.KEV, f.EPSS = sg.kev[f.VulnID], sg.epss[f.VulnID]
	c := *f
	sg.cache[f.VulnID] = &c
}

package match

import (
	"context"
	"runtime"
	"slices"
	"sort"
	"sync"

	"github.com/vigil/vigil"
)

// Engine runs every matcher over records and an SBOM and merges what they
// find.
type Engine struct {
	matchers []Matcher
}

// NewEngine returns an engine over matchers, run in the order given.
func NewEngine(matchers ...Matcher) *Engine { return &Engine{matchers: matchers} }

// Matchers lists the engine's matchers.
func (e *Engine) Matchers() []Matcher { return e.matchers }

// Match runs every matcher on every record. Each vulnerability is named by
// its CVE id when the record has one, so that the same vulnerability from
// NVD, OSV and a CSAF advisory lands on one id; the record's own id moves
// to the aliases. One match is kept per component, vulnerability and
// matcher: the most confident. Records are matched on every core
// (Parallel), and the result is the same as one at a time.
func (e *Engine) Match(ctx context.Context, recs []Record, sbom *SBOM) (Result, error) {
	r := e.Start(sbom)
	if err := r.Add(ctx, recs); err != nil {
		return Result{}, err
	}
	return r.Result(), nil
}

// Run is one match of an SBOM fed records in batches (Add), so that they
// need not all be in memory at once. Match is Start, one Add and Result.
type Run struct {
	e    *Engine
	sbom *SBOM
	best map[[3]string]int
	out  Result
}

// Start begins a run over sbom.
func (e *Engine) Start(sbom *SBOM) *Run {
	return &Run{e: e, sbom: sbom, best: map[[3]string]int{}}
}

// Add matches a batch of records. Batches are merged in the order they
// come, as if all their records had been given to Match at once.
func (r *Run) Add(ctx context.Context, recs []Record) error {
	parts, err := Parallel(ctx, len(recs), func(lo, hi int) (Result, error) {
		var part Result
		for _, rec := range recs[lo:hi] {
			for _, m := range r.e.matchers {
				if err := ctx.Err(); err != nil {
					return part, err
				}
				res, err := m.Match(ctx, rec, r.sbom)
				if err != nil {
					return part, err
				}
				part.Unsupported = append(part.Unsupported, res.Unsupported...)
				part.Matches = append(part.Matches, res.Matches...)
			}
		}
		return part, nil
	})
	if err != nil {
		return err
	}
	out := &r.out
	for _, part := range parts {
		out.Unsupported = append(out.Unsupported, part.Unsupported...)
		for _, x := range part.Matches {
			canonicalID(&x)
			// One match per component, vulnerability and matcher, the most
			// confident, whose evidence lists every record that matched
			// (a PYSEC and a GHSA record of one CVE are both reported).
			k := [3]string{x.ComponentRef, x.VulnID, x.Evidence.Matcher}
			if i, ok := r.best[k]; ok {
				kept := &out.Matches[i]
				if x.Confidence.Rank() < kept.Confidence.Rank() {
					x.Evidence.Records = kept.Evidence.Records
					x.Aliases = mergeIDs(x.VulnID, x.Aliases, kept.Aliases)
					*kept = x
				} else {
					kept.Aliases = mergeIDs(kept.VulnID, kept.Aliases, x.Aliases)
				}
				kept.Evidence.AddRecord(x)
				continue
			}
			x.Evidence.Records = nil
			x.Evidence.AddRecord(x)
			r.best[k] = len(out.Matches)
			out.Matches = append(out.Matches, x)
		}
	}
	return nil
}

// Result returns what the run found, matches ordered by vulnerability,
// component and matcher. The run must not be used afterwards.
func (r *Run) Result() Result {
	out := r.out
	sort.Slice(out.Matches, func(i, j int) bool {
		a, b := out.Matches[i], out.Matches[j]
		if a.VulnID != b.VulnID {
			return a.VulnID < b.VulnID
		}
		if a.ComponentRef != b.ComponentRef {
			return a.ComponentRef < b.ComponentRef
		}
		return a.Evidence.Matcher < b.Evidence.Matcher
	})
	r.out, r.best = Result{}, nil
	return out
}

// mergeIDs adds more to the aliases of vulnerability id, each once.
func mergeIDs(id string, aliases, more []string) []string {
	out := slices.Clone(aliases)
	for _, x := range more {
		if x != "" && x != id && !slices.Contains(out, x) {
			out = append(out, x)
		}
	}
	return out
}

// canonicalID names a match by the CVE among its ids, when there is one.
func canonicalID(m *vigil.Match) {
	if vigil.IsCVE(m.VulnID) {
		return
	}
	for i, a := range m.Aliases {
		if vigil.IsCVE(a) {
			rest := append([]string{m.VulnID}, m.Aliases[:i]...)
			m.Aliases = append(rest, m.Aliases[i+1:]...)
			m.VulnID = a
			return
		}
	}
}

// Verdict is what all the matches on one component and vulnerability add up
// to: the status a person should see first, and the strongest evidence.
type Verdict struct {
	ComponentRef string
	VulnID       string
	Status       vigil.MatchStatus
	Confidence   vigil.Confidence
	Matches      []vigil.Match
}

// Verdicts groups matches by component and vulnerability. A statement that
// the component is not affected or fixed (a manufacturer's or vendor's
// CSAF/VEX word about that very product) outweighs generic affected ranges;
// otherwise the pair is affected, at the best confidence any matcher had.
func Verdicts(matches []vigil.Match) []Verdict {
	idx := map[[2]string]int{}
	var out []Verdict
	for _, m := range matches {
		k := [2]string{m.ComponentRef, m.VulnID}
		i, ok := idx[k]
		if !ok {
			i = len(out)
			idx[k] = i
			out = append(out, Verdict{ComponentRef: m.ComponentRef, VulnID: m.VulnID, Status: m.Status, Confidence: m.Confidence})
		}
		v := &out[i]
		v.Matches = append(v.Matches, m)
		if m.Confidence.Rank() < v.Confidence.Rank() {
			v.Confidence = m.Confidence
		}
		if statusWeight(m.Status) > statusWeight(v.Status) {
			v.Status = m.Status
		}
	}
	return out
}

// statusWeight orders statuses by how much they decide: a product-specific
// "fixed" or "not affected" beats "affected", which beats "under
// investigation".
func statusWeight(s vigil.MatchStatus) int {
	switch s {
	case vigil.MatchNotAffected, vigil.MatchFixed:
		return 3
	case vigil.MatchAffected:
		return 2
	case vigil.MatchUnderInvestigation:
		return 1
	}
	return 0
}

// minPerWorker is the least work Parallel gives a goroutine of its own.
const minPerWorker = 64

// Parallel splits [0, n) into at most GOMAXPROCS contiguous parts, runs fn
// on each in its own goroutine, and returns their results in order, or the
// first error. Matchers are safe for concurrent use on one SBOM, so
// callers split records this way.
func Parallel[T any](ctx context.Context, n int, fn func(lo, hi int) (T, error)) ([]T, error) {
	workers := max(1, min(runtime.GOMAXPROCS(0), n/minPerWorker))
	out := make([]T, workers)
	errs := make([]error, workers)
	var wg sync.WaitGroup
	for w := range workers {
		lo, hi := w*n/workers, (w+1)*n/workers
		if workers == 1 {
			out[0], errs[0] = fn(lo, hi)
			break
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			out[w], errs[w] = fn(lo, hi)
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return out, nil
}

package knowledge

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/feed"
	"github.com/vigil/vigil/internal/feed/source"
)

// FeedSource is a remote feed the service syncs from; cmd/vigil builds
// them (internal/feed/remote), so the CLI never touches the network code.
type FeedSource = source.Source

// SyncResult is what syncing one source did.
type SyncResult struct {
	Source  string         `json:"source"`
	Summary source.Summary `json:"summary"`
	Report  feed.Report    `json:"report"`
	Error   string         `json:"error,omitempty"`
}

// SyncFeeds brings the knowledge base up to date from remote sources (NVD,
// OSV, KEV, EPSS, CSAF providers). Each downloaded document is imported in
// its own transaction as it arrives; each source's sync state (validators
// for conditional requests, cursors) is saved afterwards even when the
// sync failed half-way, so the next run resumes where this one stopped.
// vigil feed sync and scheduled syncs both call this.
func (s *Service) SyncFeeds(ctx context.Context, sources []FeedSource, opt FeedOptions) ([]SyncResult, error) {
	importers, fopt, err := feedSetup(opt)
	if err != nil {
		return nil, err
	}
	states := map[string]source.State{}
	err = s.store.View(ctx, func(tx Tx) error {
		feeds, err := tx.FindFeedStates(ctx)
		if err != nil {
			return err
		}
		for _, f := range feeds {
			var st source.State
			if len(f.SyncState) > 0 {
				if err := json.Unmarshal(f.SyncState, &st); err != nil {
					return fmt.Errorf("sync state of %s: %w", f.Source, err)
				}
			}
			states[string(f.Source)] = st
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	var results []SyncResult
	var errs []error
	changed := s.newChangeSet()
	for _, src := range sources {
		st := states[syncKey(src.Name())]
		res := SyncResult{Source: src.Name()}
		emit := func(ctx context.Context, doc *source.Document) error {
			// Only what commits counts for matching.
			local := s.newChangeSet()
			err := s.writeKB(ctx, opt, local, func(sink *kbSink) error {
				return source.Import(importers, sink, fopt, &res.Report)(ctx, doc)
			}, func(Tx, *kbSink) error { return nil })
			if err == nil {
				changed.merge(local)
			}
			return err
		}
		sum, serr := src.Sync(ctx, &st, emit)
		res.Summary = sum
		if serr != nil {
			res.Error = serr.Error()
			errs = append(errs, fmt.Errorf("sync %s: %w", src.Name(), serr))
		}
		if err := s.saveSyncState(context.WithoutCancel(ctx), src.Name(), st, res.Report); err != nil {
			errs = append(errs, err)
		}
		results = append(results, res)
	}
	if err := s.afterImport(ctx, changed, opt); err != nil {
		errs = append(errs, err)
	}
	return results, errors.Join(errs...)
}

// syncKey is the feed-state row a remote source keeps its sync state in.
// The remote sources are named like the knowledge-base sources.
func syncKey(name string) string { return name }

func (s *Service) saveSyncState(ctx context.Context, name string, st source.State, rep feed.Report) error {
	state, err := json.Marshal(st)
	if err != nil {
		return err
	}
	report, err := json.Marshal(rep)
	if err != nil {
		return err
	}
	return s.store.Update(ctx, func(tx Tx) error {
		return tx.SetFeedState(ctx, vigil.Source(syncKey(name)), report, state)
	})
}

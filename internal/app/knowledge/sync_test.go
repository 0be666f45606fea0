package knowledge_test

import (
	"context"
	"errors"
	"os"
	"testing"

	"github.com/vigil/vigil/internal/app/apptest"
	"github.com/vigil/vigil/internal/app/knowledge"
	"github.com/vigil/vigil/internal/feed/source"
	"github.com/vigil/vigil/internal/realdata"
)

// fileSource is a remote source that emits local files: the edge of the
// world (HTTP) is tested in feed/remote; here the service's handling of
// documents, errors and state.
type fileSource struct {
	name  string
	files []string
	fail  error
	// starts records the cursor each run started from.
	starts []int
}

func (f *fileSource) Name() string { return f.name }

func (f *fileSource) Sync(ctx context.Context, st *source.State, emit source.Emit) (source.Summary, error) {
	start := 0
	if cur := st.Cursors["files"]; cur != nil {
		start = cur.Index
	}
	f.starts = append(f.starts, start)
	var sum source.Summary
	for i, p := range f.files {
		if cur := st.Cursors["files"]; cur != nil && cur.Index > i {
			continue
		}
		fh, err := os.Open(p)
		if err != nil {
			return sum, err
		}
		err = emit(ctx, &source.Document{Source: f.name, Name: p, Body: fh, Size: -1})
		fh.Close()
		if err != nil {
			return sum, err
		}
		sum.Documents++
		if st.Cursors == nil {
			st.Cursors = map[string]*source.Cursor{}
		}
		st.Cursors["files"] = &source.Cursor{Index: i + 1}
		if f.fail != nil && i == 0 {
			return sum, f.fail
		}
	}
	return sum, nil
}

func TestSyncFeedsKeepsState(t *testing.T) {
	svc, _ := apptest.New(t)
	boom := errors.New("connection reset")
	src := &fileSource{name: "kev", files: []string{
		realdata.Path(t, "kev/known_exploited_vulnerabilities.json"),
		realdata.Path(t, "kev/vunnel-fixtures/valid-catalog-1.json"),
	}, fail: boom}
	res, err := svc.Knowledge.SyncFeeds(t.Context(), []source.Source{src}, knowledge.FeedOptions{})
	if !errors.Is(err, boom) || len(res) != 1 || res[0].Report.Accepted == 0 {
		t.Fatalf("first sync: %+v, %v; want the first file imported and the error", res, err)
	}
	// The second run resumes after the first file: the state was saved.
	src.fail = nil
	res, err = svc.Knowledge.SyncFeeds(t.Context(), []source.Source{src}, knowledge.FeedOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if src.starts[1] != 1 {
		t.Fatalf("second run started from index %d, want 1", src.starts[1])
	}
	if res[0].Summary.Documents != 1 {
		t.Errorf("second run emitted %d documents, want 1", res[0].Summary.Documents)
	}
	// A local import afterwards keeps the sync cursor.
	if _, err := svc.Knowledge.ImportFeeds(t.Context(), []string{realdata.Path(t, "kev/known_exploited_vulnerabilities.json")}, knowledge.FeedOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Knowledge.SyncFeeds(t.Context(), []source.Source{src}, knowledge.FeedOptions{}); err != nil {
		t.Fatal(err)
	}
	if src.starts[2] != 2 {
		t.Errorf("after a file import the sync started from index %d, want 2", src.starts[2])
	}
}

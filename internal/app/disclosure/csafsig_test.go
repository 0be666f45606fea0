package disclosure_test

import (
	"strings"
	"testing"

	"github.com/vigil/vigil/internal/app/apptest"
	"github.com/vigil/vigil/internal/app/knowledge"
	"github.com/vigil/vigil/internal/realdata"
)

// TestCSAFSignatureNotChecked: CISA publishes icsma-19-274-01.json with a
// .asc beside it. Imported without --csaf-key, the advisory is kept and the
// report says its signature was not checked; a file without a .asc gets no
// such word.
func TestCSAFSignatureNotChecked(t *testing.T) {
	signed := realdata.Path(t, "csaf/cisa-icsma/icsma-19-274-01.json")
	svc, _ := apptest.New(t)
	rep, err := svc.Knowledge.ImportFeeds(t.Context(), []string{signed}, knowledge.FeedOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Accepted != 1 || rep.Warnings != 1 || len(rep.Problems) != 1 ||
		!strings.Contains(rep.Problems[0].Reason, "signature was not checked") || !rep.Problems[0].Warning {
		t.Fatalf("report %+v", rep)
	}
	unsigned := realdata.Path(t, "csaf/redhat/rhsa-2024_6220.json")
	rep, err = svc.Knowledge.ImportFeeds(t.Context(), []string{unsigned}, knowledge.FeedOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range rep.Problems {
		if strings.Contains(p.Reason, "signature") {
			t.Errorf("unsigned file: %+v", p)
		}
	}
}

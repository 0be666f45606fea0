package knowledge_test

import (
	"testing"

	"github.com/vigil/vigil/internal/app/apptest"
	"github.com/vigil/vigil/internal/app/knowledge"
	"github.com/vigil/vigil/internal/realdata"
)

// TestVulnerabilityShowsSSVC: CISA's vulnrichment record of CVE-2018-8863
// (a medical-device vulnerability) carries an SSVC decision in its
// CISA-ADP container; the merged view shows it, and CVE-2011-0611's
// "active" with it.
func TestVulnerabilityShowsSSVC(t *testing.T) {
	svc, _ := apptest.New(t)
	for _, tc := range []struct{ id, exploitation, automatable string }{
		{"CVE-2018-8863", "poc", "yes"},
		{"CVE-2011-0611", "active", "no"},
	} {
		if _, err := svc.Knowledge.ImportFeeds(t.Context(), []string{realdata.Path(t, "cve5/vulnrichment/"+tc.id+".json")}, knowledge.FeedOptions{}); err != nil {
			t.Fatal(err)
		}
		v, err := svc.Knowledge.Vulnerability(t.Context(), tc.id)
		if err != nil {
			t.Fatal(err)
		}
		if v.SSVC == nil || v.SSVC.Value("Exploitation") != tc.exploitation || v.SSVC.Value("Automatable") != tc.automatable || v.SSVC.Timestamp.IsZero() {
			t.Errorf("%s: SSVC %+v", tc.id, v.SSVC)
		}
	}
}

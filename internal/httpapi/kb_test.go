package httpapi_test

import (
	"net/http"
	"testing"

	"github.com/vigil/vigil/internal/app/knowledge"
	"github.com/vigil/vigil/internal/realdata"
)

func TestKnowledgeBase(t *testing.T) {
	e := newEnv(t)
	tok := e.org(t, "acme")
	if _, err := e.svc.Knowledge.ImportFeeds(t.Context(), []string{
		realdata.Path(t, "kev/known_exploited_vulnerabilities.json"), realdata.Path(t, "nvd/api-2.0/osv-dev"),
	}, knowledge.FeedOptions{}); err != nil {
		t.Fatal(err)
	}
	var st knowledge.KBStatus
	e.do(t, "GET", "/api/v1/kb/status", tok, nil).want(t, http.StatusOK, &st)
	counts := map[string]int{}
	for _, s := range st.Sources {
		counts[string(s.Source)] = s.Records
	}
	if counts["kev"] != 1404 || counts["nvd"] == 0 {
		t.Errorf("status counts = %v", counts)
	}
	var v knowledge.VulnView
	e.do(t, "GET", "/api/v1/vulns/CVE-2023-4863", tok, nil).want(t, http.StatusOK, &v)
	if v.KEV == nil || len(v.Records) == 0 {
		t.Errorf("CVE-2023-4863 = %+v", v)
	}
	e.do(t, "GET", "/api/v1/vulns/CVE-1999-99999", tok, nil).problem(t, http.StatusNotFound)
	e.do(t, "GET", "/api/v1/vulns/CVE-2023-4863", "", nil).problem(t, http.StatusUnauthorized)
}

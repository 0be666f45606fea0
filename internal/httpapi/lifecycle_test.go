package httpapi_test

import (
	"fmt"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/app/catalog"
	"github.com/vigil/vigil/internal/app/support"
	"github.com/vigil/vigil/internal/lifecycle"
)

func hospitalToken(t *testing.T, e *env, slug string) string {
	t.Helper()
	org, err := e.svc.Access.CreateOrg(t.Context(), vigil.OrgInput{Slug: slug, Kind: vigil.HealthcareProvider})
	if err != nil {
		t.Fatal(err)
	}
	_, secret, err := e.svc.Access.CreateToken(t.Context(), vigil.Scope{OrgID: org.ID, Actor: "test"}, vigil.TokenInput{Name: "test"})
	if err != nil {
		t.Fatal(err)
	}
	return secret
}

func TestNoticesAPI(t *testing.T) {
	e := newEnv(t)
	token := e.org(t, "acme")
	other := e.org(t, "rival")
	p := mustCreateProduct(t, e, token, "Monitor")
	old := mustCreateRelease(t, e, token, p.ID, vigil.ReleaseInput{Version: "5.4", Milestones: vigil.Milestones{ReleasedOn: vigil.Date{Year: 2018, Month: 1, Day: 10}}})
	succ := mustCreateRelease(t, e, token, p.ID, vigil.ReleaseInput{Version: "6.0"})
	path := fmt.Sprintf("/api/v1/releases/%d/notices", old.ID)

	t.Run("Created", func(t *testing.T) {
		var rec support.NoticeRecord
		res := e.do(t, "POST", path, token, vigil.NoticeInput{
			Kind: vigil.NoticeEndOfLife, Title: "End of life of PM-12 5.4", IssuedOn: vigil.Date{Year: 2022, Month: 1, Day: 1},
			EndOfSupportOn: vigil.Date{Year: 2024, Month: 12, Day: 31}, CompensatingControls: []string{"Isolate the monitor VLAN"},
			SuccessorReleaseID: succ.ID, URL: "https://acme.example/eol/pm12",
		})
		res.want(t, http.StatusCreated, &rec)
		if loc := res.header.Get("Location"); loc != fmt.Sprintf("/api/v1/notices/%d", rec.Notice.ID) {
			t.Errorf("Location %q", loc)
		}
		if rec.Release.Phase != vigil.PhaseEndOfSupport || rec.Notice.Successor != "Monitor 6.0" || rec.PhaseChange == nil {
			t.Errorf("record %+v / %+v / %+v", rec.Notice, rec.Release, rec.PhaseChange)
		}
		var list struct{ Items []vigil.Notice }
		e.do(t, "GET", path, token, nil).want(t, http.StatusOK, &list)
		if len(list.Items) != 1 || list.Items[0].ID != rec.Notice.ID {
			t.Errorf("release notices %+v", list)
		}
		e.do(t, "GET", "/api/v1/notices", token, nil).want(t, http.StatusOK, &list)
		if len(list.Items) != 1 {
			t.Errorf("notices %+v", list)
		}
		var got vigil.Notice
		e.do(t, "GET", fmt.Sprintf("/api/v1/notices/%d", rec.Notice.ID), token, nil).want(t, http.StatusOK, &got)
		if got.Title != "End of life of PM-12 5.4" {
			t.Errorf("notice %+v", got)
		}
		// Another organization sees nothing of it.
		e.do(t, "GET", fmt.Sprintf("/api/v1/notices/%d", rec.Notice.ID), other, nil).problem(t, http.StatusNotFound)
		e.do(t, "GET", "/api/v1/notices", other, nil).want(t, http.StatusOK, &list)
		if len(list.Items) != 0 {
			t.Errorf("other org lists %+v", list)
		}
		// The release's history says why the phase moved.
		var det catalog.ReleaseDetail
		e.do(t, "GET", fmt.Sprintf("/api/v1/releases/%d", old.ID), token, nil).want(t, http.StatusOK, &det)
		if last := det.History[len(det.History)-1]; !strings.Contains(last.Reason, "end-of-life notice") || last.To != vigil.PhaseEndOfSupport {
			t.Errorf("last history entry %+v", last)
		}
	})
	t.Run("ErrInvalid", func(t *testing.T) {
		pr := e.do(t, "POST", path, token, map[string]any{"kind": "end_of_life", "title": "x", "url": "javascript:alert(1)",
			"eol_on": "2025-01-01", "end_of_support_on": "2024-01-01"}).problem(t, http.StatusUnprocessableEntity)
		if !strings.Contains(fmt.Sprint(pr.Errors), "body.url") || !strings.Contains(fmt.Sprint(pr.Errors), "body.end_of_support_on") {
			t.Errorf("problem %+v", pr)
		}
		e.do(t, "POST", path, token, map[string]any{"kind": "sunset", "title": "x"}).problem(t, http.StatusUnprocessableEntity)
	})
	t.Run("ErrOtherOrgsRelease", func(t *testing.T) {
		e.do(t, "POST", path, other, vigil.NoticeInput{Kind: vigil.NoticeEndOfLife, Title: "x"}).problem(t, http.StatusNotFound)
	})
	t.Run("ErrHospital", func(t *testing.T) {
		hdo := hospitalToken(t, e, "general")
		hp := mustCreateProduct(t, e, hdo, "Catalogue Monitor")
		hr := mustCreateRelease(t, e, hdo, hp.ID, vigil.ReleaseInput{Version: "1"})
		e.do(t, "POST", fmt.Sprintf("/api/v1/releases/%d/notices", hr.ID), hdo,
			vigil.NoticeInput{Kind: vigil.NoticeEndOfLife, Title: "x"}).problem(t, http.StatusForbidden)
	})
}

func TestTransfersAPI(t *testing.T) {
	e := newEnv(t)
	token := e.org(t, "acme")
	other := e.org(t, "rival")
	p := mustCreateProduct(t, e, token, "Monitor")
	cur := mustCreateRelease(t, e, token, p.ID, vigil.ReleaseInput{Version: "6.0"})
	old := mustCreateRelease(t, e, token, p.ID, vigil.ReleaseInput{Version: "5.4", Milestones: vigil.Milestones{
		ReleasedOn: vigil.Date{Year: 2018, Month: 1, Day: 10}, EndOfSupportOn: vigil.Date{Year: 2024, Month: 12, Day: 31}}})
	body := vigil.TransferInput{
		ResidualRisks: []vigil.ResidualRisk{{Description: "Telnet service cannot be disabled", Harm: vigil.HarmSerious}},
		Documents:     []vigil.DocumentLink{{Title: "Final MDS2", URL: "https://acme.example/mds2.xlsx"}},
	}
	e.do(t, "POST", fmt.Sprintf("/api/v1/releases/%d/transfers", cur.ID), token, body).problem(t, http.StatusConflict)
	var tr vigil.Transfer
	res := e.do(t, "POST", fmt.Sprintf("/api/v1/releases/%d/transfers", old.ID), token, body)
	res.want(t, http.StatusCreated, &tr)
	if tr.EffectiveOn != (vigil.Date{Year: 2024, Month: 12, Day: 31}) || tr.Accepted() {
		t.Errorf("transfer %+v", tr)
	}
	accept := fmt.Sprintf("/api/v1/transfers/%d/accept", tr.ID)
	e.do(t, "POST", accept, other, vigil.TransferAcceptance{By: "Mallory"}).problem(t, http.StatusNotFound)
	e.do(t, "POST", accept, token, vigil.TransferAcceptance{By: "Dana Chief", Role: "CISO"}).want(t, http.StatusOK, &tr)
	if tr.AcceptedBy != "Dana Chief" || tr.AcceptedOn.IsZero() {
		t.Errorf("accepted %+v", tr)
	}
	e.do(t, "POST", accept, token, vigil.TransferAcceptance{By: "Dana Chief"}).problem(t, http.StatusConflict)
	var list struct{ Items []vigil.Transfer }
	e.do(t, "GET", fmt.Sprintf("/api/v1/releases/%d/transfers", old.ID), token, nil).want(t, http.StatusOK, &list)
	if len(list.Items) != 1 || list.Items[0].AcceptedBy != "Dana Chief" {
		t.Errorf("transfers %+v", list)
	}
	e.do(t, "GET", "/api/v1/transfers", other, nil).want(t, http.StatusOK, &list)
	if len(list.Items) != 0 {
		t.Errorf("other org lists %+v", list)
	}
	e.do(t, "GET", fmt.Sprintf("/api/v1/transfers/%d", tr.ID), other, nil).problem(t, http.StatusNotFound)
}

func TestSupportAndRefreshAPI(t *testing.T) {
	e := newEnv(t)
	token := e.org(t, "acme")
	p := mustCreateProduct(t, e, token, "Infusion Pump")
	r := mustCreateRelease(t, e, token, p.ID, vigil.ReleaseInput{Version: "3.0"})
	e.do(t, "GET", fmt.Sprintf("/api/v1/releases/%d/support", r.ID), token, nil).problem(t, http.StatusNotFound)
	doc, err := os.ReadFile(demoSBOM)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.Inventory.ImportSBOM(t.Context(), scopeOf(t, e, "acme"), r.ID, strings.NewReader(string(doc))); err != nil {
		t.Fatal(err)
	}
	var u lifecycle.SupportRollup
	e.do(t, "GET", fmt.Sprintf("/api/v1/releases/%d/support?months=24&all=true", r.ID), token, nil).want(t, http.StatusOK, &u)
	if u.Components != 25 || len(u.Items) != 25 || u.HorizonMonths != 24 || u.Summary == "" {
		t.Errorf("support %d components, %d items, %d months, %q", u.Components, len(u.Items), u.HorizonMonths, u.Summary)
	}
	e.do(t, "GET", fmt.Sprintf("/api/v1/releases/%d/support?months=0", r.ID), token, nil).problem(t, http.StatusUnprocessableEntity)
	var moves struct{ Moves []catalog.PhaseMove }
	e.do(t, "POST", "/api/v1/lifecycle/refresh", token, nil).want(t, http.StatusOK, &moves)
	if moves.Moves == nil || len(moves.Moves) != 0 {
		t.Errorf("moves %+v", moves)
	}
}

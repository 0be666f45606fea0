package httpapi_test

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/app/catalog"
)

// productList and releaseList decode listings.
type productList struct {
	Items []vigil.Product `json:"items"`
	Total int             `json:"total"`
}

type releaseList struct {
	Items []vigil.Release `json:"items"`
	Total int             `json:"total"`
}

// sameTime compares timestamps to the microsecond: a store keeps
// microseconds, while a create returns its transaction's clock unrounded.
var sameTime = cmpopts.EquateApproxTime(time.Microsecond)

func mustCreateProduct(t *testing.T, e *env, token, name string) vigil.Product {
	t.Helper()
	var p vigil.Product
	e.do(t, "POST", "/api/v1/products", token, vigil.ProductInput{
		Name: name, Manufacturer: "Acme Medical", DeviceModels: []string{"AM-" + name},
	}).want(t, http.StatusCreated, &p)
	return p
}

func mustCreateRelease(t *testing.T, e *env, token string, productID int64, in vigil.ReleaseInput) vigil.Release {
	t.Helper()
	var r vigil.Release
	e.do(t, "POST", fmt.Sprintf("/api/v1/products/%d/releases", productID), token, in).want(t, http.StatusCreated, &r)
	return r
}

func TestAuthentication(t *testing.T) {
	e := newEnv(t)
	token := e.org(t, "acme")
	_, expired, err := e.svc.Access.CreateToken(t.Context(), scopeOf(t, e, "acme"), vigil.TokenInput{Name: "short", TTL: 1})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name          string
		authorization string
		wantStatus    int
	}{
		{"Valid", "Bearer " + token, http.StatusOK},
		{"SchemeCaseInsensitive", "bearer " + token, http.StatusOK},
		{"Missing", "", http.StatusUnauthorized},
		{"NotBearer", "Basic dXNlcjpwYXNz", http.StatusUnauthorized},
		{"EmptyToken", "Bearer ", http.StatusUnauthorized},
		{"Malformed", "Bearer not-a-vigil-token", http.StatusUnauthorized},
		{"Unknown", "Bearer vgl_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", http.StatusUnauthorized},
		{"Expired", "Bearer " + expired, http.StatusUnauthorized},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := e.do(t, "GET", "/api/v1/products", "", nil, "Authorization", tt.authorization)
			if tt.wantStatus != http.StatusUnauthorized {
				res.want(t, tt.wantStatus, nil)
				return
			}
			p := res.problem(t, http.StatusUnauthorized)
			if got, want := res.header.Get("WWW-Authenticate"), `Bearer realm="vigil"`; got != want {
				t.Errorf("WWW-Authenticate %q, want %q", got, want)
			}
			// One answer for every failure: nothing about the token,
			// its name or whether it exists.
			if want := "invalid or expired credentials: unauthorized"; p.Detail != want {
				t.Errorf("detail %q, want %q", p.Detail, want)
			}
		})
	}
}

// TestEveryAPIRouteNeedsToken sends each /api/v1 route without a token.
func TestEveryAPIRouteNeedsToken(t *testing.T) {
	e := newEnv(t)
	for _, route := range e.srv.Routes() {
		method, path, _ := strings.Cut(route, " ")
		if !strings.HasPrefix(path, "/api/v1/") || strings.HasPrefix(path, "/api/v1/openapi.") {
			continue
		}
		t.Run(route, func(t *testing.T) {
			path := strings.NewReplacer("{id}", "1", "{slug}", "acme").Replace(path)
			e.do(t, method, path, "", nil).problem(t, http.StatusUnauthorized)
		})
	}
}

func scopeOf(t *testing.T, e *env, slug string) vigil.Scope {
	t.Helper()
	sc, _, err := e.svc.Access.ScopeFor(t.Context(), slug, "test")
	if err != nil {
		t.Fatal(err)
	}
	return sc
}

func TestProductsAndReleases(t *testing.T) {
	e := newEnv(t)
	token := e.org(t, "acme")

	res := e.do(t, "POST", "/api/v1/products", token, vigil.ProductInput{
		Name: "Infusion Pump", Manufacturer: "Acme Medical", DeviceModels: []string{"IP-1", "IP-2"},
		IntendedUse: "Delivers fluids.", ClinicalFunction: "infusion therapy",
	})
	var pump vigil.Product
	res.want(t, http.StatusCreated, &pump)
	if got, want := res.header.Get("Location"), "/api/v1/products/"+strconv.FormatInt(pump.ID, 10); got != want {
		t.Errorf("Location %q, want %q", got, want)
	}
	monitor := mustCreateProduct(t, e, token, "Monitor")
	other := vigil.ProductInput{Name: "Ventilator", Manufacturer: "Other Corp"}
	e.do(t, "POST", "/api/v1/products", token, other).want(t, http.StatusCreated, nil)

	var got vigil.Product
	e.do(t, "GET", fmt.Sprintf("/api/v1/products/%d", pump.ID), token, nil).want(t, http.StatusOK, &got)
	if diff := cmp.Diff(pump, got, sameTime); diff != "" {
		t.Errorf("GET product (-created +got):\n%s", diff)
	}

	names := func(l productList) []string {
		var out []string
		for _, p := range l.Items {
			out = append(out, p.Name)
		}
		return out
	}
	lists := []struct {
		query     string
		wantNames []string
		wantTotal int
	}{
		{"", []string{"Infusion Pump", "Monitor", "Ventilator"}, 3},
		{"?name=Monitor", []string{"Monitor"}, 1},
		{"?manufacturer=Acme+Medical", []string{"Infusion Pump", "Monitor"}, 2},
		{"?limit=1&offset=1", []string{"Monitor"}, 3},
		{"?name=None", nil, 0},
	}
	for _, l := range lists {
		var list productList
		e.do(t, "GET", "/api/v1/products"+l.query, token, nil).want(t, http.StatusOK, &list)
		if diff := cmp.Diff(l.wantNames, names(list)); diff != "" || list.Total != l.wantTotal {
			t.Errorf("GET /api/v1/products%s: total %d, want %d; names (-want +got):\n%s", l.query, list.Total, l.wantTotal, diff)
		}
	}

	manufacturer := "Acme Medical Inc."
	var updated vigil.Product
	e.do(t, "PATCH", fmt.Sprintf("/api/v1/products/%d", pump.ID), token,
		vigil.ProductUpdate{Manufacturer: &manufacturer}).want(t, http.StatusOK, &updated)
	if updated.Manufacturer != manufacturer || updated.IntendedUse != pump.IntendedUse {
		t.Errorf("PATCH product: got %+v", updated)
	}

	rel := mustCreateRelease(t, e, token, pump.ID, vigil.ReleaseInput{
		Version: "2.0", Milestones: vigil.Milestones{ReleasedOn: vigil.Date{Year: 2024, Month: 1, Day: 15}},
	})
	if rel.Phase != vigil.PhaseSupport || rel.PhaseExplicit {
		t.Errorf("new release phase %q explicit %v, want support from milestones", rel.Phase, rel.PhaseExplicit)
	}
	mustCreateRelease(t, e, token, monitor.ID, vigil.ReleaseInput{Version: "1.0"})

	var detail catalog.ReleaseDetail
	e.do(t, "POST", fmt.Sprintf("/api/v1/releases/%d/phase", rel.ID), token, catalog.PhaseChangeInput{
		Phase: vigil.PhaseLimitedSupport, Reason: "EOL announced",
	}).want(t, http.StatusOK, &detail)
	type step struct {
		From, To vigil.Phase
		Reason   string
	}
	var steps []step
	for _, c := range detail.History {
		steps = append(steps, step{c.From, c.To, c.Reason})
	}
	wantSteps := []step{
		{"", vigil.PhaseSupport, "release created"},
		{vigil.PhaseSupport, vigil.PhaseLimitedSupport, "EOL announced"},
	}
	if diff := cmp.Diff(wantSteps, steps); diff != "" {
		t.Errorf("phase history (-want +got):\n%s", diff)
	}

	eos := vigil.Date{Year: 2030, Month: 12, Day: 31}
	var rel2 vigil.Release
	e.do(t, "PATCH", fmt.Sprintf("/api/v1/releases/%d", rel.ID), token,
		map[string]string{"end_of_support_on": eos.String()}).want(t, http.StatusOK, &rel2)
	if rel2.EndOfSupportOn != eos {
		t.Errorf("PATCH release: end_of_support_on %v, want %v", rel2.EndOfSupportOn, eos)
	}
	var gotDetail catalog.ReleaseDetail
	e.do(t, "GET", fmt.Sprintf("/api/v1/releases/%d", rel.ID), token, nil).want(t, http.StatusOK, &gotDetail)
	if gotDetail.EndOfSupportOn != eos || len(gotDetail.History) != 2 {
		t.Errorf("GET release: %+v", gotDetail)
	}

	for _, q := range []struct {
		path string
		want []string
	}{
		{"/api/v1/releases", []string{"Infusion Pump 2.0", "Monitor 1.0"}},
		{fmt.Sprintf("/api/v1/releases?product_id=%d", monitor.ID), []string{"Monitor 1.0"}},
		{fmt.Sprintf("/api/v1/products/%d/releases", pump.ID), []string{"Infusion Pump 2.0"}},
	} {
		var list releaseList
		e.do(t, "GET", q.path, token, nil).want(t, http.StatusOK, &list)
		var got []string
		for _, r := range list.Items {
			got = append(got, r.Product+" "+r.Version)
		}
		if diff := cmp.Diff(q.want, got); diff != "" || list.Total != len(q.want) {
			t.Errorf("GET %s: total %d; (-want +got):\n%s", q.path, list.Total, diff)
		}
	}

	relPath := fmt.Sprintf("/api/v1/releases/%d", rel.ID)
	e.do(t, "DELETE", relPath, token, nil).want(t, http.StatusNoContent, nil)
	e.do(t, "GET", relPath, token, nil).problem(t, http.StatusNotFound)
	pumpPath := fmt.Sprintf("/api/v1/products/%d", pump.ID)
	e.do(t, "DELETE", pumpPath, token, nil).want(t, http.StatusNoContent, nil)
	e.do(t, "GET", pumpPath, token, nil).problem(t, http.StatusNotFound)
}

// TestIsolation proves a token of organization B can neither see nor change
// organization A's rows, and is told they do not exist.
func TestIsolation(t *testing.T) {
	e := newEnv(t)
	tokenA := e.org(t, "org-a")
	tokenB := e.org(t, "org-b")
	prodA := mustCreateProduct(t, e, tokenA, "Pump")
	relA := mustCreateRelease(t, e, tokenA, prodA.ID, vigil.ReleaseInput{Version: "1.0"})
	var tokensA struct {
		Items []vigil.APIToken `json:"items"`
	}
	e.do(t, "GET", "/api/v1/tokens", tokenA, nil).want(t, http.StatusOK, &tokensA)
	tokenAID := tokensA.Items[0].ID

	manufacturer := "Evil Corp"
	prodPath := fmt.Sprintf("/api/v1/products/%d", prodA.ID)
	relPath := fmt.Sprintf("/api/v1/releases/%d", relA.ID)
	denied := []struct {
		name   string
		method string
		path   string
		body   any
	}{
		{"GetProduct", "GET", prodPath, nil},
		{"UpdateProduct", "PATCH", prodPath, vigil.ProductUpdate{Manufacturer: &manufacturer}},
		{"DeleteProduct", "DELETE", prodPath, nil},
		{"CreateReleaseOfProduct", "POST", prodPath + "/releases", vigil.ReleaseInput{Version: "6.6.6"}},
		{"GetRelease", "GET", relPath, nil},
		{"UpdateRelease", "PATCH", relPath, map[string]string{"released_on": "2020-01-01"}},
		{"SetReleasePhase", "POST", relPath + "/phase", catalog.PhaseChangeInput{Phase: vigil.PhaseEndOfSupport, Reason: "x", Force: true}},
		{"DeleteRelease", "DELETE", relPath, nil},
		{"GetOrg", "GET", "/api/v1/orgs/org-a", nil},
		{"ListReleasesOfProduct", "GET", prodPath + "/releases", nil},
		{"ListReleasesByProductFilter", "GET", fmt.Sprintf("/api/v1/releases?product_id=%d", prodA.ID), nil},
		{"DeleteToken", "DELETE", fmt.Sprintf("/api/v1/tokens/%d", tokenAID), nil},
	}
	for _, tt := range denied {
		t.Run(tt.name, func(t *testing.T) {
			e.do(t, tt.method, tt.path, tokenB, tt.body).problem(t, http.StatusNotFound)
		})
	}

	empty := []string{
		"/api/v1/products",
		"/api/v1/releases",
		"/api/v1/products?name=Pump",
	}
	for _, path := range empty {
		t.Run("List "+path, func(t *testing.T) {
			var list struct {
				Items []map[string]any `json:"items"`
				Total int              `json:"total"`
			}
			e.do(t, "GET", path, tokenB, nil).want(t, http.StatusOK, &list)
			if len(list.Items) != 0 || list.Total != 0 {
				t.Errorf("org B sees %d items (total %d): %v", len(list.Items), list.Total, list.Items)
			}
		})
	}
	t.Run("ListOrgs", func(t *testing.T) {
		var list struct {
			Items []vigil.Organization `json:"items"`
		}
		e.do(t, "GET", "/api/v1/orgs", tokenB, nil).want(t, http.StatusOK, &list)
		if len(list.Items) != 1 || list.Items[0].Slug != "org-b" {
			t.Errorf("org B lists %+v, want only itself", list.Items)
		}
	})
	t.Run("ListTokens", func(t *testing.T) {
		var list struct {
			Items []vigil.APIToken `json:"items"`
		}
		e.do(t, "GET", "/api/v1/tokens", tokenB, nil).want(t, http.StatusOK, &list)
		for _, tok := range list.Items {
			if tok.ID == tokenAID {
				t.Errorf("org B lists org A's token %+v", tok)
			}
		}
	})

	// Nothing B did changed A's rows.
	var gotProd vigil.Product
	e.do(t, "GET", prodPath, tokenA, nil).want(t, http.StatusOK, &gotProd)
	if diff := cmp.Diff(prodA, gotProd, sameTime); diff != "" {
		t.Errorf("org A's product changed (-before +after):\n%s", diff)
	}
	var gotRel catalog.ReleaseDetail
	e.do(t, "GET", relPath, tokenA, nil).want(t, http.StatusOK, &gotRel)
	if diff := cmp.Diff(relA, gotRel.Release, sameTime); diff != "" || len(gotRel.History) != 1 {
		t.Errorf("org A's release changed (-before +after):\n%s\nhistory %+v", diff, gotRel.History)
	}
	e.do(t, "GET", "/api/v1/org", tokenA, nil).want(t, http.StatusOK, nil)
}

func TestOrgs(t *testing.T) {
	e := newEnv(t)
	token := e.org(t, "acme")
	e.org(t, "other")

	var own vigil.Organization
	e.do(t, "GET", "/api/v1/org", token, nil).want(t, http.StatusOK, &own)
	if own.Slug != "acme" || own.Kind != vigil.Manufacturer {
		t.Errorf("GET /api/v1/org: %+v", own)
	}
	var bySlug vigil.Organization
	e.do(t, "GET", "/api/v1/orgs/acme", token, nil).want(t, http.StatusOK, &bySlug)
	if diff := cmp.Diff(own, bySlug); diff != "" {
		t.Errorf("GET /api/v1/orgs/acme (-org +got):\n%s", diff)
	}
	// Another organization and no organization look the same.
	existing := e.do(t, "GET", "/api/v1/orgs/other", token, nil).problem(t, http.StatusNotFound)
	missing := e.do(t, "GET", "/api/v1/orgs/nobody", token, nil).problem(t, http.StatusNotFound)
	existing.Detail = strings.Replace(existing.Detail, "other", "nobody", 1)
	if diff := cmp.Diff(missing, existing); diff != "" {
		t.Errorf("problems differ between another org and none (-none +other):\n%s", diff)
	}
}

func TestTokens(t *testing.T) {
	e := newEnv(t)
	token := e.org(t, "acme")

	var created struct {
		Token  vigil.APIToken `json:"token"`
		Secret string         `json:"secret"`
	}
	e.do(t, "POST", "/api/v1/tokens", token, map[string]string{"name": "ci", "ttl": "720h"}).
		want(t, http.StatusCreated, &created)
	if !strings.HasPrefix(created.Secret, "vgl_") || created.Token.ExpiresAt.IsZero() {
		t.Errorf("created token %+v", created)
	}
	e.do(t, "GET", "/api/v1/org", created.Secret, nil).want(t, http.StatusOK, nil)

	res := e.do(t, "GET", "/api/v1/tokens", token, nil)
	var list struct {
		Items []vigil.APIToken `json:"items"`
		Total int              `json:"total"`
	}
	res.want(t, http.StatusOK, &list)
	if list.Total != 2 || strings.Contains(string(res.body), created.Secret) {
		t.Errorf("token list: %s", res.body)
	}

	e.do(t, "DELETE", fmt.Sprintf("/api/v1/tokens/%d", created.Token.ID), token, nil).want(t, http.StatusNoContent, nil)
	e.do(t, "GET", "/api/v1/org", created.Secret, nil).problem(t, http.StatusUnauthorized)
}

// TestProblems checks that each kind of failure has its status and its
// problem details.
func TestProblems(t *testing.T) {
	e := newEnv(t)
	token := e.org(t, "acme")
	pump := mustCreateProduct(t, e, token, "Pump")
	rel := mustCreateRelease(t, e, token, pump.ID, vigil.ReleaseInput{Version: "1.0", Phase: vigil.PhaseSupport})
	relPhase := fmt.Sprintf("/api/v1/releases/%d/phase", rel.ID)

	type fieldError struct{ Location, Message string }
	tests := []struct {
		name       string
		method     string
		path       string
		body       any
		wantStatus int
		wantDetail string // substring
		wantErrors []fieldError
	}{
		{
			name: "ValidationError", method: "POST", path: "/api/v1/products",
			body:       vigil.ProductInput{Name: "a\x01b", Manufacturer: "  "},
			wantStatus: http.StatusUnprocessableEntity, wantDetail: "invalid input",
			wantErrors: []fieldError{
				{"body.name", "contains a control character"},
				{"body.manufacturer", "is required"},
			},
		},
		{
			name: "SchemaMissingField", method: "POST", path: "/api/v1/products",
			body:       map[string]any{"name": "X"},
			wantStatus: http.StatusUnprocessableEntity,
			wantErrors: []fieldError{{"body", "expected required property manufacturer to be present"}},
		},
		{
			name: "SchemaUnknownField", method: "POST", path: "/api/v1/products",
			body:       map[string]any{"name": "X", "manufacturer": "Y", "colour": "red"},
			wantStatus: http.StatusUnprocessableEntity,
			wantErrors: []fieldError{{"body.colour", "unexpected property"}},
		},
		{
			name: "SchemaBadEnum", method: "POST", path: relPhase,
			body:       map[string]any{"phase": "retired", "reason": "x"},
			wantStatus: http.StatusUnprocessableEntity,
			wantErrors: []fieldError{{"body.phase", "expected value to be one of \"development, support, limited_support, end_of_support\""}},
		},
		{
			name: "MalformedJSON", method: "POST", path: "/api/v1/products",
			body: `{"name": `, wantStatus: http.StatusBadRequest,
			wantErrors: []fieldError{{"body", "unexpected end of JSON input"}},
		},
		{
			name: "BadPathID", method: "GET", path: "/api/v1/products/abc",
			wantStatus: http.StatusUnprocessableEntity,
			wantErrors: []fieldError{{"path.id", "invalid integer"}},
		},
		{
			name: "LimitOverMax", method: "GET", path: "/api/v1/products?limit=501",
			wantStatus: http.StatusUnprocessableEntity,
			wantErrors: []fieldError{{"query.limit", "expected number <= 500"}},
		},
		{
			name: "BadTTL", method: "POST", path: "/api/v1/tokens",
			body:       map[string]string{"name": "x", "ttl": "a month"},
			wantStatus: http.StatusUnprocessableEntity, wantDetail: "invalid input",
			wantErrors: []fieldError{{"body.ttl", "is not a duration such as 720h"}},
		},
		{
			name: "Duplicate", method: "POST", path: "/api/v1/products",
			body:       vigil.ProductInput{Name: "Pump", Manufacturer: "Acme"},
			wantStatus: http.StatusConflict, wantDetail: `product "Pump": already exists`,
		},
		{
			name: "DuplicateRelease", method: "POST", path: fmt.Sprintf("/api/v1/products/%d/releases", pump.ID),
			body:       vigil.ReleaseInput{Version: "1.0"},
			wantStatus: http.StatusConflict, wantDetail: `release "1.0": already exists`,
		},
		{
			name: "PhaseBackwards", method: "POST", path: relPhase,
			body:       catalog.PhaseChangeInput{Phase: vigil.PhaseDevelopment, Reason: "oops"},
			wantStatus: http.StatusConflict, wantDetail: "goes back in the lifecycle",
		},
		{
			name: "PhaseAndFollow", method: "POST", path: relPhase,
			body:       catalog.PhaseChangeInput{Phase: vigil.PhaseSupport, Reason: "x", FollowMilestones: true},
			wantStatus: http.StatusBadRequest, wantDetail: "not both",
		},
		{
			name: "PhaseNoReason", method: "POST", path: relPhase,
			body:       catalog.PhaseChangeInput{Phase: vigil.PhaseEndOfSupport, Reason: " "},
			wantStatus: http.StatusUnprocessableEntity,
			wantErrors: []fieldError{{"body.reason", "is required"}},
		},
		{
			name: "NotFound", method: "GET", path: "/api/v1/releases/999999",
			wantStatus: http.StatusNotFound, wantDetail: "not found",
		},
		{
			name: "Oversize", method: "POST", path: "/api/v1/products",
			body:       vigil.ProductInput{Name: "Big", Manufacturer: "Acme", IntendedUse: strings.Repeat("x", testMaxBody)},
			wantStatus: http.StatusRequestEntityTooLarge, wantDetail: "too large",
		},
		{
			name: "UnknownRoute", method: "GET", path: "/api/v1/nothing",
			wantStatus: http.StatusNotFound, wantDetail: "no route",
		},
		{
			name: "MethodNotAllowed", method: "PUT", path: "/api/v1/products",
			wantStatus: http.StatusMethodNotAllowed, wantDetail: "method",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := e.do(t, tt.method, tt.path, token, tt.body).problem(t, tt.wantStatus)
			if !strings.Contains(p.Detail, tt.wantDetail) {
				t.Errorf("detail %q, want it to contain %q", p.Detail, tt.wantDetail)
			}
			var got []fieldError
			for _, fe := range p.Errors {
				got = append(got, fieldError{fe.Location, fe.Message})
			}
			if diff := cmp.Diff(tt.wantErrors, got, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("errors (-want +got):\n%s", diff)
			}
		})
	}
}

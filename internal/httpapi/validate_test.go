package httpapi_test

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"

	"github.com/vigil/vigil/internal/httpapi"
)

func init() {
	// Binary and text media types the API serves: the schema says only
	// "a string"/"binary", so the body is read as a string.
	for _, ct := range []string{"application/pdf", "text/csv", "text/html",
		"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "application/zip",
		"application/octet-stream", "application/x-ndjson", "application/yaml", "text/event-stream"} {
		openapi3filter.RegisterBodyDecoder(ct, openapi3filter.FileBodyDecoder)
	}
}

// validating wraps the API's handler so that every response a test
// receives is checked against the published OpenAPI document: its status
// must be described for the route and its body must match the schema of
// its media type. A drift fails the test that made the request, naming the
// route. Routes outside the document (the UI, /metrics) pass unchecked.
func validating(t *testing.T, srv *httpapi.Server) http.Handler {
	t.Helper()
	raw, err := srv.OpenAPI()
	if err != nil {
		t.Fatal(err)
	}
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(raw)
	if err != nil {
		t.Fatalf("load the OpenAPI document: %v", err)
	}
	// The legacy router matches on paths only; the served host does not
	// matter to the check.
	doc.Servers = nil
	router, err := legacy.NewRouter(doc)
	if err != nil {
		t.Fatalf("OpenAPI router: %v", err)
	}
	h := srv.Handler()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		route, params, err := router.FindRoute(r)
		if err != nil {
			h.ServeHTTP(w, r)
			return
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		res := rec.Result()
		body := rec.Body.Bytes()
		if err := checkResponse(r, route, params, res, body); err != nil {
			t.Errorf("%s %s → %d does not match the OpenAPI document: %v\nbody: %.400s", r.Method, r.URL.Path, res.StatusCode, err, body)
		}
		for k, v := range res.Header {
			w.Header()[k] = v
		}
		w.WriteHeader(res.StatusCode)
		w.Write(body)
	})
}

func checkResponse(r *http.Request, route *routers.Route, params map[string]string, res *http.Response, body []byte) error {
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{Request: r, PathParams: params, Route: route},
		Status:                 res.StatusCode,
		Header:                 res.Header,
		Body:                   io.NopCloser(bytes.NewReader(body)),
		Options:                &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true},
	}
	if r.Method == http.MethodHead || (len(body) == 0 && res.StatusCode == http.StatusNoContent) {
		return nil
	}
	// A content type's parameters (charset) are part of how huma names
	// some media types and not of others: match either way.
	if ct := res.Header.Get("Content-Type"); strings.Contains(ct, ";") {
		if op := route.Operation; op != nil && op.Responses != nil {
			if ref := op.Responses.Status(res.StatusCode); ref != nil && ref.Value != nil && ref.Value.Content[ct] == nil {
				h := res.Header.Clone()
				h.Set("Content-Type", strings.TrimSpace(strings.Split(ct, ";")[0]))
				in.Header = h
			}
		}
	}
	return openapi3filter.ValidateResponse(r.Context(), in)
}

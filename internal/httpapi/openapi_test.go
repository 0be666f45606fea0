package httpapi_test

import (
	"bytes"
	"net/http"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
)

// TestOpenAPI loads the served document with kin-openapi, validates it as
// OpenAPI 3.1, and checks that it describes every route the server has.
func TestOpenAPI(t *testing.T) {
	e := newEnv(t)
	res := e.do(t, "GET", "/api/v1/openapi.json", "", nil)
	res.want(t, http.StatusOK, nil)
	if ct := res.header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type %q", ct)
	}
	direct, err := e.srv.OpenAPI()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(direct, res.body) {
		t.Error("served document differs from Server.OpenAPI")
	}

	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(res.body)
	if err != nil {
		t.Fatalf("load: %v", err)
	}
	if doc.OpenAPI != "3.1.0" || !doc.IsOpenAPI31OrLater() {
		t.Errorf("openapi %q, want 3.1.0", doc.OpenAPI)
	}
	if err := doc.Validate(loader.Context, openapi3.EnableExamplesValidation()); err != nil {
		t.Fatalf("validate: %v", err)
	}

	scheme := doc.Components.SecuritySchemes["bearer"]
	if scheme == nil || scheme.Value.Type != "http" || scheme.Value.Scheme != "bearer" {
		t.Errorf("bearer security scheme: %+v", scheme)
	}

	routes := e.srv.Routes()
	if len(routes) < 20 {
		t.Fatalf("only %d routes registered: %v", len(routes), routes)
	}
	described := 0
	for _, item := range doc.Paths.Map() {
		described += len(item.Operations())
	}
	if described != len(routes) {
		t.Errorf("document describes %d operations, server has %d routes", described, len(routes))
	}
	for _, route := range routes {
		method, path, _ := strings.Cut(route, " ")
		item := doc.Paths.Value(path)
		if item == nil {
			t.Errorf("%s: path not in the document", route)
			continue
		}
		op := item.GetOperation(method)
		if op == nil {
			t.Errorf("%s: method not in the document", route)
			continue
		}
		wantAuth := strings.HasPrefix(path, "/api/v1/") && !strings.HasPrefix(path, "/api/v1/openapi.")
		gotAuth := op.Security != nil && len(*op.Security) == 1 && (*op.Security)[0]["bearer"] != nil
		if gotAuth != wantAuth {
			t.Errorf("%s: bearer security %v, want %v", route, gotAuth, wantAuth)
		}
		if wantAuth && op.Responses.Value("401") == nil {
			t.Errorf("%s: 401 response not described", route)
		}
	}

	yaml := e.do(t, "GET", "/api/v1/openapi.yaml", "", nil)
	yaml.want(t, http.StatusOK, nil)
	if ydoc, err := loader.LoadFromData(yaml.body); err != nil {
		t.Errorf("load YAML: %v", err)
	} else if len(ydoc.Paths.Map()) != len(doc.Paths.Map()) {
		t.Errorf("YAML has %d paths, JSON %d", len(ydoc.Paths.Map()), len(doc.Paths.Map()))
	}
}

package httpapi

import (
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/vigil/vigil/internal/metrics"
)

// routes registers every operation. This is the whole route table.
func (s *Server) routes() {
	api := s.api
	const (
		get   = http.MethodGet
		post  = http.MethodPost
		patch = http.MethodPatch
		del   = http.MethodDelete
	)
	const (
		notFound = http.StatusNotFound
		conflict = http.StatusConflict
		invalid  = http.StatusBadRequest
		tooLarge = http.StatusRequestEntityTooLarge
	)

	// Operations: open to anyone who can reach the port.
	huma.Register(api, s.public(get, "/healthz", "get-healthz", tagMeta,
		"Liveness: 200 while the process serves."), s.healthz)
	huma.Register(api, s.public(get, "/readyz", "get-readyz", tagMeta,
		"Readiness: 200 when the store answers and its schema is current.",
		http.StatusServiceUnavailable), s.readyz)
	huma.Register(api, withText(s.public(get, "/metrics", "get-metrics", tagMeta,
		"Metrics in the Prometheus text format 0.0.4."), metrics.ContentType, textSchema()), s.metricsText)
	huma.Register(api, withText(s.public(get, "/api/v1/openapi.json", "get-openapi-json", tagMeta,
		"This OpenAPI 3.1 document, as JSON."), "application/json", &huma.Schema{Type: huma.TypeObject}), s.openAPIJSON)
	huma.Register(api, withText(s.public(get, "/api/v1/openapi.yaml", "get-openapi-yaml", tagMeta,
		"This OpenAPI 3.1 document, as YAML."), "application/yaml", textSchema()), s.openAPIYAML)

	// Organizations: a token sees its own organization and no other.
	huma.Register(api, s.authed(get, "/api/v1/org", "get-own-org", tagOrgs,
		"The caller's organization."), s.getOwnOrg)
	huma.Register(api, s.authed(get, "/api/v1/orgs", "list-orgs", tagOrgs,
		"The organizations the caller may see: its own."), s.listOrgs)
	huma.Register(api, s.authed(get, "/api/v1/orgs/{slug}", "get-org", tagOrgs,
		"An organization by slug; any but the caller's own is not found.", notFound), s.getOrg)

	// Products.
	huma.Register(api, s.authed(get, "/api/v1/products", "list-products", tagProducts,
		"List products, ordered by name."), s.listProducts)
	huma.Register(api, created(s.authed(post, "/api/v1/products", "create-product", tagProducts,
		"Create a product.", conflict, tooLarge)), s.createProduct)
	huma.Register(api, s.authed(get, "/api/v1/products/{id}", "get-product", tagProducts,
		"Get a product.", notFound), s.getProduct)
	huma.Register(api, s.authed(patch, "/api/v1/products/{id}", "update-product", tagProducts,
		"Change a product's fields; fields left out stay as they are.", notFound, tooLarge), s.updateProduct)
	huma.Register(api, s.authed(del, "/api/v1/products/{id}", "delete-product", tagProducts,
		"Delete a product and its releases.", notFound), s.deleteProduct)
	huma.Register(api, s.authed(get, "/api/v1/products/{id}/releases", "list-product-releases", tagReleases,
		"List a product's releases."), s.listProductReleases)
	huma.Register(api, created(s.authed(post, "/api/v1/products/{id}/releases", "create-release", tagReleases,
		"Create a release of a product. Without a phase, the phase follows the milestones.",
		notFound, conflict, tooLarge)), s.createRelease)

	// Releases.
	huma.Register(api, s.authed(get, "/api/v1/releases", "list-releases", tagReleases,
		"List releases, ordered by product name, then creation."), s.listReleases)
	huma.Register(api, s.authed(get, "/api/v1/releases/{id}", "get-release", tagReleases,
		"Get a release with its phase history.", notFound), s.getRelease)
	huma.Register(api, s.authed(patch, "/api/v1/releases/{id}", "update-release", tagReleases,
		"Change a release's milestones; a phase that follows them moves with them.",
		notFound, tooLarge), s.updateRelease)
	huma.Register(api, s.authed(del, "/api/v1/releases/{id}", "delete-release", tagReleases,
		"Delete a release.", notFound), s.deleteRelease)
	huma.Register(api, s.authed(post, "/api/v1/releases/{id}/phase", "set-release-phase", tagReleases,
		"Move a release to another lifecycle phase, recording who did it and why.",
		notFound, conflict, invalid, tooLarge), s.setReleasePhase)

	// API tokens.
	huma.Register(api, s.authed(get, "/api/v1/tokens", "list-tokens", tagTokens,
		"List the organization's API tokens (never their secrets)."), s.listTokens)
	huma.Register(api, created(s.authed(post, "/api/v1/tokens", "create-token", tagTokens,
		"Create an API token. The response holds its secret, which cannot be shown again.",
		conflict, tooLarge)), s.createToken)
	huma.Register(api, s.authed(del, "/api/v1/tokens/{id}", "delete-token", tagTokens,
		"Revoke an API token.", notFound), s.deleteToken)
}

// public is an operation anyone may call.
func (s *Server) public(method, path, id, tag, summary string, errs ...int) huma.Operation {
	return huma.Operation{
		OperationID:  id,
		Method:       method,
		Path:         path,
		Tags:         []string{tag},
		Summary:      summary,
		Errors:       errs,
		MaxBodyBytes: s.cfg.MaxBodyBytes,
	}
}

// authed is an operation that needs a bearer token and acts for its
// organization.
func (s *Server) authed(method, path, id, tag, summary string, errs ...int) huma.Operation {
	op := s.public(method, path, id, tag, summary, append([]int{http.StatusUnauthorized}, errs...)...)
	op.Security = bearerOnly
	return op
}

// withText declares an operation's 200 response as contentType rather
// than JSON.
func withText(op huma.Operation, contentType string, schema *huma.Schema) huma.Operation {
	op.Responses = map[string]*huma.Response{
		"200": {
			Description: "OK",
			Content:     map[string]*huma.MediaType{contentType: {Schema: schema}},
		},
	}
	return op
}

// created marks an operation that answers 201 Created.
func created(op huma.Operation) huma.Operation {
	op.DefaultStatus = http.StatusCreated
	return op
}

func textSchema() *huma.Schema { return &huma.Schema{Type: huma.TypeString} }

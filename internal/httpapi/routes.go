package httpapi

import (
	"net/http"
	"reflect"
	"slices"
	"strconv"

	"github.com/danielgtaylor/huma/v2"

	"github.com/vigil/vigil/internal/metrics"
	"github.com/vigil/vigil/internal/service"
)

// routes registers every operation. This is the whole route table, with
// sbomRoutes below.
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
	s.metricsRoute()
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
		"List a product's releases.", http.StatusNotFound), s.listProductReleases)
	huma.Register(api, created(s.authed(post, "/api/v1/products/{id}/releases", "create-release", tagReleases,
		"Create a release of a product. Without a phase, the phase follows the milestones.",
		notFound, conflict, tooLarge)), s.createRelease)

	// Releases.
	huma.Register(api, s.authed(get, "/api/v1/releases", "list-releases", tagReleases,
		"List releases, ordered by product name, then creation.", http.StatusNotFound), s.listReleases)
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

	// SBOMs.
	s.sbomRoutes()

	// Lifecycle.
	s.lifecycleRoutes()
	s.decommissionRoutes()
	// MDS2 forms and declared ports.
	s.mds2Routes()

	// Findings.
	huma.Register(api, s.authed(get, "/api/v1/releases/{id}/findings", "list-release-findings", tagFindings,
		"A release's findings with their evidence; resolved ones with all=true.", notFound), s.listFindings)
	huma.Register(api, s.authed(post, "/api/v1/releases/{id}/match", "match-release", tagFindings,
		"Match a release's current SBOM against the knowledge base and bring its findings up to date.", notFound), s.matchRelease)
	huma.Register(api, s.authed(post, "/api/v1/match", "match-releases", tagFindings,
		"Match the current SBOM of every release of the organization that has one, as match-release does for one."), s.matchAllReleases)
	s.triageRoutes()

	// VEX out and in.
	s.vexRoutes()

	// Hospital fleet and sharing.
	s.fleetRoutes()

	// Knowledge base: read-only.
	huma.Register(api, s.authed(get, "/api/v1/kb/status", "get-kb-status", tagKB,
		"What the knowledge base holds per source, and each feed's last import."), s.kbStatus)
	huma.Register(api, s.authed(get, "/api/v1/vulns/{id}", "get-vuln", tagKB,
		"A vulnerability by any of its ids, merged across sources: records, aliases, KEV, EPSS history, CSAF advisories.",
		notFound, invalid), s.getVuln)

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
	// Any operation that takes a body answers 400 to one that is not
	// well-formed, before its handler runs.
	if method != http.MethodGet && method != http.MethodDelete && !slices.Contains(errs, http.StatusBadRequest) {
		errs = append(errs, http.StatusBadRequest)
	}
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

// metricsRoute serves /metrics with client_golang's handler, which answers
// in the Prometheus text format or in OpenMetrics as the scraper's Accept
// header asks; the OpenAPI document describes the route all the same.
func (s *Server) metricsRoute() {
	op := withText(s.public(http.MethodGet, "/metrics", "get-metrics", tagMeta,
		"Metrics: the Prometheus text format 0.0.4, or OpenMetrics 1.0 when the Accept header asks for it."),
		"text/plain", textSchema())
	op.Responses["200"].Content["application/openmetrics-text"] = &huma.MediaType{Schema: textSchema()}
	s.api.OpenAPI().AddOperation(&op)
	recordingMux{s}.HandleFunc("GET /metrics", metrics.Handler(s.metrics).ServeHTTP)
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

// sbomRoutes registers the SBOM operations. Those that take a document
// stream it to the service under their own, larger body limit.
func (s *Server) sbomRoutes() {
	api := s.api
	const (
		get  = http.MethodGet
		post = http.MethodPost
	)
	const (
		notFound    = http.StatusNotFound
		invalid     = http.StatusBadRequest
		tooLarge    = http.StatusRequestEntityTooLarge
		unsupported = http.StatusUnsupportedMediaType
		unreadable  = http.StatusUnprocessableEntity
	)
	limit := s.cfg.MaxSBOMBytes
	sbomTypes := []string{
		"application/vnd.cyclonedx+json", "application/vnd.cyclonedx+xml", "application/spdx+json", "text/spdx",
		"application/json", "application/xml", "text/xml", "text/plain", "application/octet-stream",
	}
	sbomBody := uploadBody("The SBOM: CycloneDX 1.2–1.6 (JSON or XML) or SPDX 2.2/2.3 (JSON or tag-value), "+
		"UTF-8 or UTF-16 with a byte order mark; the format is told from the content, not from the Content-Type. "+
		"Send it as the body, or as the field file of a multipart/form-data body.", sbomTypes...)
	uploadNote := "The document is read as it arrives, up to " + byteSize(limit) + " (413 beyond): larger SBOMs go " +
		"through the command line (vigil sbom import), which streams from the file. A document vigil cannot read " +
		"is a 422 problem whose detail says what is wrong and where (a JSON path, an XML path or a line and " +
		"column); a format vigil does not read (SPDX YAML, SPDX 3, a PDF…) is 415."

	op := s.authed(post, "/api/v1/releases/{id}/sbom", "import-sbom", tagSBOMs,
		"Import an SBOM into a release.", notFound, invalid, tooLarge, unsupported, unreadable)
	op.Description = "Stores the document (its original bytes, components, dependency graph and FDA support " +
		"fields) in one transaction and makes it the release's current SBOM: 201. Sending the bytes the " +
		"release's current SBOM already has changes nothing: 200, with unchanged set. " + uploadNote
	op.MaxBodyBytes = limit
	op.Responses = map[string]*huma.Response{
		"201": {Description: "Stored: the document is the release's current SBOM."},
		"200": {
			Description: "Unchanged: the release's current SBOM has exactly these bytes.",
			Content: map[string]*huma.MediaType{"application/json": {
				Schema: api.OpenAPI().Components.Schemas.Schema(reflect.TypeFor[service.SBOMImport](), true, ""),
			}},
		},
	}
	registerUpload(api, created(op), sbomBody, s.importSBOM)

	huma.Register(api, s.authed(get, "/api/v1/releases/{id}/sboms", "list-release-sboms", tagSBOMs,
		"List a release's SBOM documents, the current one first.", notFound), s.listSBOMs)
	huma.Register(api, s.authed(get, "/api/v1/releases/{id}/sbom/components", "list-release-components", tagSBOMs,
		"List the components of a release's current SBOM, in ref order.", notFound), s.listComponents)
	huma.Register(api, s.authed(get, "/api/v1/releases/{id}/sbom/check", "check-release-sbom", tagSBOMs,
		"Check a release's current SBOM against the NTIA minimum elements and the FDA support fields.",
		notFound), s.checkRelease)

	op = s.authed(post, "/api/v1/sbom/check", "check-sbom", tagSBOMs,
		"Check an SBOM against the NTIA minimum elements and the FDA support fields, without storing it.",
		invalid, tooLarge, unsupported, unreadable)
	op.Description = "The body is read as for an import; nothing is written. " + uploadNote
	op.MaxBodyBytes = limit
	registerUpload(api, op, sbomBody, s.checkSBOM)

	op = s.authed(post, "/api/v1/scan", "scan-sbom", tagFindings,
		"Scan an SBOM against the knowledge base, without storing it: ranked findings with evidence, severity, KEV and EPSS.",
		invalid, tooLarge, unsupported, unreadable)
	op.Description = "The body is read as for an SBOM import; nothing is written. Findings are ranked: known exploited " +
		"first, then severity, then EPSS; vendor statements that a component is not affected or fixed come last. " + uploadNote
	op.MaxBodyBytes = limit
	registerUpload(api, op, sbomBody, s.scanSBOM)

	op = s.authed(get, "/api/v1/releases/{id}/sbom/export", "export-release-sbom", tagSBOMs,
		"Export a release's current SBOM, with the FDA support fields.", notFound)
	op.Description = "Writes CycloneDX 1.6 (JSON or XML) or SPDX 2.3 (JSON or tag-value), or with format=original " +
		"the bytes as imported, as an attachment named release-ID-sbom with the format's suffix."
	op.Responses = map[string]*huma.Response{"200": {
		Description: "The document.",
		Headers: map[string]*huma.Param{"Content-Disposition": {
			Description: "attachment, with the file name.", Schema: textSchema(),
		}},
		Content: map[string]*huma.MediaType{},
	}}
	for _, f := range exportFormats {
		op.Responses["200"].Content[f.contentType] = &huma.MediaType{Schema: binarySchema()}
	}
	huma.Register(api, op, s.exportSBOM)

	huma.Register(api, s.authed(get, "/api/v1/sbom/diff", "diff-sboms", tagSBOMs,
		"Compare the current SBOMs of two releases: components added, removed and changed in version.",
		notFound), s.diffSBOMs)

	op = s.authed(post, "/api/v1/releases/{id}/sbom/support", "import-sbom-support", tagSBOMs,
		"Apply an FDA support addendum (CSV) to a release's current SBOM.", notFound, invalid, tooLarge, unreadable,
		http.StatusTooManyRequests, http.StatusServiceUnavailable)
	op.Description = "The CSV has a header naming the columns purl, name, version, support_level and " +
		"end_of_support (docs/sbom.md); each row sets the support level and end-of-support date of the " +
		"components it names, by purl or by name and version. A faulty row applies nothing: 422, with one " +
		"error per problem, located at body.line[N] and the column when known. Up to " + byteSize(limit) + "."
	op.MaxBodyBytes = limit
	registerUpload(api, op, uploadBody("The CSV addendum, as the body or as the field file of a "+
		"multipart/form-data body.", "text/csv", "text/plain"), s.importSupport)
}

// byteSize writes a body limit for people.
func byteSize(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return strconv.FormatInt(n>>20, 10) + " MiB"
	case n >= 1<<10 && n%(1<<10) == 0:
		return strconv.FormatInt(n>>10, 10) + " KiB"
	}
	return strconv.FormatInt(n, 10) + " bytes"
}

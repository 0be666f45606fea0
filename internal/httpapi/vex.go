package httpapi

import (
	"context"
	"mime"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/app/disclosure"
	"github.com/vigil/vigil/internal/vex"
)

const tagVEX = "vex"

// vexMediaTypes are the media types of the exported formats.
var vexMediaTypes = map[vigil.VEXFormat]string{
	vigil.VEXCSAF:      "application/csaf+json",
	vigil.VEXOpenVEX:   "application/openvex+json",
	vigil.VEXCycloneDX: "application/vnd.cyclonedx+json",
}

// vexRoutes registers the VEX operations.
func (s *Server) vexRoutes() {
	api := s.api
	const (
		notFound = http.StatusNotFound
		invalid  = http.StatusBadRequest
		tooLarge = http.StatusRequestEntityTooLarge
	)
	api.OpenAPI().Tags = append(api.OpenAPI().Tags, &huma.Tag{Name: tagVEX,
		Description: "VEX out (a release's triage as CSAF 2.0 VEX, OpenVEX 0.2, CycloneDX 1.6 VEX) and in (suppliers' statements applied to findings)."})

	op := s.authed(http.MethodGet, "/api/v1/releases/{id}/vex", "export-release-vex", tagVEX,
		"Export a release's triaged findings as a VEX document.", notFound, invalid)
	op.Description = "One statement per vulnerability and component of the release's open findings, with each " +
		"finding's current triage decision (none yet: under_investigation). CSAF output passes the CSAF 2.0 " +
		"schema and mandatory tests. The response is the document, with a Content-Disposition file name."
	content := map[string]*huma.MediaType{}
	for _, mt := range vexMediaTypes {
		content[mt] = &huma.MediaType{Schema: &huma.Schema{Type: huma.TypeObject}}
	}
	op.Responses = map[string]*huma.Response{"200": {Description: "The VEX document.", Content: content}}
	huma.Register(api, op, s.exportVEX)

	body := uploadBody("The VEX document: CSAF 2.0 VEX, OpenVEX 0.2 or CycloneDX VEX (JSON or XML), told from the content. "+
		"Send it as the body, or as the field file of a multipart/form-data body.",
		"application/json", "application/csaf+json", "application/openvex+json", "application/vnd.cyclonedx+json",
		"application/vnd.cyclonedx+xml", "application/xml")
	imp := s.authed(http.MethodPost, "/api/v1/vex", "import-vex", tagVEX,
		"Import a VEX document and apply its statements to matching findings.", invalid, tooLarge)
	imp.Description = "Stores the document and applies each statement to the organization's open findings it is " +
		"about, as triage decisions with source vex, in one transaction: 201. A statement never silently " +
		"overrides a person's decision: such conflicts are listed with both sides (force=true replaces them). " +
		"With dry_run=true nothing is stored and the answer, 200, says what would happen. A document vigil " +
		"cannot read, or a CSAF document failing the CSAF 2.0 schema or mandatory tests, is a 400 problem saying where."
	imp.MaxBodyBytes = vex.MaxDocumentSize
	registerUpload(api, created(imp), body, s.importVEX)
	// A dry run answers 200 with the same report.
	post := api.OpenAPI().Paths["/api/v1/vex"].Post
	dry := *post.Responses["201"]
	dry.Description = "A dry run: what the import would do."
	post.Responses["200"] = &dry

	huma.Register(api, s.authed(http.MethodGet, "/api/v1/vex", "list-vex-documents", tagVEX,
		"List the imported VEX documents, newest first."), s.listVEX)
	huma.Register(api, s.authed(http.MethodGet, "/api/v1/vex/{id}", "get-vex-document", tagVEX,
		"An imported VEX document with its statements and what each did.", notFound), s.getVEX)
}

type exportVEXInput struct {
	IDPath
	Format       vigil.VEXFormat `query:"format" default:"csaf" enum:"csaf,openvex,cyclonedx" doc:"The format: csaf, openvex or cyclonedx."`
	PublisherURL string          `query:"publisher_url" doc:"The publisher's namespace URL (CSAF publisher.namespace); default urn:vigil:org:SLUG."`
}

type exportVEXOutput struct {
	ContentType        string `header:"Content-Type"`
	ContentDisposition string `header:"Content-Disposition"`
	Body               []byte
}

func (s *Server) exportVEX(ctx context.Context, in *exportVEXInput) (*exportVEXOutput, error) {
	ex, err := s.svc.Disclosure.ExportReleaseVEX(ctx, scopeFrom(ctx), in.ID, in.Format,
		disclosure.VEXExportOptions{PublisherURL: in.PublisherURL, Tool: "vigil " + s.cfg.Version})
	if err != nil {
		return nil, problem(ctx, err)
	}
	return &exportVEXOutput{ContentType: vexMediaTypes[ex.Format],
		ContentDisposition: mime.FormatMediaType("attachment", map[string]string{"filename": ex.Filename}), Body: ex.Content}, nil
}

type importVEXInput struct {
	DryRun bool `query:"dry_run" doc:"Show what the import would do; store nothing."`
	Force  bool `query:"force" doc:"Let statements replace differing decisions of people (recorded as VEX decisions)."`
	upload
}

type importVEXOutput struct {
	Status int
	Body   *disclosure.VEXImport
}

func (s *Server) importVEX(ctx context.Context, in *importVEXInput) (*importVEXOutput, error) {
	doc, err := in.open()
	if err != nil {
		return nil, err
	}
	rep, err := s.svc.Disclosure.ImportVEX(ctx, scopeFrom(ctx), doc, disclosure.VEXImportOptions{DryRun: in.DryRun, Force: in.Force})
	if err != nil {
		return nil, in.problem(ctx, err)
	}
	status := http.StatusCreated
	if rep.DryRun {
		status = http.StatusOK
	}
	return &importVEXOutput{Status: status, Body: rep}, nil
}

type vexList struct {
	Items []*vigil.VEXDocument `json:"items"`
	Total int                  `json:"total" doc:"How many documents the organization imported, across pages."`
}

type vexListOutput struct{ Body vexList }

func (s *Server) listVEX(ctx context.Context, in *PageQuery) (*vexListOutput, error) {
	docs, n, err := s.svc.Disclosure.VEXDocuments(ctx, scopeFrom(ctx), in.page())
	if err != nil {
		return nil, problem(ctx, err)
	}
	return &vexListOutput{Body: vexList{Items: orEmpty(docs), Total: n}}, nil
}

type vexDocumentOutput struct{ Body *disclosure.VEXDocumentDetail }

func (s *Server) getVEX(ctx context.Context, in *IDPath) (*vexDocumentOutput, error) {
	d, err := s.svc.Disclosure.VEXDocument(ctx, scopeFrom(ctx), in.ID)
	if err != nil {
		return nil, problem(ctx, err)
	}
	return &vexDocumentOutput{Body: d}, nil
}

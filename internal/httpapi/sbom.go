package httpapi

import (
	"context"
	"errors"
	"io"
	"mime"
	"net/http"
	"strconv"

	"github.com/danielgtaylor/huma/v2"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/app/inventory"
	"github.com/vigil/vigil/internal/sbom"
)

type importSBOMInput struct {
	IDPath
	upload
}

// sbomImportOutput is 201 when the document was stored, 200 when the
// release already had exactly these bytes.
type sbomImportOutput struct {
	Status int
	Body   *inventory.SBOMImport
}

// documentList is a release's SBOM documents, the current one first.
type documentList struct {
	Items []*vigil.SBOMDocument `json:"items"`
	Total int                   `json:"total" doc:"How many documents the release has."`
}

type documentListOutput struct{ Body documentList }

type listComponentsInput struct {
	IDPath
	PageQuery
}

// componentList is a page of the components of a release's current SBOM.
type componentList struct {
	Document *vigil.SBOMDocument `json:"document" doc:"The release's current SBOM."`
	Items    []vigil.Component   `json:"items"`
	Total    int                 `json:"total" doc:"How many components the document has, across pages."`
}

type componentListOutput struct{ Body componentList }

// checkReport is a conformance report with its verdicts, as vigil sbom check
// -o json prints it.
type checkReport struct {
	Document *vigil.SBOMDocument `json:"document" doc:"The document checked. An uploaded document has no ID: it was not stored."`
	*sbom.Report
	OK     bool `json:"ok" doc:"Nothing is missing: every NTIA minimum element and FDA field is present."`
	NTIAOK bool `json:"ntia_ok" doc:"Every NTIA minimum element is present; the FDA fields are not counted."`
}

type checkReportOutput struct{ Body checkReport }

func checkOutput(doc *vigil.SBOMDocument, rep *sbom.Report) *checkReportOutput {
	return &checkReportOutput{Body: checkReport{Document: doc, Report: rep, OK: rep.OK(), NTIAOK: rep.NTIAOK()}}
}

type checkSBOMInput struct{ upload }

// exportFormat is the format query parameter of an export: an export kind,
// or the imported bytes.
type exportFormat string

// exportOriginal asks for the document exactly as imported.
const exportOriginal exportFormat = "original"

// exportFormats are the formats an export writes, with their media type
// and file name suffix.
var exportFormats = map[exportFormat]struct{ contentType, suffix string }{
	exportFormat(sbom.KindCycloneDXJSON): {"application/vnd.cyclonedx+json", ".cdx.json"},
	exportFormat(sbom.KindCycloneDXXML):  {"application/vnd.cyclonedx+xml", ".cdx.xml"},
	exportFormat(sbom.KindSPDXJSON):      {"application/spdx+json", ".spdx.json"},
	exportFormat(sbom.KindSPDXTagValue):  {"text/spdx", ".spdx"},
	exportOriginal:                       {"application/octet-stream", "-original"},
}

// exportFormatList is the formats in the order the document lists them.
func exportFormatList() []exportFormat {
	out := make([]exportFormat, 0, len(sbom.Kinds)+1)
	for _, k := range sbom.Kinds {
		out = append(out, exportFormat(k))
	}
	return append(out, exportOriginal)
}

func (exportFormat) Schema(huma.Registry) *huma.Schema {
	return &huma.Schema{
		Type:        huma.TypeString,
		Enum:        enum(exportFormatList()),
		Description: "An export format, or original for the bytes as imported.",
	}
}

type exportSBOMInput struct {
	IDPath
	Format exportFormat `query:"format" default:"cyclonedx-json" doc:"The format to write: cyclonedx-json, cyclonedx-xml, spdx-json, spdx-tv, or original for the document exactly as imported."`
}

type diffInput struct {
	From int64 `query:"from" required:"true" minimum:"1" doc:"The older release's ID."`
	To   int64 `query:"to" required:"true" minimum:"1" doc:"The newer release's ID."`
}

type diffOutput struct{ Body sbom.DiffResult }

type supportInput struct {
	IDPath
	upload
}

type supportOutput struct{ Body *inventory.SupportImport }

func (s *Server) importSBOM(ctx context.Context, in *importSBOMInput) (*sbomImportOutput, error) {
	doc, err := in.open()
	if err != nil {
		return nil, err
	}
	res, err := s.svc.Inventory.ImportSBOM(ctx, scopeFrom(ctx), in.ID, doc)
	if err != nil {
		return nil, in.problem(ctx, err)
	}
	status := http.StatusCreated
	if res.Unchanged {
		status = http.StatusOK
	}
	return &sbomImportOutput{Status: status, Body: res}, nil
}

func (s *Server) listSBOMs(ctx context.Context, in *IDPath) (*documentListOutput, error) {
	docs, err := s.svc.Inventory.SBOMs(ctx, scopeFrom(ctx), in.ID)
	if err != nil {
		return nil, problem(ctx, err)
	}
	return &documentListOutput{Body: documentList{Items: orEmpty(docs), Total: len(docs)}}, nil
}

// listComponents pages through the components the service returns: it has
// no paged read yet, so each page reads them all.
func (s *Server) listComponents(ctx context.Context, in *listComponentsInput) (*componentListOutput, error) {
	doc, comps, err := s.svc.Inventory.ReleaseComponents(ctx, scopeFrom(ctx), in.ID)
	if err != nil {
		return nil, problem(ctx, err)
	}
	return &componentListOutput{Body: componentList{Document: doc, Items: orEmpty(pageOf(comps, in.PageQuery)), Total: len(comps)}}, nil
}

// pageOf returns the page p of items.
func pageOf[T any](items []T, p PageQuery) []T {
	lo := min(p.Offset, len(items))
	return items[lo:min(lo+p.Limit, len(items))]
}

func (s *Server) checkRelease(ctx context.Context, in *IDPath) (*checkReportOutput, error) {
	doc, rep, err := s.svc.Inventory.CheckRelease(ctx, scopeFrom(ctx), in.ID)
	if err != nil {
		return nil, problem(ctx, err)
	}
	return checkOutput(doc, rep), nil
}

func (s *Server) checkSBOM(ctx context.Context, in *checkSBOMInput) (*checkReportOutput, error) {
	doc, err := in.open()
	if err != nil {
		return nil, err
	}
	d, rep, err := s.svc.Inventory.CheckSBOM(ctx, doc)
	if err != nil {
		return nil, in.problem(ctx, err)
	}
	return checkOutput(d, rep), nil
}

// exportSBOM streams the export. The headers and status are written with
// the first bytes, so an error before them (no such release, no SBOM) is
// still a problem.
func (s *Server) exportSBOM(ctx context.Context, in *exportSBOMInput) (*huma.StreamResponse, error) {
	f, ok := exportFormats[in.Format]
	if !ok {
		// The parameter's enum keeps this from happening.
		return nil, huma.Error422UnprocessableEntity("unknown export format", &huma.ErrorDetail{
			Location: "query.format", Message: "is not one of the export formats", Value: in.Format,
		})
	}
	sc := scopeFrom(ctx)
	filename := "release-" + strconv.FormatInt(in.ID, 10) + "-sbom" + f.suffix
	return &huma.StreamResponse{Body: func(hc huma.Context) {
		w := &deferredWriter{hc: hc, header: map[string]string{
			"Content-Type":        f.contentType,
			"Content-Disposition": mime.FormatMediaType("attachment", map[string]string{"filename": filename}),
		}}
		var err error
		if in.Format == exportOriginal {
			err = s.svc.Inventory.ExportOriginalSBOM(hc.Context(), sc, in.ID, w)
		} else {
			err = s.svc.Inventory.ExportSBOM(hc.Context(), sc, in.ID, sbom.Kind(in.Format), w)
		}
		switch {
		case err == nil:
			w.start()
		case !w.started:
			s.writeHumaProblem(hc, err)
		default:
			// The status is sent: break the connection rather than end a
			// truncated document as if it were whole. The error is
			// logged with the request line.
			infoFrom(hc.Context()).err = err
			panic(http.ErrAbortHandler)
		}
	}}, nil
}

// deferredWriter writes a response's headers and 200 status with its first
// bytes.
type deferredWriter struct {
	hc      huma.Context
	header  map[string]string
	started bool
	w       io.Writer
}

func (d *deferredWriter) start() {
	if d.started {
		return
	}
	d.started = true
	for k, v := range d.header {
		d.hc.SetHeader(k, v)
	}
	d.hc.SetStatus(http.StatusOK)
	d.w = d.hc.BodyWriter()
}

func (d *deferredWriter) Write(p []byte) (int, error) {
	d.start()
	return d.w.Write(p)
}

func (s *Server) diffSBOMs(ctx context.Context, in *diffInput) (*diffOutput, error) {
	d, err := s.svc.Inventory.DiffReleases(ctx, scopeFrom(ctx), in.From, in.To)
	if err != nil {
		return nil, problem(ctx, err)
	}
	return &diffOutput{Body: d}, nil
}

func (s *Server) importSupport(ctx context.Context, in *supportInput) (*supportOutput, error) {
	release, err := s.uploads.acquire(ctx, scopeFrom(ctx).OrgID)
	if err != nil {
		return nil, err
	}
	defer func() { release(in.body.n) }()
	doc, err := in.open()
	if err != nil {
		return nil, err
	}
	res, err := s.svc.Inventory.ImportSupport(ctx, scopeFrom(ctx), in.ID, doc)
	if err != nil {
		if errors.Is(err, vigil.ErrInvalid) && !in.body.exceeded {
			return nil, supportProblem(err, res)
		}
		return nil, in.problem(ctx, err)
	}
	return &supportOutput{Body: res}, nil
}

// supportProblem is the 422 of an addendum vigil cannot apply: one error
// per faulty row, located at body.line[N] and the column when known.
func supportProblem(err error, res *inventory.SupportImport) error {
	var details []error
	if res != nil {
		for _, re := range res.Errors {
			loc := "body.line[" + strconv.Itoa(re.Line) + "]"
			if re.Column != "" {
				loc += "." + re.Column
			}
			details = append(details, &huma.ErrorDetail{Location: loc, Message: re.Msg})
		}
	}
	return huma.Error422UnprocessableEntity(err.Error(), details...)
}

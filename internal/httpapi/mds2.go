package httpapi

import (
	"bytes"
	"context"
	"mime"
	"net/http"
	"reflect"
	"strconv"

	"github.com/danielgtaylor/huma/v2"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/mds2"
	"github.com/vigil/vigil/internal/service"
)

const tagMDS2 = "mds2"

// mds2Routes registers the MDS2 operations: forms of releases and of
// candidates, export, diff, compare, evaluate, cross-checks, and the ports
// a release declares.
func (s *Server) mds2Routes() {
	api := s.api
	const (
		get  = http.MethodGet
		post = http.MethodPost
		put  = http.MethodPut
	)
	const (
		notFound   = http.StatusNotFound
		invalid    = http.StatusBadRequest
		tooLarge   = http.StatusRequestEntityTooLarge
		unreadable = http.StatusUnprocessableEntity
	)
	limit := mds2.DefaultLimits.MaxFileSize
	body := uploadBody("The MDS2 form: an xlsx workbook (the official HN 1-2019 layout or a manufacturer's variant) "+
		"or CSV, told apart by content. Send it as the body, or as the field file of a multipart/form-data body.",
		"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "text/csv", "application/octet-stream")
	note := " The question-ID and answer columns are found by their content on every sheet. Unknown IDs, duplicates " +
		"answers outside Yes / No / N/A / See Note, unanswered questions and See Note without a note are kept with the form " +
		"as issues, with sheet and row. The note column is found by its header (\"See note\", \"Notes\") or content; " +
		"numbered notes (\"Note 3\") are replaced by their text. " +
		"Up to " + byteSize(limit) + "; a file vigil cannot read (no question IDs, a legacy .xls, a zip bomb) is 400."
	importResponses := func() map[string]*huma.Response {
		return map[string]*huma.Response{
			"201": {Description: "Stored: the form is current."},
			"200": {
				Description: "Unchanged: the current form has exactly these bytes.",
				Content: map[string]*huma.MediaType{"application/json": {
					Schema: api.OpenAPI().Components.Schemas.Schema(reflect.TypeFor[service.MDS2Import](), true, ""),
				}},
			},
		}
	}

	op := s.authed(post, "/api/v1/releases/{id}/mds2", "import-release-mds2", tagMDS2,
		"Import the manufacturer's MDS2 form for a release.", notFound, invalid, tooLarge, unreadable)
	op.Description = "Stores the answers as the release's current form in one transaction: 201; the same bytes again: 200." + note
	op.MaxBodyBytes, op.Responses = limit, importResponses()
	registerUpload(api, created(op), body, s.importReleaseMDS2)

	op = s.authed(post, "/api/v1/mds2/candidates", "import-candidate-mds2", tagMDS2,
		"Import an MDS2 form received for a candidate device (hospital procurement).", invalid, tooLarge, unreadable)
	op.Description = "Stores the answers as the named candidate's current form: 201; the same bytes again: 200." + note
	op.MaxBodyBytes, op.Responses = limit, importResponses()
	registerUpload(api, created(op), body, s.importCandidateMDS2)

	huma.Register(api, s.authed(get, "/api/v1/mds2/forms", "list-mds2-forms", tagMDS2,
		"List MDS2 forms, newest first: current ones, or all with all=true."), s.listMDS2)
	huma.Register(api, s.authed(get, "/api/v1/mds2/forms/{id}", "get-mds2-form", tagMDS2,
		"A form with its answers, in form order.", notFound), s.getMDS2)
	huma.Register(api, s.authed(get, "/api/v1/releases/{id}/mds2", "get-release-mds2", tagMDS2,
		"The current MDS2 form of a release, with its answers.", notFound), s.getReleaseMDS2)

	op = s.authed(get, "/api/v1/releases/{id}/mds2/export", "export-release-mds2", tagMDS2,
		"Export the release's current MDS2 form as a filled xlsx in the official layout.", notFound)
	op.Responses = map[string]*huma.Response{"200": {
		Description: "The workbook.",
		Headers:     map[string]*huma.Param{"Content-Disposition": {Description: "attachment, with the file name.", Schema: textSchema()}},
		Content:     map[string]*huma.MediaType{xlsxType: {Schema: binarySchema()}},
	}}
	huma.Register(api, op, s.exportMDS2)

	huma.Register(api, s.authed(get, "/api/v1/mds2/diff", "diff-mds2", tagMDS2,
		"Which answers changed between two forms: by form IDs, or the current forms of two releases.",
		notFound, invalid), s.diffMDS2)
	huma.Register(api, s.authed(post, "/api/v1/mds2/compare", "compare-mds2", tagMDS2,
		"Put forms side by side, grouped by section.", notFound, invalid, tooLarge), s.compareMDS2)
	op = s.authed(post, "/api/v1/mds2/compare/{format}", "compare-mds2-document", tagMDS2,
		"The comparison as a document: CSV, XLSX or HTML.", notFound, invalid, tooLarge)
	op.Responses = documentResponses(map[string]string{"csv": "text/csv", "xlsx": xlsxType, "html": "text/html"})
	huma.Register(api, op, s.compareMDS2Document)
	huma.Register(api, s.authed(post, "/api/v1/mds2/evaluate", "evaluate-mds2", tagMDS2,
		"Score forms against a requirement profile (vigil's default when none is given) and rank them.",
		notFound, invalid, tooLarge), s.evaluateMDS2)
	op = s.authed(post, "/api/v1/mds2/evaluate/{format}", "evaluate-mds2-report", tagMDS2,
		"The procurement report as text or HTML.", notFound, invalid, tooLarge)
	op.Responses = documentResponses(map[string]string{"text": "text/plain", "html": "text/html"})
	huma.Register(api, op, s.evaluateMDS2Report)
	huma.Register(api, s.authed(get, "/api/v1/releases/{id}/mds2/check", "check-release-mds2", tagMDS2,
		"Cross-check a release's MDS2 answers against its SBOM, component support dates, declared ports and patches.",
		notFound), s.checkMDS2)
	huma.Register(api, withText(s.authed(get, "/api/v1/mds2/catalogue", "get-mds2-catalogue", tagMDS2,
		"The HN 1-2019 question catalogue: sections in form order, every question with parent and answer kind."),
		"application/json", &huma.Schema{Type: huma.TypeObject}), s.mds2Catalogue)
	huma.Register(api, withText(s.authed(get, "/api/v1/mds2/profile", "get-mds2-profile", tagMDS2,
		"vigil's default requirement profile, as YAML."), "application/yaml", textSchema()), s.mds2Profile)

	huma.Register(api, s.authed(get, "/api/v1/releases/{id}/ports", "list-release-ports", tagReleases,
		"The network ports a release declares (MDS2 CONN-2).", notFound), s.listPorts)
	huma.Register(api, s.authed(put, "/api/v1/releases/{id}/ports", "set-release-ports", tagReleases,
		"Replace the network ports a release declares.", notFound, invalid, tooLarge), s.setPorts)
}

const xlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

func documentResponses(types map[string]string) map[string]*huma.Response {
	r := &huma.Response{Description: "The document.", Content: map[string]*huma.MediaType{}}
	for _, t := range types {
		r.Content[t] = &huma.MediaType{Schema: binarySchema()}
	}
	return map[string]*huma.Response{"200": r}
}

type importReleaseMDS2Input struct {
	IDPath
	Filename string `query:"filename" maxLength:"255" doc:"The file's name, kept with the form."`
	upload
}

type importCandidateMDS2Input struct {
	Name     string `query:"name" required:"true" minLength:"1" maxLength:"200" doc:"The candidate device's name."`
	Filename string `query:"filename" maxLength:"255" doc:"The file's name, kept with the form."`
	upload
}

type mds2ImportOutput struct {
	Status int
	Body   *service.MDS2Import
}

func (s *Server) importMDS2(ctx context.Context, u *upload, in service.MDS2ImportInput) (*mds2ImportOutput, error) {
	r, err := u.open()
	if err != nil {
		return nil, err
	}
	in.Data = r
	res, err := s.svc.ImportMDS2(ctx, scopeFrom(ctx), in)
	if err != nil {
		return nil, u.problem(ctx, err)
	}
	status := http.StatusCreated
	if res.Unchanged {
		status = http.StatusOK
	}
	return &mds2ImportOutput{Status: status, Body: res}, nil
}

func (s *Server) importReleaseMDS2(ctx context.Context, in *importReleaseMDS2Input) (*mds2ImportOutput, error) {
	return s.importMDS2(ctx, &in.upload, service.MDS2ImportInput{ReleaseID: in.ID, Filename: in.Filename})
}

func (s *Server) importCandidateMDS2(ctx context.Context, in *importCandidateMDS2Input) (*mds2ImportOutput, error) {
	return s.importMDS2(ctx, &in.upload, service.MDS2ImportInput{Candidate: in.Name, Filename: in.Filename})
}

type listMDS2Input struct {
	ReleaseID      int64  `query:"release_id" minimum:"0" doc:"Forms of this release."`
	Candidate      string `query:"candidate" maxLength:"200" doc:"Forms of this candidate."`
	CandidatesOnly bool   `query:"candidates_only" doc:"Candidate forms only."`
	All            bool   `query:"all" doc:"Include superseded forms."`
}

type mds2FormList struct {
	Items []*vigil.MDS2Form `json:"items"`
}

type listMDS2Output struct{ Body mds2FormList }

func (s *Server) listMDS2(ctx context.Context, in *listMDS2Input) (*listMDS2Output, error) {
	f := vigil.MDS2Filter{CandidatesOnly: in.CandidatesOnly, CurrentOnly: !in.All}
	if in.ReleaseID != 0 {
		f.ReleaseID = &in.ReleaseID
	}
	if in.Candidate != "" {
		f.Candidate = &in.Candidate
	}
	forms, err := s.svc.MDS2Forms(ctx, scopeFrom(ctx), f)
	if err != nil {
		return nil, problem(ctx, err)
	}
	if forms == nil {
		forms = []*vigil.MDS2Form{}
	}
	return &listMDS2Output{Body: mds2FormList{Items: forms}}, nil
}

type mds2DetailOutput struct{ Body *service.MDS2Detail }

func (s *Server) getMDS2(ctx context.Context, in *IDPath) (*mds2DetailOutput, error) {
	d, err := s.svc.MDS2Form(ctx, scopeFrom(ctx), service.MDS2Ref{FormID: in.ID})
	if err != nil {
		return nil, problem(ctx, err)
	}
	return &mds2DetailOutput{Body: d}, nil
}

func (s *Server) getReleaseMDS2(ctx context.Context, in *IDPath) (*mds2DetailOutput, error) {
	d, err := s.svc.MDS2Form(ctx, scopeFrom(ctx), service.MDS2Ref{ReleaseID: in.ID})
	if err != nil {
		return nil, problem(ctx, err)
	}
	return &mds2DetailOutput{Body: d}, nil
}

// documentOutput is a generated document: a workbook, CSV, HTML or text.
type documentOutput struct {
	ContentType        string `header:"Content-Type"`
	ContentDisposition string `header:"Content-Disposition"`
	Body               []byte
}

func attachment(name string) string {
	return mime.FormatMediaType("attachment", map[string]string{"filename": name})
}

func (s *Server) exportMDS2(ctx context.Context, in *IDPath) (*documentOutput, error) {
	var buf bytes.Buffer
	if err := s.svc.ExportMDS2(ctx, scopeFrom(ctx), service.MDS2Ref{ReleaseID: in.ID}, &buf); err != nil {
		return nil, problem(ctx, err)
	}
	return &documentOutput{ContentType: xlsxType, ContentDisposition: attachment("release-" + strconv.FormatInt(in.ID, 10) + "-mds2.xlsx"), Body: buf.Bytes()}, nil
}

type diffMDS2Input struct {
	From        int64 `query:"from" minimum:"0" doc:"The older form's ID."`
	To          int64 `query:"to" minimum:"0" doc:"The newer form's ID."`
	FromRelease int64 `query:"from_release" minimum:"0" doc:"Or: the release whose current form is the older one."`
	ToRelease   int64 `query:"to_release" minimum:"0" doc:"Or: the release whose current form is the newer one."`
}

type diffMDS2Output struct{ Body *service.MDS2Diff }

func (s *Server) diffMDS2(ctx context.Context, in *diffMDS2Input) (*diffMDS2Output, error) {
	from, to := service.MDS2Ref{FormID: in.From, ReleaseID: in.FromRelease}, service.MDS2Ref{FormID: in.To, ReleaseID: in.ToRelease}
	d, err := s.svc.DiffMDS2(ctx, scopeFrom(ctx), from, to)
	if err != nil {
		return nil, problem(ctx, err)
	}
	return &diffMDS2Output{Body: d}, nil
}

type compareMDS2Input struct {
	Body struct {
		Forms []service.MDS2Ref `json:"forms" minItems:"1" maxItems:"50" doc:"The forms: each by form_id, release_id or candidate."`
	}
}

type compareMDS2Output struct{ Body *mds2.Comparison }

func (s *Server) compareMDS2(ctx context.Context, in *compareMDS2Input) (*compareMDS2Output, error) {
	c, err := s.svc.CompareMDS2(ctx, scopeFrom(ctx), in.Body.Forms)
	if err != nil {
		return nil, problem(ctx, err)
	}
	return &compareMDS2Output{Body: c}, nil
}

type compareMDS2DocumentInput struct {
	Format string `path:"format" enum:"csv,xlsx,html" doc:"The document's format."`
	compareMDS2Input
}

func (s *Server) compareMDS2Document(ctx context.Context, in *compareMDS2DocumentInput) (*documentOutput, error) {
	c, err := s.svc.CompareMDS2(ctx, scopeFrom(ctx), in.Body.Forms)
	if err != nil {
		return nil, problem(ctx, err)
	}
	var buf bytes.Buffer
	out := &documentOutput{ContentDisposition: attachment("mds2-comparison." + in.Format)}
	switch in.Format {
	case "csv":
		out.ContentType, err = "text/csv; charset=utf-8", c.WriteCSV(&buf)
	case "xlsx":
		out.ContentType, err = xlsxType, c.WriteXLSX(&buf)
	default:
		out.ContentType, err = "text/html; charset=utf-8", c.WriteHTML(&buf)
		out.ContentDisposition = ""
	}
	if err != nil {
		return nil, problem(ctx, err)
	}
	out.Body = buf.Bytes()
	return out, nil
}

type evaluateMDS2Input struct {
	Body struct {
		Forms   []service.MDS2Ref `json:"forms,omitempty" maxItems:"50" doc:"The forms; none for every current candidate form."`
		Profile string            `json:"profile,omitempty" maxLength:"1048576" doc:"A requirement profile, YAML or JSON (see GET /api/v1/mds2/profile); none for vigil's default."`
	}
}

type evaluateMDS2Output struct{ Body *mds2.ProcurementReport }

func (s *Server) evaluate(ctx context.Context, in *evaluateMDS2Input) (*mds2.ProcurementReport, error) {
	var profile []byte
	if in.Body.Profile != "" {
		profile = []byte(in.Body.Profile)
	}
	return s.svc.EvaluateMDS2(ctx, scopeFrom(ctx), in.Body.Forms, profile)
}

func (s *Server) evaluateMDS2(ctx context.Context, in *evaluateMDS2Input) (*evaluateMDS2Output, error) {
	r, err := s.evaluate(ctx, in)
	if err != nil {
		return nil, problem(ctx, err)
	}
	return &evaluateMDS2Output{Body: r}, nil
}

type evaluateMDS2ReportInput struct {
	Format string `path:"format" enum:"text,html" doc:"The report's format."`
	evaluateMDS2Input
}

func (s *Server) evaluateMDS2Report(ctx context.Context, in *evaluateMDS2ReportInput) (*documentOutput, error) {
	r, err := s.evaluate(ctx, &in.evaluateMDS2Input)
	if err != nil {
		return nil, problem(ctx, err)
	}
	var buf bytes.Buffer
	out := &documentOutput{}
	if in.Format == "text" {
		out.ContentType, err = "text/plain; charset=utf-8", r.WriteText(&buf)
	} else {
		out.ContentType, err = "text/html; charset=utf-8", r.WriteHTML(&buf)
	}
	if err != nil {
		return nil, problem(ctx, err)
	}
	out.Body = buf.Bytes()
	return out, nil
}

type checkMDS2Output struct{ Body *service.MDS2Check }

func (s *Server) checkMDS2(ctx context.Context, in *IDPath) (*checkMDS2Output, error) {
	c, err := s.svc.CheckMDS2(ctx, scopeFrom(ctx), in.ID)
	if err != nil {
		return nil, problem(ctx, err)
	}
	return &checkMDS2Output{Body: c}, nil
}

type catalogueOutput struct{ Body *mds2.Catalogue }

func (s *Server) mds2Catalogue(context.Context, *struct{}) (*catalogueOutput, error) {
	return &catalogueOutput{Body: s.svc.MDS2Catalogue()}, nil
}

type profileOutput struct {
	ContentType string `header:"Content-Type"`
	Body        []byte
}

func (s *Server) mds2Profile(context.Context, *struct{}) (*profileOutput, error) {
	return &profileOutput{ContentType: "application/yaml", Body: s.svc.MDS2DefaultProfile()}, nil
}

type portList struct {
	Items []vigil.ReleasePort `json:"items"`
}

type portListOutput struct{ Body portList }

func (s *Server) listPorts(ctx context.Context, in *IDPath) (*portListOutput, error) {
	ps, err := s.svc.ReleasePorts(ctx, scopeFrom(ctx), in.ID)
	if err != nil {
		return nil, problem(ctx, err)
	}
	return &portListOutput{Body: portList{Items: nonNil(ps)}}, nil
}

type setPortsInput struct {
	IDPath
	Body struct {
		Ports []vigil.ReleasePort `json:"ports" maxItems:"1000" doc:"The release's ports; an empty list clears them."`
	}
}

func (s *Server) setPorts(ctx context.Context, in *setPortsInput) (*portListOutput, error) {
	ps, err := s.svc.SetReleasePorts(ctx, scopeFrom(ctx), in.ID, in.Body.Ports)
	if err != nil {
		return nil, problem(ctx, err)
	}
	return &portListOutput{Body: portList{Items: nonNil(ps)}}, nil
}

func nonNil[T any](v []T) []T {
	if v == nil {
		return []T{}
	}
	return v
}

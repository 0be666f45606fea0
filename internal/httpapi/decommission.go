package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"reflect"

	"github.com/danielgtaylor/huma/v2"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/app/support"
	"github.com/vigil/vigil/internal/lifecycle"
	"github.com/vigil/vigil/internal/lifecycle/sanitize"
)

// decommissionRoutes registers the hospital side of the lifecycle: the
// horizon, received notices, sanitization and decommissioning.
func (s *Server) decommissionRoutes() {
	api := s.api
	const (
		get  = http.MethodGet
		post = http.MethodPost
	)
	const (
		notFound = http.StatusNotFound
		conflict = http.StatusConflict
		invalid  = http.StatusUnprocessableEntity
		tooLarge = http.StatusRequestEntityTooLarge
	)
	registerSanitizationSchemas(api.OpenAPI().Components.Schemas)

	huma.Register(api, s.authed(get, "/api/v1/lifecycle/horizon", "get-lifecycle-horizon", tagLifecycle,
		"The organization's assets by lifecycle phase now and, per quarter ahead, which reach Limited Support or End of Support.",
		invalid), s.horizon)
	huma.Register(api, s.authed(get, "/api/v1/lifecycle/notices", "list-received-notices", tagLifecycle,
		"The EOL/EOS notices of the releases the organization's assets run, from the manufacturers that share them, with those assets."),
		s.receivedNotices)
	huma.Register(api, s.authed(get, "/api/v1/lifecycle/transfers", "list-received-transfers", tagLifecycle,
		"The transfers of responsibility of the releases the organization's assets run, from the manufacturers that share them."),
		s.receivedTransfers)
	huma.Register(api, s.authed(get, "/api/v1/decommissions", "list-decommissions", tagLifecycle,
		"Decommissioned assets, newest first (q searches tag, serial, manufacturer, model, reason and certificate number), "+
			"and the worklist of retired assets still to decommission, sanitization pending first."),
		s.listDecommissions)
	huma.Register(api, s.authed(get, "/api/v1/assets/{ref}/sanitizations", "list-asset-sanitizations", tagLifecycle,
		"An asset's NIST SP 800-88 sanitization records, with whether each is complete.", notFound), s.listSanitizations)
	huma.Register(api, created(s.authed(post, "/api/v1/assets/{ref}/sanitizations", "create-asset-sanitization", tagLifecycle,
		"Record the sanitization of one storage medium of an asset; a record that breaks the rules is refused with every problem.",
		notFound, invalid, conflict, tooLarge)), s.createSanitization)
	op := s.authed(post, "/api/v1/assets/{ref}/decommission", "decommission-asset", tagLifecycle,
		"Retire an asset for good and produce its certificate of sanitization.", notFound, invalid, conflict, tooLarge)
	op.Description = "The asset's status becomes decommissioned: exposure and worklists leave it out, its history stays. " +
		"An asset that stored PHI needs a complete sanitization record first (409 otherwise), and so does one whose " +
		"sanitization failed verification."
	huma.Register(api, op, s.decommissionAsset)
	op = s.authed(get, "/api/v1/assets/{ref}/certificate", "get-asset-certificate", tagLifecycle,
		"The certificate of sanitization of a decommissioned asset: JSON, plain text, a printable HTML page or PDF.", notFound)
	op.Responses = map[string]*huma.Response{"200": {
		Description: "The certificate.",
		Content: map[string]*huma.MediaType{
			"application/json":          {Schema: api.OpenAPI().Components.Schemas.Schema(reflect.TypeFor[sanitize.Certificate](), true, "")},
			"text/plain; charset=utf-8": {Schema: textSchema()},
			"text/html; charset=utf-8":  {Schema: textSchema()},
			"application/pdf":           {Schema: binarySchema()},
		},
	}}
	huma.Register(api, op, s.certificate)
}

func registerSanitizationSchemas(r huma.Registry) {
	r.RegisterTypeAlias(reflect.TypeFor[vigil.SanitizationMethod](), reflect.TypeFor[sanitizationMethodSchema]())
	r.RegisterTypeAlias(reflect.TypeFor[vigil.SanitizationTechnique](), reflect.TypeFor[sanitizationTechniqueSchema]())
	r.RegisterTypeAlias(reflect.TypeFor[vigil.MediaType](), reflect.TypeFor[mediaTypeSchema]())
	r.RegisterTypeAlias(reflect.TypeFor[vigil.VerificationMethod](), reflect.TypeFor[verificationMethodSchema]())
	r.RegisterTypeAlias(reflect.TypeFor[vigil.VerificationResult](), reflect.TypeFor[verificationResultSchema]())
	r.RegisterTypeAlias(reflect.TypeFor[vigil.MediaDestination](), reflect.TypeFor[mediaDestinationSchema]())
}

func enumString[T ~string](values []T, doc string) *huma.Schema {
	return &huma.Schema{Type: huma.TypeString, Enum: enum(values), Description: doc}
}

type (
	sanitizationMethodSchema    string
	sanitizationTechniqueSchema string
	mediaTypeSchema             string
	verificationMethodSchema    string
	verificationResultSchema    string
	mediaDestinationSchema      string
)

func (sanitizationMethodSchema) Schema(huma.Registry) *huma.Schema {
	return enumString(vigil.SanitizationMethods, "NIST SP 800-88 sanitization method, weakest to strongest.")
}

func (sanitizationTechniqueSchema) Schema(huma.Registry) *huma.Schema {
	return enumString(vigil.SanitizationTechniques, "How the method was carried out.")
}

func (mediaTypeSchema) Schema(huma.Registry) *huma.Schema {
	return enumString(vigil.MediaTypes, "The kind of storage sanitized.")
}

func (verificationMethodSchema) Schema(huma.Registry) *huma.Schema {
	return enumString(vigil.VerificationMethods, "How the sanitization was verified.")
}

func (verificationResultSchema) Schema(huma.Registry) *huma.Schema {
	return enumString(vigil.VerificationResults, "What the verification found.")
}

func (mediaDestinationSchema) Schema(huma.Registry) *huma.Schema {
	return enumString(vigil.MediaDestinations, "Where the medium went after sanitization.")
}

type horizonInput struct {
	Months int `query:"months" minimum:"1" maximum:"120" default:"24" doc:"How many months ahead."`
}

type horizonOutput struct{ Body *lifecycle.Horizon }

func (s *Server) horizon(ctx context.Context, in *horizonInput) (*horizonOutput, error) {
	h, err := s.svc.Support.Horizon(ctx, scopeFrom(ctx), in.Months)
	if err != nil {
		return nil, problem(ctx, err)
	}
	return &horizonOutput{Body: h}, nil
}

type receivedNoticesOutput struct {
	Body struct {
		Items []*support.AssetNotice `json:"items"`
	}
}

func (s *Server) receivedNotices(ctx context.Context, _ *struct{}) (*receivedNoticesOutput, error) {
	ns, err := s.svc.Support.AssetNotices(ctx, scopeFrom(ctx))
	if err != nil {
		return nil, problem(ctx, err)
	}
	out := &receivedNoticesOutput{}
	out.Body.Items = ns
	return out, nil
}

type listDecommissionsInput struct {
	Q string `query:"q" maxLength:"200" doc:"Search text."`
}

type decommissionsOutput struct {
	Body struct {
		Items []*vigil.Decommission `json:"items"`
		// Pending is the decommissioning worklist: retired assets not yet
		// decommissioned, sanitization pending first.
		Pending []*support.PendingDecommission `json:"pending"`
	}
}

func (s *Server) listDecommissions(ctx context.Context, in *listDecommissionsInput) (*decommissionsOutput, error) {
	ds, err := s.svc.Support.Decommissions(ctx, scopeFrom(ctx), in.Q)
	if err != nil {
		return nil, problem(ctx, err)
	}
	out := &decommissionsOutput{}
	out.Body.Items = ds
	if out.Body.Pending, err = s.svc.Support.PendingDecommissions(ctx, scopeFrom(ctx)); err != nil {
		return nil, problem(ctx, err)
	}
	return out, nil
}

type sanitizationsOutput struct {
	Body struct {
		Items []*support.SanitizationRecord `json:"items"`
	}
}

func (s *Server) listSanitizations(ctx context.Context, in *AssetRefPath) (*sanitizationsOutput, error) {
	rs, err := s.svc.Support.Sanitizations(ctx, scopeFrom(ctx), in.Ref)
	if err != nil {
		return nil, problem(ctx, err)
	}
	out := &sanitizationsOutput{}
	out.Body.Items = rs
	return out, nil
}

// sanitizationBody is what recording a sanitization takes: the record
// without the fields vigil sets.
type sanitizationBody struct {
	MediaType          vigil.MediaType             `json:"media_type"`
	MediaManufacturer  string                      `json:"media_manufacturer,omitempty"`
	MediaModel         string                      `json:"media_model,omitempty"`
	MediaSerial        string                      `json:"media_serial,omitempty"`
	Method             vigil.SanitizationMethod    `json:"method"`
	Technique          vigil.SanitizationTechnique `json:"technique"`
	Tool               string                      `json:"tool"`
	Details            string                      `json:"details,omitempty"`
	VerificationMethod vigil.VerificationMethod    `json:"verification_method"`
	VerificationResult vigil.VerificationResult    `json:"verification_result"`
	VerificationNotes  string                      `json:"verification_notes,omitempty"`
	PerformedBy        vigil.Person                `json:"performed_by"`
	VerifiedBy         vigil.Person                `json:"verified_by"`
	PerformedOn        vigil.Date                  `json:"performed_on"`
	VerifiedOn         vigil.Date                  `json:"verified_on,omitzero"`
	Location           string                      `json:"location,omitempty"`
	Destination        vigil.MediaDestination      `json:"destination"`
	BackupMade         *bool                       `json:"backup_made,omitempty"`
	Notes              string                      `json:"notes,omitempty"`
}

func (b sanitizationBody) record() vigil.Sanitization {
	return vigil.Sanitization{
		MediaType: b.MediaType, MediaManufacturer: b.MediaManufacturer, MediaModel: b.MediaModel, MediaSerial: b.MediaSerial,
		Method: b.Method, Technique: b.Technique, Tool: b.Tool, Details: b.Details, VerificationMethod: b.VerificationMethod,
		VerificationResult: b.VerificationResult, VerificationNotes: b.VerificationNotes, PerformedBy: b.PerformedBy,
		VerifiedBy: b.VerifiedBy, PerformedOn: b.PerformedOn, VerifiedOn: b.VerifiedOn, Location: b.Location,
		Destination: b.Destination, BackupMade: b.BackupMade, Notes: b.Notes,
	}
}

type createSanitizationInput struct {
	AssetRefPath
	Body sanitizationBody
}

type sanitizationOutput struct {
	Body *support.SanitizationRecord
}

func (s *Server) createSanitization(ctx context.Context, in *createSanitizationInput) (*sanitizationOutput, error) {
	r, err := s.svc.Support.RecordSanitization(ctx, scopeFrom(ctx), in.Ref, in.Body.record())
	if err != nil {
		return nil, problem(ctx, err)
	}
	return &sanitizationOutput{Body: r}, nil
}

type decommissionInput struct {
	AssetRefPath
	Body vigil.DecommissionInput
}

type decommissionOutput struct{ Body *support.DecommissionResult }

func (s *Server) decommissionAsset(ctx context.Context, in *decommissionInput) (*decommissionOutput, error) {
	res, err := s.svc.Support.DecommissionAsset(ctx, scopeFrom(ctx), in.Ref, in.Body)
	if err != nil {
		return nil, problem(ctx, err)
	}
	return &decommissionOutput{Body: res}, nil
}

type certificateInput struct {
	AssetRefPath
	Format string `query:"format" enum:"json,text,html,pdf" default:"json" doc:"json, text, html (a page laid out for printing) or pdf (A4)."`
}

type certificateOutput struct {
	ContentType string `header:"Content-Type"`
	Body        []byte
}

func (s *Server) certificate(ctx context.Context, in *certificateInput) (*certificateOutput, error) {
	c, err := s.svc.Support.Certificate(ctx, scopeFrom(ctx), in.Ref)
	if err != nil {
		return nil, problem(ctx, err)
	}
	var b bytes.Buffer
	out := &certificateOutput{}
	switch in.Format {
	case "text":
		out.ContentType = "text/plain; charset=utf-8"
		err = c.WriteText(&b)
	case "html":
		out.ContentType = "text/html; charset=utf-8"
		err = c.WriteHTML(&b)
	case "pdf":
		out.ContentType = "application/pdf"
		err = c.WritePDF(&b)
	default:
		out.ContentType = "application/json"
		enc := json.NewEncoder(&b)
		enc.SetIndent("", "  ")
		err = enc.Encode(c)
	}
	if err != nil {
		return nil, problem(ctx, err)
	}
	out.Body = b.Bytes()
	return out, nil
}

func (s *Server) receivedTransfers(ctx context.Context, _ *struct{}) (*transferListOutput, error) {
	ts, err := s.svc.Support.AssetTransfers(ctx, scopeFrom(ctx))
	if err != nil {
		return nil, problem(ctx, err)
	}
	return &transferListOutput{Body: transferList{Items: ts}}, nil
}

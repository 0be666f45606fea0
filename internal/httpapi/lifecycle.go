package httpapi

import (
	"context"
	"net/http"
	"reflect"
	"strconv"

	"github.com/danielgtaylor/huma/v2"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/app/catalog"
	"github.com/vigil/vigil/internal/app/support"
	"github.com/vigil/vigil/internal/lifecycle"
)

const tagLifecycle = "lifecycle"

// lifecycleRoutes registers the lifecycle operations: phase refresh,
// component support, EOL/EOS notices and transfers of responsibility.
func (s *Server) lifecycleRoutes() {
	api := s.api
	const (
		get  = http.MethodGet
		post = http.MethodPost
	)
	const (
		notFound  = http.StatusNotFound
		conflict  = http.StatusConflict
		invalid   = http.StatusUnprocessableEntity
		forbidden = http.StatusForbidden
		tooLarge  = http.StatusRequestEntityTooLarge
	)
	api.OpenAPI().Tags = append(api.OpenAPI().Tags, &huma.Tag{Name: tagLifecycle,
		Description: "The device lifecycle (IMDRF N70): phases that follow the milestones, component support, " +
			"end-of-life / end-of-support notices, transfer of responsibility at end of support. See docs/lifecycle.md."})
	registerLifecycleSchemas(api.OpenAPI().Components.Schemas)

	huma.Register(api, s.authed(post, "/api/v1/lifecycle/refresh", "refresh-phases", tagLifecycle,
		"Move the organization's releases into the phase their milestones reach today, recording each move."), s.refreshPhases)
	huma.Register(api, s.authed(get, "/api/v1/releases/{id}/support", "get-release-support", tagLifecycle,
		"Roll the support level and end-of-support date of a release's SBOM components up to the release.",
		notFound, invalid), s.releaseSupport)

	huma.Register(api, s.authed(get, "/api/v1/notices", "list-notices", tagLifecycle,
		"The organization's end-of-life and end-of-support notices, newest first."), s.listNotices)
	huma.Register(api, s.authed(get, "/api/v1/notices/{id}", "get-notice", tagLifecycle,
		"One notice.", notFound), s.getNotice)
	huma.Register(api, s.authed(get, "/api/v1/releases/{id}/notices", "list-release-notices", tagLifecycle,
		"A release's notices, newest first.", notFound), s.listReleaseNotices)
	op := s.authed(post, "/api/v1/releases/{id}/notices", "create-notice", tagLifecycle,
		"Record an end-of-life or end-of-support notice for a release; it sets the release's milestones.",
		notFound, invalid, forbidden, tooLarge)
	op.Description = "eol_on becomes the release's end-of-life milestone and end_of_support_on its end-of-support " +
		"milestone, in the same transaction; a phase that follows the milestones moves and the move is recorded. " +
		"issued_on defaults to today, and an end-of-life notice's eol_on to its issue day. Only manufacturer " +
		"organizations issue notices (403 otherwise)."
	huma.Register(api, created(op), s.createNotice)

	huma.Register(api, s.authed(get, "/api/v1/transfers", "list-transfers", tagLifecycle,
		"The organization's transfers of responsibility, oldest first."), s.listTransfers)
	huma.Register(api, s.authed(get, "/api/v1/transfers/{id}", "get-transfer", tagLifecycle,
		"One transfer of responsibility.", notFound), s.getTransfer)
	huma.Register(api, s.authed(get, "/api/v1/releases/{id}/transfers", "list-release-transfers", tagLifecycle,
		"A release's transfers of responsibility.", notFound), s.listReleaseTransfers)
	huma.Register(api, created(s.authed(post, "/api/v1/releases/{id}/transfers", "create-transfer", tagLifecycle,
		"Record the transfer of responsibility for a release at its end of support (409 if it has none).",
		notFound, invalid, conflict, tooLarge)), s.createTransfer)
	huma.Register(api, s.authed(post, "/api/v1/transfers/{id}/accept", "accept-transfer", tagLifecycle,
		"Record who accepted a transfer's residual risks; a transfer is accepted once (409 after).",
		notFound, invalid, conflict, tooLarge), s.acceptTransfer)
}

func registerLifecycleSchemas(r huma.Registry) {
	r.RegisterTypeAlias(reflect.TypeFor[vigil.NoticeKind](), reflect.TypeFor[noticeKindSchema]())
	r.RegisterTypeAlias(reflect.TypeFor[lifecycle.SupportStatus](), reflect.TypeFor[supportStatusSchema]())
}

type noticeKindSchema string

func (noticeKindSchema) Schema(huma.Registry) *huma.Schema {
	return &huma.Schema{Type: huma.TypeString, Enum: enum(vigil.NoticeKinds),
		Description: "Which milestone a manufacturer's notice announces."}
}

type supportStatusSchema string

func (supportStatusSchema) Schema(huma.Registry) *huma.Schema {
	return &huma.Schema{Type: huma.TypeString, Enum: enum(lifecycle.SupportStatuses),
		Description: "Where a component stands against its end of support: ended, ending within the horizon, unknown, supported."}
}

type phaseMovesOutput struct {
	Body struct {
		Moves []catalog.PhaseMove `json:"moves"`
	}
}

func (s *Server) refreshPhases(ctx context.Context, _ *struct{}) (*phaseMovesOutput, error) {
	moves, err := s.svc.Catalog.RefreshPhases(ctx, scopeFrom(ctx))
	if err != nil {
		return nil, problem(ctx, err)
	}
	out := &phaseMovesOutput{}
	out.Body.Moves = moves
	return out, nil
}

type releaseSupportInput struct {
	IDPath
	Months int  `query:"months" minimum:"1" maximum:"240" default:"12" doc:"Horizon: components whose support ends within this many months are ending."`
	All    bool `query:"all" doc:"List every component, not only those past or near their end of support."`
}

type releaseSupportOutput struct{ Body *lifecycle.SupportRollup }

func (s *Server) releaseSupport(ctx context.Context, in *releaseSupportInput) (*releaseSupportOutput, error) {
	u, err := s.svc.Support.ReleaseSupport(ctx, scopeFrom(ctx), in.ID, in.Months, in.All)
	if err != nil {
		return nil, problem(ctx, err)
	}
	return &releaseSupportOutput{Body: u}, nil
}

type noticeList struct {
	Items []*vigil.Notice `json:"items"`
}

type noticeListOutput struct{ Body noticeList }

type noticeOutput struct{ Body *vigil.Notice }

func (s *Server) listNotices(ctx context.Context, _ *struct{}) (*noticeListOutput, error) {
	ns, err := s.svc.Support.Notices(ctx, scopeFrom(ctx), nil)
	if err != nil {
		return nil, problem(ctx, err)
	}
	return &noticeListOutput{Body: noticeList{Items: ns}}, nil
}

func (s *Server) listReleaseNotices(ctx context.Context, in *IDPath) (*noticeListOutput, error) {
	ns, err := s.svc.Support.Notices(ctx, scopeFrom(ctx), &in.ID)
	if err != nil {
		return nil, problem(ctx, err)
	}
	return &noticeListOutput{Body: noticeList{Items: ns}}, nil
}

func (s *Server) getNotice(ctx context.Context, in *IDPath) (*noticeOutput, error) {
	n, err := s.svc.Support.Notice(ctx, scopeFrom(ctx), in.ID)
	if err != nil {
		return nil, problem(ctx, err)
	}
	return &noticeOutput{Body: n}, nil
}

type createNoticeInput struct {
	IDPath
	Body vigil.NoticeInput
}

type createdNoticeOutput struct {
	Location string `header:"Location" doc:"The new notice's URL."`
	Body     *support.NoticeRecord
}

func (s *Server) createNotice(ctx context.Context, in *createNoticeInput) (*createdNoticeOutput, error) {
	rec, err := s.svc.Support.RecordNotice(ctx, scopeFrom(ctx), in.ID, in.Body)
	if err != nil {
		return nil, problem(ctx, err)
	}
	return &createdNoticeOutput{Location: "/api/v1/notices/" + strconv.FormatInt(rec.Notice.ID, 10), Body: rec}, nil
}

type transferList struct {
	Items []*vigil.Transfer `json:"items"`
}

type transferListOutput struct{ Body transferList }

type transferOutput struct{ Body *vigil.Transfer }

func (s *Server) listTransfers(ctx context.Context, _ *struct{}) (*transferListOutput, error) {
	ts, err := s.svc.Support.Transfers(ctx, scopeFrom(ctx), nil)
	if err != nil {
		return nil, problem(ctx, err)
	}
	return &transferListOutput{Body: transferList{Items: ts}}, nil
}

func (s *Server) listReleaseTransfers(ctx context.Context, in *IDPath) (*transferListOutput, error) {
	ts, err := s.svc.Support.Transfers(ctx, scopeFrom(ctx), &in.ID)
	if err != nil {
		return nil, problem(ctx, err)
	}
	return &transferListOutput{Body: transferList{Items: ts}}, nil
}

func (s *Server) getTransfer(ctx context.Context, in *IDPath) (*transferOutput, error) {
	t, err := s.svc.Support.Transfer(ctx, scopeFrom(ctx), in.ID)
	if err != nil {
		return nil, problem(ctx, err)
	}
	return &transferOutput{Body: t}, nil
}

type createTransferInput struct {
	IDPath
	Body vigil.TransferInput
}

type createdTransferOutput struct {
	Location string `header:"Location" doc:"The new transfer's URL."`
	Body     *vigil.Transfer
}

func (s *Server) createTransfer(ctx context.Context, in *createTransferInput) (*createdTransferOutput, error) {
	t, err := s.svc.Support.RecordTransfer(ctx, scopeFrom(ctx), in.ID, in.Body)
	if err != nil {
		return nil, problem(ctx, err)
	}
	return &createdTransferOutput{Location: "/api/v1/transfers/" + strconv.FormatInt(t.ID, 10), Body: t}, nil
}

type acceptTransferInput struct {
	IDPath
	Body vigil.TransferAcceptance
}

func (s *Server) acceptTransfer(ctx context.Context, in *acceptTransferInput) (*transferOutput, error) {
	t, err := s.svc.Support.AcceptTransfer(ctx, scopeFrom(ctx), in.ID, in.Body)
	if err != nil {
		return nil, problem(ctx, err)
	}
	return &transferOutput{Body: t}, nil
}

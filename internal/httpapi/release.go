package httpapi

import (
	"context"
	"strconv"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/app/catalog"
)

type releaseOutput struct{ Body *vigil.Release }

type releaseDetailOutput struct{ Body *catalog.ReleaseDetail }

type createdReleaseOutput struct {
	Location string `header:"Location" doc:"The new release's URL."`
	Body     *vigil.Release
}

// releaseList is a page of releases.
type releaseList struct {
	Items []*vigil.Release `json:"items"`
	Total int              `json:"total" doc:"How many releases match in all, across pages."`
}

type releaseListOutput struct{ Body releaseList }

type listReleasesInput struct {
	ProductID int64 `query:"product_id" minimum:"1" doc:"Only releases of this product."`
	PageQuery
}

type listProductReleasesInput struct {
	IDPath
	PageQuery
}

type createReleaseInput struct {
	IDPath
	Body vigil.ReleaseInput
}

type updateReleaseInput struct {
	IDPath
	Body vigil.ReleaseUpdate
}

type setPhaseInput struct {
	IDPath
	Body catalog.PhaseChangeInput
}

func (s *Server) listReleases(ctx context.Context, in *listReleasesInput) (*releaseListOutput, error) {
	f := vigil.ReleaseFilter{Page: in.page()}
	if in.ProductID != 0 {
		f.ProductID = &in.ProductID
	}
	items, total, err := s.svc.Catalog.Releases(ctx, scopeFrom(ctx), f)
	if err != nil {
		return nil, problem(ctx, err)
	}
	return &releaseListOutput{Body: releaseList{Items: orEmpty(items), Total: total}}, nil
}

// listProductReleases lists the releases of one product; a product the
// caller cannot see is not found.
func (s *Server) listProductReleases(ctx context.Context, in *listProductReleasesInput) (*releaseListOutput, error) {
	items, total, err := s.svc.Catalog.Releases(ctx, scopeFrom(ctx), vigil.ReleaseFilter{ProductID: &in.ID, Page: in.page()})
	if err != nil {
		return nil, problem(ctx, err)
	}
	return &releaseListOutput{Body: releaseList{Items: orEmpty(items), Total: total}}, nil
}

func (s *Server) createRelease(ctx context.Context, in *createReleaseInput) (*createdReleaseOutput, error) {
	r, err := s.svc.Catalog.CreateRelease(ctx, scopeFrom(ctx), in.ID, in.Body)
	if err != nil {
		return nil, problem(ctx, err)
	}
	return &createdReleaseOutput{Location: "/api/v1/releases/" + strconv.FormatInt(r.ID, 10), Body: r}, nil
}

func (s *Server) getRelease(ctx context.Context, in *IDPath) (*releaseDetailOutput, error) {
	d, err := s.svc.Catalog.Release(ctx, scopeFrom(ctx), in.ID)
	if err != nil {
		return nil, problem(ctx, err)
	}
	return &releaseDetailOutput{Body: d}, nil
}

func (s *Server) updateRelease(ctx context.Context, in *updateReleaseInput) (*releaseOutput, error) {
	r, err := s.svc.Catalog.UpdateRelease(ctx, scopeFrom(ctx), in.ID, in.Body)
	if err != nil {
		return nil, problem(ctx, err)
	}
	return &releaseOutput{Body: r}, nil
}

func (s *Server) setReleasePhase(ctx context.Context, in *setPhaseInput) (*releaseDetailOutput, error) {
	d, err := s.svc.Catalog.SetReleasePhase(ctx, scopeFrom(ctx), in.ID, in.Body)
	if err != nil {
		return nil, problem(ctx, err)
	}
	return &releaseDetailOutput{Body: d}, nil
}

func (s *Server) deleteRelease(ctx context.Context, in *IDPath) (*struct{}, error) {
	if err := s.svc.Catalog.DeleteRelease(ctx, scopeFrom(ctx), in.ID); err != nil {
		return nil, problem(ctx, err)
	}
	return nil, nil
}

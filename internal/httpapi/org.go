package httpapi

import (
	"context"

	"github.com/vigil/vigil"
)

type orgOutput struct{ Body *vigil.Organization }

// orgList is a page of organizations.
type orgList struct {
	Items []*vigil.Organization `json:"items"`
	Total int                   `json:"total" doc:"How many organizations match in all."`
}

type orgListOutput struct{ Body orgList }

type slugPath struct {
	Slug string `path:"slug" maxLength:"63" doc:"The organization's slug."`
}

func (s *Server) getOwnOrg(ctx context.Context, _ *struct{}) (*orgOutput, error) {
	org, err := s.svc.Access.Org(ctx, scopeFrom(ctx))
	if err != nil {
		return nil, problem(ctx, err)
	}
	return &orgOutput{Body: org}, nil
}

func (s *Server) listOrgs(ctx context.Context, _ *struct{}) (*orgListOutput, error) {
	org, err := s.svc.Access.Org(ctx, scopeFrom(ctx))
	if err != nil {
		return nil, problem(ctx, err)
	}
	return &orgListOutput{Body: orgList{Items: []*vigil.Organization{org}, Total: 1}}, nil
}

func (s *Server) getOrg(ctx context.Context, in *slugPath) (*orgOutput, error) {
	org, err := s.svc.Access.OrgBySlug(ctx, scopeFrom(ctx), in.Slug)
	if err != nil {
		return nil, problem(ctx, err)
	}
	return &orgOutput{Body: org}, nil
}

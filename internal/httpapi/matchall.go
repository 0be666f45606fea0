package httpapi

import (
	"context"

	"github.com/vigil/vigil/internal/service"
)

// matchList is the outcome of matching every release that has an SBOM.
type matchList struct {
	Items []*service.MatchSummary `json:"items"`
	Total int                     `json:"total"`
}

type matchListOutput struct{ Body matchList }

func (s *Server) matchAllReleases(ctx context.Context, _ *struct{}) (*matchListOutput, error) {
	ms, err := s.svc.MatchAllReleases(ctx, scopeFrom(ctx))
	if err != nil {
		return nil, problem(ctx, err)
	}
	out := matchList{Items: []*service.MatchSummary{}}
	for _, m := range ms {
		out.Items = append(out.Items, m.Summary)
	}
	out.Total = len(out.Items)
	return &matchListOutput{Body: out}, nil
}

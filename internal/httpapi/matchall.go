package httpapi

import (
	"context"

	"github.com/vigil/vigil/internal/app/knowledge"
)

// matchList is the outcome of matching every release that has an SBOM.
type matchList struct {
	Items []*knowledge.MatchSummary `json:"items"`
	Total int                       `json:"total"`
}

type matchListOutput struct{ Body matchList }

func (s *Server) matchAllReleases(ctx context.Context, _ *struct{}) (*matchListOutput, error) {
	ms, err := s.svc.Knowledge.MatchAllReleases(ctx, scopeFrom(ctx))
	if err != nil {
		return nil, problem(ctx, err)
	}
	out := matchList{Items: []*knowledge.MatchSummary{}}
	for _, m := range ms {
		out.Items = append(out.Items, m.Summary)
	}
	out.Total = len(out.Items)
	return &matchListOutput{Body: out}, nil
}

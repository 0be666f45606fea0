package httpapi

import (
	"context"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/app/knowledge"
	"github.com/vigil/vigil/internal/scan"
)

type listFindingsInput struct {
	IDPath
	All bool `query:"all" doc:"Include resolved findings."`
}

// findingList is a release's findings.
type findingList struct {
	Items []*vigil.Finding `json:"items"`
	Total int              `json:"total"`
}

type findingListOutput struct{ Body findingList }

type matchOutput struct{ Body *knowledge.MatchSummary }

type scanSBOMInput struct{ upload }

type scanOutput struct{ Body *scan.Result }

func (s *Server) listFindings(ctx context.Context, in *listFindingsInput) (*findingListOutput, error) {
	fs, err := s.svc.Knowledge.Findings(ctx, scopeFrom(ctx), in.ID, in.All)
	if err != nil {
		return nil, problem(ctx, err)
	}
	return &findingListOutput{Body: findingList{Items: orEmpty(fs), Total: len(fs)}}, nil
}

func (s *Server) matchRelease(ctx context.Context, in *IDPath) (*matchOutput, error) {
	sum, err := s.svc.Knowledge.MatchRelease(ctx, scopeFrom(ctx), in.ID, nil)
	if err != nil {
		return nil, problem(ctx, err)
	}
	return &matchOutput{Body: sum}, nil
}

func (s *Server) scanSBOM(ctx context.Context, in *scanSBOMInput) (*scanOutput, error) {
	doc, err := in.open()
	if err != nil {
		return nil, err
	}
	res, err := s.svc.Knowledge.ScanSBOM(ctx, doc)
	if err != nil {
		return nil, in.problem(ctx, err)
	}
	return &scanOutput{Body: res}, nil
}

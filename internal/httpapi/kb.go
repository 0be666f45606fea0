package httpapi

import (
	"context"

	"github.com/vigil/vigil/internal/app/knowledge"
)

type kbStatusOutput struct{ Body *knowledge.KBStatus }

type vulnOutput struct{ Body *knowledge.VulnView }

type vulnPath struct {
	ID string `path:"id" maxLength:"200" doc:"A vulnerability id: CVE, GHSA, GO-, PYSEC-, ALSA-, ICSMA-…"`
}

func (s *Server) kbStatus(ctx context.Context, _ *struct{}) (*kbStatusOutput, error) {
	st, err := s.svc.Knowledge.KnowledgeBaseStatus(ctx)
	if err != nil {
		return nil, problem(ctx, err)
	}
	return &kbStatusOutput{Body: st}, nil
}

func (s *Server) getVuln(ctx context.Context, in *vulnPath) (*vulnOutput, error) {
	v, err := s.svc.Knowledge.Vulnerability(ctx, in.ID)
	if err != nil {
		return nil, problem(ctx, err)
	}
	return &vulnOutput{Body: v}, nil
}

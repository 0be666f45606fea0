package httpapi

import (
	"context"

	"github.com/danielgtaylor/huma/v2"
)

// health is the body of /healthz and /readyz.
type health struct {
	Status string `json:"status" example:"ok" doc:"Always \"ok\"; failures are problems."`
}

type healthOutput struct{ Body health }

// textOutput is a response that is not JSON.
type textOutput struct {
	ContentType string `header:"Content-Type"`
	Body        []byte
}

func (s *Server) healthz(context.Context, *struct{}) (*healthOutput, error) {
	return &healthOutput{Body: health{Status: "ok"}}, nil
}

// readyz reports 503 whenever the store is not ready, whatever the reason;
// the reason is logged, not shown to an unauthenticated caller.
func (s *Server) readyz(ctx context.Context, _ *struct{}) (*healthOutput, error) {
	if err := s.svc.Ready(ctx); err != nil {
		infoFrom(ctx).err = err
		return nil, huma.Error503ServiceUnavailable("the store is not ready")
	}
	return &healthOutput{Body: health{Status: "ok"}}, nil
}

func (s *Server) openAPIJSON(ctx context.Context, _ *struct{}) (*textOutput, error) {
	b, err := s.specJSON()
	if err != nil {
		return nil, problem(ctx, err)
	}
	return &textOutput{ContentType: "application/json", Body: b}, nil
}

func (s *Server) openAPIYAML(ctx context.Context, _ *struct{}) (*textOutput, error) {
	b, err := s.specYAML()
	if err != nil {
		return nil, problem(ctx, err)
	}
	return &textOutput{ContentType: "application/yaml", Body: b}, nil
}

package httpapi

import (
	"context"
	"time"

	"github.com/vigil/vigil"
)

// tokenRequest is what creating a token takes over HTTP. The lifetime is a
// duration string rather than vigil.TokenInput's nanoseconds.
type tokenRequest struct {
	Name string `json:"name" doc:"A name that tells the token's use, unique in the organization."`
	TTL  string `json:"ttl,omitempty" example:"720h" doc:"How long the token lives, as a Go duration (\"720h\", \"90m\"). Left out, it does not expire."`
}

// input turns the request into the service's input; a TTL that does not
// parse is reported like any other invalid field.
func (r tokenRequest) input() (vigil.TokenInput, error) {
	in := vigil.TokenInput{Name: r.Name}
	if r.TTL != "" {
		d, err := time.ParseDuration(r.TTL)
		if err != nil {
			v := &vigil.ValidationError{}
			v.Add("ttl", "is not a duration such as 720h")
			return in, v
		}
		in.TTL = d
	}
	return in, nil
}

// createdToken is a new token with its secret, shown this once.
type createdToken struct {
	Token  *vigil.APIToken `json:"token"`
	Secret string          `json:"secret" doc:"The bearer secret. It is not stored and cannot be shown again."`
}

type createTokenInput struct{ Body tokenRequest }

type createdTokenOutput struct{ Body createdToken }

// tokenList lists tokens.
type tokenList struct {
	Items []*vigil.APIToken `json:"items"`
	Total int               `json:"total" doc:"How many tokens there are."`
}

type tokenListOutput struct{ Body tokenList }

func (s *Server) listTokens(ctx context.Context, _ *struct{}) (*tokenListOutput, error) {
	items, err := s.svc.Access.Tokens(ctx, scopeFrom(ctx))
	if err != nil {
		return nil, problem(ctx, err)
	}
	return &tokenListOutput{Body: tokenList{Items: orEmpty(items), Total: len(items)}}, nil
}

func (s *Server) createToken(ctx context.Context, in *createTokenInput) (*createdTokenOutput, error) {
	ti, err := in.Body.input()
	if err != nil {
		return nil, problem(ctx, err)
	}
	tok, secret, err := s.svc.Access.CreateToken(ctx, scopeFrom(ctx), ti)
	if err != nil {
		return nil, problem(ctx, err)
	}
	return &createdTokenOutput{Body: createdToken{Token: tok, Secret: secret}}, nil
}

func (s *Server) deleteToken(ctx context.Context, in *IDPath) (*struct{}, error) {
	if err := s.svc.Access.RevokeToken(ctx, scopeFrom(ctx), in.ID); err != nil {
		return nil, problem(ctx, err)
	}
	return nil, nil
}

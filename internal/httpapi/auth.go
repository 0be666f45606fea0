package httpapi

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/danielgtaylor/huma/v2"

	"github.com/vigil/vigil"
)

// bearerScheme names the security scheme in the OpenAPI document.
const bearerScheme = "bearer"

func securitySchemes() map[string]*huma.SecurityScheme {
	return map[string]*huma.SecurityScheme{
		bearerScheme: {
			Type:        "http",
			Scheme:      "bearer",
			Description: "An API token of the organization to act for (vgl_…), sent as `Authorization: Bearer <token>`.",
		},
	}
}

// bearerOnly is the security requirement of an authenticated operation.
var bearerOnly = []map[string][]string{{bearerScheme: {}}}

// authenticate is huma middleware: an operation that declares the bearer
// scheme runs only with a valid token, and gets the token's organization
// scope in its context. The scope comes from the token alone.
func (s *Server) authenticate(ctx huma.Context, next func(huma.Context)) {
	if len(ctx.Operation().Security) == 0 {
		next(ctx)
		return
	}
	secret, err := bearerToken(ctx.Header("Authorization"))
	if err == nil {
		var sc vigil.Scope
		sc, err = s.svc.Access.Authenticate(ctx.Context(), secret)
		if err == nil {
			next(huma.WithValue(ctx, scopeKey, sc))
			return
		}
	}
	if errors.Is(err, vigil.ErrUnauthorized) {
		// Whether the token is unknown, expired or malformed, and its
		// name, are for the log, not for whoever holds the token.
		infoFrom(ctx.Context()).err = err
		err = errBadCredentials
	}
	s.writeHumaProblem(ctx, err)
}

// errBadCredentials is the one thing a 401 says.
var errBadCredentials = fmt.Errorf("invalid or expired credentials: %w", vigil.ErrUnauthorized)

// bearerToken extracts the token from an Authorization header value.
func bearerToken(header string) (string, error) {
	if header == "" {
		return "", fmt.Errorf("missing bearer token: %w", vigil.ErrUnauthorized)
	}
	scheme, token, _ := strings.Cut(header, " ")
	token = strings.TrimSpace(token)
	if !strings.EqualFold(scheme, "Bearer") || token == "" {
		return "", fmt.Errorf("authorization is not a bearer token: %w", vigil.ErrUnauthorized)
	}
	return token, nil
}

// scopeFrom returns the scope authenticate put in ctx. Without one it is the
// zero scope, which the service refuses with vigil.ErrForbidden.
func scopeFrom(ctx context.Context) vigil.Scope {
	sc, _ := ctx.Value(scopeKey).(vigil.Scope)
	return sc
}

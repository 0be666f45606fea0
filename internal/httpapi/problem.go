package httpapi

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/sbom"
)

// classify is the one place where vigil's error kinds become HTTP statuses.
// It returns the status, the problem's detail and its per-field errors.
// An error of no known kind is a 500 whose detail says nothing about it:
// the error itself is kept in the request's info and logged once, with the
// request ID the client is shown.
func classify(ctx context.Context, err error) (int, string, []error) {
	var ve *vigil.ValidationError
	var se *sbom.Error
	switch {
	case errors.As(err, &se):
		// A document vigil cannot read: the detail is the parser's message,
		// what is wrong and where, and the error points into the body.
		status := http.StatusUnprocessableEntity
		if errors.Is(err, sbom.ErrUnsupported) {
			status = http.StatusUnsupportedMediaType
		}
		at := *se
		at.Path = ""
		loc := "body"
		if se.Path != "" {
			loc += "." + se.Path
		}
		return status, err.Error(), []error{&huma.ErrorDetail{Message: at.Error(), Location: loc}}
	case errors.As(err, &ve):
		details := make([]error, len(ve.Fields))
		for i, f := range ve.Fields {
			details[i] = &huma.ErrorDetail{Message: f.Message, Location: "body." + f.Field}
		}
		return http.StatusUnprocessableEntity, "invalid input", details
	case errors.Is(err, vigil.ErrNotFound):
		return http.StatusNotFound, err.Error(), nil
	case errors.Is(err, vigil.ErrConflict):
		return http.StatusConflict, err.Error(), nil
	case errors.Is(err, vigil.ErrInvalid):
		return http.StatusBadRequest, err.Error(), nil
	case errors.Is(err, vigil.ErrForbidden):
		return http.StatusForbidden, err.Error(), nil
	case errors.Is(err, vigil.ErrUnauthorized):
		return http.StatusUnauthorized, err.Error(), nil
	case errors.Is(err, vigil.ErrUnavailable):
		// Contention, not a fault: the store was busy past its wait and
		// changed nothing. The driver's text stays in the log.
		infoFrom(ctx).err = err
		return http.StatusServiceUnavailable, "the database is busy; nothing was changed, try again", nil
	}
	ri := infoFrom(ctx)
	ri.err = err
	return http.StatusInternalServerError, internalDetail(ri.id), nil
}

func internalDetail(requestID string) string {
	return "internal error; quote request ID " + requestID + " when reporting it"
}

// challenge is the WWW-Authenticate header of a 401 (RFC 6750).
const challenge = `Bearer realm="vigil"`

// problemHeaders are the headers a problem with status needs.
func problemHeaders(status int) http.Header {
	switch status {
	case http.StatusUnauthorized:
		return http.Header{"WWW-Authenticate": {challenge}}
	case http.StatusServiceUnavailable:
		return http.Header{"Retry-After": {retryAfter}}
	}
	return nil
}

// retryAfter is how many seconds a client told 503 should wait: about as
// long as the longest write the store lets others wait for.
const retryAfter = "2"

// problem turns a service error into the error a huma handler returns.
func problem(ctx context.Context, err error) error {
	status, detail, details := classify(ctx, err)
	se := huma.NewError(status, detail, details...)
	if h := problemHeaders(status); h != nil {
		return huma.ErrorWithHeaders(se, h)
	}
	return se
}

// writeHumaProblem writes err as a problem from huma middleware, which has
// no handler to return it from.
func (s *Server) writeHumaProblem(ctx huma.Context, err error) {
	status, detail, details := classify(ctx.Context(), err)
	for k, vs := range problemHeaders(status) {
		for _, v := range vs {
			ctx.AppendHeader(k, v)
		}
	}
	// WriteErr fails only when the client has gone away.
	_ = huma.WriteErr(s.api, ctx, status, detail, details...)
}

// writeProblem writes a problem outside huma: for panics and for requests
// no route matched.
func writeProblem(w http.ResponseWriter, status int, detail string) {
	if detail == "" {
		switch status {
		case http.StatusNotFound:
			detail = "no route has this path"
		case http.StatusMethodNotAllowed:
			detail = "the route does not accept this method"
		}
	}
	b, _ := json.Marshal(&huma.ErrorModel{Title: http.StatusText(status), Status: status, Detail: detail})
	h := w.Header()
	h.Set("Content-Type", "application/problem+json")
	h.Del("Content-Length")
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	w.Write(b)
}

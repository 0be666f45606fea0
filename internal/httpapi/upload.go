package httpapi

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"

	"github.com/danielgtaylor/huma/v2"
)

// uploadField is the multipart/form-data field that carries the document.
const uploadField = "file"

// upload is the body of an operation that takes a whole document (an SBOM,
// a support addendum): the raw bytes, or the field "file" of a
// multipart/form-data body. The handler hands it to the service as a
// stream: huma neither reads nor buffers it, because the input declares no
// Body (the request body is described in the document by registerUpload).
// The body is capped at the operation's MaxBodyBytes.
type upload struct {
	body        *limitedReader
	contentType string
}

// Resolve takes the request body from huma's context, before the handler
// runs.
func (u *upload) Resolve(ctx huma.Context) []error {
	r := ctx.BodyReader()
	if r == nil {
		r = http.NoBody
	}
	u.body = &limitedReader{r: r, limit: ctx.Operation().MaxBodyBytes}
	u.contentType = ctx.Header("Content-Type")
	return nil
}

// open returns the document: the body itself, or the file field of a
// multipart form, read as it arrives. Any other form field before it is
// skipped.
func (u *upload) open() (io.Reader, error) {
	mt, params, err := mime.ParseMediaType(u.contentType)
	if err != nil || mt != "multipart/form-data" {
		// The format is told from the content, not from the header.
		return u.body, nil
	}
	if params["boundary"] == "" {
		return nil, huma.Error400BadRequest("multipart/form-data body without a boundary parameter")
	}
	mr := multipart.NewReader(u.body, params["boundary"])
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return nil, huma.Error422UnprocessableEntity("the form has no document",
				&huma.ErrorDetail{Location: "body." + uploadField, Message: "is required"})
		}
		if err != nil {
			if u.body.exceeded {
				return nil, u.tooLarge()
			}
			return nil, huma.Error400BadRequest("multipart/form-data body: " + err.Error())
		}
		if part.FormName() == uploadField {
			return part, nil
		}
	}
}

// problem maps an error the service returned after reading the upload: a
// body cut at the limit is 413, whatever the parser made of it.
func (u *upload) problem(ctx context.Context, err error) error {
	if u.body.exceeded {
		return u.tooLarge()
	}
	return problem(ctx, err)
}

func (u *upload) tooLarge() error {
	return huma.Error413RequestEntityTooLarge(fmt.Sprintf("request body is too large: the limit is %d bytes", u.body.limit))
}

// limitedReader reads at most limit bytes and remembers whether the body
// had more.
type limitedReader struct {
	r        io.Reader
	limit    int64
	n        int64
	exceeded bool
}

func (l *limitedReader) Read(p []byte) (int, error) {
	if l.exceeded {
		return 0, &http.MaxBytesError{Limit: l.limit}
	}
	// Read one byte past the limit, so that a body of exactly limit bytes
	// passes and a longer one fails.
	if rem := l.limit + 1 - l.n; int64(len(p)) > rem {
		p = p[:rem]
	}
	n, err := l.r.Read(p)
	l.n += int64(n)
	if l.n > l.limit {
		l.exceeded = true
		return n - int(l.n-l.limit), &http.MaxBytesError{Limit: l.limit}
	}
	return n, err
}

// binary is the schema of a document sent or returned as it is.
func binarySchema() *huma.Schema { return &huma.Schema{Type: huma.TypeString, Format: "binary"} }

// uploadBody describes the request body of an upload operation: the
// document as the body under any of mediaTypes, or as the file field of a
// multipart form.
func uploadBody(description string, mediaTypes ...string) *huma.RequestBody {
	content := map[string]*huma.MediaType{
		"multipart/form-data": {Schema: &huma.Schema{
			Type: huma.TypeObject,
			Properties: map[string]*huma.Schema{
				uploadField: {Type: huma.TypeString, Format: "binary", Description: "The document."},
			},
			Required: []string{uploadField},
		}},
	}
	for _, mt := range mediaTypes {
		content[mt] = &huma.MediaType{Schema: binarySchema()}
	}
	return &huma.RequestBody{Description: description, Required: true, Content: content}
}

// registerUpload registers a POST operation whose handler streams its body
// (an input embedding upload), and describes the body in the document.
// huma reads and buffers every request body the operation declares a
// schema for before the handler runs, so the description is added only
// once the operation is registered.
func registerUpload[I, O any](api huma.API, op huma.Operation, body *huma.RequestBody, handler func(context.Context, *I) (*O, error)) {
	if op.Method != http.MethodPost {
		panic("registerUpload: " + op.OperationID + " is not a POST")
	}
	huma.Register(api, op, handler)
	api.OpenAPI().Paths[op.Path].Post.RequestBody = body
}

package sbom

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
)

// jsonStream walks a JSON document token by token and decodes the parts a
// parser wants one value at a time, turning every error into an *Error with
// a JSON path and a line and column.
type jsonStream struct {
	g   *jsonGuard
	dec *json.Decoder
}

func newJSONStream(r io.Reader, l Limits) *jsonStream {
	g := newJSONGuard(r, l)
	return &jsonStream{g: g, dec: json.NewDecoder(g)}
}

// fail turns a decoding error into an *Error at path.
func (j *jsonStream) fail(path string, start int64, err error) error {
	var e *Error
	if errors.As(err, &e) {
		if e.Path == "" {
			e.Path = path
		}
		return e
	}
	var se *sinkError
	if errors.As(err, &se) {
		return se
	}
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return j.g.errorAtPath(path, syn.Offset, "invalid JSON: "+syn.Error())
	case errors.As(err, &typ):
		msg := fmt.Sprintf("%s is a JSON %s, want %s", orDot(typ.Field), typ.Value, typ.Type)
		return j.g.errorAtPath(path, start+typ.Offset, msg)
	case errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF):
		return j.g.errorAtPath(path, j.g.off, "document ends in the middle of a JSON value")
	}
	return j.g.errorAtPath(path, j.dec.InputOffset(), err.Error())
}

// orDot names the field of a type error: encoding/json says
// "Component.hashes.alg"; the Go type name means nothing to a user.
func orDot(s string) string {
	if i := strings.IndexByte(s, '.'); i > 0 && s[0] >= 'A' && s[0] <= 'Z' {
		s = s[i+1:]
	}
	if s == "" {
		return "value"
	}
	return s
}

func (g *jsonGuard) errorAtPath(path string, off int64, msg string) *Error {
	e := g.errorAt(off, msg)
	e.Path = path
	return e
}

// token reads the next token.
func (j *jsonStream) token(path string) (json.Token, error) {
	start := j.dec.InputOffset()
	t, err := j.dec.Token()
	if err != nil {
		return nil, j.fail(path, start, err)
	}
	return t, nil
}

// open reads the opening delimiter of an object or array.
func (j *jsonStream) open(path string, want json.Delim) error {
	start := j.dec.InputOffset()
	t, err := j.token(path)
	if err != nil {
		return err
	}
	if d, ok := t.(json.Delim); !ok || d != want {
		kind := "an object"
		if want == '[' {
			kind = "an array"
		}
		return j.g.errorAtPath(path, start, fmt.Sprintf("want %s, found %s", kind, describeToken(t)))
	}
	return nil
}

func describeToken(t json.Token) string {
	switch v := t.(type) {
	case json.Delim:
		switch v {
		case '{':
			return "an object"
		case '[':
			return "an array"
		}
		return string(v)
	case string:
		return fmt.Sprintf("the string %q", truncate(v, 40))
	case nil:
		return "null"
	case bool:
		return "a boolean"
	}
	return "a number"
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// keys calls f for each key of the object that starts at the next token;
// f must consume the key's value.
func (j *jsonStream) keys(path string, f func(key string) error) error {
	if err := j.open(path, '{'); err != nil {
		return err
	}
	for j.dec.More() {
		t, err := j.token(path)
		if err != nil {
			return err
		}
		k, _ := t.(string)
		if err := f(k); err != nil {
			return err
		}
	}
	_, err := j.token(path) // '}'
	return err
}

// elements calls f for each element of the array that starts at the next
// token, with the element's path; f must consume the element.
func (j *jsonStream) elements(path string, f func(i int, path string) error) error {
	if err := j.open(path, '['); err != nil {
		return err
	}
	for i := 0; j.dec.More(); i++ {
		if err := f(i, idx(path, i)); err != nil {
			return err
		}
	}
	_, err := j.token(path) // ']'
	return err
}

// decode decodes the next value into v.
func (j *jsonStream) decode(path string, v any) error {
	start := j.dec.InputOffset()
	if err := j.dec.Decode(v); err != nil {
		return j.fail(path, start, err)
	}
	return nil
}

// skip consumes the next value without keeping it.
func (j *jsonStream) skip(path string) error {
	depth := 0
	for {
		t, err := j.token(path)
		if err != nil {
			return err
		}
		if d, ok := t.(json.Delim); ok {
			switch d {
			case '{', '[':
				depth++
			default:
				depth--
			}
		}
		if depth == 0 {
			return nil
		}
	}
}

// end checks that nothing but white space follows the document.
func (j *jsonStream) end() error {
	start := j.dec.InputOffset()
	t, err := j.dec.Token()
	if errors.Is(err, io.EOF) {
		return nil
	}
	if err != nil {
		var syn *json.SyntaxError
		if errors.As(err, &syn) {
			return j.g.errorAtPath("", syn.Offset, "content after the end of the document: "+syn.Error())
		}
		return j.fail("", start, err)
	}
	return j.g.errorAtPath("", start, fmt.Sprintf("content after the end of the document (%s)", describeToken(t)))
}

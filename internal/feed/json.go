package feed

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/vigil/vigil/internal/ingest"
)

// NewDecoder returns a JSON decoder over ingest.GuardJSON(r, l) that keeps
// numbers as json.Number, so scores keep the digits their source wrote.
func NewDecoder(r io.Reader, l ingest.Limits) *json.Decoder {
	dec := json.NewDecoder(ingest.GuardJSON(r, l))
	dec.UseNumber()
	return dec
}

// Object reads a JSON object from dec key by key, calling fn with each key
// and dec positioned before its value; fn must consume the value (Decode
// it, call Array, Object or Skip).
func Object(dec *json.Decoder, fn func(key string) error) error {
	if err := expectDelim(dec, '{'); err != nil {
		return err
	}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		key, ok := tok.(string)
		if !ok {
			return fmt.Errorf("offset %d: object key is %v", dec.InputOffset(), tok)
		}
		if err := fn(key); err != nil {
			return err
		}
	}
	_, err := dec.Token() // '}'
	return err
}

// Array reads a JSON array from dec, calling fn with the index of each
// element and dec positioned before it; fn must consume the element. A
// null stands for an empty array.
func Array(dec *json.Decoder, fn func(i int) error) error {
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	if tok == nil {
		return nil
	}
	if d, ok := tok.(json.Delim); !ok || d != '[' {
		return fmt.Errorf("offset %d: want an array, have %v", dec.InputOffset(), tok)
	}
	for i := 0; dec.More(); i++ {
		if err := fn(i); err != nil {
			return err
		}
	}
	_, err = dec.Token() // ']'
	return err
}

// Skip consumes the next value of dec, whatever it is.
func Skip(dec *json.Decoder) error {
	var raw json.RawMessage
	return dec.Decode(&raw)
}

func expectDelim(dec *json.Decoder, want json.Delim) error {
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	if d, ok := tok.(json.Delim); !ok || d != want {
		return fmt.Errorf("offset %d: want %q, have %v", dec.InputOffset(), want, tok)
	}
	return nil
}

// IsRecordError reports whether err, returned by decoding one record into
// a Go value, concerns that record only (a value of the wrong type), so
// the document can go on; syntax errors and limits stop the document.
func IsRecordError(err error) bool {
	var te *json.UnmarshalTypeError
	return errors.As(err, &te)
}

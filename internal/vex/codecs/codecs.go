// Package codecs is the registry of VEX formats, named explicitly. It is
// apart from package vex because the format packages import vex.
package codecs

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/ingest"
	"github.com/vigil/vigil/internal/vex"
	"github.com/vigil/vigil/internal/vex/csaf"
	"github.com/vigil/vigil/internal/vex/cyclonedx"
	"github.com/vigil/vigil/internal/vex/openvex"
)

// All returns every codec, in the order detection tries them.
func All() []vex.Codec {
	return []vex.Codec{csaf.New(), openvex.New(), cyclonedx.New()}
}

// ByFormat returns the codec of f.
func ByFormat(f vex.Format) (vex.Codec, error) {
	for _, c := range All() {
		if c.Format() == f {
			return c, nil
		}
	}
	return nil, fmt.Errorf("VEX format %q: must be one of %v: %w", f, vex.Formats, vigil.ErrInvalid)
}

// Detect returns the codec of a whole document. A JSON document is told
// by its top-level keys — CSAF's document.csaf_version, OpenVEX's
// @context, CycloneDX's bomFormat — wherever in the document they stand
// (key order is free: a CycloneDX BOM may end with its bomFormat); XML by
// the CycloneDX namespace.
func Detect(doc []byte) (vex.Codec, error) {
	trimmed := bytes.TrimLeft(doc, " \t\r\n\ufeff")
	if bytes.HasPrefix(trimmed, []byte("{")) {
		var top struct {
			Document *struct {
				CSAFVersion *string `json:"csaf_version"`
			} `json:"document"`
			Context   *string `json:"@context"`
			BOMFormat *string `json:"bomFormat"`
		}
		if _, err := io.Copy(io.Discard, ingest.GuardJSON(bytes.NewReader(doc), ingest.Limits{MaxDocumentSize: vex.MaxDocumentSize})); err != nil {
			return nil, fmt.Errorf("VEX document: %w: %w", err, vigil.ErrInvalid)
		}
		if json.Unmarshal(doc, &top) == nil {
			switch {
			case top.Document != nil && top.Document.CSAFVersion != nil:
				return csaf.New(), nil
			case top.Context != nil && strings.HasPrefix(*top.Context, "https://openvex.dev/ns"):
				return openvex.New(), nil
			case top.BOMFormat != nil:
				return cyclonedx.New(), nil
			}
		}
	}
	head := doc[:min(len(doc), 64<<10)]
	for _, c := range All() {
		if c.Detect(head) {
			return c, nil
		}
	}
	return nil, fmt.Errorf("not a VEX document vigil reads (CSAF 2.0 VEX, OpenVEX 0.2, CycloneDX VEX): %w", vigil.ErrInvalid)
}

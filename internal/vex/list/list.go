// Package list is the registry of VEX formats, named explicitly. It is
// apart from package vex because the format packages import vex.
package list

import (
	"fmt"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/cdxvex"
	"github.com/vigil/vigil/internal/csafvex"
	"github.com/vigil/vigil/internal/openvex"
	"github.com/vigil/vigil/internal/vex"
)

// All returns every codec, in the order detection tries them.
func All() []vex.Codec {
	return []vex.Codec{csafvex.New(), openvex.New(), cdxvex.New()}
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

// Detect returns the codec whose format head (the first bytes of a
// document) is in.
func Detect(head []byte) (vex.Codec, error) {
	for _, c := range All() {
		if c.Detect(head) {
			return c, nil
		}
	}
	return nil, fmt.Errorf("not a VEX document vigil reads (CSAF 2.0 VEX, OpenVEX 0.2, CycloneDX VEX): %w", vigil.ErrInvalid)
}

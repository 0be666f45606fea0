package codecs

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/realdata"
)

func TestDetect(t *testing.T) {
	for _, tc := range []struct {
		file string
		want vigil.VEXFormat
	}{
		{realdata.Path(t, "csaf/oasis-csaf20/examples/csaf/csaf_vex/2022-evd-uc-03-ms-001.json"), vigil.VEXCSAF},
		{filepath.Join(realdata.Module(t, "github.com/openvex/go-vex"), "pkg", "vex", "testdata", "v0.2.0.json"), vigil.VEXOpenVEX},
		{realdata.Path(t, "sbom/cyclonedx/bom-examples/VEX/CISA-Use-Cases/Case-1/vex-affected.json"), vigil.VEXCycloneDX},
		{realdata.Path(t, "sbom/cyclonedx/spec-test-resources/1.5/valid-vulnerability-1.5.xml"), vigil.VEXCycloneDX},
		{realdata.Path(t, "sbom/cyclonedx/medical-device-case-study/extended.sbom.json"), vigil.VEXCycloneDX},
		{realdata.Path(t, "SOURCES.md"), ""},
	} {
		b, err := os.ReadFile(tc.file)
		if err != nil {
			t.Fatal(err)
		}
		c, err := Detect(b)
		switch {
		case tc.want == "" && !errors.Is(err, vigil.ErrInvalid):
			t.Errorf("%s: detected %v, %v; want ErrInvalid", tc.file, c, err)
		case tc.want != "" && (err != nil || c.Format() != tc.want):
			t.Errorf("%s: %v, %v; want %s", tc.file, c, err, tc.want)
		}
	}
	for _, f := range vigil.VEXFormats {
		if c, err := ByFormat(f); err != nil || c.Format() != f {
			t.Errorf("ByFormat(%s) = %v, %v", f, c, err)
		}
	}
	if _, err := ByFormat("spdx"); !errors.Is(err, vigil.ErrInvalid) {
		t.Errorf("ByFormat(spdx): %v", err)
	}
}

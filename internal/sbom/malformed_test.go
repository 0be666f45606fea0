package sbom

import (
	"bytes"
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/realdata"
)

// TestMalformedReferenceInTheWild: SBOMs as tools write them hold a
// reference that is not what its type says: Microsoft's sbom-tool writes a
// git component's GitHub URL as its purl. Built from the real sbom-tool
// SPDX of PowerShell with one such reference (npm's read-pkg as
// github.com/sindresorhus/read-pkg): the package is kept and flagged, the
// document warns where, and only a strict parse refuses it. Every real
// SPDX file in the wild parses.
func TestMalformedReferenceInTheWild(t *testing.T) {
	for _, path := range realdata.Glob(t, "sbom/spdx/bom-shelter-in-the-wild/*.spdx*") {
		if _, err := (&Parser{}).Parse(context.Background(), bytes.NewReader(realdata.Read(t, "sbom/spdx/bom-shelter-in-the-wild/"+filepath.Base(path))), SinkFuncs{}); err != nil {
			t.Errorf("%s: %v", filepath.Base(path), err)
		}
	}
	raw := realdata.Read(t, "sbom/spdx/bom-shelter-in-the-wild/powershell.spdx.json")
	const good, bad = `"referenceLocator":"pkg:npm/read-pkg@1.1.0"`, `"referenceLocator":"https://github.com/sindresorhus/read-pkg"`
	if bytes.Count(raw, []byte(good)) != 1 {
		t.Fatalf("powershell.spdx.json no longer holds %s once", good)
	}
	raw = bytes.Replace(raw, []byte(good), []byte(bad), 1)

	var comps []*vigil.Component
	doc, err := (&Parser{}).Parse(context.Background(), bytes.NewReader(raw), SinkFuncs{OnComponent: func(c *vigil.Component) error {
		comps = append(comps, c)
		return nil
	}})
	if err != nil {
		t.Fatal(err)
	}
	var flagged []string
	for _, c := range comps {
		for _, p := range c.Properties {
			if p.Name == PropWarning && strings.Contains(p.Value, "github.com/sindresorhus/read-pkg") {
				flagged = append(flagged, c.Name+" "+c.Version)
				if c.PURL != "" {
					t.Errorf("flagged component keeps purl %s", c.PURL)
				}
			}
		}
	}
	if len(flagged) != 1 || flagged[0] != "read-pkg 1.1.0" {
		t.Errorf("flagged %v, want read-pkg 1.1.0", flagged)
	}
	warned := 0
	for _, w := range doc.Warnings {
		if strings.Contains(w, "externalRefs") && strings.Contains(w, "referenceLocator") && strings.Contains(w, "kept") {
			warned++
		}
	}
	if warned != 1 || doc.Components != len(comps) {
		t.Errorf("%d warnings %v; %d components of %d", warned, doc.Warnings, len(comps), doc.Components)
	}
	_, err = (&Parser{Strict: true}).Parse(context.Background(), bytes.NewReader(raw), SinkFuncs{})
	if !errors.Is(err, vigil.ErrInvalid) || !strings.Contains(err.Error(), "referenceLocator") {
		t.Errorf("strict parse: %v", err)
	}
}

package demo

import (
	"context"
	"fmt"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/app"
	"github.com/vigil/vigil/internal/app/disclosure"
)

// VEXStep is the VEX part of the demo: the demo release's findings, with
// their triage, exported as a CSAF 2.0 VEX document (checked against the
// CSAF schema and mandatory tests on the way out).
type VEXStep struct {
	Release string                `json:"release"`
	Export  *disclosure.VEXExport `json:"export"`
}

// loadVEX exports the demo release's CSAF VEX.
func loadVEX(ctx context.Context, svc *app.App, sc vigil.Scope, tool string) (*VEXStep, error) {
	ex, err := svc.Disclosure.ExportVEX(ctx, sc, SBOMProduct, SBOMRelease, vigil.VEXCSAF, disclosure.VEXExportOptions{Tool: tool})
	if err != nil {
		return nil, fmt.Errorf("demo VEX export: %w", err)
	}
	return &VEXStep{Release: SBOMProduct + " " + SBOMRelease, Export: ex}, nil
}

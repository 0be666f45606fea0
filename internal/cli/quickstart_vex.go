package cli

import (
	"bytes"
	"context"
	"fmt"
	"io"

	"github.com/vigil/vigil"
	application "github.com/vigil/vigil/internal/app"
	"github.com/vigil/vigil/internal/app/disclosure"
	"github.com/vigil/vigil/internal/demo"
)

var formatNames = map[vigil.VEXFormat]string{vigil.VEXCSAF: "CSAF", vigil.VEXOpenVEX: "OpenVEX", vigil.VEXCycloneDX: "CycloneDX"}

// printVEXRoundTrip exports the demo release's VEX in every format and
// reads each back in a dry run: a manufacturer's own VEX must change none
// of its decisions (a statement binds to its one vulnerability, never to
// the others an advisory groups with it).
func printVEXRoundTrip(ctx context.Context, w io.Writer, svc *application.App, actor string) error {
	sc, _, err := svc.Access.ScopeFor(ctx, demo.Manufacturer, actor)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "  own VEX read back (vigil vex import --dry-run), per format:\n")
	for _, f := range vigil.VEXFormats {
		ex, err := svc.Disclosure.ExportVEX(ctx, sc, demo.SBOMProduct, demo.SBOMRelease, f, disclosure.VEXExportOptions{Tool: "vigil quickstart"})
		if err != nil {
			return err
		}
		rep, err := svc.Disclosure.ImportVEX(ctx, sc, bytes.NewReader(ex.Content), disclosure.VEXImportOptions{DryRun: true})
		if err != nil {
			return err
		}
		d := rep.Document
		fmt.Fprintf(w, "    %-9s %d statements: %d applied, %d unchanged, %d conflicts, %d unmatched\n",
			formatNames[f], d.Statements, d.Applied, d.Unchanged, d.Conflicts, d.Unmatched)
	}
	return nil
}

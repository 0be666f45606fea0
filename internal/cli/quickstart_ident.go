package cli

import (
	"context"
	"fmt"
	"io"

	application "github.com/vigil/vigil/internal/app"
	"github.com/vigil/vigil/internal/app/assets"
	"github.com/vigil/vigil/internal/demo"
)

// quickstartIdentification shows what device identification made of the
// demo hospital's messy CMMS rows (demo.IdentRows): links with score and
// evidence, and the possible ones left for a person.
func quickstartIdentification(ctx context.Context, w io.Writer, svc *application.App, actor string) error {
	sc, _, err := svc.Access.ScopeFor(ctx, demo.Hospital, actor)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "\nDevice identification (CMMS rows written the messy way, against the device advisories)\n")
	for _, a := range demo.IdentRows {
		ls, err := svc.Assets.AdvisoryLinks(ctx, sc, assets.LinkFilter{Asset: a.AssetTag})
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "  %-8s %q %q: %d link(s)\n", a.AssetTag, terminalSafe(a.Manufacturer), terminalSafe(a.Model), len(ls))
		for i, l := range ls {
			if i == 3 {
				fmt.Fprintf(w, "           … %d more\n", len(ls)-i)
				break
			}
			fmt.Fprintf(w, "           %-9s %.2f %s %s %q — %s\n", l.Confidence, l.Score, l.Advisory, l.ProductID, terminalSafe(l.Name), terminalSafe(l.Reason))
		}
	}
	possible, err := svc.Assets.AdvisoryLinks(ctx, sc, assets.LinkFilter{Possible: true})
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "  possible links waiting for a person: %d (they count in exposure only once confirmed)\n", len(possible))
	fmt.Fprintf(w, "\n  Try next (as the hospital):\n    go run ./cmd/vigil --org %s asset link list --possible\n", demo.Hospital)
	// The hints name links this database really has.
	if len(possible) > 0 {
		l := possible[0]
		fmt.Fprintf(w, "    go run ./cmd/vigil --org %s asset link confirm %s %s %s --note \"label checked on the device\"\n", demo.Hospital, l.AssetTag, l.Advisory, l.ProductID)
	}
	if ls, err := svc.Assets.AdvisoryLinks(ctx, sc, assets.LinkFilter{Asset: demo.IdentRows[1].AssetTag}); err == nil && len(ls) > 0 {
		l := ls[0]
		fmt.Fprintf(w, "    go run ./cmd/vigil --org %s asset link reject %s %s %s --note \"not this station\"\n", demo.Hospital, l.AssetTag, l.Advisory, l.ProductID)
	}
	fmt.Fprintf(w, "    go run ./cmd/vigil --org %s risk settings set --link-threshold 0.7 --unscored-cvss 8\n", demo.Hospital)
	return nil
}

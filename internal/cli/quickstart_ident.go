package cli

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/demo"
	"github.com/vigil/vigil/internal/service"
)

// identRows are CMMS rows written the way CMMS exports write them, for
// the device-identification step: vendor spellings and legal suffixes,
// firmware in the model field, and a vague row (no model number) a person
// has to look at.
var identRows = []vigil.Asset{
	{AssetTag: "QS-ID-1", Manufacturer: "BECTON DICKINSON & CO", Model: "PYXIS MEDSTATION 4000 (FW 1.7)", Criticality: vigil.CriticalityTherapeutic, Zone: "pharmacy"},
	{AssetTag: "QS-ID-2", Manufacturer: "CareFusion Inc.", Model: "Pyxis Anesthesia Station ES", Criticality: vigil.CriticalityTherapeutic, Zone: "surgery"},
	{AssetTag: "QS-ID-3", Manufacturer: "BD Medical", Model: "Pyxis MedStation", Criticality: vigil.CriticalityTherapeutic, Zone: "pharmacy"},
}

// quickstartIdentification adds messy CMMS rows to the demo hospital and
// shows what device identification made of them: links with score and
// evidence, and the possible ones left for a person.
func quickstartIdentification(ctx context.Context, w io.Writer, svc *service.Service, actor string) error {
	sc, _, err := svc.ScopeFor(ctx, demo.Hospital, actor)
	if err != nil {
		return err
	}
	for _, a := range identRows {
		if _, err := svc.CreateAsset(ctx, sc, a); err != nil && !errors.Is(err, vigil.ErrConflict) {
			return fmt.Errorf("quickstart asset %s: %w", a.AssetTag, err)
		}
	}
	fmt.Fprintf(w, "\nDevice identification (CMMS rows written the messy way, against the device advisories)\n")
	for _, a := range identRows {
		ls, err := svc.AdvisoryLinks(ctx, sc, service.LinkFilter{Asset: a.AssetTag})
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
	possible, err := svc.AdvisoryLinks(ctx, sc, service.LinkFilter{Possible: true})
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "  possible links waiting for a person: %d (they count in exposure only once confirmed)\n", len(possible))
	fmt.Fprintf(w, `
  Try next (as the hospital):
    go run ./cmd/vigil --org %s asset link list --possible
    go run ./cmd/vigil --org %s asset link confirm QS-ID-3 ICSMA-22-062-01 CSAFPID-0005 --note "label: MedStation ES"
    go run ./cmd/vigil --org %s asset link reject QS-ID-2 ICSMA-22-062-01 CSAFPID-0001 --note "not this station"
    go run ./cmd/vigil --org %s risk settings set --link-threshold 0.7 --unscored-cvss 8
`, demo.Hospital, demo.Hospital, demo.Hospital, demo.Hospital)
	return nil
}

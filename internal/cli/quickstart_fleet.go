package cli

import (
	"fmt"
	"io"
	"strings"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/app/assets"
	"github.com/vigil/vigil/internal/demo"
)

// printFleet is the quickstart's hospital block.
func printFleet(w io.Writer, f *demo.FleetStep, db string, demoFeeds bool) {
	if f == nil {
		return
	}
	fmt.Fprintf(w, "\nHospital fleet of %s (demo CMMS export: fictional hospital, real device names)\n", demo.Hospital)
	fmt.Fprintf(w, "  share from %s: %s\n", demo.Manufacturer, f.Share)
	im := f.Import
	fmt.Fprintf(w, "  CMMS import: %d rows, %d created, %d updated, %d unchanged; %d assets mapped to no release\n",
		im.Rows, im.Created, im.Updated, im.Unchanged, f.Unmapped)
	var kinds []string
	for _, k := range vigil.AssetEventKinds {
		if n := f.EventsByKind[k]; n > 0 {
			kinds = append(kinds, fmt.Sprintf("%s %d", k, n))
		}
	}
	fmt.Fprintf(w, "  fleet events (for alerting): %d — %s\n", f.Events, strings.Join(kinds, ", "))
	printExposure := func(title string, ex *assets.Exposure) {
		if ex == nil {
			return
		}
		fmt.Fprintf(w, "\n  %s: %d assets exposed, %d removed by not-affected statements\n", title, len(ex.Exposed), len(ex.NotAffected))
		for _, e := range ex.Exposed {
			prio := "-"
			if e.Priority != nil {
				prio = fmt.Sprintf("%.1f", e.Priority.Score)
			}
			fmt.Fprintf(w, "    %5s  %-11s %-40s %-35s %-20s %s via %s\n", prio, e.AssetTag,
				terminalSafe(strings.TrimSpace(e.Manufacturer+" "+e.Model+" "+e.Version)), terminalSafe(e.Location),
				terminalSafe(e.Zone), e.Status, strings.Join(e.Via, "+"))
		}
	}
	printExposure("vigil exposure "+demo.ExposureCVE+" (jQuery in the pump SBOM)", f.Exposure)
	adv := "device advisory " + demo.AdvisoryID
	if !demoFeeds {
		adv = "device advisories"
	}
	printExposure("vigil exposure "+demo.AdvisoryCVE+" ("+adv+", BD Pyxis; no SBOM)", f.AdvisoryExposure)
	fmt.Fprintf(w, "\n  worklist, top %d by contextual priority:\n", len(f.Worklist))
	for _, e := range f.Worklist {
		fmt.Fprintf(w, "    %5.1f  %-11s %-15s %s\n", e.Priority.Score, e.AssetTag, e.VulnID, terminalSafe(e.Priority.Explain()))
	}
	fmt.Fprintf(w, `
  Try next (as the hospital):
    export VIGIL_DB=%s VIGIL_ORG=%s
    go run ./cmd/vigil exposure %s
    go run ./cmd/vigil asset worklist
    go run ./cmd/vigil asset unmapped
    go run ./cmd/vigil asset map BME-100260 --release "Infusion Pump@3.1" --note "IP-4000 runs the 3.1 firmware"
    go run ./cmd/vigil asset remediate BME-100231 %s --state risk_accepted --approver CMIO --reason "no fix before 3.1" --expires 2027-06-30
    go run ./cmd/vigil exposure %s
    go run ./cmd/vigil asset events --refresh --kind exposed,kev_added,exposure_removed
    go run ./cmd/vigil asset export --format xlsx --out fleet.xlsx
`, db, demo.Hospital, demo.ExposureCVE, demo.ExposureCVE, demo.KEVCVE)
}

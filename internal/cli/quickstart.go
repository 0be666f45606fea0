package cli

import (
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/vigil/vigil/internal/demo"
)

func (a *app) quickstartCommand() *cobra.Command {
	var dir, feeds string
	cmd := &cobra.Command{
		Use:   "quickstart",
		Short: "Set up a working demo on the embedded store and show what to try next",
		Long: `Create (or reuse) an embedded SQLite store in --dir, migrate it, load a demo
portfolio and print what was done and what to try next. Running it again
changes nothing but the demo API tokens. With --db or VIGIL_DB the demo goes
into that database instead.

Everything the demo loads was written for it: a fictional manufacturer
(Acme Medical Devices) and hospital (St. Elsewhere), the pump's SBOM (real
components), and small feeds that cite real CVEs with their published
CVSS scores. --feeds DIR imports real feeds instead of the demo's: any file or
folder 'vigil feed import' takes, such as a 'vigil feed sync' mirror or
downloads of NVD, OSV, CSAF, KEV and EPSS.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.runQuickstart(cmd, dir, feeds)
		},
	}
	cmd.Flags().StringVar(&dir, "dir", "vigil-quickstart", "directory for the demo database")
	cmd.Flags().StringVar(&feeds, "feeds", "", "import the feeds in this file or folder (what 'vigil feed import' takes) instead of the demo feeds")
	return cmd
}

// runQuickstart sets up the demo database, loads the demo and tells what
// was done and what to try next.
func (a *app) runQuickstart(cmd *cobra.Command, dir, feeds string) error {
	if !strings.HasPrefix(a.cfg.Origin["db"], "flag") && !strings.HasPrefix(a.cfg.Origin["db"], "environment") {
		abs, err := filepath.Abs(filepath.Join(dir, "vigil.db"))
		if err != nil {
			return err
		}
		a.cfg.DB = "sqlite:" + abs
	}
	st, err := a.openStore(cmd.Context())
	if err != nil {
		return err
	}
	applied, err := st.Migrate(cmd.Context())
	if err != nil {
		return err
	}
	svc := a.newService()
	sum, err := demo.Load(cmd.Context(), svc, "cli:"+a.actor(), demo.Options{FeedsDir: feeds})
	if err != nil {
		return err
	}
	if a.output != formatTable {
		return a.renderQuickstartData(cmd, len(applied), sum)
	}
	w := cmd.OutOrStdout()
	printQuickstartLoad(w, a.cfg.DB, len(applied), sum)
	// The manufacturer's postmarket work first, then the hospital's.
	if sum.Triage == nil {
		fmt.Fprintf(w, "\nPatient-safety triage: skipped, no %s finding on %s %s with these feeds\n", demo.TriagedVuln, demo.SBOMProduct, demo.SBOMRelease)
	}
	printTriage(w, sum.Triage)
	if sum.VEX == nil {
		fmt.Fprintf(w, "\nCSAF 2.0 VEX: skipped, %s %s has no findings with these feeds\n", demo.SBOMProduct, demo.SBOMRelease)
	}
	if err := printDemoVEX(w, dir, sum.VEX); err != nil {
		return err
	}
	if sum.VEX != nil {
		if err := printVEXRoundTrip(cmd.Context(), w, a.newService(), "cli:"+a.actor()); err != nil {
			return err
		}
	}
	printMDS2(w, sum.MDS2)
	printFleet(w, sum.Fleet, a.cfg.DB, sum.Feeds == nil || sum.Feeds.Dir == "")
	if sum.Fleet != nil {
		if err := quickstartIdentification(cmd.Context(), w, a.newService(), "cli:"+a.actor()); err != nil {
			return err
		}
	}
	printLifecycleDemo(w, sum.Lifecycle)
	if err := printRecordsDemo(cmd.Context(), w, svc); err != nil {
		return err
	}
	printTryNext(w, a.cfg.DB, dir, sum)
	return nil
}

// renderQuickstartData renders what the demo loaded as data (-o json or csv).
func (a *app) renderQuickstartData(cmd *cobra.Command, applied int, sum *demo.Summary) error {
	out := struct {
		Database   string `json:"database"`
		Migrations int    `json:"migrations_applied"`
		*demo.Summary
	}{a.cfg.DB, applied, sum}
	t := &table{header: []string{"KIND", "NAME", "DETAIL", "CREATED"}}
	for _, group := range []struct {
		kind  string
		items []demo.Item
	}{{"org", sum.Orgs}, {"product", sum.Products}, {"release", sum.Releases}} {
		for _, it := range group.items {
			t.add(group.kind, it.Name, it.Detail, fmt.Sprint(it.Created))
		}
	}
	return a.render(cmd, out, t)
}

// printQuickstartLoad tells what the demo loaded: organizations, products,
// releases, the SBOM, the knowledge base and the findings.
func printQuickstartLoad(w io.Writer, db string, applied int, sum *demo.Summary) {
	fmt.Fprintf(w, "vigil quickstart\n\nDatabase: %s (%d migration(s) applied)\n", db, applied)
	printItems := func(title string, items []demo.Item) {
		fmt.Fprintf(w, "\n%s\n", title)
		for _, it := range items {
			state := "exists"
			if it.Created {
				state = "created"
			}
			fmt.Fprintf(w, "  %-8s %-22s %s\n", state, it.Name, it.Detail)
		}
	}
	printItems("Organizations", sum.Orgs)
	printItems("Products of "+demo.Manufacturer, sum.Products)
	printItems("Releases and their lifecycle phase today", sum.Releases)
	if st := sum.SBOM; st != nil {
		d := st.Import.Document
		state := "imported"
		if st.Import.Unchanged {
			state = "already there"
		}
		fmt.Fprintf(w, "\nSBOM of %s (the demo pump's CycloneDX SBOM: a fictional device, real components)\n", st.Release)
		fmt.Fprintf(w, "  %s: %s %s %s, %d components, sha256 %.16s…\n", state, d.Format, d.SpecVersion, d.Encoding, d.Components, d.SHA256)
		fmt.Fprintf(w, "  support addendum: %d rows, %d components updated\n", st.Support.Records, st.Support.Updated)
		fmt.Fprintf(w, "  conformance: %d of %d components complete; missing supplier %d, version %d, unique id %d, support level %d, end of support %d\n",
			st.Complete, st.Components, st.Missing["supplier"], st.Missing["version"], st.Missing["unique_identifier"],
			st.Missing["support_level"], st.Missing["end_of_support"])
	}
	if fs := sum.Feeds; fs != nil {
		if fs.Dir == "" {
			fmt.Fprintf(w, "\nKnowledge base (demo feeds, embedded: NVD, OSV, CSAF, KEV and EPSS records written for the demo, citing real CVEs with their published CVSS scores)\n")
		} else {
			fmt.Fprintf(w, "\nKnowledge base (feeds imported from %s)\n", fs.Dir)
		}
		fmt.Fprintf(w, "  %d files: %d records stored, %d unchanged, %d rejected\n", fs.Files, fs.Accepted, fs.Unchanged, fs.Rejected)
		for _, s := range fs.Sources {
			fmt.Fprintf(w, "  %-5s %6d records\n", s.Source, s.Records)
		}
	}
	fmt.Fprintf(w, "\nFindings on %s %s (matched against the knowledge base)\n", demo.SBOMProduct, demo.SBOMRelease)
	if len(sum.Findings) == 0 {
		fmt.Fprintln(w, "  none")
	}
	for _, f := range sum.Findings {
		fmt.Fprintf(w, "  %-20s %-16s %-10s %s by %s (%s)\n", f.VulnID, f.ComponentName, f.ComponentVersion, f.Status,
			f.Evidence.Matcher, terminalSafe(f.Evidence.Range))
	}
}

// printTryNext lists the commands to try on the demo.
func printTryNext(w io.Writer, db, dir string, sum *demo.Summary) {
	fmt.Fprintf(w, `
Try next:
  export VIGIL_DB=%[1]s VIGIL_ORG=%[2]s
  go run ./cmd/vigil release list
  go run ./cmd/vigil release show 2.1 --product "Infusion Pump"
  go run ./cmd/vigil release set-phase 3.1 support --product "Infusion Pump" --reason "released to market"
  go run ./cmd/vigil product list -o json
  go run ./cmd/vigil sbom check -p "Infusion Pump" -r 3.0
  go run ./cmd/vigil sbom components -p "Infusion Pump" -r 3.0
  go run ./cmd/vigil sbom export -p "Infusion Pump" -r 3.0 --format spdx-json
  go run ./cmd/vigil finding list -p "Infusion Pump" -r 3.0
  go run ./cmd/vigil vex export -p "Infusion Pump" -r 3.0 --format openvex
  go run ./cmd/vigil vex import %[4]s --dry-run
  go run ./cmd/vigil scan internal/demo/data/infusion-pump-3.0.cdx.json -o sarif
  go run ./cmd/vigil mds2 check -p "Infusion Pump" -r 3.0
  go run ./cmd/vigil mds2 export -p "Infusion Pump" -r 3.0 --out mds2.xlsx
  go run ./cmd/vigil --org st-elsewhere mds2 evaluate --format html --out procurement.html
  go run ./cmd/vigil --org st-elsewhere mds2 compare --differing
  go run ./cmd/vigil feed status
  go run ./cmd/vigil vuln show %[5]s
  go run ./cmd/vigil feed import PATH...     # NVD, CVE 5, OSV, KEV, EPSS, CSAF files, dirs, .zip, .gz
  go run ./cmd/vigil lifecycle support -p "Infusion Pump" -r 3.0
  go run ./cmd/vigil lifecycle notice list
  go run ./cmd/vigil --org st-elsewhere lifecycle horizon --months 24
  go run ./cmd/vigil --org st-elsewhere lifecycle notices
  go run ./cmd/vigil --org st-elsewhere asset certificate %[6]s --out certificate.pdf   # or .html, or text
  go run ./cmd/vigil --org st-elsewhere asset certificate %[6]s --verify
  go run ./cmd/vigil --org st-elsewhere lifecycle decommissions --pending
  go run ./cmd/vigil --org st-elsewhere asset import internal/demo/data/st-elsewhere-cmms-export.csv --dry-run

  go run ./cmd/vigil serve &
  curl -s -H "Authorization: Bearer %[3]s" localhost:8080/api/v1/releases                # as %[2]s
  curl -s -H "Authorization: Bearer %[7]s" localhost:8080/api/v1/exposure/%[8]s   # as %[9]s
  curl -s localhost:8080/api/v1/openapi.json
`, db, demo.Manufacturer, sum.Token, vexPath(dir, sum.VEX), demo.KEVCVE, demo.EOSAsset, sum.HospitalToken, demo.ExposureCVE, demo.Hospital)
}

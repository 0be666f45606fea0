package cli

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/app/access"
	"github.com/vigil/vigil/internal/app/assets"
	"github.com/vigil/vigil/internal/fleet/assetfile"
)

func (a *app) assetCommand() *cobra.Command {
	return group("asset", "Hospital fleet: import, map, exposure, priority and remediation of devices",
		a.assetImportCommand(), a.assetExportCommand(), a.assetListCommand(), a.assetShowCommand(),
		a.assetUnmappedCommand(), a.assetMapCommand(), a.assetRemapCommand(), a.assetCatalogCommand(),
		a.assetAliasCommand(), a.assetLinkCommand(), a.assetEventsCommand(), a.assetWorklistCommand(), a.assetRemediateCommand(),
		a.assetWorkCommand(), a.assetDeleteCommand(),
		a.sanitizeCommand(), a.sanitizationsCommand(), a.decommissionCommand(), a.certificateCommand())
}

// keyValueFlags parses repeated "field=value" flags.
func keyValueFlags(name string, list []string) (map[string]string, error) {
	out := map[string]string{}
	for _, kv := range list {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || strings.TrimSpace(k) == "" {
			return nil, usagef("--%s %q: want FIELD=VALUE", name, kv)
		}
		out[strings.TrimSpace(k)] = v
	}
	return out, nil
}

func (a *app) assetImportCommand() *cobra.Command {
	var mappingFile, sheetName, dateFormat, encoding string
	var columns, defaults []string
	var headerRow int
	var dry, tagsReused bool
	c := &cobra.Command{
		Use:   "import FILE|-",
		Short: "Import a CMMS export (CSV or XLSX): upsert by asset tag or serial, then map to releases",
		Long: `Import a CMMS export. Columns are found by their headers: field names
(asset_tag, serial, manufacturer, model, version, criticality, site, unit, ip,
zone, …) and common CMMS headers ("Equipment ID", "Serial Number", "SW Version",
"Risk Class", …) work without a mapping; --mapping FILE (YAML or JSON) or
--column FIELD=HEADER say where the others are. --dry-run lists every problem
with its row and column and writes nothing; a file with any problem imports
nothing. Importing the same file again changes nothing.

Real exports are read as they are: XLSX date cells whatever their number
format (1900 or 1904 date system), formula cells as their cached values (with
a warning), CSV in UTF-8 or Windows-1252 (detected; --encoding to say).
A decommissioned asset is never edited: a row that still lists it changes
nothing, and a row giving its tag to another device is a problem unless
--tags-reused (or tags_reused: true in the mapping) creates a new asset. A
CMMS status such as Disposed imports as retired: decommission it with vigil
asset decommission once its storage is sanitized.`,
		Args: exactArgs(1, "FILE|- [--mapping FILE] [--column FIELD=HEADER]... [--dry-run]"),
		RunE: func(cmd *cobra.Command, args []string) error {
			var m assetfile.Mapping
			if mappingFile != "" {
				raw, err := os.ReadFile(mappingFile)
				if err != nil {
					return err
				}
				if m, err = assetfile.ParseMapping(raw); err != nil {
					return fmt.Errorf("%s: %w", mappingFile, err)
				}
			}
			cols, err := keyValueFlags("column", columns)
			if err != nil {
				return err
			}
			defs, err := keyValueFlags("default", defaults)
			if err != nil {
				return err
			}
			for k, v := range cols {
				if m.Columns == nil {
					m.Columns = map[string]string{}
				}
				m.Columns[k] = v
			}
			for k, v := range defs {
				if m.Defaults == nil {
					m.Defaults = map[string]string{}
				}
				m.Defaults[k] = v
			}
			if sheetName != "" {
				m.Sheet = sheetName
			}
			if headerRow != 0 {
				m.HeaderRow = headerRow
			}
			if dateFormat != "" {
				m.DateFormat = dateFormat
			}
			if encoding != "" {
				m.Encoding = encoding
			}
			if tagsReused {
				m.TagsReused = true
			}
			if err := m.Validate(); err != nil {
				return usagef("%v", err)
			}
			svc, sc, err := a.scope(cmd.Context())
			if err != nil {
				return err
			}
			in, err := a.openInput(args[0])
			if err != nil {
				return err
			}
			defer in.Close()
			rep, err := svc.Assets.ImportAssets(cmd.Context(), sc, in, assets.AssetImportOptions{Mapping: m, DryRun: dry})
			if rep != nil {
				if rerr := a.renderAssetImport(cmd, rep); rerr != nil {
					return rerr
				}
			}
			if errors.Is(err, assets.ErrImportProblems) {
				return &exitError{code: ExitError, msg: fmt.Sprintf("%d problems; nothing was imported (see above; --dry-run checks without importing)", len(rep.Problems))}
			}
			return err
		},
	}
	f := c.Flags()
	f.StringVar(&mappingFile, "mapping", "", "column mapping file (YAML or JSON): columns, values, defaults, date_format, sheet, header_row")
	f.StringArrayVar(&columns, "column", nil, "FIELD=HEADER: read FIELD from the column with this header (repeatable)")
	f.StringArrayVar(&defaults, "default", nil, "FIELD=VALUE: value for a field the file lacks or leaves empty (repeatable)")
	f.StringVar(&sheetName, "sheet", "", "XLSX worksheet (default: the first)")
	f.IntVar(&headerRow, "header-row", 0, "row holding the headers (default 1)")
	f.StringVar(&dateFormat, "date-format", "", `layout of date cells as Go writes it, e.g. "02/01/2006" for day/month/year`)
	f.BoolVar(&dry, "dry-run", false, "check every row and report what would change; write nothing")
	f.StringVar(&encoding, "encoding", "", "CSV character encoding: utf-8, windows-1252 or iso-8859-1 (default: detect UTF-8 or Windows-1252)")
	f.BoolVar(&tagsReused, "tags-reused", false, "the hospital gives a decommissioned device's tag to a new one: such a row creates a new asset")
	return c
}

func (a *app) renderAssetImport(cmd *cobra.Command, rep *assets.AssetImport) error {
	t := &table{header: []string{"ROW", "COLUMN", "PROBLEM"}}
	for _, p := range rep.Problems {
		t.add(strconv.Itoa(p.Row), orDash(p.Column), p.Message)
	}
	if a.output != formatTable {
		return a.render(cmd, rep, t)
	}
	w := cmd.OutOrStdout()
	verb := "imported"
	if rep.DryRun {
		verb = "checked (dry run, nothing written)"
	}
	fmt.Fprintf(w, "%d rows %s: %d created, %d updated, %d unchanged, %d decommissioned (frozen), %d problems, %d warnings\n",
		rep.Rows, verb, rep.Created, rep.Updated, rep.Unchanged, rep.Frozen, len(rep.Problems), len(rep.Warnings))
	if rep.Encoding != "" && rep.Encoding != "utf-8" {
		fmt.Fprintf(w, "read as %s text\n", rep.Encoding)
	}
	if len(rep.Unmapped) > 0 {
		fmt.Fprintf(w, "columns not imported: %s\n", terminalSafe(strings.Join(rep.Unmapped, ", ")))
	}
	if m := rep.Mapping; m != nil {
		fmt.Fprintf(w, "mapping: %d mapped to releases, %d no longer mapped, %d confirmed kept, %d advisory links changed\n", m.Mapped, m.Unmapped, m.Kept, m.AdvisoryLinks)
	}
	if !rep.DryRun || len(rep.Problems) == 0 {
		fmt.Fprintf(w, "assets mapped to no release: %d (vigil asset unmapped)\n", rep.UnmappedAssets)
	}
	if len(rep.Warnings) > 0 {
		wt := &table{header: []string{"ROW", "COLUMN", "WARNING"}}
		for _, p := range rep.Warnings {
			wt.add(strconv.Itoa(p.Row), orDash(p.Column), p.Message)
		}
		fmt.Fprintln(w)
		if err := render(w, formatTable, nil, wt); err != nil {
			return err
		}
	}
	if len(rep.Problems) > 0 {
		fmt.Fprintln(w)
		return render(w, formatTable, nil, t)
	}
	return nil
}

func (a *app) assetExportCommand() *cobra.Command {
	var format, outFile string
	c := &cobra.Command{
		Use:   "export [--format csv|xlsx] [--out FILE]",
		Short: "Export the fleet as CSV or XLSX (formula-safe cells)",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			f := assetfile.Format(format)
			if f != assetfile.CSV && f != assetfile.XLSX {
				return usagef("--format %q: want csv or xlsx", format)
			}
			if f == assetfile.XLSX && (outFile == "" || outFile == "-") {
				return usagef("--format xlsx needs --out FILE")
			}
			svc, sc, err := a.scope(cmd.Context())
			if err != nil {
				return err
			}
			w := cmd.OutOrStdout()
			var file *os.File
			if outFile != "" && outFile != "-" {
				if file, err = createPrivate(outFile); err != nil {
					return err
				}
				w = file
			}
			err = svc.Assets.ExportAssets(cmd.Context(), sc, f, w)
			if file != nil {
				if cerr := file.Close(); err == nil {
					err = cerr
				}
				if err != nil {
					os.Remove(outFile)
				}
			}
			return err
		},
	}
	c.Flags().StringVarP(&format, "format", "f", "csv", "csv or xlsx")
	c.Flags().StringVar(&outFile, "out", "", "write to this new file instead of standard output")
	return c
}

func mappingCell(m vigil.AssetMapping) string {
	if !m.Mapped() {
		return "-"
	}
	return fmt.Sprintf("%s %s (%s)", m.Product, m.ReleaseVersion, m.Confidence)
}

func (a *app) assetListCommand() *cobra.Command {
	var status string
	var unmapped bool
	var page vigil.Page
	c := &cobra.Command{
		Use:   "list [--status S] [--unmapped]",
		Short: "List the fleet",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			f := vigil.AssetFilter{Unmapped: unmapped, Page: page}
			if status != "" {
				st := vigil.AssetStatus(status)
				if !st.Valid() {
					return usagef("--status %q: want one of %v", status, vigil.AssetStatuses)
				}
				f.Status = &st
			}
			svc, sc, err := a.scope(cmd.Context())
			if err != nil {
				return err
			}
			as, _, err := svc.Assets.List(cmd.Context(), sc, f)
			if err != nil {
				return err
			}
			if as == nil {
				as = []*vigil.Asset{}
			}
			t := &table{header: []string{"TAG", "SERIAL", "MANUFACTURER", "MODEL", "VERSION", "CRITICALITY", "LOCATION", "ZONE", "STATUS", "RELEASE"}}
			for _, x := range as {
				t.add(orDash(x.AssetTag), orDash(x.Serial), x.Manufacturer, x.Model, orDash(x.Version), string(x.Criticality),
					orDash(x.Location()), orDash(x.Zone), string(x.Status), mappingCell(x.Mapping))
			}
			return a.render(cmd, as, t)
		},
	}
	c.Flags().StringVar(&status, "status", "", "only assets in this status")
	c.Flags().BoolVar(&unmapped, "unmapped", false, "only assets mapped to no release")
	pageFlags(c, &page)
	return c
}

func (a *app) assetShowCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "show ASSET",
		Short: "Show an asset (by asset tag, serial or id) with its mapping, advisory products and work items",
		Args:  exactArgs(1, "ASSET"),
		RunE: func(cmd *cobra.Command, args []string) error {
			svc, sc, err := a.scope(cmd.Context())
			if err != nil {
				return err
			}
			d, err := svc.Assets.Asset(cmd.Context(), sc, args[0])
			if err != nil {
				return err
			}
			x := d.Asset
			t := keyValues("id", fmt.Sprint(x.ID), "asset_tag", orDash(x.AssetTag), "serial", orDash(x.Serial),
				"manufacturer", x.Manufacturer, "model", x.Model, "version", orDash(x.Version),
				"device_type", orDash(x.DeviceType), "clinical_function", orDash(x.ClinicalFunction),
				"criticality", string(x.Criticality), "phi", yesNo(x.PHI), "location", orDash(x.Location()),
				"ip", orDash(x.IP), "mac", orDash(x.MAC), "vlan", orDash(x.VLAN), "zone", orDash(x.Zone),
				"internet_exposed", yesNo(x.InternetExposed), "owner", orDash(x.Owner), "status", string(x.Status),
				"purchased_on", orDash(x.PurchasedOn.String()), "warranty_until", orDash(x.WarrantyUntil.String()),
				"release", mappingCell(x.Mapping), "mapping_reason", orDash(x.Mapping.Reason))
			for _, p := range d.AdvisoryProducts {
				t.add("advisory", fmt.Sprintf("%s %s %q (%s): %s", p.Advisory, p.ProductID, p.Name, p.Confidence, p.Reason))
			}
			for _, c := range d.Candidates {
				t.add("candidate", fmt.Sprintf("%s %s of %s, score %d %s: %s", c.Release.Product, c.Release.Version, c.Release.Owner, c.Score, c.Confidence, c.Reason()))
			}
			for _, w := range d.WorkItems {
				t.add("work_item", fmt.Sprintf("%s %s %s", w.VulnID, w.State, w.Detail))
			}
			return a.render(cmd, d, t)
		},
	}
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

func (a *app) assetUnmappedCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "unmapped",
		Short: "List assets mapped to no release, with the closest candidates",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			svc, sc, err := a.scope(cmd.Context())
			if err != nil {
				return err
			}
			un, err := svc.Assets.UnmappedAssets(cmd.Context(), sc)
			if err != nil {
				return err
			}
			if un == nil {
				un = []assets.UnmappedAsset{}
			}
			t := &table{header: []string{"TAG", "MANUFACTURER", "MODEL", "VERSION", "CANDIDATE", "SCORE", "WHY", "ADVISORIES"}}
			for _, u := range un {
				var advs []string
				for _, p := range u.AdvisoryProducts {
					advs = append(advs, p.Advisory)
				}
				adv := orDash(strings.Join(advs, ", "))
				if len(u.Candidates) == 0 {
					t.add(orDash(u.Asset.AssetTag), u.Asset.Manufacturer, u.Asset.Model, orDash(u.Asset.Version), "-", "-", "no release of a known manufacturer is close", adv)
				}
				for i, c := range u.Candidates {
					if i >= 3 {
						break
					}
					cand := fmt.Sprintf("%d: %s@%s (%s)", c.Release.ID, c.Release.Product, c.Release.Version, c.Release.Owner)
					t.add(orDash(u.Asset.AssetTag), u.Asset.Manufacturer, u.Asset.Model, orDash(u.Asset.Version), cand,
						fmt.Sprintf("%d %s", c.Score, c.Confidence), c.Reason(), adv)
				}
			}
			return a.render(cmd, un, t)
		},
	}
}

func (a *app) assetMapCommand() *cobra.Command {
	var rel, owner, note string
	var unmap bool
	c := &cobra.Command{
		Use:   "map ASSET --release ID|PRODUCT@VERSION [--owner ORG] | --unmap",
		Short: "Confirm or fix an asset's release (a person's decision, kept by automatic mapping)",
		Args:  exactArgs(1, "ASSET --release ID|PRODUCT@VERSION [--owner ORG] [--note TEXT] | --unmap"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if (rel == "") == !unmap {
				return usagef("give --release or --unmap")
			}
			svc, sc, err := a.scope(cmd.Context())
			if err != nil {
				return err
			}
			x, err := svc.Assets.MapAsset(cmd.Context(), sc, args[0], assets.ReleaseRef{Ref: rel, Owner: owner}, note)
			if err != nil {
				return err
			}
			return a.render(cmd, x, keyValues("asset", x.Label(), "release", mappingCell(x.Mapping), "reason", orDash(x.Mapping.Reason)))
		},
	}
	c.Flags().StringVar(&rel, "release", "", "release id, or PRODUCT@VERSION (see vigil asset catalog)")
	c.Flags().StringVar(&owner, "owner", "", "organization the release belongs to, when several have PRODUCT@VERSION")
	c.Flags().StringVar(&note, "note", "", "why (kept with the mapping)")
	c.Flags().BoolVar(&unmap, "unmap", false, "remove the asset's mapping")
	return c
}

func (a *app) renderMapping(cmd *cobra.Command, sum *assets.MappingSummary) error {
	return a.render(cmd, sum, keyValues("assets", fmt.Sprint(sum.Assets), "mapped", fmt.Sprint(sum.Mapped),
		"unmapped", fmt.Sprint(sum.Unmapped), "kept_confirmed", fmt.Sprint(sum.Kept), "advisory_links_changed", fmt.Sprint(sum.AdvisoryLinks)))
}

func (a *app) assetRemapCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "remap",
		Short: "Map every asset again (after a share, a new release, alias or advisory)",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			svc, sc, err := a.scope(cmd.Context())
			if err != nil {
				return err
			}
			sum, err := svc.Assets.MapAssets(cmd.Context(), sc)
			if err != nil {
				return err
			}
			return a.renderMapping(cmd, sum)
		},
	}
}

func (a *app) assetCatalogCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "catalog",
		Short: "List the releases assets can map to: your own and those shared with you",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			svc, sc, err := a.scope(cmd.Context())
			if err != nil {
				return err
			}
			cs, err := svc.Assets.Catalog(cmd.Context(), sc)
			if err != nil {
				return err
			}
			t := &table{header: []string{"ID", "OWNER", "MANUFACTURER", "PRODUCT", "VERSION", "MODELS", "PHASE", "SBOM"}}
			for _, c := range cs {
				t.add(fmt.Sprint(c.ID), c.Owner, c.Manufacturer, c.Product, c.Version, orDash(strings.Join(c.DeviceModels, ", ")), string(c.Phase), yesNo(c.HasSBOM))
			}
			return a.render(cmd, cs, t)
		},
	}
}

func (a *app) assetAliasCommand() *cobra.Command {
	add := &cobra.Command{
		Use:   "add ALIAS CANONICAL",
		Short: "Make ALIAS another name of manufacturer CANONICAL, then remap",
		Args:  exactArgs(2, "ALIAS CANONICAL"),
		RunE: func(cmd *cobra.Command, args []string) error {
			svc, sc, err := a.scope(cmd.Context())
			if err != nil {
				return err
			}
			sum, err := svc.Assets.AddManufacturerAlias(cmd.Context(), sc, vigil.ManufacturerAlias{Alias: args[0], Canonical: args[1]})
			if err != nil {
				return err
			}
			return a.renderMapping(cmd, sum)
		},
	}
	var builtin bool
	list := &cobra.Command{
		Use:   "list [--builtin]",
		Short: "List your manufacturer aliases (and, with --builtin, the table vigil ships)",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			svc, sc, err := a.scope(cmd.Context())
			if err != nil {
				return err
			}
			own, table0, err := svc.Assets.ManufacturerAliases(cmd.Context(), sc)
			if err != nil {
				return err
			}
			t := &table{header: []string{"ALIAS", "CANONICAL", "SOURCE"}}
			for _, x := range own {
				t.add(x.Alias, x.Canonical, "organization")
			}
			out := any(own)
			if builtin {
				for _, g := range table0 {
					for _, al := range g.Aliases {
						t.add(al, g.Canonical, "built-in")
					}
				}
				out = struct {
					Own     any `json:"organization"`
					Builtin any `json:"builtin"`
				}{own, table0}
			}
			return a.render(cmd, out, t)
		},
	}
	list.Flags().BoolVar(&builtin, "builtin", false, "also list the built-in table")
	remove := &cobra.Command{
		Use:   "remove ALIAS",
		Short: "Remove one of your aliases",
		Args:  exactArgs(1, "ALIAS"),
		RunE: func(cmd *cobra.Command, args []string) error {
			svc, sc, err := a.scope(cmd.Context())
			if err != nil {
				return err
			}
			return svc.Assets.DeleteManufacturerAlias(cmd.Context(), sc, args[0])
		},
	}
	return group("alias", "Manufacturer name aliases used by mapping", add, list, remove)
}

func (a *app) assetEventsCommand() *cobra.Command {
	var vuln, asset string
	var kinds []string
	var refresh bool
	var page vigil.Page
	c := &cobra.Command{
		Use:   "events [--vuln ID] [--asset ID] [--kind KIND]... [--refresh]",
		Short: "List fleet events: exposures found, removed and restored, advisories, KEV additions, EPSS crossings, expired risk acceptances",
		Long: `List the fleet's events, newest first. Feed imports record them as they
happen; --refresh first reconsiders the whole fleet for what imports do not
see (a manufacturer's triage decision or VEX, a new mapping, a risk
acceptance that ran out), as the background runner does every hour.

Kinds: ` + strings.Join(eventKindNames(), ", ") + `.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			f := vigil.AssetEventFilter{Page: page}
			if vuln != "" {
				f.VulnID = &vuln
			}
			if asset != "" {
				id, err := strconv.ParseInt(asset, 10, 64)
				if err != nil {
					return usagef("--asset %q: want the asset's numeric id", asset)
				}
				f.AssetID = &id
			}
			for _, k := range kinds {
				if !vigil.AssetEventKind(k).Valid() {
					return usagef("--kind %q: want one of %s", k, strings.Join(eventKindNames(), ", "))
				}
				f.Kinds = append(f.Kinds, vigil.AssetEventKind(k))
			}
			svc, sc, err := a.scope(cmd.Context())
			if err != nil {
				return err
			}
			if refresh {
				added, err := svc.Assets.RefreshOrgEvents(cmd.Context(), sc)
				if err != nil {
					return err
				}
				fmt.Fprintf(cmd.ErrOrStderr(), "recorded %d new event(s)\n", len(added))
			}
			evs, err := svc.Assets.AssetEvents(cmd.Context(), sc, f)
			if err != nil {
				return err
			}
			t := &table{header: []string{"WHEN", "ASSET", "VULNERABILITY", "EVENT", "CHANGE", "SOURCE", "DETAIL"}}
			for _, e := range evs {
				change := "-"
				if e.Before != "" || e.After != "" {
					change = orDash(e.Before) + " → " + orDash(e.After)
				}
				t.add(formatTime(e.CreatedAt), orDash(e.AssetTag), e.VulnID, string(e.Kind), change, orDash(e.Source), e.Detail)
			}
			return a.render(cmd, evs, t)
		},
	}
	c.Flags().StringVar(&vuln, "vuln", "", "only events of this vulnerability")
	c.Flags().StringVar(&asset, "asset", "", "only events of this asset (numeric id)")
	c.Flags().StringSliceVar(&kinds, "kind", nil, "only events of these kinds (repeat or comma-separate)")
	c.Flags().BoolVar(&refresh, "refresh", false, "first record what changed in the fleet since the last pass")
	pageFlags(c, &page)
	return c
}

func eventKindNames() []string {
	out := make([]string, len(vigil.AssetEventKinds))
	for i, k := range vigil.AssetEventKinds {
		out[i] = string(k)
	}
	return out
}

func exposureTable(es []*assets.ExposedAsset, withVuln bool) *table {
	header := []string{"PRIORITY", "SEVERITY", "TAG", "DEVICE", "LOCATION", "ZONE", "STATUS", "VIA", "REMEDIATION", "WHY"}
	if withVuln {
		header = append([]string{"VULNERABILITY"}, header...)
	}
	t := &table{header: header}
	for _, e := range es {
		prio, sev, why := "-", "-", "-"
		if e.Priority != nil {
			prio, sev, why = fmt.Sprintf("%.1f", e.Priority.Score), orDash(e.Priority.Severity), e.Priority.Explain()
		}
		rem := string(e.Remediation)
		if e.RiskExpired {
			rem += " (risk acceptance expired)"
		}
		device := strings.TrimSpace(e.Manufacturer + " " + e.Model + " " + e.Version)
		zone := orDash(e.Zone)
		if e.InternetExposed {
			zone += " (internet)"
		}
		row := []string{prio, sev, orDash(e.AssetTag), device, orDash(e.Location), zone, string(e.Status), strings.Join(e.Via, "+"), rem, why}
		if withVuln {
			row = append([]string{e.VulnID}, row...)
		}
		t.add(row...)
	}
	return t
}

func (a *app) exposureCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "exposure VULN-ID",
		Short: "Which of my devices does a vulnerability touch? Affected assets with location, zone, status and priority",
		Args:  exactArgs(1, "VULN-ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			svc, sc, err := a.scope(cmd.Context())
			if err != nil {
				return err
			}
			ex, err := svc.Assets.Exposure(cmd.Context(), sc, args[0])
			if err != nil {
				return err
			}
			t := exposureTable(ex.Exposed, false)
			if a.output != formatTable {
				return a.render(cmd, ex, t)
			}
			w := cmd.OutOrStdout()
			fmt.Fprintf(w, "%s (%s): %d assets exposed, %d removed by a not-affected statement\n", ex.VulnID,
				terminalSafe(strings.Join(ex.IDs, ", ")), len(ex.Exposed), len(ex.NotAffected))
			if ex.Summary != "" {
				fmt.Fprintln(w, terminalSafe(ex.Summary))
			}
			fmt.Fprintln(w)
			if err := render(w, formatTable, nil, t); err != nil {
				return err
			}
			for _, e := range ex.Exposed {
				for _, ev := range e.Evidence {
					fmt.Fprintf(w, "  %s: %s\n", orDash(e.AssetTag), terminalSafe(ev))
				}
				for _, p := range e.Patches {
					fmt.Fprintf(w, "  %s: patch: %s\n", orDash(e.AssetTag), terminalSafe(p))
				}
			}
			if len(ex.NotAffected) > 0 {
				fmt.Fprintln(w, "\nnot affected:")
				for _, e := range ex.NotAffected {
					for _, s := range e.Statements {
						fmt.Fprintf(w, "  %s %s %s: %s %s by %s: %s\n", orDash(e.AssetTag), e.Manufacturer, e.Model, s.Status,
							s.Justification, s.By, terminalSafe(s.Detail))
					}
				}
			}
			return nil
		},
	}
}

func (a *app) assetWorklistCommand() *cobra.Command {
	var opt assets.WorklistOptions
	c := &cobra.Command{
		Use:   "worklist [--limit N] [--all] [--expired]",
		Short: "The fleet's open asset × vulnerability items, by contextual priority, explained factor by factor",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			svc, sc, err := a.scope(cmd.Context())
			if err != nil {
				return err
			}
			list, err := svc.Assets.Worklist(cmd.Context(), sc, opt)
			if err != nil {
				return err
			}
			return a.render(cmd, list, exposureTable(list, true))
		},
	}
	c.Flags().IntVar(&opt.Limit, "limit", 20, "show the top N (0: all)")
	c.Flags().BoolVar(&opt.IncludeDone, "all", false, "include items patched or under an unexpired risk acceptance")
	c.Flags().BoolVar(&opt.ExpiredOnly, "expired", false, "only items whose risk acceptance expired")
	return c
}

func (a *app) renderWorkItem(cmd *cobra.Command, d *assets.WorkItemDetail) error {
	t := keyValues("asset", orDash(d.AssetTag), "vulnerability", d.VulnID, "state", string(d.State),
		"effective_state", string(d.Effective), "detail", orDash(d.Detail), "approver", orDash(d.Approver),
		"reason", orDash(d.Reason), "expires_on", orDash(d.ExpiresOn.String()), "updated_by", d.UpdatedBy)
	for _, h := range d.History {
		t.add("history", fmt.Sprintf("%s %s: %s → %s %s", formatTime(h.ChangedAt), h.Actor, orDash(string(h.FromState)), h.ToState,
			strings.TrimSpace(h.Detail+" "+h.Reason)))
	}
	return a.render(cmd, d, t)
}

func (a *app) assetRemediateCommand() *cobra.Command {
	var in vigil.WorkItemInput
	var state, expires string
	c := &cobra.Command{
		Use:   "remediate ASSET VULN-ID --state STATE",
		Short: "Record remediation: patch_available, patch_applied, compensating_control (--detail), risk_accepted (--approver --reason --expires)",
		Args:  exactArgs(2, "ASSET VULN-ID --state STATE [--detail T] [--approver A --reason R --expires YYYY-MM-DD]"),
		RunE: func(cmd *cobra.Command, args []string) error {
			in.State = vigil.RemediationState(state)
			d, err := dateFlag("expires", expires)
			if err != nil {
				return err
			}
			in.ExpiresOn = d
			svc, sc, err := a.scope(cmd.Context())
			if err != nil {
				return err
			}
			item, err := svc.Assets.SetRemediation(cmd.Context(), sc, args[0], args[1], in)
			if err != nil {
				return err
			}
			return a.renderWorkItem(cmd, item)
		},
	}
	f := c.Flags()
	f.StringVar(&state, "state", "", "open, patch_available, patch_applied, compensating_control or risk_accepted")
	f.StringVar(&in.Detail, "detail", "", "the patch applied or the compensating control in place")
	f.StringVar(&in.Approver, "approver", "", "who accepted the risk")
	f.StringVar(&in.Reason, "reason", "", "why the risk is accepted")
	f.StringVar(&expires, "expires", "", "when the risk acceptance ends (YYYY-MM-DD); the item is open again after it")
	return c
}

func (a *app) assetWorkCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "work ASSET VULN-ID",
		Short: "Show the remediation of a vulnerability on an asset, with its history",
		Args:  exactArgs(2, "ASSET VULN-ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			svc, sc, err := a.scope(cmd.Context())
			if err != nil {
				return err
			}
			item, err := svc.Assets.WorkItem(cmd.Context(), sc, args[0], args[1])
			if err != nil {
				return err
			}
			return a.renderWorkItem(cmd, item)
		},
	}
}

func (a *app) assetDeleteCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "delete ASSET",
		Short: "Delete an asset imported by mistake (retire devices with status retired or decommissioned instead)",
		Args:  exactArgs(1, "ASSET"),
		RunE: func(cmd *cobra.Command, args []string) error {
			svc, sc, err := a.scope(cmd.Context())
			if err != nil {
				return err
			}
			return svc.Assets.DeleteAsset(cmd.Context(), sc, args[0])
		},
	}
}

func (a *app) shareCommand() *cobra.Command {
	var in access.ShareInput
	create := &cobra.Command{
		Use:   "create --with ORG [--product P [--release V]]",
		Short: "Share your releases (all, a product's, or one) with a healthcare provider",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if in.Grantee == "" {
				return usagef("--with ORG is required")
			}
			svc, sc, err := a.scope(cmd.Context())
			if err != nil {
				return err
			}
			s, err := svc.Access.Share(cmd.Context(), sc, in)
			if err != nil {
				return err
			}
			return a.render(cmd, s, keyValues("id", fmt.Sprint(s.ID), "owner", s.Owner, "grantee", s.Grantee, "covers", s.Covers()))
		},
	}
	create.Flags().StringVar(&in.Grantee, "with", "", "the healthcare provider organization (slug)")
	create.Flags().StringVar(&in.Product, "product", "", "share only this product (name or id)")
	create.Flags().StringVar(&in.Release, "release", "", "share only this release of the product (version)")
	list := &cobra.Command{
		Use:   "list",
		Short: "List the shares you granted and received",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			svc, sc, err := a.scope(cmd.Context())
			if err != nil {
				return err
			}
			granted, received, err := svc.Access.Shares(cmd.Context(), sc)
			if err != nil {
				return err
			}
			t := &table{header: []string{"ID", "DIRECTION", "OWNER", "GRANTEE", "COVERS", "BY", "SINCE"}}
			for _, s := range granted {
				t.add(fmt.Sprint(s.ID), "granted", s.Owner, s.Grantee, s.Covers(), s.CreatedBy, formatTime(s.CreatedAt))
			}
			for _, s := range received {
				t.add(fmt.Sprint(s.ID), "received", s.Owner, s.Grantee, s.Covers(), s.CreatedBy, formatTime(s.CreatedAt))
			}
			return a.render(cmd, struct {
				Granted  []*vigil.Share `json:"granted"`
				Received []*vigil.Share `json:"received"`
			}{granted, received}, t)
		},
	}
	revoke := &cobra.Command{
		Use:   "revoke ID",
		Short: "Revoke a share you granted",
		Args:  exactArgs(1, "ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := strconv.ParseInt(args[0], 10, 64)
			if err != nil {
				return usagef("share id %q: want a number", args[0])
			}
			svc, sc, err := a.scope(cmd.Context())
			if err != nil {
				return err
			}
			return svc.Access.Unshare(cmd.Context(), sc, id)
		},
	}
	return group("share", "Explicit sharing of a manufacturer's releases with healthcare providers", create, list, revoke)
}

package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/vigil/vigil"
	application "github.com/vigil/vigil/internal/app"
	"github.com/vigil/vigil/internal/app/support"
	"github.com/vigil/vigil/internal/demo"
	"github.com/vigil/vigil/internal/lifecycle/sanitize"
)

func (a *app) horizonCommand() *cobra.Command {
	var months int
	cmd := &cobra.Command{
		Use:   "horizon [--months 24]",
		Short: "Your assets by lifecycle phase now and which reach Limited Support or End of Support, quarter by quarter",
		Long: `The replacement-planning view of a hospital: every asset that is not
decommissioned, with the phase of the release it runs (its own catalogue or
shared by the manufacturer) today, and when within --months it reaches
Limited Support or End of Support — soonest first, most critical first.
The table starts with the counts per phase and per quarter; -o csv gives
one row per asset; -o json the whole horizon, per quarter, for charts (the
API's GET /api/v1/lifecycle/horizon returns the same).`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			svc, sc, err := a.scope(cmd.Context())
			if err != nil {
				return err
			}
			h, err := svc.Support.Horizon(cmd.Context(), sc, months)
			if err != nil {
				return err
			}
			t := &table{header: []string{"ASSET", "DEVICE", "LOCATION", "CRITICALITY", "PHI", "RELEASE", "PHASE NOW",
				"LIMITED SUPPORT", "END OF SUPPORT", "NEXT", "QUARTER"}}
			for _, it := range h.Items {
				t.add(it.Label, it.Manufacturer+" "+it.Model, orDash(it.Location), string(it.Criticality), yesNo(it.PHI),
					orDash(it.Release), string(it.Phase), orDash(it.LimitedSupportOn.String()), orDash(it.EndOfSupportOn.String()),
					orDash(string(it.Next)), orDash(it.NextQuarter))
			}
			if a.output == formatTable {
				w := cmd.OutOrStdout()
				fmt.Fprintf(w, "%s\n\n", h.Summary())
				fmt.Fprintf(w, "%-9s %16s %15s   %s\n", "QUARTER", "→ LIMITED", "→ END OF SUPP.", "PAST END OF SUPPORT AT QUARTER END")
				for _, q := range h.Quarters {
					fmt.Fprintf(w, "%-9s %16d %15d   %d%s\n", q.Label, len(q.ReachLimitedSupport), len(q.ReachEndOfSupport),
						q.ByPhase[vigil.PhaseEndOfSupport], critBreakdown(q.EndOfSupportByCriticality))
				}
				fmt.Fprintln(w)
			}
			return a.render(cmd, h, t)
		},
	}
	cmd.Flags().IntVar(&months, "months", 24, "how far ahead to look")
	return cmd
}

func critBreakdown(m map[vigil.Criticality]int) string {
	var parts []string
	for _, c := range vigil.Criticalities {
		if m[c] > 0 {
			parts = append(parts, fmt.Sprintf("%s %d", c, m[c]))
		}
	}
	if len(parts) == 0 {
		return ""
	}
	return " (" + strings.Join(parts, ", ") + ")"
}

func (a *app) receivedNoticesCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "notices",
		Short: "The EOL/EOS notices that concern your assets, from the manufacturers that share their releases",
		Long: `List the end-of-life and end-of-support notices of the releases your assets
are mapped to, as their manufacturers recorded them and shared them with you
(vigil share), newest first, each with your assets that run the release.
Decommissioned assets are left out.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			svc, sc, err := a.scope(cmd.Context())
			if err != nil {
				return err
			}
			ns, err := svc.Support.AssetNotices(cmd.Context(), sc)
			if err != nil {
				return err
			}
			t := &table{header: []string{"ID", "MANUFACTURER", "RELEASE", "KIND", "ISSUED", "EOL", "END OF SUPPORT", "SUCCESSOR", "YOUR ASSETS", "TITLE"}}
			for _, n := range ns {
				labels := make([]string, len(n.Assets))
				for i, x := range n.Assets {
					labels[i] = x.Label
				}
				t.add(fmt.Sprint(n.ID), n.Manufacturer, n.Product+" "+n.Version, string(n.Kind), n.IssuedOn.String(),
					orDash(n.EOLOn.String()), orDash(n.EndOfSupportOn.String()), orDash(n.Successor), strings.Join(labels, " "), n.Title)
			}
			return a.render(cmd, ns, t)
		},
	}
}

func (a *app) decommissionsCommand() *cobra.Command {
	var q string
	var pending bool
	cmd := &cobra.Command{
		Use:   "decommissions [--search TEXT] [--pending]",
		Short: "List decommissioned assets with their certificates, and the retired ones still to decommission",
		Long: `List decommissioned assets with their certificates, newest first, then the
decommissioning worklist: retired assets not yet decommissioned, those whose
sanitization is pending (they stored PHI and have no complete sanitization
record) first. A retired asset stays in exposure until it is decommissioned
(vigil asset decommission); then it leaves the worklist. --pending lists only
the worklist.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			svc, sc, err := a.scope(cmd.Context())
			if err != nil {
				return err
			}
			ps, err := svc.Support.PendingDecommissions(cmd.Context(), sc)
			if err != nil {
				return err
			}
			pt := &table{header: []string{"ASSET", "DEVICE", "LOCATION", "PHI", "RECORDS", "STATUS"}}
			for _, p := range ps {
				pt.add(p.Label, p.Manufacturer+" "+p.Model, orDash(p.Location), yesNo(p.PHI), fmt.Sprint(p.Records), "retired, "+p.Sanitization.Next())
			}
			if pending {
				return a.render(cmd, ps, pt)
			}
			ds, err := svc.Support.Decommissions(cmd.Context(), sc, q)
			if err != nil {
				return err
			}
			t := &table{header: []string{"ASSET", "SERIAL", "DEVICE", "ON", "PHI", "RECORDS", "CERTIFICATE", "BY", "REASON"}}
			for _, d := range ds {
				t.add(orDash(d.AssetTag), orDash(d.Serial), d.Manufacturer+" "+d.Model, d.DecommissionedOn.String(), yesNo(d.PHI),
					fmt.Sprint(d.Sanitizations), d.CertificateNumber, d.DecommissionedBy, d.Reason)
			}
			if a.output != formatTable || q != "" || len(ps) == 0 {
				return a.render(cmd, ds, t)
			}
			if err := a.render(cmd, ds, t); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "\nRetired, not yet decommissioned (%d):\n", len(ps))
			return a.render(cmd, ps, pt)
		},
	}
	cmd.Flags().StringVar(&q, "search", "", "only those whose tag, serial, manufacturer, model, reason or certificate number contains TEXT")
	cmd.Flags().BoolVar(&pending, "pending", false, "list only the retired assets still to decommission")
	return cmd
}

func (a *app) sanitizeCommand() *cobra.Command {
	var rec vigil.Sanitization
	var media, method, technique, vmethod, result, dest, performedOn, verifiedOn, backup, file string
	cmd := &cobra.Command{
		Use:   "sanitize ASSET --media-type T --method clear|purge|destroy --technique T --tool TOOL --verification M --result passed|failed --performed-by NAME --verified-by NAME --destination D",
		Short: "Record the NIST SP 800-88 sanitization of one storage medium of an asset",
		Long: `Record the sanitization of one storage medium of an asset (ASSET is its id,
asset tag or serial number); run it once per medium. The record follows
NIST SP 800-88: the medium (--media-type hdd, ssd, flash, magnetic_tape,
optical, mobile_device, embedded, paper, other), the method (clear, purge,
destroy) and its technique (overwrite, factory_reset, block_erase,
cryptographic_erase, degauss, shred, disintegrate, pulverize, incinerate,
melt, other), the tool and its version, the verification (full, sampling,
inspection, tool_report) and its result, who performed and who verified
it, when, and where the medium went (internal_reuse, external_reuse,
recycling, manufacturer, destroyed, other). A record that breaks the rules
(degaussing an SSD, clearing a DVD, a verification before the work) is
refused with every problem; warnings come back with a stored record.
--file reads the record as JSON instead.`,
		Args: exactArgs(1, "ASSET [flags]"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if file != "" {
				f, err := a.openInput(file)
				if err != nil {
					return err
				}
				defer f.Close()
				dec := json.NewDecoder(io.LimitReader(f, 1<<20))
				dec.DisallowUnknownFields()
				if err := dec.Decode(&rec); err != nil {
					return fmt.Errorf("%s: %w: %w", file, err, vigil.ErrInvalid)
				}
			} else {
				rec.MediaType, rec.Method, rec.Technique = vigil.MediaType(media), vigil.SanitizationMethod(method), vigil.SanitizationTechnique(technique)
				rec.VerificationMethod, rec.VerificationResult = vigil.VerificationMethod(vmethod), vigil.VerificationResult(result)
				rec.Destination = vigil.MediaDestination(dest)
				var err error
				if rec.PerformedOn, err = dateFlag("performed-on", performedOn); err != nil {
					return err
				}
				if rec.VerifiedOn, err = dateFlag("verified-on", verifiedOn); err != nil {
					return err
				}
				switch backup {
				case "":
				case "yes", "true":
					b := true
					rec.BackupMade = &b
				case "no", "false":
					b := false
					rec.BackupMade = &b
				default:
					return usagef("--backup %q: want yes or no", backup)
				}
			}
			svc, sc, err := a.scope(cmd.Context())
			if err != nil {
				return err
			}
			if rec.PerformedOn.IsZero() && file == "" {
				rec.PerformedOn = vigil.DateOf(a.now().UTC())
			}
			out, err := svc.Support.RecordSanitization(cmd.Context(), sc, args[0], rec)
			if err != nil {
				return err
			}
			return a.render(cmd, out, sanitizationTable(out))
		},
	}
	f := cmd.Flags()
	f.StringVar(&media, "media-type", "", "the medium: hdd, ssd, flash, magnetic_tape, optical, mobile_device, embedded, paper, other")
	f.StringVar(&rec.MediaManufacturer, "media-manufacturer", "", "the medium's manufacturer")
	f.StringVar(&rec.MediaModel, "media-model", "", "the medium's model")
	f.StringVar(&rec.MediaSerial, "media-serial", "", "the medium's serial number")
	f.StringVar(&method, "method", "", "clear, purge or destroy")
	f.StringVar(&technique, "technique", "", "how: overwrite, factory_reset, block_erase, cryptographic_erase, degauss, shred, …")
	f.StringVar(&rec.Tool, "tool", "", "the tool and its version (software, device function, or destruction service)")
	f.StringVar(&rec.Details, "details", "", "method details: passes and pattern, command issued, particle size")
	f.StringVar(&vmethod, "verification", "", "how it was verified: full, sampling, inspection, tool_report")
	f.StringVar(&result, "result", "", "verification result: passed or failed")
	f.StringVar(&rec.VerificationNotes, "verification-notes", "", "what the verification found")
	f.StringVar(&rec.PerformedBy.Name, "performed-by", "", "who sanitized the medium")
	f.StringVar(&rec.PerformedBy.Title, "performed-by-title", "", "their title")
	f.StringVar(&rec.PerformedBy.Organization, "performed-by-org", "", "their organization (a destruction service, say)")
	f.StringVar(&rec.VerifiedBy.Name, "verified-by", "", "who verified it")
	f.StringVar(&rec.VerifiedBy.Title, "verified-by-title", "", "their title")
	f.StringVar(&rec.VerifiedBy.Organization, "verified-by-org", "", "their organization")
	f.StringVar(&performedOn, "performed-on", "", "day of the sanitization (YYYY-MM-DD; default today)")
	f.StringVar(&verifiedOn, "verified-on", "", "day of the verification (YYYY-MM-DD; default the day performed)")
	f.StringVar(&rec.Location, "location", "", "where it was done")
	f.StringVar(&dest, "destination", "", "where the medium went: internal_reuse, external_reuse, recycling, manufacturer, destroyed, other")
	f.StringVar(&backup, "backup", "", "whether the data was backed up first: yes or no")
	f.StringVar(&rec.Notes, "notes", "", "anything else")
	f.StringVar(&file, "file", "", "read the record as JSON from FILE (- for standard input)")
	return cmd
}

func sanitizationTable(r *support.SanitizationRecord) *table {
	t := keyValues(
		"id", fmt.Sprint(r.ID),
		"medium", strings.TrimSpace(fmt.Sprintf("%s %s %s %s", r.MediaType, r.MediaManufacturer, r.MediaModel, r.MediaSerial)),
		"sanitization", sanitize.Label(r.Sanitization),
		"tool", r.Tool,
		"verification", fmt.Sprintf("%s: %s", r.VerificationMethod, r.VerificationResult),
		"performed", r.PerformedBy.Name+" on "+r.PerformedOn.String(),
		"verified", r.VerifiedBy.Name+" on "+orDash(r.VerifiedOn.String()),
		"destination", string(r.Destination),
		"complete", yesNo(r.Complete),
	)
	for _, w := range r.Warnings {
		t.add("warning", w)
	}
	return t
}

func (a *app) sanitizationsCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "sanitizations ASSET",
		Short: "List an asset's sanitization records",
		Args:  exactArgs(1, "ASSET"),
		RunE: func(cmd *cobra.Command, args []string) error {
			svc, sc, err := a.scope(cmd.Context())
			if err != nil {
				return err
			}
			rs, err := svc.Support.Sanitizations(cmd.Context(), sc, args[0])
			if err != nil {
				return err
			}
			t := &table{header: []string{"ID", "MEDIUM", "SERIAL", "SANITIZATION", "TOOL", "VERIFICATION", "RESULT", "PERFORMED", "BY", "VERIFIED BY", "COMPLETE"}}
			for _, r := range rs {
				t.add(fmt.Sprint(r.ID), string(r.MediaType), orDash(r.MediaSerial), sanitize.Label(r.Sanitization), r.Tool,
					string(r.VerificationMethod), string(r.VerificationResult), r.PerformedOn.String(), r.PerformedBy.Name,
					r.VerifiedBy.Name, yesNo(r.Complete))
			}
			return a.render(cmd, rs, t)
		},
	}
}

func (a *app) decommissionCommand() *cobra.Command {
	var reason, on, out, format string
	cmd := &cobra.Command{
		Use:   "decommission ASSET --reason TEXT [--on DATE] [--certificate FILE]",
		Short: "Retire an asset for good and produce its certificate of sanitization",
		Long: `Retire an asset: its status becomes decommissioned, so exposure and worklists
leave it out while its history (mapping, events, work items, sanitization
records) stays and can be searched (vigil lifecycle decommissions). An asset
that stored patient data (PHI) is refused until a complete sanitization
record exists (vigil asset sanitize; verified, passed), and so is any asset
whose sanitization failed and was not redone. The certificate of
sanitization is printed (text), or written to --certificate FILE: .pdf
gives a PDF (A4), .html a page laid out for printing, any other name plain
text.`,
		Args: exactArgs(1, "ASSET --reason TEXT"),
		RunE: func(cmd *cobra.Command, args []string) error {
			d, err := dateFlag("on", on)
			if err != nil {
				return err
			}
			svc, sc, err := a.scope(cmd.Context())
			if err != nil {
				return err
			}
			res, err := svc.Support.DecommissionAsset(cmd.Context(), sc, args[0], vigil.DecommissionInput{On: d, Reason: reason})
			if err != nil {
				return err
			}
			if a.output != formatTable {
				return a.render(cmd, res, decommissionTable(res.Decommission))
			}
			if out != "" {
				if err := writeCertificate(res.Certificate, out, format); err != nil {
					return err
				}
				fmt.Fprintf(cmd.OutOrStdout(), "decommissioned %s; certificate %s written to %s\n", res.Asset.Label(), res.Certificate.Number, out)
				return nil
			}
			return res.Certificate.WriteText(cmd.OutOrStdout())
		},
	}
	cmd.Flags().StringVar(&reason, "reason", "", "why the asset is retired (required)")
	cmd.Flags().StringVar(&on, "on", "", "day of the decommissioning (YYYY-MM-DD; default today)")
	cmd.Flags().StringVar(&out, "certificate", "", "write the certificate to FILE (.pdf: PDF; .html: printable page; else text)")
	cmd.Flags().StringVar(&format, "format", "", "certificate format for --certificate: text, html or pdf (default from the file name)")
	return cmd
}

func decommissionTable(d *vigil.Decommission) *table {
	return keyValues(
		"asset", orDash(d.AssetTag), "serial", orDash(d.Serial), "device", d.Manufacturer+" "+d.Model,
		"decommissioned on", d.DecommissionedOn.String(), "reason", d.Reason, "previous status", string(d.PreviousStatus),
		"phi", yesNo(d.PHI), "sanitization records", fmt.Sprint(d.Sanitizations), "certificate", d.CertificateNumber,
		"by", d.DecommissionedBy,
	)
}

func (a *app) certificateCommand() *cobra.Command {
	var out, format, file string
	var verify bool
	cmd := &cobra.Command{
		Use:   "certificate ASSET [--format text|html|pdf] [--out FILE] [--verify [--file CERT.json]]",
		Short: "Show, or verify, the certificate of sanitization of a decommissioned asset",
		Long: `Show the certificate of sanitization of a decommissioned asset, as it was
issued: the certificate is stored at decommissioning (its canonical JSON and
that JSON's SHA-256) and never changes, so every rendering has the same content.

--verify recomputes the SHA-256 of the stored certificate and compares it with
the one recorded at decommissioning; with --file, it also says whether a
certificate exported as JSON (-o json) is that certificate. It exits non-zero
when either does not match.`,
		Args: exactArgs(1, "ASSET"),
		RunE: func(cmd *cobra.Command, args []string) error {
			svc, sc, err := a.scope(cmd.Context())
			if err != nil {
				return err
			}
			if verify {
				var data []byte
				if file != "" {
					if data, err = readLimited(file, 16<<20); err != nil {
						return err
					}
				}
				chk, err := svc.Support.VerifyCertificate(cmd.Context(), sc, args[0], data)
				if err != nil {
					return err
				}
				kv := []string{"certificate", chk.Number, "stored", yesNo(chk.Stored), "recorded sha256", orDash(chk.SHA256),
					"computed sha256", orDash(chk.Computed), "valid", yesNo(chk.Valid)}
				if chk.FileValid != nil {
					kv = append(kv, "file", file, "file sha256", chk.FileSHA256, "file matches", yesNo(*chk.FileValid))
				}
				if err := a.render(cmd, chk, keyValues(kv...)); err != nil {
					return err
				}
				switch {
				case !chk.Stored:
					return fmt.Errorf("certificate %s was issued before certificates were stored: nothing to verify", chk.Number)
				case !chk.Valid:
					return fmt.Errorf("certificate %s: the stored certificate does not match the SHA-256 recorded at decommissioning", chk.Number)
				case chk.FileValid != nil && !*chk.FileValid:
					return fmt.Errorf("certificate %s: %s is not the issued certificate", chk.Number, file)
				}
				return nil
			}
			if file != "" {
				return usagef("--file goes with --verify")
			}
			c, err := svc.Support.Certificate(cmd.Context(), sc, args[0])
			if err != nil {
				return err
			}
			switch a.output {
			case formatJSON:
				return a.render(cmd, c, nil)
			case formatCSV:
				return usagef("a certificate is text, HTML or PDF (--format) or JSON (-o json), not CSV")
			}
			if out != "" {
				return writeCertificate(c, out, format)
			}
			switch format {
			case "", "text":
				return c.WriteText(cmd.OutOrStdout())
			case "html":
				return c.WriteHTML(cmd.OutOrStdout())
			case "pdf":
				return c.WritePDF(cmd.OutOrStdout())
			}
			return usagef("--format %q: want text, html or pdf", format)
		},
	}
	cmd.Flags().StringVar(&out, "out", "", "write to FILE instead of standard output")
	cmd.Flags().StringVar(&format, "format", "", "text, html or pdf (default text, or from --out's name)")
	cmd.Flags().BoolVar(&verify, "verify", false, "check the stored certificate against its SHA-256")
	cmd.Flags().StringVar(&file, "file", "", "with --verify: also check that this exported JSON certificate is the issued one")
	return cmd
}

// writeCertificate writes c to path, as HTML when format says so or the
// name ends in .html / .htm, else as text; the file is replaced whole.
func writeCertificate(c *sanitize.Certificate, path, format string) error {
	if format == "" {
		format = "text"
		switch strings.ToLower(filepath.Ext(path)) {
		case ".html", ".htm":
			format = "html"
		case ".pdf":
			format = "pdf"
		}
	}
	write := c.WriteText
	switch format {
	case "text":
	case "html":
		write = c.WriteHTML
	case "pdf":
		write = c.WritePDF
	default:
		return usagef("--format %q: want text, html or pdf", format)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".certificate-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := write(tmp); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// readLimited reads a file of at most max bytes.
func readLimited(path string, max int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if int64(len(b)) > max {
		return nil, fmt.Errorf("%s: larger than %d bytes: not a certificate", path, max)
	}
	return b, nil
}

// printRecordsDemo shows, on the demo's hospital, what keeps the fleet's
// records true: the stored certificate verified against its SHA-256, and
// the decommissioning worklist (a CMMS "Disposed" is retired, not
// decommissioned, until its storage is sanitized).
func printRecordsDemo(ctx context.Context, w io.Writer, svc *application.App) error {
	sc, _, err := svc.Access.ScopeFor(ctx, demo.Hospital, "quickstart")
	if err != nil {
		return nil // no hospital in this demo
	}
	fmt.Fprintf(w, "\nRecords that hold (%s)\n", demo.Hospital)
	if chk, err := svc.Support.VerifyCertificate(ctx, sc, demo.EOSAsset, nil); err == nil && chk.Stored {
		state := "matches"
		if !chk.Valid {
			state = "DOES NOT match"
		}
		fmt.Fprintf(w, "  certificate %s of %s: the stored copy %s the SHA-256 recorded at decommissioning; a CMMS re-import never edits a decommissioned asset\n",
			chk.Number, demo.EOSAsset, state)
	}
	ps, err := svc.Support.PendingDecommissions(ctx, sc)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "  decommissioning worklist (vigil lifecycle decommissions --pending): %d retired asset(s)\n", len(ps))
	for _, p := range ps {
		fmt.Fprintf(w, "    %-10s %s %s: retired, %s\n", p.Label, p.Manufacturer, p.Model, p.Sanitization.Next())
	}
	return nil
}

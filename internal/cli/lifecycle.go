package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/demo"
)

func (a *app) lifecycleCommand() *cobra.Command {
	return group("lifecycle", "Lifecycle phases, component support, EOL/EOS notices, transfer of responsibility",
		a.lifecycleRefreshCommand(), a.lifecycleSupportCommand(), a.noticeCommand(), a.transferCommand(),
		a.horizonCommand(), a.receivedNoticesCommand(), a.decommissionsCommand())
}

func (a *app) lifecycleRefreshCommand() *cobra.Command {
	var all bool
	cmd := &cobra.Command{
		Use:   "refresh [--all]",
		Short: "Move releases into the phase their milestones reach today, recording each move",
		Long: `Bring the stored phase of every release that follows its milestones up to
today: a release whose end-of-life notice or end-of-support date has passed
moves on, and the move is recorded in its history as done by
system:lifecycle with the milestone that was reached. Releases whose phase
was set by hand are left alone. vigil serve does this every day; run it by
hand (or from cron) when vigil serve does not run. With --all it refreshes
every organization, not only --org.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			t := &table{header: []string{"ORG", "PRODUCT", "VERSION", "FROM", "TO", "REASON"}}
			if all {
				svc, err := a.service(cmd.Context())
				if err != nil {
					return err
				}
				res, err := svc.Catalog.RefreshAllPhases(cmd.Context())
				for _, o := range res {
					for _, m := range o.Moves {
						t.add(o.Org, m.Product, m.Version, string(m.From), string(m.To), m.Reason)
					}
				}
				if rerr := a.render(cmd, res, t); rerr != nil {
					return rerr
				}
				return err
			}
			svc, sc, err := a.scope(cmd.Context())
			if err != nil {
				return err
			}
			moves, err := svc.Catalog.RefreshPhases(cmd.Context(), sc)
			if err != nil {
				return err
			}
			for _, m := range moves {
				t.add(a.cfg.Org, m.Product, m.Version, string(m.From), string(m.To), m.Reason)
			}
			return a.render(cmd, moves, t)
		},
	}
	cmd.Flags().BoolVar(&all, "all", false, "refresh every organization")
	return cmd
}

func (a *app) lifecycleSupportCommand() *cobra.Command {
	var ref releaseRef
	var months int
	var all bool
	cmd := &cobra.Command{
		Use:   "support --product P --release V [--months 12] [--all]",
		Short: "Roll the support of a release's SBOM components up: how many are past their end of support",
		Long: `Roll the FDA support fields of the components of a release's current SBOM
(support level and end-of-support date, from the SBOM or its support
addendum) up to the release: how many components are past their end of
support (the date has passed, or they are no longer maintained), how many
reach it within --months, how many say nothing, and which end before the
release's own end of support. The table lists the components past or near
their end of support (every component with --all); those without support
information are counted (vigil sbom check lists them); -o json adds the
counts per support level.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			svc, sc, r, err := a.resolveRelease(cmd.Context(), ref)
			if err != nil {
				return err
			}
			u, err := svc.Support.ReleaseSupport(cmd.Context(), sc, r.ID, months, all)
			if err != nil {
				return err
			}
			t := &table{header: []string{"STATUS", "COMPONENT", "VERSION", "SUPPORT LEVEL", "END OF SUPPORT", "BEFORE RELEASE EOS", "REASON"}}
			for _, c := range u.Items {
				t.add(string(c.Status), c.Name, orDash(c.Version), orDash(string(c.SupportLevel)), orDash(c.EndOfSupport.String()),
					yesNo(c.EndsBeforeRelease), c.Reason)
			}
			if a.output == formatTable {
				fmt.Fprintf(cmd.OutOrStdout(), "%s %s: %s\n\n", r.Product, r.Version, u.Summary)
			}
			return a.render(cmd, u, t)
		},
	}
	ref.register(cmd)
	cmd.Flags().IntVar(&months, "months", 12, "horizon: components whose support ends within this many months are \"ending\"")
	cmd.Flags().BoolVar(&all, "all", false, "list every component, not only those that need attention")
	return cmd
}

func (a *app) noticeCommand() *cobra.Command {
	return group("notice", "Record and list end-of-life / end-of-support notices (manufacturer)",
		a.noticeCreateCommand(), a.noticeListCommand(), a.noticeShowCommand())
}

func (a *app) noticeCreateCommand() *cobra.Command {
	var ref releaseRef
	var kind, title, issued, eol, eos, remains, successor, successorProduct, url string
	var controls []string
	create := &cobra.Command{
		Use:   "create --product P --release V --kind end_of_life|end_of_support --title TEXT",
		Short: "Record a manufacturer's end-of-life or end-of-support notice; it sets the release's milestones",
		Long: `Record an end-of-life (EOL) or end-of-support (EOS) notice for one of your
releases: its dates, what remains supported until the end, compensating-
control guidance for hospitals, and the recommended successor. The notice
sets the release's milestones (--eol becomes the end-of-life milestone,
--end-of-support the end-of-support one), so a phase that follows them moves
and the move is recorded. --issued defaults to today and --eol of an EOL
notice to its issue day. Only manufacturer organizations issue notices.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			in := vigil.NoticeInput{Kind: vigil.NoticeKind(kind), Title: title, RemainsSupported: remains,
				CompensatingControls: controls, Successor: successor, URL: url}
			if !in.Kind.Valid() {
				return usagef("--kind %q: want end_of_life or end_of_support", kind)
			}
			var err error
			if in.IssuedOn, err = dateFlag("issued", issued); err != nil {
				return err
			}
			if in.EOLOn, err = dateFlag("eol", eol); err != nil {
				return err
			}
			if in.EndOfSupportOn, err = dateFlag("end-of-support", eos); err != nil {
				return err
			}
			svc, sc, r, err := a.resolveRelease(cmd.Context(), ref)
			if err != nil {
				return err
			}
			if successor != "" && (successorProduct != "" || !strings.Contains(successor, " ")) {
				// A version of the same (or the named) product: link it.
				p := ref.product
				if successorProduct != "" {
					p = successorProduct
				}
				s, err := a.findRelease(cmd.Context(), svc, sc, p, successor)
				if err != nil {
					return fmt.Errorf("--successor: %w", err)
				}
				in.SuccessorReleaseID, in.Successor = s.ID, ""
			}
			rec, err := svc.Support.RecordNotice(cmd.Context(), sc, r.ID, in)
			if err != nil {
				return err
			}
			t := noticeTable(rec.Notice)
			t.add("release phase", phaseLabel(rec.Release))
			if c := rec.PhaseChange; c != nil {
				t.add("phase change", fmt.Sprintf("%s → %s: %s", c.From, c.To, c.Reason))
			}
			return a.render(cmd, rec, t)
		},
	}
	ref.register(create)
	create.Flags().StringVar(&kind, "kind", "", "end_of_life or end_of_support (required)")
	create.Flags().StringVar(&title, "title", "", "the notice's headline (required)")
	create.Flags().StringVar(&issued, "issued", "", "day the notice was published (YYYY-MM-DD; default today)")
	create.Flags().StringVar(&eol, "eol", "", "end of life: Limited Support from this day (YYYY-MM-DD; EOL notices default to --issued)")
	create.Flags().StringVar(&eos, "end-of-support", "", "last day of support: no patches after it (YYYY-MM-DD)")
	create.Flags().StringVar(&remains, "remains-supported", "", "what stays supported until the end of support")
	create.Flags().StringArrayVar(&controls, "control", nil, "compensating-control guidance for hospitals (repeat for each)")
	create.Flags().StringVar(&successor, "successor", "", "recommended successor: a version of the same product (linked), or free text such as \"Model X 4.0\"")
	create.Flags().StringVar(&successorProduct, "successor-product", "", "the successor version's product, when it is another product")
	create.Flags().StringVar(&url, "url", "", "where the notice is published (http or https)")
	return create
}

func (a *app) noticeListCommand() *cobra.Command {
	var lref releaseRef
	list := &cobra.Command{
		Use:   "list [--product P --release V]",
		Short: "List your organization's EOL/EOS notices, newest first",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			svc, sc, err := a.scope(cmd.Context())
			if err != nil {
				return err
			}
			var rid *int64
			if lref.set() {
				_, _, r, err := a.resolveRelease(cmd.Context(), lref)
				if err != nil {
					return err
				}
				rid = &r.ID
			}
			ns, err := svc.Support.Notices(cmd.Context(), sc, rid)
			if err != nil {
				return err
			}
			t := &table{header: []string{"ID", "PRODUCT", "VERSION", "KIND", "ISSUED", "EOL", "END OF SUPPORT", "SUCCESSOR", "TITLE"}}
			for _, n := range ns {
				t.add(fmt.Sprint(n.ID), n.Product, n.Version, string(n.Kind), n.IssuedOn.String(), orDash(n.EOLOn.String()),
					orDash(n.EndOfSupportOn.String()), orDash(n.Successor), n.Title)
			}
			return a.render(cmd, ns, t)
		},
	}
	lref.register(list)
	return list
}

func (a *app) noticeShowCommand() *cobra.Command {
	show := &cobra.Command{
		Use:   "show ID",
		Short: "Show one notice",
		Args:  exactArgs(1, "ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := idArg(args[0])
			if err != nil {
				return err
			}
			svc, sc, err := a.scope(cmd.Context())
			if err != nil {
				return err
			}
			n, err := svc.Support.Notice(cmd.Context(), sc, id)
			if err != nil {
				return err
			}
			return a.render(cmd, n, noticeTable(n))
		},
	}
	return show
}

func idArg(s string) (int64, error) {
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id < 1 {
		return 0, usagef("%q is not an id", s)
	}
	return id, nil
}

func noticeTable(n *vigil.Notice) *table {
	t := keyValues(
		"id", fmt.Sprint(n.ID),
		"release", n.Product+" "+n.Version,
		"kind", string(n.Kind),
		"title", n.Title,
		"issued", n.IssuedOn.String(),
		"end of life", orDash(n.EOLOn.String()),
		"end of support", orDash(n.EndOfSupportOn.String()),
		"remains supported", orDash(n.RemainsSupported),
	)
	for _, c := range n.CompensatingControls {
		t.add("compensating control", c)
	}
	t.add("successor", orDash(n.Successor))
	t.add("url", orDash(n.URL))
	t.add("recorded", formatTime(n.CreatedAt)+" by "+n.CreatedBy)
	return t
}

func (a *app) transferCommand() *cobra.Command {
	return group("transfer", "Record the transfer of responsibility at end of support",
		a.transferCreateCommand(), a.transferAcceptCommand(), a.transferListCommand(), a.transferShowCommand())
}

func (a *app) transferCreateCommand() *cobra.Command {
	var ref releaseRef
	var effective, guidance, notes, file string
	var risks, controls, docs []string
	var acc acceptanceFlags
	create := &cobra.Command{
		Use:   "create --product P --release V --risk TEXT... [--control TEXT]... [--doc TITLE=URL]...",
		Short: "Record the transfer of responsibility for a release at its end of support",
		Long: `Record the transfer of responsibility at end of support: the residual risks
that stay with the device's users, the compensating controls in place, links
to the final documentation, sanitization guidance and, when it is already
signed, who accepted them (--accepted-by; or later with transfer accept).

--risk takes "TEXT", "HARM: TEXT" or "HARM: TEXT | MITIGATION", HARM being an
ISO 14971 level (negligible, minor, serious, critical, catastrophic).
--file reads the whole transfer as JSON (the API's body) instead.
The release must have an end-of-support date; --effective defaults to it.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var in vigil.TransferInput
			if file != "" {
				if len(risks)+len(controls)+len(docs) > 0 {
					return usagef("--file replaces --risk, --control and --doc; give one or the other")
				}
				f, err := a.openInput(file)
				if err != nil {
					return err
				}
				defer f.Close()
				dec := json.NewDecoder(io.LimitReader(f, 1<<20))
				dec.DisallowUnknownFields()
				if err := dec.Decode(&in); err != nil {
					return fmt.Errorf("%s: %w: %w", file, err, vigil.ErrInvalid)
				}
			}
			for _, r := range risks {
				in.ResidualRisks = append(in.ResidualRisks, parseRisk(r))
			}
			in.CompensatingControls = append(in.CompensatingControls, controls...)
			for _, d := range docs {
				title, url, ok := strings.Cut(d, "=")
				if !ok || strings.TrimSpace(title) == "" {
					return usagef("--doc %q: want TITLE=URL", d)
				}
				in.Documents = append(in.Documents, vigil.DocumentLink{Title: strings.TrimSpace(title), URL: strings.TrimSpace(url)})
			}
			if guidance != "" {
				in.SanitizationGuidance = guidance
			}
			if notes != "" {
				in.Notes = notes
			}
			var err error
			if effective != "" {
				if in.EffectiveOn, err = dateFlag("effective", effective); err != nil {
					return err
				}
			}
			if acc.by != "" {
				a, err := acc.acceptance()
				if err != nil {
					return err
				}
				in.Acceptance = &a
			}
			svc, sc, r, err := a.resolveRelease(cmd.Context(), ref)
			if err != nil {
				return err
			}
			tr, err := svc.Support.RecordTransfer(cmd.Context(), sc, r.ID, in)
			if err != nil {
				return err
			}
			return a.render(cmd, tr, transferTable(tr))
		},
	}
	ref.register(create)
	create.Flags().StringArrayVar(&risks, "risk", nil, `a residual risk: "TEXT", "HARM: TEXT" or "HARM: TEXT | MITIGATION" (repeat)`)
	create.Flags().StringArrayVar(&controls, "control", nil, "a compensating control in place (repeat)")
	create.Flags().StringArrayVar(&docs, "doc", nil, "final documentation as TITLE=URL (repeat)")
	create.Flags().StringVar(&effective, "effective", "", "day responsibility moves (YYYY-MM-DD; default the release's end of support)")
	create.Flags().StringVar(&guidance, "sanitization", "", "how to remove patient data from the device before disposal")
	create.Flags().StringVar(&notes, "notes", "", "anything else the record should say")
	create.Flags().StringVar(&file, "file", "", "read the transfer as JSON from FILE (- for standard input)")
	acc.register(create, "accepted-")
	return create
}

func (a *app) transferAcceptCommand() *cobra.Command {
	var aacc acceptanceFlags
	accept := &cobra.Command{
		Use:   "accept ID --by NAME [--role ROLE] [--org ORG] [--on DATE]",
		Short: "Record who accepted a transfer's residual risks (once)",
		Args:  exactArgs(1, "ID --by NAME"),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := idArg(args[0])
			if err != nil {
				return err
			}
			if aacc.by == "" {
				return usagef("--by is required")
			}
			in, err := aacc.acceptance()
			if err != nil {
				return err
			}
			svc, sc, err := a.scope(cmd.Context())
			if err != nil {
				return err
			}
			tr, err := svc.Support.AcceptTransfer(cmd.Context(), sc, id, in)
			if err != nil {
				return err
			}
			return a.render(cmd, tr, transferTable(tr))
		},
	}
	aacc.register(accept, "")
	return accept
}

func (a *app) transferListCommand() *cobra.Command {
	var lref releaseRef
	var received bool
	list := &cobra.Command{
		Use:   "list [--product P --release V] [--received]",
		Short: "List transfers of responsibility (--received: those of the releases your assets run)",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			svc, sc, err := a.scope(cmd.Context())
			if err != nil {
				return err
			}
			var rid *int64
			if received && lref.set() {
				return usagef("--received lists every release your assets run; it takes no --product or --release")
			}
			if lref.set() {
				_, _, r, err := a.resolveRelease(cmd.Context(), lref)
				if err != nil {
					return err
				}
				rid = &r.ID
			}
			ts, err := svc.Support.Transfers(cmd.Context(), sc, rid)
			if received {
				ts, err = svc.Support.AssetTransfers(cmd.Context(), sc)
			}
			if err != nil {
				return err
			}
			t := &table{header: []string{"ID", "PRODUCT", "VERSION", "EFFECTIVE", "RISKS", "CONTROLS", "DOCUMENTS", "ACCEPTED BY", "ACCEPTED ON"}}
			for _, x := range ts {
				t.add(fmt.Sprint(x.ID), x.Product, x.Version, x.EffectiveOn.String(), fmt.Sprint(len(x.ResidualRisks)),
					fmt.Sprint(len(x.CompensatingControls)), fmt.Sprint(len(x.Documents)), orDash(x.AcceptedBy), orDash(x.AcceptedOn.String()))
			}
			return a.render(cmd, ts, t)
		},
	}
	lref.register(list)
	list.Flags().BoolVar(&received, "received", false, "the transfers of the releases your assets run, from the manufacturers that share them")
	return list
}

func (a *app) transferShowCommand() *cobra.Command {
	show := &cobra.Command{
		Use:   "show ID",
		Short: "Show one transfer of responsibility",
		Args:  exactArgs(1, "ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := idArg(args[0])
			if err != nil {
				return err
			}
			svc, sc, err := a.scope(cmd.Context())
			if err != nil {
				return err
			}
			tr, err := svc.Support.Transfer(cmd.Context(), sc, id)
			if err != nil {
				return err
			}
			return a.render(cmd, tr, transferTable(tr))
		},
	}
	return show
}

// parseRisk reads "TEXT", "HARM: TEXT" or "HARM: TEXT | MITIGATION".
func parseRisk(s string) vigil.ResidualRisk {
	var r vigil.ResidualRisk
	if h, rest, ok := strings.Cut(s, ":"); ok && vigil.Harm(strings.ToLower(strings.TrimSpace(h))).Valid() {
		r.Harm, s = vigil.Harm(strings.ToLower(strings.TrimSpace(h))), rest
	}
	desc, mit, _ := strings.Cut(s, "|")
	r.Description, r.Mitigation = strings.TrimSpace(desc), strings.TrimSpace(mit)
	return r
}

type acceptanceFlags struct{ by, role, org, on, prefix string }

func (f *acceptanceFlags) register(c *cobra.Command, prefix string) {
	f.prefix = prefix
	c.Flags().StringVar(&f.by, prefix+"by", "", "the person who accepted the residual risks")
	c.Flags().StringVar(&f.role, prefix+"role", "", "their role (e.g. CISO, head of clinical engineering)")
	c.Flags().StringVar(&f.org, prefix+"org", "", "the organization they accepted for")
	c.Flags().StringVar(&f.on, prefix+"on", "", "the day they accepted (YYYY-MM-DD; default today)")
}

func (f *acceptanceFlags) acceptance() (vigil.TransferAcceptance, error) {
	on, err := dateFlag(f.prefix+"on", f.on)
	return vigil.TransferAcceptance{By: f.by, Role: f.role, Org: f.org, On: on}, err
}

func transferTable(x *vigil.Transfer) *table {
	t := keyValues(
		"id", fmt.Sprint(x.ID),
		"release", x.Product+" "+x.Version,
		"effective", x.EffectiveOn.String(),
	)
	for _, r := range x.ResidualRisks {
		s := r.Description
		if r.Harm != "" {
			s = string(r.Harm) + ": " + s
		}
		if r.Mitigation != "" {
			s += " (mitigation: " + r.Mitigation + ")"
		}
		t.add("residual risk", s)
	}
	for _, c := range x.CompensatingControls {
		t.add("compensating control", c)
	}
	for _, d := range x.Documents {
		t.add("document", d.Title+" <"+d.URL+">")
	}
	t.add("sanitization guidance", orDash(x.SanitizationGuidance))
	t.add("notes", orDash(x.Notes))
	if x.Accepted() {
		who := x.AcceptedBy
		for _, s := range []string{x.AcceptedRole, x.AcceptedOrg} {
			if s != "" {
				who += ", " + s
			}
		}
		t.add("accepted", who+" on "+x.AcceptedOn.String()+" (recorded "+formatTime(x.AcceptedAt)+" by "+x.AcceptanceRecordedBy+")")
	} else {
		t.add("accepted", "not yet (vigil lifecycle transfer accept "+fmt.Sprint(x.ID)+" --by NAME)")
	}
	t.add("recorded", formatTime(x.CreatedAt)+" by "+x.RecordedBy)
	return t
}

// printLifecycleDemo is the quickstart's lifecycle block.
func printLifecycleDemo(w io.Writer, st *demo.LifecycleStep) {
	if st == nil {
		return
	}
	fmt.Fprintf(w, "\nLifecycle: %s is past end of support\n", st.Release)
	if n := st.Notice; n != nil {
		fmt.Fprintf(w, "  notice %d (%s, issued %s): support ended %s; successor %s; %d compensating controls\n",
			n.ID, n.Kind, n.IssuedOn, n.EndOfSupportOn, orDash(n.Successor), len(n.CompensatingControls))
	}
	if t := st.Transfer; t != nil {
		fmt.Fprintf(w, "  transfer of responsibility %d: %d residual risks, %d documents, accepted by %s (%s) on %s\n",
			t.ID, len(t.ResidualRisks), len(t.Documents), orDash(t.AcceptedBy), orDash(t.AcceptedRole), orDash(t.AcceptedOn.String()))
	}
	for _, m := range st.Moves {
		fmt.Fprintf(w, "  phase refresh: %s %s %s → %s (%s)\n", m.Product, m.Version, m.From, m.To, m.Reason)
	}
	if u := st.Support; u != nil {
		fmt.Fprintf(w, "  component support of %s %s: %s\n", demo.SBOMProduct, demo.SBOMRelease, u.Summary)
	}
	if d := st.Decommission; d != nil {
		fmt.Fprintf(w, "  decommissioned %s (%s %s) on %s, %d sanitization record(s): certificate %s\n",
			d.AssetTag, d.Manufacturer, d.Model, d.DecommissionedOn, d.Sanitizations, d.CertificateNumber)
		if d.CertificateSHA256 != "" {
			fmt.Fprintf(w, "  certificate stored at decommissioning with its SHA-256 (vigil asset certificate %s --verify)\n", d.AssetTag)
		}
	}
	fmt.Fprintf(w, "  hospital horizon (24 months): %s\n", st.Horizon)
	fmt.Fprintf(w, "  notices reaching %s's assets in service (vigil lifecycle notices): %d; %s still runs %s\n",
		demo.Hospital, st.Received, demo.EOSAssetKept, st.Release)
}

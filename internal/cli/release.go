package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/service"
)

// milestoneFlags are the three lifecycle dates as typed on the command line.
type milestoneFlags struct{ released, eolNotice, endOfSupport string }

func (m *milestoneFlags) register(c *cobra.Command, clearable bool) {
	suffix := " (YYYY-MM-DD)"
	if clearable {
		suffix = ` (YYYY-MM-DD, or "none" to clear)`
	}
	c.Flags().StringVar(&m.released, "released", "", "release date: opens Support"+suffix)
	c.Flags().StringVar(&m.eolNotice, "eol-notice", "", "end-of-life notice date: opens Limited Support"+suffix)
	c.Flags().StringVar(&m.endOfSupport, "end-of-support", "", "end-of-support date: opens End of Support"+suffix)
}

func (m *milestoneFlags) milestones() (vigil.Milestones, error) {
	var ms vigil.Milestones
	var err error
	if ms.ReleasedOn, err = dateFlag("released", m.released); err != nil {
		return ms, err
	}
	if ms.EOLNoticeOn, err = dateFlag("eol-notice", m.eolNotice); err != nil {
		return ms, err
	}
	ms.EndOfSupportOn, err = dateFlag("end-of-support", m.endOfSupport)
	return ms, err
}

// update turns the flags the user set into a release update; "none" clears.
func (m *milestoneFlags) update(c *cobra.Command) (vigil.ReleaseUpdate, error) {
	var u vigil.ReleaseUpdate
	for _, f := range []struct {
		name string
		val  string
		dst  **vigil.Date
	}{
		{"released", m.released, &u.ReleasedOn},
		{"eol-notice", m.eolNotice, &u.EOLNoticeOn},
		{"end-of-support", m.endOfSupport, &u.EndOfSupportOn},
	} {
		if !c.Flags().Changed(f.name) {
			continue
		}
		d := vigil.Date{}
		if f.val != "none" {
			var err error
			if d, err = dateFlag(f.name, f.val); err != nil {
				return u, err
			}
		}
		*f.dst = &d
	}
	return u, nil
}

func (a *app) releaseCommand() *cobra.Command {
	return group("release", "Manage releases and their lifecycle phase",
		a.releaseCreateCommand(), a.releaseListCommand(), a.releaseShowCommand(), a.releaseUpdateCommand(),
		a.releaseSetPhaseCommand(), a.releaseDeleteCommand(), a.releaseEnvironmentCommand(), a.releasePortsCommand())
}

func (a *app) releaseCreateCommand() *cobra.Command {
	var product string
	var phase string
	var ms milestoneFlags
	create := &cobra.Command{
		Use:   "create VERSION --product P",
		Short: "Create a release (a version of a product) with its lifecycle milestones",
		Long: `Create a release. Without --phase its lifecycle phase follows the milestones:
development until --released, support from then, limited_support from
--eol-notice, end_of_support from --end-of-support.`,
		Args: exactArgs(1, "VERSION --product P [--phase PHASE] [--released DATE] [--eol-notice DATE] [--end-of-support DATE]"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := needProduct(product); err != nil {
				return err
			}
			m, err := ms.milestones()
			if err != nil {
				return err
			}
			svc, sc, p, err := a.resolveProduct(cmd.Context(), product)
			if err != nil {
				return err
			}
			r, err := svc.CreateRelease(cmd.Context(), sc, p.ID, vigil.ReleaseInput{Version: args[0], Phase: vigil.Phase(phase), Milestones: m})
			if err != nil {
				return err
			}
			return a.render(cmd, r, releaseDetail(&service.ReleaseDetail{Release: *r}))
		},
	}
	productFlag(create, &product)
	create.Flags().StringVar(&phase, "phase", "", "set the phase explicitly: development, support, limited_support or end_of_support")
	ms.register(create, false)
	return create
}

func (a *app) releaseListCommand() *cobra.Command {
	var product string
	var page vigil.Page
	list := &cobra.Command{
		Use:   "list",
		Short: "List releases with their lifecycle phase",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			svc, sc, err := a.scope(cmd.Context())
			if err != nil {
				return err
			}
			f := vigil.ReleaseFilter{Page: page}
			if product != "" {
				p, err := svc.ResolveProduct(cmd.Context(), sc, product)
				if err != nil {
					return err
				}
				f.ProductID = &p.ID
			}
			rs, _, err := svc.Releases(cmd.Context(), sc, f)
			if err != nil {
				return err
			}
			if rs == nil {
				rs = []*vigil.Release{}
			}
			t := &table{header: []string{"ID", "PRODUCT", "VERSION", "PHASE", "RELEASED", "EOL NOTICE", "END OF SUPPORT"}}
			for _, r := range rs {
				t.add(fmt.Sprint(r.ID), r.Product, r.Version, phaseLabel(r),
					orDash(r.ReleasedOn.String()), orDash(r.EOLNoticeOn.String()), orDash(r.EndOfSupportOn.String()))
			}
			return a.render(cmd, rs, t)
		},
	}
	list.Flags().StringVarP(&product, "product", "p", "", "only releases of this product")
	pageFlags(list, &page)
	return list
}

func (a *app) releaseShowCommand() *cobra.Command {
	var product string
	show := &cobra.Command{
		Use:   "show VERSION --product P",
		Short: "Show a release with its phase history",
		Args:  exactArgs(1, "VERSION --product P"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := needProduct(product); err != nil {
				return err
			}
			svc, sc, err := a.scope(cmd.Context())
			if err != nil {
				return err
			}
			d, err := svc.ReleaseByVersion(cmd.Context(), sc, product, args[0])
			if err != nil {
				return err
			}
			return a.render(cmd, d, releaseDetail(d))
		},
	}
	productFlag(show, &product)
	return show
}

func (a *app) releaseSetPhaseCommand() *cobra.Command {
	var product string
	var reason string
	var force bool
	setPhase := &cobra.Command{
		Use:   "set-phase VERSION PHASE --product P --reason TEXT",
		Short: "Move a release to a lifecycle phase, recording who and why",
		Long: `Move a release to a lifecycle phase: development, support, limited_support or
end_of_support. The phase then stays as set; give "milestones" instead of a
phase to let it follow the release's milestones again. Moving back in the
lifecycle needs --force. Every change is recorded with its reason.`,
		Args: exactArgs(2, "VERSION PHASE --product P --reason TEXT [--force]"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := needProduct(product); err != nil {
				return err
			}
			in := service.PhaseChangeInput{Phase: vigil.Phase(args[1]), Reason: reason, Force: force}
			if args[1] == "milestones" {
				in.Phase, in.FollowMilestones = "", true
			} else if !in.Phase.Valid() {
				return usagef("phase %q: want development, support, limited_support, end_of_support or milestones", args[1])
			}
			svc, sc, r, err := a.resolveVersion(cmd.Context(), product, args[0])
			if err != nil {
				return err
			}
			d, err := svc.SetReleasePhase(cmd.Context(), sc, r.ID, in)
			if err != nil {
				return err
			}
			return a.render(cmd, d, releaseDetail(d))
		},
	}
	productFlag(setPhase, &product)
	setPhase.Flags().StringVar(&reason, "reason", "", "why the phase changes (required)")
	setPhase.Flags().BoolVar(&force, "force", false, "allow moving back in the lifecycle")
	return setPhase
}

func (a *app) releaseUpdateCommand() *cobra.Command {
	var product string
	var ums milestoneFlags
	update := &cobra.Command{
		Use:   "update VERSION --product P",
		Short: "Change a release's lifecycle milestones",
		Args:  exactArgs(1, "VERSION --product P [--released DATE] [--eol-notice DATE] [--end-of-support DATE]"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := needProduct(product); err != nil {
				return err
			}
			u, err := ums.update(cmd)
			if err != nil {
				return err
			}
			if u == (vigil.ReleaseUpdate{}) {
				return usagef("nothing to update: give at least one of --released, --eol-notice, --end-of-support")
			}
			svc, sc, r, err := a.resolveVersion(cmd.Context(), product, args[0])
			if err != nil {
				return err
			}
			if _, err := svc.UpdateRelease(cmd.Context(), sc, r.ID, u); err != nil {
				return err
			}
			d, err := svc.Release(cmd.Context(), sc, r.ID)
			if err != nil {
				return err
			}
			return a.render(cmd, d, releaseDetail(d))
		},
	}
	productFlag(update, &product)
	ums.register(update, true)
	return update
}

func (a *app) releaseDeleteCommand() *cobra.Command {
	var product string
	var yes bool
	del := &cobra.Command{
		Use:   "delete VERSION --product P --yes",
		Short: "Delete a release",
		Args:  exactArgs(1, "VERSION --product P --yes"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := needProduct(product); err != nil {
				return err
			}
			if !yes {
				return usagef("deleting a release deletes its history; confirm with --yes")
			}
			svc, sc, r, err := a.resolveVersion(cmd.Context(), product, args[0])
			if err != nil {
				return err
			}
			if err := svc.DeleteRelease(cmd.Context(), sc, r.ID); err != nil {
				return err
			}
			cmd.Printf("deleted release %s %s\n", r.Product, r.Version)
			return nil
		},
	}
	productFlag(del, &product)
	del.Flags().BoolVar(&yes, "yes", false, "confirm the deletion")
	return del
}

func phaseLabel(r *vigil.Release) string {
	if r.PhaseExplicit {
		return string(r.Phase) + " (set)"
	}
	return string(r.Phase)
}

func releaseDetail(d *service.ReleaseDetail) *table {
	t := keyValues(
		"id", fmt.Sprint(d.ID),
		"product", d.Product,
		"version", d.Version,
		"phase", phaseLabel(&d.Release),
		"released", orDash(d.ReleasedOn.String()),
		"eol notice", orDash(d.EOLNoticeOn.String()),
		"end of support", orDash(d.EndOfSupportOn.String()),
		"created", formatTime(d.CreatedAt),
		"updated", formatTime(d.UpdatedAt),
	)
	for _, c := range d.History {
		from := string(c.From)
		if from == "" {
			from = "·"
		}
		t.add("history", fmt.Sprintf("%s  %s → %s  by %s: %s", formatTime(c.ChangedAt), from, c.To, c.Actor, c.Reason))
	}
	return t
}

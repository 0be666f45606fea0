package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/vigil/vigil"
)

func (a *app) orgCommand() *cobra.Command {
	var name, kind string
	create := &cobra.Command{
		Use:   "create SLUG",
		Short: "Create an organization (a manufacturer or a healthcare provider)",
		Args:  exactArgs(1, "SLUG --kind manufacturer|healthcare_provider [--name NAME]"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if kind == "" {
				return usagef("--kind is required: manufacturer or healthcare_provider")
			}
			svc, err := a.service(cmd.Context())
			if err != nil {
				return err
			}
			org, err := svc.Access.CreateOrg(cmd.Context(), vigil.OrgInput{Slug: args[0], Name: name, Kind: vigil.OrgKind(kind)})
			if err != nil {
				return err
			}
			return a.render(cmd, org, orgTable(org))
		},
	}
	create.Flags().StringVar(&name, "name", "", "display name (default: the slug)")
	create.Flags().StringVar(&kind, "kind", "", "manufacturer or healthcare_provider (required)")

	list := &cobra.Command{
		Use:   "list",
		Short: "List organizations",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			svc, err := a.service(cmd.Context())
			if err != nil {
				return err
			}
			orgs, err := svc.Access.Orgs(cmd.Context())
			if err != nil {
				return err
			}
			if orgs == nil {
				orgs = []*vigil.Organization{}
			}
			return a.render(cmd, orgs, orgTable(orgs...))
		},
	}
	return group("org", "Manage organizations", create, list, a.orgSettingsCommand())
}

func orgTable(orgs ...*vigil.Organization) *table {
	t := &table{header: []string{"ID", "SLUG", "NAME", "KIND", "CREATED"}}
	for _, o := range orgs {
		t.add(fmt.Sprint(o.ID), o.Slug, o.Name, string(o.Kind), formatTime(o.CreatedAt))
	}
	return t
}

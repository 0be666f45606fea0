package cli

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/vigil/vigil"
)

func (a *app) productCommand() *cobra.Command {
	return group("product", "Manage products (device product lines)",
		a.productCreateCommand(), a.productListCommand(), a.productShowCommand(), a.productUpdateCommand(), a.productDeleteCommand())
}

func (a *app) productCreateCommand() *cobra.Command {
	var in vigil.ProductInput
	create := &cobra.Command{
		Use:   "create NAME",
		Short: "Create a product",
		Args:  exactArgs(1, "NAME --manufacturer M [--model MODEL]... [--intended-use TEXT] [--clinical-function TEXT]"),
		RunE: func(cmd *cobra.Command, args []string) error {
			svc, sc, err := a.scope(cmd.Context())
			if err != nil {
				return err
			}
			in.Name = args[0]
			p, err := svc.CreateProduct(cmd.Context(), sc, in)
			if err != nil {
				return err
			}
			return a.render(cmd, p, productDetail(p))
		},
	}
	productFlags(create, &in.Manufacturer, &in.DeviceModels, &in.IntendedUse, &in.ClinicalFunction)
	return create
}

func (a *app) productListCommand() *cobra.Command {
	var manufacturer string
	var page vigil.Page
	list := &cobra.Command{
		Use:   "list",
		Short: "List products",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			svc, sc, err := a.scope(cmd.Context())
			if err != nil {
				return err
			}
			f := vigil.ProductFilter{Page: page}
			if manufacturer != "" {
				f.Manufacturer = &manufacturer
			}
			ps, _, err := svc.Products(cmd.Context(), sc, f)
			if err != nil {
				return err
			}
			if ps == nil {
				ps = []*vigil.Product{}
			}
			t := &table{header: []string{"ID", "NAME", "MANUFACTURER", "MODELS", "CLINICAL FUNCTION"}}
			for _, p := range ps {
				t.add(fmt.Sprint(p.ID), p.Name, p.Manufacturer, orDash(strings.Join(p.DeviceModels, ", ")), orDash(p.ClinicalFunction))
			}
			return a.render(cmd, ps, t)
		},
	}
	list.Flags().StringVar(&manufacturer, "manufacturer", "", "only products of this manufacturer")
	pageFlags(list, &page)
	return list
}

func (a *app) productShowCommand() *cobra.Command {
	show := &cobra.Command{
		Use:   "show PRODUCT",
		Short: "Show a product (by name or ID)",
		Args:  exactArgs(1, "PRODUCT"),
		RunE: func(cmd *cobra.Command, args []string) error {
			_, _, p, err := a.resolveProduct(cmd.Context(), args[0])
			if err != nil {
				return err
			}
			return a.render(cmd, p, productDetail(p))
		},
	}
	return show
}

func (a *app) productUpdateCommand() *cobra.Command {
	var upd struct {
		manufacturer, intendedUse, clinicalFunction string
		models                                      []string
	}
	update := &cobra.Command{
		Use:   "update PRODUCT",
		Short: "Change a product's manufacturer, models, intended use or clinical function",
		Args:  exactArgs(1, "PRODUCT [--manufacturer M] [--model MODEL]... [--intended-use TEXT] [--clinical-function TEXT]"),
		RunE: func(cmd *cobra.Command, args []string) error {
			var u vigil.ProductUpdate
			fl := cmd.Flags()
			if fl.Changed("manufacturer") {
				u.Manufacturer = &upd.manufacturer
			}
			if fl.Changed("model") {
				u.DeviceModels = &upd.models
			}
			if fl.Changed("intended-use") {
				u.IntendedUse = &upd.intendedUse
			}
			if fl.Changed("clinical-function") {
				u.ClinicalFunction = &upd.clinicalFunction
			}
			if u == (vigil.ProductUpdate{}) {
				return usagef("nothing to update: give at least one of --manufacturer, --model, --intended-use, --clinical-function")
			}
			svc, sc, p, err := a.resolveProduct(cmd.Context(), args[0])
			if err != nil {
				return err
			}
			p, err = svc.UpdateProduct(cmd.Context(), sc, p.ID, u)
			if err != nil {
				return err
			}
			return a.render(cmd, p, productDetail(p))
		},
	}
	productFlags(update, &upd.manufacturer, &upd.models, &upd.intendedUse, &upd.clinicalFunction)
	return update
}

func (a *app) productDeleteCommand() *cobra.Command {
	var yes bool
	del := &cobra.Command{
		Use:   "delete PRODUCT",
		Short: "Delete a product and all its releases",
		Args:  exactArgs(1, "PRODUCT --yes"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if !yes {
				return usagef("deleting a product deletes all its releases; confirm with --yes")
			}
			svc, sc, p, err := a.resolveProduct(cmd.Context(), args[0])
			if err != nil {
				return err
			}
			if err := svc.DeleteProduct(cmd.Context(), sc, p.ID); err != nil {
				return err
			}
			cmd.Printf("deleted product %q\n", p.Name)
			return nil
		},
	}
	del.Flags().BoolVar(&yes, "yes", false, "confirm the deletion")
	return del
}

func productFlags(c *cobra.Command, manufacturer *string, models *[]string, intendedUse, clinicalFunction *string) {
	c.Flags().StringVar(manufacturer, "manufacturer", "", "the maker's name as on the device")
	c.Flags().StringArrayVar(models, "model", nil, "device model name or number (repeatable)")
	c.Flags().StringVar(intendedUse, "intended-use", "", "regulatory intended use statement")
	c.Flags().StringVar(clinicalFunction, "clinical-function", "", `what the device does for the patient, e.g. "infusion therapy"`)
}

func pageFlags(c *cobra.Command, p *vigil.Page) {
	c.Flags().IntVar(&p.Limit, "limit", 0, "show at most this many (0: all)")
	c.Flags().IntVar(&p.Offset, "offset", 0, "skip this many first")
}

func productDetail(p *vigil.Product) *table {
	return keyValues(
		"id", fmt.Sprint(p.ID),
		"name", p.Name,
		"manufacturer", p.Manufacturer,
		"device models", orDash(strings.Join(p.DeviceModels, ", ")),
		"intended use", orDash(p.IntendedUse),
		"clinical function", orDash(p.ClinicalFunction),
		"created", formatTime(p.CreatedAt),
		"updated", formatTime(p.UpdatedAt),
	)
}

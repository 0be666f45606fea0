package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/app/assets"
)

// assetLinkCommand reviews the links device identification made between
// assets and the products of device advisories.
func (a *app) assetLinkCommand() *cobra.Command {
	var asset string
	var possible bool
	list := &cobra.Command{
		Use:   "list [--asset REF] [--possible]",
		Short: "List assets' links to device-advisory products, with score and evidence",
		Long: `List the links device identification made between assets and the products
of device advisories (CSAF, e.g. CISA ICSMA): each with its confidence level and
score (0–1), and the evidence (manufacturer, model numbers, words, version rule).
--possible lists only the links below the organization's threshold that nobody
decided on: they do not count in exposure until someone confirms them.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			svc, sc, err := a.scope(cmd.Context())
			if err != nil {
				return err
			}
			ls, err := svc.Assets.AdvisoryLinks(cmd.Context(), sc, assets.LinkFilter{Asset: asset, Possible: possible})
			if err != nil {
				return err
			}
			t := &table{header: []string{"ASSET", "MANUFACTURER", "MODEL", "ADVISORY", "PRODUCT", "NAME", "CONFIDENCE", "SCORE", "EVIDENCE"}}
			for _, l := range ls {
				t.add(orDash(l.AssetTag), l.Manufacturer, l.Model, l.Advisory, l.ProductID, l.Name, string(l.Confidence),
					fmt.Sprintf("%.2f", l.Score), l.Reason)
			}
			return a.render(cmd, ls, t)
		},
	}
	list.Flags().StringVar(&asset, "asset", "", "one asset (tag, serial or id)")
	list.Flags().BoolVar(&possible, "possible", false, "only undecided links below the threshold")
	decide := func(use string, d vigil.LinkDecision, short string) *cobra.Command {
		var note string
		c := &cobra.Command{
			Use:   use + " ASSET ADVISORY PRODUCT_ID [--note TEXT]",
			Short: short,
			Args:  exactArgs(3, "ASSET ADVISORY PRODUCT_ID"),
			RunE: func(cmd *cobra.Command, args []string) error {
				svc, sc, err := a.scope(cmd.Context())
				if err != nil {
					return err
				}
				l, err := svc.Assets.DecideAdvisoryLink(cmd.Context(), sc, assets.LinkDecisionInput{Asset: args[0], Advisory: args[1],
					ProductID: args[2], Decision: d, Note: note})
				if err != nil {
					return err
				}
				t := &table{header: []string{"ASSET", "ADVISORY", "PRODUCT", "DECISION", "CONFIDENCE"}}
				t.add(args[0], l.Advisory, l.ProductID, string(d), orDash(string(l.Confidence)))
				return a.render(cmd, l, t)
			},
		}
		c.Flags().StringVar(&note, "note", "", "why (kept with the decision)")
		return c
	}
	return group("link", "Review links between assets and device-advisory products", list,
		decide("confirm", vigil.LinkConfirmed, "Confirm a link: it counts in exposure whatever its score, in later revisions too"),
		decide("reject", vigil.LinkRejected, "Reject a link: it leaves exposure and does not return for this revision of the advisory"))
}

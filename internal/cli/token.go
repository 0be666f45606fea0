package cli

import (
	"fmt"
	"strconv"
	"time"

	"github.com/spf13/cobra"

	"github.com/vigil/vigil"
)

func (a *app) tokenCommand() *cobra.Command {
	var ttl time.Duration
	create := &cobra.Command{
		Use:   "create NAME",
		Short: "Create an API token for the organization; its secret is shown once",
		Args:  exactArgs(1, "NAME [--ttl DURATION]"),
		RunE: func(cmd *cobra.Command, args []string) error {
			svc, sc, err := a.scope(cmd.Context())
			if err != nil {
				return err
			}
			tok, secret, err := svc.Access.CreateToken(cmd.Context(), sc, vigil.TokenInput{Name: args[0], TTL: ttl})
			if err != nil {
				return err
			}
			out := struct {
				*vigil.APIToken
				Secret string `json:"secret"`
			}{tok, secret}
			if a.output == formatTable {
				cmd.Printf("token %q created; its secret is shown only now:\n\n  %s\n\nUse it as: Authorization: Bearer %s\n", tok.Name, secret, secret)
				return nil
			}
			return a.render(cmd, out, keyValues("id", fmt.Sprint(tok.ID), "name", tok.Name, "secret", secret,
				"expires", formatTime(tok.ExpiresAt)))
		},
	}
	create.Flags().DurationVar(&ttl, "ttl", 0, "lifetime, e.g. 720h (default: no expiry)")

	list := &cobra.Command{
		Use:   "list",
		Short: "List the organization's API tokens (never their secrets)",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			svc, sc, err := a.scope(cmd.Context())
			if err != nil {
				return err
			}
			toks, err := svc.Access.Tokens(cmd.Context(), sc)
			if err != nil {
				return err
			}
			if toks == nil {
				toks = []*vigil.APIToken{}
			}
			t := &table{header: []string{"ID", "NAME", "HINT", "CREATED", "EXPIRES", "LAST USED"}}
			for _, tok := range toks {
				t.add(fmt.Sprint(tok.ID), tok.Name, tok.Hint+"…", formatTime(tok.CreatedAt), formatTime(tok.ExpiresAt), formatTime(tok.LastUsedAt))
			}
			return a.render(cmd, toks, t)
		},
	}

	revoke := &cobra.Command{
		Use:   "revoke ID",
		Short: "Revoke an API token",
		Args:  exactArgs(1, "ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := strconv.ParseInt(args[0], 10, 64)
			if err != nil {
				return usagef("token ID %q is not a number (see vigil token list)", args[0])
			}
			svc, sc, err := a.scope(cmd.Context())
			if err != nil {
				return err
			}
			if err := svc.Access.RevokeToken(cmd.Context(), sc, id); err != nil {
				return err
			}
			cmd.Printf("token %d revoked\n", id)
			return nil
		},
	}
	return group("token", "Manage API tokens", create, list, revoke)
}

package cli

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/vigil/vigil/internal/service"
)

func (a *app) serveCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Run the HTTP API (migrates the database first)",
		Long: `Run the HTTP API until SIGINT or SIGTERM, then shut down gracefully.
The database is migrated at start. Health: /healthz, /readyz; metrics:
/metrics; OpenAPI 3.1: /api/v1/openapi.json. API calls need a token
(vigil token create NAME) sent as "Authorization: Bearer SECRET".`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			st, err := a.openStore(cmd.Context())
			if err != nil {
				return err
			}
			applied, err := st.Migrate(cmd.Context())
			if err != nil {
				return err
			}
			a.log.Info("database ready", "component", "server", "backend", st.Backend(), "migrations_applied", len(applied))
			svc := a.newService()
			defer a.startJobs(cmd.Context(), svc)()
			return a.env.Serve(cmd.Context(), svc, ServeOptions{
				Addr:    a.cfg.Listen,
				Version: a.env.Version,
			}, a.log)
		},
	}
	cmd.Flags().String("listen", "", "address to listen on (default 127.0.0.1:8080; env VIGIL_LISTEN)")
	return cmd
}

// startJobs runs the background jobs beside the server; the returned stop
// ends them and waits for the runs in progress.
func (a *app) startJobs(ctx context.Context, svc *service.Service) (stop func()) {
	if a.env.RunJobs == nil {
		return func() {}
	}
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		a.env.RunJobs(ctx, svc, a.log)
	}()
	return func() {
		cancel()
		<-done
	}
}

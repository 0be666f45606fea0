package main

import (
	"context"
	"fmt"
	"log/slog"
	"net"

	"github.com/vigil/vigil/internal/app"
	"github.com/vigil/vigil/internal/app/knowledge"
	"github.com/vigil/vigil/internal/cli"
	"github.com/vigil/vigil/internal/feed/fetch"
	"github.com/vigil/vigil/internal/feed/remote"
	"github.com/vigil/vigil/internal/httpapi"
	"github.com/vigil/vigil/internal/runner"
	"github.com/vigil/vigil/internal/store/backend"
)

// openApp opens the application over the backend a database setting names.
func openApp(ctx context.Context, db string, create bool, opts ...app.Option) (*app.App, error) {
	st, err := backend.Open(ctx, db, create)
	if err != nil {
		return nil, err
	}
	return app.New(st, opts...), nil
}

// serve runs the HTTP API on opts.Addr until ctx ends.
func serve(ctx context.Context, svc *app.App, opts cli.ServeOptions, log *slog.Logger) error {
	ln, err := net.Listen("tcp", opts.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", opts.Addr, err)
	}
	srv := httpapi.New(svc, httpapi.Config{Addr: opts.Addr, Version: opts.Version}, log.With("component", "http"))
	return srv.Serve(ctx, ln)
}

// runJobs runs the background jobs (phase refresh, fleet events) over svc
// until ctx ends.
func runJobs(ctx context.Context, svc *app.App, log *slog.Logger) {
	runner.New(log, runner.NewPhaseRefresh(svc, log), runner.NewFleetEvents(svc, log)).Run(ctx)
}

// feedSources builds the remote feed sources over one HTTP client.
func feedSources(opt cli.SyncOptions) ([]knowledge.FeedSource, error) {
	client, err := fetch.New(fetch.Config{Version: opt.Version, Proxy: opt.Proxy})
	if err != nil {
		return nil, err
	}
	cfg := remote.Config{CacheDir: opt.CacheDir}
	cfg.NVD.APIKey = opt.NVDAPIKey
	for name, url := range opt.URLs {
		switch name {
		case remote.NVDName:
			cfg.NVD.URL = url
		case remote.OSVName:
			cfg.OSV.URL = url
		case remote.KEVName:
			cfg.KEV.URL = url
		case remote.EPSSName:
			cfg.EPSS.URL = url
		default:
			return nil, fmt.Errorf("--url %s: want nvd, osv, kev or epss (CSAF providers take --csaf-provider)", name)
		}
	}
	cfg.OSV.Ecosystems = opt.OSVEcosystems
	for _, p := range opt.CSAFProviders {
		cfg.CSAF.Providers = append(cfg.CSAF.Providers, remote.CSAFProvider{URL: p})
	}
	all, err := remote.Sources(client, cfg)
	if err != nil {
		return nil, err
	}
	if len(opt.Sources) == 0 {
		return all, nil
	}
	var out []knowledge.FeedSource
	for _, name := range opt.Sources {
		src, err := remote.ByName(all, name)
		if err != nil {
			return nil, err
		}
		out = append(out, src)
	}
	return out, nil
}

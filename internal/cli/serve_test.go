package cli_test

import (
	"bytes"
	"context"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vigil/vigil/internal/cli"
	"github.com/vigil/vigil/internal/service"
)

// TestServeRunsJobs checks that vigil serve migrates the database, runs the
// background jobs beside the server over the same service, and stops them
// (waiting for them) when the server returns.
func TestServeRunsJobs(t *testing.T) {
	dir := t.TempDir()
	vars := map[string]string{"HOME": dir, "USER": "tester", "VIGIL_DB": "sqlite:" + filepath.Join(dir, "vigil.db")}
	jobsStarted := make(chan *service.Service, 1)
	jobsEnded := make(chan struct{})
	var out, errb bytes.Buffer
	env := testEnv(t)
	env.Stdin, env.Stdout, env.Stderr = strings.NewReader(""), &out, &errb
	env.Getenv = func(k string) string { return vars[k] }
	env.RunJobs = func(ctx context.Context, svc *service.Service, _ *slog.Logger) {
		jobsStarted <- svc
		<-ctx.Done()
		close(jobsEnded)
	}
	var served *service.Service
	env.Serve = func(ctx context.Context, svc *service.Service, opts cli.ServeOptions, _ *slog.Logger) error {
		served = svc
		if opts.Addr != "127.0.0.1:0" {
			t.Errorf("serve address = %q, want the --listen value", opts.Addr)
		}
		if jobSvc := <-jobsStarted; jobSvc != svc {
			t.Error("the jobs run over another service than the server")
		}
		select {
		case <-jobsEnded:
			t.Error("jobs ended while the server still runs")
		default:
		}
		return nil
	}
	if code := cli.Main(t.Context(), []string{"serve", "--listen", "127.0.0.1:0"}, env); code != cli.ExitOK {
		t.Fatalf("serve: exit %d\n%s", code, errb.String())
	}
	if served == nil {
		t.Fatal("serve did not call Serve")
	}
	select {
	case <-jobsEnded:
	default:
		t.Error("serve returned before the jobs ended")
	}
	if !strings.Contains(errb.String(), "database ready") {
		t.Errorf("serve did not log the migrated database:\n%s", errb.String())
	}
}

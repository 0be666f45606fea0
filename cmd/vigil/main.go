// Command vigil is the medical device cybersecurity lifecycle system: CLI,
// HTTP API and jobs in one binary. This file only wires the adapters
// together; everything else lives in internal/.
package main

import (
	"context"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"

	"github.com/vigil/vigil/internal/cli"
)

// version is set at build time with -ldflags "-X main.version=v1.2.3".
var version = ""

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Main(ctx, os.Args[1:], environment())
	stop()
	os.Exit(code)
}

// environment is the real world the CLI runs in.
func environment() cli.Env {
	return cli.Env{
		Stdin:       os.Stdin,
		Stdout:      os.Stdout,
		Stderr:      os.Stderr,
		Getenv:      os.Getenv,
		Version:     buildVersion(),
		OpenStore:   openStore,
		FeedSources: feedSources,
		Serve:       serve,
		RunJobs:     runJobs,
	}
}

func buildVersion() string {
	if version != "" {
		return version
	}
	if info, ok := debug.ReadBuildInfo(); ok && info.Main.Version != "" && info.Main.Version != "(devel)" {
		return info.Main.Version
	}
	return "dev"
}

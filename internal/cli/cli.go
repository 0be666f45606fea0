// Package cli is vigil's command-line interface: a cobra command tree whose
// commands parse arguments, call one application method and render the result.
// It knows no database driver and no HTTP server: cmd/vigil hands it
// functions that open stores and serve.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/vigil/vigil"
	application "github.com/vigil/vigil/internal/app"
	"github.com/vigil/vigil/internal/app/knowledge"
	"github.com/vigil/vigil/internal/config"
)

// Exit codes.
const (
	ExitOK       = 0
	ExitError    = 1
	ExitUsage    = 2
	ExitFindings = 3
)

// ServeOptions is what vigil serve passes to the server.
type ServeOptions struct {
	Addr    string
	Version string
}

// Env is everything the CLI needs from the outside world.
type Env struct {
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	Getenv         func(string) string
	// Version is the build's version string.
	Version string
	// Open opens the application over the database a config names. With
	// create false it creates nothing: a missing SQLite file is an error.
	Open func(ctx context.Context, db string, create bool, opts ...application.Option) (*application.App, error)
	// FeedSources builds the remote feed sources vigil feed sync uses.
	FeedSources func(opt SyncOptions) ([]knowledge.FeedSource, error)
	// Serve runs the HTTP server until ctx ends.
	Serve func(ctx context.Context, svc *application.App, opts ServeOptions, log *slog.Logger) error
	// RunJobs runs the background jobs (the daily phase refresh) over svc
	// until ctx ends, and returns once the runs in progress are done. Nil
	// means vigil serve runs none.
	RunJobs func(ctx context.Context, svc *application.App, log *slog.Logger)
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// Main runs the command line args and returns the exit code.
func Main(ctx context.Context, args []string, env Env) int {
	a := &app{env: env}
	root := a.rootCommand()
	root.SetArgs(args)
	root.SetIn(env.Stdin)
	root.SetOut(env.Stdout)
	root.SetErr(env.Stderr)
	err := root.ExecuteContext(ctx)
	closeErr := a.close()
	if err == nil {
		err = closeErr
	}
	if err == nil {
		return ExitOK
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if ee.msg != "" {
			fmt.Fprintln(env.Stderr, "vigil:", ee.msg)
		}
		return ee.code
	}
	fmt.Fprintln(env.Stderr, "vigil:", err)
	var ue *usageError
	if errors.As(err, &ue) {
		fmt.Fprintln(env.Stderr, "Run 'vigil --help' for usage.")
		return ExitUsage
	}
	return ExitError
}

// usageError marks a mistake in how the command was called (exit 2).
type usageError struct{ err error }

func (e *usageError) Error() string { return e.err.Error() }
func (e *usageError) Unwrap() error { return e.err }

func usagef(format string, args ...any) error {
	return &usageError{fmt.Errorf(format, args...)}
}

// exitError ends a command with a given code, e.g. 3 for --fail-on.
type exitError struct {
	code int
	msg  string
}

func (e *exitError) Error() string { return e.msg }

// app holds what commands share: the resolved config and the lazily opened
// application.
type app struct {
	env    Env
	flags  *pflag.FlagSet
	cfg    *config.Config
	output string
	// svc is the application, opened on first use; ready records that its
	// schema was checked.
	svc   *application.App
	ready bool
	log   *slog.Logger
	// cmd is the command being run.
	cmd *cobra.Command
}

func (a *app) close() error {
	if a.svc == nil {
		return nil
	}
	return a.svc.Close()
}

func (a *app) rootCommand() *cobra.Command {
	root := &cobra.Command{
		Use:   "vigil",
		Short: "Medical device cybersecurity, from design to disposal",
		Long: `vigil follows a medical device through its lifecycle — development, support,
limited support, end of support — for manufacturers and hospitals: products and
releases, SBOMs, vulnerabilities, patient-safety triage, VEX and MDS2.

Start with: vigil quickstart`,
		SilenceUsage:      true,
		SilenceErrors:     true,
		Args:              noArgs,
		RunE:              groupRun,
		PersistentPreRunE: a.setup,
	}
	pf := root.PersistentFlags()
	pf.String("config", "", "config file (default $XDG_CONFIG_HOME/vigil/config.yaml if present; env VIGIL_CONFIG)")
	for _, s := range config.Settings {
		if s.Key == "listen" {
			continue // only serve has it
		}
		pf.String(s.Key, "", s.Usage+" (env "+config.EnvName(s.Key)+")")
	}
	pf.StringVarP(&a.output, "output", "o", formatTable, "output format: table, json or csv")
	a.flags = pf
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return &usageError{err} })
	root.AddCommand(
		a.versionCommand(),
		a.quickstartCommand(),
		a.serveCommand(),
		a.dbCommand(),
		a.orgCommand(),
		a.productCommand(),
		a.releaseCommand(),
		a.sbomCommand(),
		a.mds2Command(),
		a.feedCommand(),
		a.vulnCommand(),
		a.scanCommand(),
		a.matchCommand(),
		a.findingCommand(),
		a.tokenCommand(),
		a.lifecycleCommand(),
		a.assetCommand(), a.exposureCommand(), a.shareCommand(),
		a.vexCommand(),
	)
	root.CompletionOptions.DisableDefaultCmd = true
	return root
}

// setup resolves the configuration and the logger before any command runs.
func (a *app) setup(cmd *cobra.Command, _ []string) error {
	switch {
	case a.output == formatTable, a.output == formatJSON, a.output == formatCSV:
	case cmd.Name() == "scan" && (a.output == "sarif" || a.output == "cyclonedx-vex"):
	default:
		return usagef("-o %q: want table, json or csv", a.output)
	}
	flags := map[string]string{}
	cmd.Flags().Visit(func(f *pflag.Flag) { flags[f.Name] = f.Value.String() })
	cfg, err := config.Load(config.Inputs{Flags: flags, ConfigFile: flags["config"], Getenv: a.env.Getenv})
	if err != nil {
		return err
	}
	a.cfg = cfg
	a.cmd = cmd
	level, _ := config.ParseLevel(cfg.LogLevel)
	opts := &slog.HandlerOptions{Level: level}
	var h slog.Handler = slog.NewTextHandler(a.env.Stderr, opts)
	if cfg.LogFormat == "json" {
		h = slog.NewJSONHandler(a.env.Stderr, opts)
	}
	a.log = slog.New(h)
	return nil
}

// service opens the store on first use. A brand-new SQLite file is migrated
// on the spot, so the first command on a fresh machine just works; any other
// store must be current, or the user is told to run vigil db migrate.
func (a *app) service(ctx context.Context) (*application.App, error) {
	if a.ready {
		return a.svc, nil
	}
	st, err := a.open(ctx)
	if err != nil {
		return nil, err
	}
	cur, latest, err := st.SchemaVersion(ctx)
	if err != nil {
		return nil, err
	}
	switch {
	case cur == 0 && st.Backend() == config.SQLite:
		if _, err := st.Migrate(ctx); err != nil {
			return nil, err
		}
	case cur < latest:
		return nil, fmt.Errorf("database schema is at version %d, this vigil needs %d: run 'vigil db migrate'", cur, latest)
	case cur > latest:
		return nil, fmt.Errorf("database schema is at version %d, newer than this vigil knows (%d): upgrade vigil", cur, latest)
	}
	a.ready = true
	return st, nil
}

// open opens the application without checking its schema, for the
// commands that manage the database itself.
func (a *app) open(ctx context.Context) (*application.App, error) {
	if a.svc != nil {
		return a.svc, nil
	}
	var opts []application.Option
	if a.env.Now != nil {
		opts = append(opts, application.WithClock(a.env.Now))
	}
	st, err := a.env.Open(ctx, a.cfg.DB, a.mayCreate(), opts...)
	if err != nil {
		// The driver's message may quote the connection string.
		return nil, config.RedactError(fmt.Errorf("open database %s: %w", config.Redact(a.cfg.DB), err), a.cfg.DB)
	}
	a.svc = st
	return st, nil
}

// createsDB names the commands that may create a missing SQLite database:
// those that start one or put data into it. Commands that only read (list,
// show, status, export, backup…) never do, so a mistyped --db leaves no
// empty database behind, and neither does a string that is not an
// explicit sqlite: path.
var createsDB = map[string]bool{
	"migrate": true, "restore": true, "serve": true, "quickstart": true,
	"import": true, "create": true, "add": true, "set": true, "sync": true,
}

func (a *app) mayCreate() bool {
	return a.cmd != nil && createsDB[a.cmd.Name()] && config.ExplicitSQLite(a.cfg.DB)
}

// actor names the person at the terminal for the records they leave.
func (a *app) actor() string {
	for _, k := range []string{"VIGIL_ACTOR", "USER", "LOGNAME"} {
		if v := a.env.Getenv(k); v != "" {
			return v
		}
	}
	return "unknown"
}

func (a *app) render(cmd *cobra.Command, v any, t *table) error {
	return render(cmd.OutOrStdout(), a.output, v, t)
}

// createPrivate creates path for an export that holds organisation data
// (device addresses, SBOMs, VEX, forms): readable and writable by its owner
// only, whatever the umask, and never over an existing file.
func createPrivate(path string) (*os.File, error) {
	return os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
}

// noArgs, exactArgs and rangeArgs wrap cobra's checks as usage errors.
func noArgs(cmd *cobra.Command, args []string) error {
	if len(args) > 0 {
		if cmd.HasSubCommands() {
			return usagef("unknown command %q for %q", args[0], cmd.CommandPath())
		}
		return usagef("%s takes no arguments, got %q", cmd.CommandPath(), strings.Join(args, " "))
	}
	return nil
}

func exactArgs(n int, names string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) != n {
			return usagef("usage: %s %s", cmd.CommandPath(), names)
		}
		return nil
	}
}

// groupRun runs for a command that only groups others: without a
// subcommand it shows help and counts as a usage error.
func groupRun(cmd *cobra.Command, _ []string) error {
	cmd.SetOut(cmd.ErrOrStderr())
	_ = cmd.Help()
	return &exitError{code: ExitUsage, msg: "missing command"}
}

func group(use, short string, children ...*cobra.Command) *cobra.Command {
	c := &cobra.Command{Use: use, Short: short, Args: noArgs, RunE: groupRun}
	c.AddCommand(children...)
	return c
}

// dateFlag parses an optional YYYY-MM-DD flag value.
func dateFlag(name, v string) (vigil.Date, error) {
	if v == "" {
		return vigil.Date{}, nil
	}
	d, err := vigil.ParseDate(v)
	if err != nil {
		return vigil.Date{}, usagef("--%s: %v", name, err)
	}
	return d, nil
}

func formatTime(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.UTC().Format(time.RFC3339)
}

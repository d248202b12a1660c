// Command wsis runs the WSIS Stocktaking & Prizes platform: by default the
// HTTP server with its API and web UI, and subcommands for operators.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr)
	stop()
	if err != nil && !errors.Is(err, flag.ErrHelp) {
		fmt.Fprintln(os.Stderr, "wsis:", err)
		os.Exit(1)
	}
}

const usage = `wsis runs the WSIS Stocktaking & Prizes platform.

Usage:
  wsis [serve] [flags]   serve the API and the web UI (the default)
  wsis admin create --email EMAIL
                         create or promote a verified admin; password on stdin
  wsis keys add          add an access-token signing key (rotation)
  wsis healthcheck [--url U]
                         exit 0 when the local server is ready (container healthchecks)
  wsis seed --projects N [--users U]
                         fill the database with synthetic published projects
  wsis bench catalogue --projects N [--requests R]
                         measure the catalogue on a fresh embedded store
  wsis help              show this text

Every flag mirrors an environment variable; "wsis serve --help" lists them.
`

// run dispatches to a subcommand. It returns when the subcommand ends; the
// server ends when ctx is cancelled (SIGINT or SIGTERM).
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	cmd := "serve"
	if len(args) > 0 && (args[0] == "" || args[0][0] != '-') {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "serve":
		cfg, err := loadConfig("wsis serve", args, getenv, stderr)
		if err != nil {
			return err
		}
		return serve(ctx, cfg, stderr, nil)
	case "admin":
		return adminCommand(ctx, args, getenv, stdin, stdout, stderr)
	case "healthcheck":
		return healthcheckCommand(ctx, args, getenv, stdout, stderr)
	case "keys":
		return keysCommand(ctx, args, getenv, stdout, stderr)
	case "seed":
		return seedCommand(ctx, args, getenv, stdout, stderr)
	case "bench":
		return benchCommand(ctx, args, getenv, stdout, stderr)
	case "help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprint(stderr, usage)
	return fmt.Errorf("unknown command %q", cmd)
}

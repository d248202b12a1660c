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

Usage: wsis [command] [flags]

Commands:
  serve              serve the API and the web UI (the default when no command is named)
  admin create       create or promote a verified admin (--email E; password on stdin)
  seed               fill the database with synthetic published projects (--projects N)
  bench catalogue    measure the catalogue's queries on a fresh embedded store
  bench accounts     measure signed-in reads and writes of profiles under load
  bench votes        measure casting votes over HTTP against raw inserts
  bench recount      measure the authoritative recount of N votes
  bench soak         mixed traffic for a duration: errors, p99 per route, memory
  bench budget       the performance budget in one run (--small for CI)
  backup             write every collection and its indexes to a file (--out FILE)
  restore            restore a backup file into an empty database (wsis restore FILE [--force])
  keys add           add an access-token signing key (rotation)
  verify-receipt     check a vote's inclusion proof offline (--receipt R --proof FILE --root HEX)
  healthcheck        exit 0 when the local server is ready (container healthchecks)
  help               show this text

"wsis COMMAND --help" shows a command's flags; every flag mirrors an
environment variable ("wsis serve --help" lists them).
`

// run dispatches to a subcommand. It returns when the subcommand ends; the
// server ends when ctx is cancelled (SIGINT or SIGTERM).
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	cmd := "serve"
	if len(args) > 0 && (args[0] == "" || args[0][0] != '-') {
		cmd, args = args[0], args[1:]
	} else if len(args) > 0 && isHelpFlag(args[0]) {
		cmd = "help"
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
	case "backup":
		return backupCommand(ctx, args, getenv, stdout, stderr)
	case "restore":
		return restoreCommand(ctx, args, getenv, stdout, stderr)
	case "keys":
		return keysCommand(ctx, args, getenv, stdout, stderr)
	case "seed":
		return seedCommand(ctx, args, getenv, stdout, stderr)
	case "bench":
		return benchCommand(ctx, args, getenv, stdout, stderr)
	case "verify-receipt":
		return verifyReceiptCommand(args, stdout, stderr)
	case "help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprint(stderr, usage)
	return fmt.Errorf("unknown command %q", cmd)
}

// isHelpFlag reports whether arg asks for help ("-h", "--help", …).
func isHelpFlag(arg string) bool {
	switch arg {
	case "-h", "-help", "--help":
		return true
	}
	return false
}

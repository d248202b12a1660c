package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/wsis-platform/wsis/auth"
	"github.com/wsis-platform/wsis/models"
)

const keysUsage = `Usage: wsis keys add [configuration flags]

Adds a new access-token signing key to the database. Every replica signs
with it from its next key reload (within five minutes, or at once when it
meets a token of the new key); tokens of the older keys keep verifying
until they expire. The configuration is that of "wsis serve".
`

// keysCommand runs "wsis keys add": the rotation of signing keys.
func keysCommand(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "add" {
		fmt.Fprint(stderr, keysUsage)
		return errors.New(`keys: the only subcommand is "add"`)
	}
	cfg, err := loadConfig("wsis keys add", args[1:], getenv, stderr)
	if err != nil {
		return err
	}
	st, err := openStore(ctx, cfg, newLogger(stderr, "warn"))
	if err != nil {
		return err
	}
	defer st.Close(context.WithoutCancel(ctx))
	tokens, err := auth.NewTokens(ctx, st, cfg.PublicURL, cfg.PublicURL+"/api", models.SystemClock{})
	if err != nil {
		return err
	}
	kid, err := tokens.AddKey(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "added signing key %s; %d keys verify tokens\n", kid, len(tokens.JWKS()))
	return nil
}

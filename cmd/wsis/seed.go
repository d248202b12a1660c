package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/wsis-platform/wsis/auth"
	"github.com/wsis-platform/wsis/models"
	"github.com/wsis-platform/wsis/store/seed"
)

// seedPassword is the password of every seeded account, printed by the
// command: seeded data is for demos and benchmarks only.
const seedPassword = "seeded account password"

// seedCommand runs "wsis seed": it fills the configured database with
// synthetic published projects and accounts, then brings the search index
// up to date.
func seedCommand(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var projects, users int
	cfg, err := loadConfig("wsis seed", args, getenv, stderr, func(fs *flag.FlagSet) {
		fs.IntVar(&projects, "projects", 1000, "published projects to create")
		fs.IntVar(&users, "users", 50, "accounts to create and own the projects")
	})
	if err != nil {
		return err
	}
	if projects < 0 || users < 1 {
		return errors.New("seed: --projects must be ≥ 0 and --users ≥ 1")
	}
	log := newLogger(stderr, "warn")
	st, err := openStore(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer st.Close(context.WithoutCancel(ctx))
	hash, err := auth.NewHasher(1).Hash(ctx, seedPassword)
	if err != nil {
		return err
	}
	start := time.Now()
	res, err := seed.Run(ctx, st, seed.Options{Projects: projects, Users: users, PasswordHash: hash,
		Seed: uint64(time.Now().UnixNano()), Now: models.SystemClock{}.Now()})
	if err != nil {
		return err
	}
	stored := time.Since(start)
	index, err := openSearch(ctx, cfg, st, log)
	if err != nil {
		return err
	}
	defer index.Close()
	fmt.Fprintf(stdout, "seeded %d projects and %d accounts in %s (store %s, search index %s)\n",
		res.Projects, len(res.Users), time.Since(start).Round(time.Millisecond), stored.Round(time.Millisecond),
		(time.Since(start) - stored).Round(time.Millisecond))
	fmt.Fprintf(stdout, "accounts stakeholder0@seed.example … stakeholder%d@seed.example, password %q\n", len(res.Users)-1, seedPassword)
	return nil
}

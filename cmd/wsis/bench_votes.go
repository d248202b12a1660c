package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"

	"github.com/wsis-platform/wsis/auth"
	"github.com/wsis-platform/wsis/models"
	"github.com/wsis-platform/wsis/store"
	"github.com/wsis-platform/wsis/store/search"
	"github.com/wsis-platform/wsis/store/seed"
)

// benchContest is the contest the votes benchmark seeds; its raw baseline
// writes under the next year, into the same collection.
const benchContest = 2030

// benchVotes runs "wsis bench votes": N verified voters cast one vote in
// every category over HTTP from C clients — against this process's own
// server on a fresh embedded store, or with --url against a running server
// whose MongoDB deployment (WSIS_MONGODB_URI, WSIS_MONGODB_DATABASE) the benchmark
// seeds; then the same number of vote documents go straight into the same
// store with single InsertOnes from C callers.
func benchVotes(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("wsis bench votes", flag.ContinueOnError)
	fs.SetOutput(stderr)
	voters := fs.Int("voters", 2000, "verified voters to seed; each votes in every category")
	concurrency := fs.Int("concurrency", 64, "concurrent clients")
	target := fs.String("url", "", "base URL of a running server to vote against, instead of this process's own; "+
		"it must use the MongoDB deployment of WSIS_MONGODB_URI and WSIS_MONGODB_DATABASE, which are seeded, and a database without a 2030 contest")
	publicURL := fs.String("public-url", "", "with --url: the server's WSIS_PUBLIC_URL, its tokens' issuer (default: --url)")
	profile := fs.String("cpuprofile", "", "write a CPU profile of the HTTP votes to this file")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *voters < 1 || *concurrency < 1 {
		return fmt.Errorf("bench votes: --voters and --concurrency must be ≥ 1")
	}
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	var (
		st     *store.Store
		base   string
		tokens *auth.Tokens
	)
	if *target == "" {
		var (
			dir  string
			done func()
			err  error
		)
		if st, dir, done, err = openBenchStore(ctx); err != nil {
			return err
		}
		defer done()
		index, err := search.Open(filepath.Join(dir, "search"), quiet)
		if err != nil {
			return err
		}
		defer index.Close()
		srv, err := startBenchServer(ctx, st, index, auth.NewHasher(1), quiet)
		if err != nil {
			return err
		}
		defer srv.Close()
		base, tokens = srv.URL, srv.Tokens
	} else {
		var done func()
		var err error
		if st, tokens, done, err = openTargetStore(ctx, "votes", *target, *publicURL, getenv, quiet); err != nil {
			return err
		}
		defer done()
		base = strings.TrimSuffix(*target, "/")
	}
	start := time.Now()
	users, nominees, err := seedVoting(ctx, st, *voters)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "seeded %d verified voters and %d nominees in 18 categories in %s\n", len(users), len(nominees),
		time.Since(start).Round(time.Millisecond))
	bearers := make([]string, len(users))
	for i, u := range users {
		if bearers[i], _, err = tokens.Issue(u); err != nil {
			return err
		}
	}
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: *concurrency}}
	url := fmt.Sprintf("%s/api/v1/contests/%d/votes", base, benchContest)
	total := len(users) * len(models.ActionLines)
	var created, conflicts atomic.Int64
	stopProfile, err := startCPUProfile(*profile)
	if err != nil {
		return err
	}
	app := runEach(*concurrency, total, func(i int) error {
		voter, category := i/len(models.ActionLines), 1+i%len(models.ActionLines)
		n := nominees[(category-1)*nomineesPerCategory+voter%nomineesPerCategory]
		r, err := jsonRequest(http.MethodPost, url, map[string]any{"category": category, "nomination_id": n.ID})
		if err != nil {
			return err
		}
		r.Header.Set("Authorization", "Bearer "+bearers[voter])
		res, err := client.Do(r)
		if err != nil {
			return err
		}
		_, _ = io.Copy(io.Discard, res.Body)
		res.Body.Close()
		switch res.StatusCode {
		case http.StatusCreated:
			created.Add(1)
			return nil
		case http.StatusConflict:
			conflicts.Add(1)
		}
		return fmt.Errorf("vote: status %d", res.StatusCode)
	})
	stopProfile()
	raw := runEach(*concurrency, total, func(i int) error {
		voter := fmt.Sprintf("%024x", i/len(models.ActionLines))
		category := 1 + i%len(models.ActionLines)
		errs := st.InsertVotes(ctx, []models.Vote{{ID: models.VoteID(benchContest+1, category, voter), Contest: benchContest + 1,
			Category: category, NominationID: nominees[category-1].ID, VoterID: voter, CastAt: time.Now().UTC(),
			Receipt: fmt.Sprintf("%064x", i), ClientHash: fmt.Sprintf("%032x", i), AgentHash: fmt.Sprintf("%032x", i)}})
		return errs[0]
	})
	fmt.Fprintf(stdout, "\n%d votes, %d clients\n%-20s %10s %8s %8s %8s %8s\n", total, *concurrency, "path", "votes/s", "p50 ms", "p95 ms", "p99 ms", "errors")
	app.print(stdout, "HTTP POST votes")
	raw.print(stdout, "store InsertOne")
	fmt.Fprintf(stdout, "ratio app/raw: %.2f\n", app.rate()/raw.rate())
	fmt.Fprintf(stdout, "process RSS %s\n", peakRSS())
	r, err := st.RecountVotes(ctx, benchContest, 0)
	if err != nil {
		return err
	}
	lost := max(0, created.Load()-r.Votes)
	dups := max(0, r.Votes-created.Load())
	fmt.Fprintf(stdout, "recount %d, answered 201 %d, 409 %d: lost: %d, duplicates: %d\n", r.Votes, created.Load(), conflicts.Load(), lost, dups)
	if lost != 0 || dups != 0 {
		return fmt.Errorf("bench votes: the recount differs from the acknowledged votes")
	}
	return nil
}

// nomineesPerCategory is how many nominees the votes benchmark seeds in each
// category.
const nomineesPerCategory = 5

// seedVoting stores n verified voters and a contest whose voting window is
// open now, with nomineesPerCategory published nominees in every category.
func seedVoting(ctx context.Context, st *store.Store, n int) ([]models.User, []models.Nomination, error) {
	now := time.Now().UTC()
	res, err := seed.Run(ctx, st, seed.Options{Users: n, PasswordHash: "$argon2id$unused", Seed: 11, Now: now})
	if err != nil {
		return nil, nil, err
	}
	for _, u := range res.Users {
		if err := st.MarkEmailVerified(ctx, u.ID, now); err != nil {
			return nil, nil, err
		}
	}
	day := 24 * time.Hour
	c := models.Contest{Year: benchContest, Title: "WSIS Prizes benchmark", Settings: models.DefaultContestSettings(),
		Stages: models.Stages{NomineesPublished: true}, CreatedAt: now, UpdatedAt: now,
		Schedule: models.Schedule{Submission: models.Window{OpensAt: now.Add(-90 * day), ClosesAt: now.Add(-60 * day)},
			Review:    models.Window{OpensAt: now.Add(-60 * day), ClosesAt: now.Add(-30 * day)},
			Voting:    models.Window{OpensAt: now.Add(-day), ClosesAt: now.Add(30 * day)},
			Selection: models.Window{OpensAt: now.Add(30 * day), ClosesAt: now.Add(40 * day)}}}
	if _, err := st.CreateContest(ctx, c); err != nil {
		return nil, nil, err
	}
	var nominees []models.Nomination
	for _, line := range models.ActionLines {
		for i := range nomineesPerCategory {
			nm, err := st.CreateNomination(ctx, models.Nomination{Contest: benchContest, Category: line.Number,
				ProjectID: fmt.Sprintf("project-%02d-%d", line.Number, i), ProjectTitle: fmt.Sprintf("Project %d of %s", i, line.Code),
				Organization: fmt.Sprintf("Organization %02d-%d", line.Number, i), NominatorID: res.Users[0].ID,
				State: models.NominationNominee, CreatedAt: now, UpdatedAt: now})
			if err != nil {
				return nil, nil, err
			}
			nominees = append(nominees, nm)
		}
	}
	return res.Users, nominees, nil
}

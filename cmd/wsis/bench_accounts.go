package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"path/filepath"
	"time"

	"github.com/wsis-platform/wsis/auth"
	"github.com/wsis-platform/wsis/store/search"
	"github.com/wsis-platform/wsis/store/seed"
)

// benchAccounts runs "wsis bench accounts": signed-in requests, each of
// which reloads its account by _id, against N seeded accounts.
func benchAccounts(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("wsis bench accounts", flag.ContinueOnError)
	fs.SetOutput(stderr)
	users := fs.Int("users", 20000, "accounts to seed")
	concurrency := fs.Int("concurrency", 32, "concurrent clients")
	duration := fs.Duration("duration", 8*time.Second, "how long each request kind is loaded")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *users < 1 || *concurrency < 1 || *duration <= 0 {
		return fmt.Errorf("bench accounts: --users and --concurrency must be ≥ 1 and --duration > 0")
	}
	st, dir, done, err := openBenchStore(ctx)
	if err != nil {
		return err
	}
	defer done()
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	hash, err := auth.NewHasher(1).Hash(ctx, seedPassword)
	if err != nil {
		return err
	}
	start := time.Now()
	seeded, err := seed.Run(ctx, st, seed.Options{Users: *users, PasswordHash: hash, Seed: 7, Now: time.Now().UTC()})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "seeded %d accounts into the embedded store in %s\n", len(seeded.Users), time.Since(start).Round(time.Millisecond))
	index, err := search.Open(filepath.Join(dir, "search"), quiet)
	if err != nil {
		return err
	}
	defer index.Close()
	srv, err := startBenchServer(ctx, st, index, auth.NewHasher(hashSlots()), quiet)
	if err != nil {
		return err
	}
	defer srv.Close()
	tokens := make([]string, len(seeded.Users))
	for i, u := range seeded.Users {
		if tokens[i], _, err = srv.Tokens.Issue(u); err != nil {
			return err
		}
	}
	a := accountsLoad{client: &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: *concurrency}},
		api: srv.URL + "/api/v1", tokens: tokens, refresh: make([]string, *concurrency)}
	fmt.Fprintf(stdout, "\n%d clients for %s each, each request as a random one of %d accounts\n", *concurrency, *duration, len(tokens))
	fmt.Fprintf(stdout, "%-20s %10s %8s %8s %8s %8s\n", "request", "req/s", "p50 ms", "p95 ms", "p99 ms", "errors")
	for _, b := range []struct {
		name string
		run  func(client int, rng *rand.Rand) error
	}{
		{"GET /me", a.getMe},
		{"PATCH /me", a.patchMe},
		{"POST /auth/login", a.login},
		{"POST /auth/refresh", a.rotate},
	} {
		load(ctx, *concurrency, *duration, b.run).print(stdout, b.name)
	}
	return nil
}

// accountsLoad holds the requests of the accounts benchmark: signed-in
// members reading and editing their profile, signing in, and each client
// rotating its own session's refresh token.
type accountsLoad struct {
	client  *http.Client
	api     string
	tokens  []string // an access token per seeded account
	refresh []string // each client's current refresh token
}

func (a accountsLoad) getMe(_ int, rng *rand.Rand) error {
	r, err := http.NewRequest(http.MethodGet, a.api+"/me", nil)
	if err != nil {
		return err
	}
	r.Header.Set("Authorization", "Bearer "+a.tokens[rng.IntN(len(a.tokens))])
	_, err = a.do(r, nil)
	return err
}

func (a accountsLoad) patchMe(_ int, rng *rand.Rand) error {
	r, err := jsonRequest(http.MethodPatch, a.api+"/me", map[string]string{"name": fmt.Sprintf("Member %d", rng.IntN(1000))})
	if err != nil {
		return err
	}
	r.Header.Set("Authorization", "Bearer "+a.tokens[rng.IntN(len(a.tokens))])
	_, err = a.do(r, nil)
	return err
}

func (a accountsLoad) login(_ int, rng *rand.Rand) error {
	_, err := a.signIn(rng)
	return err
}

// rotate exchanges the client's refresh token for the next one; a client's
// first call signs in to start its session.
func (a accountsLoad) rotate(client int, rng *rand.Rand) error {
	if a.refresh[client] == "" {
		rt, err := a.signIn(rng)
		a.refresh[client] = rt
		return err
	}
	r, err := jsonRequest(http.MethodPost, a.api+"/auth/refresh", map[string]string{"refresh_token": a.refresh[client]})
	if err != nil {
		return err
	}
	var tok struct {
		RefreshToken string `json:"refresh_token"`
	}
	if _, err := a.do(r, &tok); err != nil {
		return err
	}
	a.refresh[client] = tok.RefreshToken
	return nil
}

// signIn signs in as a random seeded account and returns its refresh token.
func (a accountsLoad) signIn(rng *rand.Rand) (string, error) {
	email := fmt.Sprintf("stakeholder%d@seed.example", rng.IntN(len(a.tokens)))
	r, err := jsonRequest(http.MethodPost, a.api+"/auth/login", map[string]string{"email": email, "password": seedPassword})
	if err != nil {
		return "", err
	}
	var tok struct {
		RefreshToken string `json:"refresh_token"`
	}
	_, err = a.do(r, &tok)
	return tok.RefreshToken, err
}

func jsonRequest(method, url string, body any) (*http.Request, error) {
	b, err := json.Marshal(body)
	if err != nil {
		return nil, err
	}
	r, err := http.NewRequest(method, url, bytes.NewReader(b))
	if err == nil {
		r.Header.Set("Content-Type", "application/json")
	}
	return r, err
}

// do sends r and decodes the answer into into when it is not nil, or reads
// it whole; any status but 200 is an error.
func (a accountsLoad) do(r *http.Request, into any) (int, error) {
	res, err := a.client.Do(r)
	if err != nil {
		return 0, err
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		_, _ = io.Copy(io.Discard, res.Body)
		return res.StatusCode, fmt.Errorf("%s %s: status %d", r.Method, r.URL.Path, res.StatusCode)
	}
	if into != nil {
		return res.StatusCode, json.NewDecoder(res.Body).Decode(into)
	}
	_, err = io.Copy(io.Discard, res.Body)
	return res.StatusCode, err
}

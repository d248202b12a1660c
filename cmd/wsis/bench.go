package main

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"runtime/pprof"
	"slices"
	"strings"
	"time"

	"github.com/wsis-platform/wsis/auth"
	"github.com/wsis-platform/wsis/handlers"
	"github.com/wsis-platform/wsis/mail"
	"github.com/wsis-platform/wsis/models"
	"github.com/wsis-platform/wsis/store"
	"github.com/wsis-platform/wsis/store/search"
	"github.com/wsis-platform/wsis/store/seed"
)

const benchUsage = `Usage: wsis bench catalogue --projects N [--requests R] [--concurrency C --duration D] [--url U]
       wsis bench accounts --users N [--concurrency C] [--duration D]
       wsis bench votes --voters N [--concurrency C] [--url U]
       wsis bench recount --votes N
       wsis bench soak --duration D [--concurrency C] [--url U]
       wsis bench budget [--small]

Each seeds a fresh embedded store in a temporary directory and serves the API
on a loopback port.

catalogue measures over HTTP the latency of a filtered page, a text search, a
faceted first page and a deep cursor page, then the same queries straight
against the store; with --concurrency, it then loads the front page, random
filter combinations and random two-word searches from C clients for D each.
With --url it measures a running server instead, over HTTP only.

accounts loads GET /me and PATCH /me, as signed-in members, from C concurrent
clients for D each, and reports requests per second and latency.

votes seeds N verified voters and a contest with published nominees, casts
one vote per voter per category over HTTP from C clients, then inserts as
many vote documents straight into the store with single InsertOnes from C
callers (the raw baseline), and checks the recount against the 201 answers.

soak sends mixed traffic (catalogue reads, logins, project edits, votes) from
C clients for D, and reports every error (there must be none), the p99 per
route and whether the server's resident memory stays flat.

recount inserts N votes in bulk and times the authoritative recount of them,
with the process's resident memory.

budget runs the performance budget in one go: the catalogue on 20,000
projects with its load, the vote path of 2,000 voters with the server's
memory, the recount of 1,000,000 votes, and the start to ready on an
existing data directory of 20,000 projects; --small at sizes for CI.
`

// benchCommand runs "wsis bench catalogue" and "wsis bench accounts".
func benchCommand(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) > 0 && args[0] == "accounts" {
		return benchAccounts(ctx, args[1:], stdout, stderr)
	}
	if len(args) > 0 && args[0] == "votes" {
		return benchVotes(ctx, args[1:], getenv, stdout, stderr)
	}
	if len(args) > 0 && args[0] == "budget" {
		return benchBudget(ctx, args[1:], getenv, stdout, stderr)
	}
	if len(args) > 0 && args[0] == "soak" {
		return benchSoak(ctx, args[1:], getenv, stdout, stderr)
	}
	if len(args) > 0 && args[0] == "recount" {
		return benchRecount(ctx, args[1:], stdout, stderr)
	}
	if len(args) == 0 || args[0] != "catalogue" {
		fmt.Fprint(stderr, benchUsage)
		return errors.New(`bench: name a benchmark: "catalogue", "accounts", "votes", "recount", "soak" or "budget"`)
	}
	fs := flag.NewFlagSet("wsis bench catalogue", flag.ContinueOnError)
	fs.SetOutput(stderr)
	projects := fs.Int("projects", 20000, "published projects to seed")
	requests := fs.Int("requests", 200, "requests per query")
	direct := fs.Bool("direct", true, "also run the queries straight against the store")
	concurrency := fs.Int("concurrency", 0, "then load the front page, random filters and random searches from this many clients")
	duration := fs.Duration("duration", 8*time.Second, "with --concurrency: how long each kind of query is loaded")
	target := fs.String("url", "", "measure the server running at this address instead of seeding one (HTTP rows and load only)")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if *target != "" {
		return catalogueHTTP(ctx, strings.TrimSuffix(*target, "/")+"/api/v1/projects?", *requests, *concurrency, *duration, stdout, nil)
	}
	st, dir, done, err := openBenchStore(ctx)
	if err != nil {
		return err
	}
	defer done()
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	hasher := auth.NewHasher(2)
	hash, err := hasher.Hash(ctx, seedPassword)
	if err != nil {
		return err
	}
	start := time.Now()
	if _, err := seed.Run(ctx, st, seed.Options{Projects: *projects, Users: 100, PasswordHash: hash, Seed: 42, Now: time.Now().UTC()}); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "seeded %d projects into the embedded store in %s\n", *projects, time.Since(start).Round(time.Millisecond))
	start = time.Now()
	index, err := search.Open(filepath.Join(dir, "search"), quiet)
	if err != nil {
		return err
	}
	defer index.Close()
	if _, err := index.CatchUp(ctx, st); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "built the search index in %s\n", time.Since(start).Round(time.Millisecond))

	srv, err := startBenchServer(ctx, st, index, hasher, quiet)
	if err != nil {
		return err
	}
	defer srv.Close()
	africa := countriesOf(models.RegionAfrica)
	var storeRows []benchRow
	if *direct {
		storeRows = []benchRow{{"store filtered page (action line + region)", func() error {
			_, err := st.DirectPage(ctx, store.DirectQuery{ActionLine: "c3", Countries: africa, Limit: 20})
			return err
		}},
			{"store text search (regex)", func() error {
				_, err := st.DirectPage(ctx, store.DirectQuery{Text: "telemedicine", Limit: 20})
				return err
			}},
			{"store one facet (aggregation)", func() error { _, err := st.DirectActionLineCounts(ctx); return err }},
			{"store deep page (skip 1000)", func() error {
				_, err := st.DirectPage(ctx, store.DirectQuery{Skip: 1000, Limit: 20})
				return err
			}}}
	}
	return catalogueHTTP(ctx, srv.URL+"/api/v1/projects?", *requests, *concurrency, *duration, stdout, storeRows)
}

// benchRow is one query of the sequential latency table.
type benchRow struct {
	name string
	run  func() error
}

// catalogueHTTP prints the sequential latency table of the catalogue at
// base — the HTTP rows, then storeRows with fewer rounds, since the store
// scans the collection — and with concurrency > 0 loads it.
func catalogueHTTP(ctx context.Context, base string, requests, concurrency int, duration time.Duration, stdout io.Writer, storeRows []benchRow) error {
	deep, err := cursorAt(base+"limit=20", 50)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "\n%d requests each, latency in ms\n%-44s %8s %8s %8s\n", requests, "query", "p50", "p95", "p99")
	rows := []benchRow{
		{"HTTP filtered page (action line + region)", httpGet(base + "action_line=c3&region=africa&limit=20")},
		{"HTTP text search q", httpGet(base + "q=" + url.QueryEscape("telemedicine rural") + "&limit=20")},
		{"HTTP faceted first page", httpGet(base + "limit=20")},
		{"HTTP deep cursor page (page 51)", httpGet(base + "limit=20&cursor=" + url.QueryEscape(deep))},
	}
	for i, b := range append(rows, storeRows...) {
		n := requests
		if i >= len(rows) {
			n = max(5, n/40)
		}
		lat, err := measure(n, b.run)
		if err != nil {
			return fmt.Errorf("%s: %w", b.name, err)
		}
		fmt.Fprintf(stdout, "%-44s %8.2f %8.2f %8.2f\n", b.name, pct(lat, 50), pct(lat, 95), pct(lat, 99))
	}
	if concurrency > 0 {
		catalogueLoad(ctx, base, concurrency, duration, stdout)
	}
	return nil
}

// benchServer is the API served on a loopback port for a benchmark.
type benchServer struct {
	*http.Server
	URL    string
	Tokens *auth.Tokens
}

// openBenchStore starts a fresh embedded store with the platform's indexes
// in a new temporary directory; done closes it and removes the directory.
func openBenchStore(ctx context.Context) (st *store.Store, dir string, done func(), err error) {
	if dir, err = os.MkdirTemp("", "wsis-bench-"); err != nil {
		return nil, "", nil, err
	}
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	st, err = store.Open(ctx, store.Config{Database: "bench", DataDir: filepath.Join(dir, "db"), Logger: quiet})
	if err == nil {
		if err = st.EnsureIndexes(ctx); err != nil {
			_ = st.Close(context.WithoutCancel(ctx))
		}
	}
	if err != nil {
		_ = os.RemoveAll(dir)
		return nil, "", nil, err
	}
	return st, dir, func() { _ = st.Close(context.WithoutCancel(ctx)); _ = os.RemoveAll(dir) }, nil
}

// openTargetStore opens the database of a running server that a benchmark
// loads with --url (WSIS_MONGODB_URI, WSIS_MONGODB_DATABASE), to seed it,
// and the tokens that server accepts (its issuer is publicURL, or target);
// done closes the store.
func openTargetStore(ctx context.Context, bench, target, publicURL string, getenv func(string) string, log *slog.Logger) (st *store.Store, tokens *auth.Tokens, done func(), err error) {
	uri, database := getenv("WSIS_MONGODB_URI"), cmp.Or(getenv("WSIS_MONGODB_DATABASE"), "wsis")
	if uri == "" {
		return nil, nil, nil, fmt.Errorf("bench %s: --url needs WSIS_MONGODB_URI, the running server's database, to seed it", bench)
	}
	if st, err = store.Open(ctx, store.Config{URI: uri, Database: database, Logger: log}); err != nil {
		return nil, nil, nil, err
	}
	done = func() { _ = st.Close(context.WithoutCancel(ctx)) }
	if err = st.EnsureIndexes(ctx); err == nil {
		issuer := cmp.Or(publicURL, target)
		tokens, err = auth.NewTokens(ctx, st, issuer, issuer+"/api", models.SystemClock{})
	}
	if err != nil {
		done()
		return nil, nil, nil, err
	}
	return st, tokens, done, nil
}

// unlimited is a rate limit a benchmark's load never reaches.
var unlimited = handlers.Rate{Events: 1 << 30, Per: time.Second}

// startBenchServer serves the platform's API over st on a free loopback
// port, with login, refresh and write limits a load never reaches.
func startBenchServer(ctx context.Context, st *store.Store, index *search.Index, hasher *auth.Hasher, log *slog.Logger) (*benchServer, error) {
	clock := models.SystemClock{}
	tokens, err := auth.NewTokens(ctx, st, "http://bench", "http://bench/api", clock)
	if err != nil {
		return nil, err
	}
	engine, err := handlers.New(handlers.Config{Store: st, Search: index, Tokens: tokens, Hasher: hasher,
		Mailer: mail.New(st, nil, log, mail.Options{}), Logger: log, Clock: clock,
		RateLimits: handlers.RateLimits{Login: unlimited, Refresh: unlimited, Write: unlimited, Vote: unlimited, VoteIP: unlimited}})
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	srv := &http.Server{Handler: engine, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	return &benchServer{Server: srv, URL: "http://" + ln.Addr().String(), Tokens: tokens}, nil
}

func countriesOf(r models.Region) []string {
	var out []string
	for _, c := range models.Countries() {
		if c.Region == r {
			out = append(out, c.Code)
		}
	}
	return out
}

func httpGet(u string) func() error {
	return func() error {
		res, err := http.Get(u)
		if err != nil {
			return err
		}
		defer res.Body.Close()
		if _, err := io.Copy(io.Discard, res.Body); err != nil {
			return err
		}
		if res.StatusCode != http.StatusOK {
			return fmt.Errorf("status %d", res.StatusCode)
		}
		return nil
	}
}

// cursorAt follows next_cursor from the first page of u and returns the
// cursor of page n+1.
func cursorAt(u string, n int) (string, error) {
	cursor := ""
	for range n {
		next := u
		if cursor != "" {
			next += "&cursor=" + url.QueryEscape(cursor)
		}
		res, err := http.Get(next)
		if err != nil {
			return "", err
		}
		var page struct {
			NextCursor string `json:"next_cursor"`
		}
		err = json.NewDecoder(res.Body).Decode(&page)
		res.Body.Close()
		if err != nil || page.NextCursor == "" {
			return "", fmt.Errorf("cursor: no page after %q: %v", cursor, err)
		}
		cursor = page.NextCursor
	}
	return cursor, nil
}

func measure(n int, run func() error) ([]time.Duration, error) {
	if err := run(); err != nil { // warm-up
		return nil, err
	}
	lat := make([]time.Duration, n)
	for i := range lat {
		start := time.Now()
		if err := run(); err != nil {
			return nil, err
		}
		lat[i] = time.Since(start)
	}
	slices.Sort(lat)
	return lat, nil
}

// pct returns the p-th percentile of sorted latencies, in milliseconds.
func pct(sorted []time.Duration, p int) float64 {
	i := min(len(sorted)-1, (len(sorted)*p+99)/100-1)
	return float64(sorted[max(i, 0)].Microseconds()) / 1000
}

// startCPUProfile writes a CPU profile to path until the returned stop is
// called; with no path it does nothing.
func startCPUProfile(path string) (stop func(), err error) {
	if path == "" {
		return func() {}, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		_ = f.Close()
		return nil, err
	}
	return func() {
		pprof.StopCPUProfile()
		_ = f.Close()
	}, nil
}

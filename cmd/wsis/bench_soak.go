package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/wsis-platform/wsis/auth"
	"github.com/wsis-platform/wsis/models"
	"github.com/wsis-platform/wsis/store"
	"github.com/wsis-platform/wsis/store/search"
	"github.com/wsis-platform/wsis/store/seed"
)

// soakRoutes are the kinds of request a soak mixes, with their weights out
// of 100: mostly catalogue reads, as the public makes them.
var soakRoutes = []struct {
	name   string
	weight int
}{
	{"GET /projects", 55},
	{"GET /projects/{id}", 10},
	{"POST /auth/login", 5},
	{"PATCH /projects/{id}", 15},
	{"POST /votes", 15},
}

// soakTarget is what a soak's clients need: the server, signed-in voters,
// the published projects and one draft per client to edit.
type soakTarget struct {
	base      string
	client    *http.Client
	bearers   []string
	emails    []string
	published []string
	nominees  []models.Nomination
	drafts    []soakDraft
	nextVote  atomic.Int64
}

// soakDraft is a client's own draft project and its current version.
type soakDraft struct {
	id      string
	version int
	bearer  string
}

// benchSoak runs "wsis bench soak": C clients send mixed traffic —
// catalogue reads, logins, project edits and votes — for D against this
// process's own server on a fresh embedded store (or, with --url, a running
// server whose database WSIS_MONGODB_URI names, which is seeded), and
// report every error, the p99 per route and whether the server's resident
// memory stayed flat (its first and last quarters). Any error fails it.
func benchSoak(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("wsis bench soak", flag.ContinueOnError)
	fs.SetOutput(stderr)
	duration := fs.Duration("duration", time.Minute, "how long to send traffic")
	concurrency := fs.Int("concurrency", 8, "concurrent clients")
	voters := fs.Int("voters", 200, "verified voters to seed; each votes at most once per category")
	target := fs.String("url", "", "base URL of a running server, instead of this process's own; it must use the MongoDB "+
		"deployment of WSIS_MONGODB_URI and WSIS_MONGODB_DATABASE, which are seeded, and a database without a 2030 contest")
	publicURL := fs.String("public-url", "", "with --url: the server's WSIS_PUBLIC_URL, its tokens' issuer (default: --url)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *duration <= 0 || *concurrency < 1 || *voters < 1 {
		return errors.New("bench soak: --duration must be > 0, --concurrency and --voters ≥ 1")
	}
	quiet := slog.New(slog.DiscardHandler)
	var (
		st     *store.Store
		tokens *auth.Tokens
		rss    func() (int64, error)
		t      = &soakTarget{client: &http.Client{Timeout: 30 * time.Second,
			Transport: &http.Transport{MaxIdleConnsPerHost: *concurrency}}}
	)
	hasher := auth.NewHasher(1)
	if *target == "" {
		st0, dir, done, err := openBenchStore(ctx)
		if err != nil {
			return err
		}
		defer done()
		index, err := search.Open(filepath.Join(dir, "search"), quiet)
		if err != nil {
			return err
		}
		defer index.Close()
		st0.Observe(index)
		srv, err := startBenchServer(ctx, st0, index, hasher, quiet)
		if err != nil {
			return err
		}
		defer srv.Close()
		st, tokens, t.base, rss = st0, srv.Tokens, srv.URL, selfRSS
	} else {
		var done func()
		var err error
		if st, tokens, done, err = openTargetStore(ctx, "soak", *target, *publicURL, getenv, quiet); err != nil {
			return err
		}
		defer done()
		t.base = strings.TrimSuffix(*target, "/")
		rss = func() (int64, error) { return metricsRSS(t.client, t.base) }
	}
	if err := t.seed(ctx, st, tokens, hasher, *voters, *concurrency); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "seeded %d voters, %d published projects and %d drafts; %d clients for %s\n",
		len(t.bearers), len(t.published), len(t.drafts), *concurrency, *duration)

	every, stopSampling := sampleRSS(rss, max(50*time.Millisecond, *duration/40))
	res := load(ctx, *concurrency, *duration, t.request)
	mem := stopSampling()
	return t.report(stdout, res, mem, every)
}

// seed stores the voters and a voting contest, gives the first voters
// (one per client) a password to sign in with and a draft project created
// over HTTP, and publishes projects for the catalogue.
func (t *soakTarget) seed(ctx context.Context, st *store.Store, tokens *auth.Tokens, hasher *auth.Hasher, voters, clients int) error {
	users, nominees, err := seedVoting(ctx, st, max(voters, clients))
	if err != nil {
		return err
	}
	t.nominees = nominees
	hash, err := hasher.Hash(ctx, seedPassword)
	if err != nil {
		return err
	}
	now := time.Now().UTC()
	for i := range clients {
		if users[i], err = st.SetPassword(ctx, users[i].ID, hash, now); err != nil {
			return err
		}
		t.emails = append(t.emails, users[i].Email)
	}
	rng := rand.New(rand.NewPCG(23, 5))
	projects := make([]models.Project, 200)
	for i := range projects {
		p := seed.Project(rng, users[i%len(users)].ID, now)
		pub := p.ProjectContent
		p.Published = &pub
		projects[i] = p
	}
	if err := st.InsertProjects(ctx, projects); err != nil {
		return err
	}
	for _, p := range projects {
		t.published = append(t.published, p.ID)
	}
	for _, u := range users {
		b, _, err := tokens.Issue(u)
		if err != nil {
			return err
		}
		t.bearers = append(t.bearers, b)
	}
	for i := range clients {
		code, body, _, err := t.send(http.MethodPost, "/api/v1/projects", t.bearers[i], "", soakProject(fmt.Sprintf("Soak draft %d", i)))
		var p models.Project
		if err == nil && (code != http.StatusCreated || json.Unmarshal(body, &p) != nil) {
			err = fmt.Errorf("create a draft: status %d: %s", code, body)
		}
		if err != nil {
			return fmt.Errorf("bench soak: %w", err)
		}
		t.drafts = append(t.drafts, soakDraft{id: p.ID, version: p.Version, bearer: t.bearers[i]})
	}
	return nil
}

// soakProject is a valid new project's body.
func soakProject(title string) map[string]any {
	return map[string]any{"title": title, "summary": strings.Repeat("A project kept under steady load. ", 4),
		"description": "Edited again and again by the soak.", "organization": "Soak Works",
		"stakeholder_type": "civil-society", "countries": []string{"SN"}, "coverage": "national",
		"action_lines": []string{"c3"}, "sdgs": []int{4}, "status": "ongoing", "start_date": "2024-01-01",
		"contact_email": "team@soak.example"}
}

// send sends one JSON request and returns the status, body and ETag.
func (t *soakTarget) send(method, path, bearer, ifMatch string, body any) (int, []byte, string, error) {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return 0, nil, "", err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, t.base+path, rd)
	if err != nil {
		return 0, nil, "", err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	if ifMatch != "" {
		req.Header.Set("If-Match", ifMatch)
	}
	res, err := t.client.Do(req)
	if err != nil {
		return 0, nil, "", err
	}
	defer res.Body.Close()
	out, err := io.ReadAll(res.Body)
	return res.StatusCode, out, res.Header.Get("ETag"), err
}

// soakLatencies collects each route's latencies from every client.
var soakLatencies = struct {
	sync.Mutex
	byRoute map[string][]time.Duration
	errors  map[string]int
	first   map[string]string
}{byRoute: map[string][]time.Duration{}, errors: map[string]int{}, first: map[string]string{}}

// request sends one request of a kind drawn by weight, and records it.
func (t *soakTarget) request(client int, rng *rand.Rand) error {
	n, route := rng.IntN(100), soakRoutes[0].name
	for _, r := range soakRoutes {
		if n < r.weight {
			route = r.name
			break
		}
		n -= r.weight
	}
	start := time.Now()
	err := t.do(route, client, rng)
	soakLatencies.Lock()
	defer soakLatencies.Unlock()
	if err != nil {
		soakLatencies.errors[route]++
		if soakLatencies.first[route] == "" {
			soakLatencies.first[route] = err.Error()
		}
		return err
	}
	soakLatencies.byRoute[route] = append(soakLatencies.byRoute[route], time.Since(start))
	return nil
}

var soakQueries = []string{"limit=20", "action_line=c3&limit=20", "region=africa&sdg=4", "q=health", "sort=title&limit=50", "status=ongoing&year=2024"}

func (t *soakTarget) do(route string, client int, rng *rand.Rand) error {
	want := http.StatusOK
	var (
		code int
		body []byte
		etag string
		err  error
	)
	switch route {
	case "GET /projects":
		code, body, _, err = t.send(http.MethodGet, "/api/v1/projects?"+soakQueries[rng.IntN(len(soakQueries))], "", "", nil)
	case "GET /projects/{id}":
		code, body, _, err = t.send(http.MethodGet, "/api/v1/projects/"+t.published[rng.IntN(len(t.published))], "", "", nil)
	case "POST /auth/login":
		code, body, _, err = t.send(http.MethodPost, "/api/v1/auth/login", "", "",
			map[string]string{"email": t.emails[client%len(t.emails)], "password": seedPassword})
	case "PATCH /projects/{id}":
		// Each client edits only its own draft, so its version is known.
		d := &t.drafts[client%len(t.drafts)]
		code, body, etag, err = t.send(http.MethodPatch, "/api/v1/projects/"+d.id, d.bearer, strconv.Quote(strconv.Itoa(d.version)),
			map[string]string{"title": fmt.Sprintf("Soak draft %d, edit %d", client, rng.IntN(1e6))})
		if err == nil && code == http.StatusOK {
			d.version, _ = strconv.Atoi(strings.Trim(strings.TrimPrefix(etag, "W/"), `"`))
		}
	case "POST /votes":
		i := int(t.nextVote.Add(1) - 1)
		voter, category := i/len(models.ActionLines), 1+i%len(models.ActionLines)
		if voter >= len(t.bearers) {
			// Every voter has voted everywhere: read a ballot instead.
			code, body, _, err = t.send(http.MethodGet, fmt.Sprintf("/api/v1/contests/%d/ballot", benchContest),
				t.bearers[rng.IntN(len(t.bearers))], "", nil)
			break
		}
		n := t.nominees[(category-1)*nomineesPerCategory+voter%nomineesPerCategory]
		want = http.StatusCreated
		code, body, _, err = t.send(http.MethodPost, fmt.Sprintf("/api/v1/contests/%d/votes", benchContest), t.bearers[voter], "",
			map[string]any{"category": category, "nomination_id": n.ID})
	}
	if err != nil {
		return err
	}
	if code != want {
		return fmt.Errorf("status %d: %.200s", code, body)
	}
	return nil
}

// report prints the p99 of every route, its errors, and the memory
// verdict; it fails when any request failed.
func (t *soakTarget) report(w io.Writer, res loadResult, mem []int64, every time.Duration) error {
	soakLatencies.Lock()
	defer soakLatencies.Unlock()
	fmt.Fprintf(w, "\n%-24s %9s %8s %8s %8s\n", "route", "requests", "p50 ms", "p99 ms", "errors")
	for _, r := range soakRoutes {
		lat := soakLatencies.byRoute[r.name]
		slices.Sort(lat)
		if len(lat) == 0 {
			fmt.Fprintf(w, "%-24s %9d %8s %8s %8d\n", r.name, 0, "-", "-", soakLatencies.errors[r.name])
		} else {
			fmt.Fprintf(w, "%-24s %9d %8.2f %8.2f %8d\n", r.name, len(lat), pct(lat, 50), pct(lat, 99), soakLatencies.errors[r.name])
		}
		if e := soakLatencies.first[r.name]; e != "" {
			fmt.Fprintf(w, "  first error: %s\n", e)
		}
	}
	fmt.Fprintf(w, "total: %d requests in %s (%.0f/s), errors: %d\n", len(res.latencies)+res.errors,
		res.elapsed.Round(time.Millisecond), res.rate(), res.errors)
	first, last, flat, ok := memoryTrend(mem)
	switch {
	case !ok:
		fmt.Fprintf(w, "memory: too few samples (%d, one every %s)\n", len(mem), every)
	default:
		verdict := "flat"
		if !flat {
			verdict = "growing"
		}
		fmt.Fprintf(w, "memory: RSS first quarter %s, last quarter %s (%d samples): %s\n", mib(first), mib(last), len(mem), verdict)
	}
	if res.errors > 0 {
		return fmt.Errorf("bench soak: %d requests failed", res.errors)
	}
	return nil
}

// memoryTrend compares the mean resident memory of the first and the last
// quarter of the samples: flat when the last is within 25% (and 32 MiB)
// of the first.
func memoryTrend(mem []int64) (first, last int64, flat, ok bool) {
	q := len(mem) / 4
	if q < 1 {
		return 0, 0, false, false
	}
	mean := func(s []int64) int64 {
		var sum int64
		for _, v := range s {
			sum += v
		}
		return sum / int64(len(s))
	}
	first, last = mean(mem[:q]), mean(mem[len(mem)-q:])
	return first, last, last <= first+max(first/4, 32<<20), true
}

func mib(b int64) string { return fmt.Sprintf("%.1f MiB", float64(b)/(1<<20)) }

// sampleRSS samples rss every interval until stop is called, which returns
// the samples; failed samples are skipped.
func sampleRSS(rss func() (int64, error), every time.Duration) (time.Duration, func() []int64) {
	var (
		mu   sync.Mutex
		out  []int64
		done = make(chan struct{})
		wg   sync.WaitGroup
	)
	wg.Go(func() {
		tick := time.NewTicker(every)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-tick.C:
				if v, err := rss(); err == nil {
					mu.Lock()
					out = append(out, v)
					mu.Unlock()
				}
			}
		}
	})
	return every, func() []int64 {
		close(done)
		wg.Wait()
		return out
	}
}

// selfRSS is this process's resident memory, from /proc (Linux).
func selfRSS() (int64, error) {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			return kb << 10, err
		}
	}
	return 0, errors.New("no VmRSS in /proc/self/status")
}

// metricsRSS is a server's resident memory from its Prometheus metrics.
func metricsRSS(c *http.Client, base string) (int64, error) {
	res, err := c.Get(base + "/metrics")
	if err != nil {
		return 0, err
	}
	defer res.Body.Close()
	sc := bufio.NewScanner(res.Body)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "process_resident_memory_bytes "); ok {
			v, err := strconv.ParseFloat(strings.TrimSpace(rest), 64)
			return int64(v), err
		}
	}
	return 0, errors.New("no process_resident_memory_bytes in /metrics")
}

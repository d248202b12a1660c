package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/wsis-platform/wsis/auth"
	"github.com/wsis-platform/wsis/models"
	"github.com/wsis-platform/wsis/store"
	"github.com/wsis-platform/wsis/store/seed"
)

// crashAdmin signs in as the admin the server creates at start.
const crashAdminEmail, crashAdminPassword = "admin@crash.example", "crash test admin password"

// wsisProcess is the server binary running as a child process.
type wsisProcess struct {
	cmd  *exec.Cmd
	logs *lockedBuffer
	done chan error
}

// startWSIS runs the binary on dataDir, listening on addr, and waits until
// it is ready.
func startWSIS(t *testing.T, bin, dataDir, addr string) *wsisProcess {
	t.Helper()
	cmd := exec.Command(bin)
	cmd.Env = append(os.Environ(), "WSIS_DATA_DIR="+dataDir, "WSIS_ADDR="+addr, "WSIS_PUBLIC_URL=http://"+addr,
		"WSIS_ADMIN_EMAIL="+crashAdminEmail, "WSIS_ADMIN_PASSWORD="+crashAdminPassword, "WSIS_LOG_LEVEL=warn",
		"WSIS_RATE_LOGIN=100000/1s", "WSIS_RATE_WRITE=100000/1s", "WSIS_RATE_VOTE=100000/1s", "WSIS_RATE_VOTE_IP=100000/1s")
	p := &wsisProcess{cmd: cmd, logs: &lockedBuffer{}, done: make(chan error, 1)}
	cmd.Stdout, cmd.Stderr = p.logs, p.logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { p.done <- cmd.Wait() }()
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case err := <-p.done:
			t.Fatalf("the server exited at start: %v\n%s", err, p.logs)
		default:
		}
		if res, err := http.Get("http://" + addr + "/readyz"); err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return p
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	_ = cmd.Process.Kill()
	t.Fatalf("the server was not ready in 60 s\n%s", p.logs)
	return nil
}

// crashClient speaks JSON to the server.
type crashClient struct {
	base string
	http *http.Client
}

func (c crashClient) send(method, path, bearer, ifMatch string, body any) (int, []byte, string, error) {
	t := &soakTarget{base: c.base, client: c.http}
	return t.send(method, path, bearer, ifMatch, body)
}

// must sends a request that has to answer want, and decodes its answer.
func (c crashClient) must(t *testing.T, want int, method, path, bearer string, body, into any) string {
	t.Helper()
	code, out, etag, err := c.send(method, path, bearer, "", body)
	if err != nil || code != want {
		t.Fatalf("%s %s: %d %v %s, want %d", method, path, code, err, out, want)
	}
	if into != nil {
		if err := json.Unmarshal(out, into); err != nil {
			t.Fatalf("%s %s: %v", method, path, err)
		}
	}
	return etag
}

func crashNomination(projectID string, category int) map[string]any {
	words := func(n int, w string) string { return strings.TrimSpace(strings.Repeat(w+" ", n)) }
	return map[string]any{"project_id": projectID, "category": category, "short_description": words(160, "voters"),
		"impact": words(60, "impact"), "sdg_linkage": words(60, "sdg"), "partnerships": words(60, "partners"),
		"challenges": words(60, "challenges"), "implementation": "completed"}
}

// crashSeed stores, before the server first starts, the voters and a 2030
// contest in its voting window (as bench votes does), a 2031 contest in
// its submission window, and one published project per nominator, and
// issues the voters' access tokens with the keys the server will load.
func crashSeed(t *testing.T, dataDir, base string, voters, nominators int) (bearers []string, users []models.User, nominees []models.Nomination, nominable []models.Project) {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, store.Config{Database: "wsis", DataDir: filepath.Join(dataDir, "db"), Logger: testLogger()})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close(ctx)
	if err := st.EnsureIndexes(ctx); err != nil {
		t.Fatal(err)
	}
	if users, nominees, err = seedVoting(ctx, st, voters); err != nil {
		t.Fatal(err)
	}
	now, day := time.Now().UTC(), 24*time.Hour
	if _, err := st.CreateContest(ctx, models.Contest{Year: 2031, Title: "WSIS Prizes 2031", Settings: models.DefaultContestSettings(),
		CreatedAt: now, UpdatedAt: now, Schedule: models.Schedule{
			Submission: models.Window{OpensAt: now.Add(-day), ClosesAt: now.Add(30 * day)},
			Review:     models.Window{OpensAt: now.Add(30 * day), ClosesAt: now.Add(40 * day)},
			Voting:     models.Window{OpensAt: now.Add(40 * day), ClosesAt: now.Add(50 * day)},
			Selection:  models.Window{OpensAt: now.Add(50 * day), ClosesAt: now.Add(60 * day)}}}); err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(31, 7))
	for i := range nominators {
		p := seed.Project(rng, users[i].ID, now)
		p.Organization = fmt.Sprintf("Crash Organization %d", i)
		pub := p.ProjectContent
		p.Published = &pub
		nominable = append(nominable, p)
	}
	if err := st.InsertProjects(ctx, nominable); err != nil {
		t.Fatal(err)
	}
	tokens, err := auth.NewTokens(ctx, st, base, base+"/api", models.SystemClock{})
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range users {
		b, _, err := tokens.Issue(u)
		if err != nil {
			t.Fatal(err)
		}
		bearers = append(bearers, b)
	}
	return bearers, users, nominees, nominable
}

// actionLineNumber is the category of an action line's code.
func actionLineNumber(code string) int {
	for _, l := range models.ActionLines {
		if l.Code == code {
			return l.Number
		}
	}
	return 0
}

// crashAcks are the writes the server answered 2xx before it was killed.
type crashAcks struct {
	mu          sync.Mutex
	votes       map[string]string // voter/category → nomination
	nominations map[string]string // nominator → nomination id
	edits       map[string][2]string
	published   []string
}

func TestCrash_AcknowledgedWritesSurviveSIGKILL(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the server binary")
	}
	dir, err := os.MkdirTemp("", "wsis-crash-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.RemoveAll(dir) })
	began := time.Now()
	bin := filepath.Join(dir, "wsis")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	c := crashClient{base: "http://" + addr, http: &http.Client{Timeout: 20 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 32}}}
	const voters, nominators, drafts = 30, 12, 8
	data := filepath.Join(dir, "data")
	bearers, users, nominees, nominable := crashSeed(t, data, c.base, voters, nominators)

	t.Logf("built and seeded in %s", time.Since(began).Round(time.Millisecond))
	srv := startWSIS(t, bin, data, addr)
	var login struct {
		AccessToken string `json:"access_token"`
	}
	c.must(t, http.StatusOK, "POST", "/api/v1/auth/login", "", map[string]string{"email": crashAdminEmail, "password": crashAdminPassword}, &login)
	admin := login.AccessToken
	// Drafts to edit (the first voters') and submitted projects to publish.
	type draft struct {
		id, bearer string
		version    int
	}
	var editable []draft
	var submitted []string
	for i := range 2 * drafts {
		var p models.Project
		c.must(t, http.StatusCreated, "POST", "/api/v1/projects", bearers[i], soakProject(fmt.Sprintf("Crash draft %d", i)), &p)
		if i < drafts {
			editable = append(editable, draft{p.ID, bearers[i], p.Version})
			continue
		}
		c.must(t, http.StatusOK, "POST", "/api/v1/projects/"+p.ID+"/submit", bearers[i], nil, nil)
		submitted = append(submitted, p.ID)
	}

	acks := &crashAcks{votes: map[string]string{}, nominations: map[string]string{}, edits: map[string][2]string{}}
	var killed atomic.Bool
	var wg sync.WaitGroup
	var nextVote atomic.Int64
	for range 12 {
		wg.Go(func() {
			for !killed.Load() {
				i := int(nextVote.Add(1) - 1)
				voter, category := i/len(models.ActionLines), 1+i%len(models.ActionLines)
				if voter >= voters {
					return
				}
				n := nominees[(category-1)*nomineesPerCategory+voter%nomineesPerCategory]
				code, _, _, err := c.send("POST", fmt.Sprintf("/api/v1/contests/%d/votes", benchContest), bearers[voter], "",
					map[string]any{"category": category, "nomination_id": n.ID})
				if err == nil && code == http.StatusCreated {
					acks.mu.Lock()
					acks.votes[fmt.Sprintf("%s/%d", users[voter].ID, category)] = n.ID
					acks.mu.Unlock()
				}
			}
		})
	}
	for i, p := range nominable {
		wg.Go(func() {
			var n models.Nomination
			code, out, _, err := c.send("POST", "/api/v1/contests/2031/nominations", bearers[i], "", crashNomination(p.ID, actionLineNumber(p.ActionLines[0])))
			if err == nil && code == http.StatusCreated && json.Unmarshal(out, &n) == nil {
				acks.mu.Lock()
				acks.nominations[users[i].ID] = n.ID
				acks.mu.Unlock()
			} else if err == nil && !killed.Load() {
				t.Errorf("nominate: %d %s", code, out)
			}
		})
	}
	for _, d := range editable {
		wg.Go(func() {
			for e := 0; !killed.Load(); e++ {
				title := fmt.Sprintf("Crash draft %s edit %d", d.id, e)
				code, _, etag, err := c.send("PATCH", "/api/v1/projects/"+d.id, d.bearer, fmt.Sprintf("%q", fmt.Sprint(d.version)), map[string]string{"title": title})
				if err != nil || code != http.StatusOK {
					continue
				}
				fmt.Sscanf(strings.Trim(etag, `W/"`), "%d", &d.version)
				acks.mu.Lock()
				acks.edits[d.id] = [2]string{fmt.Sprint(d.version), title}
				acks.mu.Unlock()
			}
		})
	}
	wg.Go(func() {
		for _, id := range submitted {
			if killed.Load() {
				return
			}
			if code, _, _, err := c.send("POST", "/api/v1/admin/projects/"+id+"/publish", admin, "", nil); err == nil && code == http.StatusOK {
				acks.mu.Lock()
				acks.published = append(acks.published, id)
				acks.mu.Unlock()
			}
		}
	})
	// Kill the server mid-burst: once a third of the votes are in.
	deadline := time.Now().Add(20 * time.Second)
	for nextVote.Load() < int64(voters*len(models.ActionLines)/3) && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	if err := srv.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	killed.Store(true)
	<-srv.done
	wg.Wait()
	t.Logf("%s: killed after %d votes, %d nominations, %d drafts edited, %d publications acknowledged",
		time.Since(began).Round(time.Millisecond), len(acks.votes), len(acks.nominations), len(acks.edits), len(acks.published))
	if len(acks.votes) == 0 {
		t.Fatal("no vote was acknowledged before the kill: the burst did not run")
	}

	srv = startWSIS(t, bin, data, addr)
	t.Logf("%s: restarted", time.Since(began).Round(time.Millisecond))
	c.must(t, http.StatusOK, "POST", "/api/v1/auth/login", "", map[string]string{"email": crashAdminEmail, "password": crashAdminPassword}, &login)
	admin = login.AccessToken

	// Every acknowledged vote is stored, once.
	stored := 0
	for i, u := range users {
		var mine struct{ Items []models.Vote }
		c.must(t, http.StatusOK, "GET", fmt.Sprintf("/api/v1/me/votes?contest=%d", benchContest), bearers[i], nil, &mine)
		seen := map[int]bool{}
		for _, v := range mine.Items {
			if seen[v.Category] {
				t.Errorf("voter %s has two votes in category %d", u.ID, v.Category)
			}
			seen[v.Category] = true
		}
		stored += len(mine.Items)
		for category := 1; category <= len(models.ActionLines); category++ {
			want, acked := acks.votes[fmt.Sprintf("%s/%d", u.ID, category)]
			if !acked {
				continue
			}
			i := slices.IndexFunc(mine.Items, func(v models.Vote) bool { return v.Category == category })
			if i < 0 || mine.Items[i].NominationID != want {
				t.Errorf("voter %s: the acknowledged vote in category %d is lost", u.ID, category)
			}
		}
	}
	var tally struct {
		Votes int64 `json:"votes"`
	}
	c.must(t, http.StatusOK, "GET", fmt.Sprintf("/api/v1/admin/contests/%d/tally", benchContest), admin, nil, &tally)
	if tally.Votes != int64(stored) || stored < len(acks.votes) {
		t.Errorf("recount %d, stored votes %d, acknowledged %d", tally.Votes, stored, len(acks.votes))
	}
	// Every acknowledged nomination is stored, and no project twice.
	for i, u := range users[:nominators] {
		var mine struct{ Items []models.Nomination }
		c.must(t, http.StatusOK, "GET", "/api/v1/me/nominations?limit=100", bearers[i], nil, &mine)
		// The first voter also nominated the 2030 nominees (seedVoting).
		mine.Items = slices.DeleteFunc(mine.Items, func(n models.Nomination) bool { return n.Contest != 2031 })
		if len(mine.Items) > 1 {
			t.Errorf("nominator %s has %d nominations of one project", u.ID, len(mine.Items))
		}
		if id, ok := acks.nominations[u.ID]; ok && (len(mine.Items) != 1 || mine.Items[0].ID != id) {
			t.Errorf("nominator %s: the acknowledged nomination %s is lost", u.ID, id)
		}
	}
	// Every acknowledged edit is there (or a later one whose answer the
	// kill cut off).
	for _, d := range editable {
		var p models.Project
		c.must(t, http.StatusOK, "GET", "/api/v1/projects/"+d.id, d.bearer, nil, &p)
		if ack, ok := acks.edits[d.id]; ok {
			var v int
			fmt.Sscan(ack[0], &v)
			if p.Version < v || (p.Version == v && p.Title != ack[1]) {
				t.Errorf("draft %s: version %d %q, acknowledged %d %q", d.id, p.Version, p.Title, v, ack[1])
			}
		}
	}
	// The catalogue lists exactly the published projects the store holds.
	var listed []string
	for cursor := ""; ; {
		var page struct {
			Items      []models.PublicProject `json:"items"`
			NextCursor string                 `json:"next_cursor"`
		}
		c.must(t, http.StatusOK, "GET", "/api/v1/projects?limit=100&cursor="+cursor, "", nil, &page)
		for _, p := range page.Items {
			listed = append(listed, p.ID)
		}
		if cursor = page.NextCursor; cursor == "" {
			break
		}
	}
	for _, id := range acks.published {
		if !slices.Contains(listed, id) {
			t.Errorf("the acknowledged publication of %s is not in the catalogue", id)
		}
	}
	if err := srv.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := <-srv.done; err != nil {
		t.Fatalf("stop: %v\n%s", err, srv.logs)
	}
	ctx := context.Background()
	st, err := store.Open(ctx, store.Config{Database: "wsis", DataDir: filepath.Join(data, "db"), Logger: testLogger()})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close(ctx)
	var inStore []string
	if err := st.EachPublishedProject(ctx, func(p models.Project) error { inStore = append(inStore, p.ID); return nil }); err != nil {
		t.Fatal(err)
	}
	slices.Sort(listed)
	slices.Sort(inStore)
	if !slices.Equal(listed, inStore) {
		t.Errorf("the catalogue lists %d projects, the store holds %d published", len(listed), len(inStore))
	}
}

// testLogger drops the store's logs.
func testLogger() *slog.Logger { return newLogger(io.Discard, "error") }

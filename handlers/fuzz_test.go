package handlers_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/wsis-platform/wsis/auth"
	"github.com/wsis-platform/wsis/handlers"
	"github.com/wsis-platform/wsis/mail"
	"github.com/wsis-platform/wsis/models"
	"github.com/wsis-platform/wsis/store"
	"github.com/wsis-platform/wsis/store/search"
	"github.com/wsis-platform/wsis/store/seed"
	"github.com/wsis-platform/wsis/store/storetest"
)

// fuzzServer is the platform's router on its own test database, with an
// admin, a reviewer and a stakeholder signed in, a 2027 contest in its
// submission window, a draft project of the stakeholder's and published
// projects in the catalogue. The fuzz targets share it across inputs.
type fuzzServer struct {
	engine                      *gin.Engine
	store                       *store.Store
	background                  *sync.WaitGroup
	admin, reviewer, user       string // bearer tokens
	userID, projectID, nominees string
	cursor                      string // a real catalogue cursor, for seeds
	// known is the fingerprint of the database as the last refused request
	// left it, or empty once a request was accepted.
	known string
}

// unlimitedRate is a limit the fuzzer never reaches, so that each input
// goes all the way through decoding and validation.
var unlimitedRate = handlers.Rate{Events: 1 << 30, Per: time.Second}

func newFuzzServer(tb testing.TB) *fuzzServer {
	tb.Helper()
	ctx := context.Background()
	logger := slog.New(slog.DiscardHandler)
	st := storetest.Store(tb)
	clock := models.NewFixedClock(subOpens.Add(24 * time.Hour))
	tokens, err := auth.NewTokens(ctx, st, testPublicURL, testPublicURL+"/api", clock)
	if err != nil {
		tb.Fatal(err)
	}
	index, err := search.Open(filepath.Join(tb.TempDir(), "search"), logger)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = index.Close() })
	st.Observe(index)
	hasher := auth.NewHasher(2)
	background := &sync.WaitGroup{}
	engine, err := handlers.New(handlers.Config{Store: st, Search: index, Tokens: tokens, Hasher: hasher, Logger: logger,
		Clock: clock, PublicURL: testPublicURL, Background: background, Mailer: mail.New(st, nil, logger, mail.Options{Clock: clock}),
		RateLimits: handlers.RateLimits{Login: unlimitedRate, Register: unlimitedRate, Refresh: unlimitedRate,
			Forgot: unlimitedRate, Write: unlimitedRate, Vote: unlimitedRate, VoteIP: unlimitedRate}})
	if err != nil {
		tb.Fatal(err)
	}
	s := &fuzzServer{engine: engine, store: st, background: background}
	hash, err := hasher.Hash(ctx, testPassword)
	if err != nil {
		tb.Fatal(err)
	}
	signIn := func(email string, roles ...models.Role) (string, string) {
		u, err := st.CreateUser(ctx, models.User{Email: email, Name: "Fuzz " + email, Organization: "Org of " + email,
			StakeholderType: models.StakeholderCivilSociety, Country: "KE", Roles: roles, CreatedAt: clock.Now()}, hash)
		if err == nil {
			err = st.MarkEmailVerified(ctx, u.ID, clock.Now())
		}
		if err != nil {
			tb.Fatal(err)
		}
		u.EmailVerified = true
		tok, _, err := tokens.Issue(u)
		if err != nil {
			tb.Fatal(err)
		}
		return u.ID, tok
	}
	_, s.admin = signIn("admin@example.org", models.RoleAdmin)
	_, s.reviewer = signIn("reviewer@example.org", models.RoleReviewer)
	s.userID, s.user = signIn("amina@example.org")
	body := fmt.Sprintf(`{"year":2027,"title":"WSIS Prizes 2027","schedule":%s}`, schedule2027())
	if code, out := s.send(http.MethodPost, "/api/v1/admin/contests", "application/json", body, s.admin); code != http.StatusCreated {
		tb.Fatalf("create contest: %d %s", code, out)
	}
	code, out := s.send(http.MethodPost, "/api/v1/projects", "application/json", projectBody("Fuzzed draft"), s.user)
	var p models.Project
	if code != http.StatusCreated || json.Unmarshal([]byte(out), &p) != nil {
		tb.Fatalf("create project: %d %s", code, out)
	}
	s.projectID = p.ID
	if _, err := seed.Run(ctx, st, seed.Options{Projects: 30, Users: 2, PasswordHash: hash, Seed: 3, Now: clock.Now()}); err != nil {
		tb.Fatal(err)
	}
	if _, err := index.CatchUp(ctx, st); err != nil {
		tb.Fatal(err)
	}
	_, out = s.send(http.MethodGet, "/api/v1/projects?limit=5", "", "", "")
	var page struct {
		NextCursor string `json:"next_cursor"`
	}
	_ = json.Unmarshal([]byte(out), &page)
	s.cursor = page.NextCursor
	return s
}

// send serves one request, waits for the work it started in the
// background (a reset mail), and returns its status and body.
func (s *fuzzServer) send(method, target, contentType, body, bearer string) (int, string) {
	req := httptest.NewRequest(method, "/", strings.NewReader(body))
	if i := strings.IndexByte(target, '?'); i >= 0 {
		req.URL.Path, req.URL.RawQuery = target[:i], target[i+1:]
	} else {
		req.URL.Path = target
	}
	req.RequestURI = req.URL.RequestURI()
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	rec := httptest.NewRecorder()
	s.engine.ServeHTTP(rec, req)
	s.background.Wait()
	return rec.Code, rec.Body.String()
}

// fingerprint is a cheap summary of the whole database: every
// collection's document count and the change sequence. A request that
// changed nothing leaves it as it was.
func (s *fuzzServer) fingerprint(t *testing.T) string {
	t.Helper()
	ctx := context.Background()
	names, err := s.store.Database().ListCollectionNames(ctx, bson.D{})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(names)
	var b strings.Builder
	for _, name := range names {
		n, err := s.store.Database().Collection(name).CountDocuments(ctx, bson.D{})
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "%s=%d ", name, n)
	}
	seq, err := s.store.CurrentSeq(ctx)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(&b, "seq=%d", seq)
	return b.String()
}

// before returns the database's fingerprint before a request: the one a
// refused request left, which it did not change, or a new one.
func (s *fuzzServer) before(t *testing.T) string {
	t.Helper()
	if s.known == "" {
		s.known = s.fingerprint(t)
	}
	return s.known
}

// check holds one answer to the fuzz invariants: never a 5xx, and a
// refusal changed nothing.
func (s *fuzzServer) check(t *testing.T, before string, code int, body, what string) {
	t.Helper()
	if code >= 500 {
		t.Fatalf("%s: status %d: %s", what, code, body)
	}
	if code < 400 {
		s.known = ""
		return
	}
	if after := s.fingerprint(t); after != before {
		s.known = ""
		t.Fatalf("%s: refused with %d but the database changed:\nbefore %s\nafter  %s\nbody %s", what, code, before, after, body)
	}
}

// bodyRoute is one route that decodes a JSON request body.
type bodyRoute struct {
	method, path string
	who          func(*fuzzServer) string
	seed         func(*fuzzServer) string
}

func asUser(s *fuzzServer) string     { return s.user }
func asAdmin(s *fuzzServer) string    { return s.admin }
func asReviewer(s *fuzzServer) string { return s.reviewer }
func anonymous(*fuzzServer) string    { return "" }

// bodyRoutes is every request type the API decodes from JSON, with a valid
// body of each for the seed corpus.
var bodyRoutes = []bodyRoute{
	{"POST", "/api/v1/auth/register", anonymous, func(*fuzzServer) string { return registerBody("new@example.org") }},
	{"POST", "/api/v1/auth/verify-email", anonymous, func(*fuzzServer) string { return `{"token":"abc"}` }},
	{"POST", "/api/v1/auth/login", anonymous, func(*fuzzServer) string {
		return `{"email":"amina@example.org","password":"` + testPassword + `"}`
	}},
	{"POST", "/api/v1/auth/refresh", anonymous, func(*fuzzServer) string { return `{"refresh_token":"x"}` }},
	{"POST", "/api/v1/auth/logout", anonymous, func(*fuzzServer) string { return `{"refresh_token":"x"}` }},
	{"POST", "/api/v1/auth/password/forgot", anonymous, func(*fuzzServer) string { return `{"email":"amina@example.org"}` }},
	{"POST", "/api/v1/auth/password/reset", anonymous, func(*fuzzServer) string { return `{"token":"t","password":"a long new password"}` }},
	{"PATCH", "/api/v1/me", asUser, func(*fuzzServer) string { return `{"name":"Amina K.","country":"SN"}` }},
	{"POST", "/api/v1/projects", asUser, func(*fuzzServer) string { return projectBody("Another project") }},
	{"PATCH", "/api/v1/projects/{project}", asUser, func(*fuzzServer) string { return `{"title":"Renamed draft"}` }},
	{"POST", "/api/v1/contests/2027/nominations", asUser, func(s *fuzzServer) string { return nominationBody(s.projectID, 3) }},
	{"POST", "/api/v1/contests/2027/votes", asUser, func(*fuzzServer) string { return `{"category":3,"nomination_id":"n"}` }},
	{"PUT", "/api/v1/reviewer/conflicts", asReviewer, func(*fuzzServer) string {
		return `{"organizations":["Digital Sahel"],"countries":["SN"]}`
	}},
	{"PUT", "/api/v1/reviewer/assignments/none/review", asReviewer, func(*fuzzServer) string {
		return `{"scores":{"impact":4},"comment":"ok","submit":false}`
	}},
	{"PUT", "/api/v1/reviewer/contests/2027/selection/3", asReviewer, func(*fuzzServer) string { return `{"nomination_id":"n"}` }},
	{"POST", "/api/v1/admin/contests", asAdmin, func(*fuzzServer) string {
		return fmt.Sprintf(`{"year":2028,"title":"WSIS Prizes 2028","schedule":%s}`, strings.ReplaceAll(schedule2027(), "2027-", "2028-"))
	}},
	{"PATCH", "/api/v1/admin/contests/2027", asAdmin, func(*fuzzServer) string { return `{"title":"WSIS Prizes 2027 (renamed)"}` }},
	{"PATCH", "/api/v1/admin/users/{user}", asAdmin, func(*fuzzServer) string { return `{"roles":["reviewer"]}` }},
	{"POST", "/api/v1/admin/projects/{project}/return", asAdmin, func(*fuzzServer) string { return `{"reason":"needs work"}` }},
	{"POST", "/api/v1/admin/assignments", asAdmin, func(*fuzzServer) string { return `{"nomination_id":"n","reviewer_id":"r"}` }},
	{"POST", "/api/v1/admin/votes/invalidate", asAdmin, func(*fuzzServer) string {
		return `{"contest":2027,"vote_ids":["v"],"reason":"duplicate accounts"}`
	}},
	{"POST", "/api/v1/admin/contests/2027/nominees/publish", asAdmin, func(*fuzzServer) string { return `{}` }},
}

func (s *fuzzServer) path(p string) string {
	return strings.NewReplacer("{project}", s.projectID, "{user}", s.userID).Replace(p)
}

// FuzzRequestBodies sends arbitrary bodies to every route that decodes
// JSON, through the real router and store: none may panic or answer 5xx,
// and any refusal leaves the database unchanged.
func FuzzRequestBodies(f *testing.F) {
	s := newFuzzServer(f)
	for i, r := range bodyRoutes {
		valid := r.seed(s)
		f.Add(uint8(i), valid, "application/json")
		f.Add(uint8(i), valid[:len(valid)/2], "application/merge-patch+json")
		f.Add(uint8(i), strings.Replace(valid, "{", `{"unknown":1,`, 1)+"}", "application/json")
	}
	// Refusals before decoding, the same on every route.
	f.Add(uint8(0), `{"email":"\ud800"}`, "application/json")
	f.Add(uint8(1), `{"token":"x"}`, "text/plain")
	f.Fuzz(func(t *testing.T, route uint8, body, contentType string) {
		r := bodyRoutes[int(route)%len(bodyRoutes)]
		before := s.before(t)
		code, out := s.send(r.method, s.path(r.path), contentType, body, r.who(s))
		s.check(t, before, code, out, r.method+" "+r.path)
		if code >= 400 && !strings.HasPrefix(r.path, "/api/") {
			return
		}
		if code >= 400 && !json.Valid([]byte(out)) {
			t.Fatalf("%s %s: refusal %d is not a JSON problem: %q", r.method, r.path, code, out)
		}
	})
}

// listRoute is one list or query route and who asks it.
type listRoute struct {
	path string
	who  func(*fuzzServer) string
}

var listRoutes = []listRoute{
	{"/api/v1/projects", anonymous},
	{"/api/v1/projects/export", anonymous},
	{"/api/v1/stats", anonymous},
	{"/api/v1/contests", anonymous},
	{"/api/v1/contests/2027/nominees", anonymous},
	{"/api/v1/me/projects", asUser},
	{"/api/v1/me/nominations", asUser},
	{"/api/v1/me/votes", asUser},
	{"/api/v1/contests/2027/ballot", asUser},
	{"/api/v1/reviewer/assignments", asReviewer},
	{"/api/v1/admin/projects", asAdmin},
	{"/api/v1/admin/users", asAdmin},
	{"/api/v1/admin/audit", asAdmin},
	{"/api/v1/admin/contests/2027/nominations", asAdmin},
	{"/api/v1/admin/contests/2027/rankings", asAdmin},
	{"/api/v1/admin/contests/2027/export", asAdmin},
	{"/api/v1/admin/contests/2027/tally", asAdmin},
	{"/projects", anonymous},
	{"/contests/2027/nominees", anonymous},
}

// FuzzListQueries sends arbitrary query strings, cursors among them, to
// every list and query route: no panic, no 5xx, and a refusal changes
// nothing.
func FuzzListQueries(f *testing.F) {
	s := newFuzzServer(f)
	for i := range listRoutes {
		for _, q := range []string{"limit=1&cursor=" + s.cursor, "cursor=" + s.cursor + "x&limit=101",
			"q=telemedicine&action_line=c3&sdg=3&region=africa&sort=title&state=submitted&category=3&what=votes&format=csv",
			"q=%00%ff&cursor=%%%&year=-1&from=yesterday"} {
			f.Add(uint8(i), q)
		}
	}
	f.Fuzz(func(t *testing.T, route uint8, query string) {
		r := listRoutes[int(route)%len(listRoutes)]
		before := s.before(t)
		code, out := s.send(http.MethodGet, r.path+"?"+query, "", "", r.who(s))
		s.check(t, before, code, out, "GET "+r.path+"?"+query)
	})
}

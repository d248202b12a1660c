package handlers_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wsis-platform/wsis/models"
)

// These tests hold the single-document guarantees under concurrent requests
// on the embedded store, where FerretDB alone does not give them (SPEC §8).
// Run them more than once: go test -count=5 -race -run Concurrent ./...

// concurrently sends n requests at once, each built by req(i), and returns
// the answers by i.
func (s *testServer) concurrently(t *testing.T, n int, req func(i int) *http.Request) []*httptest.ResponseRecorder {
	t.Helper()
	recs := make([]*httptest.ResponseRecorder, n)
	reqs := make([]*http.Request, n)
	var start, done sync.WaitGroup
	start.Add(1)
	for i := range n {
		done.Add(1)
		reqs[i] = req(i)
		go func() {
			defer done.Done()
			start.Wait()
			recs[i] = httptest.NewRecorder()
			s.engine.ServeHTTP(recs[i], reqs[i])
		}()
	}
	start.Done()
	done.Wait()
	for i := range n {
		holdToContract(t, reqs[i], recs[i])
	}
	return recs
}

func request(method, path, body string, headers ...string) *http.Request {
	var r *http.Request
	if body == "" {
		r = httptest.NewRequest(method, path, nil)
	} else {
		r = httptest.NewRequest(method, path, strings.NewReader(body))
		r.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(headers); i += 2 {
		r.Header.Set(headers[i], headers[i+1])
	}
	return r
}

func statusCounts(recs []*httptest.ResponseRecorder) map[int]int {
	counts := map[int]int{}
	for _, r := range recs {
		counts[r.Code]++
	}
	return counts
}

func TestUpdateProject_ConcurrentEditsWithOneIfMatchOneWins(t *testing.T) {
	s := newServer(t)
	_, tok := s.signIn(t, "owner@example.org")
	p := s.createProject(t, tok, "Community networks for Sahel")
	const n = 16
	recs := s.concurrently(t, n, func(i int) *http.Request {
		return request(http.MethodPatch, "/api/v1/projects/"+p.ID, fmt.Sprintf(`{"title":"Edit number %d of the entry"}`, i),
			append(bearer(tok), "If-Match", `"1"`)...)
	})
	counts := statusCounts(recs)
	if counts[http.StatusOK] != 1 || counts[http.StatusPreconditionFailed] != n-1 {
		t.Fatalf("answers = %v, want one 200 and %d × 412", counts, n-1)
	}
	var winner models.Project
	for _, r := range recs {
		if r.Code == http.StatusOK {
			winner = decode[models.Project](t, r)
		}
	}
	got := decode[models.Project](t, s.do(t, http.MethodGet, "/api/v1/projects/"+p.ID, nil, bearer(tok)...))
	if got.Version != 2 || winner.Version != 2 || got.Title != winner.Title {
		t.Fatalf("stored %q v%d, the winner was told %q v%d", got.Title, got.Version, winner.Title, winner.Version)
	}
}

func TestModeration_ConcurrentPublishAndRejectMakeOneDecision(t *testing.T) {
	s := newServer(t)
	owner, tok := s.signIn(t, "owner@example.org")
	_, adminTok := s.signIn(t, "admin@example.org", models.RoleAdmin)
	p := s.createProject(t, tok, "Community networks for Sahel")
	if rec := s.do(t, http.MethodPost, "/api/v1/projects/"+p.ID+"/submit", nil, bearer(tok)...); rec.Code != http.StatusOK {
		t.Fatalf("submit: %d %s", rec.Code, rec.Body)
	}
	const n = 8
	recs := s.concurrently(t, n, func(i int) *http.Request {
		if i%2 == 0 {
			return request(http.MethodPost, "/api/v1/admin/projects/"+p.ID+"/publish", "", bearer(adminTok)...)
		}
		return request(http.MethodPost, "/api/v1/admin/projects/"+p.ID+"/reject", `{"note":"Out of scope."}`, bearer(adminTok)...)
	})
	counts := statusCounts(recs)
	if counts[http.StatusOK] != 1 || counts[http.StatusConflict] != n-1 {
		t.Fatalf("answers = %v, want one 200 and %d × 409", counts, n-1)
	}
	var decided models.Project
	for _, r := range recs {
		if r.Code == http.StatusOK {
			decided = decode[models.Project](t, r)
		}
	}
	audit := decode[struct {
		Items []models.AuditEntry `json:"items"`
	}](t, s.do(t, http.MethodGet, "/api/v1/admin/audit?target="+p.ID, nil, bearer(adminTok)...))
	if len(audit.Items) != 1 {
		t.Fatalf("audit entries = %d, want 1", len(audit.Items))
	}
	mails, err := s.store.RecentMails(context.Background(), 50)
	if err != nil {
		t.Fatal(err)
	}
	decisions := 0
	for _, m := range mails {
		if m.To == owner.Email && m.Kind == models.MailProjectChanged {
			decisions++
		}
	}
	if decisions != 1 {
		t.Fatalf("decision mails to the owner = %d, want 1", decisions)
	}
	// The read model agrees with the store: the entry is in the public
	// catalogue exactly when it was published.
	listed := s.catalogue(t, "limit=10").Total == 1
	if listed != (decided.State == models.ProjectPublished) {
		t.Fatalf("decision %s, but listed in the catalogue = %v", decided.State, listed)
	}
}

func TestModeration_ConcurrentPublicationsOfDifferentEntriesAllSucceed(t *testing.T) {
	s := newServer(t)
	_, tok := s.signIn(t, "owner@example.org")
	_, adminTok := s.signIn(t, "admin@example.org", models.RoleAdmin)
	const n = 10
	ids := make([]string, n)
	for i := range ids {
		ids[i] = s.createProject(t, tok, fmt.Sprintf("Entry number %d of the owner", i)).ID
		if rec := s.do(t, http.MethodPost, "/api/v1/projects/"+ids[i]+"/submit", nil, bearer(tok)...); rec.Code != http.StatusOK {
			t.Fatalf("submit: %d %s", rec.Code, rec.Body)
		}
	}
	recs := s.concurrently(t, n, func(i int) *http.Request {
		return request(http.MethodPost, "/api/v1/admin/projects/"+ids[i]+"/publish", "", bearer(adminTok)...)
	})
	if counts := statusCounts(recs); counts[http.StatusOK] != n {
		t.Fatalf("answers = %v, want %d × 200", counts, n)
	}
	if total := s.catalogue(t, "limit=10").Total; total != n {
		t.Fatalf("catalogue total = %d, want %d", total, n)
	}
}

func TestCreateProject_ConcurrentCreatorsAllCreated(t *testing.T) {
	s := newServer(t)
	const n = 12
	toks := make([]string, n)
	for i := range toks {
		_, toks[i] = s.signIn(t, fmt.Sprintf("creator%d@example.org", i))
	}
	recs := s.concurrently(t, n, func(i int) *http.Request {
		return request(http.MethodPost, "/api/v1/projects", projectBody(fmt.Sprintf("Entry of creator %d", i)), bearer(toks[i])...)
	})
	if counts := statusCounts(recs); counts[http.StatusCreated] != n {
		t.Fatalf("answers = %v, want %d × 201", counts, n)
	}
}

// profileEdits keeps the account editing its profile until stop is closed,
// as a second tab would, and counts the edits that succeeded.
func (s *testServer) profileEdits(t *testing.T, tok string, stop <-chan struct{}, wg *sync.WaitGroup) *atomic.Int64 {
	t.Helper()
	var ok atomic.Int64
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				rec := s.serve(t, request(http.MethodPatch, "/api/v1/me", fmt.Sprintf(`{"name":"Tab %d edit %d"}`, w, i), bearer(tok)...))
				if rec.Code == http.StatusOK {
					ok.Add(1)
				}
			}
		}()
	}
	return &ok
}

// waitFor waits until n edits have succeeded.
func waitFor(edits *atomic.Int64, n int64) {
	for edits.Load() < n {
		time.Sleep(time.Millisecond)
	}
}

func TestDisableAccount_ConcurrentProfileEditsCannotUndoIt(t *testing.T) {
	s := newServer(t)
	_, adminTok := s.signIn(t, "admin@example.org", models.RoleAdmin)
	target, tok := s.signIn(t, "member@example.org")
	stop, wg := make(chan struct{}), &sync.WaitGroup{}
	edits := s.profileEdits(t, tok, stop, wg)
	waitFor(edits, 2) // the edits run before the admin acts
	rec := s.do(t, http.MethodPatch, "/api/v1/admin/users/"+target.ID, jsonBody(`{"disabled":true}`), bearer(adminTok)...)
	if rec.Code != http.StatusOK {
		close(stop)
		wg.Wait()
		t.Fatalf("disable: %d %s", rec.Code, rec.Body)
	}
	time.Sleep(50 * time.Millisecond) // edits in flight race the disabling
	close(stop)
	wg.Wait()
	u, err := s.store.UserByID(context.Background(), target.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !u.Disabled {
		t.Fatal("the account is enabled again after concurrent profile edits")
	}
	wantProblem(t, s.do(t, http.MethodGet, "/api/v1/me", nil, bearer(tok)...), http.StatusUnauthorized, "unauthorized")
	wantProblem(t, s.do(t, http.MethodPost, "/api/v1/auth/login", jsonBody(`{"email":"member@example.org","password":"`+testPassword+`"}`)),
		http.StatusForbidden, "forbidden")
}

func TestPasswordReset_ConcurrentProfileEditsCannotUndoIt(t *testing.T) {
	s := newServer(t)
	_, tok := s.signIn(t, "member@example.org")
	if rec := s.do(t, http.MethodPost, "/api/v1/auth/password/forgot", jsonBody(`{"email":"member@example.org"}`)); rec.Code != http.StatusAccepted {
		t.Fatalf("forgot: %d %s", rec.Code, rec.Body)
	}
	_, token := s.mailTo(t, "member@example.org", "password")
	stop, wg := make(chan struct{}), &sync.WaitGroup{}
	edits := s.profileEdits(t, tok, stop, wg)
	waitFor(edits, 2)
	rec := s.do(t, http.MethodPost, "/api/v1/auth/password/reset", jsonBody(fmt.Sprintf(`{"token":%q,"password":"a brand new passphrase"}`, token)))
	if rec.Code != http.StatusNoContent {
		close(stop)
		wg.Wait()
		t.Fatalf("reset: %d %s", rec.Code, rec.Body)
	}
	time.Sleep(50 * time.Millisecond) // edits in flight race the reset
	close(stop)
	wg.Wait()
	wantProblem(t, s.do(t, http.MethodGet, "/api/v1/me", nil, bearer(tok)...), http.StatusUnauthorized, "unauthorized")
	wantProblem(t, s.do(t, http.MethodPost, "/api/v1/auth/login", jsonBody(`{"email":"member@example.org","password":"`+testPassword+`"}`)),
		http.StatusUnauthorized, "unauthorized")
	s.login(t, "member@example.org", "a brand new passphrase")
}

package handlers_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestPhaseClosed_NamesTheWindow: every phase-closed 409 names the window
// the action is bound to with its dates, also when the action waits for a
// publication step or for a window to end rather than to open.
func TestPhaseClosed_NamesTheWindow(t *testing.T) {
	s := newPrizes(t, "")
	p := s.publishedProject(t, s.user.ID, "Digital Sahel", "c3")
	for _, tc := range []struct {
		name, path, window string
		at                 time.Time
		opens, closes      time.Time
	}{
		{"publishing nominees before the review closes", "/api/v1/admin/contests/2027/nominees/publish", "review",
			subOpens.Add(48 * time.Hour), subCloses, revCloses},
		{"publishing nominees once voting opened", "/api/v1/admin/contests/2027/nominees/publish", "voting",
			revCloses.Add(time.Hour), revCloses, voteCloses},
		{"publishing champions before the nominees", "/api/v1/admin/contests/2027/champions/publish", "voting",
			voteCloses.Add(time.Hour), revCloses, voteCloses},
		{"publishing results before the champions", "/api/v1/admin/contests/2027/results/publish", "selection",
			selCloses.Add(time.Hour), voteCloses, selCloses},
		{"nominating after the submission closed", "/api/v1/contests/2027/nominations", "submission",
			subCloses.Add(time.Hour), subOpens, subCloses},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s.setClock(t, tc.at)
			tok, body := s.adminTok, ""
			if strings.HasSuffix(tc.path, "/nominations") {
				tok, body = s.userTok, nominationBody(p.ID, 3)
			}
			rec := s.do(t, http.MethodPost, tc.path, nilIfEmpty(jsonBody(body)), bearer(tok)...)
			pr := wantProblem(t, rec, http.StatusConflict, "phase-closed")
			var w struct {
				Window   string    `json:"window"`
				OpensAt  time.Time `json:"opens_at"`
				ClosesAt time.Time `json:"closes_at"`
			}
			if err := json.Unmarshal(rec.Body.Bytes(), &w); err != nil {
				t.Fatal(err)
			}
			if w.Window != tc.window || !w.OpensAt.Equal(tc.opens) || !w.ClosesAt.Equal(tc.closes) || pr.Detail == "" {
				t.Fatalf("problem %s, want window %s from %s to %s and a detail", rec.Body, tc.window, tc.opens, tc.closes)
			}
		})
	}
}

// TestProblems_EveryOneHasADetail: the answers that had no detail (a stale
// If-Match, another user's project, an unknown contest) say what went
// wrong.
func TestProblems_EveryOneHasADetail(t *testing.T) {
	s := newPrizes(t, "")
	_, otherTok := s.signIn(t, "omar@example.org")
	draft := s.createProject(t, s.userTok, "Sahel mesh")
	for _, tc := range []struct {
		name, method, path, body string
		headers                  []string
		status                   int
		slug, detail             string
	}{
		{"stale If-Match", http.MethodPatch, "/api/v1/admin/contests/2027", `{"title":"WSIS Prizes 2027 (moved)"}`,
			append(bearer(s.adminTok), "If-Match", `"99"`), http.StatusPreconditionFailed, "precondition-failed", "ETag"},
		{"another user's project", http.MethodGet, "/api/v1/projects/" + draft.ID, "",
			bearer(otherTok), http.StatusNotFound, "not-found", "no such project"},
		{"another user's project edited", http.MethodPatch, "/api/v1/projects/" + draft.ID, `{"title":"Mine now"}`,
			append(bearer(otherTok), "If-Match", `"1"`), http.StatusNotFound, "not-found", "no such project"},
		{"unknown contest", http.MethodGet, "/api/v1/contests/2031", "", nil, http.StatusNotFound, "not-found", "no contest for 2031"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := wantProblem(t, s.do(t, tc.method, tc.path, nilIfEmpty(jsonBody(tc.body)), tc.headers...), tc.status, tc.slug)
			if !strings.Contains(p.Detail, tc.detail) {
				t.Fatalf("detail %q, want it to say %q", p.Detail, tc.detail)
			}
		})
	}
}

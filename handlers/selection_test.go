package handlers_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/wsis-platform/wsis/models"
)

// selectionSetup is a championsSetup with every nominee a champion but
// nomination 3 (removed by an override), in the selection window, with
// three signed-in reviewers.
func newSelectionSetup(t *testing.T) (*championsSetup, []string) {
	t.Helper()
	s := newChampionsSetup(t, 2)
	body := fmt.Sprintf(`{"remove":[%q],"reason":"Withdrawn by its organization."}`, s.nominations[3].ID)
	if rec := s.publishChampions(t, body); rec.Code != http.StatusOK {
		t.Fatalf("publish champions: %d %s", rec.Code, rec.Body)
	}
	var toks []string
	for i := range 3 {
		_, tok := s.signIn(t, fmt.Sprintf("expert%d@expert.example", i), models.RoleReviewer)
		toks = append(toks, tok)
	}
	return s, toks
}

func (s *championsSetup) pick(t *testing.T, tok string, category int, nominationID string) *http.Request {
	t.Helper()
	return request(http.MethodPut, fmt.Sprintf("/api/v1/reviewer/contests/2027/selection/%d", category),
		fmt.Sprintf(`{"nomination_id":%q}`, nominationID), bearer(tok)...)
}

func (s *championsSetup) mySelection(t *testing.T, tok string) []models.Selection {
	t.Helper()
	return decode[struct {
		Items []models.Selection `json:"items"`
	}](t, s.do(t, http.MethodGet, "/api/v1/reviewer/contests/2027/selection", nil, bearer(tok)...)).Items
}

func TestSelection_OnlyChampionsInItsWindowAndChangeable(t *testing.T) {
	s := newChampionsSetup(t, 2)
	n := s.nominations
	_, tok := s.signIn(t, "expert@expert.example", models.RoleReviewer)
	put := func(category int, id string) *http.Request { return s.pick(t, tok, category, id) }
	do := func(r *http.Request) int { return s.concurrently(t, 1, func(int) *http.Request { return r })[0].Code }

	// Before the champions are published there is nothing to pick.
	wantProblem(t, s.concurrently(t, 1, func(int) *http.Request { return put(3, n[0].ID) })[0], http.StatusConflict, "phase-closed")
	body := fmt.Sprintf(`{"remove":[%q],"reason":"Withdrawn by its organization."}`, n[3].ID)
	if rec := s.publishChampions(t, body); rec.Code != http.StatusOK {
		t.Fatalf("publish champions: %d %s", rec.Code, rec.Body)
	}
	_, tok = s.signIn(t, "expert2@expert.example", models.RoleReviewer)
	wantProblem(t, s.concurrently(t, 1, func(int) *http.Request { return put(4, n[3].ID) })[0], http.StatusNotFound, "not-found")
	wantProblem(t, s.concurrently(t, 1, func(int) *http.Request { return put(4, n[0].ID) })[0], http.StatusUnprocessableEntity, "validation")
	wantProblem(t, s.concurrently(t, 1, func(int) *http.Request { return s.pick(t, s.userTok, 3, n[0].ID) })[0], http.StatusForbidden, "forbidden")

	if code := do(put(3, n[0].ID)); code != http.StatusOK {
		t.Fatalf("pick: %d", code)
	}
	if code := do(put(3, n[2].ID)); code != http.StatusOK {
		t.Fatalf("change the pick: %d", code)
	}
	if code := do(put(4, n[1].ID)); code != http.StatusOK {
		t.Fatalf("pick in 4: %d", code)
	}
	mine := s.mySelection(t, tok)
	if len(mine) != 2 || mine[0].Category != 3 || mine[0].NominationID != n[2].ID || mine[1].NominationID != n[1].ID {
		t.Fatalf("my picks = %+v, want the changed pick in 3 and one in 4", mine)
	}
	_, other := s.signIn(t, "expert3@expert.example", models.RoleReviewer)
	if theirs := s.mySelection(t, other); len(theirs) != 0 {
		t.Fatalf("another reviewer sees %+v", theirs)
	}
	if rec := s.do(t, http.MethodGet, "/api/v1/reviewer/contests/2027/selection", nil, bearer(s.userTok)...); rec.Code != http.StatusForbidden {
		t.Fatalf("a non-reviewer lists picks: %d", rec.Code)
	}

	// At the deadline the pick stands.
	s.setClock(t, selCloses)
	tok = s.login(t, "expert2@expert.example", testPassword).AccessToken
	wantProblem(t, s.concurrently(t, 1, func(int) *http.Request { return put(3, n[0].ID) })[0], http.StatusConflict, "phase-closed")
	if mine := s.mySelection(t, tok); mine[0].NominationID != n[2].ID {
		t.Fatalf("a pick changed after the deadline: %+v", mine)
	}
}

func TestSelection_ConcurrentPicksOfOneReviewerStoreOne(t *testing.T) {
	s, toks := newSelectionSetup(t)
	n := s.nominations
	const puts = 20
	recs := s.concurrently(t, puts, func(i int) *http.Request {
		return s.pick(t, toks[0], 3, []string{n[0].ID, n[2].ID}[i%2])
	})
	if counts := statusCounts(recs); counts[http.StatusOK] != puts {
		t.Fatalf("answers = %v, want %d × 200", counts, puts)
	}
	picks, err := s.store.Picks(context.Background(), 2027)
	if err != nil {
		t.Fatal(err)
	}
	total := 0
	for _, c := range picks[3] {
		total += c
	}
	if total != 1 || len(s.mySelection(t, toks[0])) != 1 {
		t.Fatalf("picks in category 3 = %v, want one", picks[3])
	}
}

func TestPublishResults_WinnersByPicksATieGivesTwoThenPublicWithCounts(t *testing.T) {
	s, toks := newSelectionSetup(t)
	n := s.nominations
	for _, p := range []struct {
		tok      string
		category int
		id       string
	}{{toks[0], 3, n[0].ID}, {toks[1], 3, n[2].ID}, {toks[0], 4, n[1].ID}, {toks[1], 4, n[1].ID}} {
		if rec := s.concurrently(t, 1, func(int) *http.Request { return s.pick(t, p.tok, p.category, p.id) })[0]; rec.Code != http.StatusOK {
			t.Fatalf("pick: %d %s", rec.Code, rec.Body)
		}
	}
	publish := func(body string) *http.Response {
		t.Helper()
		const path = "/api/v1/admin/contests/2027/results/publish"
		if body == "" {
			return s.do(t, http.MethodPost, path, nil, bearer(s.adminTok)...).Result()
		}
		return s.do(t, http.MethodPost, path, jsonBody(body), bearer(s.adminTok)...).Result()
	}
	if code := publish("").StatusCode; code != http.StatusConflict {
		t.Fatalf("results during the selection: %d", code)
	}
	wantProblem(t, s.do(t, http.MethodGet, "/api/v1/contests/2027/results", nil), http.StatusNotFound, "not-found")

	s.setClock(t, selCloses.Add(time.Hour))
	if code := publish(fmt.Sprintf(`{"remove":[%q]}`, n[1].ID)).StatusCode; code != http.StatusUnprocessableEntity {
		t.Fatalf("an override without a reason: %d", code)
	}
	if code := publish(fmt.Sprintf(`{"add":[%q],"reason":"x"}`, n[3].ID)).StatusCode; code != http.StatusUnprocessableEntity {
		t.Fatalf("a non-champion as winner: %d", code)
	}
	wantProblem(t, s.do(t, http.MethodGet, "/api/v1/contests/2027/results", nil), http.StatusNotFound, "not-found")
	if code := publish("").StatusCode; code != http.StatusOK {
		t.Fatalf("publish results: %d", code)
	}
	if code := publish("").StatusCode; code != http.StatusConflict {
		t.Fatalf("results published twice: %d", code)
	}

	rec := s.do(t, http.MethodGet, "/api/v1/contests/2027/results", nil)
	if strings.Contains(rec.Body.String(), "picks") {
		t.Fatalf("the public results show picks: %s", rec.Body)
	}
	res := decode[struct {
		Categories []struct {
			Category  int      `json:"category"`
			Winners   []string `json:"winners"`
			Champions []struct {
				NominationID string `json:"nomination_id"`
				Votes        int64  `json:"votes"`
				Winner       bool   `json:"winner"`
			} `json:"champions"`
			InvalidatedVotes int64 `json:"invalidated_votes"`
		} `json:"categories"`
	}](t, rec)
	got := map[int]string{}
	for _, c := range res.Categories {
		got[c.Category] = fmt.Sprint(len(c.Winners), c.InvalidatedVotes)
		for _, ch := range c.Champions {
			got[c.Category] += fmt.Sprintf(" %s:%d:%v", ch.NominationID, ch.Votes, ch.Winner)
		}
	}
	// Category 3 is a tie of picks: two winners, one valid vote each.
	// Category 4's one champion won, its two valid votes shown, two invalidated.
	want3 := map[string]bool{fmt.Sprintf("2 0 %s:1:true %s:1:true", n[0].ID, n[2].ID): true, fmt.Sprintf("2 0 %s:1:true %s:1:true", n[2].ID, n[0].ID): true}
	if !want3[got[3]] || got[4] != fmt.Sprintf("1 2 %s:2:true", n[1].ID) {
		t.Fatalf("results = %v", got)
	}
	states := s.publicStates(t)
	if states[n[0].ID] != models.NominationWinner || states[n[2].ID] != models.NominationWinner || states[n[3].ID] != models.NominationNominee {
		t.Fatalf("public states = %v", states)
	}
	export := s.do(t, http.MethodGet, "/api/v1/admin/contests/2027/export?what=results", nil, bearer(s.adminTok)...)
	if export.Code != http.StatusOK || !strings.Contains(export.Body.String(), "picks") || strings.Count(export.Body.String(), "\n") != 4 {
		t.Fatalf("results export: %d %s", export.Code, export.Body)
	}
	xlsx := s.do(t, http.MethodGet, "/api/v1/admin/contests/2027/export?what=results&format=xlsx", nil, bearer(s.adminTok)...)
	if xlsx.Code != http.StatusOK || !strings.HasPrefix(xlsx.Body.String(), "PK") {
		t.Fatalf("results xlsx: %d", xlsx.Code)
	}
}

package handlers_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/wsis-platform/wsis/models"
	"github.com/wsis-platform/wsis/store"
)

// championsSetup is a votingSetup whose votes are cast and whose voting
// has closed. Category 3: one valid vote each for nominations 0 and 2
// (nomination 0 was submitted first). Category 4: nomination 3 got three
// votes, two of them invalidated, and nomination 1 two.
type championsSetup struct {
	*votingSetup
}

func newChampionsSetup(t *testing.T, championsPerCategory int) *championsSetup {
	t.Helper()
	s := &championsSetup{newVotingSetup(t, fmt.Sprintf(`,"settings":{"champions_per_category":%d}`, championsPerCategory))}
	n := s.nominations
	ballots := [][]models.Nomination{{n[0], n[3]}, {n[2], n[3]}, {n[3]}, {n[1]}, {n[1]}}
	var voters []models.User
	for i, ballot := range ballots {
		voter, tok := s.signIn(t, fmt.Sprintf("voter%d@example.org", i))
		voters = append(voters, voter)
		for _, nom := range ballot {
			if code, body := s.cast(t, tok, nom.Category, nom.ID); code != http.StatusCreated {
				t.Fatalf("vote: %d %s", code, body)
			}
		}
	}
	ctx := context.Background()
	var invs []store.Invalidation
	for _, voter := range voters[:2] {
		v, err := s.store.Vote(ctx, models.VoteID(2027, 4, voter.ID))
		if err != nil {
			t.Fatal(err)
		}
		invs = append(invs, store.Invalidation{Vote: v, Reason: "one script", By: "admin", At: s.clock.Now()})
	}
	if _, err := s.store.InsertInvalidations(ctx, invs); err != nil {
		t.Fatal(err)
	}
	s.setClock(t, voteCloses.Add(time.Hour))
	return s
}

func (s *championsSetup) publishChampions(t *testing.T, body string) *httptest.ResponseRecorder {
	t.Helper()
	const path = "/api/v1/admin/contests/2027/champions/publish"
	if body == "" {
		return s.do(t, http.MethodPost, path, nil, bearer(s.adminTok)...)
	}
	return s.do(t, http.MethodPost, path, jsonBody(body), bearer(s.adminTok)...)
}

// publicStates returns each published nominee's public state by id.
func (s *championsSetup) publicStates(t *testing.T) map[string]models.NominationState {
	t.Helper()
	rec := s.do(t, http.MethodGet, "/api/v1/contests/2027/nominees", nil)
	if strings.Contains(rec.Body.String(), "votes") {
		t.Fatalf("the public nominees show counts: %s", rec.Body)
	}
	list := decode[struct {
		Items []models.Nomination `json:"items"`
	}](t, rec)
	out := map[string]models.NominationState{}
	for _, n := range list.Items {
		out[n.ID] = n.State
	}
	return out
}

func TestPublishChampions_ByValidVotesTiesToEarlierSubmission(t *testing.T) {
	s := newChampionsSetup(t, 1)
	n := s.nominations

	s.setClock(t, voteCloses.Add(-time.Minute))
	wantProblem(t, s.publishChampions(t, ""), http.StatusConflict, "phase-closed")
	s.setClock(t, voteCloses.Add(time.Hour))
	wantProblem(t, s.do(t, http.MethodPost, "/api/v1/admin/contests/2027/champions/publish", nil, bearer(s.userTok)...), http.StatusForbidden, "forbidden")

	rec := s.publishChampions(t, "")
	if rec.Code != http.StatusOK {
		t.Fatalf("publish champions: %d %s", rec.Code, rec.Body)
	}
	counts := decode[models.ChampionCounts](t, rec)
	champions := map[int][]string{}
	for _, c := range counts.Categories {
		champions[c.Category] = c.Champions
		if c.Category == 4 && (c.Invalidated != 2 || c.Votes(n[3].ID) != 1 || c.Votes(n[1].ID) != 2) {
			t.Fatalf("category 4 counts %+v, want 2 valid for %s, 1 for %s, 2 invalidated", c, n[1].ID, n[3].ID)
		}
	}
	// Category 3 is a tie on votes and on score (nobody reviewed): the
	// earlier submission wins. Category 4 goes by valid votes only.
	if fmt.Sprint(champions[3]) != fmt.Sprint([]string{n[0].ID}) || fmt.Sprint(champions[4]) != fmt.Sprint([]string{n[1].ID}) {
		t.Fatalf("champions = %v, want %s in 3 and %s in 4", champions, n[0].ID, n[1].ID)
	}
	states := s.publicStates(t)
	want := map[string]models.NominationState{n[0].ID: models.NominationChampion, n[1].ID: models.NominationChampion,
		n[2].ID: models.NominationNominee, n[3].ID: models.NominationNominee}
	for id, st := range want {
		if states[id] != st {
			t.Errorf("%s is %q in public, want %q", id, states[id], st)
		}
	}
	wantProblem(t, s.do(t, http.MethodGet, "/api/v1/contests/2027/results", nil), http.StatusNotFound, "not-found")
	if body := s.do(t, http.MethodGet, "/api/v1/nominations/"+n[0].ID, nil).Body.String(); strings.Contains(body, "votes") {
		t.Fatalf("a champion shows counts before the results: %s", body)
	}
	mails, err := s.store.RecentMails(context.Background(), 100)
	if err != nil {
		t.Fatal(err)
	}
	told := 0
	for _, m := range mails {
		if m.To == s.user.Email && strings.Contains(m.Subject, "is a champion") {
			told++
		}
	}
	if told != 2 {
		t.Fatalf("%d champion mails to the nominator, want 2", told)
	}
	// The selection opened when the voting closed: the champions stand.
	wantProblem(t, s.publishChampions(t, ""), http.StatusConflict, "phase-closed")
}

func TestPublishChampions_RunsAgainBeforeTheSelectionOpens(t *testing.T) {
	s := newChampionsSetup(t, 1)
	n := s.nominations
	opens := voteCloses.Add(48 * time.Hour)
	patch := fmt.Sprintf(`{"schedule":{"selection":{"opens_at":%q,"closes_at":%q}}}`, opens.Format(time.RFC3339), selCloses.Format(time.RFC3339))
	if rec := s.do(t, http.MethodPatch, "/api/v1/admin/contests/2027", jsonBody(patch), bearer(s.adminTok)...); rec.Code != http.StatusOK {
		t.Fatalf("move the selection: %d %s", rec.Code, rec.Body)
	}
	if rec := s.publishChampions(t, ""); rec.Code != http.StatusOK {
		t.Fatalf("publish: %d %s", rec.Code, rec.Body)
	}
	// A run again with an override moves the champion of category 3.
	body := fmt.Sprintf(`{"add":[%q],"remove":[%q],"reason":"jury decision"}`, n[2].ID, n[0].ID)
	if rec := s.publishChampions(t, body); rec.Code != http.StatusOK {
		t.Fatalf("publish again: %d %s", rec.Code, rec.Body)
	}
	states := s.publicStates(t)
	if states[n[2].ID] != models.NominationChampion || states[n[0].ID] != models.NominationNominee {
		t.Fatalf("after the run again: %v", states)
	}
	s.setClock(t, opens)
	wantProblem(t, s.publishChampions(t, ""), http.StatusConflict, "phase-closed")
}

func TestPublishChampions_OverridesNeedAReasonAndAreAudited(t *testing.T) {
	s := newChampionsSetup(t, 1)
	n := s.nominations
	p := wantProblem(t, s.publishChampions(t, fmt.Sprintf(`{"add":[%q]}`, n[2].ID)), http.StatusUnprocessableEntity, "validation")
	if !strings.Contains(fmt.Sprint(p.Errors), "reason") {
		t.Fatalf("the refusal does not name the reason: %+v", p)
	}
	wantProblem(t, s.publishChampions(t, `{"add":["no-such-nominee"],"reason":"x"}`), http.StatusUnprocessableEntity, "validation")
	body := fmt.Sprintf(`{"add":[%q],"remove":[%q],"reason":"Nominee 0 was found to be a duplicate."}`, n[2].ID, n[0].ID)
	if rec := s.publishChampions(t, body); rec.Code != http.StatusOK {
		t.Fatalf("publish with overrides: %d %s", rec.Code, rec.Body)
	}
	states := s.publicStates(t)
	if states[n[2].ID] != models.NominationChampion || states[n[0].ID] != models.NominationNominee {
		t.Fatalf("overrides not applied: %v", states)
	}
	audit := decode[struct {
		Items []models.AuditEntry `json:"items"`
	}](t, s.do(t, http.MethodGet, "/api/v1/admin/audit?action=contest.champions.publish&target=2027", nil, bearer(s.adminTok)...))
	if len(audit.Items) != 1 || audit.Items[0].After["reason"] != "Nominee 0 was found to be a duplicate." ||
		!strings.Contains(fmt.Sprint(audit.Items[0].After["added"]), n[2].ID) {
		t.Fatalf("audit = %+v", audit.Items)
	}
}

package handlers_test

import (
	"context"
	"encoding/csv"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/wsis-platform/wsis/models"
	"github.com/wsis-platform/wsis/store"
)

func storeProfileOrg(org string) store.ProfilePatch { return store.ProfilePatch{Organization: &org} }

func sortedIDs(ids []string) []string {
	out := slices.Clone(ids)
	slices.Sort(out)
	return out
}

// reviewSetup is a 2027 contest with nominations submitted and reviewers.
type reviewSetup struct {
	*prizesServer
	nominations []models.Nomination
	reviewers   []models.User
	reviewerTok map[string]string
}

func newReviewSetup(t *testing.T, settings string, orgs []string, reviewers int, mutate ...func(*handlersConfig)) *reviewSetup {
	t.Helper()
	s := &reviewSetup{prizesServer: newPrizes(t, settings, mutate...), reviewerTok: map[string]string{}}
	for i, org := range orgs {
		p := s.publishedProject(t, s.user.ID, org, "c3", "c4")
		cat := 3 + i%2
		rec := s.nominate(t, s.userTok, nominationBody(p.ID, cat))
		if rec.Code != http.StatusCreated {
			t.Fatalf("nominate %s: %d %s", org, rec.Code, rec.Body)
		}
		s.nominations = append(s.nominations, decode[models.Nomination](t, rec))
	}
	for i := range reviewers {
		email := fmt.Sprintf("reviewer%d@expert.example", i)
		u := s.createUser(t, email, models.RoleReviewer)
		s.reviewers = append(s.reviewers, u)
	}
	return s
}

// enterReview moves the clock into the review window and signs everyone in.
func (s *reviewSetup) at(t *testing.T, when time.Time) {
	t.Helper()
	s.setClock(t, when)
	for _, r := range s.reviewers {
		s.reviewerTok[r.ID] = s.login(t, r.Email, testPassword).AccessToken
	}
}

func (s *reviewSetup) assign(t *testing.T, nominationID, reviewerID string) *httptest.ResponseRecorder {
	t.Helper()
	return s.do(t, http.MethodPost, "/api/v1/admin/assignments",
		jsonBody(fmt.Sprintf(`{"nomination_id":%q,"reviewer_id":%q}`, nominationID, reviewerID)), bearer(s.adminTok)...)
}

const fullScores = `{"relevance":8,"impact":7,"empowerment":6,"sdg_gdc":9,"replicability":5,"sustainability":7,"partnerships":8,"wsis_values":9}`

func TestConflicts_CheckedOnEveryManualAssignment(t *testing.T) {
	s := newReviewSetup(t, "", []string{"Digital Sahel", "Andes Connect", "Pacific Links"}, 2)
	s.at(t, subCloses)
	r := s.reviewers[0]
	tok := s.reviewerTok[r.ID]
	if rec := s.do(t, http.MethodPut, "/api/v1/reviewer/conflicts", jsonBody(`{"organizations":["digital  SAHEL"],"countries":["XX"]}`), bearer(tok)...); rec.Code != http.StatusUnprocessableEntity {
		t.Fatalf("an unknown country was accepted: %d", rec.Code)
	}
	country := s.nominations[1].Countries[0]
	rec := s.do(t, http.MethodPut, "/api/v1/reviewer/conflicts", jsonBody(fmt.Sprintf(`{"organizations":["digital  SAHEL"],"countries":[%q]}`, country)), bearer(tok)...)
	if rec.Code != http.StatusOK {
		t.Fatalf("declare: %d %s", rec.Code, rec.Body)
	}
	got := decode[models.Conflicts](t, s.do(t, http.MethodGet, "/api/v1/reviewer/conflicts", nil, bearer(tok)...))
	if len(got.Organizations) != 1 || got.Countries[0] != country {
		t.Fatalf("conflicts = %+v", got)
	}
	for i, want := range []string{"Digital Sahel", "country " + country} {
		p := wantProblem(t, s.assign(t, s.nominations[i].ID, r.ID), http.StatusConflict, "conflict")
		if !strings.Contains(p.Detail, want) {
			t.Errorf("detail %q does not name %q", p.Detail, want)
		}
	}
	// A reviewer of the nominated organization conflicts without declaring it.
	if _, err := s.store.UpdateProfile(context.Background(), s.reviewers[1].ID, 0, storeProfileOrg("Pacific Links"), s.clock.Now()); err != nil {
		t.Fatal(err)
	}
	wantProblem(t, s.assign(t, s.nominations[2].ID, s.reviewers[1].ID), http.StatusConflict, "conflict")
	if rec := s.assign(t, s.nominations[0].ID, s.reviewers[1].ID); rec.Code != http.StatusCreated {
		t.Fatalf("a conflict-free assignment: %d %s", rec.Code, rec.Body)
	}
	wantProblem(t, s.assign(t, s.nominations[0].ID, s.reviewers[1].ID), http.StatusConflict, "conflict")
	wantProblem(t, s.assign(t, s.nominations[0].ID, s.user.ID), http.StatusUnprocessableEntity, "validation")
	// Only reviewers may declare conflicts.
	wantProblem(t, s.do(t, http.MethodGet, "/api/v1/reviewer/conflicts", nil, bearer(s.userTok)...), http.StatusForbidden, "forbidden")
}

func TestReview_DraftSubmitWindowAndIsolation(t *testing.T) {
	s := newReviewSetup(t, "", []string{"Digital Sahel"}, 2)
	s.at(t, subCloses.Add(-time.Hour))
	a := decode[models.Assignment](t, s.assign(t, s.nominations[0].ID, s.reviewers[0].ID))
	s.assign(t, s.nominations[0].ID, s.reviewers[1].ID)
	mine, other := s.reviewerTok[s.reviewers[0].ID], s.reviewerTok[s.reviewers[1].ID]
	path := "/api/v1/reviewer/assignments/" + a.ID + "/review"
	wantProblem(t, s.do(t, http.MethodPut, path, jsonBody(`{"scores":{"impact":5}}`), bearer(mine)...), http.StatusConflict, "phase-closed")

	s.at(t, subCloses)
	mine, other = s.reviewerTok[s.reviewers[0].ID], s.reviewerTok[s.reviewers[1].ID]
	rec := s.do(t, http.MethodPut, path, jsonBody(`{"scores":{"impact":5},"comment":"first thoughts"}`), bearer(mine)...)
	if rec.Code != http.StatusOK || decode[models.Assignment](t, rec).State != models.ReviewDraft {
		t.Fatalf("draft: %d %s", rec.Code, rec.Body)
	}
	p := wantProblem(t, s.do(t, http.MethodPut, path, jsonBody(`{"scores":{"impact":5},"submit":true}`), bearer(mine)...), http.StatusUnprocessableEntity, "validation")
	if len(p.Errors) != 7 {
		t.Fatalf("an incomplete submission names %d missing criteria, want 7: %+v", len(p.Errors), p.Errors)
	}
	wantProblem(t, s.do(t, http.MethodPut, path, jsonBody(`{"scores":{"impact":11}}`), bearer(mine)...), http.StatusUnprocessableEntity, "validation")
	wantProblem(t, s.do(t, http.MethodPut, path, jsonBody(`{"scores":{"charm":5}}`), bearer(mine)...), http.StatusUnprocessableEntity, "validation")
	wantProblem(t, s.do(t, http.MethodPut, path, jsonBody(`{"scores":{"impact":4.5}}`), bearer(mine)...), http.StatusBadRequest, "bad-request")
	rec = s.do(t, http.MethodPut, path, jsonBody(`{"scores":`+fullScores+`,"submit":true}`), bearer(mine)...)
	if rec.Code != http.StatusOK || decode[models.Assignment](t, rec).State != models.ReviewSubmitted {
		t.Fatalf("submit: %d %s", rec.Code, rec.Body)
	}
	// The other reviewer neither sees nor touches this review.
	wantProblem(t, s.do(t, http.MethodPut, path, jsonBody(`{"scores":{"impact":1}}`), bearer(other)...), http.StatusNotFound, "not-found")
	theirs := s.do(t, http.MethodGet, "/api/v1/reviewer/assignments", nil, bearer(other)...).Body.String()
	if strings.Contains(theirs, a.ID) || strings.Contains(theirs, s.reviewers[0].ID) || strings.Contains(theirs, `"impact":7`) {
		t.Fatalf("another reviewer's list shows the first reviewer's work: %s", theirs)
	}
	list := decode[struct {
		Items []struct {
			ID         string `json:"id"`
			Nomination struct {
				ShortDescription string `json:"short_description"`
			} `json:"nomination"`
			Criteria []models.Criterion `json:"criteria"`
		} `json:"items"`
	}](t, s.do(t, http.MethodGet, "/api/v1/reviewer/assignments", nil, bearer(mine)...))
	if len(list.Items) != 1 || list.Items[0].Nomination.ShortDescription == "" || len(list.Items[0].Criteria) != 8 {
		t.Fatalf("own assignments = %+v", list.Items)
	}
	wantProblem(t, s.do(t, http.MethodDelete, "/api/v1/admin/assignments/"+a.ID, nil, bearer(s.adminTok)...), http.StatusConflict, "conflict")
	// Criteria cannot change under submitted reviews.
	p = wantProblem(t, s.do(t, http.MethodPatch, "/api/v1/admin/contests/2027", jsonBody(`{"settings":{"criteria":[{"key":"impact","name":"Impact"}]}}`), bearer(s.adminTok)...),
		http.StatusConflict, "conflict")
	if !strings.Contains(p.Detail, "criteria") {
		t.Fatalf("detail %q", p.Detail)
	}
	// Edits until the deadline, none after it.
	s.at(t, revCloses.Add(-time.Nanosecond))
	if rec := s.do(t, http.MethodPut, path, jsonBody(`{"scores":`+fullScores+`,"submit":true,"comment":"revised"}`), bearer(s.reviewerTok[s.reviewers[0].ID])...); rec.Code != http.StatusOK {
		t.Fatalf("edit before the deadline: %d", rec.Code)
	}
	s.at(t, revCloses)
	wantProblem(t, s.do(t, http.MethodPut, path, jsonBody(`{"scores":`+fullScores+`,"submit":true}`), bearer(s.reviewerTok[s.reviewers[0].ID])...),
		http.StatusConflict, "phase-closed")
	wantProblem(t, s.do(t, http.MethodDelete, "/api/v1/admin/assignments/"+a.ID, nil, bearer(s.adminTok)...), http.StatusConflict, "phase-closed")
	wantProblem(t, s.assign(t, s.nominations[0].ID, s.reviewers[1].ID), http.StatusConflict, "phase-closed")
	wantProblem(t, s.do(t, http.MethodPost, "/api/v1/admin/contests/2027/assignments/auto", nil, bearer(s.adminTok)...), http.StatusConflict, "phase-closed")
}

func TestReview_ScreenedOutNominationIsNoLongerReviewed(t *testing.T) {
	s := newReviewSetup(t, "", []string{"Digital Sahel"}, 1)
	s.at(t, subCloses)
	a := decode[models.Assignment](t, s.assign(t, s.nominations[0].ID, s.reviewers[0].ID))
	if rec := s.do(t, http.MethodPost, "/api/v1/admin/nominations/"+s.nominations[0].ID+"/ineligible", jsonBody(`{"reason":"Out of scope."}`), bearer(s.adminTok)...); rec.Code != http.StatusOK {
		t.Fatalf("screen: %d", rec.Code)
	}
	wantProblem(t, s.do(t, http.MethodPut, "/api/v1/reviewer/assignments/"+a.ID+"/review", jsonBody(`{"scores":`+fullScores+`,"submit":true}`), bearer(s.reviewerTok[s.reviewers[0].ID])...),
		http.StatusConflict, "conflict")
}

func TestContest_CriteriaKeysValidated(t *testing.T) {
	s := newPrizes(t, "")
	for _, body := range []string{`{"settings":{"criteria":[{"key":"","name":"x"}]}}`,
		`{"settings":{"criteria":[{"key":"impact","name":"A"},{"key":"impact","name":"B"}]}}`,
		`{"settings":{"criteria":[{"key":"Impact!","name":"A"}]}}`} {
		wantProblem(t, s.do(t, http.MethodPatch, "/api/v1/admin/contests/2027", jsonBody(body), bearer(s.adminTok)...), http.StatusUnprocessableEntity, "validation")
	}
}

func TestAutoAssign_CoversBalancesAvoidsConflictsAndIsIdempotent(t *testing.T) {
	orgs := []string{"Org A", "Org B", "Org C", "Org D", "Org E", "Org F", "Org G"}
	s := newReviewSetup(t, "", orgs, 4)
	s.at(t, subCloses)
	// Reviewer 0 conflicts with Org A.
	if rec := s.do(t, http.MethodPut, "/api/v1/reviewer/conflicts", jsonBody(`{"organizations":["org a"]}`), bearer(s.reviewerTok[s.reviewers[0].ID])...); rec.Code != http.StatusOK {
		t.Fatal(rec.Code)
	}
	type answer struct {
		Assigned  []models.Assignment `json:"assigned"`
		Uncovered []struct {
			Nomination string `json:"nomination"`
			Missing    int    `json:"missing"`
			Reason     string `json:"reason"`
		} `json:"uncovered"`
		Loads map[string]int `json:"loads"`
	}
	rec := s.do(t, http.MethodPost, "/api/v1/admin/contests/2027/assignments/auto", jsonBody(`{"reviews_per_nomination":2}`), bearer(s.adminTok)...)
	if rec.Code != http.StatusOK {
		t.Fatalf("auto: %d %s", rec.Code, rec.Body)
	}
	first := decode[answer](t, rec)
	if len(first.Assigned) != 14 || len(first.Uncovered) != 0 {
		t.Fatalf("assigned %d, uncovered %+v; want 14 and none", len(first.Assigned), first.Uncovered)
	}
	perNomination := map[string]map[string]bool{}
	for _, a := range first.Assigned {
		if perNomination[a.NominationID] == nil {
			perNomination[a.NominationID] = map[string]bool{}
		}
		perNomination[a.NominationID][a.ReviewerID] = true
		if a.NominationID == s.nominations[0].ID && a.ReviewerID == s.reviewers[0].ID {
			t.Fatal("a reviewer was assigned despite a conflict")
		}
	}
	for _, n := range s.nominations {
		if len(perNomination[n.ID]) != 2 {
			t.Errorf("nomination %s has %d distinct reviewers", n.Organization, len(perNomination[n.ID]))
		}
	}
	lo, hi := 100, 0
	for _, l := range first.Loads {
		lo, hi = min(lo, l), max(hi, l)
	}
	if hi-lo > 1 {
		t.Fatalf("loads %v differ by more than one", first.Loads)
	}
	again := decode[answer](t, s.do(t, http.MethodPost, "/api/v1/admin/contests/2027/assignments/auto", jsonBody(`{"reviews_per_nomination":2}`), bearer(s.adminTok)...))
	if len(again.Assigned) != 0 {
		t.Fatalf("a second run assigned %d more", len(again.Assigned))
	}
	// Four per nomination cannot cover Org A: only three reviewers are free of conflict.
	more := decode[answer](t, s.do(t, http.MethodPost, "/api/v1/admin/contests/2027/assignments/auto", jsonBody(`{"reviews_per_nomination":4}`), bearer(s.adminTok)...))
	if len(more.Uncovered) != 1 || more.Uncovered[0].Nomination != s.nominations[0].ID || more.Uncovered[0].Missing != 1 || more.Uncovered[0].Reason == "" {
		t.Fatalf("uncovered = %+v", more.Uncovered)
	}
	mails, _ := s.store.RecentMails(context.Background(), 100)
	toReviewers := 0
	for _, m := range mails {
		if strings.HasSuffix(m.To, "@expert.example") {
			toReviewers++
		}
	}
	if toReviewers != 8 { // one mail per reviewer per run that gave them work
		t.Fatalf("%d mails to reviewers, want 8", toReviewers)
	}
}

func TestRankings_PublishNomineesWithOverrides(t *testing.T) {
	s := newReviewSetup(t, `,"settings":{"nominees_per_category":1,"score_normalization":"none"}`,
		[]string{"Org A", "Org B", "Org C", "Org D"}, 3)
	s.at(t, subCloses)
	// Categories: nominations 0 and 2 are in c3 (category 3), 1 and 3 in c4.
	scores := map[int]int{0: 9, 1: 4, 2: 6, 3: 8}
	for i, n := range s.nominations {
		for _, r := range s.reviewers {
			a := decode[models.Assignment](t, s.assign(t, n.ID, r.ID))
			body := fmt.Sprintf(`{"scores":{"relevance":%d,"impact":%d,"empowerment":%d,"sdg_gdc":%d,"replicability":%d,"sustainability":%d,"partnerships":%d,"wsis_values":%d},"submit":true}`,
				scores[i], scores[i], scores[i], scores[i], scores[i], scores[i], scores[i], scores[i])
			if rec := s.do(t, http.MethodPut, "/api/v1/reviewer/assignments/"+a.ID+"/review", jsonBody(body), bearer(s.reviewerTok[r.ID])...); rec.Code != http.StatusOK {
				t.Fatalf("review: %d %s", rec.Code, rec.Body)
			}
		}
	}
	wantProblem(t, s.do(t, http.MethodPost, "/api/v1/admin/contests/2027/nominees/publish", nil, bearer(s.adminTok)...), http.StatusConflict, "phase-closed")
	wantProblem(t, s.do(t, http.MethodGet, "/api/v1/contests/2027/nominees", nil), http.StatusNotFound, "not-found")

	// Once voting has opened, the shortlist can no longer be published.
	s.at(t, revCloses.Add(time.Hour))
	wantProblem(t, s.do(t, http.MethodPost, "/api/v1/admin/contests/2027/nominees/publish", nil, bearer(s.adminTok)...), http.StatusConflict, "phase-closed")
	// The secretariat leaves a week between the review and the vote.
	votingOpens := revCloses.AddDate(0, 0, 7)
	patch := fmt.Sprintf(`{"schedule":{"voting":{"opens_at":%q,"closes_at":%q}}}`, votingOpens.Format(time.RFC3339), voteCloses.Format(time.RFC3339))
	if rec := s.do(t, http.MethodPatch, "/api/v1/admin/contests/2027", jsonBody(patch), bearer(s.adminTok)...); rec.Code != http.StatusOK {
		t.Fatalf("move the vote: %d %s", rec.Code, rec.Body)
	}
	s.at(t, revCloses)
	ranking := decode[struct {
		Items []struct {
			NominationID string  `json:"nomination_id"`
			Category     int     `json:"category"`
			Rank         int     `json:"rank"`
			RawMean      float64 `json:"raw_mean"`
			Reviews      int     `json:"reviews"`
		} `json:"items"`
	}](t, s.do(t, http.MethodGet, "/api/v1/admin/contests/2027/rankings?category=3", nil, bearer(s.adminTok)...))
	if len(ranking.Items) != 2 || ranking.Items[0].NominationID != s.nominations[0].ID || ranking.Items[0].RawMean != 9 || ranking.Items[0].Reviews != 3 {
		t.Fatalf("category 3 ranking = %+v", ranking.Items)
	}
	wantProblem(t, s.do(t, http.MethodPost, "/api/v1/admin/contests/2027/nominees/publish", jsonBody(fmt.Sprintf(`{"add":[%q]}`, s.nominations[1].ID)), bearer(s.adminTok)...),
		http.StatusUnprocessableEntity, "validation")
	rec := s.do(t, http.MethodPost, "/api/v1/admin/contests/2027/nominees/publish",
		jsonBody(fmt.Sprintf(`{"add":[%q],"remove":[%q],"reason":"Balance of regions."}`, s.nominations[2].ID, s.nominations[3].ID)), bearer(s.adminTok)...)
	if rec.Code != http.StatusOK {
		t.Fatalf("publish: %d %s", rec.Code, rec.Body)
	}
	public := decode[struct {
		Items []map[string]any `json:"items"`
	}](t, s.do(t, http.MethodGet, "/api/v1/contests/2027/nominees", nil))
	var ids []string
	for _, item := range public.Items {
		ids = append(ids, item["id"].(string))
		if _, leaks := item["raw_mean"]; leaks {
			t.Fatal("public nominees show scores")
		}
	}
	want := []string{s.nominations[0].ID, s.nominations[2].ID}
	if fmt.Sprint(sortedIDs(ids)) != fmt.Sprint(sortedIDs(want)) {
		t.Fatalf("nominees %v, want %v (top of c3, plus the added one; the top of c4 removed)", ids, want)
	}
	if rec := s.do(t, http.MethodGet, "/api/v1/nominations/"+s.nominations[0].ID, nil); rec.Code != http.StatusOK {
		t.Fatalf("a nominee is not public: %d", rec.Code)
	}
	contest := decode[models.Contest](t, s.do(t, http.MethodGet, "/api/v1/contests/2027", nil))
	if !contest.Stages.NomineesPublished || contest.ShortlistMethod != "none" {
		t.Fatalf("contest stages %+v, method %q", contest.Stages, contest.ShortlistMethod)
	}
	wantProblem(t, s.do(t, http.MethodPost, "/api/v1/admin/contests/2027/nominees/publish", nil, bearer(s.adminTok)...), http.StatusConflict, "conflict")
	audit := decode[struct {
		Items []models.AuditEntry `json:"items"`
	}](t, s.do(t, http.MethodGet, "/api/v1/admin/audit?action=contest.nominees.publish", nil, bearer(s.adminTok)...))
	if len(audit.Items) != 1 || audit.Items[0].After["reason"] != "Balance of regions." {
		t.Fatalf("audit = %+v", audit.Items)
	}

	exp := s.do(t, http.MethodGet, "/api/v1/admin/contests/2027/export?what=reviews&format=csv", nil, bearer(s.adminTok)...)
	rows, err := csv.NewReader(strings.NewReader(exp.Body.String())).ReadAll()
	if err != nil || len(rows) != 13 || rows[0][7] != "relevance" {
		t.Fatalf("reviews export: %d rows, %v", len(rows), err)
	}
}

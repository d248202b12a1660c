package handlers_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/wsis-platform/wsis/models"
)

// reviewedSetup is four nominations (0 and 2 in category 3, 1 and 3 in
// category 4) reviewed by three reviewers, who agree on each but the last,
// with the clock at the end of the review window and a week before voting.
func reviewedSetup(t *testing.T) *reviewSetup {
	t.Helper()
	s := newReviewSetup(t, `,"settings":{"nominees_per_category":1}`, []string{"Org A", "Org B", "Org C", "Org D"}, 3)
	s.at(t, subCloses)
	scores := [][]int{{9, 9, 9}, {4, 4, 4}, {6, 6, 6}, {2, 8, 8}}
	for i, n := range s.nominations {
		for j, r := range s.reviewers {
			a := decode[models.Assignment](t, s.assign(t, n.ID, r.ID))
			v := scores[i][j]
			body := fmt.Sprintf(`{"scores":{"relevance":%d,"impact":%d,"empowerment":%d,"sdg_gdc":%d,"replicability":%d,"sustainability":%d,"partnerships":%d,"wsis_values":%d},"submit":true}`,
				v, v, v, v, v, v, v, v)
			if rec := s.do(t, http.MethodPut, "/api/v1/reviewer/assignments/"+a.ID+"/review", jsonBody(body), bearer(s.reviewerTok[r.ID])...); rec.Code != http.StatusOK {
				t.Fatalf("review: %d %s", rec.Code, rec.Body)
			}
		}
	}
	s.at(t, revCloses.Add(-time.Hour))
	votingOpens := revCloses.AddDate(0, 0, 7)
	patch := fmt.Sprintf(`{"schedule":{"voting":{"opens_at":%q,"closes_at":%q}}}`, votingOpens.Format(time.RFC3339), voteCloses.Format(time.RFC3339))
	if rec := s.do(t, http.MethodPatch, "/api/v1/admin/contests/2027", jsonBody(patch), bearer(s.adminTok)...); rec.Code != http.StatusOK {
		t.Fatalf("move the vote: %d %s", rec.Code, rec.Body)
	}
	return s
}

func TestRankingsPage_ShowsRawAndNormalisedScoresAndTheDisagreementFlag(t *testing.T) {
	s := reviewedSetup(t)
	b := s.adminBrowser(t)
	doc := b.get(t, "/admin/contests/2027/rankings?category=3", http.StatusOK)
	first, second := doc.Find("#ranking-"+s.nominations[0].ID), doc.Find("#ranking-"+s.nominations[2].ID)
	if text(first.Find("td").First()) != "1" || text(second.Find("td").First()) != "2" {
		t.Errorf("ranks %q and %q", text(first.Find("td").First()), text(second.Find("td").First()))
	}
	if text(first.Find(".raw")) != "9.00" || text(second.Find(".raw")) != "6.00" || text(first.Find(".spread")) != "0.00" {
		t.Errorf("raw scores %q %q, spread %q", text(first.Find(".raw")), text(second.Find(".raw")), text(first.Find(".spread")))
	}
	if z := text(first.Find(".normalised")); z == "" || z == "9.00" || !strings.Contains(z, ".") {
		t.Errorf("normalised score %q", z)
	}
	if doc.Find("tr.disagreement").Length() != 0 || doc.Find(".shortlisted").Length() != 1 {
		t.Errorf("category 3: %d flagged, %d shortlisted", doc.Find("tr.disagreement").Length(), doc.Find(".shortlisted").Length())
	}
	if got := text(doc.Find(".ballot-state")); !strings.Contains(got, "after the review window closes") {
		t.Errorf("before the review closes: %q", got)
	}
	if doc.Find(`form[action*="/nominees/publish"] button[type=submit]`).Length() != 0 {
		t.Error("the publish button is offered before the review window closes")
	}
	doc = b.get(t, "/admin/contests/2027/rankings?category=4", http.StatusOK)
	flagged := doc.Find("tr.disagreement")
	if flagged.Length() != 1 || flagged.AttrOr("id", "") != "ranking-"+s.nominations[3].ID || text(flagged.Find(".flag")) != "Reviewers disagree" {
		t.Errorf("flagged in category 4: %q", text(flagged))
	}
	if got := text(flagged.Find(".spread")); !strings.HasPrefix(got, "2.83") {
		t.Errorf("spread %q", got)
	}
	ar := loggedIn(t, s.testServer, "admin@example.org", "ar")
	doc = ar.get(t, "/admin/contests/2027/rankings?category=3", http.StatusOK)
	if dir, _ := doc.Find("html").Attr("dir"); dir != "rtl" || text(doc.Find("#ranking-"+s.nominations[0].ID+" .raw")) != "٩٫٠٠" {
		t.Errorf("Arabic page dir %q, raw score %q", dir, text(doc.Find("#ranking-"+s.nominations[0].ID+" .raw")))
	}
	b.get(t, "/admin/contests/2027/rankings?category=0", http.StatusNotFound)
}

func TestRankingsPage_PublishesTheNomineesWithOverridesAndTheirReason(t *testing.T) {
	s := reviewedSetup(t)
	s.at(t, revCloses)
	b := s.adminBrowser(t)
	doc := b.get(t, "/admin/contests/2027/rankings?category=3", http.StatusOK)
	if doc.Find(`input[name=add][value="`+s.nominations[2].ID+`"]`).Length() != 1 ||
		doc.Find(`input[name=remove][value="`+s.nominations[0].ID+`"]`).Length() != 1 {
		t.Fatal("the overrides are not offered")
	}
	doc = wantPage(t, b.post(t, "/admin/contests/2027/nominees/publish?category=3", url.Values{"add": {s.nominations[2].ID}, "reason": {" "}}),
		http.StatusUnprocessableEntity)
	if got := text(doc.Find("#reason-error")); got != "Give the reason for the overrides." {
		t.Errorf("override without a reason: %q", got)
	}
	if _, checked := doc.Find(`input[name=add][value="` + s.nominations[2].ID + `"]`).Attr("checked"); !checked {
		t.Error("the override ticked is not kept")
	}
	if s.contest(t).Stages.NomineesPublished {
		t.Fatal("a refused form published the nominees")
	}
	wantRedirect(t, b.post(t, "/admin/contests/2027/nominees/publish?category=3", url.Values{"add": {s.nominations[2].ID},
		"reason": {"Two strong projects in category 3."}}), "/admin/contests/2027/rankings?category=3&done=published")
	states := map[string]models.NominationState{}
	for _, n := range s.nominations {
		got, err := s.store.Nomination(context.Background(), n.ID)
		if err != nil {
			t.Fatal(err)
		}
		states[n.ID] = got.State
	}
	if states[s.nominations[0].ID] != models.NominationNominee || states[s.nominations[2].ID] != models.NominationNominee ||
		states[s.nominations[1].ID] == states[s.nominations[3].ID] {
		t.Errorf("states after publishing: %v", states)
	}
	doc = b.get(t, "/admin/contests/2027/rankings?category=3&done=published", http.StatusOK)
	if text(doc.Find(".notice")) != "The nominees are published." || doc.Find(`input[name=add]`).Length() != 0 {
		t.Errorf("after publishing: notice %q, %d overrides offered", text(doc.Find(".notice")), doc.Find(`input[name=add]`).Length())
	}
	doc = wantPage(t, b.post(t, "/admin/contests/2027/nominees/publish", url.Values{}), http.StatusConflict)
	if got := text(doc.Find(".form-errors")); !strings.Contains(got, "already published") {
		t.Errorf("publishing twice: %q", got)
	}
}

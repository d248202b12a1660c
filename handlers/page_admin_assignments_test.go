package handlers_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/wsis-platform/wsis/models"
	"github.com/wsis-platform/wsis/store"
)

func (s *reviewSetup) assignments(t *testing.T) []models.Assignment {
	t.Helper()
	list, err := s.store.Assignments(context.Background(), store.AssignmentQuery{Contest: 2027})
	if err != nil {
		t.Fatal(err)
	}
	return list
}

func rows(sel *goquery.Selection) []string {
	var out []string
	sel.Find("tbody tr").Each(func(_ int, tr *goquery.Selection) {
		var cells []string
		tr.Children().Each(func(_ int, cell *goquery.Selection) { cells = append(cells, text(cell)) })
		out = append(out, strings.Join(cells, " "))
	})
	return out
}

func TestAssignmentsPage_AutoAssignmentReportsWhoGotWhatLoadsAndWhatIsUncovered(t *testing.T) {
	s := newReviewSetup(t, "", []string{"Digital Sahel", "Andes Connect"}, 3)
	s.at(t, subCloses)
	// The first reviewer works for the first nomination's organization.
	if _, err := s.store.UpdateProfile(context.Background(), s.reviewers[0].ID, 0, storeProfileOrg("Digital Sahel"), s.clock.Now()); err != nil {
		t.Fatal(err)
	}
	b := s.adminBrowser(t)
	doc := b.get(t, "/admin/contests/2027/assignments", http.StatusOK)
	if v, _ := doc.Find("#reviews_per_nomination").Attr("value"); v != "3" {
		t.Errorf("reviews per nomination defaults to %q, want the contest's 3", v)
	}
	doc = wantPage(t, b.post(t, "/admin/contests/2027/assignments/auto", url.Values{"reviews_per_nomination": {"0"}}), http.StatusUnprocessableEntity)
	if got := text(doc.Find("#reviews_per_nomination-error")); got != "Enter a whole number from 1 to 20." {
		t.Errorf("bad count: %q", got)
	}
	if n := len(s.assignments(t)); n != 0 {
		t.Fatalf("a refused form assigned %d", n)
	}

	doc = wantPage(t, b.post(t, "/admin/contests/2027/assignments/auto", url.Values{"reviews_per_nomination": {"3"}}), http.StatusOK)
	report := doc.Find("#auto-report")
	if got := text(report.Find("p").First()); got != "New assignments: 5" {
		t.Errorf("report count %q", got)
	}
	assigned := rows(report.Find("table.report-assigned"))
	if len(assigned) != 5 || !strings.Contains(strings.Join(assigned, "|"), "Test reviewer0@expert.example "+s.nominations[1].ProjectTitle) {
		t.Errorf("who got what %v", assigned)
	}
	loads := rows(report.Find("table.report-loads"))
	if strings.Join(loads, "|") != "Test reviewer0@expert.example 1|Test reviewer1@expert.example 2|Test reviewer2@expert.example 2" {
		t.Errorf("loads %v", loads)
	}
	uncovered := rows(report.Find("table.report-uncovered"))
	if len(uncovered) != 1 || uncovered[0] != s.nominations[0].ProjectTitle+" Reviewers missing: 1. Reviewers without a conflict: 2." {
		t.Errorf("uncovered %v", uncovered)
	}
	if n := len(s.assignments(t)); n != 5 {
		t.Errorf("%d assignments stored, want 5", n)
	}
	item := doc.Find("#nomination-" + s.nominations[0].ID)
	if got := text(item.Find("ul.reviewers")); !strings.Contains(got, "Test reviewer1@expert.example · not submitted") {
		t.Errorf("the nomination's reviewers: %q", got)
	}
}

func TestAssignmentsPage_ManualAssignmentExplainsAConflictAndUnassigns(t *testing.T) {
	s := newReviewSetup(t, "", []string{"Digital Sahel", "Andes Connect"}, 2)
	s.at(t, subCloses)
	r := s.reviewers[0]
	country := s.nominations[1].Countries[0]
	body := fmt.Sprintf(`{"organizations":["digital  SAHEL"],"countries":[%q]}`, country)
	if rec := s.do(t, http.MethodPut, "/api/v1/reviewer/conflicts", jsonBody(body), bearer(s.reviewerTok[r.ID])...); rec.Code != http.StatusOK {
		t.Fatalf("declare: %d %s", rec.Code, rec.Body)
	}
	b := s.adminBrowser(t)
	n := s.nominations[0]
	doc := b.get(t, "/admin/contests/2027/assignments", http.StatusOK)
	if doc.Find(`#reviewer-`+n.ID+` option[value="`+r.ID+`"]`).Length() != 1 {
		t.Fatal("the reviewer is not offered for the nomination")
	}
	doc = wantPage(t, b.post(t, "/admin/contests/2027/assignments", url.Values{"nomination_id": {n.ID}, "reviewer_id": {r.ID}}), http.StatusConflict)
	if got := text(doc.Find("#reviewer-" + n.ID + "-error")); got != "Refused: Test reviewer0@expert.example declared a conflict of interest with Digital Sahel." {
		t.Errorf("declared organization: %q", got)
	}
	if v, _ := doc.Find(`#reviewer-` + n.ID + ` option[selected]`).Attr("value"); v != r.ID {
		t.Errorf("the reviewer chosen is not kept: %q", v)
	}
	doc = wantPage(t, b.post(t, "/admin/contests/2027/assignments", url.Values{"nomination_id": {s.nominations[1].ID}, "reviewer_id": {r.ID}}), http.StatusConflict)
	if got := text(doc.Find("#reviewer-" + s.nominations[1].ID + "-error")); !strings.Contains(got, "declared a conflict of interest with") || !strings.Contains(got, "where the project is implemented") {
		t.Errorf("declared country: %q", got)
	}
	doc = wantPage(t, b.post(t, "/admin/contests/2027/assignments", url.Values{"nomination_id": {n.ID}, "reviewer_id": {""}}), http.StatusUnprocessableEntity)
	if got := text(doc.Find("#reviewer-" + n.ID + "-error")); got != "Choose a reviewer." {
		t.Errorf("no reviewer: %q", got)
	}
	if got := len(s.assignments(t)); got != 0 {
		t.Fatalf("refused forms assigned %d", got)
	}

	other := s.reviewers[1]
	wantRedirect(t, b.post(t, "/admin/contests/2027/assignments", url.Values{"nomination_id": {n.ID}, "reviewer_id": {other.ID}}),
		"/admin/contests/2027/assignments?done=assigned")
	list := s.assignments(t)
	if len(list) != 1 || list[0].ReviewerID != other.ID || list[0].NominationID != n.ID {
		t.Fatalf("assignments %+v", list)
	}
	doc = b.get(t, "/admin/contests/2027/assignments?done=assigned", http.StatusOK)
	if got := rows(doc.Find("table.loads")); strings.Join(got, "|") != "Test reviewer0@expert.example 0|Test reviewer1@expert.example 1" {
		t.Errorf("loads %v", got)
	}
	unassign, _ := doc.Find("#nomination-" + n.ID + ` form[action^="/admin/assignments/"]`).Attr("action")
	if unassign != "/admin/assignments/"+list[0].ID+"/delete" {
		t.Fatalf("unassign form %q", unassign)
	}
	wantRedirect(t, b.post(t, unassign, url.Values{"year": {"2027"}}), "/admin/contests/2027/assignments?done=unassigned")
	if got := len(s.assignments(t)); got != 0 {
		t.Errorf("%d assignments after unassigning", got)
	}

	s.at(t, revCloses)
	b = s.adminBrowser(t)
	doc = wantPage(t, b.post(t, "/admin/contests/2027/assignments", url.Values{"nomination_id": {n.ID}, "reviewer_id": {other.ID}}), http.StatusConflict)
	if got := text(doc.Find(".form-errors")); !strings.Contains(got, "Not possible now: the Review window runs from") {
		t.Errorf("after the review window: %q", got)
	}
}

func TestAssignmentsPage_PagesTheNominationsOnTheServer(t *testing.T) {
	s := newReviewSetup(t, "", orgs(22), 1)
	doc := s.adminBrowser(t).get(t, "/admin/contests/2027/assignments", http.StatusOK)
	if n := doc.Find("article.assignment-item").Length(); n != 20 {
		t.Fatalf("first page %d nominations", n)
	}
	next, _ := doc.Find(`a[rel=next]`).Attr("href")
	if n := s.adminBrowser(t).get(t, next, http.StatusOK).Find("article.assignment-item").Length(); n != 2 {
		t.Errorf("second page %d nominations", n)
	}
}

func TestAutoAssign_APIReportsEachUncoveredNominationsConflictFreeReviewers(t *testing.T) {
	s := newReviewSetup(t, "", []string{"Digital Sahel"}, 2)
	s.at(t, subCloses)
	if _, err := s.store.UpdateProfile(context.Background(), s.reviewers[0].ID, 0, storeProfileOrg("Digital Sahel"), s.clock.Now()); err != nil {
		t.Fatal(err)
	}
	rec := s.do(t, http.MethodPost, "/api/v1/admin/contests/2027/assignments/auto", nil, bearer(s.adminTok)...)
	report := decode[struct {
		Uncovered []models.Uncovered `json:"uncovered"`
	}](t, rec)
	if len(report.Uncovered) != 1 || report.Uncovered[0].Missing != 2 || report.Uncovered[0].Possible != 1 {
		t.Errorf("uncovered %+v, want the nomination missing 2 with 1 conflict-free reviewer", report.Uncovered)
	}
}

// formRequest is the POST of form by the browser b, as its pages send it.
func (b *browser) formRequest(path string, form url.Values) *http.Request {
	req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	req.Header.Set("Origin", testPublicURL)
	req.Header.Set("Accept", browserAccept)
	for _, c := range b.cookies {
		req.AddCookie(c)
	}
	return req
}

func TestAssignmentsPage_ConcurrentManualAssignmentsOfOneReviewerMakeOne(t *testing.T) {
	s := newReviewSetup(t, "", []string{"Digital Sahel"}, 1)
	s.at(t, subCloses)
	b := s.adminBrowser(t)
	form := url.Values{"nomination_id": {s.nominations[0].ID}, "reviewer_id": {s.reviewers[0].ID}}
	recs := s.concurrently(t, 8, func(int) *http.Request { return b.formRequest("/admin/contests/2027/assignments", form) })
	counts := statusCounts(recs)
	if counts[http.StatusSeeOther] != 1 || counts[http.StatusConflict] != 7 {
		t.Errorf("answers %v, want one assignment and seven refusals", counts)
	}
	if got := len(s.assignments(t)); got != 1 {
		t.Errorf("%d assignments stored, want 1", got)
	}
}

package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/wsis-platform/wsis/models"
)

// scoresForm is the scoring form with every criterion scored 7 and action.
func scoresForm(action string) url.Values {
	f := url.Values{"action": {action}, "comment": {"Clear results."}}
	for _, c := range models.DefaultCriteria {
		f.Set("scores."+c.Key, "7")
	}
	return f
}

func TestReviewPages_OnlyForReviewersAndAdmins(t *testing.T) {
	s := newReviewSetup(t, "", []string{"Digital Sahel"}, 1)
	s.at(t, subCloses.Add(time.Hour))
	a := decode[models.Assignment](t, s.assign(t, s.nominations[0].ID, s.reviewers[0].ID))
	for _, path := range []string{"/review", "/review/conflicts", "/review/assignments/" + a.ID, "/admin/contests/2027/reviewers"} {
		wantRedirect(t, newBrowser(s.testServer).send(t, getRequest(path)), "/login?next=")
	}
	stakeholder := loggedIn(t, s.testServer, "amina@example.org", "")
	for _, path := range []string{"/review", "/review/conflicts", "/review/assignments/" + a.ID, "/review/contests/2027/selection",
		"/admin/contests/2027/reviewers"} {
		stakeholder.get(t, path, http.StatusNotFound)
	}
	wantPage(t, stakeholder.post(t, "/review/assignments/"+a.ID, scoresForm("submit")), http.StatusNotFound)
	wantPage(t, stakeholder.post(t, "/admin/contests/2027/reviewers/"+s.reviewers[0].ID+"/extension",
		url.Values{"closes_at": {"2027-03-05T12:00"}, "reason": {"travel"}}), http.StatusNotFound)
	if doc := stakeholder.get(t, "/profile", http.StatusOK); doc.Find(`nav a[href="/review"]`).Length() != 0 {
		t.Error("a stakeholder's menu links to the review console")
	}
	reviewer := loggedIn(t, s.testServer, s.reviewers[0].Email, "")
	if doc := reviewer.get(t, "/profile", http.StatusOK); doc.Find(`nav a[href="/review"]`).Length() != 1 {
		t.Error("a reviewer's menu has no link to the review console")
	}
	reviewer.get(t, "/admin/contests/2027/reviewers", http.StatusNotFound)
	if got, _ := s.store.Assignment(context.Background(), a.ID); got.Version != 1 {
		t.Fatalf("refused forms changed the assignment: %+v", got)
	}
}

func TestReviewPages_ScoreDraftSubmitAndTheClosedStateAfterTheDeadline(t *testing.T) {
	s := newReviewSetup(t, "", []string{"Digital Sahel", "Andes Connect"}, 2)
	s.at(t, subCloses.Add(time.Hour))
	var ids []string
	for _, n := range s.nominations {
		ids = append(ids, decode[models.Assignment](t, s.assign(t, n.ID, s.reviewers[0].ID)).ID)
	}
	b := loggedIn(t, s.testServer, s.reviewers[0].Email, "")

	doc := b.get(t, "/review", http.StatusOK)
	if rows := doc.Find("tbody tr"); rows.Length() != 2 || text(rows.Find(".state").First()) != "Not started" {
		t.Fatalf("console rows: %q", text(rows))
	}
	deadline := doc.Find(".deadline time").First()
	if dt, _ := deadline.Attr("datetime"); dt != "2027-03-01T00:00:00Z" || text(deadline) != "1 March 2027, 00:00 UTC" {
		t.Errorf("deadline shown as %q (%s), want the review window's end in UTC", text(deadline), dt)
	}
	if label, ok := deadline.Attr("data-local"); !ok || label == "" {
		t.Error("the deadline is not marked for the local time")
	}
	if got := text(doc.Find(".counts")); got != "0 of 2 reviews submitted" {
		t.Errorf("counts %q", got)
	}

	path := "/review/assignments/" + ids[0]
	doc = b.get(t, path, http.StatusOK)
	var labels []string
	doc.Find("fieldset.scores select").Each(func(_ int, sel *goquery.Selection) {
		id, _ := sel.Attr("id")
		labels = append(labels, text(doc.Find(`label[for="`+id+`"]`)))
	})
	if len(labels) != 8 || labels[0] != "Relevance to the action line" || labels[3] != "Relevance to the SDGs and the Global Digital Compact" {
		t.Fatalf("score controls: %q", labels)
	}
	if doc.Find(`button[value=draft]`).Length() != 1 || doc.Find(`button[value=submit]`).Length() != 1 || doc.Find("textarea#comment").Length() != 1 {
		t.Fatal("the form lacks its comment or its two buttons")
	}
	if !strings.Contains(text(doc.Find("main")), words(160, "voters")) {
		t.Error("the nomination's short description is not shown")
	}

	draft := url.Values{"action": {"draft"}, "scores.impact": {"5"}, "comment": {"First thoughts."}}
	wantRedirect(t, b.post(t, path, draft), path+"?done=draft")
	doc = b.get(t, path+"?done=draft", http.StatusOK)
	if got := text(doc.Find(`[role=status]`)); got != "Your draft is saved." {
		t.Errorf("confirmation %q", got)
	}
	if v, _ := doc.Find(`select[name="scores.impact"] option[selected]`).Attr("value"); v != "5" || text(doc.Find("#comment")) != "First thoughts." {
		t.Errorf("the draft is not shown again: impact %q, comment %q", v, text(doc.Find("#comment")))
	}
	if got := text(b.get(t, "/review", http.StatusOK).Find(`a[href="` + path + `"]`).Closest("tr").Find(".state")); got != "Draft" {
		t.Errorf("console progress after a draft: %q", got)
	}

	incomplete := url.Values{"action": {"submit"}, "scores.impact": {"6"}}
	doc = wantPage(t, b.post(t, path, incomplete), http.StatusUnprocessableEntity)
	if got := text(doc.Find(`[id="scores.relevance-error"]`)); got != "Give this criterion a score to submit the review." {
		t.Errorf("a missing score's error: %q", got)
	}
	if doc.Find(".form-errors li").Length() != 7 {
		t.Errorf("errors listed: %q", text(doc.Find(".form-errors")))
	}
	if v, _ := doc.Find(`select[name="scores.impact"] option[selected]`).Attr("value"); v != "6" {
		t.Errorf("the score sent is not kept: %q", v)
	}
	bad := scoresForm("submit")
	bad.Set("scores.partnerships", "11")
	doc = wantPage(t, b.post(t, path, bad), http.StatusUnprocessableEntity)
	if got := text(doc.Find(`[id="scores.partnerships-error"]`)); got != "Choose a score from 0 to 10." {
		t.Errorf("an out-of-range score's error: %q", got)
	}
	if got, _ := s.store.Assignment(context.Background(), ids[0]); got.Scores["impact"] != 5 || got.State != models.ReviewDraft {
		t.Fatalf("refused forms changed the review: %+v", got)
	}

	wantRedirect(t, b.post(t, path, scoresForm("submit")), path+"?done=submitted")
	doc = b.get(t, path+"?done=submitted", http.StatusOK)
	if doc.Find(`button[value=draft]`).Length() != 0 || text(doc.Find("dd .state")) != "Submitted" {
		t.Errorf("a submitted review still offers a draft, or its progress is %q", text(doc.Find("dd .state")))
	}
	if got := text(b.get(t, "/review", http.StatusOK).Find(".counts")); got != "1 of 2 reviews submitted" {
		t.Errorf("counts after a submission %q", got)
	}
	loggedIn(t, s.testServer, s.reviewers[1].Email, "").get(t, path, http.StatusNotFound)

	s.at(t, revCloses)
	b = loggedIn(t, s.testServer, s.reviewers[0].Email, "")
	doc = b.get(t, "/review/assignments/"+ids[1], http.StatusOK)
	if doc.Find("form button[value=submit]").Length() != 0 || text(doc.Find(".closed")) != "The review closed on 1 March 2027, 00:00 UTC. Your review can no longer be changed." {
		t.Fatalf("after the deadline: form %d, closed %q", doc.Find("form button[value=submit]").Length(), text(doc.Find(".closed")))
	}
	doc = wantPage(t, b.post(t, "/review/assignments/"+ids[1], scoresForm("submit")), http.StatusConflict)
	if got := text(doc.Find(".form-errors")); !strings.Contains(got, "Your review deadline has passed") {
		t.Errorf("a late submission says %q", got)
	}
	if got, _ := s.store.Assignment(context.Background(), ids[1]); got.Version != 1 {
		t.Fatalf("a late submission changed the review: %+v", got)
	}
}

func TestReviewPages_ArabicConsoleIsRightToLeftAndTranslated(t *testing.T) {
	s := newReviewSetup(t, "", []string{"Digital Sahel"}, 1)
	s.at(t, subCloses.Add(time.Hour))
	s.assign(t, s.nominations[0].ID, s.reviewers[0].ID)
	doc := loggedIn(t, s.testServer, s.reviewers[0].Email, "ar").get(t, "/review", http.StatusOK)
	if dir, _ := doc.Find("html").Attr("dir"); dir != "rtl" {
		t.Errorf("dir %q", dir)
	}
	if got := text(doc.Find("h1")); got != "تقييماتي" {
		t.Errorf("title %q", got)
	}
	if got := text(doc.Find("tbody .state")); got != "لم يبدأ" {
		t.Errorf("progress %q", got)
	}
}

func TestReviewConflictsPage_SavesAndShowsErrorsNextToTheirFields(t *testing.T) {
	s := newReviewSetup(t, "", []string{"Digital Sahel"}, 1)
	s.at(t, subCloses.Add(time.Hour))
	r := s.reviewers[0]
	b := loggedIn(t, s.testServer, r.Email, "")
	doc := b.get(t, "/review/conflicts", http.StatusOK)
	if doc.Find("textarea#organizations").Length() != 1 || doc.Find("select#countries[multiple]").Length() != 1 {
		t.Fatal("the form lacks its fields")
	}
	doc = wantPage(t, b.post(t, "/review/conflicts", url.Values{"organizations": {"Andes Connect\nPacific Links"}, "countries": {"XX"}}),
		http.StatusUnprocessableEntity)
	if got := text(doc.Find("#countries-error")); got == "" {
		t.Error("an unknown country has no error next to the field")
	}
	if got := text(doc.Find("#organizations")); got != "Andes Connect Pacific Links" {
		t.Errorf("the organizations sent are not kept: %q", got)
	}
	if c, _ := s.store.Conflicts(context.Background(), r.ID); len(c.Organizations) != 0 {
		t.Fatalf("a refused form saved %+v", c)
	}
	wantRedirect(t, b.post(t, "/review/conflicts", url.Values{"organizations": {" Andes Connect \n\nPacific Links"}, "countries": {"FR", "SN"}}),
		"/review/conflicts?done=saved")
	c, err := s.store.Conflicts(context.Background(), r.ID)
	if err != nil || strings.Join(c.Organizations, "|") != "Andes Connect|Pacific Links" || strings.Join(c.Countries, "|") != "FR|SN" {
		t.Fatalf("saved %+v (%v)", c, err)
	}
	doc = b.get(t, "/review/conflicts?done=saved", http.StatusOK)
	if doc.Find(`#countries option[value=SN][selected]`).Length() != 1 || text(doc.Find(`[role=status]`)) != "Your conflicts of interest are saved." {
		t.Errorf("the saved conflicts are not shown: %q", text(doc.Find("main")))
	}
}

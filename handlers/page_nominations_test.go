package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
)

func nominationForm(projectID, category string) url.Values {
	return url.Values{"project_id": {projectID}, "category": {category}, "short_description": {words(160, "voters")},
		"impact": {words(60, "impact")}, "sdg_linkage": {words(60, "sdg")}, "partnerships": {words(60, "partners")},
		"challenges": {words(60, "challenges")}, "implementation": {"completed"}}
}

func TestNominationPages_NominateEditAndWithdrawUntilTheDeadline(t *testing.T) {
	s := newPrizes(t, "")
	p := s.publishedProject(t, s.user.ID, "Digital Sahel", "c3", "c4")
	if _, err := s.search.CatchUp(context.Background(), s.store); err != nil {
		t.Fatal(err)
	}
	s.createUser(t, "other@example.org")
	b := loggedIn(t, s.testServer, "amina@example.org", "")

	doc := b.get(t, "/contests/2027/nominate", http.StatusOK)
	if v, _ := doc.Find(`select[name=project] option[value="` + p.ID + `"]`).Attr("value"); v != p.ID {
		t.Fatal("the user's published project is not offered")
	}
	doc = b.get(t, "/contests/2027/nominate?project="+p.ID, http.StatusOK)
	var offered []string
	doc.Find("#category option[value!='']").Each(func(_ int, o *goquery.Selection) { offered = append(offered, text(o)) })
	if strings.Join(offered, "|") != "Category 3: Access to information and knowledge|Category 4: Capacity building" {
		t.Errorf("categories offered: %v, want the project's two action lines", offered)
	}
	if got := text(doc.Find(`[data-word-count-for=short_description]`)); got != "0 / 200 words" {
		t.Errorf("short description counter %q", got)
	}

	short := nominationForm(p.ID, "4")
	short.Set("short_description", words(20, "few"))
	doc = wantPage(t, b.post(t, "/contests/2027/nominate", short), http.StatusUnprocessableEntity)
	if got := text(doc.Find("#short_description-error")); got != "Write at least 150 words." {
		t.Errorf("short description error %q", got)
	}
	if v, _ := doc.Find(`#category option[selected]`).Attr("value"); v != "4" {
		t.Errorf("the category chosen is not kept: %q", v)
	}
	wantRedirect(t, b.post(t, "/contests/2027/nominate", nominationForm(p.ID, "4")), "/my/nominations?done=nominated")
	doc = wantPage(t, b.post(t, "/contests/2027/nominate", nominationForm(p.ID, "3")), http.StatusConflict)
	if got := text(doc.Find(".form-errors")); !strings.Contains(got, "nominated already") {
		t.Errorf("a second nomination of the project: %q", got)
	}

	doc = b.get(t, "/my/nominations?done=nominated", http.StatusOK)
	row := doc.Find("tbody tr")
	if row.Length() != 1 || !strings.Contains(text(row), "Category 4: Capacity building") || text(row.Find(".state")) != "Submitted" {
		t.Fatalf("my nominations: %q", text(row))
	}
	editHref, _ := row.Find(`a[href$="/edit"]`).Attr("href")
	id := strings.TrimSuffix(strings.TrimPrefix(editHref, "/my/nominations/"), "/edit")
	wantRedirect(t, newBrowser(s.testServer).send(t, getRequest("/my/nominations")), "/login?next=")
	loggedIn(t, s.testServer, "other@example.org", "").get(t, editHref, http.StatusNotFound)

	doc = b.get(t, editHref, http.StatusOK)
	version, _ := doc.Find(`input[name=version]`).Attr("value")
	if got := text(doc.Find("#impact")); got != words(60, "impact") {
		t.Errorf("the form is not filled: %q", got)
	}
	edit := nominationForm(p.ID, "4")
	edit.Set("impact", words(70, "results"))
	edit.Set("version", version)
	wantRedirect(t, b.post(t, "/my/nominations/"+id, edit), "/my/nominations?done=saved")
	doc = wantPage(t, b.post(t, "/my/nominations/"+id, edit), http.StatusPreconditionFailed)
	if got := text(doc.Find(".form-errors")); !strings.Contains(got, "changed since you opened it") {
		t.Errorf("stale edit: %q", got)
	}

	doc = b.get(t, "/my/nominations", http.StatusOK)
	version, _ = doc.Find(`form[action$="/withdraw"] input[name=version]`).Attr("value")
	wantRedirect(t, b.post(t, "/my/nominations/"+id+"/withdraw", url.Values{"version": {version}}), "/my/nominations?done=withdrawn")
	row = b.get(t, "/my/nominations", http.StatusOK).Find("tbody tr")
	if text(row.Find(".state")) != "Withdrawn" || row.Find("a, form").Length() != 0 {
		t.Errorf("after withdrawing: %q", text(row))
	}

	s.clock.Set(subCloses.Add(time.Hour))
	late := loggedIn(t, s.testServer, "amina@example.org", "")
	doc = late.get(t, "/contests/2027/nominate?project="+p.ID, http.StatusOK)
	if got := text(doc.Find(".ballot-state")); !strings.Contains(got, "it is closed now") || doc.Find(`form[method=post][action$="/nominate"]`).Length() != 0 {
		t.Errorf("after the deadline: %q", got)
	}
	wantPage(t, late.post(t, "/contests/2027/nominate", nominationForm(p.ID, "3")), http.StatusConflict)
}

package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/wsis-platform/wsis/store"
)

// nominationsOf returns how many nominations the contest 2027 holds of the
// project.
func (s *prizesServer) nominationsOf(t *testing.T, projectID string) int {
	t.Helper()
	list, err := s.store.Nominations(context.Background(), store.NominationQuery{Contest: 2027, ProjectID: projectID})
	if err != nil {
		t.Fatal(err)
	}
	return len(list)
}

func foundLinks(doc *goquery.Document) []string {
	var hrefs []string
	doc.Find("ul.nominable a").Each(func(_ int, a *goquery.Selection) { h, _ := a.Attr("href"); hrefs = append(hrefs, h) })
	return hrefs
}

func TestNominatePage_ThirdPartyNominationOfAnyPublishedProject(t *testing.T) {
	s := newPrizes(t, "")
	own := s.publishedProject(t, s.user.ID, "Digital Sahel", "c3")
	bob := s.createUser(t, "bob@example.org")
	theirs := s.publishedProject(t, bob.ID, "Dakar Open Maps", "c3", "c7-e-health")
	if _, err := s.search.CatchUp(context.Background(), s.store); err != nil {
		t.Fatal(err)
	}
	b := loggedIn(t, s.testServer, "amina@example.org", "")
	choose := "/contests/2027/nominate?" + url.Values{"project": {theirs.ID}}.Encode()

	doc := b.get(t, "/contests/2027/nominate", http.StatusOK)
	if doc.Find(`select[name=project] option[value="`+own.ID+`"]`).Length() != 1 {
		t.Error("the user's own project is not offered")
	}
	if doc.Find(`form[role=search] input[type=search][name=q]`).Length() != 1 || doc.Find(`label[for=q]`).Length() != 1 {
		t.Fatal("no labelled search of the published projects")
	}
	byTitle := b.get(t, "/contests/2027/nominate?"+url.Values{"q": {theirs.Published.Title}}.Encode(), http.StatusOK)
	if links := foundLinks(byTitle); !strings.Contains(strings.Join(links, " "), choose) {
		t.Errorf("a search by title offers %v, not %s", links, choose)
	}
	if links := foundLinks(b.get(t, "/contests/2027/nominate?q="+theirs.ID, http.StatusOK)); len(links) != 1 || links[0] != choose {
		t.Errorf("a search by id offers %v, want only %s", links, choose)
	}
	if got := text(b.get(t, "/contests/2027/nominate?q=zzzqqqxxx", http.StatusOK).Find(".nominate-others .empty")); got == "" {
		t.Error("a search without results says nothing")
	}

	doc = b.get(t, choose, http.StatusOK)
	var offered []string
	doc.Find("#category option[value!='']").Each(func(_ int, o *goquery.Selection) { v, _ := o.Attr("value"); offered = append(offered, v) })
	if strings.Join(offered, ",") != "3,10" {
		t.Errorf("categories offered %v, want the project's action lines 3 and 10", offered)
	}
	if v, _ := doc.Find(`input[name=project_id]`).Attr("value"); v != theirs.ID {
		t.Errorf("the form nominates %q, want %s", v, theirs.ID)
	}

	// The API's rules hold: a category outside the project's action lines
	// is refused, and so is a second nomination of the project.
	doc = wantPage(t, b.post(t, "/contests/2027/nominate", nominationForm(theirs.ID, "4")), http.StatusUnprocessableEntity)
	if doc.Find("#category-error").Length() != 1 || s.nominationsOf(t, theirs.ID) != 0 {
		t.Errorf("a category outside the action lines: error %q, %d nominations", text(doc.Find(".form-errors")), s.nominationsOf(t, theirs.ID))
	}
	wantRedirect(t, b.post(t, "/contests/2027/nominate", nominationForm(theirs.ID, "10")), "/my/nominations?done=nominated")
	if s.nominationsOf(t, theirs.ID) != 1 {
		t.Fatal("the third-party nomination is not stored")
	}
	s.createUser(t, "carla@example.org")
	doc = wantPage(t, loggedIn(t, s.testServer, "carla@example.org", "").post(t, "/contests/2027/nominate",
		nominationForm(theirs.ID, "3")), http.StatusConflict)
	if got := text(doc.Find(".form-errors")); !strings.Contains(got, "nominated already") || s.nominationsOf(t, theirs.ID) != 1 {
		t.Errorf("a second nomination of the project: %q, %d nominations", got, s.nominationsOf(t, theirs.ID))
	}

	// A project that is not published is neither found nor offered.
	hidden := s.createProject(t, s.login(t, "bob@example.org", testPassword).AccessToken, "Unpublished draft of Bob")
	if _, err := s.search.CatchUp(context.Background(), s.store); err != nil {
		t.Fatal(err)
	}
	if links := foundLinks(b.get(t, "/contests/2027/nominate?q="+hidden.ID, http.StatusOK)); len(links) != 0 {
		t.Errorf("a draft is found: %v", links)
	}
	b.get(t, "/contests/2027/nominate?project="+hidden.ID, http.StatusNotFound)
}

func TestNominatePage_OwnProjectsOnlyWhenTheContestSaysSo(t *testing.T) {
	s := newPrizes(t, `,"settings":{"allow_third_party_nominations":false}`)
	own := s.publishedProject(t, s.user.ID, "Digital Sahel", "c3")
	bob := s.createUser(t, "bob@example.org")
	theirs := s.publishedProject(t, bob.ID, "Dakar Open Maps", "c3")
	if _, err := s.search.CatchUp(context.Background(), s.store); err != nil {
		t.Fatal(err)
	}
	b := loggedIn(t, s.testServer, "amina@example.org", "")

	doc := b.get(t, "/contests/2027/nominate?q="+theirs.ID, http.StatusOK)
	if doc.Find(`input[name=q]`).Length() != 0 || doc.Find(".nominate-others").Length() != 0 {
		t.Error("the page offers a search of others' projects")
	}
	var offered []string
	doc.Find(`select[name=project] option[value!='']`).Each(func(_ int, o *goquery.Selection) { v, _ := o.Attr("value"); offered = append(offered, v) })
	if strings.Join(offered, ",") != own.ID {
		t.Errorf("projects offered %v, want only the user's own %s", offered, own.ID)
	}
	doc = b.get(t, "/contests/2027/nominate?project="+theirs.ID, http.StatusOK)
	if doc.Find(`input[name=project_id]`).Length() != 0 || !strings.Contains(text(doc.Find("#project-error")), "own projects only") {
		t.Errorf("another's project chosen by its link: %q", text(doc.Find("main")))
	}

	// A crafted form for another's project is refused by the use case, its
	// error on the form, and nothing is stored.
	doc = wantPage(t, b.post(t, "/contests/2027/nominate", nominationForm(theirs.ID, "3")), http.StatusUnprocessableEntity)
	if got := text(doc.Find("#project-error")); !strings.Contains(got, "This contest accepts nominations of your own projects only.") {
		t.Errorf("error next to the project %q; form errors %q", got, text(doc.Find(".form-errors")))
	}
	if href, _ := doc.Find(".form-errors a").Attr("href"); href != "#project" {
		t.Errorf("the summary links to %q, want #project", href)
	}
	if s.nominationsOf(t, theirs.ID) != 0 {
		t.Fatal("a refused nomination was stored")
	}
	wantRedirect(t, b.post(t, "/contests/2027/nominate", nominationForm(own.ID, "3")), "/my/nominations?done=nominated")
	if s.nominationsOf(t, own.ID) != 1 {
		t.Error("the user's own project could not be nominated")
	}
}

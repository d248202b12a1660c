package handlers_test

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/wsis-platform/wsis/models"
)

// consolePages are every page of the console for the 2027 contest.
var consolePages = []string{"/admin", "/admin/contests/new", "/admin/contests/2027/schedule", "/admin/projects",
	"/admin/contests/2027/nominations", "/admin/contests/2027/assignments", "/admin/contests/2027/rankings"}

// adminBrowser is the prizes server's admin, signed in through the login form.
func (s *prizesServer) adminBrowser(t *testing.T) *browser {
	t.Helper()
	return loggedIn(t, s.testServer, "admin@example.org", "")
}

func TestConsoleHome_ListsContestsWithPhaseAndLinksEveryConsolePage(t *testing.T) {
	s := newPrizes(t, "")
	doc := s.adminBrowser(t).get(t, "/admin", http.StatusOK)
	if href, _ := doc.Find(`nav[aria-label] a[href="/admin"]`).Attr("href"); href != "/admin" {
		t.Error("the layout has no console link for an admin")
	}
	contest := doc.Find("article.console-contest")
	if contest.Length() != 1 || !strings.Contains(text(contest.Find("h3")), "WSIS Prizes 2027") {
		t.Fatalf("contests listed: %q", text(contest))
	}
	if got := text(contest.Find(".phase")); got != "Submission is open until 1 February 2027, 00:00 UTC." {
		t.Errorf("phase %q", got)
	}
	var links []string
	doc.Find(".console-links a").Each(func(_ int, a *goquery.Selection) {
		href, _ := a.Attr("href")
		links = append(links, href)
	})
	for _, page := range consolePages[1:] {
		if !slices.Contains(links, page) {
			t.Errorf("the console home does not link %s (links %v)", page, links)
		}
	}
	s.setClock(t, revCloses.Add(time.Hour))
	doc = s.adminBrowser(t).get(t, "/admin", http.StatusOK)
	if got := text(doc.Find("article.console-contest .phase")); !strings.HasPrefix(got, "Voting is open until") {
		t.Errorf("phase in the voting window %q", got)
	}
	if doc := loggedIn(t, s.testServer, "amina@example.org", "").get(t, "/", http.StatusOK); doc.Find(`a[href="/admin"]`).Length() != 0 {
		t.Error("a stakeholder's layout links the console")
	}
}

func TestConsole_NotFoundForNonAdminsAndLoginForVisitors(t *testing.T) {
	s := newPrizes(t, "")
	s.createUser(t, "reviewer@example.org", models.RoleReviewer)
	for _, email := range []string{"amina@example.org", "reviewer@example.org"} {
		b := loggedIn(t, s.testServer, email, "")
		for _, page := range consolePages {
			b.get(t, page, http.StatusNotFound)
		}
		form := url.Values{"version": {"0"}}
		for _, w := range []string{"submission", "review", "voting", "selection"} {
			form.Set(w+"_opens_at", "2030-01-01T00:00")
			form.Set(w+"_closes_at", "2030-01-01T00:00")
		}
		form.Set("submission_closes_at", "2027-01-20T00:00")
		wantPage(t, b.post(t, "/admin/contests/2027/schedule", form), http.StatusNotFound)
		wantPage(t, b.post(t, "/admin/contests", url.Values{"year": {"2031"}, "title": {"Taken over"}}), http.StatusNotFound)
	}
	visitor := newBrowser(s.testServer)
	for _, page := range consolePages {
		wantRedirect(t, visitor.send(t, getRequest(page)), "/login?next=")
	}
	contest := decode[models.Contest](t, s.do(t, http.MethodGet, "/api/v1/contests/2027", nil))
	if !contest.Schedule.Submission.ClosesAt.Equal(subCloses) {
		t.Errorf("a non-admin's form changed the schedule: %v", contest.Schedule.Submission)
	}
	wantProblem(t, s.do(t, http.MethodGet, "/api/v1/contests/2031", nil), http.StatusNotFound, "not-found")
}

func TestConsolePages_SpeakEveryLanguageWithNoTextMissing(t *testing.T) {
	s := newPrizes(t, "")
	for _, lang := range []string{"en", "fr", "es", "ar", "zh", "ru"} {
		t.Run(lang, func(t *testing.T) {
			b := loggedIn(t, s.testServer, "admin@example.org", lang)
			for _, page := range consolePages {
				doc := b.get(t, page, http.StatusOK)
				if got, _ := doc.Find("html").Attr("lang"); got != lang {
					t.Errorf("%s: lang %q", page, got)
				}
				if body := text(doc.Find("body")); strings.Contains(body, "console.") || strings.Contains(body, "{{") {
					t.Errorf("%s: a text is missing: %.300s", page, body[max(0, strings.Index(body, "console.")-100):])
				}
			}
		})
	}
}

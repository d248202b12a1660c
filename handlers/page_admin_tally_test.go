package handlers_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/wsis-platform/wsis/models"
)

// adminPages is the admin's browser, signed in through the login form.
func adminPages(t *testing.T, s *testServer) *browser {
	t.Helper()
	return loggedIn(t, s, "admin@example.org", "")
}

// tallySection is the tally's section of the category whose heading
// starts with "Category N:".
func tallySection(doc *goquery.Document, n string) *goquery.Selection {
	return doc.Find("section.tally-category").FilterFunction(func(_ int, s *goquery.Selection) bool {
		return strings.HasPrefix(text(s.Find("h2")), "Category "+n+":")
	})
}

// recounts are the recount column of a category's rows, by nominee title.
func recounts(s *goquery.Selection) map[string]string {
	out := map[string]string{}
	s.Find("tbody tr").Each(func(_ int, row *goquery.Selection) {
		out[text(row.Find("th"))] = strings.Fields(text(row.Find(".recount")))[0]
	})
	return out
}

func TestAdminTallyPage_RecountBesideLiveCountersAndCommitmentPublishedAfterConfirming(t *testing.T) {
	s := newChampionsSetup(t, 1)
	n := s.nominations
	b := adminPages(t, s.testServer)
	doc := b.get(t, "/admin/contests/2027/tally", http.StatusOK)
	four := tallySection(doc, "4")
	if got := recounts(four); got[n[3].ProjectTitle] != "1" || got[n[1].ProjectTitle] != "2" {
		t.Errorf("category 4 recounts %v, want %s 1 (two invalidated) and %s 2", got, n[3].ProjectTitle, n[1].ProjectTitle)
	}
	if got := text(four.Find(".meta")); !strings.Contains(got, "2 invalidated votes") {
		t.Errorf("category 4 does not say its invalidated votes: %q", got)
	}
	if got := recounts(tallySection(doc, "3")); got[n[0].ProjectTitle] != "1" || got[n[2].ProjectTitle] != "1" {
		t.Errorf("category 3 recounts %v", got)
	}
	if got := text(doc.Find(".commitment-state")); got != "No commitment is published yet." {
		t.Errorf("commitment state %q", got)
	}

	doc = wantPage(t, b.post(t, "/admin/contests/2027/commitment", url.Values{}), http.StatusOK)
	if doc.Find(`.confirm form input[name=confirm][value=yes]`).Length() != 1 {
		t.Fatal("the first press shows no confirmation step")
	}
	if rec := s.do(t, http.MethodGet, "/api/v1/contests/2027/commitments", nil); rec.Code != http.StatusNotFound {
		t.Fatalf("a commitment is published before the admin confirmed: %d", rec.Code)
	}
	wantRedirect(t, b.post(t, "/admin/contests/2027/commitment", url.Values{"confirm": {"yes"}}), "/admin/contests/2027/tally?done=committed")
	doc = b.get(t, "/admin/contests/2027/tally?done=committed", http.StatusOK)
	if got := text(doc.Find(".notice")); got != "The commitment is published." {
		t.Errorf("notice %q", got)
	}
	if got := text(doc.Find(".commitment-state")); got != "The recount reproduces the published commitment (version 1)." {
		t.Errorf("commitment state after publishing: %q", got)
	}
	if rec := s.do(t, http.MethodGet, "/api/v1/contests/2027/commitments", nil); rec.Code != http.StatusOK {
		t.Fatalf("no commitment published: %d", rec.Code)
	}
}

func TestAdminTallyPage_CommitmentRefusedWhileVotingIsOpen(t *testing.T) {
	s := newVotingSetup(t, "")
	b := adminPages(t, s.testServer)
	doc := b.get(t, "/admin/contests/2027/tally", http.StatusOK)
	if doc.Find(`form[action$="/commitment"]`).Length() != 0 {
		t.Error("the publish button is offered while voting is open")
	}
	doc = wantPage(t, b.post(t, "/admin/contests/2027/commitment", url.Values{"confirm": {"yes"}}), http.StatusConflict)
	if got := text(doc.Find(".form-errors")); !strings.Contains(got, "Voting has not closed yet") {
		t.Errorf("refusal %q", got)
	}
	if rec := s.do(t, http.MethodGet, "/api/v1/contests/2027/commitments", nil); rec.Code != http.StatusNotFound {
		t.Fatalf("a commitment was published while voting is open: %d", rec.Code)
	}
}

// Every oversight page is the not-found page to a signed-in user who is
// not an admin, and sends a visitor to the login form; its forms change
// nothing for them.
func TestOversightPages_NotFoundToNonAdminsAndLoginForVisitors(t *testing.T) {
	s := newVotingSetup(t, "")
	s.createUser(t, "reviewer@expert.example", models.RoleReviewer)
	pages := []string{"/admin/contests/2027/tally", "/admin/contests/2027/anomalies", "/admin/contests/2027/publish",
		"/admin/users", "/admin/audit", "/admin/exports", "/admin/contests/2027/exports", "/admin/contests/2027/exports/votes?format=csv"}
	forms := []string{"/admin/contests/2027/commitment", "/admin/contests/2027/anomalies/invalidate",
		"/admin/contests/2027/publish/champions", "/admin/contests/2027/publish/results", "/admin/users/" + s.user.ID}
	for _, email := range []string{"amina@example.org", "reviewer@expert.example"} {
		b := loggedIn(t, s.testServer, email, "")
		for _, p := range pages {
			b.get(t, p, http.StatusNotFound)
		}
		for _, p := range forms {
			wantPage(t, b.post(t, p, url.Values{"confirm": {"yes"}, "change": {"disable"}, "reason": {"r"}, "voter_id": {s.user.ID}}), http.StatusNotFound)
		}
	}
	visitor := newBrowser(s.testServer)
	for _, p := range pages {
		wantRedirect(t, visitor.send(t, getRequest(p)), "/login?next=")
	}
	if u, err := s.store.UserByID(t.Context(), s.user.ID); err != nil || u.Disabled {
		t.Fatalf("a non-admin's form disabled an account: %v %v", u.Disabled, err)
	}
}

// Every oversight page speaks each of the six languages with texts of its
// own catalogue (an id without a text would show as the id), Arabic right
// to left.
func TestOversightPages_InEveryLanguage(t *testing.T) {
	s := newChampionsSetup(t, 1)
	pages := []string{"/admin/contests/2027/tally", "/admin/contests/2027/anomalies", "/admin/contests/2027/publish",
		"/admin/users", "/admin/audit", "/admin/exports", "/admin/contests/2027/exports"}
	titles := map[string]map[string]bool{} // by page
	for _, lang := range []string{"en", "fr", "es", "ar", "zh", "ru"} {
		b := loggedIn(t, s.testServer, "admin@example.org", lang)
		for _, p := range pages {
			rec := b.send(t, getRequest(p))
			body := rec.Body.String()
			doc := wantPage(t, rec, http.StatusOK)
			if strings.Contains(body, "oversight.") {
				i := strings.Index(body, "oversight.")
				t.Errorf("%s %s shows a text id: %q", lang, p, body[i:min(len(body), i+60)])
			}
			if got, _ := doc.Find("html").Attr("lang"); got != lang {
				t.Errorf("%s %s: lang %q", lang, p, got)
			}
			if dir, _ := doc.Find("html").Attr("dir"); (lang == "ar") != (dir == "rtl") {
				t.Errorf("%s %s: dir %q", lang, p, dir)
			}
			if titles[p] == nil {
				titles[p] = map[string]bool{}
			}
			titles[p][text(doc.Find("h1"))] = true
		}
	}
	for p, seen := range titles {
		if len(seen) != 6 {
			t.Errorf("%s has %d distinct titles in six languages: %v", p, len(seen), seen)
		}
	}
}

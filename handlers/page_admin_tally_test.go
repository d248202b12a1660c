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

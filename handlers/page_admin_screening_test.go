package handlers_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/wsis-platform/wsis/models"
)

func screeningTitles(doc *goquery.Document) []string {
	var out []string
	doc.Find("article.screening-item h2 a").Each(func(_ int, a *goquery.Selection) { out = append(out, text(a)) })
	return out
}

// orgs are n distinct organization names.
func orgs(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("Organization %c%c", 'A'+i/26, 'A'+i%26)
	}
	return out
}

func TestScreeningPage_FiltersAndPagesOnTheServer(t *testing.T) {
	s := newReviewSetup(t, "", orgs(23), 0)
	b := s.adminBrowser(t)
	doc := b.get(t, "/admin/contests/2027/nominations", http.StatusOK)
	if n := len(screeningTitles(doc)); n != 20 {
		t.Fatalf("first page lists %d nominations, want 20", n)
	}
	next, ok := doc.Find(`a[rel=next]`).Attr("href")
	if !ok {
		t.Fatal("no link to the next page")
	}
	if n := len(screeningTitles(b.get(t, next, http.StatusOK))); n != 3 {
		t.Errorf("second page lists %d, want 3", n)
	}
	doc = b.get(t, "/admin/contests/2027/nominations?category=4", http.StatusOK)
	if n := doc.Find("article.screening-item").Length(); n != 11 || !strings.Contains(text(doc.Find("article.screening-item").First()), "Category 4") {
		t.Errorf("category 4 lists %d: %q", n, text(doc.Find("article.screening-item").First()))
	}
	if v, _ := doc.Find("#filter-category option[selected]").Attr("value"); v != "4" {
		t.Errorf("the filter chosen is not shown: %q", v)
	}
	if n := b.get(t, "/admin/contests/2027/nominations?state=ineligible", http.StatusOK).Find("article.screening-item").Length(); n != 0 {
		t.Errorf("%d ineligible nominations before screening", n)
	}
	b.get(t, "/admin/contests/2027/nominations?category=19", http.StatusNotFound)
	b.get(t, "/admin/contests/2027/nominations?state=lost", http.StatusNotFound)
}

func TestScreeningPage_MarksIneligibleWithAReason(t *testing.T) {
	s := newReviewSetup(t, "", []string{"Digital Sahel", "Andes Connect"}, 0)
	b := s.adminBrowser(t)
	n := s.nominations[1]
	doc := b.get(t, "/admin/contests/2027/nominations?category=4", http.StatusOK)
	item := doc.Find("#nomination-" + n.ID)
	action, _ := item.Find("form").Attr("action")
	version, _ := item.Find("input[name=version]").Attr("value")

	doc = wantPage(t, b.post(t, action, url.Values{"version": {version}, "reason": {""}}), http.StatusUnprocessableEntity)
	if got := text(doc.Find("#reason-" + n.ID + "-error")); got != "Write the reason: the nominator is told it." {
		t.Errorf("no reason: %q", got)
	}
	if got, _ := s.store.Nomination(context.Background(), n.ID); got.State != models.NominationSubmitted {
		t.Fatalf("a refused screening changed the nomination to %s", got.State)
	}
	wantRedirect(t, b.post(t, action, url.Values{"version": {version}, "reason": {"The project started in 2026."}, "release_slots": {"on"}}),
		"/admin/contests/2027/nominations?category=4&done=ineligible")
	got, _ := s.store.Nomination(context.Background(), n.ID)
	if got.State != models.NominationIneligible || got.IneligibleReason != "The project started in 2026." || !got.SlotsReleased {
		t.Errorf("screened out: %s %q released %v", got.State, got.IneligibleReason, got.SlotsReleased)
	}
	doc = b.get(t, "/admin/contests/2027/nominations?state=ineligible", http.StatusOK)
	if titles := screeningTitles(doc); len(titles) != 1 || !strings.Contains(text(doc.Find(".reason")), "The project started in 2026.") {
		t.Errorf("ineligible list %v, reason %q", titles, text(doc.Find(".reason")))
	}
	if doc.Find("#nomination-"+n.ID+" form").Length() != 0 {
		t.Error("an ineligible nomination still offers the screening form")
	}
	doc = wantPage(t, b.post(t, action, url.Values{"version": {version}, "reason": {"Again."}}), http.StatusPreconditionFailed)
	if doc.Find(".form-errors").Length() != 1 {
		t.Error("a stale screening gives no error")
	}
}

package handlers_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
)

func TestNomineesPage_ByCategoryOnceTheNomineesArePublished(t *testing.T) {
	before := newPrizes(t, "")
	doc := newBrowser(before.testServer).get(t, "/contests/2027/nominees", http.StatusOK)
	if got := text(doc.Find("main")); !strings.Contains(got, "The nominees of this contest are not published yet.") {
		t.Errorf("before publishing: %q", got)
	}

	s := newVotingSetup(t, "")
	b := newBrowser(s.testServer)
	doc = b.get(t, "/contests/2027/nominees?category=3", http.StatusOK)
	if got := text(doc.Find("h1")); got != "Nominees of the WSIS Prizes 2027" {
		t.Errorf("title %q", got)
	}
	if got := text(doc.Find("#category-title")); got != "Category 3: Access to information and knowledge" {
		t.Errorf("category heading %q", got)
	}
	want := map[string]bool{}
	for _, n := range s.nominations {
		if n.Category == 3 {
			want["/projects/"+n.ProjectID] = true
		}
	}
	got := map[string]bool{}
	doc.Find(".results h3 a").Each(func(_ int, a *goquery.Selection) {
		href, _ := a.Attr("href")
		got[href] = true
	})
	if len(want) == 0 || fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("category 3 lists %v, want %v", got, want)
	}
	if v, _ := doc.Find("#category option[selected]").Attr("value"); v != "3" {
		t.Errorf("category chooser shows %q", v)
	}
	if got := text(b.get(t, "/contests/2027/nominees", http.StatusOK).Find("main")); !strings.Contains(got, "This category has no nominee.") {
		t.Errorf("category 1: %q", got)
	}
	b.get(t, "/contests/2027/nominees?category=19", http.StatusNotFound)
	b.get(t, "/contests/1999/nominees", http.StatusNotFound)
	b.get(t, "/contests/2031/nominees", http.StatusNotFound)
}

func TestResultsPage_WinnersChampionsVotesAndInvalidatedVotesInEveryLanguage(t *testing.T) {
	s, toks := newSelectionSetup(t)
	n := s.nominations
	b := newBrowser(s.testServer)
	if got := text(b.get(t, "/contests/2027/results", http.StatusOK).Find("main")); !strings.Contains(got, "not published yet") {
		t.Errorf("before publishing: %q", got)
	}
	for _, p := range []struct {
		tok      string
		category int
		id       string
	}{{toks[0], 3, n[0].ID}, {toks[1], 3, n[2].ID}, {toks[0], 4, n[1].ID}, {toks[1], 4, n[1].ID}} {
		if rec := s.concurrently(t, 1, func(int) *http.Request { return s.pick(t, p.tok, p.category, p.id) })[0]; rec.Code != http.StatusOK {
			t.Fatalf("pick: %d %s", rec.Code, rec.Body)
		}
	}
	s.setClock(t, selCloses.Add(time.Hour))
	if rec := s.do(t, http.MethodPost, "/api/v1/admin/contests/2027/results/publish", nil, bearer(s.adminTok)...); rec.Code != http.StatusOK {
		t.Fatalf("publish results: %d %s", rec.Code, rec.Body)
	}

	doc := b.get(t, "/contests/2027/results", http.StatusOK)
	cat4 := doc.Find("table").FilterFunction(func(_ int, t *goquery.Selection) bool {
		return strings.HasPrefix(text(t.Find("caption")), "Category 4:")
	})
	if cat4.Length() != 1 {
		t.Fatalf("no table for category 4 in %q", text(doc.Find("main")))
	}
	row := cat4.Find("tbody tr")
	if row.Length() != 1 || text(row.Find("th")) != n[1].ProjectTitle || text(row.Find("td").Eq(1)) != "2" || text(row.Find("td").Eq(2)) != "Winner" {
		t.Errorf("category 4 row: %q", text(row))
	}
	if got := text(cat4.Parent().Find(".meta")); got != "2 votes of this category were invalidated." {
		t.Errorf("category 4 invalidated: %q", got)
	}
	cat3 := doc.Find("table").FilterFunction(func(_ int, t *goquery.Selection) bool {
		return strings.HasPrefix(text(t.Find("caption")), "Category 3:")
	})
	if got := cat3.Find("tbody tr strong").Length(); got != 2 {
		t.Errorf("category 3 has %d winners marked in words, want 2 (a tie)", got)
	}

	for lang, winner := range map[string]string{"fr": "Lauréat", "es": "Ganador", "ar": "فائز", "zh": "获奖者", "ru": "Победитель"} {
		doc := b.get(t, "/contests/2027/results?lang="+lang, http.StatusOK)
		if got := text(doc.Find("tbody tr strong").First()); got != winner {
			t.Errorf("%s: winner said %q, want %q", lang, got, winner)
		}
		if dir, _ := doc.Find("html").Attr("dir"); (lang == "ar") != (dir == "rtl") {
			t.Errorf("%s: dir=%q", lang, dir)
		}
	}
}

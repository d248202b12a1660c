package handlers_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
)

func TestSelectionPage_PickAChampionPerCategoryUntilTheWindowCloses(t *testing.T) {
	s, toks := newSelectionSetup(t)
	n := s.nominations
	b := loggedIn(t, s.testServer, "expert0@expert.example", "")
	const path = "/review/contests/2027/selection"
	if href, _ := b.get(t, "/review", http.StatusOK).Find(`a[href="` + path + `"]`).Attr("href"); href != path {
		t.Error("the console does not lead to the selection once the champions are published")
	}
	doc := b.get(t, path, http.StatusOK)
	offered := map[string][]string{}
	doc.Find("form.selection").Each(func(_ int, f *goquery.Selection) {
		category, _ := f.Find("input[name=category]").Attr("value")
		f.Find("input[name=nomination_id]").Each(func(_ int, r *goquery.Selection) {
			id, _ := r.Attr("value")
			offered[category] = append(offered[category], id)
		})
	})
	if len(offered) != 2 || len(offered["3"]) != 2 || strings.Join(offered["4"], ",") != n[1].ID {
		t.Fatalf("champions offered: %v, want two in category 3 and one in 4 (the removed one left out)", offered)
	}
	if !strings.HasPrefix(text(doc.Find(".deadline")), "Selection closes: 1 May 2027, 00:00 UTC") {
		t.Errorf("deadline %q", text(doc.Find(".deadline")))
	}

	doc = wantPage(t, b.post(t, path, url.Values{"category": {"3"}}), http.StatusUnprocessableEntity)
	if got := text(doc.Find("#category-3-error")); got != "Choose one of the champions." {
		t.Errorf("no choice: %q", got)
	}
	doc = wantPage(t, b.post(t, path, url.Values{"category": {"4"}, "nomination_id": {n[3].ID}}), http.StatusUnprocessableEntity)
	if got := text(doc.Find("#category-4-error")); got != "This is not one of the champions of the category." {
		t.Errorf("a removed champion: %q", got)
	}
	if picks := s.mySelection(t, toks[0]); len(picks) != 0 {
		t.Fatalf("refused picks were stored: %+v", picks)
	}
	wantRedirect(t, b.post(t, path, url.Values{"category": {"3"}, "nomination_id": {n[2].ID}}), path+"?done=picked")
	doc = b.get(t, path+"?done=picked", http.StatusOK)
	if v, _ := doc.Find(`#category-3 input[checked]`).Attr("value"); v != n[2].ID || text(doc.Find("[role=status]")) != "Your pick is saved." {
		t.Errorf("the pick shown: %q, notice %q", v, text(doc.Find("[role=status]")))
	}
	if picks := s.mySelection(t, toks[0]); len(picks) != 1 || picks[0].NominationID != n[2].ID {
		t.Fatalf("picks stored: %+v", picks)
	}

	s.setClock(t, selCloses)
	b = loggedIn(t, s.testServer, "expert0@expert.example", "")
	doc = b.get(t, path, http.StatusOK)
	if doc.Find("form.selection button").Length() != 0 || doc.Find("input[name=nomination_id]:not([disabled])").Length() != 0 ||
		!strings.Contains(text(doc.Find(".closed")), "Picks are taken from") {
		t.Fatalf("after the window: %q", text(doc.Find("main")))
	}
	doc = wantPage(t, b.post(t, path, url.Values{"category": {"3"}, "nomination_id": {n[0].ID}}), http.StatusConflict)
	if !strings.Contains(text(doc.Find(".form-errors")), "The selection is closed") {
		t.Errorf("a late pick: %q", text(doc.Find(".form-errors")))
	}
	if picks := s.mySelection(t, s.login(t, "expert0@expert.example", testPassword).AccessToken); picks[0].NominationID != n[2].ID {
		t.Fatalf("a late pick changed %+v", picks)
	}
}

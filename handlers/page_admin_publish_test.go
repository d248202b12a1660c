package handlers_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
)

// nomineeStates are the publication page's nominees with their state, by
// title.
func nomineeStates(doc *goquery.Document) map[string]string {
	out := map[string]string{}
	doc.Find("#nominees-title ~ table tbody tr").Each(func(_ int, row *goquery.Selection) {
		out[text(row.Find("th"))] = text(row.Find(".state"))
	})
	return out
}

func TestAdminPublishPage_ChampionsWithAnOverrideThenResultsEachAfterConfirming(t *testing.T) {
	s := newChampionsSetup(t, 1)
	n := s.nominations
	b := adminPages(t, s.testServer)
	doc := b.get(t, "/admin/contests/2027/publish", http.StatusOK)
	if text(doc.Find(".stage-nominees")) != "Published" || text(doc.Find(".stage-champions")) != "Not published" {
		t.Fatalf("stages %q", text(doc.Find(".stages")))
	}
	if doc.Find(`input[name=champions_add][value="`+n[2].ID+`"]`).Length() != 1 || doc.Find(`form[action$="/publish/results"]`).Length() != 0 {
		t.Fatal("the champions' form does not offer the nominees, or the results' form comes too early")
	}

	const champions = "/admin/contests/2027/publish/champions"
	doc = wantPage(t, b.post(t, champions, url.Values{"champions_add": {n[2].ID}}), http.StatusUnprocessableEntity)
	if got := text(doc.Find("#champions_reason-error")); got != "Say why you override the choice by count." {
		t.Errorf("reason error %q", got)
	}
	if !doc.Find(`input[name=champions_add][value="` + n[2].ID + `"]`).Is("[checked]") {
		t.Error("the override ticked is not kept")
	}
	override := url.Values{"champions_add": {n[2].ID}, "champions_reason": {"The jury saw it in the field."}}
	doc = wantPage(t, b.post(t, champions, override), http.StatusOK)
	if got := text(doc.Find(".confirm-add")); got != n[2].ProjectTitle {
		t.Errorf("the confirmation names %q, want %s", got, n[2].ProjectTitle)
	}
	if states := nomineeStates(doc); states[n[2].ProjectTitle] != "Nominee" {
		t.Fatalf("published before the admin confirmed: %v", states)
	}
	override.Set("confirm", "yes")
	wantRedirect(t, b.post(t, champions, override), "/admin/contests/2027/publish?done=champions")
	doc = b.get(t, "/admin/contests/2027/publish?done=champions", http.StatusOK)
	if text(doc.Find(".notice")) != "The champions are published." || text(doc.Find(".stage-champions")) != "Published" {
		t.Errorf("after publishing: %q, %q", text(doc.Find(".notice")), text(doc.Find(".stages")))
	}
	states := nomineeStates(doc)
	if states[n[0].ProjectTitle] != "Champion" || states[n[2].ProjectTitle] != "Champion" || states[n[1].ProjectTitle] != "Champion" || states[n[3].ProjectTitle] != "Nominee" {
		t.Errorf("states %v: category 3 by count and override, category 4 by valid votes", states)
	}
	if doc.Find(`input[name=results_add][value="`+n[3].ID+`"]`).Length() != 0 || doc.Find(`input[name=results_add][value="`+n[1].ID+`"]`).Length() != 1 {
		t.Error("the results' form offers other than the champions")
	}

	const results = "/admin/contests/2027/publish/results"
	doc = wantPage(t, b.post(t, results, url.Values{"confirm": {"yes"}}), http.StatusConflict)
	if got := text(doc.Find(".form-errors")); !strings.Contains(got, "schedule does not allow this now") {
		t.Errorf("results while the selection is open: %q", got)
	}
	s.setClock(t, selCloses.Add(time.Hour))
	b = adminPages(t, s.testServer)
	doc = wantPage(t, b.post(t, results, url.Values{}), http.StatusOK)
	if got := text(doc.Find(".confirm")); !strings.Contains(got, "by count alone") {
		t.Errorf("results' confirmation without overrides %q", got)
	}
	// No reviewer picked: the secretariat names the winner of category 4.
	winner := url.Values{"results_add": {n[1].ID}, "results_reason": {"The Expert Group met in person."}}
	doc = wantPage(t, b.post(t, results, winner), http.StatusOK)
	if got := text(doc.Find(".confirm-add")); got != n[1].ProjectTitle || text(doc.Find(".stage-results")) != "Not published" {
		t.Fatalf("results' confirmation %q, stage %q", got, text(doc.Find(".stage-results")))
	}
	winner.Set("confirm", "yes")
	wantRedirect(t, b.post(t, results, winner), "/admin/contests/2027/publish?done=results")
	doc = b.get(t, "/admin/contests/2027/publish", http.StatusOK)
	if states := nomineeStates(doc); text(doc.Find(".stage-results")) != "Published" || states[n[1].ProjectTitle] != "Winner" || states[n[0].ProjectTitle] != "Champion" {
		t.Errorf("after the results: %q %v", text(doc.Find(".stages")), nomineeStates(doc))
	}
	if doc.Find(`form[action$="/publish/results"], form[action$="/publish/champions"]`).Length() != 0 {
		t.Error("the forms are still offered once the results are published")
	}
	doc = wantPage(t, b.post(t, results, url.Values{"confirm": {"yes"}}), http.StatusConflict)
	if got := text(doc.Find(".form-errors")); !strings.Contains(got, "published already") {
		t.Errorf("results again: %q", got)
	}
}

package handlers_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/wsis-platform/wsis/models"
)

func TestHomePage_CurrentContestItsOpenWindowAndTimeLeft(t *testing.T) {
	s := newPrizes(t, "")
	s.clock.Set(subCloses.Add(-50 * time.Hour))
	doc := newBrowser(s.testServer).get(t, "/", http.StatusOK)
	if got := text(doc.Find("#contest-title")); got != "WSIS Prizes 2027" {
		t.Errorf("contest title %q", got)
	}
	open := text(doc.Find(".window-open"))
	if !strings.Contains(open, "Submission is open until 1 February 2027, 00:00 UTC") || !strings.Contains(open, "2 days left") {
		t.Errorf("open window: %q", open)
	}
	if got := doc.Find("table tbody tr").Length(); got != len(models.WindowNames) {
		t.Errorf("schedule has %d rows, want %d", got, len(models.WindowNames))
	}
	if got := text(doc.Find(`tr[aria-current] th`)); got != "Submission" {
		t.Errorf("current window row %q", got)
	}
	if got := doc.Find(".categories a").Length(); got != 18 {
		t.Errorf("%d prize categories, want 18", got)
	}
	if href, _ := doc.Find(".categories a").First().Attr("href"); href != "/projects?action_line=c1" {
		t.Errorf("first category links to %q", href)
	}
}

func TestHomePage_NoContestSaysSo(t *testing.T) {
	doc := newBrowser(newServer(t)).get(t, "/", http.StatusOK)
	if doc.Find("#contest-title").Length() != 0 || !strings.Contains(text(doc.Find("main")), "No contest is scheduled yet.") {
		t.Errorf("home page without a contest: %q", text(doc.Find("main")))
	}
}

func TestPages_LayoutIsAccessibleAndNamesItsLanguages(t *testing.T) {
	doc := newBrowser(newServer(t)).get(t, "/", http.StatusOK)
	if href, _ := doc.Find("body > a.skip").First().Attr("href"); href != "#main" || doc.Find("main#main").Length() != 1 {
		t.Errorf("skip link to %q; main#main %d", href, doc.Find("main#main").Length())
	}
	if live, _ := doc.Find("main .notice").Attr("aria-live"); live != "polite" {
		t.Errorf("notice region aria-live=%q", live)
	}
	if got, _ := doc.Find(`meta[name=description]`).Attr("content"); got == "" {
		t.Error("no meta description")
	}
	for _, code := range []string{"en", "fr", "es", "ar", "zh", "ru", "x-default"} {
		href, ok := doc.Find(`link[rel=alternate][hreflang="` + code + `"]`).Attr("href")
		if !ok || !strings.HasPrefix(href, testPublicURL+"/") {
			t.Errorf("hreflang %s: %q", code, href)
		}
	}
	doc.Find("input, select, textarea").Each(func(_ int, in *goquery.Selection) {
		id, _ := in.Attr("id")
		if id == "" || doc.Find(`label[for="`+id+`"]`).Length() != 1 {
			t.Errorf("field %s has no label", id)
		}
	})
	if got := doc.Find(".languages a").Length(); got != 6 {
		t.Errorf("language switcher has %d languages, want 6", got)
	}
}

func TestPages_LanguageFromAcceptLanguageSwitchedAndRemembered(t *testing.T) {
	s := newPrizes(t, "")
	b := newBrowser(s.testServer)
	b.lang = "fr-CH, fr;q=0.9, en;q=0.8"
	doc := b.get(t, "/", http.StatusOK)
	if lang, _ := doc.Find("html").Attr("lang"); lang != "fr" || text(doc.Find("#contest-title")) != "Prix du SMSI 2027" {
		t.Fatalf("Accept-Language fr: lang=%q, title %q", lang, text(doc.Find("#contest-title")))
	}
	// The switcher is a real link, and the choice is remembered.
	href, _ := doc.Find(`.languages a[hreflang=ar]`).Attr("href")
	if href != "/?lang=ar" {
		t.Fatalf("Arabic link %q", href)
	}
	doc = b.get(t, href, http.StatusOK)
	if dir, _ := doc.Find("html").Attr("dir"); dir != "rtl" {
		t.Errorf("Arabic page dir=%q, want rtl", dir)
	}
	if b.cookies["wsis_lang"] == nil || b.cookies["wsis_lang"].Value != "ar" || !b.cookies["wsis_lang"].HttpOnly {
		t.Fatalf("language not remembered: %+v", b.cookies["wsis_lang"])
	}
	doc = b.get(t, "/", http.StatusOK)
	if lang, _ := doc.Find("html").Attr("lang"); lang != "ar" || !strings.Contains(text(doc.Find("#contest-title")), "٢٠٢٧") {
		t.Errorf("remembered language: lang=%q title %q", lang, text(doc.Find("#contest-title")))
	}
	if current, _ := doc.Find(`.languages a[aria-current]`).Attr("lang"); current != "ar" {
		t.Errorf("switcher marks %q as current", current)
	}
	for code, title := range map[string]string{"es": "Premios de la CMSI 2027", "zh": "2027年WSIS奖项", "ru": "Премии ВВУИО 2027", "en": "WSIS Prizes 2027"} {
		if got := text(b.get(t, "/?lang="+code, http.StatusOK).Find("#contest-title")); got != title {
			t.Errorf("%s: title %q, want %q", code, got, title)
		}
	}
}

func TestNotFoundPage_InTheVisitorsLanguage(t *testing.T) {
	b := newBrowser(newServer(t))
	b.lang = "es"
	doc := b.get(t, "/no-such-page", http.StatusNotFound)
	if got := text(doc.Find("h1")); got != "Página no encontrada" {
		t.Errorf("Spanish not-found page says %q", got)
	}
	if lang, _ := doc.Find("html").Attr("lang"); lang != "es" {
		t.Errorf("lang=%q", lang)
	}
}

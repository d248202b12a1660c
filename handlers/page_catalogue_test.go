package handlers_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
)

func TestCataloguePage_TheJSONCataloguesResultFacetsAndPagesFromTheURL(t *testing.T) {
	s := newServer(t)
	s.seedCatalogue(t, 60, 3)
	b := newBrowser(s)
	const query = "region=europe&region=africa&sort=title"
	api := s.catalogue(t, query+"&limit=20")
	doc := b.get(t, "/projects?"+query, http.StatusOK)

	if got := text(doc.Find("#results-status")); got != strconv.Itoa(api.Total)+" projects found" {
		t.Errorf("status %q, want %d projects found", got, api.Total)
	}
	var ids []string
	doc.Find(".results h3 a").Each(func(_ int, a *goquery.Selection) {
		href, _ := a.Attr("href")
		ids = append(ids, strings.TrimPrefix(href, "/projects/"))
	})
	if len(ids) != len(api.Items) {
		t.Fatalf("%d projects listed, the API lists %d", len(ids), len(api.Items))
	}
	for i, p := range api.Items {
		if ids[i] != p.ID {
			t.Fatalf("project %d is %s, the API says %s", i, ids[i], p.ID)
		}
	}
	// Every filter value shows its count in the result, and the URL's
	// choices are checked.
	if len(api.Facets["action_line"]) == 0 || len(api.Facets["year"]) == 0 || len(api.Facets["country"]) == 0 {
		t.Fatalf("the API gives no facets to compare: %v", api.Facets)
	}
	for param, counts := range api.Facets {
		for value, n := range counts {
			if param == "country" { // a select: each country's option says its count
				if got := text(doc.Find(`#country option[value="` + value + `"]`)); !strings.HasSuffix(got, " ("+strconv.Itoa(n)+")") {
					t.Errorf("country %s shows %q, want its count (%d)", value, got, n)
				}
				continue
			}
			box := doc.Find(`input[type=checkbox][name="` + param + `"][value="` + value + `"]`)
			if box.Length() != 1 {
				t.Errorf("no checkbox for %s=%s", param, value)
				continue
			}
			if got := text(box.Closest("label").Find(".count")); got != "("+strconv.Itoa(n)+")" {
				t.Errorf("%s=%s shows %s, want (%d)", param, value, got, n)
			}
		}
	}
	if doc.Find(`input[name=action_line]`).Length() != 18 || doc.Find(`input[name=sdg]`).Length() != 17 {
		t.Error("not every action line and SDG is a filter")
	}
	for _, region := range []string{"europe", "africa"} {
		if _, checked := doc.Find(`input[name=region][value=` + region + `]`).Attr("checked"); !checked {
			t.Errorf("region %s from the URL is not checked", region)
		}
	}
	if v, _ := doc.Find("#sort option[selected]").Attr("value"); v != "title" {
		t.Errorf("sort shown %q", v)
	}
	if got := text(doc.Find(`input[name=action_line][value=c3]`).Closest("label")); !strings.HasPrefix(got, "Access to information and knowledge") {
		t.Errorf("action line c3 is labelled %q, want its name", got)
	}

	// The next page is a link holding the whole query.
	next, ok := doc.Find(`.pager a[rel=next]`).Attr("href")
	if !ok {
		t.Fatal("no next page link")
	}
	u, _ := url.Parse(next)
	if u.Query().Get("sort") != "title" || len(u.Query()["region"]) != 2 || u.Query().Get("cursor") == "" {
		t.Fatalf("next page link %q loses the query", next)
	}
	apiNext := s.catalogue(t, query+"&limit=20&cursor="+url.QueryEscape(api.NextCursor))
	doc = b.get(t, next, http.StatusOK)
	if first, _ := doc.Find(".results h3 a").First().Attr("href"); first != "/projects/"+apiNext.Items[0].ID {
		t.Errorf("second page starts with %s, the API's with %s", first, apiNext.Items[0].ID)
	}
	if _, ok := doc.Find(`.pager a`).First().Attr("href"); !ok || text(doc.Find(".pager a").First()) != "First page" {
		t.Error("the second page has no link to the first")
	}
}

func TestCataloguePage_UnknownFilterValueSaysSo(t *testing.T) {
	s := newServer(t)
	doc := newBrowser(s).get(t, "/projects?region=atlantis", http.StatusUnprocessableEntity)
	if got := text(doc.Find(".form-errors")); !strings.Contains(got, "region has a value the catalogue does not know") {
		t.Errorf("errors %q", got)
	}
	if doc.Find(".results").Length() != 0 {
		t.Error("a refused search lists projects")
	}
}

func TestCataloguePage_InArabicNamesNotCodes(t *testing.T) {
	s := newServer(t)
	s.seedCatalogue(t, 5, 4)
	b := newBrowser(s)
	b.lang = "ar"
	doc := b.get(t, "/projects", http.StatusOK)
	if dir, _ := doc.Find("html").Attr("dir"); dir != "rtl" {
		t.Errorf("dir=%q", dir)
	}
	if got := text(doc.Find("#results-status")); got != "عُثر على ٥ مشاريع" {
		t.Errorf("Arabic status %q", got)
	}
	if got := text(doc.Find(`input[name=region][value=arab-states]`).Closest("label")); !strings.HasPrefix(got, "الدول العربية") {
		t.Errorf("region label %q", got)
	}
}

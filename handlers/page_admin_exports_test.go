package handlers_test

import (
	"bytes"
	"net/http"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
)

func hrefs(doc *goquery.Document, selector string) []string {
	var out []string
	doc.Find(selector).Each(func(_ int, a *goquery.Selection) {
		h, _ := a.Attr("href")
		out = append(out, h)
	})
	return out
}

func TestAdminExportsPage_DownloadsAreTheAPIsExportsUnderTheSession(t *testing.T) {
	s := newVotingSetup(t, "")
	_, tok := s.signIn(t, "voter@example.org")
	s.castFrom(t, tok, "198.51.100.1", s.nominations[0])
	b := adminPages(t, s.testServer)

	doc := b.get(t, "/admin/exports", http.StatusOK)
	if got := hrefs(doc, ".contest-exports a"); len(got) != 1 || got[0] != "/admin/contests/2027/exports" {
		t.Errorf("contest links %v", got)
	}
	if got := hrefs(doc, ".catalogue-exports a"); len(got) != 2 || got[0] != "/api/v1/projects/export?format=csv" {
		t.Errorf("catalogue links %v", got)
	}
	doc = b.get(t, "/admin/contests/2027/exports", http.StatusOK)
	links := hrefs(doc, "table.exports a")
	if len(links) != 6 || strings.Contains(strings.Join(links, " "), "/results") {
		t.Fatalf("links %v: nominations, reviews and votes in two formats, no results before they are published", links)
	}
	for _, link := range links {
		t.Run(link, func(t *testing.T) {
			page := b.send(t, getRequest(link))
			what, format, _ := strings.Cut(strings.TrimPrefix(link, "/admin/contests/2027/exports/"), "?format=")
			api := s.do(t, http.MethodGet, "/api/v1/admin/contests/2027/export?what="+what+"&format="+format, nil, bearer(s.adminTok)...)
			if page.Code != http.StatusOK || api.Code != http.StatusOK {
				t.Fatalf("page %d, API %d", page.Code, api.Code)
			}
			for _, h := range []string{"Content-Type", "Content-Disposition"} {
				if page.Header().Get(h) != api.Header().Get(h) {
					t.Errorf("%s %q, the API's %q", h, page.Header().Get(h), api.Header().Get(h))
				}
			}
			if format == "csv" && !bytes.Equal(page.Body.Bytes(), api.Body.Bytes()) {
				t.Errorf("the page's CSV differs from the API's:\n%s\n%s", page.Body, api.Body)
			}
			if format == "xlsx" && !bytes.HasPrefix(page.Body.Bytes(), []byte("PK")) {
				t.Error("the workbook is not a zip")
			}
			if what == "votes" && format == "csv" && strings.Count(page.Body.String(), "\n") != 2 {
				t.Errorf("the vote export holds other than the header and the vote:\n%s", page.Body)
			}
		})
	}
	b.get(t, "/admin/contests/2027/exports/results?format=csv", http.StatusNotFound)
	b.get(t, "/admin/contests/2027/exports/passwords?format=csv", http.StatusNotFound)
	b.get(t, "/admin/contests/2027/exports/votes?format=pdf", http.StatusNotFound)
	b.get(t, "/admin/contests/2031/exports", http.StatusNotFound)
}

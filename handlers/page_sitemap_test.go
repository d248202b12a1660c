package handlers_test

import (
	"encoding/xml"
	"net/http"
	"strings"
	"testing"
)

func TestSitemap_ListsEveryPublishedProjectAndNoDraft(t *testing.T) {
	s := newServer(t)
	published := s.seedCatalogue(t, 1200, 7) // more than one read of the catalogue
	_, tok := s.signIn(t, "owner@example.org")
	draft := s.createProject(t, tok, "A draft nobody may see yet")

	rec := s.do(t, http.MethodGet, "/sitemap.xml", nil)
	if rec.Code != http.StatusOK || !strings.HasPrefix(rec.Header().Get("Content-Type"), "application/xml") {
		t.Fatalf("sitemap: %d %q", rec.Code, rec.Header().Get("Content-Type"))
	}
	var set struct {
		URLs []struct {
			Loc     string `xml:"loc"`
			LastMod string `xml:"lastmod"`
		} `xml:"url"`
	}
	if err := xml.Unmarshal(rec.Body.Bytes(), &set); err != nil {
		t.Fatal(err)
	}
	listed := map[string]bool{}
	for _, u := range set.URLs {
		listed[u.Loc] = true
	}
	for _, p := range published {
		if !listed[testPublicURL+"/projects/"+p.ID] {
			t.Fatalf("published project %s is not in the sitemap", p.ID)
		}
	}
	if listed[testPublicURL+"/projects/"+draft.ID] {
		t.Error("the sitemap lists a draft")
	}
	if len(set.URLs) != len(published)+3 || !listed[testPublicURL+"/"] || !listed[testPublicURL+"/stats"] {
		t.Errorf("%d addresses, want the home page, the catalogue, its statistics and %d projects", len(set.URLs), len(published))
	}
	if robots := s.do(t, http.MethodGet, "/robots.txt", nil).Body.String(); !strings.Contains(robots, "Sitemap: "+testPublicURL+"/sitemap.xml") {
		t.Errorf("robots.txt: %q", robots)
	}
}

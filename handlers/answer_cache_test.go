package handlers_test

import (
	"context"
	"math/rand/v2"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/wsis-platform/wsis/models"
	"github.com/wsis-platform/wsis/store/seed"
)

// The catalogue's answers come from memory until the index changes: the
// same ETag and 304 for an unchanged catalogue, and the publication of an
// entry in the very next answer.
func TestCatalogue_CachedAnswerChangesAsSoonAsAPublicationChangesTheIndex(t *testing.T) {
	s := newServer(t)
	s.seedCatalogue(t, 5, 1)
	_, tok := s.signIn(t, "owner@example.org")
	_, adminTok := s.signIn(t, "admin@example.org", models.RoleAdmin)
	p := s.createProject(t, tok, "Community networks for Sahel")
	if rec := s.do(t, http.MethodPost, "/api/v1/projects/"+p.ID+"/submit", nil, bearer(tok)...); rec.Code != http.StatusOK {
		t.Fatalf("submit: %d %s", rec.Code, rec.Body)
	}

	for _, path := range []string{"/api/v1/projects?limit=3", "/api/v1/stats"} {
		first := s.do(t, http.MethodGet, path, nil)
		etag := first.Header().Get("ETag")
		if first.Code != http.StatusOK || etag == "" || first.Header().Get("Cache-Control") != "public, max-age=5" {
			t.Fatalf("%s: %d, ETag %q, Cache-Control %q", path, first.Code, etag, first.Header().Get("Cache-Control"))
		}
		again := s.do(t, http.MethodGet, path, nil)
		if again.Header().Get("ETag") != etag || again.Body.String() != first.Body.String() {
			t.Fatalf("%s: an unchanged catalogue answered differently", path)
		}
		if rec := s.do(t, http.MethodGet, path, nil, "If-None-Match", etag); rec.Code != http.StatusNotModified || rec.Body.Len() != 0 {
			t.Fatalf("%s with its ETag: %d, %d bytes; want 304 without a body", path, rec.Code, rec.Body.Len())
		}
	}
	before := s.catalogue(t, "limit=3")
	etag := s.do(t, http.MethodGet, "/api/v1/projects?limit=3", nil).Header().Get("ETag")
	if rec := s.do(t, http.MethodPost, "/api/v1/admin/projects/"+p.ID+"/publish", nil, bearer(adminTok)...); rec.Code != http.StatusOK {
		t.Fatalf("publish: %d %s", rec.Code, rec.Body)
	}
	after := s.catalogue(t, "limit=3")
	if after.Total != before.Total+1 || after.Items[0].ID != p.ID {
		t.Fatalf("after the publication: total %d (was %d), first %s; want the new entry at once", after.Total, before.Total, after.Items[0].ID)
	}
	if rec := s.do(t, http.MethodGet, "/api/v1/projects?limit=3", nil, "If-None-Match", etag); rec.Code != http.StatusOK {
		t.Fatalf("the old ETag after the publication: %d, want 200 with the new answer", rec.Code)
	}
	// Parameters in another order are the same query, and share the answer.
	a := s.do(t, http.MethodGet, "/api/v1/projects?limit=3&sort=newest", nil).Header().Get("ETag")
	b := s.do(t, http.MethodGet, "/api/v1/projects?sort=newest&limit=3", nil).Header().Get("ETag")
	if a != b {
		t.Fatalf("one query in two orders: ETags %q and %q", a, b)
	}
}

// A search requires every word, so a word found in almost every entry
// narrows the result; only when no entry has them all do entries with any
// of them answer.
func TestCatalogue_SearchRequiresEveryWordThenFallsBackToAny(t *testing.T) {
	s := newServer(t)
	owner := s.createUser(t, "owner@example.org")
	var ps []models.Project
	for _, title := range []string{"Telemedicine for rural clinics", "Telemedicine in urban hospitals", "Rural schools online"} {
		p := seed.Project(rand.New(rand.NewPCG(1, uint64(len(title)))), owner.ID, s.clock.Now())
		p.Title, p.Summary, p.Description, p.Organization = title, strings.Repeat("Plain words about the work. ", 8), "Plain words only.", "Plain Org"
		pub := p.ProjectContent
		p.Published = &pub
		ps = append(ps, p)
	}
	if err := s.store.InsertProjects(context.Background(), ps); err != nil {
		t.Fatal(err)
	}
	if _, err := s.search.CatchUp(context.Background(), s.store); err != nil {
		t.Fatal(err)
	}
	titles := func(q string) []string {
		var out []string
		for _, p := range s.catalogue(t, "q="+url.QueryEscape(q)).Items {
			out = append(out, p.Title)
		}
		slices.Sort(out)
		return out
	}
	if got := titles("telemedicine rural"); !slices.Equal(got, []string{"Telemedicine for rural clinics"}) {
		t.Fatalf("both words: %v, want only the entry with both", got)
	}
	if got := titles("telemedicine zanzibar"); !slices.Equal(got, []string{"Telemedicine for rural clinics", "Telemedicine in urban hospitals"}) {
		t.Fatalf("no entry with both words: %v, want those with either", got)
	}
}

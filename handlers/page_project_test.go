package handlers_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestProjectPage_PublishedProjectNamedInTheVisitorsLanguage(t *testing.T) {
	s := newServer(t)
	p := s.seedCatalogue(t, 1, 5)[0]
	b := newBrowser(s)
	doc := b.get(t, "/projects/"+p.ID, http.StatusOK)
	if got := text(doc.Find("h1")); got != p.Published.Title {
		t.Errorf("title %q, want %q", got, p.Published.Title)
	}
	if got, _ := doc.Find(`meta[name=description]`).Attr("content"); !strings.Contains(got, p.Published.Organization) {
		t.Errorf("meta description %q", got)
	}
	if href, _ := doc.Find(`link[hreflang=fr]`).Attr("href"); href != testPublicURL+"/projects/"+p.ID+"?lang=fr" {
		t.Errorf("French alternate %q", href)
	}
	if got := doc.Find(`a[href^="/projects?action_line="]`).Length(); got != len(p.Published.ActionLines) {
		t.Errorf("%d action lines shown, want %d", got, len(p.Published.ActionLines))
	}
	if strings.Contains(text(doc.Find("article")), p.Published.ContactEmail) {
		t.Error("the contact email is shown")
	}

	b.lang = "zh"
	doc = b.get(t, "/projects/"+p.ID, http.StatusOK)
	first := p.Published.ActionLines[0]
	names := map[string]string{"c1": "政府和所有利益攸关方在推进将信息通信技术用于发展方面的作用", "c3": "获取信息和知识", "c4": "能力建设"}
	if want, ok := names[first]; ok {
		if got := text(doc.Find(`a[href="/projects?action_line=` + first + `"]`)); got != want {
			t.Errorf("Chinese name of %s: %q, want %q", first, got, want)
		}
	}
	if got := text(doc.Find("dl.facts")); !strings.Contains(got, "组织") {
		t.Errorf("Chinese labels missing: %q", got)
	}
}

func TestProjectPage_DraftOnlyToItsOwner(t *testing.T) {
	s := newServer(t)
	_, ownerTok := s.signIn(t, "owner@example.org")
	s.createUser(t, "other@example.org")
	draft := s.createProject(t, ownerTok, "A draft of the owner")

	visitor := newBrowser(s)
	visitor.get(t, "/projects/"+draft.ID, http.StatusNotFound)
	visitor.get(t, "/projects/no-such-id", http.StatusNotFound)

	other := newBrowser(s)
	wantRedirect(t, other.post(t, "/login", url.Values{"email": {"other@example.org"}, "password": {testPassword}}), "/profile")
	other.get(t, "/projects/"+draft.ID, http.StatusNotFound)

	owner := newBrowser(s)
	wantRedirect(t, owner.post(t, "/login", url.Values{"email": {"owner@example.org"}, "password": {testPassword}}), "/profile")
	doc := owner.get(t, "/projects/"+draft.ID, http.StatusOK)
	if got := text(doc.Find("h1")); got != "A draft of the owner" {
		t.Errorf("owner sees %q", got)
	}
	if doc.Find(`link[rel=alternate][hreflang]`).Length() != 0 {
		t.Error("an unpublished project's page names alternates for search engines")
	}
}

package handlers_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/wsis-platform/wsis/models"
)

// TestPages_FirstLoadUnder60KBCompressed holds SPEC §9's budget: a page's
// first load (its HTML, the stylesheet and the script, as sent compressed)
// stays under 60 KB, of which the stylesheet and the script under 40 KB.
func TestPages_FirstLoadUnder60KBCompressed(t *testing.T) {
	s := newServer(t)
	projects := s.seedCatalogue(t, 40, 6)
	sent := func(path string) int {
		t.Helper()
		req := httptest.NewRequest(http.MethodGet, path, nil)
		req.Header.Set("Accept", browserAccept)
		req.Header.Set("Accept-Encoding", "gzip")
		rec := s.serve(t, req)
		// Answers under 1 KiB go as they are (compress.go).
		if rec.Code != http.StatusOK || (rec.Body.Len() > 1024 && rec.Header().Get("Content-Encoding") != "gzip") {
			t.Fatalf("GET %s: %d, Content-Encoding %q", path, rec.Code, rec.Header().Get("Content-Encoding"))
		}
		return rec.Body.Len()
	}
	assets := sent("/assets/app.css") + sent("/assets/app.js")
	if assets >= 40_000 {
		t.Errorf("stylesheet and script are %d bytes compressed, want under 40 KB", assets)
	}
	for _, path := range []string{"/", "/projects", "/projects?lang=ar&sort=title", "/projects/" + projects[0].ID,
		"/stats", "/register", "/login", "/forgot-password"} {
		if total := sent(path) + assets; total >= 60_000 {
			t.Errorf("%s: first load %d bytes compressed, want under 60 KB", path, total)
		} else {
			t.Logf("%s: %d bytes", path, total)
		}
	}
	// The consoles, signed in.
	s.createUser(t, "admin@example.org", models.RoleAdmin)
	s.createUser(t, "reviewer@example.org", models.RoleReviewer)
	for email, paths := range map[string][]string{
		"admin@example.org": {"/admin", "/admin/users", "/admin/audit", "/admin/projects", "/admin/exports",
			"/admin/contests/new", "/admin/users?lang=ar"},
		"reviewer@example.org": {"/review", "/review/conflicts"},
	} {
		b := loggedIn(t, s, email, "")
		for _, path := range paths {
			req := httptest.NewRequest(http.MethodGet, path, nil)
			req.Header.Set("Accept-Encoding", "gzip")
			rec := b.send(t, req)
			if rec.Code != http.StatusOK {
				t.Fatalf("GET %s as %s: %d", path, email, rec.Code)
			}
			if total := rec.Body.Len() + assets; total >= 60_000 {
				t.Errorf("%s: first load %d bytes compressed, want under 60 KB", path, total)
			}
		}
	}
}

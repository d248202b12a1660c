package handlers_test

import (
	"io/fs"
	"net/http"
	"strings"
	"testing"

	"github.com/wsis-platform/wsis/static"
)

const browserAccept = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"

func TestUI_PagesAndAssetsAreRoutes(t *testing.T) {
	s := newServer(t)
	for _, tc := range []struct {
		name, path, contentType, body string
	}{
		{"home page is rendered on the server", "/", "text/html", `<ol class="categories">`},
		{"script asset has its content type", "/assets/app.js", "text/javascript", "addEventListener"},
		{"style asset has its content type", "/assets/app.css", "text/css", "{"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := s.do(t, http.MethodGet, tc.path, nil, "Accept", browserAccept)
			if rec.Code != http.StatusOK || !strings.HasPrefix(rec.Header().Get("Content-Type"), tc.contentType) {
				t.Fatalf("GET %s: %d %q, want 200 %s", tc.path, rec.Code, rec.Header().Get("Content-Type"), tc.contentType)
			}
			if !strings.Contains(rec.Body.String(), tc.body) {
				t.Fatalf("GET %s: body lacks %q", tc.path, tc.body)
			}
		})
	}
	t.Run("asset is the embedded file", func(t *testing.T) {
		want, err := fs.ReadFile(static.UI, "assets/app.css")
		if err != nil {
			t.Fatal(err)
		}
		if got := s.do(t, http.MethodGet, "/assets/app.css", nil).Body.String(); got != string(want) {
			t.Fatal("GET /assets/app.css is not static/assets/app.css")
		}
	})
}

func TestUI_UnknownPathIs404(t *testing.T) {
	s := newServer(t)
	for _, path := range []string{"/no-such-page", "/projects/123/no-such", "/contests/2027/no-such"} {
		t.Run("browser page "+path+" is a 404 page", func(t *testing.T) {
			rec := s.do(t, http.MethodGet, path, nil, "Accept", browserAccept)
			if rec.Code != http.StatusNotFound || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/html") {
				t.Fatalf("GET %s: %d %q, want 404 text/html", path, rec.Code, rec.Header().Get("Content-Type"))
			}
			if body := rec.Body.String(); !strings.Contains(body, "<h1>Page not found</h1>") {
				t.Fatalf("GET %s did not answer the not-found page: %s", path, body)
			}
		})
	}
	for _, tc := range []struct{ name, path, accept string }{
		{"API path is a problem", "/api/v1/no-such", ""},
		{"API path asked by a browser is a problem", "/api/v1/no-such", browserAccept},
		{"page asked without HTML is a problem", "/no-such-page", "application/json"},
		{"missing asset is a problem", "/assets/missing.js", browserAccept},
		{"asset directory is a problem", "/assets/", browserAccept},
		{"path out of the assets is a problem", "/assets/../static.go", browserAccept},
		{"nested asset path is a problem", "/assets/x/app.js", browserAccept},
	} {
		t.Run(tc.name, func(t *testing.T) {
			wantProblem(t, s.do(t, http.MethodGet, tc.path, nil, "Accept", tc.accept), http.StatusNotFound, "not-found")
		})
	}
}

package handlers_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
)

// browser is a visitor of the web UI: it keeps the cookies the pages set,
// and sends forms as a browser of the platform's own pages does.
type browser struct {
	s       *testServer
	cookies map[string]*http.Cookie
	lang    string
}

func newBrowser(s *testServer) *browser { return &browser{s: s, cookies: map[string]*http.Cookie{}} }

func (b *browser) send(t *testing.T, req *http.Request) *httptest.ResponseRecorder {
	t.Helper()
	req.Header.Set("Accept", browserAccept)
	if b.lang != "" {
		req.Header.Set("Accept-Language", b.lang)
	}
	for _, c := range b.cookies {
		req.AddCookie(c)
	}
	rec := b.s.serve(t, req)
	for _, c := range rec.Result().Cookies() {
		if c.MaxAge < 0 {
			delete(b.cookies, c.Name)
		} else {
			b.cookies[c.Name] = c
		}
	}
	return rec
}

// get asks for a page and parses it; it fails t unless the answer is
// status and HTML.
func (b *browser) get(t *testing.T, path string, status int) *goquery.Document {
	t.Helper()
	rec := b.send(t, httptest.NewRequest(http.MethodGet, path, nil))
	return wantPage(t, rec, status)
}

// post sends a form as the platform's own page does (same origin).
func (b *browser) post(t *testing.T, path string, form url.Values) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	req.Header.Set("Origin", testPublicURL)
	return b.send(t, req)
}

func wantPage(t *testing.T, rec *httptest.ResponseRecorder, status int) *goquery.Document {
	t.Helper()
	if rec.Code != status || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/html") {
		t.Fatalf("status %d %q, want %d HTML; body %.400s", rec.Code, rec.Header().Get("Content-Type"), status, rec.Body)
	}
	doc, err := goquery.NewDocumentFromReader(rec.Body)
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

// text is the trimmed text of the selection, its spaces collapsed.
func text(s *goquery.Selection) string { return strings.Join(strings.Fields(s.Text()), " ") }

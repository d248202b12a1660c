package handlers_test

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/wsis-platform/wsis/models"
)

// gunzip decodes a gzip body, failing t when it is not one.
func gunzip(t *testing.T, body []byte) []byte {
	t.Helper()
	r, err := gzip.NewReader(bytes.NewReader(body))
	if err != nil {
		t.Fatalf("not gzip: %v", err)
	}
	plain, err := io.ReadAll(r)
	if err != nil {
		t.Fatalf("gzip body: %v", err)
	}
	return plain
}

func TestCompress_ReferenceIsGzipForClientsThatAcceptIt(t *testing.T) {
	web := httptest.NewServer(newServer(t).engine)
	t.Cleanup(web.Close)
	plainRes, plain := send(t, http.MethodGet, web.URL+"/api/v1/reference")
	if plainRes.Header.Get("Content-Encoding") != "" || !json.Valid(plain) || len(plain) < 10<<10 {
		t.Fatalf("without Accept-Encoding: Content-Encoding %q, %d bytes", plainRes.Header.Get("Content-Encoding"), len(plain))
	}
	for _, accept := range []string{"gzip", "br;q=1.0, gzip;q=0.8", "*"} {
		t.Run(accept, func(t *testing.T) {
			res, body := send(t, http.MethodGet, web.URL+"/api/v1/reference", "Accept-Encoding", accept)
			if res.Header.Get("Content-Encoding") != "gzip" || res.Header.Get("Vary") != "Accept-Encoding" {
				t.Fatalf("Content-Encoding %q, Vary %q", res.Header.Get("Content-Encoding"), res.Header.Get("Vary"))
			}
			if len(body) >= len(plain)/2 {
				t.Errorf("compressed %d bytes of %d", len(body), len(plain))
			}
			if !bytes.Equal(gunzip(t, body), plain) {
				t.Error("the gzip body does not decode to the plain answer")
			}
		})
	}
	if res, _ := send(t, http.MethodGet, web.URL+"/api/v1/reference", "Accept-Encoding", "gzip;q=0, identity"); res.Header.Get("Content-Encoding") != "" {
		t.Errorf("gzip;q=0 was compressed")
	}
}

func TestCompress_SmallAndEncodedAnswersPassUntouched(t *testing.T) {
	web := httptest.NewServer(newServer(t).engine)
	t.Cleanup(web.Close)
	res, body := send(t, http.MethodGet, web.URL+"/healthz", "Accept-Encoding", "gzip")
	if res.Header.Get("Content-Encoding") != "" || !json.Valid(body) {
		t.Errorf("small answer: Content-Encoding %q, body %q", res.Header.Get("Content-Encoding"), body)
	}
	// The metrics handler compresses by itself: compressed once, not twice.
	res, body = send(t, http.MethodGet, web.URL+"/metrics", "Accept-Encoding", "gzip")
	if res.Header.Get("Content-Encoding") != "gzip" || !strings.Contains(string(gunzip(t, body)), "# HELP") {
		t.Errorf("metrics: Content-Encoding %q", res.Header.Get("Content-Encoding"))
	}
}

func TestCompress_GzipAnswerHasAWeakETagThatIfMatchTakes(t *testing.T) {
	s := newServer(t)
	web := httptest.NewServer(s.engine)
	t.Cleanup(web.Close)
	_, tok := s.signIn(t, "owner@example.org")
	long := `"` + strings.Repeat("A project that connects rural schools. ", 60) + `"`
	rec := s.do(t, http.MethodPost, "/api/v1/projects", jsonBody(projectBody("Schools online", "description", long)), bearer(tok)...)
	if rec.Code != http.StatusCreated {
		t.Fatalf("create: %d %s", rec.Code, rec.Body)
	}
	p := decode[models.Project](t, rec)
	url := web.URL + "/api/v1/projects/" + p.ID
	plain, _ := send(t, http.MethodGet, url, "Authorization", "Bearer "+tok)
	zipped, _ := send(t, http.MethodGet, url, "Authorization", "Bearer "+tok, "Accept-Encoding", "gzip")
	if plain.Header.Get("ETag") != `"1"` || zipped.Header.Get("Content-Encoding") != "gzip" || zipped.Header.Get("ETag") != `W/"1"` {
		t.Fatalf("plain ETag %q; gzip %q with ETag %q", plain.Header.Get("ETag"), zipped.Header.Get("Content-Encoding"), zipped.Header.Get("ETag"))
	}
	rec = s.do(t, http.MethodPatch, "/api/v1/projects/"+p.ID, jsonBody(`{"title":"Schools online, everywhere"}`),
		append(bearer(tok), "If-Match", zipped.Header.Get("ETag"))...)
	if rec.Code != http.StatusOK {
		t.Fatalf("PATCH with the weak ETag: %d %s", rec.Code, rec.Body)
	}
}

func TestCompress_CSVExportIsGzipXLSXIsNot(t *testing.T) {
	s := newPrizes(t, "")
	s.seedCatalogue(t, 20, 7)
	web := httptest.NewServer(s.engine)
	t.Cleanup(web.Close)
	res, body := send(t, http.MethodGet, web.URL+"/api/v1/projects/export?format=csv", "Accept-Encoding", "gzip")
	if res.Header.Get("Content-Encoding") != "gzip" || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/csv") {
		t.Fatalf("CSV: Content-Encoding %q, Content-Type %q", res.Header.Get("Content-Encoding"), res.Header.Get("Content-Type"))
	}
	if rows := strings.Count(string(gunzip(t, body)), "\n"); rows < 21 {
		t.Errorf("CSV has %d lines, want a header and 20 projects", rows)
	}
	res, body = send(t, http.MethodGet, web.URL+"/api/v1/admin/contests/2027/export?what=nominations&format=xlsx",
		"Accept-Encoding", "gzip", "Authorization", "Bearer "+s.adminTok)
	if res.StatusCode != http.StatusOK || res.Header.Get("Content-Encoding") != "" || !bytes.HasPrefix(body, []byte("PK")) {
		t.Errorf("XLSX: %d, Content-Encoding %q, %d bytes", res.StatusCode, res.Header.Get("Content-Encoding"), len(body))
	}
}

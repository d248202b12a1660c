package handlers_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
)

// TestHead_AnsweredWhereverGetIs holds HEAD answers, over a real HTTP
// connection, to the GET's status and headers with no body.
func TestHead_AnsweredWhereverGetIs(t *testing.T) {
	web := httptest.NewServer(newServer(t).engine)
	t.Cleanup(web.Close)
	for _, path := range []string{"/", "/assets/app.js", "/api/v1/reference", "/api/v1/projects", "/api/v1/contests/1999"} {
		t.Run(path, func(t *testing.T) {
			get, getBody := send(t, http.MethodGet, web.URL+path)
			head, headBody := send(t, http.MethodHead, web.URL+path)
			if head.StatusCode != get.StatusCode {
				t.Errorf("HEAD %d, GET %d", head.StatusCode, get.StatusCode)
			}
			for _, h := range []string{"Content-Type", "Cache-Control", "ETag", "Vary", "Content-Encoding", "X-Content-Type-Options"} {
				if head.Header.Get(h) != get.Header.Get(h) {
					t.Errorf("%s: HEAD %q, GET %q", h, head.Header.Get(h), get.Header.Get(h))
				}
			}
			if len(getBody) == 0 || len(headBody) != 0 {
				t.Errorf("GET body %d bytes, HEAD body %d bytes", len(getBody), len(headBody))
			}
		})
	}
}

// send makes one request without Accept-Encoding and reads the whole answer.
func send(t *testing.T, method, url string, headers ...string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	// A transport that adds no Accept-Encoding of its own and decodes nothing.
	client := &http.Client{Transport: &http.Transport{DisableCompression: true}}
	res, err := client.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res, body
}

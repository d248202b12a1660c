package main

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"testing"
	"time"
)

// The steps of the browser journey whose console pages do not exist yet
// (the moderation queue, the schedule editor, automatic assignment and
// publishing the nominees) call the JSON API as the admin.

// schedule is a contest schedule: submission from at[0] to at[1], review
// from then to at[2], voting from at[3] to at[4] and selection from then to
// at[5].
func schedule(at ...time.Time) map[string]any {
	w := func(a, b time.Time) map[string]string {
		return map[string]string{"opens_at": a.Format(time.RFC3339), "closes_at": b.Format(time.RFC3339)}
	}
	return map[string]any{"submission": w(at[0], at[1]), "review": w(at[1], at[2]), "voting": w(at[3], at[4]), "selection": w(at[4], at[5])}
}

// window is one window of a contest's schedule.
func window(opens, closes time.Time) map[string]string {
	return map[string]string{"opens_at": opens.Format(time.RFC3339), "closes_at": closes.Format(time.RFC3339)}
}

// apiClient calls the JSON API as one signed-in user.
type apiClient struct {
	t           *testing.T
	base, token string
}

func (a apiClient) login(email, password string) string {
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	a.decode(a.call(http.MethodPost, "/api/v1/auth/login", http.StatusOK, map[string]string{"email": email, "password": password}), &tok)
	return tok.AccessToken
}

func (a apiClient) get(path string, into any) {
	a.decode(a.call(http.MethodGet, path, http.StatusOK, nil), into)
}

func (a apiClient) call(method, path string, want int, body any) []byte {
	a.t.Helper()
	var r io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			a.t.Fatal(err)
		}
		r = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, a.base+path, r)
	if err != nil {
		a.t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if a.token != "" {
		req.Header.Set("Authorization", "Bearer "+a.token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		a.t.Fatal(err)
	}
	defer res.Body.Close()
	got, _ := io.ReadAll(res.Body)
	if res.StatusCode != want {
		a.t.Fatalf("%s %s: %d %s, want %d", method, path, res.StatusCode, got, want)
	}
	return got
}

func (a apiClient) decode(body []byte, into any) {
	a.t.Helper()
	if err := json.Unmarshal(body, into); err != nil {
		a.t.Fatalf("%v: %s", err, body)
	}
}

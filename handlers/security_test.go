package handlers_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/wsis-platform/wsis/auth"
	"github.com/wsis-platform/wsis/models"
	"github.com/wsis-platform/wsis/store"
)

func TestRegister_VerificationLinkNeverLogged(t *testing.T) {
	s := newServer(t) // no SMTP: the mail stays in the outbox
	if rec := s.do(t, http.MethodPost, "/api/v1/auth/register", jsonBody(registerBody("amina@example.org"))); rec.Code != http.StatusCreated {
		t.Fatalf("register: %d %s", rec.Code, rec.Body)
	}
	_, token := s.mailTo(t, "amina@example.org", "Verify")
	logs := s.log.String()
	if strings.Contains(logs, token) || strings.Contains(logs, "token=") {
		t.Fatalf("the log shows the verification token:\n%s", logs)
	}
	for _, want := range []string{"mail kept in outbox", "amina@example.org", `"kind":"verify-email"`} {
		if !strings.Contains(logs, want) {
			t.Errorf("the log lacks %q:\n%s", want, logs)
		}
	}
}

func TestAccessToken_RefusesNonNumericTimesAndOverlongLifetime(t *testing.T) {
	s := newServer(t)
	user := s.createUser(t, "amina@example.org")
	key, kid := s.signingKey(t)
	now := s.clock.Now()
	sign := func(mut func(jwt.MapClaims)) string {
		c := jwt.MapClaims{"iss": testPublicURL, "aud": []string{testPublicURL + "/api"}, "sub": user.ID,
			"iat": now.Unix(), "exp": now.Add(auth.AccessTokenTTL).Unix(), "jti": "x", "roles": []string{}, "sv": 0}
		mut(c)
		tok := jwt.NewWithClaims(jwt.SigningMethodEdDSA, c)
		tok.Header["kid"], tok.Header["typ"] = kid, "at+jwt"
		out, err := tok.SignedString(key)
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	me := func(tok string) *httptest.ResponseRecorder {
		return s.do(t, http.MethodGet, "/api/v1/me", nil, bearer(tok)...)
	}
	if rec := me(sign(func(jwt.MapClaims) {})); rec.Code != http.StatusOK {
		t.Fatalf("a token of the full lifetime was refused: %d %s", rec.Code, rec.Body)
	}
	for name, mut := range map[string]func(jwt.MapClaims){
		"exp in a string":      func(c jwt.MapClaims) { c["exp"] = strconv.FormatInt(now.Add(time.Minute).Unix(), 10) },
		"iat in a string":      func(c jwt.MapClaims) { c["iat"] = strconv.FormatInt(now.Unix(), 10) },
		"exp an object":        func(c jwt.MapClaims) { c["exp"] = map[string]int64{"n": now.Add(time.Minute).Unix()} },
		"no iat":               func(c jwt.MapClaims) { delete(c, "iat") },
		"lifetime a day":       func(c jwt.MapClaims) { c["exp"] = now.Add(24 * time.Hour).Unix() },
		"lifetime past leeway": func(c jwt.MapClaims) { c["exp"] = now.Add(auth.AccessTokenTTL + 31*time.Second).Unix() },
		"iat long before exp": func(c jwt.MapClaims) {
			c["iat"], c["exp"] = now.Add(-time.Hour).Unix(), now.Add(time.Minute).Unix()
		},
	} {
		t.Run(name, func(t *testing.T) {
			wantProblem(t, me(sign(mut)), http.StatusUnauthorized, "unauthorized")
		})
	}
}

// crossSite are the headers of a browser request from another site: by
// Sec-Fetch-Site, or, from an older browser, by Origin alone. httptest's
// requests have the host example.com.
var crossSite = map[string][]string{
	"Sec-Fetch-Site cross-site": {"Sec-Fetch-Site", "cross-site", "Origin", "https://evil.example"},
	"Sec-Fetch-Site same-site":  {"Sec-Fetch-Site", "same-site", "Origin", "https://sub.example.com"},
	"foreign Origin":            {"Origin", "https://evil.example"},
}

// sameOrigin are the headers of a browser request from the platform's pages.
var sameOrigin = []string{"Sec-Fetch-Site", "same-origin", "Origin", "http://example.com"}

// refreshCookie signs in and returns the session cookie's header value.
func (s *testServer) refreshCookie(t *testing.T, email string) string {
	t.Helper()
	s.createUser(t, email)
	rec := s.do(t, http.MethodPost, "/api/v1/auth/login", jsonBody(fmt.Sprintf(`{"email":%q,"password":%q}`, email, testPassword)))
	for _, c := range rec.Result().Cookies() {
		if c.Name == "wsis_refresh" {
			return c.Name + "=" + c.Value
		}
	}
	t.Fatalf("login set no refresh cookie: %d %s", rec.Code, rec.Body)
	return ""
}

func TestRefresh_RefusesCrossSiteRequest(t *testing.T) {
	s := newServer(t)
	cookie := s.refreshCookie(t, "amina@example.org")
	for name, headers := range crossSite {
		t.Run(name, func(t *testing.T) {
			p := wantProblem(t, s.do(t, http.MethodPost, "/api/v1/auth/refresh", nil, append(headers, "Cookie", cookie)...),
				http.StatusForbidden, "forbidden")
			if !strings.Contains(p.Detail, "cross-origin") {
				t.Fatalf("detail %q does not say why", p.Detail)
			}
		})
	}
	// None of the refused requests spent the token: it still rotates, once,
	// which a reuse would not (it revokes the family).
	if rec := s.do(t, http.MethodPost, "/api/v1/auth/refresh", nil, append(sameOrigin, "Cookie", cookie)...); rec.Code != http.StatusOK {
		t.Fatalf("same-origin refresh after the refused ones: %d %s", rec.Code, rec.Body)
	}
}

func TestLogout_RefusesCrossSiteRequest(t *testing.T) {
	s := newServer(t)
	cookie := s.refreshCookie(t, "amina@example.org")
	for name, headers := range crossSite {
		t.Run(name, func(t *testing.T) {
			wantProblem(t, s.do(t, http.MethodPost, "/api/v1/auth/logout", nil, append(headers, "Cookie", cookie)...),
				http.StatusForbidden, "forbidden")
		})
	}
	// The session lives on, and a same-origin logout still ends it.
	rec := s.do(t, http.MethodPost, "/api/v1/auth/refresh", nil, append(sameOrigin, "Cookie", cookie)...)
	if rec.Code != http.StatusOK {
		t.Fatalf("refresh after the refused logouts: %d %s", rec.Code, rec.Body)
	}
	next := "wsis_refresh=" + decode[tokens](t, rec).RefreshToken
	if rec := s.do(t, http.MethodPost, "/api/v1/auth/logout", nil, append(sameOrigin, "Cookie", next)...); rec.Code != http.StatusNoContent {
		t.Fatalf("same-origin logout: %d %s", rec.Code, rec.Body)
	}
	wantProblem(t, s.do(t, http.MethodPost, "/api/v1/auth/refresh", nil, "Cookie", next), http.StatusUnauthorized, "unauthorized")
}

func TestDecodeJSON_RequiresJSONContentType(t *testing.T) {
	s := newServer(t)
	tok := s.login(t, s.createUser(t, "amina@example.org").Email, testPassword)
	body := fmt.Sprintf(`{"refresh_token":%q}`, tok.RefreshToken)
	for name, ct := range map[string]string{"text/plain": "text/plain", "form": "application/x-www-form-urlencoded",
		"none": "", "malformed": "application/", "json-ish": "text/json"} {
		t.Run(name, func(t *testing.T) {
			req := httptest.NewRequest(http.MethodPost, "/api/v1/auth/refresh", strings.NewReader(body))
			if ct != "" {
				req.Header.Set("Content-Type", ct)
			}
			rec := s.serve(t, req)
			wantProblem(t, rec, http.StatusUnsupportedMediaType, "unsupported-media-type")
		})
	}
	// The refused bodies spent nothing; a +json type is JSON.
	rec := s.do(t, http.MethodPost, "/api/v1/auth/refresh", jsonBody(body), "Content-Type", "application/vnd.wsis+json; charset=utf-8")
	if rec.Code != http.StatusOK {
		t.Fatalf("refresh with a +json body: %d %s", rec.Code, rec.Body)
	}
}

// collectionCounts counts the documents of every collection of the test
// database.
func (s *testServer) collectionCounts(t *testing.T) map[string]int64 {
	t.Helper()
	ctx := context.Background()
	db := s.store.Database()
	names, err := db.ListCollectionNames(ctx, bson.D{})
	if err != nil {
		t.Fatal(err)
	}
	counts := map[string]int64{}
	for _, name := range names {
		if counts[name], err = db.Collection(name).CountDocuments(ctx, bson.D{}); err != nil {
			t.Fatal(err)
		}
	}
	return counts
}

func TestForgotPassword_SameWorkForUnknownKnownAndDisabledEmail(t *testing.T) {
	var background sync.WaitGroup
	s := newServer(t, func(c *handlersConfig) { c.Background = &background })
	s.createUser(t, "known@example.org")
	disabled, yes := s.createUser(t, "disabled@example.org"), true
	if _, _, err := s.store.UpdateAccess(context.Background(), disabled.ID, 0, store.AccessPatch{Disabled: &yes}, s.clock.Now()); err != nil {
		t.Fatal(err)
	}
	forgot := func(email string) (*httptest.ResponseRecorder, map[string]int64) {
		before := s.collectionCounts(t)
		rec := s.do(t, http.MethodPost, "/api/v1/auth/password/forgot", jsonBody(fmt.Sprintf(`{"email":%q}`, email)))
		background.Wait()
		after := s.collectionCounts(t)
		written := map[string]int64{}
		for name, n := range after {
			if d := n - before[name]; d != 0 {
				written[name] = d
			}
		}
		return rec, written
	}
	known, knownWrites := forgot("known@example.org")
	if known.Code != http.StatusAccepted || len(knownWrites) == 0 {
		t.Fatalf("known email: %d, wrote %v", known.Code, knownWrites)
	}
	for _, email := range []string{"nobody@example.org", "disabled@example.org"} {
		rec, writes := forgot(email)
		if rec.Code != known.Code || rec.Body.String() != known.Body.String() {
			t.Errorf("%s: answered %d %q, the known email %d %q", email, rec.Code, rec.Body, known.Code, known.Body)
		}
		if fmt.Sprint(writes) != fmt.Sprint(knownWrites) {
			t.Errorf("%s: wrote %v, the known email %v", email, writes, knownWrites)
		}
	}
	// Only the known account's mail is listed, and is to be delivered.
	for _, list := range []func(context.Context) ([]models.Mail, error){
		func(ctx context.Context) ([]models.Mail, error) { return s.store.RecentMails(ctx, 10) },
		s.store.UnsentMails,
	} {
		mails, err := list(context.Background())
		if err != nil || len(mails) != 1 || mails[0].To != "known@example.org" {
			t.Fatalf("mails = %+v, %v; want only the known account's", mails, err)
		}
	}
}

func TestWrites_LimitedPerAccountNotPerAddress(t *testing.T) {
	s := newServer(t, func(c *handlersConfig) { c.RateLimits.Write = rate(3, time.Hour) })
	_, busy := s.signIn(t, "busy@example.org")
	_, other := s.signIn(t, "other@example.org")
	// Three writes of different kinds spend the one limit.
	for i, rec := range []*httptest.ResponseRecorder{
		s.do(t, http.MethodPatch, "/api/v1/me", jsonBody(`{"name":"Busy Bee"}`), bearer(busy)...),
		s.do(t, http.MethodPost, "/api/v1/projects", jsonBody(projectBody("Digital farmers")), bearer(busy)...),
		s.do(t, http.MethodPatch, "/api/v1/me", jsonBody(`{"name":"Busy Bee again"}`), bearer(busy)...),
	} {
		if rec.Code >= 300 {
			t.Fatalf("write %d: %d %s", i+1, rec.Code, rec.Body)
		}
	}
	for name, rec := range map[string]*httptest.ResponseRecorder{
		"create project": s.do(t, http.MethodPost, "/api/v1/projects", jsonBody(projectBody("One too many")), bearer(busy)...),
		"patch profile":  s.do(t, http.MethodPatch, "/api/v1/me", jsonBody(`{"name":"Busy"}`), bearer(busy)...),
		"nominate":       s.do(t, http.MethodPost, "/api/v1/contests/2030/nominations", jsonBody(`{}`), bearer(busy)...),
	} {
		t.Run(name, func(t *testing.T) {
			wantProblem(t, rec, http.StatusTooManyRequests, "rate-limited")
			if ra, err := strconv.Atoi(rec.Header().Get("Retry-After")); err != nil || ra < 1 {
				t.Fatalf("Retry-After = %q", rec.Header().Get("Retry-After"))
			}
		})
	}
	// Reads are not limited, and the refused create wrote nothing.
	rec := s.do(t, http.MethodGet, "/api/v1/me/projects", nil, bearer(busy)...)
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "Digital farmers") || strings.Contains(rec.Body.String(), "One too many") {
		t.Fatalf("own projects after the refused create: %d %s", rec.Code, rec.Body)
	}
	// Another account from the same address writes on.
	s.createProject(t, other, "Someone else's entry")
}

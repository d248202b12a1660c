package handlers_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/wsis-platform/wsis/models"
)

const testPassword = "correct horse battery staple"

type tokens struct {
	AccessToken  string `json:"access_token"`
	TokenType    string `json:"token_type"`
	ExpiresIn    int    `json:"expires_in"`
	RefreshToken string `json:"refresh_token"`
}

func jsonBody(v string) *strings.Reader { return strings.NewReader(v) }

// createUser stores an account with testPassword directly, verified, with
// roles.
func (s *testServer) createUser(t *testing.T, email string, roles ...models.Role) models.User {
	t.Helper()
	ctx := context.Background()
	hash, err := s.hasher.Hash(ctx, testPassword)
	if err != nil {
		t.Fatal(err)
	}
	u, err := s.store.CreateUser(ctx, models.User{Email: email, Name: "Test " + email, Organization: "Org of " + email,
		StakeholderType: models.StakeholderCivilSociety, Country: "KE", Roles: roles, CreatedAt: s.clock.Now()}, hash)
	if err != nil {
		t.Fatalf("create user: %v", err)
	}
	if err := s.store.MarkEmailVerified(ctx, u.ID, s.clock.Now()); err != nil {
		t.Fatal(err)
	}
	return u
}

func (s *testServer) login(t *testing.T, email, password string) tokens {
	t.Helper()
	rec := s.do(t, http.MethodPost, "/api/v1/auth/login", jsonBody(fmt.Sprintf(`{"email":%q,"password":%q}`, email, password)))
	if rec.Code != http.StatusOK {
		t.Fatalf("login %s: %d %s", email, rec.Code, rec.Body)
	}
	return decode[tokens](t, rec)
}

func bearer(tok string) []string { return []string{"Authorization", "Bearer " + tok} }

func (s *testServer) refresh(t *testing.T, refresh string) *httptest.ResponseRecorder {
	t.Helper()
	return s.do(t, http.MethodPost, "/api/v1/auth/refresh", jsonBody(fmt.Sprintf(`{"refresh_token":%q}`, refresh)))
}

var linkToken = regexp.MustCompile(`\?token=([A-Za-z0-9_-]+)`)

// mailTo waits for the newest mail of kind to email in the outbox and
// returns the token of its link.
func (s *testServer) mailTo(t *testing.T, email, subjectPart string) (models.Mail, string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		mails, err := s.store.RecentMails(context.Background(), 50)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range mails {
			if m.To == email && strings.Contains(m.Subject, subjectPart) {
				match := linkToken.FindStringSubmatch(m.Body)
				if match == nil {
					t.Fatalf("mail %q has no link with a token:\n%s", m.Subject, m.Body)
				}
				return m, match[1]
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("no mail about %q to %s", subjectPart, email)
	return models.Mail{}, ""
}

func registerBody(email string) string {
	return fmt.Sprintf(`{"email":%q,"password":%q,"name":"Amina Diallo","organization":"Digital Sahel",`+
		`"stakeholder_type":"civil-society","country":"SN"}`, email, testPassword)
}

func TestRegister_ValidationErrorsByField(t *testing.T) {
	s := newServer(t)
	rec := s.do(t, http.MethodPost, "/api/v1/auth/register", jsonBody(
		`{"email":"nope","password":"short","name":"","organization":"O","stakeholder_type":"ngo","country":"XX"}`))
	p := wantProblem(t, rec, http.StatusUnprocessableEntity, "validation")
	got := map[string]bool{}
	for _, e := range p.Errors {
		got[e.Field] = true
	}
	for _, f := range []string{"email", "password", "name", "stakeholder_type", "country"} {
		if !got[f] {
			t.Errorf("no error for %s: %+v", f, p.Errors)
		}
	}
	if users, _, _ := s.store.ListUsers(context.Background(), storeQueryAll()); len(users) != 0 {
		t.Fatalf("a rejected registration stored %d accounts", len(users))
	}
}

func TestRegister_ReadOnlyFieldsRejected(t *testing.T) {
	s := newServer(t)
	body := strings.Replace(registerBody("amina@example.org"), `{`, `{"roles":["admin"],`, 1)
	wantProblem(t, s.do(t, http.MethodPost, "/api/v1/auth/register", jsonBody(body)), http.StatusBadRequest, "bad-request")
	body = strings.Replace(registerBody("amina@example.org"), `{`, `{"email_verified":true,`, 1)
	wantProblem(t, s.do(t, http.MethodPost, "/api/v1/auth/register", jsonBody(body)), http.StatusBadRequest, "bad-request")
}

func TestRegister_EmailUniqueIgnoringCaseUnderConcurrency(t *testing.T) {
	s := newServer(t)
	const n = 12
	codes := make(chan int, n)
	for i := range n {
		email := "Amina@Example.org"
		if i%2 == 1 {
			email = "amina@example.ORG"
		}
		go func() {
			codes <- s.do(t, http.MethodPost, "/api/v1/auth/register", jsonBody(registerBody(email))).Code
		}()
	}
	created, conflicts := 0, 0
	for range n {
		switch <-codes {
		case http.StatusCreated:
			created++
		case http.StatusConflict:
			conflicts++
		}
	}
	if created != 1 || conflicts != n-1 {
		t.Fatalf("%d created, %d conflicts; want 1 and %d", created, conflicts, n-1)
	}
}

func TestMe_NeverReturnsPasswordHash(t *testing.T) {
	s := newServer(t)
	rec := s.do(t, http.MethodPost, "/api/v1/auth/register", jsonBody(registerBody("amina@example.org")))
	if rec.Code != http.StatusCreated {
		t.Fatalf("register: %d %s", rec.Code, rec.Body)
	}
	tok := s.login(t, "amina@example.org", testPassword)
	for _, body := range []string{rec.Body.String(), s.do(t, http.MethodGet, "/api/v1/me", nil, bearer(tok.AccessToken)...).Body.String()} {
		if strings.Contains(body, "argon2") || strings.Contains(body, "password") || strings.Contains(body, testPassword) {
			t.Fatalf("profile shows the password or its hash: %s", body)
		}
	}
}

func TestLogin_SameAnswerForUnknownEmailAndWrongPassword(t *testing.T) {
	s := newServer(t)
	s.createUser(t, "known@example.org")
	wrong := s.do(t, http.MethodPost, "/api/v1/auth/login", jsonBody(`{"email":"known@example.org","password":"not the password at all"}`))
	unknown := s.do(t, http.MethodPost, "/api/v1/auth/login", jsonBody(`{"email":"nobody@example.org","password":"not the password at all"}`))
	pw, pu := wantProblem(t, wrong, http.StatusUnauthorized, "unauthorized"), wantProblem(t, unknown, http.StatusUnauthorized, "unauthorized")
	if pw.Title != pu.Title || pw.Detail != pu.Detail || pw.Type != pu.Type {
		t.Fatalf("answers differ: %+v vs %+v", pw, pu)
	}
}

func TestForgotPassword_SameAnswerForUnknownAndKnownEmail(t *testing.T) {
	s := newServer(t)
	s.createUser(t, "known@example.org")
	known := s.do(t, http.MethodPost, "/api/v1/auth/password/forgot", jsonBody(`{"email":"known@example.org"}`))
	unknown := s.do(t, http.MethodPost, "/api/v1/auth/password/forgot", jsonBody(`{"email":"nobody@example.org"}`))
	if known.Code != http.StatusAccepted || unknown.Code != http.StatusAccepted || known.Body.String() != unknown.Body.String() {
		t.Fatalf("answers differ: %d %q vs %d %q", known.Code, known.Body, unknown.Code, unknown.Body)
	}
	s.mailTo(t, "known@example.org", "Reset")
}

func TestLogin_RateLimitedWithRetryAfter(t *testing.T) {
	s := newServer(t, func(c *handlersConfig) { c.RateLimits.Login = rate(3, time.Hour) })
	s.createUser(t, "known@example.org")
	for i := range 3 {
		rec := s.do(t, http.MethodPost, "/api/v1/auth/login", jsonBody(`{"email":"known@example.org","password":"wrong password guess"}`))
		if rec.Code != http.StatusUnauthorized {
			t.Fatalf("attempt %d: %d", i+1, rec.Code)
		}
	}
	rec := s.do(t, http.MethodPost, "/api/v1/auth/login", jsonBody(fmt.Sprintf(`{"email":"known@example.org","password":%q}`, testPassword)))
	wantProblem(t, rec, http.StatusTooManyRequests, "rate-limited")
	if ra := rec.Header().Get("Retry-After"); ra == "" || ra == "0" {
		t.Fatalf("Retry-After = %q", ra)
	}
}

func TestRegister_RateLimitedPerIP(t *testing.T) {
	s := newServer(t, func(c *handlersConfig) { c.RateLimits.Register = rate(2, time.Hour) })
	for i := range 2 {
		if rec := s.do(t, http.MethodPost, "/api/v1/auth/register", jsonBody(registerBody(fmt.Sprintf("u%d@example.org", i)))); rec.Code != http.StatusCreated {
			t.Fatalf("registration %d: %d", i+1, rec.Code)
		}
	}
	wantProblem(t, s.do(t, http.MethodPost, "/api/v1/auth/register", jsonBody(registerBody("u9@example.org"))),
		http.StatusTooManyRequests, "rate-limited")
}

func TestPatchMe_OnlyProfileFieldsAndStaleIfMatch(t *testing.T) {
	s := newServer(t)
	s.createUser(t, "amina@example.org")
	tok := s.login(t, "amina@example.org", testPassword).AccessToken
	wantProblem(t, s.do(t, http.MethodPatch, "/api/v1/me", jsonBody(`{"roles":["admin"]}`), bearer(tok)...), http.StatusBadRequest, "bad-request")
	wantProblem(t, s.do(t, http.MethodPatch, "/api/v1/me", jsonBody(`{"email":"other@example.org"}`), bearer(tok)...), http.StatusBadRequest, "bad-request")

	rec := s.do(t, http.MethodPatch, "/api/v1/me", jsonBody(`{"organization":"Sahel Connect","country":"ML"}`), append(bearer(tok), "If-Match", `"1"`)...)
	if rec.Code != http.StatusOK || rec.Header().Get("ETag") != `"2"` {
		t.Fatalf("patch: %d ETag %q %s", rec.Code, rec.Header().Get("ETag"), rec.Body)
	}
	me := decode[models.User](t, rec)
	if me.Organization != "Sahel Connect" || me.Country != "ML" || len(me.Roles) != 0 {
		t.Fatalf("profile = %+v", me)
	}
	wantProblem(t, s.do(t, http.MethodPatch, "/api/v1/me", jsonBody(`{"name":"Late Edit"}`), append(bearer(tok), "If-Match", `"1"`)...),
		http.StatusPreconditionFailed, "precondition-failed")
	wantProblem(t, s.do(t, http.MethodPatch, "/api/v1/me", jsonBody(`{"country":"ZZ"}`), bearer(tok)...), http.StatusUnprocessableEntity, "validation")
}

func TestDevMailbox_OffByDefault(t *testing.T) {
	s := newServer(t)
	wantProblem(t, s.do(t, http.MethodGet, "/api/v1/dev/mailbox", nil), http.StatusNotFound, "not-found")

	s = newServer(t, func(c *handlersConfig) { c.DevMailbox = true })
	s.do(t, http.MethodPost, "/api/v1/auth/register", jsonBody(registerBody("amina@example.org")))
	rec := s.do(t, http.MethodGet, "/api/v1/dev/mailbox", nil)
	got := decode[[]struct {
		To, Subject, Body string
	}](t, rec)
	if len(got) != 1 || got[0].To != "amina@example.org" || !strings.Contains(got[0].Body, testPublicURL+"/verify-email?token=") {
		t.Fatalf("mailbox = %+v", got)
	}
}

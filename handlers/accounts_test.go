package handlers_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
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
	if _, _, err := s.store.UserCredentials(context.Background(), "nope"); !errors.Is(err, models.ErrNotFound) {
		t.Fatalf("a rejected registration stored an account: %v", err)
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

// loginFrom tries to sign in from the connection's address remote, with
// headers.
func (s *testServer) loginFrom(t *testing.T, remote, email, password string, headers ...string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(http.MethodPost, "/api/v1/auth/login", jsonBody(fmt.Sprintf(`{"email":%q,"password":%q}`, email, password)))
	req.RemoteAddr = remote
	req.Header.Set("Content-Type", "application/json")
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	return s.serve(t, req)
}

const wrongPassword = "wrong password guess"

func TestLogin_ClientLimitCountsEveryAttempt(t *testing.T) {
	s := newServer(t, func(c *handlersConfig) { c.RateLimits.Login = rate(3, time.Hour) })
	s.createUser(t, "known@example.org")
	s.login(t, "known@example.org", testPassword)
	for _, email := range []string{"a@example.org", "b@example.org"} {
		wantProblem(t, s.do(t, http.MethodPost, "/api/v1/auth/login", jsonBody(fmt.Sprintf(`{"email":%q,"password":%q}`, email, wrongPassword))),
			http.StatusUnauthorized, "unauthorized")
	}
	rec := s.do(t, http.MethodPost, "/api/v1/auth/login", jsonBody(fmt.Sprintf(`{"email":"known@example.org","password":%q}`, testPassword)))
	wantProblem(t, rec, http.StatusTooManyRequests, "rate-limited")
	if ra := rec.Header().Get("Retry-After"); ra == "" || ra == "0" {
		t.Fatalf("Retry-After = %q", ra)
	}
}

func TestLogin_AccountLimitCountsOnlyFailuresFromAnyClient(t *testing.T) {
	s := newServer(t, func(c *handlersConfig) {
		c.RateLimits.Login = rate(3, time.Hour)
		c.TrustedProxies = []string{"192.0.2.0/24"}
	})
	s.createUser(t, "admin@example.org", models.RoleAdmin)
	s.createUser(t, "other@example.org")
	client := 0
	from := func(email, password string) *httptest.ResponseRecorder {
		client++
		return s.loginFrom(t, "192.0.2.1:1234", email, password, "X-Forwarded-For", fmt.Sprintf("203.0.113.%d", client))
	}
	// Sign-ins that succeed never use the account's limit up.
	for i := range 5 {
		if rec := from("admin@example.org", testPassword); rec.Code != http.StatusOK {
			t.Fatalf("sign-in %d: %d %s", i+1, rec.Code, rec.Body)
		}
	}
	// Failures do, whichever client they come from.
	for i := range 3 {
		if rec := from("ADMIN@example.org", wrongPassword); rec.Code != http.StatusUnauthorized {
			t.Fatalf("failure %d: %d %s", i+1, rec.Code, rec.Body)
		}
	}
	wantProblem(t, from("admin@example.org", wrongPassword), http.StatusTooManyRequests, "rate-limited")
	// While the failures last, the right password waits too.
	rec := from("admin@example.org", testPassword)
	wantProblem(t, rec, http.StatusTooManyRequests, "rate-limited")
	if ra := rec.Header().Get("Retry-After"); ra == "" || ra == "0" {
		t.Fatalf("Retry-After = %q", ra)
	}
	// Another account is not affected.
	if rec := from("other@example.org", testPassword); rec.Code != http.StatusOK {
		t.Fatalf("another account was limited: %d %s", rec.Code, rec.Body)
	}
	// Unknown emails count alike, so a 429 does not tell which exist.
	for range 3 {
		from("nobody@example.org", wrongPassword)
	}
	wantProblem(t, from("nobody@example.org", wrongPassword), http.StatusTooManyRequests, "rate-limited")
}

func TestLogin_ForwardedForFromUntrustedClientsIsIgnored(t *testing.T) {
	s := newServer(t, func(c *handlersConfig) { c.RateLimits.Login = rate(3, time.Hour) })
	for i := range 3 {
		rec := s.loginFrom(t, "192.0.2.1:1234", fmt.Sprintf("u%d@example.org", i), wrongPassword, "X-Forwarded-For", fmt.Sprintf("203.0.113.%d", i))
		if rec.Code != http.StatusUnauthorized {
			t.Fatalf("attempt %d: %d", i+1, rec.Code)
		}
	}
	wantProblem(t, s.loginFrom(t, "192.0.2.1:1234", "u9@example.org", wrongPassword, "X-Forwarded-For", "203.0.113.9"),
		http.StatusTooManyRequests, "rate-limited")
}

func TestLogin_IPv6ClientsLimitedByTheirSlash64(t *testing.T) {
	s := newServer(t, func(c *handlersConfig) { c.RateLimits.Login = rate(3, time.Hour) })
	for i, addr := range []string{"2001:db8:1:2::1", "2001:db8:1:2::2", "2001:db8:1:2:ffff:ffff:ffff:fffe"} {
		if rec := s.loginFrom(t, "["+addr+"]:1234", fmt.Sprintf("u%d@example.org", i), wrongPassword); rec.Code != http.StatusUnauthorized {
			t.Fatalf("attempt %d: %d", i+1, rec.Code)
		}
	}
	wantProblem(t, s.loginFrom(t, "[2001:db8:1:2::99]:1234", "u9@example.org", wrongPassword), http.StatusTooManyRequests, "rate-limited")
	if rec := s.loginFrom(t, "[2001:db8:1:3::1]:1234", "u9@example.org", wrongPassword); rec.Code != http.StatusUnauthorized {
		t.Fatalf("another /64 was limited: %d", rec.Code)
	}
}

func TestRegister_TrimsNamesAndRefusesBlankOrMultiLine(t *testing.T) {
	s := newServer(t)
	body := func(email, name, org string) *bytes.Reader {
		b, err := json.Marshal(map[string]string{"email": email, "password": testPassword, "name": name, "organization": org,
			"stakeholder_type": "academia", "country": "SN"})
		if err != nil {
			t.Fatal(err)
		}
		return bytes.NewReader(b)
	}
	for _, tc := range []struct {
		name, user, org, field string
	}{
		{"blank name", "   ", "Digital Sahel", "name"},
		{"blank organization", "Amina", " \t ", "organization"},
		{"name over two lines", "Amina\nDiallo", "Digital Sahel", "name"},
		{"organization with a tab", "Amina", "Digital\tSahel", "organization"},
		{"name with a control character", "Amina\u0007", "Digital Sahel", "name"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := wantProblem(t, s.do(t, http.MethodPost, "/api/v1/auth/register", body("amina@example.org", tc.user, tc.org)),
				http.StatusUnprocessableEntity, "validation")
			if len(p.Errors) != 1 || p.Errors[0].Field != tc.field {
				t.Fatalf("errors = %+v, want one for %s", p.Errors, tc.field)
			}
		})
	}
	rec := s.do(t, http.MethodPost, "/api/v1/auth/register", body("  amina@example.org ", "  Amina Diallo ", " Digital Sahel  "))
	if rec.Code != http.StatusCreated {
		t.Fatalf("register: %d %s", rec.Code, rec.Body)
	}
	u := decode[models.User](t, rec)
	if u.Email != "amina@example.org" || u.Name != "Amina Diallo" || u.Organization != "Digital Sahel" {
		t.Fatalf("stored untrimmed: %+v", u)
	}
	if u.CreatedAt.IsZero() || !u.UpdatedAt.Equal(u.CreatedAt) {
		t.Fatalf("created_at %v, updated_at %v: want both set and equal", u.CreatedAt, u.UpdatedAt)
	}
}

func TestPatchMe_TrimsNamesAndRefusesBlankOrMultiLine(t *testing.T) {
	s := newServer(t)
	s.createUser(t, "amina@example.org")
	tok := s.login(t, "amina@example.org", testPassword).AccessToken
	for _, tc := range []struct{ name, body, field string }{
		{"blank name", `{"name":"   "}`, "name"},
		{"blank organization", `{"organization":"\t"}`, "organization"},
		{"name over two lines", `{"name":"Amina\nDiallo"}`, "name"},
		{"organization with a carriage return", `{"organization":"Digital\rSahel"}`, "organization"},
		{"name with a line separator", `{"name":"Amina\u2028Diallo"}`, "name"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := wantProblem(t, s.do(t, http.MethodPatch, "/api/v1/me", jsonBody(tc.body), bearer(tok)...),
				http.StatusUnprocessableEntity, "validation")
			if len(p.Errors) != 1 || p.Errors[0].Field != tc.field {
				t.Fatalf("errors = %+v, want one for %s", p.Errors, tc.field)
			}
		})
	}
	rec := s.do(t, http.MethodPatch, "/api/v1/me", jsonBody(`{"name":"  Amina Diallo  ","organization":" Sahel Connect "}`), bearer(tok)...)
	if rec.Code != http.StatusOK {
		t.Fatalf("patch: %d %s", rec.Code, rec.Body)
	}
	if me := decode[models.User](t, rec); me.Name != "Amina Diallo" || me.Organization != "Sahel Connect" || me.Version != 2 {
		t.Fatalf("profile = %+v", me)
	}
}

func TestForgotPassword_BackgroundWorkIsCounted(t *testing.T) {
	var background sync.WaitGroup
	s := newServer(t, func(c *handlersConfig) { c.Background = &background })
	s.createUser(t, "known@example.org")
	if rec := s.do(t, http.MethodPost, "/api/v1/auth/password/forgot", jsonBody(`{"email":"known@example.org"}`)); rec.Code != http.StatusAccepted {
		t.Fatalf("forgot: %d", rec.Code)
	}
	background.Wait()
	// Once the background is done, the mail is in the outbox: a server
	// that stops now loses nothing.
	mails, err := s.store.RecentMails(context.Background(), 10)
	if err != nil || len(mails) != 1 || mails[0].To != "known@example.org" {
		t.Fatalf("outbox after the background finished: %+v, %v", mails, err)
	}
}

func TestResetPassword_EarlierLinksDieWithTheReset(t *testing.T) {
	var background sync.WaitGroup
	s := newServer(t, func(c *handlersConfig) { c.Background = &background })
	s.createUser(t, "amina@example.org")
	var links []string
	for range 2 {
		s.do(t, http.MethodPost, "/api/v1/auth/password/forgot", jsonBody(`{"email":"amina@example.org"}`))
		background.Wait()
		_, token := s.mailTo(t, "amina@example.org", "Reset")
		links = append(links, token)
	}
	if links[0] == links[1] {
		t.Fatal("both mails carry one link")
	}
	reset := func(token, password string) *httptest.ResponseRecorder {
		return s.do(t, http.MethodPost, "/api/v1/auth/password/reset", jsonBody(fmt.Sprintf(`{"token":%q,"password":%q}`, token, password)))
	}
	if rec := reset(links[1], "the newest passphrase"); rec.Code != http.StatusNoContent {
		t.Fatalf("reset with the second link: %d %s", rec.Code, rec.Body)
	}
	wantProblem(t, reset(links[0], "a passphrase of the thief"), http.StatusUnprocessableEntity, "validation")
	s.login(t, "amina@example.org", "the newest passphrase")
}

func TestAdminUsers_EmptyPatchChangesNothing(t *testing.T) {
	s := newServer(t)
	s.createUser(t, "admin@example.org", models.RoleAdmin)
	target := s.createUser(t, "expert@example.org")
	tok := s.login(t, "admin@example.org", testPassword).AccessToken
	rec := s.do(t, http.MethodPatch, "/api/v1/admin/users/"+target.ID, jsonBody(`{}`), append(bearer(tok), "If-Match", `"1"`)...)
	if rec.Code != http.StatusOK || rec.Header().Get("ETag") != `"1"` || decode[models.User](t, rec).Version != 1 {
		t.Fatalf("empty patch: %d ETag %s %s", rec.Code, rec.Header().Get("ETag"), rec.Body)
	}
	rec = s.do(t, http.MethodPatch, "/api/v1/admin/users/"+target.ID, jsonBody(`{"roles":["reviewer"]}`), append(bearer(tok), "If-Match", `"1"`)...)
	if rec.Code != http.StatusOK || rec.Header().Get("ETag") != `"2"` {
		t.Fatalf("grant after the empty patch: %d ETag %s %s", rec.Code, rec.Header().Get("ETag"), rec.Body)
	}
	// The answer is the account as stored after exactly this change.
	got := decode[models.User](t, rec)
	stored, err := s.store.UserByID(context.Background(), target.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Version != 2 || fmt.Sprint(got.Roles) != "[reviewer]" ||
		got.Version != stored.Version || fmt.Sprint(got.Roles) != fmt.Sprint(stored.Roles) || !got.UpdatedAt.Equal(stored.UpdatedAt) {
		t.Fatalf("answer %+v, stored %+v", got, stored)
	}
	wantProblem(t, s.do(t, http.MethodPatch, "/api/v1/admin/users/"+target.ID, jsonBody(`{}`), append(bearer(tok), "If-Match", `"1"`)...),
		http.StatusPreconditionFailed, "precondition-failed")
}

// The API's account mails are written in the language the request asks
// for (Accept-Language), like the pages', and the links still work.
func TestAccountMails_InTheRequestsLanguage(t *testing.T) {
	s := newServer(t)
	rec := s.do(t, http.MethodPost, "/api/v1/auth/register", jsonBody(registerBody("amina@example.org")), "Accept-Language", "fr-CH, fr;q=0.9")
	if rec.Code != http.StatusCreated {
		t.Fatalf("register: %d %s", rec.Code, rec.Body)
	}
	_, token := s.mailTo(t, "amina@example.org", "Confirmez votre adresse électronique")
	if rec := s.do(t, http.MethodPost, "/api/v1/auth/verify-email", jsonBody(fmt.Sprintf(`{"token":%q}`, token))); rec.Code != http.StatusNoContent {
		t.Fatalf("verify with the French mail's link: %d %s", rec.Code, rec.Body)
	}
	if rec := s.do(t, http.MethodPost, "/api/v1/auth/password/forgot", jsonBody(`{"email":"amina@example.org"}`), "Accept-Language", "es"); rec.Code != http.StatusAccepted {
		t.Fatalf("forgot: %d %s", rec.Code, rec.Body)
	}
	s.mailTo(t, "amina@example.org", "contraseña")
}

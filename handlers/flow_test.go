package handlers_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/wsis-platform/wsis/mail"
	"github.com/wsis-platform/wsis/mail/smtptest"
	"github.com/wsis-platform/wsis/models"
)

// smtpLink waits for the n-th message at the SMTP server and returns the
// token of its link.
func smtpLink(t *testing.T, srv *smtptest.Server, n int, to, page string) string {
	t.Helper()
	msgs := srv.WaitFor(t, n, 20*time.Second)
	m := msgs[n-1]
	if len(m.To) != 1 || m.To[0] != to {
		t.Fatalf("mail %d went to %v, want %s", n, m.To, to)
	}
	prefix := testPublicURL + "/" + page + "?token="
	i := strings.Index(m.Body, prefix)
	if i < 0 {
		t.Fatalf("mail %d (%q) has no %s link:\n%s", n, m.Subject, page, m.Body)
	}
	match := linkToken.FindStringSubmatch(m.Body[i:])
	return match[1]
}

func TestAccountFlow_ThroughRealSMTP(t *testing.T) {
	srv := smtptest.Start(t)
	sender, err := mail.NewSMTPSender(srv.URL(), "WSIS Prizes <no-reply@wsis.test>")
	if err != nil {
		t.Fatal(err)
	}
	var outbox *mail.Outbox
	s := newServer(t, func(c *handlersConfig) {
		outbox = mail.New(c.Store, sender, c.Logger, mail.Options{Clock: c.Clock, MinBackoff: 20 * time.Millisecond})
		c.Mailer = outbox
	})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { _ = outbox.Run(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })

	// Register: a verification link arrives over SMTP.
	if rec := s.do(t, http.MethodPost, "/api/v1/auth/register", jsonBody(registerBody("Amina@Example.org"))); rec.Code != http.StatusCreated {
		t.Fatalf("register: %d %s", rec.Code, rec.Body)
	}
	verifyToken := smtpLink(t, srv, 1, "Amina@Example.org", "verify-email")

	// Signing in works before verification, with the email in any case.
	tok := s.login(t, "amina@example.org", testPassword)
	me := decode[models.User](t, s.do(t, http.MethodGet, "/api/v1/me", nil, bearer(tok.AccessToken)...))
	if me.EmailVerified {
		t.Fatal("email verified before the link was used")
	}
	if rec := s.do(t, http.MethodPost, "/api/v1/auth/verify-email", jsonBody(fmt.Sprintf(`{"token":%q}`, verifyToken))); rec.Code != http.StatusNoContent {
		t.Fatalf("verify: %d %s", rec.Code, rec.Body)
	}
	me = decode[models.User](t, s.do(t, http.MethodGet, "/api/v1/me", nil, bearer(tok.AccessToken)...))
	if !me.EmailVerified {
		t.Fatal("email not verified after the link was used")
	}
	wantProblem(t, s.do(t, http.MethodPost, "/api/v1/auth/verify-email", jsonBody(fmt.Sprintf(`{"token":%q}`, verifyToken))),
		http.StatusUnprocessableEntity, "validation")

	// Forgot the password: a reset link arrives; resetting ends every session.
	if rec := s.do(t, http.MethodPost, "/api/v1/auth/password/forgot", jsonBody(`{"email":"AMINA@example.org"}`)); rec.Code != http.StatusAccepted {
		t.Fatalf("forgot: %d", rec.Code)
	}
	resetToken := smtpLink(t, srv, 2, "Amina@Example.org", "reset-password")
	wantProblem(t, s.do(t, http.MethodPost, "/api/v1/auth/password/reset", jsonBody(fmt.Sprintf(`{"token":%q,"password":"short"}`, resetToken))),
		http.StatusUnprocessableEntity, "validation")
	const newPassword = "a brand new passphrase"
	if rec := s.do(t, http.MethodPost, "/api/v1/auth/password/reset", jsonBody(fmt.Sprintf(`{"token":%q,"password":%q}`, resetToken, newPassword))); rec.Code != http.StatusNoContent {
		t.Fatalf("reset: %d %s", rec.Code, rec.Body)
	}
	wantProblem(t, s.do(t, http.MethodGet, "/api/v1/me", nil, bearer(tok.AccessToken)...), http.StatusUnauthorized, "unauthorized")
	wantProblem(t, s.refresh(t, tok.RefreshToken), http.StatusUnauthorized, "unauthorized")
	wantProblem(t, s.do(t, http.MethodPost, "/api/v1/auth/login", jsonBody(fmt.Sprintf(`{"email":"amina@example.org","password":%q}`, testPassword))),
		http.StatusUnauthorized, "unauthorized")
	wantProblem(t, s.do(t, http.MethodPost, "/api/v1/auth/password/reset", jsonBody(fmt.Sprintf(`{"token":%q,"password":%q}`, resetToken, newPassword+"!"))),
		http.StatusUnprocessableEntity, "validation")

	// The new password works; logout ends that session.
	tok = s.login(t, "amina@example.org", newPassword)
	if rec := s.do(t, http.MethodPost, "/api/v1/auth/logout", jsonBody(fmt.Sprintf(`{"refresh_token":%q}`, tok.RefreshToken))); rec.Code != http.StatusNoContent {
		t.Fatalf("logout: %d", rec.Code)
	}
	wantProblem(t, s.refresh(t, tok.RefreshToken), http.StatusUnauthorized, "unauthorized")
	if got := len(srv.Messages()); got != 2 {
		t.Fatalf("the SMTP server got %d messages, want 2", got)
	}
}

func TestVerifyEmail_ExpiredLinkRefused(t *testing.T) {
	s := newServer(t)
	s.do(t, http.MethodPost, "/api/v1/auth/register", jsonBody(registerBody("amina@example.org")))
	_, token := s.mailTo(t, "amina@example.org", "Verify")
	s.clock.Advance(73 * time.Hour)
	wantProblem(t, s.do(t, http.MethodPost, "/api/v1/auth/verify-email", jsonBody(fmt.Sprintf(`{"token":%q}`, token))),
		http.StatusUnprocessableEntity, "validation")
}

func TestAdminRoutes_ForbiddenToNonAdminsAndUnauthorizedWithoutToken(t *testing.T) {
	s := newServer(t)
	s.createUser(t, "reviewer@example.org", models.RoleReviewer)
	tok := s.login(t, "reviewer@example.org", testPassword).AccessToken
	var admin []gin.RouteInfo
	for _, r := range s.engine.Routes() {
		if strings.HasPrefix(r.Path, "/api/v1/admin/") {
			admin = append(admin, r)
		}
	}
	if len(admin) < 3 {
		t.Fatalf("only %d admin routes found", len(admin))
	}
	for _, r := range admin {
		path := strings.ReplaceAll(r.Path, ":id", "000000000000000000000000")
		t.Run(r.Method+" "+r.Path, func(t *testing.T) {
			wantProblem(t, s.do(t, r.Method, path, jsonBody(`{}`)), http.StatusUnauthorized, "unauthorized")
			wantProblem(t, s.do(t, r.Method, path, jsonBody(`{}`), bearer(tok)...), http.StatusForbidden, "forbidden")
		})
	}
}

func TestAdminUsers_SearchGrantAndAudit(t *testing.T) {
	s := newServer(t)
	adminUser := s.createUser(t, "admin@example.org", models.RoleAdmin)
	target := s.createUser(t, "expert@unesco.example")
	s.createUser(t, "someone@else.example")
	tok := s.login(t, "admin@example.org", testPassword).AccessToken

	list := decode[struct {
		Items      []models.User `json:"items"`
		NextCursor string        `json:"next_cursor"`
	}](t, s.do(t, http.MethodGet, "/api/v1/admin/users?q=UNESCO", nil, bearer(tok)...))
	if len(list.Items) != 1 || list.Items[0].ID != target.ID || !list.Items[0].EmailVerified {
		t.Fatalf("search by organization: %+v", list.Items)
	}
	list = decode[struct {
		Items      []models.User `json:"items"`
		NextCursor string        `json:"next_cursor"`
	}](t, s.do(t, http.MethodGet, "/api/v1/admin/users?q=.*", nil, bearer(tok)...))
	if len(list.Items) != 0 {
		t.Fatalf("a regular expression in q matched %d accounts; q is plain text", len(list.Items))
	}
	first := decode[struct {
		Items      []models.User `json:"items"`
		NextCursor string        `json:"next_cursor"`
	}](t, s.do(t, http.MethodGet, "/api/v1/admin/users?limit=2", nil, bearer(tok)...))
	second := decode[struct {
		Items      []models.User `json:"items"`
		NextCursor string        `json:"next_cursor"`
	}](t, s.do(t, http.MethodGet, "/api/v1/admin/users?limit=2&cursor="+first.NextCursor, nil, bearer(tok)...))
	if len(first.Items) != 2 || first.NextCursor == "" || len(second.Items) != 1 || second.NextCursor != "" {
		t.Fatalf("pages of 2: %d then %d (cursor %q)", len(first.Items), len(second.Items), first.NextCursor)
	}

	rec := s.do(t, http.MethodPatch, "/api/v1/admin/users/"+target.ID, jsonBody(`{"roles":["reviewer"]}`), bearer(tok)...)
	if rec.Code != http.StatusOK || decode[models.User](t, rec).Roles[0] != models.RoleReviewer {
		t.Fatalf("grant: %d %s", rec.Code, rec.Body)
	}
	wantProblem(t, s.do(t, http.MethodPatch, "/api/v1/admin/users/"+target.ID, jsonBody(`{"roles":["superuser"]}`), bearer(tok)...),
		http.StatusUnprocessableEntity, "validation")
	wantProblem(t, s.do(t, http.MethodPatch, "/api/v1/admin/users/"+target.ID, jsonBody(`{"disabled":true}`), append(bearer(tok), "If-Match", `"1"`)...),
		http.StatusPreconditionFailed, "precondition-failed")
	wantProblem(t, s.do(t, http.MethodPatch, "/api/v1/admin/users/"+adminUser.ID, jsonBody(`{"roles":[]}`), bearer(tok)...),
		http.StatusConflict, "conflict")
	wantProblem(t, s.do(t, http.MethodPatch, "/api/v1/admin/users/000000000000000000000000", jsonBody(`{"disabled":true}`), bearer(tok)...),
		http.StatusNotFound, "not-found")

	audit := decode[struct {
		Items []models.AuditEntry `json:"items"`
	}](t, s.do(t, http.MethodGet, "/api/v1/admin/audit?target="+target.ID, nil, bearer(tok)...))
	if len(audit.Items) != 1 {
		t.Fatalf("audit entries for the target: %+v", audit.Items)
	}
	e := audit.Items[0]
	if e.Action != "user.roles" || e.ActorID != adminUser.ID || fmt.Sprint(e.Before["roles"]) != "[]" || fmt.Sprint(e.After["roles"]) != "[reviewer]" {
		t.Fatalf("audit entry = %+v", e)
	}
}

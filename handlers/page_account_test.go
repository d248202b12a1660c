package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/wsis-platform/wsis/handlers"
)

func registerForm(email string) url.Values {
	return url.Values{"email": {email}, "password": {testPassword}, "name": {"Amina Diallo"},
		"organization": {"Digital Sahel"}, "stakeholder_type": {"civil-society"}, "country": {"SN"}}
}

// wantRedirect asserts a 303 to a location starting with prefix.
func wantRedirect(t *testing.T, rec interface {
	Result() *http.Response
}, prefix string) string {
	t.Helper()
	res := rec.Result()
	loc := res.Header.Get("Location")
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, prefix) {
		t.Fatalf("status %d Location %q, want 303 to %s", res.StatusCode, loc, prefix)
	}
	return loc
}

func TestRegisterPage_ErrorsComeBackNextToTheirFields(t *testing.T) {
	b := newBrowser(newServer(t))
	form := url.Values{"email": {"not-an-email"}, "password": {"short"}, "name": {"  "}, "organization": {"Digital Sahel"},
		"stakeholder_type": {"ngo"}, "country": {"XX"}}
	doc := wantPage(t, b.post(t, "/register", form), http.StatusUnprocessableEntity)
	for field, message := range map[string]string{
		"email": "Enter an email address.", "password": "Use at least 12 characters", "name": "This field is required.",
		"stakeholder_type": "Choose a stakeholder type", "country": "Choose a country",
	} {
		box := doc.Find(".field.invalid:has(#" + field + ")")
		if got := text(box.Find("#" + field + "-error")); !strings.Contains(got, message) {
			t.Errorf("%s: error %q, want %q", field, got, message)
		}
		if inv, _ := box.Find("#" + field).Attr("aria-invalid"); inv != "true" {
			t.Errorf("%s: aria-invalid=%q", field, inv)
		}
		if desc, _ := box.Find("#" + field).Attr("aria-describedby"); !strings.Contains(desc, field+"-error") {
			t.Errorf("%s: aria-describedby=%q", field, desc)
		}
		if doc.Find(`.form-errors a[href="#`+field+`"]`).Length() != 1 {
			t.Errorf("the summary does not link to %s", field)
		}
	}
	if doc.Find("#organization").Closest(".field").HasClass("invalid") {
		t.Error("a valid field is marked invalid")
	}
	if v, _ := doc.Find("#email").Attr("value"); v != "not-an-email" {
		t.Errorf("the email sent is not shown again: %q", v)
	}
	if v, _ := doc.Find("#password").Attr("value"); v != "" {
		t.Error("the password is shown again")
	}
	if role, _ := doc.Find(".form-errors").Attr("role"); role != "alert" {
		t.Errorf("error summary role=%q", role)
	}
}

func TestRegisterPage_ErrorsInTheVisitorsLanguage(t *testing.T) {
	b := newBrowser(newServer(t))
	b.lang = "ru"
	form := registerForm("amina@example.org")
	form.Set("password", "short")
	doc := wantPage(t, b.post(t, "/register", form), http.StatusUnprocessableEntity)
	if got := text(doc.Find("#password-error")); !strings.Contains(got, "Не менее 12 символов") {
		t.Errorf("Russian password error %q", got)
	}
}

func TestRegisterPage_TakenEmailOnTheEmailField(t *testing.T) {
	s := newServer(t)
	s.createUser(t, "amina@example.org")
	doc := wantPage(t, newBrowser(s).post(t, "/register", registerForm("Amina@Example.org")), http.StatusConflict)
	if got := text(doc.Find("#email-error")); !strings.Contains(got, "An account has this email already") {
		t.Errorf("email error %q", got)
	}
}

func TestAccountPages_RegisterVerifyLogOutAndLogIn(t *testing.T) {
	s := newServer(t)
	b := newBrowser(s)
	wantRedirect(t, b.post(t, "/register", registerForm("amina@example.org")), "/profile?done=registered")
	cookie := b.cookies["wsis_session"]
	if cookie == nil || !cookie.HttpOnly || cookie.SameSite != http.SameSiteLaxMode || cookie.Secure || cookie.Path != "/" {
		t.Fatalf("session cookie %+v: want HttpOnly, SameSite=Lax, not Secure under http", cookie)
	}
	doc := b.get(t, "/profile?done=registered", http.StatusOK)
	if got := text(doc.Find(".notice")); !strings.Contains(got, "We sent a link to amina@example.org") {
		t.Errorf("notice %q", got)
	}
	if doc.Find(".unverified").Length() != 1 || doc.Find(`form[action="/profile/verify-email"]`).Length() != 1 {
		t.Error("the profile does not say the email is unverified, with a new link")
	}

	// The link in the mail lands on a page whose button verifies.
	mail, token := s.mailTo(t, "amina@example.org", "Verify")
	if !strings.Contains(mail.Body, testPublicURL+"/verify-email?token="+token) {
		t.Fatalf("verification mail links elsewhere:\n%s", mail.Body)
	}
	doc = b.get(t, "/verify-email?token="+token, http.StatusOK)
	if v, _ := doc.Find(`form[action="/verify-email"] input[name=token]`).Attr("value"); v != token {
		t.Fatalf("verify page form carries token %q", v)
	}
	doc = wantPage(t, b.post(t, "/verify-email", url.Values{"token": {token}}), http.StatusOK)
	if got := text(doc.Find(".notice")); got != "Your email is verified. Thank you." {
		t.Errorf("after verifying: %q", got)
	}
	if doc := b.get(t, "/profile", http.StatusOK); doc.Find(".verified").Length() != 1 {
		t.Error("the profile does not show the email verified")
	}
	doc = wantPage(t, b.post(t, "/verify-email", url.Values{"token": {token}}), http.StatusUnprocessableEntity)
	if got := text(doc.Find(".form-errors")); !strings.Contains(got, "already used") {
		t.Errorf("a used link: %q", got)
	}

	// Logout ends the session itself, not only the cookie.
	ended := b.cookies["wsis_session"]
	wantRedirect(t, b.post(t, "/logout", nil), "/?done=logout")
	if b.cookies["wsis_session"] != nil {
		t.Error("logout left the session cookie")
	}
	replay := newBrowser(s)
	replay.cookies["wsis_session"] = ended
	wantRedirect(t, replay.send(t, getRequest("/profile")), "/login?next=%2Fprofile")

	doc = wantPage(t, b.post(t, "/login", url.Values{"email": {"amina@example.org"}, "password": {"not the password"}}), http.StatusUnauthorized)
	if got := text(doc.Find("#password-error")); got != "⚠ The email or the password is wrong." && got != "The email or the password is wrong." {
		t.Errorf("wrong password: %q", got)
	}
	if v, _ := doc.Find("#email").Attr("value"); v != "amina@example.org" {
		t.Errorf("the email is not kept: %q", v)
	}
	wantRedirect(t, b.post(t, "/login", url.Values{"email": {"amina@example.org"}, "password": {testPassword},
		"next": {"/profile?x=1"}}), "/profile?x=1")
	if doc := b.get(t, "/", http.StatusOK); doc.Find(`nav form[action="/logout"]`).Length() != 1 {
		t.Error("signed in, the navigation offers no logout")
	}
}

func getRequest(path string) *http.Request {
	req, _ := http.NewRequest(http.MethodGet, path, nil)
	return req
}

func TestLoginPage_ReturnsOnlyToThePlatformsOwnPages(t *testing.T) {
	s := newServer(t)
	s.createUser(t, "amina@example.org")
	for _, next := range []string{"//evil.example/x", "https://evil.example/", "/\\evil.example", "javascript:alert(1)", ""} {
		b := newBrowser(s)
		wantRedirect(t, b.post(t, "/login", url.Values{"email": {"amina@example.org"}, "password": {testPassword}, "next": {next}}), "/profile")
	}
}

func TestLoginPage_DisabledAccountRefusedOnTheEmailField(t *testing.T) {
	s := newServer(t)
	_, adminTok := s.signIn(t, "admin@example.org", "admin")
	u := s.createUser(t, "amina@example.org")
	b := newBrowser(s)
	wantRedirect(t, b.post(t, "/login", url.Values{"email": {"amina@example.org"}, "password": {testPassword}}), "/profile")
	if rec := s.do(t, http.MethodPatch, "/api/v1/admin/users/"+u.ID, jsonBody(`{"disabled":true}`), bearer(adminTok)...); rec.Code != http.StatusOK {
		t.Fatalf("disable: %d %s", rec.Code, rec.Body)
	}
	// Disabling ended the browser session at once.
	wantRedirect(t, b.send(t, getRequest("/profile")), "/login")
	doc := wantPage(t, b.post(t, "/login", url.Values{"email": {"amina@example.org"}, "password": {testPassword}}), http.StatusForbidden)
	if got := text(doc.Find("#email-error")); !strings.Contains(got, "This account is disabled.") {
		t.Errorf("disabled: %q", got)
	}
}

func TestPageForms_RefuseCrossSiteRequests(t *testing.T) {
	s := newServer(t)
	s.createUser(t, "amina@example.org")
	form := url.Values{"email": {"amina@example.org"}, "password": {testPassword}}
	for name, headers := range map[string][]string{
		"Sec-Fetch-Site cross-site":    {"Sec-Fetch-Site", "cross-site"},
		"Origin of another site":       {"Origin", "https://evil.example"},
		"Sec-Fetch-Site same-site sub": {"Sec-Fetch-Site", "same-site"},
	} {
		t.Run(name, func(t *testing.T) {
			req, _ := http.NewRequest(http.MethodPost, "/login", strings.NewReader(form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set(headers[0], headers[1])
			b := newBrowser(s)
			doc := wantPage(t, b.send(t, req), http.StatusForbidden)
			if got := text(doc.Find("h1")); got != "Request refused" {
				t.Errorf("page says %q", got)
			}
			if b.cookies["wsis_session"] != nil {
				t.Error("a cross-site login set a session")
			}
		})
	}
}

func TestSessionCookie_SecureUnderAnHTTPSPublicURL(t *testing.T) {
	s := newServer(t, func(c *handlers.Config) { c.PublicURL = "https://wsis.example" })
	s.createUser(t, "amina@example.org")
	req, _ := http.NewRequest(http.MethodPost, "/login", strings.NewReader(url.Values{"email": {"amina@example.org"},
		"password": {testPassword}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", "https://wsis.example")
	b := newBrowser(s)
	wantRedirect(t, b.send(t, req), "/profile")
	if c := b.cookies["wsis_session"]; c == nil || !c.Secure || !c.HttpOnly {
		t.Fatalf("session cookie %+v, want Secure and HttpOnly", c)
	}
	// The token is opaque and only its hash is stored.
	if _, err := s.store.BrowserSession(context.Background(), b.cookies["wsis_session"].Value); err == nil {
		t.Error("the cookie's token is stored as it is")
	}
}

func TestProfilePage_VisitorSentToLoginAndErrorsNextToFields(t *testing.T) {
	s := newServer(t)
	s.createUser(t, "amina@example.org")
	b := newBrowser(s)
	wantRedirect(t, b.send(t, getRequest("/profile")), "/login?next=%2Fprofile")
	if loc := wantRedirect(t, b.post(t, "/profile", url.Values{"name": {"X"}}), "/login"); loc != "/login" {
		t.Errorf("a form sent without a session returns to %q, want /login with no next", loc)
	}
	wantRedirect(t, b.post(t, "/login", url.Values{"email": {"amina@example.org"}, "password": {testPassword}}), "/profile")
	doc := b.get(t, "/profile", http.StatusOK)
	if v, _ := doc.Find("#country option[selected]").Attr("value"); v != "KE" {
		t.Errorf("country shown %q, want KE", v)
	}
	doc = wantPage(t, b.post(t, "/profile", url.Values{"name": {""}, "organization": {"Org"}, "stakeholder_type": {"academia"},
		"country": {"KE"}}), http.StatusUnprocessableEntity)
	if got := text(doc.Find("#name-error")); !strings.Contains(got, "This field is required.") {
		t.Errorf("name error %q", got)
	}
	wantRedirect(t, b.post(t, "/profile", url.Values{"name": {"Amina D."}, "organization": {"Digital Sahel"},
		"stakeholder_type": {"academia"}, "country": {"SN"}}), "/profile?done=profile")
	doc = b.get(t, "/profile?done=profile", http.StatusOK)
	if v, _ := doc.Find("#name").Attr("value"); v != "Amina D." || text(doc.Find(".notice")) != "Your profile is saved." {
		t.Errorf("after saving: name %q, notice %q", v, text(doc.Find(".notice")))
	}
}

func TestAccountPages_MailsInThePagesLanguage(t *testing.T) {
	s := newServer(t)
	b := newBrowser(s)
	b.lang = "fr"
	wantRedirect(t, b.post(t, "/register", registerForm("amina@example.org")), "/profile")
	mail, token := s.mailTo(t, "amina@example.org", "Confirmez votre adresse")
	if !strings.Contains(mail.Body, "Bienvenue, Amina Diallo.") {
		t.Errorf("French verification mail:\n%s", mail.Body)
	}
	wantPage(t, b.post(t, "/verify-email", url.Values{"token": {token}}), http.StatusOK)

	other := newBrowser(s)
	other.lang = "zh-CN"
	wantRedirect(t, other.post(t, "/forgot-password", url.Values{"email": {"amina@example.org"}}), "/forgot-password")
	if mail, _ := s.mailTo(t, "amina@example.org", "重置"); !strings.Contains(mail.Body, "Amina Diallo，您好") {
		t.Errorf("Chinese reset mail:\n%s", mail.Body)
	}
}

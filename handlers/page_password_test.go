package handlers_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestPasswordPages_ResetLinkLandsOnTheFormAndEndsSessions(t *testing.T) {
	s := newServer(t)
	s.createUser(t, "amina@example.org")
	signedIn := newBrowser(s)
	wantRedirect(t, signedIn.post(t, "/login", url.Values{"email": {"amina@example.org"}, "password": {testPassword}}), "/profile")

	b := newBrowser(s)
	doc := wantPage(t, b.post(t, "/forgot-password", url.Values{"email": {""}}), http.StatusUnprocessableEntity)
	if got := text(doc.Find("#email-error")); got != "This field is required." {
		t.Errorf("empty email: %q", got)
	}
	wantRedirect(t, b.post(t, "/forgot-password", url.Values{"email": {"amina@example.org"}}), "/forgot-password?done=forgot")
	if got := text(b.get(t, "/forgot-password?done=forgot", http.StatusOK).Find(".notice")); !strings.Contains(got, "a link is on its way") {
		t.Errorf("forgot notice %q", got)
	}
	// An unknown email gets the same answer.
	wantRedirect(t, b.post(t, "/forgot-password", url.Values{"email": {"nobody@example.org"}}), "/forgot-password?done=forgot")

	mail, token := s.mailTo(t, "amina@example.org", "Reset")
	if !strings.Contains(mail.Body, testPublicURL+"/reset-password?token="+token) {
		t.Fatalf("reset mail links elsewhere:\n%s", mail.Body)
	}
	doc = b.get(t, "/reset-password?token="+token, http.StatusOK)
	if v, _ := doc.Find(`form[action="/reset-password"] input[name=token]`).Attr("value"); v != token || doc.Find("#password").Length() != 1 {
		t.Fatalf("reset form: token %q, password field %d", v, doc.Find("#password").Length())
	}
	doc = wantPage(t, b.post(t, "/reset-password", url.Values{"token": {token}, "password": {"short"}}), http.StatusUnprocessableEntity)
	if got := text(doc.Find("#password-error")); !strings.Contains(got, "at least 12 characters") {
		t.Errorf("short password: %q", got)
	}
	doc = wantPage(t, b.post(t, "/reset-password", url.Values{"token": {"no-such-token"}, "password": {"a new long password"}}), http.StatusUnprocessableEntity)
	if got := text(doc.Find(".form-errors")); !strings.Contains(got, "invalid, expired or already used") {
		t.Errorf("bad token: %q", got)
	}
	wantRedirect(t, b.post(t, "/reset-password", url.Values{"token": {token}, "password": {"a new long password"}}), "/login?done=reset")

	// Every session of the account ended, the other browser's too.
	wantRedirect(t, signedIn.send(t, getRequest("/profile")), "/login")
	wantPage(t, b.post(t, "/login", url.Values{"email": {"amina@example.org"}, "password": {testPassword}}), http.StatusUnauthorized)
	wantRedirect(t, b.post(t, "/login", url.Values{"email": {"amina@example.org"}, "password": {"a new long password"}}), "/profile")
}

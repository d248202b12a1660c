package handlers_test

import (
	"net/http"
	"strings"
	"testing"
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

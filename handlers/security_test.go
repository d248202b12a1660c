package handlers_test

import (
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/wsis-platform/wsis/auth"
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

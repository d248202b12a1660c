package handlers_test

import (
	"context"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/wsis-platform/wsis/auth"
	"github.com/wsis-platform/wsis/models"
)

// signingKey returns the server's current private key and its kid, for
// forging tokens that are validly signed but wrong in another way.
func (s *testServer) signingKey(t *testing.T) (ed25519.PrivateKey, string) {
	t.Helper()
	keys, err := s.store.SigningKeys(context.Background())
	if err != nil || len(keys) == 0 {
		t.Fatalf("keys: %v", err)
	}
	return ed25519.NewKeyFromSeed(keys[0].Seed), keys[0].ID
}

func TestAccessToken_ForgedTokensRefused(t *testing.T) {
	s := newServer(t)
	user := s.createUser(t, "amina@example.org")
	good := s.login(t, "amina@example.org", testPassword)
	if rec := s.do(t, http.MethodGet, "/api/v1/me", nil, bearer(good.AccessToken)...); rec.Code != http.StatusOK {
		t.Fatalf("a good token was refused: %d", rec.Code)
	}
	key, kid := s.signingKey(t)
	now := s.clock.Now()
	claims := func(mut func(jwt.MapClaims)) jwt.MapClaims {
		c := jwt.MapClaims{"iss": testPublicURL, "aud": []string{testPublicURL + "/api"}, "sub": user.ID,
			"iat": now.Unix(), "exp": now.Add(10 * time.Minute).Unix(), "jti": "x", "roles": []string{"admin"}, "sv": 0}
		if mut != nil {
			mut(c)
		}
		return c
	}
	sign := func(c jwt.MapClaims, headers map[string]any) string {
		tok := jwt.NewWithClaims(jwt.SigningMethodEdDSA, c)
		tok.Header["kid"], tok.Header["typ"] = kid, "at+jwt"
		for k, v := range headers {
			tok.Header[k] = v
		}
		out, err := tok.SignedString(key)
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	if rec := s.do(t, http.MethodGet, "/api/v1/me", nil, bearer(sign(claims(nil), nil))...); rec.Code != http.StatusOK {
		t.Fatalf("the forging helper makes bad tokens even when nothing is wrong: %d", rec.Code)
	}
	// A long token under the cap is accepted, so the oversized one below is
	// refused for its length alone.
	long := sign(claims(func(c jwt.MapClaims) { c["jti"] = strings.Repeat("j", auth.MaxTokenBytes/2) }), nil)
	if rec := s.do(t, http.MethodGet, "/api/v1/me", nil, bearer(long)...); len(long) > auth.MaxTokenBytes || rec.Code != http.StatusOK {
		t.Fatalf("a validly signed token of %d bytes was refused: %d", len(long), rec.Code)
	}

	parts := strings.Split(good.AccessToken, ".")
	payload, _ := base64.RawURLEncoding.DecodeString(parts[1])
	tampered := strings.Replace(string(payload), `"roles":[]`, `"roles":["admin"]`, 1)
	if tampered == string(payload) {
		t.Fatalf("payload has no empty roles to tamper with: %s", payload)
	}
	none, _ := jwt.NewWithClaims(jwt.SigningMethodNone, claims(nil)).SignedString(jwt.UnsafeAllowNoneSignatureType)
	hs := jwt.NewWithClaims(jwt.SigningMethodHS256, claims(nil))
	hs.Header["kid"], hs.Header["typ"] = kid, "at+jwt"
	hsToken, _ := hs.SignedString([]byte(key.Public().(ed25519.PublicKey)))
	otherKey := ed25519.NewKeyFromSeed(make([]byte, 32))
	foreign := jwt.NewWithClaims(jwt.SigningMethodEdDSA, claims(nil))
	foreign.Header["kid"], foreign.Header["typ"] = kid, "at+jwt"
	foreignToken, _ := foreign.SignedString(otherKey)

	for name, tok := range map[string]string{
		"tampered payload":          parts[0] + "." + base64.RawURLEncoding.EncodeToString([]byte(tampered)) + "." + parts[2],
		"alg none":                  none,
		"HS256 with the public key": hsToken,
		"signed by another key":     foreignToken,
		"expired":                   sign(claims(func(c jwt.MapClaims) { c["exp"] = now.Add(-time.Minute).Unix() }), nil),
		"wrong audience":            sign(claims(func(c jwt.MapClaims) { c["aud"] = []string{"https://elsewhere.example"} }), nil),
		"wrong issuer":              sign(claims(func(c jwt.MapClaims) { c["iss"] = "https://elsewhere.example" }), nil),
		"no expiry":                 sign(claims(func(c jwt.MapClaims) { delete(c, "exp") }), nil),
		"issued in the future":      sign(claims(func(c jwt.MapClaims) { c["iat"] = now.Add(time.Hour).Unix() }), nil),
		"not an access token typ":   sign(claims(nil), map[string]any{"typ": "JWT"}),
		"unknown kid":               sign(claims(nil), map[string]any{"kid": "k-unknown"}),
		"refresh token as access":   good.RefreshToken,
		"oversized":                 sign(claims(func(c jwt.MapClaims) { c["jti"] = strings.Repeat("j", auth.MaxTokenBytes) }), nil),
		"garbage":                   "not.a.token",
		"old session version":       sign(claims(func(c jwt.MapClaims) { c["sv"] = 7 }), nil),
		"subject of no user":        sign(claims(func(c jwt.MapClaims) { c["sub"] = "000000000000000000000000" }), nil),
		"empty bearer":              "",
	} {
		t.Run(name, func(t *testing.T) {
			wantProblem(t, s.do(t, http.MethodGet, "/api/v1/me", nil, bearer(tok)...), http.StatusUnauthorized, "unauthorized")
		})
	}
	t.Run("no Authorization header", func(t *testing.T) {
		rec := s.do(t, http.MethodGet, "/api/v1/me", nil)
		wantProblem(t, rec, http.StatusUnauthorized, "unauthorized")
		if !strings.HasPrefix(rec.Header().Get("WWW-Authenticate"), "Bearer") {
			t.Fatalf("WWW-Authenticate = %q", rec.Header().Get("WWW-Authenticate"))
		}
	})
}

func TestAccessToken_ClaimsAndHeader(t *testing.T) {
	s := newServer(t)
	user := s.createUser(t, "amina@example.org", models.RoleReviewer)
	tok := s.login(t, "amina@example.org", testPassword)
	if tok.TokenType != "Bearer" || tok.ExpiresIn != 900 {
		t.Fatalf("tokens = %+v", tok)
	}
	parts := strings.Split(tok.AccessToken, ".")
	var header, claims map[string]any
	h, _ := base64.RawURLEncoding.DecodeString(parts[0])
	p, _ := base64.RawURLEncoding.DecodeString(parts[1])
	_ = json.Unmarshal(h, &header)
	_ = json.Unmarshal(p, &claims)
	if header["alg"] != "EdDSA" || header["typ"] != "at+jwt" || header["kid"] == "" {
		t.Errorf("header = %v", header)
	}
	for _, k := range []string{"iss", "aud", "sub", "exp", "iat", "jti", "roles"} {
		if _, ok := claims[k]; !ok {
			t.Errorf("claim %s missing: %v", k, claims)
		}
	}
	if claims["sub"] != user.ID || claims["exp"].(float64)-claims["iat"].(float64) != 900 {
		t.Errorf("claims = %v", claims)
	}
}

func TestRefresh_ConcurrentUsesExactlyOneWins(t *testing.T) {
	s := newServer(t)
	s.createUser(t, "amina@example.org")
	tok := s.login(t, "amina@example.org", testPassword)
	const n = 20
	var wg sync.WaitGroup
	answers := make(chan *httptest.ResponseRecorder, n)
	start := make(chan struct{})
	for range n {
		wg.Go(func() {
			<-start
			answers <- s.refresh(t, tok.RefreshToken)
		})
	}
	close(start)
	wg.Wait()
	close(answers)
	var won []tokens
	refused := 0
	for rec := range answers {
		switch rec.Code {
		case http.StatusOK:
			won = append(won, decode[tokens](t, rec))
		case http.StatusUnauthorized:
			refused++
			// The losers must not clear the cookie the winner's answer set.
			for _, c := range rec.Result().Cookies() {
				if c.Name == "wsis_refresh" {
					t.Errorf("a losing refresh sets the cookie: %+v", c)
				}
			}
		default:
			t.Errorf("unexpected status %d", rec.Code)
		}
	}
	if len(won) != 1 || refused != n-1 {
		t.Fatalf("%d succeeded, %d refused; want exactly 1 and %d", len(won), refused, n-1)
	}
	// The losers ended nothing: the session goes on with the winner's token.
	if rec := s.refresh(t, won[0].RefreshToken); rec.Code != http.StatusOK {
		t.Fatalf("the winner's new refresh token was refused: %d %s", rec.Code, rec.Body)
	}
}

func TestRefresh_RotatesAndReuseRevokesTheFamily(t *testing.T) {
	s := newServer(t)
	s.createUser(t, "amina@example.org")
	first := s.login(t, "amina@example.org", testPassword)
	other := s.login(t, "amina@example.org", testPassword) // a second device: another family

	rec := s.refresh(t, first.RefreshToken)
	if rec.Code != http.StatusOK {
		t.Fatalf("refresh: %d %s", rec.Code, rec.Body)
	}
	second := decode[tokens](t, rec)
	if second.RefreshToken == first.RefreshToken || second.AccessToken == "" {
		t.Fatal("refresh did not rotate the token")
	}
	// Within the grace a replay is refused but taken for a racing client:
	// the family lives on.
	wantProblem(t, s.refresh(t, first.RefreshToken), http.StatusUnauthorized, "unauthorized")
	rec = s.refresh(t, second.RefreshToken)
	if rec.Code != http.StatusOK {
		t.Fatalf("a replay within the grace ended the session: %d", rec.Code)
	}
	third := decode[tokens](t, rec)

	// After the grace the spent token is replayed, as a thief would: the
	// whole family ends.
	s.clock.Advance(auth.RefreshReuseGrace)
	wantProblem(t, s.refresh(t, second.RefreshToken), http.StatusUnauthorized, "unauthorized")
	wantProblem(t, s.refresh(t, third.RefreshToken), http.StatusUnauthorized, "unauthorized")
	// The other device's session is untouched.
	if rec := s.refresh(t, other.RefreshToken); rec.Code != http.StatusOK {
		t.Fatalf("another family was revoked too: %d", rec.Code)
	}
}

func TestRefresh_FromCookie(t *testing.T) {
	s := newServer(t)
	s.createUser(t, "amina@example.org")
	rec := s.do(t, http.MethodPost, "/api/v1/auth/login", jsonBody(fmt.Sprintf(`{"email":"amina@example.org","password":%q}`, testPassword)))
	var cookie *http.Cookie
	for _, c := range rec.Result().Cookies() {
		if c.Name == "wsis_refresh" {
			cookie = c
		}
	}
	if cookie == nil || !cookie.HttpOnly || !cookie.Secure || cookie.SameSite != http.SameSiteStrictMode || cookie.Path != "/api/v1/auth" {
		t.Fatalf("refresh cookie = %+v", cookie)
	}
	rec = s.do(t, http.MethodPost, "/api/v1/auth/refresh", nil, "Cookie", cookie.Name+"="+cookie.Value)
	if rec.Code != http.StatusOK {
		t.Fatalf("refresh with the cookie: %d %s", rec.Code, rec.Body)
	}
	rec = s.do(t, http.MethodPost, "/api/v1/auth/logout", nil, "Cookie", cookie.Name+"="+decode[tokens](t, rec).RefreshToken)
	if rec.Code != http.StatusNoContent {
		t.Fatalf("logout with the cookie: %d", rec.Code)
	}
}

func TestLogout_RevokesTheSession(t *testing.T) {
	s := newServer(t)
	s.createUser(t, "amina@example.org")
	tok := s.login(t, "amina@example.org", testPassword)
	if rec := s.do(t, http.MethodPost, "/api/v1/auth/logout", jsonBody(fmt.Sprintf(`{"refresh_token":%q}`, tok.RefreshToken))); rec.Code != http.StatusNoContent {
		t.Fatalf("logout: %d", rec.Code)
	}
	wantProblem(t, s.refresh(t, tok.RefreshToken), http.StatusUnauthorized, "unauthorized")
}

func TestDisable_EndsSessionsAtOnce(t *testing.T) {
	s := newServer(t)
	s.createUser(t, "admin@example.org", models.RoleAdmin)
	user := s.createUser(t, "amina@example.org")
	admin := s.login(t, "admin@example.org", testPassword)
	tok := s.login(t, "amina@example.org", testPassword)

	rec := s.do(t, http.MethodPatch, "/api/v1/admin/users/"+user.ID, jsonBody(`{"disabled":true}`), bearer(admin.AccessToken)...)
	if rec.Code != http.StatusOK {
		t.Fatalf("disable: %d %s", rec.Code, rec.Body)
	}
	wantProblem(t, s.do(t, http.MethodGet, "/api/v1/me", nil, bearer(tok.AccessToken)...), http.StatusUnauthorized, "unauthorized")
	wantProblem(t, s.refresh(t, tok.RefreshToken), http.StatusUnauthorized, "unauthorized")
	wantProblem(t, s.do(t, http.MethodPost, "/api/v1/auth/login", jsonBody(fmt.Sprintf(`{"email":"amina@example.org","password":%q}`, testPassword))),
		http.StatusForbidden, "forbidden")

	// Enabling again lets the user sign in anew, but the old sessions stay ended.
	if rec := s.do(t, http.MethodPatch, "/api/v1/admin/users/"+user.ID, jsonBody(`{"disabled":false}`), bearer(admin.AccessToken)...); rec.Code != http.StatusOK {
		t.Fatalf("enable: %d", rec.Code)
	}
	wantProblem(t, s.refresh(t, tok.RefreshToken), http.StatusUnauthorized, "unauthorized")
	s.login(t, "amina@example.org", testPassword)
}

func TestJWKS_RotationKeepsOldTokensValid(t *testing.T) {
	s := newServer(t)
	s.createUser(t, "amina@example.org")
	old := s.login(t, "amina@example.org", testPassword)
	kid, err := s.tokens.AddKey(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	fresh := s.login(t, "amina@example.org", testPassword)
	var header map[string]any
	h, _ := base64.RawURLEncoding.DecodeString(strings.Split(fresh.AccessToken, ".")[0])
	_ = json.Unmarshal(h, &header)
	if header["kid"] != kid {
		t.Fatalf("new tokens are signed by %v, want the new key %s", header["kid"], kid)
	}
	for name, tok := range map[string]string{"old key": old.AccessToken, "new key": fresh.AccessToken} {
		if rec := s.do(t, http.MethodGet, "/api/v1/me", nil, bearer(tok)...); rec.Code != http.StatusOK {
			t.Errorf("token of the %s refused: %d", name, rec.Code)
		}
	}
	set := decode[struct {
		Keys []struct{ Kid, Kty, Crv, Alg, X string }
	}](t, s.do(t, http.MethodGet, "/.well-known/jwks.json", nil))
	if len(set.Keys) != 2 {
		t.Fatalf("JWKS has %d keys, want 2", len(set.Keys))
	}
	for _, k := range set.Keys {
		if k.Kty != "OKP" || k.Crv != "Ed25519" || k.Alg != "EdDSA" || k.X == "" {
			t.Errorf("key %+v", k)
		}
	}
}

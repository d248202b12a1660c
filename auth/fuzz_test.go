package auth_test

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/wsis-platform/wsis/auth"
	"github.com/wsis-platform/wsis/models"
	"github.com/wsis-platform/wsis/store"
	"github.com/wsis-platform/wsis/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

const fuzzIssuer = "http://wsis.test"

// forged signs claims as the platform's tokens look, with another key or
// algorithm, for the seed corpus.
func forged(tb testing.TB, method jwt.SigningMethod, key any, header map[string]any, claims jwt.MapClaims) string {
	tb.Helper()
	tok := jwt.NewWithClaims(method, claims)
	for k, v := range header {
		tok.Header[k] = v
	}
	s, err := tok.SignedString(key)
	if err != nil {
		tb.Fatal(err)
	}
	return s
}

// FuzzVerifyAccessToken parses arbitrary strings as access tokens: no
// panic, and any token accepted carries exactly the header and claims the
// platform signed, for the user it signed them for.
func FuzzVerifyAccessToken(f *testing.F) {
	ctx := context.Background()
	now := time.Now().UTC().Truncate(time.Second)
	clock := models.NewFixedClock(now)
	st := storetest.Store(f)
	tokens, err := auth.NewTokens(ctx, st, fuzzIssuer, fuzzIssuer+"/api", clock)
	if err != nil {
		f.Fatal(err)
	}
	user := models.User{ID: "64b7f0c2a1b2c3d4e5f60718", Roles: []models.Role{models.RoleAdmin}}
	valid, _, err := tokens.Issue(user)
	if err != nil {
		f.Fatal(err)
	}
	signed := valid[:strings.LastIndexByte(valid, '.')]
	kid := tokens.JWKS()[0].Kid
	_, other, _ := ed25519.GenerateKey(rand.Reader)
	claims := jwt.MapClaims{"iss": fuzzIssuer, "aud": fuzzIssuer + "/api", "sub": user.ID, "iat": now.Unix(),
		"exp": now.Add(10 * time.Minute).Unix(), "jti": "x", "roles": []string{"admin"}}
	header := map[string]any{"kid": kid, "typ": "at+jwt"}
	long := jwt.MapClaims{}
	for k, v := range claims {
		long[k] = v
	}
	long["exp"] = now.Add(24 * time.Hour).Unix()
	stringExp := jwt.MapClaims{}
	for k, v := range claims {
		stringExp[k] = v
	}
	stringExp["exp"] = fmt.Sprint(now.Add(10 * time.Minute).Unix())
	for _, s := range []string{valid, valid + "x", valid[:len(valid)-1], strings.ToUpper(valid), signed + ".", "", "..", "a.b.c",
		strings.Replace(valid, ".", "=.", 1), valid + "." + valid,
		forged(f, jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType, header, claims),
		forged(f, jwt.SigningMethodHS256, []byte(tokens.JWKS()[0].X), header, claims),
		forged(f, jwt.SigningMethodEdDSA, other, header, claims),
		forged(f, jwt.SigningMethodEdDSA, other, map[string]any{"kid": "unknown", "typ": "at+jwt"}, claims),
		forged(f, jwt.SigningMethodEdDSA, other, map[string]any{"kid": kid, "typ": "JWT"}, long),
		forged(f, jwt.SigningMethodEdDSA, other, header, stringExp),
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		c, err := tokens.Verify(ctx, raw)
		if err != nil {
			if !errors.Is(err, auth.ErrInvalidToken) {
				t.Fatalf("refusal %v is not ErrInvalidToken", err)
			}
			return
		}
		// The signature covers the exact bytes of header and claims.
		if i := strings.LastIndexByte(raw, '.'); i < 0 || raw[:i] != signed {
			t.Fatalf("accepted a token the platform did not sign: %q", raw)
		}
		if c.Subject != user.ID || !slices.Equal(c.Roles, user.Roles) {
			t.Fatalf("accepted token names %q with %v", c.Subject, c.Roles)
		}
	})
}

// fingerprint counts every collection's documents.
func fingerprint(t *testing.T, st *store.Store) string {
	t.Helper()
	ctx := context.Background()
	names, err := st.Database().ListCollectionNames(ctx, bson.D{})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(names)
	var b strings.Builder
	for _, name := range names {
		n, err := st.Database().Collection(name).CountDocuments(ctx, bson.D{})
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "%s=%d ", name, n)
	}
	return b.String()
}

// FuzzRotateRefreshToken presents arbitrary strings as refresh tokens
// against the real store: no panic, only the token issued rotates, and a
// refused token leaves every collection as it was (no spent record, no
// revoked family).
func FuzzRotateRefreshToken(f *testing.F) {
	ctx := context.Background()
	st := storetest.Store(f)
	clock := models.NewFixedClock(time.Now().UTC())
	user, err := st.CreateUser(ctx, models.User{Email: "fuzz@example.org", Name: "Fuzz", CreatedAt: clock.Now()}, "$argon2id$unused")
	if err != nil {
		f.Fatal(err)
	}
	sessions := auth.NewSessions(st, clock)
	issued, _, err := sessions.Start(ctx, user)
	if err != nil {
		f.Fatal(err)
	}
	flipped := []byte(issued)
	flipped[10] ^= 1
	for _, s := range []string{"", issued[:42], issued + "A", issued + "=", string(flipped), strings.ToUpper(issued),
		strings.Repeat("A", 43), strings.Repeat("/", 43), auth.NewOpaqueToken(), auth.HashToken(issued)} {
		f.Add(s)
	}
	before := ""
	f.Fuzz(func(t *testing.T, raw string) {
		if raw == issued {
			t.Skip("the issued token rotates; the property is about every other string")
		}
		if before == "" {
			before = fingerprint(t, st)
		}
		if _, _, _, err := sessions.Rotate(ctx, raw); !errors.Is(err, models.ErrUnauthorized) {
			t.Fatalf("Rotate(%q) = %v, want a refusal", raw, err)
		}
		if after := fingerprint(t, st); after != before {
			t.Fatalf("a refused token changed the database:\nbefore %s\nafter  %s", before, after)
		}
	})
}

package auth

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/wsis-platform/wsis/models"
)

// Access token rules (SPEC §6).
const (
	AccessTokenTTL = 15 * time.Minute
	accessTokenTyp = "at+jwt"
	// MaxTokenBytes caps the size of a token the server will parse.
	MaxTokenBytes = 4096
	leeway        = 30 * time.Second
	// reloadEvery bounds how stale a replica's view of the keys may get; an
	// unknown kid also triggers a reload, at most once per minReload.
	reloadEvery = 5 * time.Minute
	minReload   = 10 * time.Second
)

// KeyStore keeps the signing keys.
type KeyStore interface {
	SigningKeys(ctx context.Context) ([]models.SigningKey, error)
	// InsertSigningKey returns an error wrapping models.ErrConflict when a
	// key with the ID exists.
	InsertSigningKey(ctx context.Context, k models.SigningKey) error
}

// Claims are an access token's claims: the registered ones, the user's roles
// and the session version the token belongs to.
type Claims struct {
	jwt.RegisteredClaims
	Roles          []models.Role `json:"roles"`
	SessionVersion int           `json:"sv"`
}

// Tokens issues and verifies EdDSA access tokens. Tokens are signed with the
// newest key and verified with any known key, so a new key can be added
// while tokens of the old one keep verifying until they expire.
type Tokens struct {
	store    KeyStore
	issuer   string
	audience string
	clock    models.Clock

	mu         sync.RWMutex
	keys       map[string]ed25519.PrivateKey
	signingKID string
	newest     time.Time
	loadedAt   time.Time
}

// initialKeyID is the ID of the first key; replicas starting together race to
// insert it and the unique _id keeps exactly one.
const initialKeyID = "k-initial"

// NewTokens loads the signing keys, creating the first one when there is
// none, and returns a Tokens for issuer and audience.
func NewTokens(ctx context.Context, store KeyStore, issuer, audience string, clock models.Clock) (*Tokens, error) {
	t := &Tokens{store: store, issuer: issuer, audience: audience, clock: clock}
	if err := t.Reload(ctx); err != nil {
		return nil, err
	}
	if len(t.keys) > 0 {
		return t, nil
	}
	if err := t.addKey(ctx, initialKeyID); err != nil && !errors.Is(err, models.ErrConflict) {
		return nil, err
	}
	return t, t.Reload(ctx)
}

// AddKey creates a new signing key, which every replica signs with from its
// next reload on. Older keys keep verifying.
func (t *Tokens) AddKey(ctx context.Context) (string, error) {
	var b [6]byte
	_, _ = rand.Read(b[:])
	kid := "k-" + t.clock.Now().Format("20060102") + "-" + hex.EncodeToString(b[:])
	if err := t.addKey(ctx, kid); err != nil {
		return "", err
	}
	return kid, t.Reload(ctx)
}

// addKey stores a new key dated now, or just after the newest known key when
// the clock says otherwise, so that the new key is the one that signs.
func (t *Tokens) addKey(ctx context.Context, kid string) error {
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return fmt.Errorf("auth: generate key: %w", err)
	}
	created := t.clock.Now()
	t.mu.RLock()
	if t.newest.After(created) || t.newest.Equal(created) {
		created = t.newest.Add(time.Millisecond)
	}
	t.mu.RUnlock()
	return t.store.InsertSigningKey(ctx, models.SigningKey{ID: kid, Seed: priv.Seed(), CreatedAt: created})
}

// Reload reads the keys from the store; the newest signs.
func (t *Tokens) Reload(ctx context.Context) error {
	list, err := t.store.SigningKeys(ctx)
	if err != nil {
		return fmt.Errorf("auth: load keys: %w", err)
	}
	sort.Slice(list, func(i, j int) bool {
		if !list[i].CreatedAt.Equal(list[j].CreatedAt) {
			return list[i].CreatedAt.Before(list[j].CreatedAt)
		}
		return list[i].ID < list[j].ID
	})
	keys := make(map[string]ed25519.PrivateKey, len(list))
	signing, newest := "", time.Time{}
	for _, k := range list {
		if len(k.Seed) != ed25519.SeedSize {
			return fmt.Errorf("auth: key %s has a seed of %d bytes", k.ID, len(k.Seed))
		}
		keys[k.ID] = ed25519.NewKeyFromSeed(k.Seed)
		signing, newest = k.ID, k.CreatedAt
	}
	t.mu.Lock()
	t.keys, t.signingKID, t.newest, t.loadedAt = keys, signing, newest, time.Now()
	t.mu.Unlock()
	return nil
}

// Issue returns a signed access token for user, and when it expires.
func (t *Tokens) Issue(user models.User) (string, time.Time, error) {
	t.mu.RLock()
	kid, key := t.signingKID, t.keys[t.signingKID]
	t.mu.RUnlock()
	if key == nil {
		return "", time.Time{}, errors.New("auth: no signing key")
	}
	now := t.clock.Now()
	var jti [16]byte
	_, _ = rand.Read(jti[:])
	roles := user.Roles
	if roles == nil {
		roles = []models.Role{}
	}
	claims := Claims{
		RegisteredClaims: jwt.RegisteredClaims{
			Issuer:    t.issuer,
			Audience:  jwt.ClaimStrings{t.audience},
			Subject:   user.ID,
			IssuedAt:  jwt.NewNumericDate(now),
			ExpiresAt: jwt.NewNumericDate(now.Add(AccessTokenTTL)),
			ID:        hex.EncodeToString(jti[:]),
		},
		Roles:          roles,
		SessionVersion: user.SessionVersion,
	}
	tok := jwt.NewWithClaims(jwt.SigningMethodEdDSA, claims)
	tok.Header["kid"] = kid
	tok.Header["typ"] = accessTokenTyp
	s, err := tok.SignedString(key)
	if err != nil {
		return "", time.Time{}, fmt.Errorf("auth: sign: %w", err)
	}
	return s, claims.ExpiresAt.Time, nil
}

// ErrInvalidToken is returned for any token that does not verify; the reason
// is in the wrapped error, for logs only.
var ErrInvalidToken = errors.New("auth: invalid token")

// Verify parses raw strictly: EdDSA only, a known kid, typ at+jwt, issuer,
// audience, expiry and issue time required, exp and iat JSON numbers (not
// numbers in strings), times checked with a short leeway, and a lifetime
// (exp − iat) of at most AccessTokenTTL plus the leeway, so that a token
// signed with a real key for longer is refused too. Returns ErrInvalidToken
// otherwise.
func (t *Tokens) Verify(ctx context.Context, raw string) (*Claims, error) {
	if len(raw) > MaxTokenBytes {
		return nil, fmt.Errorf("%w: token too long", ErrInvalidToken)
	}
	parser := jwt.NewParser(
		jwt.WithValidMethods([]string{jwt.SigningMethodEdDSA.Alg()}),
		jwt.WithExpirationRequired(),
		jwt.WithIssuedAt(),
		jwt.WithIssuer(t.issuer),
		jwt.WithAudience(t.audience),
		jwt.WithLeeway(leeway),
		jwt.WithTimeFunc(t.clock.Now),
		jwt.WithStrictDecoding(),
	)
	var claims Claims
	tok, err := parser.ParseWithClaims(raw, &claims, func(tok *jwt.Token) (any, error) {
		if typ, _ := tok.Header["typ"].(string); !strings.EqualFold(typ, accessTokenTyp) {
			return nil, errors.New("not an access token")
		}
		kid, _ := tok.Header["kid"].(string)
		return t.publicKey(ctx, kid)
	})
	if err == nil {
		err = checkTimes(parser, tok, &claims)
	}
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidToken, err)
	}
	if claims.Subject == "" {
		return nil, fmt.Errorf("%w: no subject", ErrInvalidToken)
	}
	return &claims, nil
}

// checkTimes checks the times of a verified token: iat present, exp and
// iat JSON numbers, and a lifetime no longer than the server ever issues.
// jwt's NumericDate also takes a number in a string, which no issuer of
// ours writes.
func checkTimes(parser *jwt.Parser, tok *jwt.Token, claims *Claims) error {
	if claims.IssuedAt == nil {
		return errors.New("no issue time")
	}
	payload, err := parser.DecodeSegment(strings.Split(tok.Raw, ".")[1])
	if err != nil {
		return err
	}
	var times struct {
		Exp json.RawMessage `json:"exp"`
		Iat json.RawMessage `json:"iat"`
	}
	if err := json.Unmarshal(payload, &times); err != nil {
		return err
	}
	for name, v := range map[string]json.RawMessage{"exp": times.Exp, "iat": times.Iat} {
		if len(v) == 0 || (v[0] != '-' && (v[0] < '0' || v[0] > '9')) {
			return fmt.Errorf("%s is not a JSON number", name)
		}
	}
	if life := claims.ExpiresAt.Sub(claims.IssuedAt.Time); life > AccessTokenTTL+leeway {
		return fmt.Errorf("lifetime %s exceeds %s", life, AccessTokenTTL)
	}
	return nil
}

// publicKey returns the key kid names, reloading the key set when it is stale
// or when kid is unknown (another replica may have added it).
func (t *Tokens) publicKey(ctx context.Context, kid string) (ed25519.PublicKey, error) {
	t.mu.RLock()
	key, age := t.keys[kid], time.Since(t.loadedAt)
	t.mu.RUnlock()
	if (key == nil && age > minReload) || age > reloadEvery {
		if err := t.Reload(ctx); err != nil {
			return nil, err
		}
		t.mu.RLock()
		key = t.keys[kid]
		t.mu.RUnlock()
	}
	if key == nil {
		return nil, fmt.Errorf("unknown key %q", kid)
	}
	return key.Public().(ed25519.PublicKey), nil
}

// JWK is one public key in JSON Web Key form (RFC 8037).
type JWK struct {
	Kty string `json:"kty"`
	Crv string `json:"crv"`
	X   string `json:"x"`
	Kid string `json:"kid"`
	Alg string `json:"alg"`
	Use string `json:"use"`
}

// JWKS returns the public keys that verify access tokens.
func (t *Tokens) JWKS() []JWK {
	t.mu.RLock()
	defer t.mu.RUnlock()
	out := make([]JWK, 0, len(t.keys))
	for kid, k := range t.keys {
		out = append(out, JWK{Kty: "OKP", Crv: "Ed25519", Kid: kid, Alg: "EdDSA", Use: "sig",
			X: base64.RawURLEncoding.EncodeToString(k.Public().(ed25519.PublicKey))})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Kid < out[j].Kid })
	return out
}

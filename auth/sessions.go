package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/wsis-platform/wsis/models"
)

// SessionStore keeps refresh tokens as inserted facts (SPEC §8).
type SessionStore interface {
	InsertRefreshToken(ctx context.Context, t models.RefreshToken) error
	RefreshToken(ctx context.Context, hash string) (models.RefreshToken, error)
	SpendRefreshToken(ctx context.Context, t models.RefreshToken, at time.Time) error
	// RefreshTokenSpentAt returns an error wrapping models.ErrNotFound when
	// the token was not spent.
	RefreshTokenSpentAt(ctx context.Context, hash string) (time.Time, error)
	RevokeFamily(ctx context.Context, familyID, reason string, at, familyExpiresAt time.Time) error
	FamilyRevoked(ctx context.Context, familyID string) (bool, error)
	UserByID(ctx context.Context, id string) (models.User, error)
}

// Refresh token lifetimes: a token lives RefreshTokenTTL unless used, and a
// family (one login) at most RefreshFamilyTTL, after which the user logs in
// again.
const (
	RefreshTokenTTL  = 14 * 24 * time.Hour
	RefreshFamilyTTL = 60 * 24 * time.Hour
)

// RefreshReuseGrace is how long after a token was spent another use of it is
// taken for a concurrent refresh of the same client (two tabs, a retry)
// rather than theft: it is refused without revoking the family, so the
// winner's new token keeps working. A use after the grace revokes the family.
const RefreshReuseGrace = 10 * time.Second

// Sessions issues, rotates and ends refresh-token sessions.
type Sessions struct {
	store SessionStore
	clock models.Clock
}

// NewSessions returns Sessions on store.
func NewSessions(store SessionStore, clock models.Clock) *Sessions {
	return &Sessions{store: store, clock: clock}
}

// errSession is the answer to every refresh token that may not be used; the
// client learns nothing about why.
var errSession = models.WithDetail(models.ErrUnauthorized, "the refresh token is invalid, expired or revoked")

// ErrRefreshRaced is the refusal of a token spent less than
// RefreshReuseGrace ago, by a concurrent refresh that won. It is an
// ErrUnauthorized with the same detail as every other refusal; the session
// lives on in the winner's new token, so a client's stored token (its
// cookie) should be left as the winner's answer set it.
var ErrRefreshRaced = models.WithDetail(models.ErrUnauthorized, "the refresh token is invalid, expired or revoked")

// Start begins a new family for user and returns its first refresh token.
func (s *Sessions) Start(ctx context.Context, user models.User) (string, models.RefreshToken, error) {
	now := s.clock.Now()
	var fam [16]byte
	_, _ = rand.Read(fam[:])
	return s.issue(ctx, user, hex.EncodeToString(fam[:]), now, now.Add(RefreshFamilyTTL))
}

func (s *Sessions) issue(ctx context.Context, user models.User, family string, now, familyExpires time.Time) (string, models.RefreshToken, error) {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", models.RefreshToken{}, fmt.Errorf("auth: refresh token: %w", err)
	}
	raw := base64.RawURLEncoding.EncodeToString(b[:])
	expires := now.Add(RefreshTokenTTL)
	if expires.After(familyExpires) {
		expires = familyExpires
	}
	rt := models.RefreshToken{Hash: HashToken(raw), FamilyID: family, UserID: user.ID, SessionVersion: user.SessionVersion,
		CreatedAt: now, ExpiresAt: expires, FamilyExpiresAt: familyExpires}
	if err := s.store.InsertRefreshToken(ctx, rt); err != nil {
		return "", models.RefreshToken{}, err
	}
	return raw, rt, nil
}

// Rotate spends raw and returns its user and the family's next token. Of
// concurrent rotations of one token exactly one succeeds: the spent record's
// unique _id decides. A loser within RefreshReuseGrace of the win gets
// ErrRefreshRaced and the family lives on; any later use of a spent token is
// taken as theft and revokes the whole family. A token of a disabled user,
// or of a session version the user has moved past (password reset), is
// refused and its family revoked. Every refusal is ErrUnauthorized.
func (s *Sessions) Rotate(ctx context.Context, raw string) (models.User, string, models.RefreshToken, error) {
	now := s.clock.Now()
	rt, err := s.lookup(ctx, raw, now)
	if err != nil {
		return models.User{}, "", models.RefreshToken{}, err
	}
	if err := s.store.SpendRefreshToken(ctx, rt, now); err != nil {
		if errors.Is(err, models.ErrConflict) {
			err = s.refuseReuse(ctx, rt, now)
		}
		return models.User{}, "", models.RefreshToken{}, err
	}
	user, err := s.store.UserByID(ctx, rt.UserID)
	if errors.Is(err, models.ErrNotFound) || (err == nil && (user.Disabled || user.SessionVersion != rt.SessionVersion)) {
		_ = s.store.RevokeFamily(ctx, rt.FamilyID, "sessions ended", now, rt.FamilyExpiresAt)
		return models.User{}, "", models.RefreshToken{}, errSession
	}
	if err != nil {
		return models.User{}, "", models.RefreshToken{}, err
	}
	next, nrt, err := s.issue(ctx, user, rt.FamilyID, now, rt.FamilyExpiresAt)
	return user, next, nrt, err
}

// refuseReuse answers a use of the spent token rt: ErrRefreshRaced within
// the grace of its spending, otherwise the family's revocation and
// errSession.
func (s *Sessions) refuseReuse(ctx context.Context, rt models.RefreshToken, now time.Time) error {
	spentAt, err := s.store.RefreshTokenSpentAt(ctx, rt.Hash)
	if err != nil && !errors.Is(err, models.ErrNotFound) {
		return err
	}
	if err == nil && now.Sub(spentAt) < RefreshReuseGrace {
		return ErrRefreshRaced
	}
	if err := s.store.RevokeFamily(ctx, rt.FamilyID, "reuse", now, rt.FamilyExpiresAt); err != nil {
		return err
	}
	return errSession
}

// End revokes the family of raw (logout). An unknown or expired token ends
// nothing and is not an error.
func (s *Sessions) End(ctx context.Context, raw string) error {
	now := s.clock.Now()
	rt, err := s.lookup(ctx, raw, now)
	if errors.Is(err, models.ErrUnauthorized) {
		return nil
	}
	if err != nil {
		return err
	}
	return s.store.RevokeFamily(ctx, rt.FamilyID, "logout", now, rt.FamilyExpiresAt)
}

// lookup finds the live token raw names: well-formed, stored, unexpired and
// of a family not revoked.
func (s *Sessions) lookup(ctx context.Context, raw string, now time.Time) (models.RefreshToken, error) {
	if len(raw) != 43 {
		return models.RefreshToken{}, errSession
	}
	if _, err := base64.RawURLEncoding.Strict().DecodeString(raw); err != nil {
		return models.RefreshToken{}, errSession
	}
	rt, err := s.store.RefreshToken(ctx, HashToken(raw))
	if errors.Is(err, models.ErrNotFound) {
		return models.RefreshToken{}, errSession
	}
	if err != nil {
		return models.RefreshToken{}, err
	}
	if !now.Before(rt.ExpiresAt) || !now.Before(rt.FamilyExpiresAt) {
		return models.RefreshToken{}, errSession
	}
	revoked, err := s.store.FamilyRevoked(ctx, rt.FamilyID)
	if err != nil {
		return models.RefreshToken{}, err
	}
	if revoked {
		return models.RefreshToken{}, errSession
	}
	return rt, nil
}

// HashToken returns the hex SHA-256 of an opaque token: the only form in
// which refresh and emailed tokens are stored.
func HashToken(raw string) string {
	sum := sha256.Sum256([]byte(raw))
	return hex.EncodeToString(sum[:])
}

// NewOpaqueToken returns a random 256-bit token, URL-safe, for links in
// mails.
func NewOpaqueToken() string {
	var b [32]byte
	_, _ = rand.Read(b[:])
	return base64.RawURLEncoding.EncodeToString(b[:])
}

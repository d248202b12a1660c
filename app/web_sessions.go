package app

import (
	"context"
	"encoding/base64"
	"errors"
	"time"

	"github.com/wsis-platform/wsis/auth"
	"github.com/wsis-platform/wsis/models"
)

// BrowserSessionTTL is how long a web UI session lives after its login;
// then the user logs in again.
const BrowserSessionTTL = 14 * 24 * time.Hour

// errNoBrowserSession is the answer to every session cookie that may not be
// used; the browser learns nothing about why.
var errNoBrowserSession = models.WithDetail(models.ErrUnauthorized, "the session is invalid, expired or ended; log in")

// errBadCredentials answers a wrong email or password alike.
var errBadCredentials = models.WithDetail(models.ErrUnauthorized, "the email or the password is wrong")

// ErrAccountDisabled is SignIn's answer to the right password of a disabled
// account.
var ErrAccountDisabled = models.WithDetail(models.ErrForbidden, "this account is disabled")

// SignIn checks an email and password and returns the account. An unknown
// email costs the same hashing time as a known one and gets the same
// answer as a wrong password. Anyone may call it. Returns ErrUnauthorized
// for a wrong email or password and ErrAccountDisabled (an ErrForbidden)
// for a disabled account.
func (s *Service) SignIn(ctx context.Context, hasher *auth.Hasher, email, password string) (models.User, error) {
	user, hash, err := s.store.UserCredentials(ctx, email)
	if errors.Is(err, models.ErrNotFound) {
		hasher.SpendEqualTime(ctx, password)
		return models.User{}, errBadCredentials
	}
	if err != nil {
		return models.User{}, err
	}
	ok, err := hasher.Verify(ctx, hash, password)
	if err != nil {
		return models.User{}, err
	}
	if !ok {
		return models.User{}, errBadCredentials
	}
	if user.Disabled {
		return models.User{}, ErrAccountDisabled
	}
	return user, nil
}

// StartBrowserSession begins a web UI session for user, who has just signed
// in, and returns its opaque token (the cookie's value) and when it
// expires. Only the token's hash is stored. It returns only the database's
// errors.
func (s *Service) StartBrowserSession(ctx context.Context, user models.User) (string, time.Time, error) {
	raw := auth.NewOpaqueToken()
	now := s.clock.Now()
	b := models.BrowserSession{Hash: auth.HashToken(raw), UserID: user.ID, SessionVersion: user.SessionVersion,
		CreatedAt: now, ExpiresAt: now.Add(BrowserSessionTTL)}
	if err := s.store.InsertBrowserSession(ctx, b); err != nil {
		return "", time.Time{}, err
	}
	return raw, b.ExpiresAt, nil
}

// BrowserSessionUser returns the user of the live web UI session raw, with
// an _id read of the account so that its roles are current. A session is
// live until it expires, its user logs out, resets their password or is
// disabled. Returns ErrUnauthorized for any other.
func (s *Service) BrowserSessionUser(ctx context.Context, raw string) (models.User, error) {
	b, err := s.liveBrowserSession(ctx, raw)
	if err != nil {
		return models.User{}, err
	}
	user, err := s.store.UserByID(ctx, b.UserID)
	if errors.Is(err, models.ErrNotFound) || (err == nil && (user.Disabled || user.SessionVersion != b.SessionVersion)) {
		return models.User{}, errNoBrowserSession
	}
	return user, err
}

// EndBrowserSession ends the web UI session raw (logout). An unknown,
// expired or ended session ends nothing and is not an error. It returns
// only the database's errors.
func (s *Service) EndBrowserSession(ctx context.Context, raw string) error {
	b, err := s.liveBrowserSession(ctx, raw)
	if errors.Is(err, models.ErrUnauthorized) {
		return nil
	}
	if err != nil {
		return err
	}
	return s.store.EndBrowserSession(ctx, b, s.clock.Now())
}

// liveBrowserSession finds the session raw names: well-formed, stored,
// unexpired and not ended by logout.
func (s *Service) liveBrowserSession(ctx context.Context, raw string) (models.BrowserSession, error) {
	if !wellFormedToken(raw) {
		return models.BrowserSession{}, errNoBrowserSession
	}
	b, err := s.store.BrowserSession(ctx, auth.HashToken(raw))
	if errors.Is(err, models.ErrNotFound) {
		return models.BrowserSession{}, errNoBrowserSession
	}
	if err != nil {
		return models.BrowserSession{}, err
	}
	if !s.clock.Now().Before(b.ExpiresAt) {
		return models.BrowserSession{}, errNoBrowserSession
	}
	ended, err := s.store.BrowserSessionEnded(ctx, b.Hash)
	if err != nil {
		return models.BrowserSession{}, err
	}
	if ended {
		return models.BrowserSession{}, errNoBrowserSession
	}
	return b, nil
}

// wellFormedToken reports whether raw can be a token of auth.NewOpaqueToken
// (43 characters of unpadded URL-safe base64), so that anything else is
// refused before the store is asked.
func wellFormedToken(raw string) bool {
	if len(raw) != 43 {
		return false
	}
	_, err := base64.RawURLEncoding.Strict().DecodeString(raw)
	return err == nil
}

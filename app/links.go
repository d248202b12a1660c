package app

import (
	"context"
	"errors"
	"time"

	"github.com/wsis-platform/wsis/auth"
	"github.com/wsis-platform/wsis/models"
)

// errBadLink answers an emailed link that cannot be used.
var errBadLink = models.Invalid("token", "is invalid, expired or already used; ask for a new link")

// VerifyEmail consumes an emailed verification link's token and marks its
// account's email verified. Anyone may call it: the token is the proof.
// Returns a ValidationError for a token that is unknown, used or expired.
func (s *Service) VerifyEmail(ctx context.Context, token string) error {
	now := s.clock.Now()
	t, err := s.useLink(ctx, models.ActionVerifyEmail, token, now)
	if err != nil {
		return err
	}
	return s.store.MarkEmailVerified(ctx, t.UserID, now)
}

// ResetPassword consumes an emailed reset link's token, sets the account's
// password to password (hashed by hasher) and so ends every session of the
// account. The link proves control of the mailbox, so it also verifies the
// email. Anyone may call it. Returns a ValidationError for a token that is
// unknown, used or expired.
func (s *Service) ResetPassword(ctx context.Context, hasher *auth.Hasher, token, password string) error {
	now := s.clock.Now()
	t, err := s.useLink(ctx, models.ActionResetPassword, token, now)
	if err != nil {
		return err
	}
	hash, err := hasher.Hash(ctx, password)
	if err != nil {
		return err
	}
	if _, err := s.store.SetPassword(ctx, t.UserID, hash, now); err != nil {
		return err
	}
	return s.store.MarkEmailVerified(ctx, t.UserID, now)
}

// useLink consumes the emailed one-use token of kind at now; a token that
// is unknown, used or expired is errBadLink.
func (s *Service) useLink(ctx context.Context, kind, token string, now time.Time) (models.ActionToken, error) {
	t, err := s.store.UseActionToken(ctx, kind, auth.HashToken(token), now)
	if errors.Is(err, models.ErrNotFound) || errors.Is(err, models.ErrConflict) {
		return models.ActionToken{}, errBadLink
	}
	return t, err
}

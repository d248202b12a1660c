package app

import (
	"context"
	"errors"
	"net/url"
	"time"

	"github.com/wsis-platform/wsis/auth"
	"github.com/wsis-platform/wsis/locale"
	"github.com/wsis-platform/wsis/models"
)

// Lifetimes of emailed links.
const (
	VerifyEmailLinkTTL   = 72 * time.Hour
	ResetPasswordLinkTTL = time.Hour
)

// MailVerificationLink stores a one-use verification token for user and
// mails its link, {public URL}/verify-email?token=…, in the language l.
// The caller decides that the user needs one. It returns only database and
// outbox errors.
func (s *Service) MailVerificationLink(ctx context.Context, l *locale.Locale, user models.User) error {
	return s.mailLink(ctx, l, user, models.ActionVerifyEmail, false)
}

// MailResetLink mails a password reset link, {public URL}/reset-password?
// token=…, in the language l, to the active account of email. For an
// unknown email or a disabled account it does the same reads, token work
// and writes with a decoy token bound to no account and a decoy mail that is
// never delivered, so that neither its answer nor its load tells whether
// the account exists. Anyone may ask. It returns only database and outbox
// errors.
func (s *Service) MailResetLink(ctx context.Context, l *locale.Locale, email string) error {
	user, _, err := s.store.UserCredentials(ctx, email)
	if err == nil && !user.Disabled {
		return s.mailLink(ctx, l, user, models.ActionResetPassword, false)
	}
	if err != nil && !errors.Is(err, models.ErrNotFound) {
		return err
	}
	err = s.mailLink(ctx, l, models.User{Email: email}, models.ActionResetPassword, true)
	if errors.Is(err, models.ErrInvalid) {
		return nil // not an email address, which no account has
	}
	return err
}

func (s *Service) mailLink(ctx context.Context, l *locale.Locale, user models.User, kind string, decoy bool) error {
	raw := auth.NewOpaqueToken()
	ttl, key, page := VerifyEmailLinkTTL, MailVerifyEmail, "verify-email"
	if kind == models.ActionResetPassword {
		ttl, key, page = ResetPasswordLinkTTL, MailResetPassword, "reset-password"
	}
	t := models.ActionToken{Hash: auth.HashToken(raw), Kind: kind, UserID: user.ID, ExpiresAt: s.clock.Now().Add(ttl)}
	insert, mailKind := s.store.InsertActionToken, kind
	if decoy {
		insert, mailKind = s.store.InsertDecoyActionToken, models.MailDecoy
	}
	if err := insert(ctx, t); err != nil {
		return err
	}
	subject, body, err := RenderMailIn(l, key, MailData{Name: user.Name, URL: s.publicURL,
		Link: s.publicURL + "/" + page + "?token=" + url.QueryEscape(raw)})
	if err != nil {
		return err
	}
	_, err = s.mailer.Send(ctx, models.Mail{To: user.Email, Subject: subject, Kind: mailKind, Body: body})
	return err
}

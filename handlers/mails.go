package handlers

import (
	"context"
	"net/url"
	"time"

	"github.com/wsis-platform/wsis/app"
	"github.com/wsis-platform/wsis/auth"
	"github.com/wsis-platform/wsis/models"
)

// Lifetimes of emailed links.
const (
	verifyEmailTTL   = 72 * time.Hour
	resetPasswordTTL = time.Hour
)

// sendActionLink stores a one-use token of kind for user and mails the link
// {public_url}/{page}?token=TOKEN through the outbox.
func (s *server) sendActionLink(ctx context.Context, user models.User, kind, page string) error {
	return s.mailLink(ctx, user, kind, page, false)
}

// sendDecoyLink does the work of sendActionLink for an email without an
// active account: the token is bound to no account and the mail is a decoy,
// written to the outbox and never delivered.
func (s *server) sendDecoyLink(ctx context.Context, email, kind, page string) error {
	return s.mailLink(ctx, models.User{Email: email}, kind, page, true)
}

func (s *server) mailLink(ctx context.Context, user models.User, kind, page string, decoy bool) error {
	raw := auth.NewOpaqueToken()
	now := s.clock.Now()
	ttl, key := verifyEmailTTL, app.MailVerifyEmail
	if kind == models.ActionResetPassword {
		ttl, key = resetPasswordTTL, app.MailResetPassword
	}
	insert, mailKind := s.store.InsertActionToken, kind
	if decoy {
		insert, mailKind = s.store.InsertDecoyActionToken, models.MailDecoy
	}
	if err := insert(ctx, models.ActionToken{Hash: auth.HashToken(raw), Kind: kind, UserID: user.ID,
		ExpiresAt: now.Add(ttl)}); err != nil {
		return err
	}
	subject, body, err := app.RenderMail(key, app.MailData{Name: user.Name,
		Link: s.publicURL + "/" + page + "?token=" + url.QueryEscape(raw)})
	if err == nil {
		_, err = s.mailer.Send(ctx, models.Mail{To: user.Email, Subject: subject, Kind: mailKind, Body: body})
	}
	return err
}

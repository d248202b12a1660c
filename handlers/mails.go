package handlers

import (
	"context"
	"fmt"
	"net/url"
	"time"

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
	ttl, subject, text := verifyEmailTTL, "Verify your email for WSIS Stocktaking & Prizes",
		"Welcome, %s.\n\nTo verify your email address, open this link within 72 hours:\n\n%s\n\n"+
			"If you did not register, ignore this message.\n"
	if kind == models.ActionResetPassword {
		ttl, subject, text = resetPasswordTTL, "Reset your WSIS Stocktaking & Prizes password",
			"Hello %s,\n\nTo choose a new password, open this link within an hour:\n\n%s\n\n"+
				"If you did not ask for this, ignore this message: your password stays as it is.\n"
	}
	insert, mailKind := s.store.InsertActionToken, kind
	if decoy {
		insert, mailKind = s.store.InsertDecoyActionToken, models.MailDecoy
	}
	if err := insert(ctx, models.ActionToken{Hash: auth.HashToken(raw), Kind: kind, UserID: user.ID,
		ExpiresAt: now.Add(ttl)}); err != nil {
		return err
	}
	link := s.publicURL + "/" + page + "?token=" + url.QueryEscape(raw)
	_, err := s.mailer.Send(ctx, models.Mail{To: user.Email, Subject: subject, Kind: mailKind,
		Body: fmt.Sprintf(text, user.Name, link)})
	return err
}

package mail_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/wsis-platform/wsis/mail"
	"github.com/wsis-platform/wsis/mail/smtptest"
	"github.com/wsis-platform/wsis/models"
)

const from = "WSIS Platform <noreply@wsis.example>"

func newSender(t *testing.T, url string) *mail.SMTPSender {
	t.Helper()
	s, err := mail.NewSMTPSender(url, from)
	if err != nil {
		t.Fatalf("new SMTP sender for %s: %v", url, err)
	}
	return s
}

func TestNewSMTPSender_RejectsMalformedSettings(t *testing.T) {
	tests := []struct {
		name, url, from string
	}{
		{"another scheme", "http://mailer:s3cret@mail.example:25", from},
		{"no host", "smtp://mailer:s3cret@:25", from},
		{"port zero", "smtp://mailer:s3cret@mail.example:0", from},
		{"port out of range", "smtp://mailer:s3cret@mail.example:70000", from},
		{"port not a number", "smtp://mailer:s3cret@mail.example:smtp", from},
		{"a path", "smtp://mailer:s3cret@mail.example:25/inbox", from},
		{"a query", "smtp://mailer:s3cret@mail.example:25?tls=off", from},
		{"not a URL", "smtp://mailer:s3cret@mail example:25", from},
		{"sender not an address", "smtp://mailer:s3cret@mail.example:25", "noreply"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := mail.NewSMTPSender(tt.url, tt.from)
			if err == nil {
				t.Fatal("accepted")
			}
			if strings.Contains(err.Error(), "s3cret") {
				t.Fatalf("error shows the password: %v", err)
			}
		})
	}
}

func TestNewSMTPSender_PortDefaultsToSubmissionOrImplicitTLS(t *testing.T) {
	tests := []struct{ url, addr string }{
		{"smtp://mail.example", "mail.example:587"},
		{"smtp://mailer:s3cret@mail.example", "mail.example:587"},
		{"smtps://mail.example", "mail.example:465"},
		{"smtp://mail:1025", "mail:1025"},
		{"smtps://mail.example:2465/", "mail.example:2465"},
	}
	for _, tt := range tests {
		t.Run(tt.url, func(t *testing.T) {
			got, err := mail.SMTPServerAddr(newSender(t, tt.url))
			if err != nil || got != tt.addr {
				t.Fatalf("server address = %q, %v; want %q", got, err, tt.addr)
			}
		})
	}
}

func TestSMTPSender_SendsPlainTextUTF8WithStableMessageID(t *testing.T) {
	srv := smtptest.Start(t)
	m := models.Mail{
		ID: "65f0c0ffee0000000000abcd", To: "Zoë <zoe@example.org>", Kind: models.MailVoteReceipt,
		Subject: "Your vote — WSIS Prizes 2027 ✓",
		Body: "Thank you, Zoë.\nYour vote in category 7 counts.\n\n" +
			"A line long enough to be wrapped by quoted-printable encoding, which breaks lines at 76 characters.",
		CreatedAt: time.Date(2027, 3, 1, 9, 30, 0, 0, time.UTC),
	}
	if err := newSender(t, srv.URL()).Send(context.Background(), m); err != nil {
		t.Fatalf("send: %v", err)
	}
	got := srv.WaitFor(t, 1, 20*time.Second)[0]

	if got.From != "noreply@wsis.example" || len(got.To) != 1 || got.To[0] != "zoe@example.org" {
		t.Errorf("envelope from %q to %q, want noreply@wsis.example to [zoe@example.org]", got.From, got.To)
	}
	if got.Subject != m.Subject {
		t.Errorf("subject = %q, want %q", got.Subject, m.Subject)
	}
	if strings.TrimSuffix(got.Body, "\n") != m.Body {
		t.Errorf("body = %q\nwant %q", got.Body, m.Body)
	}
	if ct := got.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/plain") || !strings.Contains(strings.ToLower(ct), "utf-8") {
		t.Errorf("content type = %q, want UTF-8 plain text", ct)
	}
	if id := got.Header.Get("Message-Id"); id != "<65f0c0ffee0000000000abcd@wsis.example>" {
		t.Errorf("Message-ID = %q, want one derived from the mail id", id)
	}
	if date, err := got.Header.Date(); err != nil || !date.Equal(m.CreatedAt) {
		t.Errorf("Date = %v, %v; want %v", date, err, m.CreatedAt)
	}
}

func TestSMTPSender_LogsInWhenTheURLHasUserInfo(t *testing.T) {
	srv := smtptest.Start(t, smtptest.WithAuth("mailer", "s3cret"))
	m := models.Mail{ID: "m1", To: "ada@example.org", Subject: "Hello", Body: "Hi"}
	ctx := context.Background()

	if err := newSender(t, "smtp://mailer:wrong@"+srv.Addr()).Send(ctx, m); err == nil {
		t.Error("a wrong password was accepted")
	}
	if err := newSender(t, srv.URL()).Send(ctx, m); err == nil {
		t.Error("a server that requires a login took mail without one")
	}
	if err := newSender(t, "smtp://mailer:s3cret@"+srv.Addr()).Send(ctx, m); err != nil {
		t.Fatalf("send with the right password: %v", err)
	}
	if got := srv.WaitFor(t, 1, 20*time.Second); len(got) != 1 || got[0].Subject != "Hello" {
		t.Fatalf("messages = %+v, want only the one sent after logging in", got)
	}
}

func TestSMTPSender_UnreachableServerIsAnError(t *testing.T) {
	s := newSender(t, "smtp://"+smtptest.UnusedAddr(t))
	err := s.Send(context.Background(), models.Mail{ID: "m1", To: "ada@example.org", Subject: "Hello", Body: "Hi"})
	if err == nil {
		t.Fatal("send to a port where nothing listens succeeded")
	}
}

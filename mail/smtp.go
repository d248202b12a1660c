package mail

import (
	"context"
	"errors"
	"fmt"
	netmail "net/mail"
	"net/url"
	"strconv"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"

	"github.com/wsis-platform/wsis/models"
)

// smtpTimeout bounds the dial and each exchange with the SMTP server.
const smtpTimeout = 15 * time.Second

// SMTPSender delivers mail to one SMTP server, one connection per message.
// It is safe for concurrent use.
type SMTPSender struct {
	host   string
	opts   []gomail.Option
	from   string
	domain string
}

// NewSMTPSender returns a sender for the server of rawURL, writing mails
// from the address from. rawURL is smtp://[user:pass@]host[:port], which
// upgrades to TLS with STARTTLS when the server offers it (port 587 unless
// given), or smtps://[user:pass@]host[:port], TLS from the first byte (port
// 465 unless given). With user info it logs in with SMTP AUTH PLAIN, or LOGIN
// when the server offers only that; go-mail refuses either over a connection
// that is not encrypted unless the server is on localhost, so a password
// never crosses the network in clear. The dial and each exchange time out
// after 15 seconds.
//
// It does not connect. Returns an error, which never contains the password,
// when rawURL or from is malformed.
func NewSMTPSender(rawURL, from string) (*SMTPSender, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		// url.Error repeats the URL, password included.
		return nil, errors.New("mail: SMTP URL is malformed")
	}
	if u.Opaque != "" || u.Hostname() == "" || (u.Path != "" && u.Path != "/") || u.RawQuery != "" {
		return nil, errors.New("mail: SMTP URL must be smtp://[user:pass@]host[:port] or smtps://…")
	}
	opts := []gomail.Option{gomail.WithTimeout(smtpTimeout)}
	port := 0
	switch u.Scheme {
	case "smtp":
		port = gomail.DefaultPortTLS
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSOpportunistic))
	case "smtps":
		port = gomail.DefaultPortSSL
		opts = append(opts, gomail.WithSSL())
	default:
		return nil, fmt.Errorf("mail: SMTP URL scheme %q is neither smtp nor smtps", u.Scheme)
	}
	if p := u.Port(); p != "" {
		if port, err = strconv.Atoi(p); err != nil || port < 1 || port > 65535 {
			return nil, fmt.Errorf("mail: SMTP URL port %q is not a port number", p)
		}
	}
	opts = append(opts, gomail.WithPort(port))
	if u.User != nil {
		pass, _ := u.User.Password()
		opts = append(opts,
			gomail.WithUsername(u.User.Username()),
			gomail.WithPassword(pass),
			gomail.WithOpportunisticSMTPAuth(gomail.SMTPAuthPlain, gomail.SMTPAuthLogin),
		)
	}

	addr, err := netmail.ParseAddress(from)
	if err != nil {
		return nil, fmt.Errorf("mail: sender address %q: %w", from, err)
	}
	s := &SMTPSender{host: u.Hostname(), opts: opts, from: addr.String(), domain: addr.Address[strings.LastIndexByte(addr.Address, '@')+1:]}
	if _, err := s.client(); err != nil {
		return nil, err
	}
	return s, nil
}

// client returns a new go-mail client for one delivery. go-mail's Client
// changes its own state while it logs in, so none is shared between sends.
func (s *SMTPSender) client() (*gomail.Client, error) {
	c, err := gomail.NewClient(s.host, s.opts...)
	if err != nil {
		return nil, fmt.Errorf("mail: SMTP client: %w", err)
	}
	return c, nil
}

// Send delivers m over one new SMTP connection as a plain-text UTF-8
// message. Its Message-ID is derived from m.ID, so a message delivered twice
// (at-least-once delivery) can be recognised as one, and its Date is
// m.CreatedAt. Returns an error when the server cannot be reached or does
// not accept the message, or when ctx ends first.
func (s *SMTPSender) Send(ctx context.Context, m models.Mail) error {
	msg := gomail.NewMsg()
	if err := msg.From(s.from); err != nil {
		return fmt.Errorf("mail: send %s: from: %w", m.ID, err)
	}
	if err := msg.To(m.To); err != nil {
		return fmt.Errorf("mail: send %s: to: %w", m.ID, err)
	}
	msg.Subject(m.Subject)
	msg.SetBodyString(gomail.TypeTextPlain, m.Body)
	if m.ID != "" {
		msg.SetMessageIDWithValue(m.ID + "@" + s.domain)
	}
	if !m.CreatedAt.IsZero() {
		msg.SetDateWithValue(m.CreatedAt)
	}
	client, err := s.client()
	if err != nil {
		return err
	}
	if err := client.DialAndSendWithContext(ctx, msg); err != nil {
		return fmt.Errorf("mail: send %s: %w", m.ID, err)
	}
	return nil
}

// Package smtptest runs a real SMTP server on the loopback interface for
// tests, built on github.com/emersion/go-smtp. It records every message it
// accepts, with its envelope, raw data and decoded subject and plain-text
// body, and can require SMTP AUTH PLAIN or turn messages away with a
// temporary error, so tests exercise a mail sender over the wire.
package smtptest

import (
	"bytes"
	"encoding/base64"
	"errors"
	"io"
	"log"
	"mime"
	"mime/quotedprintable"
	"net"
	netmail "net/mail"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// Message is one message the server accepted.
type Message struct {
	// From is the envelope sender (MAIL FROM).
	From string
	// To lists the envelope recipients (RCPT TO).
	To []string
	// Data is the message as received, headers and body, with CRLF line
	// endings.
	Data []byte
	// Header is the parsed message header.
	Header netmail.Header
	// Subject is the Subject header, MIME-decoded.
	Subject string
	// Body is the body decoded from its Content-Transfer-Encoding, with
	// line endings turned into "\n".
	Body string
}

// Option configures a Server.
type Option func(*Server)

// WithAuth makes the server advertise AUTH PLAIN (over plain TCP, as the
// server has no TLS) and refuse mail from a client that has not logged in as
// username with password.
func WithAuth(username, password string) Option {
	return func(s *Server) { s.username, s.password = username, password }
}

// Server is a running SMTP server. Its methods are safe for concurrent use.
type Server struct {
	addr               string
	smtp               *smtp.Server
	username, password string

	mu       sync.Mutex
	messages []Message
	arrived  chan struct{} // closed and replaced when a message arrives
	reject   int
}

// Start starts a server on 127.0.0.1 on a free port. It is closed when the
// test ends.
func Start(t testing.TB, opts ...Option) *Server {
	t.Helper()
	return StartAt(t, "127.0.0.1:0", opts...)
}

// StartAt starts a server listening on addr, for instance one returned by
// UnusedAddr, so that a sender can be pointed at an address before anything
// listens there. It fails the test when addr cannot be listened on. The
// server is closed when the test ends.
func StartAt(t testing.TB, addr string, opts ...Option) *Server {
	t.Helper()
	l, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatalf("smtptest: listen on %s: %v", addr, err)
	}
	s := &Server{addr: l.Addr().String(), arrived: make(chan struct{})}
	for _, opt := range opts {
		opt(s)
	}
	s.smtp = smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) {
		return &session{server: s}, nil
	}))
	s.smtp.Domain = "localhost"
	s.smtp.AllowInsecureAuth = true
	s.smtp.ReadTimeout = 10 * time.Second
	s.smtp.WriteTimeout = 10 * time.Second
	// Connection errors after a test ends are expected noise.
	s.smtp.ErrorLog = log.New(io.Discard, "", 0)
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = s.smtp.Serve(l)
	}()
	t.Cleanup(func() {
		_ = s.smtp.Close()
		// Close misses a listener that Serve has not registered yet.
		_ = l.Close()
		<-done
	})
	return s
}

// UnusedAddr returns a loopback address with a port on which nothing
// listens: it listens on a free port and closes it again. Dialling it is
// refused until StartAt starts a server there.
func UnusedAddr(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("smtptest: find a free port: %v", err)
	}
	addr := l.Addr().String()
	if err := l.Close(); err != nil {
		t.Fatalf("smtptest: free port %s: %v", addr, err)
	}
	return addr
}

// Addr returns the host:port the server listens on.
func (s *Server) Addr() string { return s.addr }

// URL returns the server's address as smtp://127.0.0.1:PORT, without
// credentials.
func (s *Server) URL() string { return "smtp://" + s.addr }

// RejectNext makes the server answer the next n messages' data with a
// temporary failure (451) and not record them.
func (s *Server) RejectNext(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.reject = n
}

// Messages returns the messages accepted so far, in order of arrival.
func (s *Server) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Message(nil), s.messages...)
}

// WaitFor waits until at least n messages have arrived and returns all
// messages so far. It fails the test if that takes longer than timeout; call
// it from the test's goroutine.
func (s *Server) WaitFor(t testing.TB, n int, timeout time.Duration) []Message {
	t.Helper()
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		s.mu.Lock()
		got, arrived := len(s.messages), s.arrived
		s.mu.Unlock()
		if got >= n {
			return s.Messages()
		}
		select {
		case <-arrived:
		case <-deadline.C:
			t.Fatalf("smtptest: %d of %d messages arrived within %v", got, n, timeout)
		}
	}
}

func (s *Server) record(m Message) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.reject > 0 {
		s.reject--
		return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "smtptest: try again later"}
	}
	s.messages = append(s.messages, m)
	close(s.arrived)
	s.arrived = make(chan struct{})
	return nil
}

// session is one SMTP connection's transaction state.
type session struct {
	server *Server
	authed bool
	from   string
	to     []string
}

var (
	_ smtp.Session     = (*session)(nil)
	_ smtp.AuthSession = (*session)(nil)
)

func (se *session) AuthMechanisms() []string {
	if se.server.username == "" {
		return nil
	}
	return []string{sasl.Plain}
}

func (se *session) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, username, password string) error {
		if username != se.server.username || password != se.server.password {
			return smtp.ErrAuthFailed
		}
		se.authed = true
		return nil
	}), nil
}

func (se *session) allowed() error {
	if se.server.username != "" && !se.authed {
		return smtp.ErrAuthRequired
	}
	return nil
}

func (se *session) Mail(from string, _ *smtp.MailOptions) error {
	if err := se.allowed(); err != nil {
		return err
	}
	se.from = from
	return nil
}

func (se *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	if err := se.allowed(); err != nil {
		return err
	}
	se.to = append(se.to, to)
	return nil
}

func (se *session) Data(r io.Reader) error {
	if err := se.allowed(); err != nil {
		return err
	}
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	m, err := parse(data)
	if err != nil {
		return &smtp.SMTPError{Code: 554, EnhancedCode: smtp.EnhancedCode{5, 6, 0}, Message: "smtptest: " + err.Error()}
	}
	m.From, m.To = se.from, append([]string(nil), se.to...)
	return se.server.record(m)
}

func (se *session) Reset() { se.from, se.to = "", nil }

func (se *session) Logout() error { return nil }

// parse decodes the header, subject and single-part body of a message.
func parse(data []byte) (Message, error) {
	msg, err := netmail.ReadMessage(bytes.NewReader(data))
	if err != nil {
		return Message{}, err
	}
	subject, err := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
	if err != nil {
		return Message{}, err
	}
	body := msg.Body
	switch enc := strings.ToLower(msg.Header.Get("Content-Transfer-Encoding")); enc {
	case "quoted-printable":
		body = quotedprintable.NewReader(body)
	case "base64":
		body = base64.NewDecoder(base64.StdEncoding, body)
	case "", "7bit", "8bit", "binary":
	default:
		return Message{}, errors.New("unknown Content-Transfer-Encoding " + enc)
	}
	text, err := io.ReadAll(body)
	if err != nil {
		return Message{}, err
	}
	return Message{
		Data:    data,
		Header:  msg.Header,
		Subject: subject,
		Body:    strings.ReplaceAll(string(text), "\r\n", "\n"),
	}, nil
}

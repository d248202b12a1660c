package mail_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wsis-platform/wsis/mail"
	"github.com/wsis-platform/wsis/mail/smtptest"
	"github.com/wsis-platform/wsis/models"
	"github.com/wsis-platform/wsis/store"
	"github.com/wsis-platform/wsis/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

// patience bounds every wait for the worker; conditions are polled, never
// assumed after a sleep.
const patience = 20 * time.Second

var fast = mail.Options{From: from, MinBackoff: 20 * time.Millisecond, MaxBackoff: 200 * time.Millisecond}

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// run starts o's worker and returns a function that stops it and waits for
// Run to return; after it no delivery is in progress or can start. The
// worker is also stopped when the test ends.
func run(t *testing.T, o *mail.Outbox) (stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- o.Run(ctx) }()
	var once sync.Once
	stop = func() {
		once.Do(func() {
			cancel()
			select {
			case err := <-done:
				if err != nil {
					t.Errorf("run: %v", err)
				}
			case <-time.After(patience):
				t.Errorf("run did not return within %v of its context ending", patience)
			}
		})
	}
	t.Cleanup(stop)
	return stop
}

// waitUntil polls cond until it holds, failing the test after patience.
func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(patience)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("gave up after %v waiting until %s", patience, what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// waitAllSent waits until the outbox holds no unsent mail.
func waitAllSent(t *testing.T, s mail.Store) {
	t.Helper()
	waitUntil(t, "every mail is recorded as sent", func() bool {
		unsent, err := s.UnsentMails(context.Background())
		if err != nil {
			t.Fatalf("unsent mails: %v", err)
		}
		return len(unsent) == 0
	})
}

func letter(subject string) models.Mail {
	return models.Mail{To: "ada@example.org", Subject: subject, Body: "Body of " + subject, Kind: models.MailNomination}
}

func send(t *testing.T, o *mail.Outbox, m models.Mail) models.Mail {
	t.Helper()
	m, err := o.Send(context.Background(), m)
	if err != nil {
		t.Fatalf("send %q: %v", m.Subject, err)
	}
	return m
}

func messageSubjects(msgs []smtptest.Message) []string {
	out := make([]string, len(msgs))
	for i, m := range msgs {
		out[i] = m.Subject
	}
	return out
}

// countingSender counts the attempts and failures of the sender it wraps.
type countingSender struct {
	next               mail.Sender
	attempts, failures atomic.Int64
}

func (c *countingSender) Send(ctx context.Context, m models.Mail) error {
	c.attempts.Add(1)
	err := c.next.Send(ctx, m)
	if err != nil {
		c.failures.Add(1)
	}
	return err
}

func TestOutbox_DeliversMailAndRecordsItSent(t *testing.T) {
	st, srv := storetest.Store(t), smtptest.Start(t)
	clock := models.NewFixedClock(time.Date(2027, 3, 1, 9, 0, 0, 0, time.UTC))
	opts := fast
	opts.Clock = clock
	o := mail.New(st, newSender(t, srv.URL()), quiet(), opts)
	stop := run(t, o)

	sent := send(t, o, models.Mail{
		To: "ada@example.org", Kind: models.MailVerifyEmail, Subject: "Confirm your address — WSIS",
		Body: "Open https://wsis.example/verify-email?token=T0KEN to confirm.",
	})
	if sent.ID == "" || !sent.CreatedAt.Equal(clock.Now()) {
		t.Fatalf("send returned %+v, want an id and created_at from the clock", sent)
	}

	got := srv.WaitFor(t, 1, patience)[0]
	if len(got.To) != 1 || got.To[0] != "ada@example.org" || got.Subject != sent.Subject ||
		strings.TrimSuffix(got.Body, "\n") != sent.Body {
		t.Fatalf("delivered to %q subject %q body %q; want %+v", got.To, got.Subject, got.Body, sent)
	}
	waitAllSent(t, st)
	stop()
	if n := len(srv.Messages()); n != 1 {
		t.Fatalf("%d messages delivered, want 1", n)
	}
}

func TestOutbox_RetriesWhileSMTPIsDownThenDeliversOnce(t *testing.T) {
	st, addr := storetest.Store(t), smtptest.UnusedAddr(t)
	sender := &countingSender{next: newSender(t, "smtp://"+addr)}
	o := mail.New(st, sender, quiet(), fast)
	stop := run(t, o)

	send(t, o, letter("Your project was published"))
	waitUntil(t, "the worker has failed three times", func() bool { return sender.failures.Load() >= 3 })
	if unsent, err := st.UnsentMails(context.Background()); err != nil || len(unsent) != 1 {
		t.Fatalf("while SMTP is down the outbox holds %d unsent (%v), want 1", len(unsent), err)
	}

	srv := smtptest.StartAt(t, addr)
	srv.WaitFor(t, 1, patience)
	waitAllSent(t, st)
	stop()
	if got := messageSubjects(srv.Messages()); !slices.Equal(got, []string{"Your project was published"}) {
		t.Fatalf("delivered %q, want the mail exactly once", got)
	}
}

func TestOutbox_RetriesMailTheServerTurnsAway(t *testing.T) {
	st, srv := storetest.Store(t), smtptest.Start(t)
	srv.RejectNext(2)
	sender := &countingSender{next: newSender(t, srv.URL())}
	o := mail.New(st, sender, quiet(), fast)
	stop := run(t, o)

	send(t, o, letter("You were assigned a nomination"))
	srv.WaitFor(t, 1, patience)
	waitAllSent(t, st)
	stop()
	if n := len(srv.Messages()); n != 1 {
		t.Fatalf("%d messages delivered, want 1", n)
	}
	if a := sender.attempts.Load(); a != 3 {
		t.Fatalf("%d attempts, want 3 (two turned away, one taken)", a)
	}
}

func TestOutbox_RunDeliversWhatAnEarlierProcessLeftUnsent(t *testing.T) {
	st, srv := storetest.Store(t), smtptest.Start(t)
	ctx := context.Background()
	at := time.Date(2027, 3, 1, 9, 0, 0, 0, time.UTC)
	for i, subject := range []string{"left unsent 1", "already sent", "left unsent 2"} {
		m := letter(subject)
		m.CreatedAt = at.Add(time.Duration(i) * time.Minute)
		m, err := st.EnqueueMail(ctx, m)
		if err != nil {
			t.Fatalf("enqueue: %v", err)
		}
		if subject == "already sent" {
			if err := st.MarkMailSent(ctx, m.ID, at); err != nil {
				t.Fatalf("mark sent: %v", err)
			}
		}
	}

	stop := run(t, mail.New(st, newSender(t, srv.URL()), quiet(), fast))
	srv.WaitFor(t, 2, patience)
	waitAllSent(t, st)
	stop()
	if got := messageSubjects(srv.Messages()); !slices.Equal(got, []string{"left unsent 1", "left unsent 2"}) {
		t.Fatalf("delivered %q, want the two unsent mails, oldest first, once each", got)
	}
}

func TestOutbox_MailSentBeforeRunIsDeliveredOnce(t *testing.T) {
	st, srv := storetest.Store(t), smtptest.Start(t)
	o := mail.New(st, newSender(t, srv.URL()), quiet(), fast)
	// Queued in memory and found again in the outbox when Run starts.
	send(t, o, letter("sent before the worker started"))

	stop := run(t, o)
	srv.WaitFor(t, 1, patience)
	waitAllSent(t, st)
	stop()
	if n := len(srv.Messages()); n != 1 {
		t.Fatalf("%d messages delivered, want 1", n)
	}
}

func TestOutbox_DecoyIsWrittenButNeverDelivered(t *testing.T) {
	st, srv := storetest.Store(t), smtptest.Start(t)
	o := mail.New(st, newSender(t, srv.URL()), quiet(), fast)
	stop := run(t, o)
	decoy := letter("decoy")
	decoy.Kind = models.MailDecoy
	if m := send(t, o, decoy); m.ID == "" {
		t.Fatal("the decoy has no id: it was not written")
	}
	send(t, o, letter("real"))
	srv.WaitFor(t, 1, patience)
	waitAllSent(t, st)
	stop()
	// Mails go out in order of arrival: a queued decoy would have gone first.
	if got := messageSubjects(srv.Messages()); !slices.Equal(got, []string{"real"}) {
		t.Fatalf("delivered %q, want only the real mail", got)
	}
}

func TestOutbox_WithoutSenderKeepsMailsInOutboxAndLogsNoContent(t *testing.T) {
	st := storetest.Store(t)
	var logs syncBuffer
	o := mail.New(st, nil, slog.New(slog.NewTextHandler(&logs, nil)), fast)
	stop := run(t, o)

	first := send(t, o, models.Mail{To: "ada@example.org", Subject: "Reset your password",
		Body: "https://wsis.example/reset-password?token=R3SET", Kind: models.MailResetPassword})
	second := send(t, o, letter("Your nomination is a champion"))
	stop()

	unsent, err := st.UnsentMails(context.Background())
	if err != nil {
		t.Fatalf("unsent mails: %v", err)
	}
	if len(unsent) != 2 || unsent[0].ID != first.ID || unsent[1].ID != second.ID {
		t.Fatalf("unsent = %+v, want both mails", unsent)
	}
	out := logs.String()
	for _, want := range []string{"mail kept in outbox: no SMTP configured", "ada@example.org", models.MailResetPassword} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %q:\n%s", want, out)
		}
	}
	// The body holds a live link, and the subject says what it is for.
	for _, secret := range []string{"R3SET", "reset-password?token", "Reset your password"} {
		if strings.Contains(out, secret) {
			t.Errorf("log shows %q:\n%s", secret, out)
		}
	}
}

func TestOutbox_ConcurrentSendsArriveExactlyOnce(t *testing.T) {
	st, srv := storetest.Store(t), smtptest.Start(t)
	o := mail.New(st, newSender(t, srv.URL()), quiet(), fast)
	stop := run(t, o)

	const n = 50
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Go(func() {
			if _, err := o.Send(context.Background(), letter(fmt.Sprintf("receipt %02d", i))); err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatalf("send: %v", err)
	}

	srv.WaitFor(t, n, patience)
	waitAllSent(t, st)
	stop()
	got := messageSubjects(srv.Messages())
	slices.Sort(got)
	want := make([]string, n)
	for i := range want {
		want[i] = fmt.Sprintf("receipt %02d", i)
	}
	if !slices.Equal(got, want) {
		t.Fatalf("delivered %d messages %q\nwant each of the %d once", len(got), got, n)
	}
}

func TestOutbox_MailBeyondAFullQueueIsDeliveredFromTheOutbox(t *testing.T) {
	st, srv := storetest.Store(t), smtptest.Start(t)
	opts := fast
	opts.MaxQueued = 2
	var logs syncBuffer
	o := mail.New(st, newSender(t, srv.URL()), slog.New(slog.NewTextHandler(&logs, nil)), opts)

	const n = 7
	for i := range n {
		send(t, o, letter(fmt.Sprintf("mail %d", i)))
	}
	if !strings.Contains(logs.String(), "mail queue full") {
		t.Fatalf("no warning about the full queue:\n%s", logs.String())
	}

	stop := run(t, o)
	srv.WaitFor(t, n, patience)
	waitAllSent(t, st)
	stop()
	got := messageSubjects(srv.Messages())
	slices.Sort(got)
	if len(got) != n || len(slices.Compact(got)) != n {
		t.Fatalf("delivered %q, want each of the %d mails once", got, n)
	}
}

func TestOutbox_RecordingFailureRetriesTheRecordNotTheDelivery(t *testing.T) {
	st, srv := flakyStore{Store: storetest.Store(t)}, smtptest.Start(t)
	st.markFailures = new(atomic.Int64)
	st.markFailures.Store(3)
	sender := &countingSender{next: newSender(t, srv.URL())}
	o := mail.New(st, sender, quiet(), fast)
	stop := run(t, o)

	send(t, o, letter("Results are published"))
	// Only the fourth MarkMailSent succeeds.
	waitAllSent(t, st)
	stop()
	if n, a := len(srv.Messages()), sender.attempts.Load(); n != 1 || a != 1 {
		t.Fatalf("%d messages delivered in %d attempts, want 1 in 1", n, a)
	}
}

func TestOutbox_SendReturnsStoreErrorAndDeliversNothing(t *testing.T) {
	st, srv := flakyStore{Store: storetest.Store(t), failEnqueue: true}, smtptest.Start(t)
	o := mail.New(st, newSender(t, srv.URL()), quiet(), fast)
	stop := run(t, o)

	if _, err := o.Send(context.Background(), letter("never stored")); !errors.Is(err, errInjected) {
		t.Fatalf("send: %v, want the store's error", err)
	}
	stop()
	if n := len(srv.Messages()); n != 0 {
		t.Fatalf("%d messages delivered, want none", n)
	}
}

func TestOutbox_SendRejectsAnInvalidRecipient(t *testing.T) {
	st := storetest.Store(t)
	o := mail.New(st, nil, quiet(), fast)
	if _, err := o.Send(context.Background(), models.Mail{To: "not an address", Subject: "x"}); !errors.Is(err, models.ErrInvalid) {
		t.Fatalf("send: %v, want ErrInvalid", err)
	}
	if unsent, err := st.UnsentMails(context.Background()); err != nil || len(unsent) != 0 {
		t.Fatalf("outbox holds %v (%v), want nothing", unsent, err)
	}
}

func TestOutbox_SecondConcurrentRunIsAnError(t *testing.T) {
	sender := &blockingSender{entered: make(chan struct{}, 1)}
	o := mail.New(storetest.Store(t), sender, quiet(), fast)
	stop := run(t, o)
	send(t, o, letter("held up"))
	select {
	case <-sender.entered:
	case <-time.After(patience):
		t.Fatal("the worker did not start delivering")
	}
	if err := o.Run(context.Background()); err == nil {
		t.Fatal("a second Run started while the first delivers")
	}
	stop()
}

// blockingSender signals each attempt on entered and then waits for its
// context to end.
type blockingSender struct{ entered chan struct{} }

func (b *blockingSender) Send(ctx context.Context, _ models.Mail) error {
	select {
	case b.entered <- struct{}{}:
	default:
	}
	<-ctx.Done()
	return ctx.Err()
}

var errInjected = errors.New("injected store failure")

// flakyStore is the real store with failures injected into its writes.
type flakyStore struct {
	*store.Store
	failEnqueue  bool
	markFailures *atomic.Int64 // MarkMailSent fails while positive
}

func (f flakyStore) EnqueueMail(ctx context.Context, m models.Mail) (models.Mail, error) {
	if f.failEnqueue {
		return models.Mail{}, errInjected
	}
	return f.Store.EnqueueMail(ctx, m)
}

func (f flakyStore) MarkMailSent(ctx context.Context, id string, at time.Time) error {
	if f.markFailures != nil && f.markFailures.Add(-1) >= 0 {
		return errInjected
	}
	return f.Store.MarkMailSent(ctx, id, at)
}

// syncBuffer is a bytes.Buffer safe for a logger and a test to share.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func TestOutbox_SendManyDeliversEachAndRefusesOnlyTheBadAddress(t *testing.T) {
	st, srv := storetest.Store(t), smtptest.Start(t)
	o := mail.New(st, newSender(t, srv.URL()), quiet(), fast)
	stop := run(t, o)
	defer stop()
	stored, err := o.SendMany(context.Background(), []models.Mail{
		{To: "ada@example.org", Kind: models.MailVoteReceipt, Subject: "receipts 1", Body: "one"},
		{To: "not an address", Kind: models.MailVoteReceipt, Subject: "receipts 2", Body: "two"},
		{To: "grace@example.org", Kind: models.MailVoteReceipt, Subject: "receipts 3", Body: "three"},
	})
	if err == nil || !strings.Contains(err.Error(), "not an address") || len(stored) != 2 || stored[0].ID == stored[1].ID {
		t.Fatalf("SendMany = %d stored, %v; want the two good ones stored with ids and the bad one named", len(stored), err)
	}
	got := messageSubjects(srv.WaitFor(t, 2, patience))
	slices.Sort(got)
	if !slices.Equal(got, []string{"receipts 1", "receipts 3"}) {
		t.Fatalf("delivered %v", got)
	}
	waitAllSent(t, st)
}

// Package mail delivers the platform's outgoing messages (SPEC §3 "Mail").
// Every message is first written to the outbox in the store, then delivered
// over SMTP by one worker that retries with exponential backoff until the
// server takes it, and is then recorded as sent by an inserted fact. No
// message is lost when the SMTP server is down or the process stops: a new
// worker delivers what the outbox holds without a sent record.
//
// Several replicas of the app may run workers on one shared database: before
// each attempt a worker claims the mail by inserting a claim keyed by the
// mail's id (store.ClaimMail), so that of the workers that find a mail
// unsent exactly one delivers it, and a mail whose claimant stopped is taken
// over once its claim's lease has run out. Delivery is otherwise at least
// once: a stop between the server's acceptance and the sent record delivers
// the message again after the lease; both copies carry the same Message-ID.
package mail

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	mathrand "math/rand/v2"
	netmail "net/mail"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/wsis-platform/wsis/models"
)

// Sender delivers one mail to a mail server. It returns nil only once the
// server has accepted the mail.
type Sender interface {
	Send(ctx context.Context, m models.Mail) error
}

// Store is the outbox's durable part; *store.Store satisfies it.
type Store interface {
	// EnqueueMail writes m to the outbox, giving it an id when it has none.
	EnqueueMail(ctx context.Context, m models.Mail) (models.Mail, error)
	// EnqueueMails writes many mails to the outbox, each with a new id.
	EnqueueMails(ctx context.Context, ms []models.Mail) ([]models.Mail, error)
	// MarkMailSent records, idempotently, that mail id was delivered.
	MarkMailSent(ctx context.Context, id string, at time.Time) error
	// UnsentMails returns the mails without a sent record, oldest first.
	UnsentMails(ctx context.Context) ([]models.Mail, error)
	// ClaimMail reports whether owner may deliver mail id now, holding
	// generation known of its claim already, and records its claim.
	ClaimMail(ctx context.Context, id, owner string, known int, now time.Time, lease time.Duration) (int, bool, error)
}

// Options tunes an Outbox. Zero fields take the defaults.
type Options struct {
	// From is the sender address, shown in the log line of each mail kept
	// in the outbox when no SMTP server is configured. An SMTPSender carries
	// its own.
	From string
	// MinBackoff is the wait after a first failure, doubled after each
	// further failure of the same mail (default 1s).
	MinBackoff time.Duration
	// MaxBackoff caps the wait between two attempts (default 5min).
	MaxBackoff time.Duration
	// MaxQueued caps the mails held in memory for delivery (default 10,000).
	// A mail sent while the queue is full stays in the outbox only and is
	// picked up by a read of the outbox once the queue has room.
	MaxQueued int
	// Clock stamps created_at and sent_at (default models.SystemClock).
	// Backoff waits and claim leases run on the real time.
	Clock models.Clock
	// Owner names this worker in its claims on mails; it must differ between
	// the processes that share a database (default: host name, process id
	// and a random suffix).
	Owner string
	// ClaimLease is how long a claim on a mail keeps other workers from
	// delivering it (default 5min). It must well exceed twice the time a
	// delivery and its sent record take.
	ClaimLease time.Duration
	// Rescan, when positive, is how often the worker reads the outbox again
	// for mails without a sent record: those other replicas wrote, or
	// claimed and then stopped. Zero reads it only at start and after a full
	// queue, which is enough for a database no other process writes.
	Rescan time.Duration
}

// markTimeout bounds the recording of a delivered mail, which goes on when
// the worker is told to stop so that the mail is not delivered again.
const markTimeout = 5 * time.Second

// Outbox writes mails to the store and delivers them in the background. Its
// methods are safe for concurrent use.
type Outbox struct {
	store  Store
	sender Sender
	logger *slog.Logger
	opts   Options

	running atomic.Bool
	// wake tells the worker that a mail was queued.
	wake chan struct{}
	mu   sync.Mutex
	// queue is guarded by mu.
	queue *queue
}

// New returns an Outbox on store that delivers through sender. A nil sender
// means no SMTP server is configured: mails are kept in the outbox, and the
// log says of each its id, kind and recipient, never its subject or body,
// which carry live tokens. A nil logger is slog.Default().
func New(store Store, sender Sender, logger *slog.Logger, opts Options) *Outbox {
	if logger == nil {
		logger = slog.Default()
	}
	if opts.MinBackoff <= 0 {
		opts.MinBackoff = time.Second
	}
	if opts.MaxBackoff <= 0 {
		opts.MaxBackoff = 5 * time.Minute
	}
	opts.MaxBackoff = max(opts.MaxBackoff, opts.MinBackoff)
	if opts.MaxQueued <= 0 {
		opts.MaxQueued = 10_000
	}
	if opts.Clock == nil {
		opts.Clock = models.SystemClock{}
	}
	if opts.Owner == "" {
		opts.Owner = DefaultOwner()
	}
	if opts.ClaimLease <= 0 {
		opts.ClaimLease = 5 * time.Minute
	}
	return &Outbox{
		store: store, sender: sender, logger: logger, opts: opts,
		wake:  make(chan struct{}, 1),
		queue: newQueue(opts.MaxQueued),
	}
}

// Send stamps m.CreatedAt from the clock, writes m to the outbox and hands it
// to the worker without waiting for delivery. Once Send returns nil the mail
// is durable and will be delivered even if the process stops now; a decoy
// (kind models.MailDecoy) is written alike and never delivered. Returns
// the mail as stored (with its id), ErrInvalid when m.To is not an email
// address, or the store's error, in which case nothing will be delivered.
func (o *Outbox) Send(ctx context.Context, m models.Mail) (models.Mail, error) {
	if _, err := netmail.ParseAddress(m.To); err != nil {
		return models.Mail{}, models.Invalid("to", "must be an email address")
	}
	m.CreatedAt = o.opts.Clock.Now()
	m, err := o.store.EnqueueMail(ctx, m)
	if err != nil {
		return models.Mail{}, fmt.Errorf("mail: send: %w", err)
	}
	o.handOver(m)
	return m, nil
}

// SendMany is Send for many mails at once, written to the outbox in few
// round trips: a burst of mails does not cost an insert each. A mail whose
// address is not one is left out and reported in the error, which also
// reports the store's; the others are sent. Returns the mails as stored.
func (o *Outbox) SendMany(ctx context.Context, ms []models.Mail) ([]models.Mail, error) {
	var bad []error
	ok := make([]models.Mail, 0, len(ms))
	now := o.opts.Clock.Now()
	for _, m := range ms {
		if _, err := netmail.ParseAddress(m.To); err != nil {
			bad = append(bad, fmt.Errorf("mail: send to %q: %w", m.To, models.Invalid("to", "must be an email address")))
			continue
		}
		m.CreatedAt = now
		ok = append(ok, m)
	}
	stored, err := o.store.EnqueueMails(ctx, ok)
	for _, m := range stored {
		o.handOver(m)
	}
	if err != nil {
		bad = append(bad, fmt.Errorf("mail: send: %w", err))
	}
	return stored, errors.Join(bad...)
}

// handOver gives a stored mail to the delivery worker, or logs why not.
func (o *Outbox) handOver(m models.Mail) {
	if m.Kind == models.MailDecoy {
		o.logger.Debug("decoy mail kept in outbox, never delivered", "id", m.ID)
		return
	}
	if o.sender == nil {
		// Never the subject or body: they carry live links (verification,
		// password reset), and logs are read by more people than mailboxes.
		o.logger.Info("mail kept in outbox: no SMTP configured",
			"id", m.ID, "kind", m.Kind, "from", o.opts.From, "to", m.To)
		return
	}
	o.mu.Lock()
	_, full := o.queue.add(m)
	o.mu.Unlock()
	if full {
		o.logger.Warn("mail queue full: the mail stays in the outbox and is delivered once the queue drains",
			"id", m.ID, "kind", m.Kind, "max_queued", o.opts.MaxQueued)
		return
	}
	select {
	case o.wake <- struct{}{}:
	default: // the worker has a wake-up pending already
	}
}

// Run is the delivery worker; it returns nil once ctx ends. It first reads
// the outbox for mails without a sent record (left by an earlier process, or
// sent before Run), then delivers each queued mail and records it sent.
// A failed attempt is retried after an exponential backoff with jitter,
// capped at MaxBackoff, forever: a mail is never dropped, and one waiting to
// be retried does not hold up the others. Mails go out one at a time, in
// order of arrival apart from retries. Run may be called again after it
// returns; it returns an error when called while running. Without a sender
// it only waits for ctx to end.
func (o *Outbox) Run(ctx context.Context) error {
	if o.sender == nil {
		o.logger.Info("mail delivery off: no SMTP configured; mails stay in the outbox")
		<-ctx.Done()
		return nil
	}
	if !o.running.CompareAndSwap(false, true) {
		return errors.New("mail: outbox worker is running already")
	}
	defer o.running.Store(false)

	if !o.loadUnsent(ctx) {
		return nil
	}
	loaded := time.Now()
	for ctx.Err() == nil {
		o.mu.Lock()
		d, wait := o.queue.next(time.Now())
		rescan := d == nil && o.queue.wantsRescan()
		o.mu.Unlock()
		if d == nil && o.opts.Rescan > 0 {
			untilRescan := o.opts.Rescan - time.Since(loaded)
			rescan = rescan || untilRescan <= 0
			if wait < 0 || untilRescan < wait {
				wait = max(untilRescan, 0)
			}
		}
		switch {
		case d != nil:
			o.attempt(ctx, d)
		case rescan:
			o.loadUnsent(ctx)
			loaded = time.Now()
		default:
			o.sleep(ctx, wait)
		}
	}
	return nil
}

// loadUnsent queues the outbox's unsent mails, as many as there is room
// for, retrying a failed read with backoff. It reports false if ctx ended
// first.
func (o *Outbox) loadUnsent(ctx context.Context) bool {
	for failures := 1; ; failures++ {
		// Cleared before the read: a mail that overflows from now on sets it
		// again, and one that overflowed before is in the outbox already.
		o.mu.Lock()
		o.queue.overflow = false
		o.mu.Unlock()
		mails, err := o.store.UnsentMails(ctx)
		if err == nil {
			queued := 0
			o.mu.Lock()
			for _, m := range mails {
				added, full := o.queue.add(m)
				if full {
					break
				}
				if added {
					queued++
				}
			}
			o.mu.Unlock()
			if len(mails) > 0 {
				o.logger.Info("mail outbox read", "unsent", len(mails), "queued", queued)
			}
			return true
		}
		if ctx.Err() != nil {
			return false
		}
		delay := o.backoff(failures)
		o.logger.Warn("mail outbox read failed", "attempt", failures, "retry_in", delay, "err", err)
		if !o.sleep(ctx, delay) {
			return false
		}
	}
}

// attempt delivers d's mail, unless the server has it already, and records
// it sent. It first claims the mail, and leaves it to the worker that holds
// it, or to nobody when it is sent already. On failure it puts d back to be
// retried after a backoff.
func (o *Outbox) attempt(ctx context.Context, d *delivery) {
	if !d.delivered {
		gen, ok, err := o.store.ClaimMail(ctx, d.mail.ID, o.opts.Owner, d.claim, time.Now(), o.opts.ClaimLease)
		if err != nil {
			if ctx.Err() != nil {
				o.retryAt(d, time.Now())
				return
			}
			o.fail(d, "mail not claimed for delivery", err)
			return
		}
		if !ok {
			o.mu.Lock()
			o.queue.done(d)
			o.mu.Unlock()
			o.logger.Debug("mail left to the worker that claimed it or sent already", "id", d.mail.ID, "kind", d.mail.Kind)
			return
		}
		d.claim = gen
		if err := o.sender.Send(ctx, d.mail); err != nil {
			if ctx.Err() != nil {
				// Stopping, which is not the server's fault: no backoff.
				o.retryAt(d, time.Now())
				return
			}
			o.fail(d, "mail delivery failed", err)
			return
		}
		d.delivered, d.failures = true, 0
	}
	// The server has the mail: record it even if ctx ends now, or the next
	// start would deliver it again.
	markCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), markTimeout)
	err := o.store.MarkMailSent(markCtx, d.mail.ID, o.opts.Clock.Now())
	cancel()
	if err != nil {
		o.fail(d, "mail delivered but not recorded as sent", err)
		return
	}
	o.mu.Lock()
	o.queue.done(d)
	o.mu.Unlock()
	o.logger.Info("mail sent", "id", d.mail.ID, "kind", d.mail.Kind, "to", d.mail.To)
}

// fail counts a failed attempt of d and schedules the next one.
func (o *Outbox) fail(d *delivery, msg string, err error) {
	d.failures++
	delay := o.backoff(d.failures)
	o.logger.Warn(msg, "id", d.mail.ID, "kind", d.mail.Kind, "to", d.mail.To,
		"attempt", d.failures, "retry_in", delay, "err", err)
	o.retryAt(d, time.Now().Add(delay))
}

func (o *Outbox) retryAt(d *delivery, due time.Time) {
	d.due = due
	o.mu.Lock()
	o.queue.later(d)
	o.mu.Unlock()
}

// backoff is the wait after the given number of failures in a row:
// MinBackoff doubled for each failure after the first, capped at
// MaxBackoff, of which a random half is taken off so that mails that failed
// together do not retry in step.
func (o *Outbox) backoff(failures int) time.Duration {
	d := o.opts.MinBackoff
	for i := 1; i < failures && d < o.opts.MaxBackoff; i++ {
		d *= 2
	}
	d = min(d, o.opts.MaxBackoff)
	return d - mathrand.N(d/2+1)
}

// DefaultOwner names this process among the workers that share a database:
// its host, its process id and a random suffix, which tells apart two
// processes that got the same id in two containers of one name.
func DefaultOwner() string {
	host, err := os.Hostname()
	if err != nil || host == "" {
		host = "unknown-host"
	}
	suffix := make([]byte, 6)
	_, _ = rand.Read(suffix)
	return host + "/" + strconv.Itoa(os.Getpid()) + "/" + hex.EncodeToString(suffix)
}

// sleep waits for wait (forever when negative), a newly queued mail, or the
// end of ctx, and reports false in the last case.
func (o *Outbox) sleep(ctx context.Context, wait time.Duration) bool {
	var timeout <-chan time.Time
	if wait >= 0 {
		t := time.NewTimer(wait)
		defer t.Stop()
		timeout = t.C
	}
	select {
	case <-ctx.Done():
		return false
	case <-o.wake:
	case <-timeout:
	}
	return true
}

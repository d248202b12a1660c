package mail_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/wsis-platform/wsis/mail"
	"github.com/wsis-platform/wsis/mail/smtptest"
	"github.com/wsis-platform/wsis/models"
	"github.com/wsis-platform/wsis/store"
	"github.com/wsis-platform/wsis/store/storetest"
)

// sharedStore is a test database as each of several replicas sees a shared
// MongoDB: no in-process lock, and claims of other workers that hold until
// their lease runs out.
func sharedStore(t *testing.T) *store.Store {
	t.Helper()
	s := storetest.Store(t)
	return store.New(s.Database().Client(), s.Database().Name(), nil)
}

func enqueueAll(t *testing.T, st *store.Store, n int) []string {
	t.Helper()
	subjects := make([]string, n)
	for i := range n {
		subjects[i] = fmt.Sprintf("left unsent %02d", i)
		m := letter(subjects[i])
		m.CreatedAt = time.Now()
		if _, err := st.EnqueueMail(context.Background(), m); err != nil {
			t.Fatalf("enqueue: %v", err)
		}
	}
	return subjects
}

func TestOutbox_ConcurrentReplicasDeliverEachUnsentMailOnce(t *testing.T) {
	st, srv := storetest.Store(t), smtptest.Start(t)
	shared := store.New(st.Database().Client(), st.Database().Name(), nil)
	want := enqueueAll(t, shared, 40)

	// Two workers on one outbox, as two replicas that start together: both
	// read the same unsent mails at start.
	for _, owner := range []string{"replica-1", "replica-2"} {
		opts := fast
		opts.Owner = owner
		run(t, mail.New(shared, newSender(t, srv.URL()), quiet(), opts))
	}
	srv.WaitFor(t, len(want), patience)
	waitAllSent(t, shared)
	// Late duplicates would arrive within a delivery's time.
	time.Sleep(200 * time.Millisecond)
	got := messageSubjects(srv.Messages())
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Fatalf("delivered %d messages %q\nwant each of the %d once", len(got), got, len(want))
	}
}

func TestOutbox_RescanTakesOverTheMailOfAWorkerThatStopped(t *testing.T) {
	st, srv := sharedStore(t), smtptest.Start(t)
	const lease = 800 * time.Millisecond
	m, err := st.EnqueueMail(context.Background(), letter("claimed by a stopped replica"))
	if err != nil {
		t.Fatalf("enqueue: %v", err)
	}
	claimedAt := time.Now()
	if _, ok, err := st.ClaimMail(context.Background(), m.ID, "stopped-replica", 0, claimedAt, lease); err != nil || !ok {
		t.Fatalf("claim of the stopped replica: ok %v err %v", ok, err)
	}

	opts := fast
	opts.Owner, opts.ClaimLease, opts.Rescan = "survivor", lease, 50*time.Millisecond
	run(t, mail.New(st, newSender(t, srv.URL()), quiet(), opts))

	srv.WaitFor(t, 1, patience)
	if held := time.Since(claimedAt); held < lease {
		t.Fatalf("delivered %v after the other worker's claim, within its lease of %v", held, lease)
	}
	waitAllSent(t, st)
	time.Sleep(3 * opts.Rescan)
	if got := messageSubjects(srv.Messages()); len(got) != 1 || got[0] != m.Subject {
		t.Fatalf("delivered %q, want [%q] once", got, m.Subject)
	}
}

func TestOutbox_WithoutRescanAMailClaimedElsewhereIsLeftToItsClaimant(t *testing.T) {
	st, srv := sharedStore(t), smtptest.Start(t)
	m, err := st.EnqueueMail(context.Background(), models.Mail{To: "ada@example.org", Subject: "theirs", Kind: models.MailNomination})
	if err != nil {
		t.Fatalf("enqueue: %v", err)
	}
	if _, ok, err := st.ClaimMail(context.Background(), m.ID, "other-replica", 0, time.Now(), time.Hour); err != nil || !ok {
		t.Fatalf("claim of the other replica: ok %v err %v", ok, err)
	}
	opts := fast
	opts.Owner = "this-replica"
	o := mail.New(st, newSender(t, srv.URL()), quiet(), opts)
	stop := run(t, o)
	mine := send(t, o, letter("mine"))
	srv.WaitFor(t, 1, patience)
	stop()
	if got := messageSubjects(srv.Messages()); len(got) != 1 || got[0] != mine.Subject {
		t.Fatalf("delivered %q, want only [%q]: the other replica holds %q", got, mine.Subject, m.Subject)
	}
}

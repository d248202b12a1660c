package mail

import (
	"container/heap"
	"time"

	"github.com/wsis-platform/wsis/models"
)

// delivery is one mail on its way to the SMTP server.
type delivery struct {
	mail models.Mail
	// failures counts the failed attempts in a row, for the backoff.
	failures int
	// delivered is set once the server took the mail; only the sent record
	// is missing then, and the mail is not sent again.
	delivered bool
	// claim is the generation of this worker's claim on the mail, 0 before
	// the first (store.ClaimMail).
	claim int
	// due is when the next attempt may start.
	due time.Time
	// seq orders deliveries by arrival.
	seq uint64
}

// queue is the worker's in-memory view of the outbox: the mails it has yet
// to deliver, at most limit of them. New mails wait in arrival order; failed
// ones wait in a retry heap ordered by their next attempt, so a mail in
// backoff does not hold up the others. It is not safe for concurrent use;
// Outbox guards it with its mutex.
type queue struct {
	limit int
	// known holds the ids of every mail in fresh, in retry or in flight, so
	// that a mail reaching the queue both from Send and from a read of the
	// outbox is delivered once.
	known map[string]struct{}
	fresh []*delivery
	retry retryHeap
	// overflow says a mail was left in the outbox only, the queue being
	// full; the worker reads the outbox again when there is room.
	overflow bool
	seq      uint64
}

func newQueue(limit int) *queue {
	return &queue{limit: limit, known: map[string]struct{}{}}
}

// add queues m for delivery, unless it is queued already. It reports
// whether m was added, and full when there was no room: m then stays in the
// outbox only, and overflow is set.
func (q *queue) add(m models.Mail) (added, full bool) {
	if _, ok := q.known[m.ID]; ok {
		return false, false
	}
	if len(q.known) >= q.limit {
		q.overflow = true
		return false, true
	}
	q.known[m.ID] = struct{}{}
	q.seq++
	q.fresh = append(q.fresh, &delivery{mail: m, seq: q.seq})
	return true, false
}

// next takes the delivery to attempt now: the retry that has been due the
// longest, else the oldest new mail. When there is none it returns how long
// until the first retry is due, or a negative wait when nothing is waiting.
func (q *queue) next(now time.Time) (d *delivery, wait time.Duration) {
	if len(q.retry) > 0 && !q.retry[0].due.After(now) {
		return heap.Pop(&q.retry).(*delivery), 0
	}
	if len(q.fresh) > 0 {
		d, q.fresh[0] = q.fresh[0], nil
		q.fresh = q.fresh[1:]
		return d, 0
	}
	if len(q.retry) > 0 {
		return nil, q.retry[0].due.Sub(now)
	}
	return nil, -1
}

// later puts d back, to be attempted again at d.due.
func (q *queue) later(d *delivery) { heap.Push(&q.retry, d) }

// done forgets d, whose mail is delivered and recorded as sent.
func (q *queue) done(d *delivery) { delete(q.known, d.mail.ID) }

// wantsRescan reports whether mails were left in the outbox for want of
// room and there is room now.
func (q *queue) wantsRescan() bool { return q.overflow && len(q.known) < q.limit }

// retryHeap is a container/heap of deliveries, the earliest due first and,
// among equals, the earliest to arrive.
type retryHeap []*delivery

func (h retryHeap) Len() int { return len(h) }

func (h retryHeap) Less(i, j int) bool {
	if !h[i].due.Equal(h[j].due) {
		return h[i].due.Before(h[j].due)
	}
	return h[i].seq < h[j].seq
}

func (h retryHeap) Swap(i, j int) { h[i], h[j] = h[j], h[i] }

func (h *retryHeap) Push(x any) { *h = append(*h, x.(*delivery)) }

func (h *retryHeap) Pop() any {
	old := *h
	d := old[len(old)-1]
	old[len(old)-1] = nil
	*h = old[:len(old)-1]
	return d
}

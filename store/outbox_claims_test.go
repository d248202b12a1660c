package store_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/wsis-platform/wsis/store"
	"github.com/wsis-platform/wsis/store/storetest"
)

// sharedView is the store on the same database as s, as a process that does
// not own it sees it: as on a MongoDB deployment several replicas share, with
// no in-process lock and leases that count.
func sharedView(s *store.Store) *store.Store {
	return store.New(s.Database().Client(), s.Database().Name(), nil)
}

const lease = 10 * time.Minute

func claim(t *testing.T, s *store.Store, id, owner string, known int, at time.Time) (int, bool) {
	t.Helper()
	gen, ok, err := s.ClaimMail(context.Background(), id, owner, known, at, lease)
	if err != nil {
		t.Fatalf("%s claims %s: %v", owner, id, err)
	}
	return gen, ok
}

func TestClaimMail_ConcurrentWorkersExactlyOneWins(t *testing.T) {
	s := sharedView(storetest.Store(t))
	m := enqueue(t, s, "", "race", 0)
	const workers = 16
	var wg sync.WaitGroup
	wins := make(chan string, workers)
	for i := range workers {
		wg.Go(func() {
			owner := fmt.Sprintf("replica-%d", i)
			_, ok, err := s.ClaimMail(context.Background(), m.ID, owner, 0, mailEpoch, lease)
			if err != nil {
				t.Errorf("%s: %v", owner, err)
			}
			if ok {
				wins <- owner
			}
		})
	}
	wg.Wait()
	close(wins)
	var winners []string
	for w := range wins {
		winners = append(winners, w)
	}
	if len(winners) != 1 {
		t.Fatalf("winners %v, want exactly one", winners)
	}
}

func TestClaimMail_LeaseKeepsOthersOutUntilItRunsOut(t *testing.T) {
	s := sharedView(storetest.Store(t))
	m := enqueue(t, s, "", "lease", 0)
	t0 := mailEpoch

	gen, ok := claim(t, s, m.ID, "a", 0, t0)
	if !ok || gen != 1 {
		t.Fatalf("first claim: gen %d ok %v, want 1 true", gen, ok)
	}
	if _, ok := claim(t, s, m.ID, "b", 0, t0.Add(lease-time.Second)); ok {
		t.Fatal("b took the mail within a's lease")
	}
	if g, ok := claim(t, s, m.ID, "a", gen, t0.Add(lease/4)); !ok || g != 1 {
		t.Fatalf("a within the first half of its lease: gen %d ok %v, want 1 true", g, ok)
	}
	// Past half its lease a renews, which restarts the lease.
	renewedAt := t0.Add(lease / 2)
	if gen, ok = claim(t, s, m.ID, "a", gen, renewedAt); !ok || gen != 2 {
		t.Fatalf("renewal: gen %d ok %v, want 2 true", gen, ok)
	}
	if _, ok := claim(t, s, m.ID, "b", 0, renewedAt.Add(lease-time.Second)); ok {
		t.Fatal("b took the mail within a's renewed lease")
	}
	if g, ok := claim(t, s, m.ID, "b", 0, renewedAt.Add(lease)); !ok || g != 3 {
		t.Fatalf("b once a's lease ran out: gen %d ok %v, want 3 true", g, ok)
	}
	if _, ok := claim(t, s, m.ID, "a", gen, renewedAt.Add(lease)); ok {
		t.Fatal("a still holds the mail b took over")
	}
}

func TestClaimMail_SentMailIsNeverClaimed(t *testing.T) {
	s := sharedView(storetest.Store(t))
	m := enqueue(t, s, "", "sent", 0)
	if err := s.MarkMailSent(context.Background(), m.ID, mailEpoch); err != nil {
		t.Fatalf("mark sent: %v", err)
	}
	if _, ok := claim(t, s, m.ID, "a", 0, mailEpoch); ok {
		t.Fatal("a sent mail was claimed")
	}
}

func TestClaimMail_EmbeddedTakesOverAStoppedProcessesClaimAtOnce(t *testing.T) {
	s := storetest.Store(t)
	if !s.Embedded() {
		t.Skip("the embedded database's rule: WSIS_TEST_MONGODB_URI is set")
	}
	m := enqueue(t, s, "", "restart", 0)
	if _, ok := claim(t, s, m.ID, "before-restart", 0, mailEpoch); !ok {
		t.Fatal("first claim refused")
	}
	if g, ok := claim(t, s, m.ID, "after-restart", 0, mailEpoch.Add(time.Second)); !ok || g != 2 {
		t.Fatalf("the restarted process: gen %d ok %v, want 2 true", g, ok)
	}
}

package store_test

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wsis-platform/wsis/store/storetest"
)

// Of many replicas whose tickers fire in one period, exactly one runs the
// job; the next period is claimed anew, another job's period apart, and
// the records expire with the other expired records.
func TestClaimJobRun_ConcurrentClaimsOfOnePeriodRunOnce(t *testing.T) {
	s := storetest.Empty(t)
	ctx := context.Background()
	period := 10 * time.Minute
	at := time.Date(2026, 12, 1, 10, 3, 0, 0, time.UTC)
	var wins atomic.Int32
	var wg sync.WaitGroup
	for i := range 12 {
		wg.Go(func() {
			// Tickers fire at different moments of the same period.
			won, err := s.ClaimJobRun(ctx, "anomalies", period, at.Add(time.Duration(i)*20*time.Second), fmt.Sprint("replica-", i%3))
			if err != nil {
				t.Error(err)
			}
			if won {
				wins.Add(1)
			}
		})
	}
	wg.Wait()
	if wins.Load() != 1 {
		t.Fatalf("%d runs of one period, want 1", wins.Load())
	}
	for _, c := range []struct {
		job  string
		at   time.Time
		want bool
	}{
		{"anomalies", at.Add(5 * time.Minute), false}, // 10:08, the same period
		{"anomalies", at.Add(7 * time.Minute), true},  // 10:10, the next
		{"clean-up", at, true},                        // another job
	} {
		won, err := s.ClaimJobRun(ctx, c.job, period, c.at, "replica-0")
		if err != nil || won != c.want {
			t.Errorf("%s at %s: %v, %v; want %v", c.job, c.at.Format(time.TimeOnly), won, err, c.want)
		}
	}
	n, err := s.DeleteExpired(ctx, at.Add(time.Hour))
	if err != nil || n != 3 {
		t.Fatalf("DeleteExpired an hour later: %d, %v; want the 3 run records", n, err)
	}
	if won, _ := s.ClaimJobRun(ctx, "anomalies", period, at, "replica-1"); !won {
		t.Fatal("a period whose record expired could not be claimed again")
	}
}

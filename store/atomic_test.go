package store_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wsis-platform/wsis/models"
	"github.com/wsis-platform/wsis/store"
	"github.com/wsis-platform/wsis/store/storetest"
)

// concurrently runs fn(i) for i in [0, n) at once and returns their errors.
func concurrently(n int, fn func(i int) error) []error {
	errs := make([]error, n)
	var start, done sync.WaitGroup
	start.Add(1)
	for i := range n {
		done.Add(1)
		go func() {
			defer done.Done()
			start.Wait()
			errs[i] = fn(i)
		}()
	}
	start.Done()
	done.Wait()
	return errs
}

func TestNextSeq_ConcurrentIncrementsAreExactAndNeverRepeat(t *testing.T) {
	s := storetest.Store(t)
	ctx := context.Background()
	const n = 40
	got := make([]int64, n)
	for i, err := range concurrently(n, func(i int) (err error) {
		got[i], err = store.NextSeq(ctx, s, "probe", 1)
		return err
	}) {
		if err != nil {
			t.Fatalf("call %d: %v", i, err)
		}
	}
	seen := map[int64]bool{}
	for _, v := range got {
		if seen[v] || v < 1 || v > n {
			t.Fatalf("values handed out = %v: repeated or out of 1..%d", got, n)
		}
		seen[v] = true
	}
	if last, err := store.NextSeq(ctx, s, "probe", 1); err != nil || last != n+1 {
		t.Fatalf("after %d increments the counter gives %d, %v; want %d", n, last, err, n+1)
	}
}

// Without If-Match every concurrent change lands once, on the value the one
// before it left: none is lost.
func TestUpdateContest_ConcurrentChangesAllLand(t *testing.T) {
	s := storetest.Store(t)
	ctx := context.Background()
	c, err := s.CreateContest(ctx, models.Contest{Year: 2031, Title: "WSIS Prizes 2031"})
	if err != nil {
		t.Fatal(err)
	}
	const n = 12
	for i, err := range concurrently(n, func(i int) error {
		_, _, err := s.UpdateContest(ctx, c.Year, 0, time.Now(), func(c *models.Contest) error {
			c.Title += fmt.Sprintf(" +%d", i)
			return nil
		})
		return err
	}) {
		if err != nil {
			t.Fatalf("change %d: %v", i, err)
		}
	}
	got, err := s.Contest(ctx, c.Year)
	if err != nil {
		t.Fatal(err)
	}
	for i := range n {
		if !slices.Contains(strings.Fields(got.Title), fmt.Sprintf("+%d", i)) {
			t.Fatalf("change %d was lost: title %q", i, got.Title)
		}
	}
	if got.Version != c.Version+n {
		t.Fatalf("version = %d, want %d", got.Version, c.Version+n)
	}
}

func TestUpdateAssignment_ConcurrentChangesAllLand(t *testing.T) {
	s := storetest.Store(t)
	ctx := context.Background()
	as, err := s.CreateAssignments(ctx, []models.Assignment{{Contest: 2031, Category: 1, NominationID: "n1", ReviewerID: "r1",
		State: models.ReviewDraft, Scores: map[string]int{}, CreatedAt: time.Now()}})
	if err != nil || len(as) != 1 {
		t.Fatal(as, err)
	}
	const n = 12
	for i, err := range concurrently(n, func(i int) error {
		_, err := s.UpdateAssignment(ctx, as[0].ID, time.Now(), func(a *models.Assignment) error {
			a.Scores[fmt.Sprint(i)] = i
			return nil
		})
		return err
	}) {
		if err != nil {
			t.Fatalf("change %d: %v", i, err)
		}
	}
	got, err := s.Assignment(ctx, as[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Scores) != n || got.Version != as[0].Version+n {
		t.Fatalf("scores %v at version %d, want %d scores at version %d", got.Scores, got.Version, n, as[0].Version+n)
	}
}

// Readers racing an admin's disabling: once the write has returned, no read
// answers the account as it was, however the reads and the write overlap
// (the embedded store caches accounts).
func TestUserByID_ConcurrentReadsNeverKeepAnOverwrittenAccount(t *testing.T) {
	s := storetest.Store(t)
	ctx := context.Background()
	for round := range 10 {
		u, err := s.CreateUser(ctx, models.User{Email: fmt.Sprintf("member%d@example.org", round), Name: "Member",
			CreatedAt: time.Now()}, "hash")
		if err != nil {
			t.Fatal(err)
		}
		stop := make(chan struct{})
		var readers sync.WaitGroup
		for range 4 {
			readers.Go(func() {
				for {
					select {
					case <-stop:
						return
					default:
					}
					if _, err := s.UserByID(ctx, u.ID); err != nil {
						t.Error(err)
						return
					}
				}
			})
		}
		disabled := true
		if _, _, err := s.UpdateAccess(ctx, u.ID, 0, store.AccessPatch{Disabled: &disabled}, time.Now()); err != nil {
			t.Fatal(err)
		}
		for range 20 {
			if got, err := s.UserByID(ctx, u.ID); err != nil || !got.Disabled {
				t.Fatalf("round %d: read after the disabling: disabled=%v, %v", round, got.Disabled, err)
			}
		}
		close(stop)
		readers.Wait()
	}
}

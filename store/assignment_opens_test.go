package store_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/wsis-platform/wsis/models"
	"github.com/wsis-platform/wsis/store/storetest"
)

func TestRecordAssignmentOpened_ConcurrentOpensStoreOneAndKeepTheFirst(t *testing.T) {
	s := storetest.Store(t)
	ctx := context.Background()
	a := models.Assignment{ID: models.AssignmentID("n1", "r1"), Contest: 2027, NominationID: "n1", ReviewerID: "r1"}
	start := time.Date(2027, 2, 3, 10, 0, 0, 0, time.UTC)
	const opens = 16
	var wg sync.WaitGroup
	firsts := make(chan time.Time, opens)
	for i := range opens {
		wg.Go(func() {
			at := start.Add(time.Duration(i) * time.Second)
			first, err := s.RecordAssignmentOpened(ctx, a, at)
			if err != nil {
				t.Error(err)
			}
			if first {
				firsts <- at
			}
		})
	}
	wg.Wait()
	close(firsts)
	var won []time.Time
	for at := range firsts {
		won = append(won, at)
	}
	if len(won) != 1 {
		t.Fatalf("%d opens reported first, want exactly 1", len(won))
	}
	got, err := s.AssignmentOpened(ctx, a.ID)
	if err != nil || got == nil || !got.Equal(won[0]) {
		t.Fatalf("opened at %v (%v), want the first open's %s", got, err, won[0])
	}
	if first, err := s.RecordAssignmentOpened(ctx, a, start.Add(time.Hour)); err != nil || first {
		t.Fatalf("a later open: first %v, err %v; want it to change nothing", first, err)
	}
	opens2027, err := s.AssignmentOpens(ctx, 2027)
	if err != nil || len(opens2027) != 1 || !opens2027[a.ID].Equal(won[0]) {
		t.Fatalf("the contest's opens: %v (%v), want one at %s", opens2027, err, won[0])
	}
	if never, err := s.AssignmentOpened(ctx, "n2.r1"); err != nil || never != nil {
		t.Fatalf("an assignment never opened: %v, %v", never, err)
	}
}

package store_test

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wsis-platform/wsis/models"
	"github.com/wsis-platform/wsis/store"
	"github.com/wsis-platform/wsis/store/storetest"
)

func vote(contest, category int, nomination, voter string) models.Vote {
	return models.Vote{ID: models.VoteID(contest, category, voter), Contest: contest, Category: category,
		NominationID: nomination, VoterID: voter, CastAt: time.Now().UTC().Truncate(time.Millisecond)}
}

func TestVoteBatcher_ConcurrentAttemptsOfOneVoteStoreExactlyOne(t *testing.T) {
	s := storetest.Store(t)
	b := s.NewVoteBatcher(store.VoteBatcherOptions{})
	defer b.Close(context.Background())
	const n = 40
	errs := concurrently(n, func(i int) error {
		return b.Cast(context.Background(), vote(2031, 3, fmt.Sprintf("nominee-%d", i%4), "voter-1"))
	})
	stored, refused := 0, 0
	for _, err := range errs {
		switch {
		case err == nil:
			stored++
		case errors.Is(err, models.ErrConflict):
			refused++
		default:
			t.Fatalf("cast: %v", err)
		}
	}
	if stored != 1 || refused != n-1 {
		t.Fatalf("stored %d, refused %d; want 1 and %d", stored, refused, n-1)
	}
	if r, err := s.RecountVotes(context.Background(), 2031, 0); err != nil || r.Votes != 1 {
		t.Fatalf("recount: %+v, %v; want one vote", r, err)
	}
}

func TestVoteBatcher_ConcurrentBurstCountersEqualRecount(t *testing.T) {
	s := storetest.Store(t)
	ctx := context.Background()
	b := s.NewVoteBatcher(store.VoteBatcherOptions{CountEvery: 5 * time.Millisecond})
	const voters, categories = 60, 3
	errs := concurrently(voters*categories, func(i int) error {
		voter, category := i/categories, 1+i%categories
		return b.Cast(ctx, vote(2031, category, fmt.Sprintf("nominee-%d", voter%5), fmt.Sprintf("voter-%d", voter)))
	})
	for _, err := range errs {
		if err != nil {
			t.Fatalf("cast: %v", err)
		}
	}
	if err := b.Close(ctx); err != nil {
		t.Fatal(err)
	}
	r, err := s.RecountVotes(ctx, 2031, 0)
	if err != nil {
		t.Fatal(err)
	}
	counts, err := s.VoteCounts(ctx, 2031)
	if err != nil {
		t.Fatal(err)
	}
	var sum int64
	for _, c := range counts {
		if got := r.Count(c.Category, c.NominationID); got != c.Votes {
			t.Errorf("category %d %s: counter %d, recount %d", c.Category, c.NominationID, c.Votes, got)
		}
		sum += c.Votes
	}
	if sum != voters*categories || r.Votes != voters*categories {
		t.Fatalf("counters sum %d, recount %d; want %d", sum, r.Votes, voters*categories)
	}
	if _, started, err := s.FirstVoteAt(ctx, 2031); err != nil || !started {
		t.Fatalf("the first vote was not recorded for the rules freeze: %v %v", started, err)
	}
}

// A graceful stop in the middle of a burst: every vote answered as stored is
// stored, and no vote refused for the stop is.
func TestVoteBatcher_ConcurrentCloseMidBurstLosesNoAcknowledgedVote(t *testing.T) {
	s := storetest.Store(t)
	ctx := context.Background()
	b := s.NewVoteBatcher(store.VoteBatcherOptions{MaxBatch: 16})
	var acked, refused atomic.Int64
	errs := concurrently(300, func(i int) error {
		if i == 150 {
			return b.Close(ctx)
		}
		err := b.Cast(ctx, vote(2031, 1, "nominee", fmt.Sprintf("voter-%d", i)))
		switch {
		case err == nil:
			acked.Add(1)
		case errors.Is(err, store.ErrBatcherClosed):
			refused.Add(1)
			err = nil
		}
		return err
	})
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	r, err := s.RecountVotes(ctx, 2031, 0)
	if err != nil {
		t.Fatal(err)
	}
	if r.Votes != acked.Load() || acked.Load()+refused.Load() != 299 {
		t.Fatalf("stored %d, acknowledged %d, refused %d", r.Votes, acked.Load(), refused.Load())
	}
	counts, err := s.VoteCounts(ctx, 2031)
	if err != nil {
		t.Fatal(err)
	}
	if acked.Load() > 0 && (len(counts) != 1 || counts[0].Votes != acked.Load()) {
		t.Fatalf("counters %+v after the stop, want %d", counts, acked.Load())
	}
}

func TestRecountVotes_LeavesOutInvalidatedAndIncompleteBallots(t *testing.T) {
	s := storetest.Store(t)
	ctx := context.Background()
	votes := []models.Vote{
		vote(2031, 1, "a", "full"), vote(2031, 2, "b", "full"),
		vote(2031, 1, "a", "half"),
		vote(2031, 1, "c", "cheat"), vote(2031, 2, "b", "cheat"),
		vote(2030, 1, "a", "full"), // another contest
	}
	for i, err := range s.InsertVotes(ctx, votes) {
		if err != nil {
			t.Fatalf("vote %d: %v", i, err)
		}
	}
	added, err := s.InsertInvalidations(ctx, []store.Invalidation{{Vote: votes[3], Reason: "scripted", By: "admin", At: time.Now()}})
	if err != nil || len(added) != 1 {
		t.Fatal(added, err)
	}
	if again, err := s.InsertInvalidations(ctx, []store.Invalidation{{Vote: votes[3], Reason: "twice", At: time.Now()}}); err != nil || len(again) != 0 {
		t.Fatalf("a second invalidation of one vote: %v %v", again, err)
	}
	counted, err := s.RecountVotes(ctx, 2031, 0)
	if err != nil {
		t.Fatal(err)
	}
	if counted.Count(1, "a") != 2 || counted.Count(1, "c") != 0 || counted.Count(2, "b") != 2 || counted.Invalidated[1] != 1 || counted.Votes != 5 {
		t.Fatalf("recount = %+v", counted)
	}
	// With complete ballots required (two categories), "half" does not
	// count, and "cheat" lost a vote to the invalidation, so neither does
	// its other vote.
	full, err := s.RecountVotes(ctx, 2031, 2)
	if err != nil {
		t.Fatal(err)
	}
	if full.Count(1, "a") != 1 || full.Count(2, "b") != 1 || full.Incomplete[1] != 1 || full.Incomplete[2] != 1 {
		t.Fatalf("complete-ballot recount = %+v", full)
	}
}

func TestSecret_ConcurrentFirstUsesAgreeOnOneKey(t *testing.T) {
	s := storetest.Store(t)
	keys := make([][]byte, 8)
	for i, err := range concurrently(len(keys), func(i int) (err error) {
		keys[i], err = s.Secret(context.Background(), "receipts", time.Now())
		return err
	}) {
		if err != nil {
			t.Fatalf("call %d: %v", i, err)
		}
	}
	for _, k := range keys {
		if len(k) != 32 || string(k) != string(keys[0]) {
			t.Fatalf("keys differ: %x", keys)
		}
	}
}

// A contest's votes are spread over its collections by voter, and every
// read puts them back together: one vote by id, a voter's votes, the stream
// of all of them and the recount, which reads the collections at once.
func TestVotes_SpreadOverCollectionsAndReadWhole(t *testing.T) {
	s := storetest.Store(t)
	ctx := context.Background()
	const voters = 200
	var votes []models.Vote
	for i := range voters {
		for c := 1; c <= 2; c++ {
			votes = append(votes, vote(2031, c, fmt.Sprintf("nominee-%d-%d", c, i%3), fmt.Sprintf("voter-%03d", i)))
		}
	}
	votes = append(votes, vote(2030, 1, "nominee-1-0", "voter-000")) // another contest
	for i, err := range s.InsertVotes(ctx, votes) {
		if err != nil {
			t.Fatalf("vote %d: %v", i, err)
		}
	}
	held, err := store.VotesIn(ctx, s, 2031)
	if err != nil {
		t.Fatal(err)
	}
	var total int64
	for i, n := range held {
		if n < voters/4 {
			t.Errorf("collection %d holds %d of %d votes: not spread", i, n, 2*voters)
		}
		total += n
	}
	if total != 2*voters {
		t.Fatalf("the collections hold %v, want %d votes in all", held, 2*voters)
	}
	for _, v := range votes[:6] {
		got, err := s.Vote(ctx, v.ID)
		if err != nil || got.Contest != v.Contest || got.Category != v.Category || got.VoterID != v.VoterID || got.NominationID != v.NominationID {
			t.Fatalf("vote %s read back as %+v, %v", v.ID, got, err)
		}
	}
	if mine, err := s.VotesOf(ctx, 2031, "voter-007", []int{1, 2, 3}); err != nil || len(mine) != 2 {
		t.Fatalf("voter-007's votes: %+v, %v", mine, err)
	}
	for _, id := range []string{"", "2031", "2031-01-", "x-01-voter-001", "2031-1-voter-001"} {
		if _, err := s.Vote(ctx, id); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("Vote(%q) = %v, want ErrNotFound", id, err)
		}
	}
	seen := map[string]bool{}
	err = s.EachVote(ctx, 2031, func(v models.Vote) error {
		if seen[v.ID] || v.Contest != 2031 || v.ID != models.VoteID(v.Contest, v.Category, v.VoterID) {
			return fmt.Errorf("vote %+v streamed twice or rebuilt wrongly", v)
		}
		seen[v.ID] = true
		return nil
	})
	if err != nil || len(seen) != 2*voters {
		t.Fatalf("streamed %d votes, %v; want %d", len(seen), err, 2*voters)
	}
	r, err := s.RecountVotes(ctx, 2031, 2)
	if err != nil {
		t.Fatal(err)
	}
	if r.Votes != 2*voters || r.Count(1, "nominee-1-0") != 67 || r.Count(2, "nominee-2-2") != 66 {
		t.Fatalf("recount = %+v", r)
	}
}

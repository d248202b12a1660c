package store

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/wsis-platform/wsis/models"
)

// ErrBatcherClosed is the answer to a vote cast after the batcher began to
// stop: the vote was not stored.
var ErrBatcherClosed = errors.New("store: vote batcher: stopping")

// VoteBatcher groups the inserts of concurrent votes into few round trips
// (SPEC §8 write batching): one worker takes every vote waiting and stores
// them with one unordered InsertMany, while the next votes queue for the
// following batch. Each caller is answered only once its own vote is
// acknowledged by the database, or refused (ErrConflict for a second vote
// in a category). The votes' live counters are kept in memory, grouped per
// nominee, and written with one $inc per nominee every CountEvery and when
// the batcher closes; the first vote of a contest is recorded once for the
// rules freeze. Close drains everything queued: nothing acknowledged is lost
// in a graceful stop.
type VoteBatcher struct {
	st       *Store
	log      *slog.Logger
	maxBatch int

	mu     sync.RWMutex // held to send on queue; taken whole to close it
	closed bool
	queue  chan *castRequest
	done   chan struct{}

	countMu sync.Mutex
	// flushMu holds a flush for its whole run, so that a flush asked for
	// (the admin tally's) returns only once one already writing has landed.
	flushMu sync.Mutex
	pending map[int]map[nomineeRef]int64 // contest → nominee → votes not yet on the counters
	started map[int]bool                 // contests whose first vote is recorded
	stop    chan struct{}
	flushed chan struct{}
}

// nomineeRef names a nominee within a contest.
type nomineeRef struct {
	category   int
	nomination string
}

type castRequest struct {
	vote models.Vote
	err  chan error
}

// VoteBatcherOptions tune a VoteBatcher; zero values take the defaults.
type VoteBatcherOptions struct {
	MaxBatch   int           // votes per InsertMany, 500 by default
	CountEvery time.Duration // how often the live counters are written, 2 s by default
	Logger     *slog.Logger
}

// NewVoteBatcher starts a batcher writing to s. Close it to stop.
func (s *Store) NewVoteBatcher(o VoteBatcherOptions) *VoteBatcher {
	if o.MaxBatch <= 0 {
		o.MaxBatch = 500
	}
	if o.CountEvery <= 0 {
		o.CountEvery = 2 * time.Second
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	b := &VoteBatcher{st: s, log: o.Logger, maxBatch: o.MaxBatch,
		queue: make(chan *castRequest, 4*o.MaxBatch), done: make(chan struct{}),
		pending: map[int]map[nomineeRef]int64{}, started: map[int]bool{}}
	go b.work(o.CountEvery)
	return b
}

// Cast stores v, built and checked by the caller, and returns once the
// database acknowledged it: nil when stored, ErrConflict when the voter's
// vote in that category exists, ErrBatcherClosed while stopping, or the
// database's error. ctx bounds the wait only: a vote already handed to the
// database may be stored although ctx ended first.
func (b *VoteBatcher) Cast(ctx context.Context, v models.Vote) error {
	req := &castRequest{vote: v, err: make(chan error, 1)}
	b.mu.RLock()
	if b.closed {
		b.mu.RUnlock()
		return ErrBatcherClosed
	}
	b.queue <- req
	b.mu.RUnlock()
	select {
	case err := <-req.err:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// work stores the queued votes batch by batch until the queue is closed
// and empty, and writes the live counters every countEvery between two
// batches: all of the vote path's writes go one after the other from here,
// so they never wait on each other for the database file's lock.
func (b *VoteBatcher) work(countEvery time.Duration) {
	defer close(b.done)
	tick := time.NewTicker(countEvery)
	defer tick.Stop()
	for {
		select {
		case first, ok := <-b.queue:
			if !ok {
				return
			}
			batch := []*castRequest{first}
		gather:
			for len(batch) < b.maxBatch {
				select {
				case r, ok := <-b.queue:
					if !ok {
						break gather
					}
					batch = append(batch, r)
				default:
					break gather
				}
			}
			b.store(batch)
		case <-tick.C:
			b.FlushCounts(context.Background())
		}
	}
}

func (b *VoteBatcher) store(batch []*castRequest) {
	votes := make([]models.Vote, len(batch))
	for i, r := range batch {
		votes[i] = r.vote
	}
	// The callers' contexts may end; a batch handed over is written anyway,
	// within a bound of its own.
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	errs := b.st.InsertVotes(ctx, votes)
	var stored []models.Vote
	for i, v := range votes {
		if errs[i] == nil {
			stored = append(stored, v)
		}
	}
	if len(stored) > 0 {
		b.count(ctx, stored)
	}
	for i, r := range batch {
		r.err <- errs[i]
	}
}

// count adds stored votes to the pending counters and records each
// contest's first vote before any caller hears of it.
func (b *VoteBatcher) count(ctx context.Context, stored []models.Vote) {
	b.countMu.Lock()
	defer b.countMu.Unlock()
	for _, v := range stored {
		if b.pending[v.Contest] == nil {
			b.pending[v.Contest] = map[nomineeRef]int64{}
		}
		b.pending[v.Contest][nomineeRef{v.Category, v.NominationID}]++
		if !b.started[v.Contest] {
			if err := b.st.RecordVotingStarted(ctx, v.Contest, v.CastAt); err != nil {
				b.log.Error("vote batcher: rules freeze not recorded", "contest", v.Contest, "err", err)
				continue
			}
			b.started[v.Contest] = true
		}
	}
}

// FlushCounts writes the pending live-counter increments now, one $inc per
// nominee. The admin tally calls it first, so this process's votes are on
// the counters it reads. Increments that fail stay pending for the next
// flush.
func (b *VoteBatcher) FlushCounts(ctx context.Context) {
	b.flushMu.Lock()
	defer b.flushMu.Unlock()
	b.countMu.Lock()
	pending := b.pending
	b.pending = map[int]map[nomineeRef]int64{}
	b.countMu.Unlock()
	for contest, byNominee := range pending {
		deltas := make([]models.NomineeVotes, 0, len(byNominee))
		for k, n := range byNominee {
			deltas = append(deltas, models.NomineeVotes{Category: k.category, NominationID: k.nomination, Votes: n})
		}
		for i, d := range deltas {
			if err := b.st.AddVoteCounts(ctx, deltas[i:i+1], contest); err != nil {
				b.log.Warn("vote batcher: live counter not written; kept for the next flush", "contest", contest, "err", err)
				b.countMu.Lock()
				if b.pending[contest] == nil {
					b.pending[contest] = map[nomineeRef]int64{}
				}
				b.pending[contest][nomineeRef{d.Category, d.NominationID}] += d.Votes
				b.countMu.Unlock()
			}
		}
	}
}

// Close stops taking votes, stores every vote already queued (answering
// its caller), writes the pending counters and returns, or returns ctx's
// error if that takes longer than ctx allows.
func (b *VoteBatcher) Close(ctx context.Context) error {
	b.mu.Lock()
	if !b.closed {
		b.closed = true
		close(b.queue)
	}
	b.mu.Unlock()
	select {
	case <-b.done:
	case <-ctx.Done():
		return ctx.Err()
	}
	b.FlushCounts(ctx)
	return nil
}

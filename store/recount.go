package store

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"sync"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/wsis-platform/wsis/models"
)

type invalidationDoc struct {
	ID           string    `bson:"_id"` // the vote's id
	Contest      int       `bson:"contest"`
	Category     int       `bson:"category"`
	NominationID string    `bson:"nomination_id"`
	VoterID      string    `bson:"voter_id"`
	Receipt      string    `bson:"receipt"`
	Reason       string    `bson:"reason"`
	By           string    `bson:"by"`
	At           time.Time `bson:"at"`
}

// Invalidation is the fact that a vote does not count, and why.
type Invalidation struct {
	Vote   models.Vote
	Reason string
	By     string
	At     time.Time
}

// InsertInvalidations records that each vote does not count, as one fact
// per vote keyed by the vote's id (the vote itself stays as cast), and
// returns the invalidations it inserted: a vote invalidated before is left
// out, so a repeated request changes nothing. It returns only the database's errors.
func (s *Store) InsertInvalidations(ctx context.Context, invs []Invalidation) ([]Invalidation, error) {
	var added []Invalidation
	for _, inv := range invs {
		v := inv.Vote
		_, err := s.db.Collection(colVoteInvalidations).InsertOne(ctx, invalidationDoc{ID: v.ID, Contest: v.Contest,
			Category: v.Category, NominationID: v.NominationID, VoterID: v.VoterID, Receipt: v.Receipt,
			Reason: inv.Reason, By: inv.By, At: inv.At.UTC()})
		if isDuplicateKey(err) {
			continue
		}
		if err != nil {
			return added, mapErr("invalidate vote", err)
		}
		added = append(added, inv)
	}
	return added, nil
}

// Invalidated reports whether the vote with id was invalidated. One _id read.
// It returns only the database's errors.
func (s *Store) Invalidated(ctx context.Context, voteID string) (bool, error) {
	err := s.db.Collection(colVoteInvalidations).FindOne(ctx, bson.D{{Key: "_id", Value: voteID}}).Err()
	if errors.Is(err, mongo.ErrNoDocuments) {
		return false, nil
	}
	return err == nil, mapErr("find invalidation", err)
}

// Recount is the authoritative count of a contest's votes, from the votes
// themselves (SPEC §5).
type Recount struct {
	// Valid is each nominee's valid votes, by category then nomination.
	Valid map[int]map[string]int64
	// Invalidated is each category's invalidated votes.
	Invalidated map[int]int64
	// Incomplete is each category's votes that do not count because their
	// voter did not vote in every category (require_complete_ballot).
	Incomplete map[int]int64
	// Votes is every vote cast, counted or not.
	Votes int64
	// Receipts, only from RecountWithReceipts, are the receipts (the raw
	// HMACs) of each category's counted votes, and Excluded those of its
	// votes that do not count, by vote id with why: the leaves of the
	// published commitment and its list of exclusions (SPEC §5).
	Receipts map[int][][]byte
	Excluded map[int][]Exclusion
}

// Exclusion is a vote that does not count and why, by its receipt.
type Exclusion struct {
	Receipt []byte
	// Reason is models.ExcludedInvalidated or models.ExcludedIncomplete.
	Reason string
}

// Count returns the nominee's valid votes in the recount.
func (r Recount) Count(category int, nominationID string) int64 {
	return r.Valid[category][nominationID]
}

// RecountVotes counts the contest's votes by streaming them with a cursor:
// memory grows with the nominees and the invalidated votes, not with the
// votes. A vote counts unless it was invalidated and, with completeBallot
// > 0, only when its voter voted in completeBallot categories; that takes a
// second pass and memory for one small counter per voter. It returns only the database's errors.
func (s *Store) RecountVotes(ctx context.Context, contest, completeBallot int) (Recount, error) {
	return s.recount(ctx, contest, completeBallot, false)
}

// RecountWithReceipts is RecountVotes that also keeps every vote's receipt
// (32 bytes a vote): the commitment's leaves.
func (s *Store) RecountWithReceipts(ctx context.Context, contest, completeBallot int) (Recount, error) {
	return s.recount(ctx, contest, completeBallot, true)
}

func (s *Store) recount(ctx context.Context, contest, completeBallot int, receipts bool) (Recount, error) {
	r := Recount{Valid: map[int]map[string]int64{}, Invalidated: map[int]int64{}, Incomplete: map[int]int64{}}
	invalid := map[string]bool{}
	err := stream(ctx, s.db.Collection(colVoteInvalidations), "recount", bson.D{{Key: "contest", Value: contest}},
		options.Find().SetProjection(bson.D{{Key: "_id", Value: 1}}), func(d invalidationDoc) error {
			invalid[d.ID] = true
			return nil
		})
	if err != nil {
		return r, err
	}
	var ballots map[string]uint8
	if completeBallot > 0 {
		ballots = map[string]uint8{}
		err := s.eachVoteRef(ctx, contest, false, func(d voteRef) error {
			if !invalid[d.ID] {
				ballots[d.VoterID]++
			}
			return nil
		})
		if err != nil {
			return r, err
		}
	}
	if receipts {
		r.Receipts, r.Excluded = map[int][][]byte{}, map[int][]Exclusion{}
	}
	err = s.eachVoteRef(ctx, contest, receipts, func(d voteRef) error {
		r.Votes++
		switch {
		case invalid[d.ID]:
			r.Invalidated[d.Category]++
			if receipts {
				r.Excluded[d.Category] = append(r.Excluded[d.Category], Exclusion{Receipt: d.Receipt, Reason: models.ExcludedInvalidated})
			}
		case ballots != nil && int(ballots[d.VoterID]) < completeBallot:
			r.Incomplete[d.Category]++
			if receipts {
				r.Excluded[d.Category] = append(r.Excluded[d.Category], Exclusion{Receipt: d.Receipt, Reason: models.ExcludedIncomplete})
			}
		default:
			if r.Valid[d.Category] == nil {
				r.Valid[d.Category] = map[string]int64{}
			}
			r.Valid[d.Category][d.NominationID]++
			if receipts {
				r.Receipts[d.Category] = append(r.Receipts[d.Category], d.Receipt)
			}
		}
		return nil
	})
	return r, err
}

// voteRef is what a count needs of a vote.
type voteRef struct {
	ID, NominationID, VoterID string
	Category                  int
	Receipt                   []byte // with receipts only
}

// voteRefBatch is how many votes a reader hands over at once.
const voteRefBatch = 2000

// eachVoteRef streams the contest's votes with only what a count needs:
// one goroutine per vote collection reads its cursor's batches at once
// (the embedded database decodes one cursor's documents on one core), and
// fn counts them on the caller's goroutine as they come. Each vote is read
// by lookups in its raw document rather than decoded whole. Memory is a
// few batches per collection, whatever the number of votes.
func (s *Store) eachVoteRef(ctx context.Context, contest int, receipts bool, fn func(voteRef) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	names := voteCollectionNames(contest)
	batches := make(chan []voteRef, 2*len(names))
	readErrs := make(chan error, len(names))
	var readers sync.WaitGroup
	for _, name := range names {
		readers.Go(func() {
			err := s.readVoteRefs(ctx, s.db.Collection(name), receipts, batches)
			if err != nil {
				cancel() // the count cannot finish: stop the other readers
			}
			readErrs <- err
		})
	}
	go func() {
		readers.Wait()
		close(batches)
	}()
	var fnErr error
	for batch := range batches {
		for _, v := range batch {
			if fnErr != nil {
				break
			}
			if fnErr = fn(v); fnErr != nil {
				cancel()
			}
		}
	}
	close(readErrs)
	if fnErr != nil {
		return fnErr
	}
	var readErr error
	for err := range readErrs {
		// The reader that failed first cancelled the others: report its error.
		if err != nil && (readErr == nil || errors.Is(readErr, context.Canceled)) {
			readErr = err
		}
	}
	return mapErr("recount", readErr)
}

// readVoteRefs reads one vote collection's votes into batches on out until
// the cursor ends or ctx is done.
func (s *Store) readVoteRefs(ctx context.Context, c *mongo.Collection, receipts bool, out chan<- []voteRef) error {
	proj := bson.D{{Key: "_id", Value: 1}, {Key: "nomination_id", Value: 1}}
	if receipts {
		proj = append(proj, bson.E{Key: "receipt", Value: 1})
	}
	cur, err := c.Find(ctx, bson.D{}, options.Find().SetProjection(proj).SetBatchSize(voteRefBatch))
	if err != nil {
		return err
	}
	defer cur.Close(ctx)
	batch := make([]voteRef, 0, voteRefBatch)
	send := func() error {
		select {
		case out <- batch:
			batch = make([]voteRef, 0, voteRefBatch)
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	for cur.Next(ctx) {
		id := cur.Current.Lookup("_id").StringValue()
		_, category, voter, _ := models.ParseVoteID(id)
		ref := voteRef{ID: id, Category: category, VoterID: voter, NominationID: cur.Current.Lookup("nomination_id").StringValue()}
		if receipts {
			if ref.Receipt, err = hex.DecodeString(cur.Current.Lookup("receipt").StringValue()); err != nil {
				return fmt.Errorf("vote %s: receipt: %w", id, err)
			}
		}
		batch = append(batch, ref)
		if len(batch) == cap(batch) || cur.RemainingBatchLength() == 0 {
			if err := send(); err != nil {
				return err
			}
		}
	}
	if err := cur.Err(); err != nil {
		return err
	}
	if len(batch) > 0 {
		return send()
	}
	return nil
}

// InvalidatedVotes returns the reasons of the contest's invalidated votes by
// vote id, streaming the facts: exports mark the votes that do not count.
// It returns only the database's errors.
func (s *Store) InvalidatedVotes(ctx context.Context, contest int) (map[string]string, error) {
	out := map[string]string{}
	err := stream(ctx, s.db.Collection(colVoteInvalidations), "invalidated votes", bson.D{{Key: "contest", Value: contest}},
		options.Find().SetProjection(bson.D{{Key: "_id", Value: 1}, {Key: "reason", Value: 1}}), func(d invalidationDoc) error {
			out[d.ID] = d.Reason
			return nil
		})
	return out, err
}

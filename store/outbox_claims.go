package store

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
)

// colOutboxClaims holds the claims of the mail workers on the mails they are
// about to deliver (SPEC §3 "Mail", §8): inserted facts, never updated. A
// claim's _id is the mail's id and a generation, "ID/1", "ID/2", …; the
// unique _id makes exactly one of the workers that race for a generation win
// it, on MongoDB and on any server whose inserts honour a unique _id (the
// embedded FerretDB, FerretDB on PostgreSQL), which is what several replicas
// of the app sharing one server rely on. The newest generation holds the
// mail: its owner renews it by inserting the next generation while it keeps
// retrying, and another worker takes the mail over, by inserting the next
// generation too, only once the newest claim is a lease old.
const colOutboxClaims = "outbox_claims"

// outboxClaimDoc is one generation of a claim on mail MailID.
type outboxClaimDoc struct {
	ID     string    `bson:"_id"`
	MailID string    `bson:"mail"`
	Gen    int       `bson:"gen"`
	Owner  string    `bson:"owner"`
	At     time.Time `bson:"at"`
}

func claimID(mailID string, gen int) string { return mailID + "/" + strconv.Itoa(gen) }

// maxClaimRaces bounds the rounds of a claim that keeps losing the insert of
// the next generation to other workers; after them it gives the mail up.
const maxClaimRaces = 3

// ClaimMail reports whether the mail worker owner may deliver mail id now,
// recording its claim when it may. It never lets two owners hold one mail
// within a lease: the newest claim's owner may while that claim is younger
// than lease/2 (and renews it by inserting the next generation once it is
// older); any other owner only once the newest claim is at least lease old,
// or when there is none. On the embedded database, which serves one process,
// a claim of another owner is a stopped process's and is taken over at once.
// A mail that has a sent record is never claimed. known is the generation
// the caller holds already (0 for none), from which the newest is looked
// for; the returned generation is the one the caller holds when ok. now is
// the real time, not a contest clock: leases are measured between
// processes. It returns only the database's errors.
func (s *Store) ClaimMail(ctx context.Context, id, owner string, known int, now time.Time, lease time.Duration) (gen int, ok bool, err error) {
	const op = "claim mail"
	now = now.UTC().Truncate(time.Millisecond)
	for range maxClaimRaces {
		sent, err := s.mailSent(ctx, id)
		if err != nil || sent {
			return 0, false, err
		}
		newest, err := s.newestClaim(ctx, id, known)
		if err != nil {
			return 0, false, err
		}
		switch age := now.Sub(newest.At); {
		case newest.Gen == 0:
		case newest.Owner == owner && age < lease/2:
			return newest.Gen, true, nil
		case newest.Owner == owner, s.embedded != nil, age >= lease:
		default:
			return 0, false, nil
		}
		next := newest.Gen + 1
		doc := outboxClaimDoc{ID: claimID(id, next), MailID: id, Gen: next, Owner: owner, At: now}
		_, err = s.db.Collection(colOutboxClaims).InsertOne(ctx, doc)
		if err == nil {
			return next, true, nil
		}
		if !isDuplicateKey(err) {
			return 0, false, mapErr(op, err)
		}
		// Another worker won this generation: look again from it.
		known = next
	}
	return 0, false, nil
}

// newestClaim returns the newest claim on mail id, looked for from
// generation known on with _id reads, or a zero claim when there is none.
// Generations are consecutive: each is inserted only after the one before.
func (s *Store) newestClaim(ctx context.Context, id string, known int) (outboxClaimDoc, error) {
	var newest outboxClaimDoc
	for gen := max(known, 1); ; gen++ {
		var d outboxClaimDoc
		err := s.db.Collection(colOutboxClaims).FindOne(ctx, bson.D{{Key: "_id", Value: claimID(id, gen)}}).Decode(&d)
		if errors.Is(err, mongo.ErrNoDocuments) {
			if gen == known && known > 1 {
				// The caller's generation is gone (it never is in this store):
				// look from the first.
				return s.newestClaim(ctx, id, 0)
			}
			return newest, nil
		}
		if err != nil {
			return outboxClaimDoc{}, mapErr("newest mail claim", err)
		}
		newest = d
	}
}

// mailSent reports whether mail id has a sent record. One _id read.
func (s *Store) mailSent(ctx context.Context, id string) (bool, error) {
	err := s.db.Collection(colOutboxSent).FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Err()
	switch {
	case err == nil:
		return true, nil
	case errors.Is(err, mongo.ErrNoDocuments):
		return false, nil
	default:
		return false, fmt.Errorf("store: mail sent: %w", err)
	}
}

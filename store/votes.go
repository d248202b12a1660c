package store

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"strconv"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/wsis-platform/wsis/models"
)

// The voting collections (SPEC §8). Votes grow with the public, so every
// path a voter waits for is an insert or an _id read: a vote's _id is
// contest, category and voter; a change of a vote's standing is an inserted
// fact keyed by the vote; the rules freeze is a fact keyed by the contest.
const (
	colVoteCounts        = "vote_counts"        // live counter per nominee, _id models.NomineeKey
	colVoteInvalidations = "vote_invalidations" // one fact per invalidated vote, _id the vote's
	colVotingStarted     = "voting_started"     // the first vote of a contest, _id the year
	colSecrets           = "server_secrets"     // keys the server makes for itself, _id their name
)

// voteDoc is a stored vote: its contest, category and voter are its _id's
// (vote_partitions.go).
type voteDoc struct {
	ID           string    `bson:"_id"`
	NominationID string    `bson:"nomination_id"`
	CastAt       time.Time `bson:"cast_at"`
	Receipt      string    `bson:"receipt"`
	ClientHash   string    `bson:"client_hash"`
	AgentHash    string    `bson:"agent_hash"`
}

func toVoteDoc(v models.Vote) voteDoc {
	return voteDoc{ID: v.ID, NominationID: v.NominationID, CastAt: v.CastAt, Receipt: v.Receipt, ClientHash: v.ClientHash, AgentHash: v.AgentHash}
}

// InsertVotes stores votes, with one unordered InsertMany per vote
// collection they go to, and returns, per vote, nil when it was stored,
// ErrConflict when a vote with its id exists (the voter voted in that
// category), or another error. A vote is stored exactly when its error is
// nil, whatever the others' fate.
func (s *Store) InsertVotes(ctx context.Context, votes []models.Vote) []error {
	errs := make([]error, len(votes))
	type group struct {
		coll    *mongo.Collection
		docs    []any
		indexes []int // the group's votes' places in votes
	}
	var groups []*group
	byColl := map[string]*group{}
	for i, v := range votes {
		if err := s.ensureVoteCollections(ctx, v.Contest); err != nil {
			errs[i] = err
			continue
		}
		c := s.voteCollection(v.Contest, v.VoterID)
		g := byColl[c.Name()]
		if g == nil {
			g = &group{coll: c}
			byColl[c.Name()] = g
			groups = append(groups, g)
		}
		g.docs = append(g.docs, toVoteDoc(v))
		g.indexes = append(g.indexes, i)
	}
	for _, g := range groups {
		for j, err := range insertUnordered(ctx, g.coll, g.docs) {
			errs[g.indexes[j]] = err
		}
	}
	return errs
}

// insertUnordered inserts votes' documents with one unordered InsertMany and
// returns each one's error, as InsertVotes does.
func insertUnordered(ctx context.Context, c *mongo.Collection, docs []any) []error {
	errs := make([]error, len(docs))
	_, err := c.InsertMany(ctx, docs, options.InsertMany().SetOrdered(false))
	if err == nil {
		return errs
	}
	var bwe mongo.BulkWriteException
	if !errors.As(err, &bwe) || bwe.WriteConcernError != nil {
		for i := range errs {
			errs[i] = mapErr("insert votes", err)
		}
		return errs
	}
	for _, we := range bwe.WriteErrors {
		if we.Index < 0 || we.Index >= len(errs) {
			continue
		}
		if isDuplicateKey(we) {
			errs[we.Index] = fmt.Errorf("store: insert votes: %w", models.WithDetail(models.ErrConflict,
				"you have voted in this category; a vote is final"))
		} else {
			errs[we.Index] = mapErr("insert votes", we)
		}
	}
	return errs
}

// Vote returns the vote with id. Returns ErrNotFound, also for a string
// that is no vote id.
func (s *Store) Vote(ctx context.Context, id string) (models.Vote, error) {
	contest, _, voter, ok := models.ParseVoteID(id)
	if !ok {
		return models.Vote{}, fmt.Errorf("store: find vote: %w", models.ErrNotFound)
	}
	var d voteDoc
	if err := s.voteCollection(contest, voter).FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&d); err != nil {
		return models.Vote{}, mapErr("find vote", err)
	}
	return d.vote(), nil
}

// VotesOf returns the voter's votes in the categories of contest, in
// category order, with one _id read per category. It returns only the database's errors.
func (s *Store) VotesOf(ctx context.Context, contest int, voterID string, categories []int) ([]models.Vote, error) {
	var out []models.Vote
	for _, c := range categories {
		v, err := s.Vote(ctx, models.VoteID(contest, c, voterID))
		if errors.Is(err, models.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

// EachVote calls fn with every vote of the contest, streaming its
// collections with a cursor in turn, in constant memory: exports and
// anomaly scans. The votes come collection by collection, not in time order.
// fn's error stops it.
func (s *Store) EachVote(ctx context.Context, contest int, fn func(models.Vote) error) error {
	for _, name := range voteCollectionNames(contest) {
		err := stream(ctx, s.db.Collection(name), "each vote", bson.D{}, options.Find(),
			func(d voteDoc) error { return fn(d.vote()) })
		if err != nil {
			return err
		}
	}
	return nil
}

type voteCountDoc struct {
	ID           string `bson:"_id"`
	Contest      int    `bson:"contest"`
	Category     int    `bson:"category"`
	NominationID string `bson:"nomination_id"`
	Votes        int64  `bson:"votes"`
}

// AddVoteCounts adds each delta to its nominee's live counter, creating the
// counter at its first vote: one $inc per nominee, however many votes the
// delta groups. Returns the first error; the deltas before it are applied.
func (s *Store) AddVoteCounts(ctx context.Context, deltas []models.NomineeVotes, contest int) error {
	for _, d := range deltas {
		if d.Votes == 0 {
			continue
		}
		id := models.NomineeKey(contest, d.Category, d.NominationID)
		err := retryUpsert(func() error {
			return s.serialize(colVoteCounts, id, func() error {
				_, err := s.db.Collection(colVoteCounts).UpdateOne(ctx, bson.D{{Key: "_id", Value: id}}, bson.D{
					{Key: "$inc", Value: bson.D{{Key: "votes", Value: d.Votes}}},
					{Key: "$setOnInsert", Value: bson.D{{Key: "contest", Value: contest}, {Key: "category", Value: d.Category},
						{Key: "nomination_id", Value: d.NominationID}}},
				}, options.UpdateOne().SetUpsert(true))
				return mapInternal("add vote counts", err)
			})
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// VoteCounts returns the live counters of the contest's nominees (a small
// collection: one document per nominee with a vote). It returns only the database's errors.
func (s *Store) VoteCounts(ctx context.Context, contest int) ([]models.NomineeVotes, error) {
	return findAll(ctx, s.db.Collection(colVoteCounts), "vote counts", bson.D{{Key: "contest", Value: contest}},
		func(d voteCountDoc) models.NomineeVotes {
			return models.NomineeVotes{NominationID: d.NominationID, Category: d.Category, Votes: d.Votes}
		})
}

type votingStartedDoc struct {
	ID string    `bson:"_id"`
	At time.Time `bson:"at"`
}

// RecordVotingStarted records the time of the contest's first vote, once:
// the rules freeze. Later calls keep the first time and return nil. It returns only the database's errors.
func (s *Store) RecordVotingStarted(ctx context.Context, contest int, at time.Time) error {
	_, err := s.db.Collection(colVotingStarted).InsertOne(ctx, votingStartedDoc{ID: strconv.Itoa(contest), At: at.UTC()})
	if err != nil && !isDuplicateKey(err) {
		return mapErr("record voting started", err)
	}
	return nil
}

// FirstVoteAt returns when the first vote of the contest was cast, and
// whether there is one: the rules freeze (SPEC §5). One _id read. It returns only the database's errors.
func (s *Store) FirstVoteAt(ctx context.Context, year int) (time.Time, bool, error) {
	var d votingStartedDoc
	err := s.db.Collection(colVotingStarted).FindOne(ctx, bson.D{{Key: "_id", Value: strconv.Itoa(year)}}).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return time.Time{}, false, nil
	}
	if err != nil {
		return time.Time{}, false, mapErr("first vote", err)
	}
	return d.At.UTC(), true, nil
}

type secretDoc struct {
	ID        string    `bson:"_id"`
	Key       []byte    `bson:"key"`
	CreatedAt time.Time `bson:"created_at"`
}

// Secret returns the server's secret key of the name, making a random 32-byte
// one on first use. Every replica gets the same key: the first insert wins
// and the others read it. It returns only the database's errors.
func (s *Store) Secret(ctx context.Context, name string, now time.Time) ([]byte, error) {
	c := s.db.Collection(colSecrets)
	for range 2 {
		var d secretDoc
		err := c.FindOne(ctx, bson.D{{Key: "_id", Value: name}}).Decode(&d)
		if err == nil {
			return d.Key, nil
		}
		if !errors.Is(err, mongo.ErrNoDocuments) {
			return nil, mapErr("read secret", err)
		}
		key := make([]byte, 32)
		_, _ = rand.Read(key)
		if _, err := c.InsertOne(ctx, secretDoc{ID: name, Key: key, CreatedAt: now.UTC()}); err == nil {
			return key, nil
		} else if !isDuplicateKey(err) {
			return nil, mapErr("create secret", err)
		}
	}
	return nil, fmt.Errorf("store: secret %s: created and not found", name)
}

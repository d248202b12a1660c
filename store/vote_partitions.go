package store

import (
	"context"
	"hash/fnv"
	"strconv"

	"go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/wsis-platform/wsis/models"
)

// A contest's votes live in collections of their own, votePartitions of
// them, named "votes_<year>_<n>"; a vote's partition follows from its voter,
// so its _id — contest, category and voter (SPEC §8) — is unique in exactly
// one collection, and a voter's votes sit together.
//
// Both choices are for the whole-contest reads. A recount reads only its
// contest's votes, however many years the database keeps, with no filter to
// evaluate; and it reads the partitions with one cursor each at once: the
// embedded FerretDB decodes a cursor's documents on one goroutine (about
// 10,000 a second here), so one collection would leave the other cores
// idle. The documents keep only what the _id does not already say.
const votePartitions = 2

// voteCollectionNames is the contest's vote collections, in partition order.
func voteCollectionNames(contest int) []string {
	names := make([]string, votePartitions)
	for i := range names {
		names[i] = voteCollectionName(contest, i)
	}
	return names
}

func voteCollectionName(contest, partition int) string {
	return "votes_" + strconv.Itoa(contest) + "_" + strconv.Itoa(partition)
}

// votePartition is the partition of the voter's votes.
func votePartition(voterID string) int {
	h := fnv.New32a()
	_, _ = h.Write([]byte(voterID))
	return int(h.Sum32() % votePartitions)
}

// voteCollection is the collection that holds the vote of voterID in contest.
func (s *Store) voteCollection(contest int, voterID string) *mongo.Collection {
	return s.db.Collection(voteCollectionName(contest, votePartition(voterID)))
}

// ensureVoteCollections creates the contest's vote collections and, on the
// embedded database, their _id lookup indexes, once per process: at start
// for the contests there are, when a contest is made, and before the first
// insert of a contest's votes (another process may have made the contest).
func (s *Store) ensureVoteCollections(ctx context.Context, contest int) error {
	if _, ok := s.voteCollectionsReady.Load(contest); ok {
		return nil
	}
	if err := ensureCollections(ctx, s.db, voteCollectionNames(contest)); err != nil {
		return err
	}
	if s.embedded != nil {
		if err := s.embedded.IndexIDLookups(ctx, s.db.Name()); err != nil {
			return err
		}
	}
	s.voteCollectionsReady.Store(contest, true)
	return nil
}

// vote rebuilds a vote from its stored document: contest, category and
// voter are read from the _id, which the store built.
func (d voteDoc) vote() models.Vote {
	contest, category, voter, _ := models.ParseVoteID(d.ID)
	return models.Vote{ID: d.ID, Contest: contest, Category: category, NominationID: d.NominationID, VoterID: voter,
		CastAt: d.CastAt.UTC(), Receipt: d.Receipt, ClientHash: d.ClientHash, AgentHash: d.AgentHash}
}

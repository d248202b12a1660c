package store

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// index declares one index of one collection. Every index of the platform is
// listed in indexes, and all are created at start-up.
type index struct {
	collection string
	name       string
	keys       bson.D
	unique     bool
}

// indexes is every index the platform relies on. Uniqueness that spans
// documents (one nomination per project, one vote per category) is kept here,
// by the database, never by a check-then-insert. Only plain unique and
// compound indexes: no TTL, partial or text indexes (SPEC §8).
var indexes = []index{
	// The audit log is read newest first, filtered by actor, action or target.
	{collection: colAudit, name: "actor_time", keys: bson.D{{Key: "actor_id", Value: 1}, {Key: "time", Value: -1}}},
	{collection: colAudit, name: "action_time", keys: bson.D{{Key: "action", Value: 1}, {Key: "time", Value: -1}}},
	{collection: colAudit, name: "target_time", keys: bson.D{{Key: "target_id", Value: 1}, {Key: "time", Value: -1}}},
	// The development mailbox reads the outbox newest first.
	{collection: colOutbox, name: "created", keys: bson.D{{Key: "created_at", Value: -1}, {Key: "_id", Value: -1}}},
	// One nomination per project per contest, and one per organization per
	// category per contest (SPEC §5), held by the database.
	{collection: colNominations, name: "project_slot", keys: bson.D{{Key: "project_slot", Value: 1}}, unique: true},
	{collection: colNominations, name: "organization_slot", keys: bson.D{{Key: "organization_slot", Value: 1}}, unique: true},
	{collection: colNominations, name: "contest_category", keys: bson.D{{Key: "contest", Value: 1}, {Key: "category", Value: 1}}},
	{collection: colNominations, name: "nominator", keys: bson.D{{Key: "nominator_id", Value: 1}}},
	{collection: colNominations, name: "project", keys: bson.D{{Key: "project_id", Value: 1}}},
	// A contest's assignments are listed by reviewer and by category.
	{collection: colAssignments, name: "contest_reviewer", keys: bson.D{{Key: "contest", Value: 1}, {Key: "reviewer_id", Value: 1}}},
	{collection: colAssignments, name: "contest_category", keys: bson.D{{Key: "contest", Value: 1}, {Key: "category", Value: 1}}},
	// The anomaly page reads a contest's newest report.
	{collection: colAnomalyReports, name: "contest_id", keys: bson.D{{Key: "contest", Value: 1}, {Key: "_id", Value: -1}}},
	// A contest's tally reads its nominees' counters and its invalidations.
	{collection: colVoteCounts, name: "contest", keys: bson.D{{Key: "contest", Value: 1}}},
	{collection: colVoteInvalidations, name: "contest", keys: bson.D{{Key: "contest", Value: 1}}},
	// A contest's commitments are read in version order.
	{collection: colCommitments, name: "contest_version", keys: bson.D{{Key: "contest", Value: 1}, {Key: "version", Value: 1}}, unique: true},
	// A reviewer reads their own picks; the results count a contest's.
	{collection: colSelections, name: "contest_reviewer", keys: bson.D{{Key: "contest", Value: 1}, {Key: "reviewer_id", Value: 1}}},
	// Every project write takes a new change sequence: the read model's
	// catch-up reads by it.
	{collection: colProjects, name: "seq", keys: bson.D{{Key: "seq", Value: 1}}, unique: true},
	// The background clean-up deletes expired credentials records.
	{collection: colRefreshTokens, name: "expires_at", keys: bson.D{{Key: "expires_at", Value: 1}}},
	{collection: colRefreshSpent, name: "expires_at", keys: bson.D{{Key: "expires_at", Value: 1}}},
	{collection: colRefreshRevoked, name: "expires_at", keys: bson.D{{Key: "expires_at", Value: 1}}},
	{collection: colActionTokens, name: "expires_at", keys: bson.D{{Key: "expires_at", Value: 1}}},
	{collection: colActionTokensSpent, name: "expires_at", keys: bson.D{{Key: "expires_at", Value: 1}}},
	{collection: colBrowserSessions, name: "expires_at", keys: bson.D{{Key: "expires_at", Value: 1}}},
	{collection: colBrowserSessionsEnded, name: "expires_at", keys: bson.D{{Key: "expires_at", Value: 1}}},
	{collection: colJobRuns, name: "expires_at", keys: bson.D{{Key: "expires_at", Value: 1}}},
}

// collections is every collection the store uses. All are created at start,
// so that on the embedded database each has its _id lookup index before the
// first request (IndexIDLookups). Each contest's vote collections are
// created with the contest (vote_partitions.go).
var collections = []string{
	colAudit, colChanges, colContests, colNominations, colOutbox, colOutboxSent, colOutboxClaims, colProjects, colCounters,
	colConflicts, colAssignments, colSigningKeys, colRefreshTokens, colRefreshSpent, colRefreshRevoked,
	colActionTokens, colActionTokensSpent, colUsers, colLoginKeys, colEmailVerifications,
	colVoteCounts, colVoteInvalidations, colVotingStarted, colSecrets,
	colSelections, colChampionCounts, colResults, colAnomalyReports, colCommitments, colCommitmentLeaves,
	colBrowserSessions, colBrowserSessionsEnded, colJobRuns, colAssignmentOpens, colReviewExtensions,
}

// EnsureIndexes creates every collection and every declared index, and on
// the embedded database the index its _id lookups need. It is idempotent; an
// index that exists with another definition is an error, so a start fails
// fast instead of running without the guarantee.
func (s *Store) EnsureIndexes(ctx context.Context) error {
	if err := ensureCollections(ctx, s.db, collections); err != nil {
		return err
	}
	if err := ensureIndexes(ctx, s.db, indexes); err != nil {
		return err
	}
	contests, err := s.Contests(ctx)
	if err != nil {
		return err
	}
	for _, c := range contests {
		if err := ensureCollections(ctx, s.db, voteCollectionNames(c.Year)); err != nil {
			return err
		}
	}
	if s.embedded != nil {
		return s.embedded.IndexIDLookups(ctx, s.db.Name())
	}
	return nil
}

// ensureCollections creates the named collections that do not exist yet.
func ensureCollections(ctx context.Context, db *mongo.Database, names []string) error {
	existing, err := db.ListCollectionNames(ctx, bson.D{})
	if err != nil {
		return fmt.Errorf("store: list collections: %w", err)
	}
	for _, name := range names {
		if slices.Contains(existing, name) {
			continue
		}
		// Another replica starting at the same moment may create it first.
		if err := db.CreateCollection(ctx, name); err != nil && !isNamespaceExists(err) {
			return fmt.Errorf("store: create collection %s: %w", name, err)
		}
	}
	return nil
}

// isNamespaceExists reports a create of a collection that exists already.
func isNamespaceExists(err error) bool {
	var ce mongo.CommandError
	return errors.As(err, &ce) && ce.Code == 48
}

// ensureIndexes creates the indexes one by one: the embedded FerretDB fails
// a createIndexes command that repeats several existing indexes at once.
func ensureIndexes(ctx context.Context, db *mongo.Database, list []index) error {
	for _, ix := range list {
		opts := options.Index().SetName(ix.name)
		if ix.unique {
			opts.SetUnique(true)
		}
		_, err := db.Collection(ix.collection).Indexes().CreateOne(ctx, mongo.IndexModel{Keys: ix.keys, Options: opts})
		if err != nil {
			return fmt.Errorf("store: create index %s of %s: %w", ix.name, ix.collection, err)
		}
	}
	return nil
}

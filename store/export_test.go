package store

import (
	"context"
	"fmt"
	"strings"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/wsis-platform/wsis/models"
)

// InsertProbe inserts a document with the given _id into a scratch collection.
func InsertProbe(ctx context.Context, s *Store, id string) error {
	_, err := s.db.Collection("probe").InsertOne(ctx, bson.D{{Key: "_id", Value: id}})
	return mapErr("insert probe", err)
}

// InsertProbeEmail inserts a document with a generated _id and an email.
func InsertProbeEmail(ctx context.Context, s *Store, email string) error {
	_, err := s.db.Collection("probe").InsertOne(ctx, bson.D{{Key: "email", Value: email}})
	return mapErr("insert probe", err)
}

// EnsureProbeIndex creates an index on the probe collection's email field.
func EnsureProbeIndex(ctx context.Context, s *Store, unique bool, keys bson.D) error {
	return ensureIndexes(ctx, s.db, []index{{collection: "probe", name: "probe_email", keys: keys, unique: unique}})
}

// Collections is every collection the store creates at start.
var Collections = collections

// VoteCollectionNames is a contest's vote collections.
var VoteCollectionNames = voteCollectionNames

// VotesIn returns how many votes each of the contest's vote collections holds.
func VotesIn(ctx context.Context, s *Store, contest int) ([]int64, error) {
	var out []int64
	for _, name := range voteCollectionNames(contest) {
		n, err := s.db.Collection(name).CountDocuments(ctx, bson.D{})
		if err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, nil
}

// IDPlans returns SQLite's query plans, in the embedded database's file of
// s, for an update and a delete by _id of collection name, written as
// FerretDB writes them; ok is false when s is not on the embedded database.
func IDPlans(ctx context.Context, s *Store, name string) (update, del string, ok bool, err error) {
	if s.embedded == nil {
		return "", "", false, nil
	}
	db, err := s.embedded.openSQLite(s.db.Name())
	if err != nil {
		return "", "", true, err
	}
	defer db.Close()
	var table string
	if err := db.QueryRowContext(ctx, `SELECT table_name FROM "_ferretdb_collections" WHERE name = ?`, name).Scan(&table); err != nil {
		return "", "", true, err
	}
	plan := func(q string, args ...any) (string, error) {
		rows, err := db.QueryContext(ctx, "EXPLAIN QUERY PLAN "+q, args...)
		if err != nil {
			return "", err
		}
		defer rows.Close()
		var out []string
		for rows.Next() {
			var id, parent, notused int
			var detail string
			if err := rows.Scan(&id, &parent, &notused, &detail); err != nil {
				return "", err
			}
			out = append(out, detail)
		}
		return strings.Join(out, "; "), rows.Err()
	}
	if update, err = plan(fmt.Sprintf(`UPDATE %q SET _ferretdb_sjson = ? WHERE %s = ?`, table, idPath), "{}", `"x"`); err != nil {
		return "", "", true, err
	}
	del, err = plan(fmt.Sprintf(`DELETE FROM %q WHERE %s IN (?, ?)`, table, idPath), `"x"`, `"y"`)
	return update, del, true, err
}

// SetProbeEmail changes the email of the probe document with from to to, through
// the store's error mapping.
func SetProbeEmail(ctx context.Context, s *Store, from, to string) error {
	_, err := s.db.Collection("probe").UpdateOne(ctx, bson.D{{Key: "email", Value: from}}, bson.D{{Key: "$set", Value: bson.D{{Key: "email", Value: to}}}})
	return mapErr("set probe email", err)
}

// NextSeq takes n values of the named counter.
func NextSeq(ctx context.Context, s *Store, name string, n int64) (int64, error) {
	return s.nextSeq(ctx, name, n)
}

// DeclaredIndex is one index of the store's declaration: its collection,
// name, keys in order and whether it is unique.
type DeclaredIndex struct {
	Collection, Name string
	Keys             bson.D
	Unique           bool
}

// DeclaredIndexes is every index EnsureIndexes creates.
func DeclaredIndexes() []DeclaredIndex {
	out := make([]DeclaredIndex, len(indexes))
	for i, ix := range indexes {
		out[i] = DeclaredIndex{Collection: ix.collection, Name: ix.name, Keys: ix.keys, Unique: ix.unique}
	}
	return out
}

// TakeChange takes a change sequence for the project with id and records
// its fact, as a write does before it writes; the write is LandProject's.
func TakeChange(ctx context.Context, s *Store, id string) (int64, error) {
	seq, err := s.nextSeq(ctx, seqSearch, 1)
	if err != nil {
		return 0, err
	}
	return seq, s.recordChanges(ctx, models.ChangeProject, seq, id)
}

// LandProject writes p with the change sequence seq, as a write that took
// its sequence earlier lands late.
func LandProject(ctx context.Context, s *Store, p models.Project, seq int64) error {
	p.Seq = seq
	_, err := s.db.Collection(colProjects).ReplaceOne(ctx, bson.D{{Key: "_id", Value: p.ID}}, toProjectDoc(p))
	return err
}

package store

import (
	"context"
	"errors"
	"strconv"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/wsis-platform/wsis/models"
)

// colChanges holds one fact per change sequence that a write of the search
// read model's documents took: which document it is about. Its _id is the
// sequence as a decimal string, so that the read model catches up by _id
// reads of the sequences it has not seen, however large the catalogue is
// (a filter or sort on a sequence field reads the whole collection on the
// embedded store). A writer records the fact after taking its sequence and
// before writing the document, so a document never carries a sequence
// without its fact.
const colChanges = "changes"

type changeDoc struct {
	ID   string            `bson:"_id"`
	Kind models.ChangeKind `bson:"kind"`
	Of   string            `bson:"of"`
}

// recordChanges records that the sequences up to last, one per id, are
// about those documents. It returns only the database's errors.
func (s *Store) recordChanges(ctx context.Context, kind models.ChangeKind, last int64, ids ...string) error {
	docs := make([]any, len(ids))
	for i, id := range ids {
		docs[i] = changeDoc{ID: strconv.FormatInt(last-int64(len(ids)-1-i), 10), Kind: kind, Of: id}
	}
	var err error
	if len(docs) == 1 {
		_, err = s.db.Collection(colChanges).InsertOne(ctx, docs[0])
	} else {
		_, err = s.db.Collection(colChanges).InsertMany(ctx, docs, options.InsertMany().SetOrdered(false))
	}
	// The sequences are the counter's: a duplicate is the server's fault.
	return mapInternal("record change", err)
}

// CurrentSeq returns the last change sequence taken. One _id read. It
// returns only the database's errors.
func (s *Store) CurrentSeq(ctx context.Context) (int64, error) {
	var c counterDoc
	err := s.db.Collection(colCounters).FindOne(ctx, bson.D{{Key: "_id", Value: seqSearch}}).Decode(&c)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return 0, nil
	}
	return c.Value, mapErr("current sequence", err)
}

// Change returns what the change sequence seq is about, and false when no
// write has recorded it (yet). One _id read. It returns only the database's errors.
func (s *Store) Change(ctx context.Context, seq int64) (models.Change, bool, error) {
	var d changeDoc
	err := s.db.Collection(colChanges).FindOne(ctx, bson.D{{Key: "_id", Value: strconv.FormatInt(seq, 10)}}).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return models.Change{}, false, nil
	}
	if err != nil {
		return models.Change{}, false, mapErr("find change", err)
	}
	return models.Change{Seq: seq, Kind: d.Kind, ID: d.Of}, true, nil
}

// ProjectForIndex returns the project with id as stored, deleted (a
// tombstone) or not, and false when there is no such document. One _id
// read. It returns only the database's errors.
func (s *Store) ProjectForIndex(ctx context.Context, id string) (p models.Project, deleted, found bool, err error) {
	var d projectDoc
	err = s.db.Collection(colProjects).FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return models.Project{}, false, false, nil
	}
	if err != nil {
		return models.Project{}, false, false, mapErr("find project", err)
	}
	return d.project(), d.Deleted, true, nil
}

// UserForIndex returns the account with id, and false when there is none.
// One _id read. It returns only the database's errors.
func (s *Store) UserForIndex(ctx context.Context, id string) (models.User, bool, error) {
	u, err := s.UserByID(ctx, id)
	if errors.Is(err, models.ErrNotFound) {
		return models.User{}, false, nil
	}
	return u, err == nil, err
}

// EachProjectForIndex calls fn with every project, tombstones included, in
// the order the database keeps them: the read model's rebuild, which
// streams the collection once with a cursor and sorts nothing. It returns
// only the database's errors.
func (s *Store) EachProjectForIndex(ctx context.Context, fn func(p models.Project, deleted bool) error) error {
	return stream(ctx, s.db.Collection(colProjects), "each project", bson.D{}, options.Find(),
		func(d projectDoc) error { return fn(d.project(), d.Deleted) })
}

// EachUserForIndex calls fn with every account, in the order the database
// keeps them: the read model's rebuild. It returns only the database's errors.
func (s *Store) EachUserForIndex(ctx context.Context, fn func(u models.User) error) error {
	return stream(ctx, s.db.Collection(colUsers), "each user", bson.D{}, options.Find(),
		func(d userDoc) error { return fn(d.user()) })
}

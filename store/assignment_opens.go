package store

import (
	"context"
	"errors"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/wsis-platform/wsis/models"
)

// colAssignmentOpens records when each assignment's reviewer first opened
// it: one inserted fact per assignment, keyed by the assignment's _id, so
// the first of any number of concurrent opens is the one kept (SPEC §8).
const colAssignmentOpens = "assignment_opens"

type assignmentOpenDoc struct {
	AssignmentID string    `bson:"_id"`
	Contest      int       `bson:"contest"`
	ReviewerID   string    `bson:"reviewer_id"`
	OpenedAt     time.Time `bson:"opened_at"`
}

// RecordAssignmentOpened records that a's reviewer opened it at at, unless
// an earlier open is recorded: the unique _id keeps the first, however many
// opens race. It reports whether this call was the first. It returns only
// the database's errors.
func (s *Store) RecordAssignmentOpened(ctx context.Context, a models.Assignment, at time.Time) (bool, error) {
	_, err := s.db.Collection(colAssignmentOpens).InsertOne(ctx, assignmentOpenDoc{AssignmentID: a.ID, Contest: a.Contest,
		ReviewerID: a.ReviewerID, OpenedAt: at.UTC()})
	if isDuplicateKey(err) {
		return false, nil
	}
	if err != nil {
		return false, mapErr("record assignment opened", err)
	}
	return true, nil
}

// AssignmentOpened returns when the assignment with id was first opened by
// its reviewer, or nil when it never was. It returns only the database's
// errors.
func (s *Store) AssignmentOpened(ctx context.Context, id string) (*time.Time, error) {
	var d assignmentOpenDoc
	err := s.db.Collection(colAssignmentOpens).FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return nil, nil
	}
	if err != nil {
		return nil, mapErr("find assignment opened", err)
	}
	at := d.OpenedAt.UTC()
	return &at, nil
}

// AssignmentOpens returns when each opened assignment of the year's contest
// was first opened, by assignment id: the admins' progress view. The
// collection has one document per assignment, so it is small like them. It
// returns only the database's errors.
func (s *Store) AssignmentOpens(ctx context.Context, year int) (map[string]time.Time, error) {
	docs, err := findAll(ctx, s.db.Collection(colAssignmentOpens), "list assignment opens",
		bson.D{{Key: "contest", Value: year}}, func(d assignmentOpenDoc) assignmentOpenDoc { return d },
		options.Find().SetSort(bson.D{{Key: "_id", Value: 1}}))
	if err != nil {
		return nil, err
	}
	out := make(map[string]time.Time, len(docs))
	for _, d := range docs {
		out[d.AssignmentID] = d.OpenedAt.UTC()
	}
	return out, nil
}

package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/wsis-platform/wsis/models"
)

// Collections of the Expert Group review: conflicts under the reviewer's id,
// and assignments, each holding its review, under nomination and reviewer,
// so that one reviewer is assigned to a nomination at most once. Both are
// small and changed in place.
const (
	colConflicts   = "reviewer_conflicts"
	colAssignments = "assignments"
)

type conflictsDoc struct {
	ReviewerID    string    `bson:"_id"`
	Organizations []string  `bson:"organizations"`
	Countries     []string  `bson:"countries"`
	UpdatedAt     time.Time `bson:"updated_at"`
}

// Conflicts returns the reviewer's declared conflicts; none declared is an
// empty declaration. It returns only the database's errors.
func (s *Store) Conflicts(ctx context.Context, reviewerID string) (models.Conflicts, error) {
	var d conflictsDoc
	err := s.db.Collection(colConflicts).FindOne(ctx, bson.D{{Key: "_id", Value: reviewerID}}).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return models.Conflicts{ReviewerID: reviewerID, Organizations: []string{}, Countries: []string{}}, nil
	}
	if err != nil {
		return models.Conflicts{}, mapErr("find conflicts", err)
	}
	return models.Conflicts(d), nil
}

// SetConflicts replaces the reviewer's declared conflicts. It returns only the database's errors.
func (s *Store) SetConflicts(ctx context.Context, c models.Conflicts) error {
	return s.replaceByID(ctx, colConflicts, "set conflicts", c.ReviewerID, conflictsDoc(c))
}

type assignmentDoc struct {
	ID           string             `bson:"_id"`
	Contest      int                `bson:"contest"`
	Category     int                `bson:"category"`
	NominationID string             `bson:"nomination_id"`
	ReviewerID   string             `bson:"reviewer_id"`
	State        models.ReviewState `bson:"state"`
	Scores       map[string]int     `bson:"scores"`
	Comment      string             `bson:"comment"`
	SubmittedAt  *time.Time         `bson:"submitted_at,omitempty"`
	CreatedAt    time.Time          `bson:"created_at"`
	UpdatedAt    time.Time          `bson:"updated_at"`
	Version      int                `bson:"version"`
}

// CreateAssignments stores new assignments with one unordered InsertMany.
// An assignment that exists already (same nomination and reviewer) is kept
// as it is, so re-running an assignment adds nothing twice. Returns the
// assignments that were new.
func (s *Store) CreateAssignments(ctx context.Context, as []models.Assignment) ([]models.Assignment, error) {
	if len(as) == 0 {
		return nil, nil
	}
	docs := make([]any, len(as))
	for i := range as {
		as[i].ID = models.AssignmentID(as[i].NominationID, as[i].ReviewerID)
		as[i].State, as[i].Version = models.ReviewDraft, 1
		if as[i].Scores == nil {
			as[i].Scores = map[string]int{}
		}
		docs[i] = assignmentDoc(as[i])
	}
	_, err := s.db.Collection(colAssignments).InsertMany(ctx, docs, options.InsertMany().SetOrdered(false))
	if err == nil {
		return as, nil
	}
	var bwe mongo.BulkWriteException
	if !errors.As(err, &bwe) || bwe.WriteConcernError != nil {
		return nil, mapErr("create assignments", err)
	}
	dup := map[int]bool{}
	for _, we := range bwe.WriteErrors {
		if !isDuplicateKey(we) {
			return nil, mapErr("create assignments", err)
		}
		dup[we.Index] = true
	}
	var created []models.Assignment
	for i, a := range as {
		if !dup[i] {
			created = append(created, a)
		}
	}
	return created, nil
}

// Assignment returns the assignment with id. Returns ErrNotFound.
func (s *Store) Assignment(ctx context.Context, id string) (models.Assignment, error) {
	var d assignmentDoc
	if err := s.db.Collection(colAssignments).FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&d); err != nil {
		return models.Assignment{}, mapErr("find assignment", err)
	}
	return models.Assignment(d), nil
}

// AssignmentOf returns the assignment with id when it is reviewerID's: a
// reviewer's reads are scoped here, as an owner's projects are. Returns
// ErrNotFound for a missing assignment and for another reviewer's alike.
func (s *Store) AssignmentOf(ctx context.Context, id, reviewerID string) (models.Assignment, error) {
	a, err := s.Assignment(ctx, id)
	if err == nil && a.ReviewerID != reviewerID {
		err = fmt.Errorf("store: find assignment: %w", models.ErrNotFound)
	}
	return a, err
}

// UpdateAssignment applies change to the assignment atomically (read,
// decide, write if unchanged; retried on a concurrent write).
// Returns ErrNotFound, ErrPreconditionFailed after five lost races (MongoDB only), or change's error.
func (s *Store) UpdateAssignment(ctx context.Context, id string, at time.Time, change func(*models.Assignment) error) (models.Assignment, error) {
	const op = "update assignment"
	var a models.Assignment
	err := s.readModifyWrite(colAssignments, id, op, false, func() (bool, error) {
		var err error
		if a, err = s.Assignment(ctx, id); err != nil {
			return false, err
		}
		read := a.Version
		if err := change(&a); err != nil {
			return false, err
		}
		a.Version, a.UpdatedAt = read+1, at
		return s.replaceRead(ctx, colAssignments, op, id, read, assignmentDoc(a), mapErr)
	})
	if err != nil {
		return models.Assignment{}, err
	}
	return a, nil
}

// DeleteAssignment removes an assignment whose review was not submitted.
// Returns ErrNotFound, or ErrConflict for a submitted review.
func (s *Store) DeleteAssignment(ctx context.Context, id string) (models.Assignment, error) {
	const op = "delete assignment"
	var a models.Assignment
	err := s.serialize(colAssignments, id, func() error {
		var err error
		if a, err = s.Assignment(ctx, id); err != nil {
			return err
		}
		if a.State == models.ReviewSubmitted {
			return fmt.Errorf("store: %s: %w", op, models.WithDetail(models.ErrConflict, "the review was submitted; it stays on record"))
		}
		res, err := s.db.Collection(colAssignments).DeleteOne(ctx, s.match(id, a.Version))
		if err != nil {
			return mapErr(op, err)
		}
		if res.DeletedCount == 0 {
			return fmt.Errorf("store: %s: %w", op, models.WithDetail(models.ErrConflict, "the review changed meanwhile"))
		}
		return nil
	})
	return a, err
}

// AssignmentQuery selects assignments; zero fields do not filter.
type AssignmentQuery struct {
	Contest    int
	ReviewerID string
	State      models.ReviewState
}

// Assignments returns the assignments the query selects, by contest,
// category and nomination. It returns only the database's errors.
func (s *Store) Assignments(ctx context.Context, q AssignmentQuery) ([]models.Assignment, error) {
	filter := bson.D{}
	if q.Contest != 0 {
		filter = append(filter, bson.E{Key: "contest", Value: q.Contest})
	}
	if q.ReviewerID != "" {
		filter = append(filter, bson.E{Key: "reviewer_id", Value: q.ReviewerID})
	}
	if q.State != "" {
		filter = append(filter, bson.E{Key: "state", Value: q.State})
	}
	return findAll(ctx, s.db.Collection(colAssignments), "list assignments", filter,
		func(d assignmentDoc) models.Assignment { return models.Assignment(d) },
		options.Find().SetSort(bson.D{{Key: "contest", Value: -1}, {Key: "category", Value: 1},
			{Key: "nomination_id", Value: 1}, {Key: "reviewer_id", Value: 1}}))
}

// UsersWithRole returns the accounts holding role that are not disabled: the
// Expert Group, when an assignment names no reviewers. It reads the whole
// accounts collection, so only an admin's request runs it. It returns only the database's errors.
func (s *Store) UsersWithRole(ctx context.Context, role models.Role) ([]models.User, error) {
	return findAll(ctx, s.db.Collection(colUsers), "users with role",
		bson.D{{Key: "roles", Value: role}, {Key: "disabled", Value: false}}, userDoc.user,
		options.Find().SetSort(bson.D{{Key: "_id", Value: 1}}))
}

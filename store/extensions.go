package store

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/wsis-platform/wsis/models"
)

// colReviewExtensions holds the extensions of the review window that admins
// grant single reviewers: at most one per reviewer per contest, under
// ReviewExtensionID. Small, and replaced in place.
const colReviewExtensions = "review_extensions"

// ReviewExtension lets one reviewer save their reviews of a contest after
// its review window closed, until ClosesAt.
type ReviewExtension struct {
	Contest    int
	ReviewerID string
	ClosesAt   time.Time
	Reason     string
	GrantedBy  string
	GrantedAt  time.Time
}

type reviewExtensionDoc struct {
	ID         string    `bson:"_id"`
	Contest    int       `bson:"contest"`
	ReviewerID string    `bson:"reviewer_id"`
	ClosesAt   time.Time `bson:"closes_at"`
	Reason     string    `bson:"reason"`
	GrantedBy  string    `bson:"granted_by"`
	GrantedAt  time.Time `bson:"granted_at"`
}

func (d reviewExtensionDoc) extension() ReviewExtension {
	return ReviewExtension{Contest: d.Contest, ReviewerID: d.ReviewerID, ClosesAt: d.ClosesAt.UTC(), Reason: d.Reason,
		GrantedBy: d.GrantedBy, GrantedAt: d.GrantedAt.UTC()}
}

// ReviewExtensionID is the designed _id of the reviewer's extension in the
// year's contest: one per reviewer per contest.
func ReviewExtensionID(year int, reviewerID string) string {
	return strconv.Itoa(year) + "." + reviewerID
}

// ReviewExtension returns the reviewer's extension in the year's contest.
// Returns ErrNotFound when none is granted.
func (s *Store) ReviewExtension(ctx context.Context, year int, reviewerID string) (ReviewExtension, error) {
	var d reviewExtensionDoc
	err := s.db.Collection(colReviewExtensions).FindOne(ctx, bson.D{{Key: "_id", Value: ReviewExtensionID(year, reviewerID)}}).Decode(&d)
	if err != nil {
		return ReviewExtension{}, mapErr("find review extension", err)
	}
	return d.extension(), nil
}

// PutReviewExtension grants e, replacing the reviewer's extension in that
// contest; it returns the one it replaced, if any. It returns only the
// database's errors.
func (s *Store) PutReviewExtension(ctx context.Context, e ReviewExtension) (*ReviewExtension, error) {
	id := ReviewExtensionID(e.Contest, e.ReviewerID)
	var before *ReviewExtension
	err := retryUpsert(func() error {
		return s.serialize(colReviewExtensions, id, func() error {
			old, err := s.ReviewExtension(ctx, e.Contest, e.ReviewerID)
			switch {
			case err == nil:
				before = &old
			case !errors.Is(err, models.ErrNotFound):
				return err
			}
			doc := reviewExtensionDoc{ID: id, Contest: e.Contest, ReviewerID: e.ReviewerID, ClosesAt: e.ClosesAt.UTC(),
				Reason: e.Reason, GrantedBy: e.GrantedBy, GrantedAt: e.GrantedAt.UTC()}
			_, err = s.db.Collection(colReviewExtensions).ReplaceOne(ctx, bson.D{{Key: "_id", Value: id}}, doc,
				options.Replace().SetUpsert(true))
			return mapInternal("put review extension", err)
		})
	})
	return before, err
}

// DeleteReviewExtension withdraws the reviewer's extension in the year's
// contest and returns it. Returns ErrNotFound when none is granted.
func (s *Store) DeleteReviewExtension(ctx context.Context, year int, reviewerID string) (ReviewExtension, error) {
	id := ReviewExtensionID(year, reviewerID)
	var e ReviewExtension
	err := s.serialize(colReviewExtensions, id, func() error {
		var d reviewExtensionDoc
		err := s.db.Collection(colReviewExtensions).FindOneAndDelete(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&d)
		if errors.Is(err, mongo.ErrNoDocuments) {
			return fmt.Errorf("store: delete review extension: %w", models.ErrNotFound)
		}
		if err != nil {
			return mapErr("delete review extension", err)
		}
		e = d.extension()
		return nil
	})
	return e, err
}

// ReviewExtensions returns the extensions granted in the year's contest, by
// reviewer id. It returns only the database's errors.
func (s *Store) ReviewExtensions(ctx context.Context, year int) ([]ReviewExtension, error) {
	return findAll(ctx, s.db.Collection(colReviewExtensions), "list review extensions",
		bson.D{{Key: "contest", Value: year}}, reviewExtensionDoc.extension,
		options.Find().SetSort(bson.D{{Key: "reviewer_id", Value: 1}}))
}

package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// colAnomalyReports keeps every anomaly report computed, as inserted facts
// whose _id is the contest and the time, so the newest sorts last.
const colAnomalyReports = "anomaly_reports"

type anomalyReportDoc struct {
	ID         string    `bson:"_id"`
	Contest    int       `bson:"contest"`
	ComputedAt time.Time `bson:"computed_at"`
	Report     bson.Raw  `bson:"report"`
}

// InsertAnomalyReport records a report of the contest computed at at;
// report is stored as the caller's JSON-shaped document. It returns only the
// database's errors.
func (s *Store) InsertAnomalyReport(ctx context.Context, contest int, at time.Time, report any) error {
	raw, err := bson.Marshal(report)
	if err != nil {
		return fmt.Errorf("store: anomaly report: %w", err)
	}
	_, err = s.db.Collection(colAnomalyReports).InsertOne(ctx, anomalyReportDoc{
		ID: fmt.Sprintf("%d-%020d", contest, at.UnixNano()), Contest: contest, ComputedAt: at.UTC(), Report: raw})
	if isDuplicateKey(err) {
		return nil // the same report twice
	}
	return mapErr("insert anomaly report", err)
}

// LatestAnomalyReport decodes the contest's newest report into into and
// returns when it was computed. Returns ErrNotFound when there is none.
func (s *Store) LatestAnomalyReport(ctx context.Context, contest int, into any) (time.Time, error) {
	var d anomalyReportDoc
	err := s.db.Collection(colAnomalyReports).FindOne(ctx, bson.D{{Key: "contest", Value: contest}},
		options.FindOne().SetSort(bson.D{{Key: "_id", Value: -1}})).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return time.Time{}, mapErr("latest anomaly report", err)
	}
	if err != nil {
		return time.Time{}, mapErr("latest anomaly report", err)
	}
	if err := bson.Unmarshal(d.Report, into); err != nil {
		return time.Time{}, fmt.Errorf("store: latest anomaly report: %w", err)
	}
	return d.ComputedAt, nil
}

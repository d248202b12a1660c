package store

import (
	"context"
	"time"
)

// colJobRuns records the runs of the periodic jobs (the anomaly pass, the
// clean-up of expired records) by period, as inserted facts: a run's _id is
// the job and the start of its period, so of several replicas whose tickers
// fire in one period exactly one inserts it and runs the job; the others
// skip that period. Records expire after two periods and go with the other
// expired records.
const colJobRuns = "job_runs"

type jobRunDoc struct {
	ID        string    `bson:"_id"`
	Job       string    `bson:"job"`
	Owner     string    `bson:"owner"`
	At        time.Time `bson:"at"`
	ExpiresAt time.Time `bson:"expires_at"`
}

// ClaimJobRun reports whether owner runs job for the period of the given
// length that now falls in, recording the claim when it does; false when
// another owner (or an earlier call) claimed that period. It returns only
// the database's errors.
func (s *Store) ClaimJobRun(ctx context.Context, job string, period time.Duration, now time.Time, owner string) (bool, error) {
	now = now.UTC()
	start := now.Truncate(period)
	doc := jobRunDoc{ID: job + "@" + start.Format(time.RFC3339), Job: job, Owner: owner,
		At: now.Truncate(time.Millisecond), ExpiresAt: start.Add(2 * period)}
	_, err := s.db.Collection(colJobRuns).InsertOne(ctx, doc)
	if isDuplicateKey(err) {
		return false, nil
	}
	if err != nil {
		return false, mapErr("claim job run", err)
	}
	return true, nil
}

package store

import (
	"context"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/wsis-platform/wsis/models"
)

// Collections of web UI sessions, inserted facts keyed by the session
// token's hash (SPEC §8): the session itself, and its end by logout. A
// password reset or a disabling ends every session of an account without a
// record, by moving the account's session version on.
const (
	colBrowserSessions      = "browser_sessions"
	colBrowserSessionsEnded = "browser_sessions_ended"
)

type browserSessionDoc struct {
	Hash           string    `bson:"_id"`
	UserID         string    `bson:"user_id"`
	SessionVersion int       `bson:"session_version"`
	CreatedAt      time.Time `bson:"created_at"`
	ExpiresAt      time.Time `bson:"expires_at"`
}

// InsertBrowserSession stores a new web UI session. Returns ErrConflict
// when a session has its hash.
func (s *Store) InsertBrowserSession(ctx context.Context, b models.BrowserSession) error {
	_, err := s.db.Collection(colBrowserSessions).InsertOne(ctx, browserSessionDoc(b))
	return mapErr("insert browser session", err)
}

// BrowserSession returns the web UI session with the hash, ended or not.
// Returns ErrNotFound when there is none.
func (s *Store) BrowserSession(ctx context.Context, hash string) (models.BrowserSession, error) {
	var d browserSessionDoc
	if err := s.db.Collection(colBrowserSessions).FindOne(ctx, bson.D{{Key: "_id", Value: hash}}).Decode(&d); err != nil {
		return models.BrowserSession{}, mapErr("find browser session", err)
	}
	return models.BrowserSession(d), nil
}

// EndBrowserSession records that the session with the hash may not be used
// again (logout). It is idempotent; the record is kept until the session
// would have expired. It returns only the database's errors.
func (s *Store) EndBrowserSession(ctx context.Context, b models.BrowserSession, at time.Time) error {
	_, err := s.db.Collection(colBrowserSessionsEnded).InsertOne(ctx, bson.D{
		{Key: "_id", Value: b.Hash}, {Key: "ended_at", Value: at}, {Key: "expires_at", Value: b.ExpiresAt},
	})
	if err != nil && !isDuplicateKey(err) {
		return mapErr("end browser session", err)
	}
	return nil
}

// BrowserSessionEnded reports whether the session with the hash was ended
// by EndBrowserSession. It returns only the database's errors.
func (s *Store) BrowserSessionEnded(ctx context.Context, hash string) (bool, error) {
	return s.exists(ctx, colBrowserSessionsEnded, hash)
}

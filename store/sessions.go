package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/wsis-platform/wsis/models"
)

// Collections of credentials. Each change of a session's state is an
// inserted fact with a designed _id (SPEC §8): a refresh token under its
// hash; its use as a "spent" record under the same hash, so that of
// concurrent uses exactly one inserts; a family's revocation under the
// family id. Emailed one-use tokens follow the same pattern.
const (
	colSigningKeys       = "signing_keys"
	colRefreshTokens     = "refresh_tokens"
	colRefreshSpent      = "refresh_spent"
	colRefreshRevoked    = "refresh_revoked"
	colActionTokens      = "action_tokens"
	colActionTokensSpent = "action_tokens_spent"
)

type signingKeyDoc struct {
	ID        string    `bson:"_id"`
	Seed      []byte    `bson:"seed"`
	CreatedAt time.Time `bson:"created_at"`
}

// SigningKeys returns every access-token signing key. It returns only the database's errors.
func (s *Store) SigningKeys(ctx context.Context) ([]models.SigningKey, error) {
	return findAll(ctx, s.db.Collection(colSigningKeys), "list signing keys", bson.D{}, func(d signingKeyDoc) models.SigningKey {
		return models.SigningKey{ID: d.ID, Seed: d.Seed, CreatedAt: d.CreatedAt}
	})
}

// InsertSigningKey stores a new key. Returns ErrConflict when its ID exists.
func (s *Store) InsertSigningKey(ctx context.Context, k models.SigningKey) error {
	_, err := s.db.Collection(colSigningKeys).InsertOne(ctx, signingKeyDoc{ID: k.ID, Seed: k.Seed, CreatedAt: k.CreatedAt})
	return mapErr("insert signing key", err)
}

type refreshTokenDoc struct {
	Hash            string    `bson:"_id"`
	FamilyID        string    `bson:"family_id"`
	UserID          string    `bson:"user_id"`
	SessionVersion  int       `bson:"session_version"`
	CreatedAt       time.Time `bson:"created_at"`
	ExpiresAt       time.Time `bson:"expires_at"`
	FamilyExpiresAt time.Time `bson:"family_expires_at"`
}

// InsertRefreshToken stores a refresh token. It returns only the database's errors.
func (s *Store) InsertRefreshToken(ctx context.Context, t models.RefreshToken) error {
	_, err := s.db.Collection(colRefreshTokens).InsertOne(ctx, refreshTokenDoc(t))
	return mapErr("insert refresh token", err)
}

// RefreshToken returns the refresh token with the hash. Returns ErrNotFound
// when there is none.
func (s *Store) RefreshToken(ctx context.Context, hash string) (models.RefreshToken, error) {
	var d refreshTokenDoc
	if err := s.db.Collection(colRefreshTokens).FindOne(ctx, bson.D{{Key: "_id", Value: hash}}).Decode(&d); err != nil {
		return models.RefreshToken{}, mapErr("find refresh token", err)
	}
	return models.RefreshToken(d), nil
}

// SpendRefreshToken records the one use of a refresh token. Of concurrent
// calls for one hash exactly one returns nil; the others, and every later
// call, get an error wrapping ErrConflict.
func (s *Store) SpendRefreshToken(ctx context.Context, t models.RefreshToken, at time.Time) error {
	_, err := s.db.Collection(colRefreshSpent).InsertOne(ctx, bson.D{
		{Key: "_id", Value: t.Hash}, {Key: "family_id", Value: t.FamilyID}, {Key: "spent_at", Value: at},
		{Key: "expires_at", Value: t.ExpiresAt},
	})
	return mapErr("spend refresh token", err)
}

// RefreshTokenSpentAt returns when the refresh token with the hash was
// spent. Returns ErrNotFound when it was not (or its record has expired).
func (s *Store) RefreshTokenSpentAt(ctx context.Context, hash string) (time.Time, error) {
	var d struct {
		SpentAt time.Time `bson:"spent_at"`
	}
	if err := s.db.Collection(colRefreshSpent).FindOne(ctx, bson.D{{Key: "_id", Value: hash}}).Decode(&d); err != nil {
		return time.Time{}, mapErr("find spent refresh token", err)
	}
	return d.SpentAt, nil
}

// RevokeFamily records that no token of the family may be used again. It is
// idempotent; the record is kept until the family would have expired. It returns only the database's errors.
func (s *Store) RevokeFamily(ctx context.Context, familyID, reason string, at, familyExpiresAt time.Time) error {
	_, err := s.db.Collection(colRefreshRevoked).InsertOne(ctx, bson.D{
		{Key: "_id", Value: familyID}, {Key: "reason", Value: reason}, {Key: "revoked_at", Value: at},
		{Key: "expires_at", Value: familyExpiresAt},
	})
	if err != nil && !isDuplicateKey(err) {
		return mapErr("revoke token family", err)
	}
	return nil
}

// FamilyRevoked reports whether the family was revoked. It returns only the database's errors.
func (s *Store) FamilyRevoked(ctx context.Context, familyID string) (bool, error) {
	return s.exists(ctx, colRefreshRevoked, familyID)
}

type actionTokenDoc struct {
	Hash           string    `bson:"_id"`
	Kind           string    `bson:"kind"`
	UserID         string    `bson:"user_id"`
	SessionVersion int       `bson:"session_version"`
	ExpiresAt      time.Time `bson:"expires_at"`
}

// InsertActionToken stores an emailed one-use token. The token is bound to
// its user's session version as the store holds it now (t.SessionVersion is
// ignored), so that a password reset or a disabling after the link was sent
// voids it. Returns ErrNotFound when the user does not exist.
func (s *Store) InsertActionToken(ctx context.Context, t models.ActionToken) error {
	user, err := s.UserByID(ctx, t.UserID)
	if err != nil {
		return err
	}
	t.SessionVersion = user.SessionVersion
	_, err = s.db.Collection(colActionTokens).InsertOne(ctx, actionTokenDoc(t))
	return mapErr("insert action token", err)
}

// InsertDecoyActionToken does what InsertActionToken does, for no account:
// the same _id read of the accounts, of an id none has, and the same insert,
// of t bound to that id (t.UserID is ignored). UseActionToken refuses such a
// token, whose user does not exist, and DeleteExpired removes it at
// t.ExpiresAt. It lets a request for an unknown email (password/forgot) do
// the work of one for a known email, so that its timing does not tell them
// apart. It returns only the database's errors.
func (s *Store) InsertDecoyActionToken(ctx context.Context, t models.ActionToken) error {
	t.UserID = bson.NewObjectID().Hex()
	if _, err := s.UserByID(ctx, t.UserID); err != nil && !errors.Is(err, models.ErrNotFound) {
		return err
	}
	_, err := s.db.Collection(colActionTokens).InsertOne(ctx, actionTokenDoc(t))
	return mapErr("insert decoy action token", err)
}

// UseActionToken returns the unexpired token of the kind with the hash and
// records its one use. Returns ErrNotFound for an unknown, expired or
// wrong-kind token, and for one issued before its user's session version
// moved on (a password reset or a disabling since); ErrConflict for one used
// before.
func (s *Store) UseActionToken(ctx context.Context, kind, hash string, now time.Time) (models.ActionToken, error) {
	var d actionTokenDoc
	if err := s.db.Collection(colActionTokens).FindOne(ctx, bson.D{{Key: "_id", Value: hash}}).Decode(&d); err != nil {
		return models.ActionToken{}, mapErr("find action token", err)
	}
	if d.Kind != kind || !now.Before(d.ExpiresAt) {
		return models.ActionToken{}, fmt.Errorf("store: use action token: %w", models.ErrNotFound)
	}
	user, err := s.UserByID(ctx, d.UserID)
	if err != nil {
		return models.ActionToken{}, err
	}
	if user.SessionVersion != d.SessionVersion {
		return models.ActionToken{}, fmt.Errorf("store: use action token: superseded: %w", models.ErrNotFound)
	}
	_, err = s.db.Collection(colActionTokensSpent).InsertOne(ctx, bson.D{
		{Key: "_id", Value: hash}, {Key: "used_at", Value: now}, {Key: "expires_at", Value: d.ExpiresAt},
	})
	if err != nil {
		return models.ActionToken{}, mapErr("use action token", err)
	}
	return models.ActionToken(d), nil
}

func (s *Store) exists(ctx context.Context, collection, id string) (bool, error) {
	err := s.db.Collection(collection).FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Err()
	if errors.Is(err, mongo.ErrNoDocuments) {
		return false, nil
	}
	if err != nil {
		return false, mapErr("read "+collection, err)
	}
	return true, nil
}

// DeleteExpired removes the credentials records whose expires_at has passed:
// refresh tokens, their spent and revocation records, emailed tokens, and
// browser sessions with their records of ending.
// It scans whole collections, so it runs in the background (SPEC §8 has no
// TTL indexes). Returns how many records went.
func (s *Store) DeleteExpired(ctx context.Context, now time.Time) (int64, error) {
	var total int64
	for _, c := range []string{colRefreshTokens, colRefreshSpent, colRefreshRevoked, colActionTokens, colActionTokensSpent,
		colBrowserSessions, colBrowserSessionsEnded, colJobRuns} {
		res, err := s.db.Collection(c).DeleteMany(ctx, bson.D{{Key: "expires_at", Value: bson.D{{Key: "$lt", Value: now}}}})
		if err != nil {
			return total, mapErr("delete expired "+c, err)
		}
		total += res.DeletedCount
	}
	return total, nil
}

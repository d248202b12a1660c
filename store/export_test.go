package store

import (
	"context"

	"go.mongodb.org/mongo-driver/v2/bson"
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

package store

import (
	"context"
	"fmt"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// index declares one index of one collection. Every index of the platform is
// listed in indexes, and all are created at start-up.
type index struct {
	collection string
	name       string
	keys       bson.D
	unique     bool
}

// indexes is every index the platform relies on. Uniqueness that spans
// documents (one nomination per project, one vote per category) is kept here,
// by the database, never by a check-then-insert. Only plain unique and
// compound indexes: no TTL, partial or text indexes (SPEC §8).
var indexes = []index{}

// EnsureIndexes creates every declared index. It is idempotent; an index that
// exists with another definition is an error, so a start fails fast instead
// of running without the guarantee.
func (s *Store) EnsureIndexes(ctx context.Context) error {
	return ensureIndexes(ctx, s.db, indexes)
}

func ensureIndexes(ctx context.Context, db *mongo.Database, list []index) error {
	byCollection := map[string][]mongo.IndexModel{}
	var order []string
	for _, ix := range list {
		if _, seen := byCollection[ix.collection]; !seen {
			order = append(order, ix.collection)
		}
		opts := options.Index().SetName(ix.name)
		if ix.unique {
			opts.SetUnique(true)
		}
		byCollection[ix.collection] = append(byCollection[ix.collection], mongo.IndexModel{Keys: ix.keys, Options: opts})
	}
	for _, c := range order {
		if _, err := db.Collection(c).Indexes().CreateMany(ctx, byCollection[c]); err != nil {
			return fmt.Errorf("store: create indexes of %s: %w", c, err)
		}
	}
	return nil
}

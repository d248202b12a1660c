// Package store keeps the platform's data in MongoDB through the official
// driver. It speaks only the subset of MongoDB that both a real replica set
// and the embedded FerretDB serve (SPEC §8), builds every filter from typed
// values, and maps driver errors to the errors of package models.
package store

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
	"go.mongodb.org/mongo-driver/v2/mongo/readpref"
	"go.mongodb.org/mongo-driver/v2/mongo/writeconcern"

	"github.com/wsis-platform/wsis/models"
)

// Config says which database to use.
type Config struct {
	// URI of a MongoDB deployment; empty starts the embedded database.
	URI string
	// Database is the name of the database within the deployment.
	Database string
	// DataDir holds the embedded database's files.
	DataDir string
	// Logger receives the embedded database's warnings.
	Logger *slog.Logger
}

// Store is the platform's database. It is safe for concurrent use.
type Store struct {
	client   *mongo.Client
	db       *mongo.Database
	embedded *Embedded
	owned    bool

	observer Observer
	// voteCollectionsReady holds the contests whose vote collections this
	// process has made sure of.
	voteCollectionsReady sync.Map
}

// Open connects to the deployment of cfg.URI with write concern majority, or,
// when cfg.URI is empty, starts the embedded database in cfg.DataDir and
// connects to it with the same driver. It pings the server before returning.
func Open(ctx context.Context, cfg Config) (*Store, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	uri := cfg.URI
	var emb *Embedded
	if uri == "" {
		var err error
		if emb, err = StartEmbedded(cfg.DataDir, cfg.Logger); err != nil {
			return nil, err
		}
		uri = emb.URI()
	}
	opts := options.Client().ApplyURI(uri).SetAppName("wsis").SetTimeout(30 * time.Second)
	if emb == nil {
		opts.SetWriteConcern(writeconcern.Majority())
	}
	client, err := mongo.Connect(opts)
	if err == nil {
		s := &Store{client: client, db: client.Database(cfg.Database), embedded: emb, owned: true}
		if err = s.Ping(ctx); err == nil {
			return s, nil
		}
		_ = s.Close(context.Background())
		return nil, err
	}
	if emb != nil {
		_ = emb.Stop(context.Background())
	}
	return nil, fmt.Errorf("store: connect: %w", err)
}

// New returns a Store on database name of a client the caller owns; Close
// leaves the client open. emb is the embedded server the client is connected
// to, or nil for a MongoDB deployment. Tests use it to give each test its own
// database on one server.
func New(client *mongo.Client, name string, emb *Embedded) *Store {
	return &Store{client: client, db: client.Database(name), embedded: emb}
}

// Embedded reports whether the store runs on the in-process database.
func (s *Store) Embedded() bool { return s.embedded != nil }

// Database returns the underlying database handle, for the store's own
// packages and for tests.
func (s *Store) Database() *mongo.Database { return s.db }

// Ping checks that the database answers. Returns an error when it does not.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.client.Ping(ctx, readpref.Primary()); err != nil {
		return fmt.Errorf("store: ping: %w", err)
	}
	return nil
}

// Close disconnects from the database and stops the embedded server, if
// any, so that its files are complete on disk.
func (s *Store) Close(ctx context.Context) error {
	if !s.owned {
		return nil
	}
	err := s.client.Disconnect(ctx)
	if s.embedded != nil {
		stopCtx, cancel := context.WithTimeout(context.Background(), stopTimeout)
		defer cancel()
		err = errors.Join(err, s.embedded.Stop(stopCtx))
	}
	if err != nil {
		return fmt.Errorf("store: close: %w", err)
	}
	return nil
}

// mapErr turns driver errors into model errors, keeping the operation in the
// message: no documents → ErrNotFound, duplicate key → ErrConflict.
func mapErr(op string, err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, mongo.ErrNoDocuments):
		return fmt.Errorf("store: %s: %w", op, models.ErrNotFound)
	case isDuplicateKey(err):
		return fmt.Errorf("store: %s: %w", op, models.ErrConflict)
	default:
		return fmt.Errorf("store: %s: %w", op, err)
	}
}

// isDuplicateKey reports a write refused by a unique index. MongoDB says so
// with a duplicate-key code; the embedded FerretDB does for inserts, but an
// update or replace that breaks a unique index comes back as an internal
// error carrying SQLite's message.
func isDuplicateKey(err error) bool {
	if err == nil {
		return false
	}
	if mongo.IsDuplicateKeyError(err) {
		return true
	}
	var ce mongo.CommandError
	return errors.As(err, &ce) && ce.Name == "InternalError" && strings.Contains(ce.Message, "UNIQUE constraint failed")
}

// upsertRetries bounds the attempts of an upsert that lost the insert of
// its document to another writer.
const upsertRetries = 3

// retryUpsert runs an upsert until it does not fail with a duplicate key:
// two first writes of one document at once (two replicas, say) may both
// try to insert it, and the loser's retry finds it and updates it, as
// MongoDB's documentation advises for upserts on a unique key.
func retryUpsert(upsert func() error) error {
	var err error
	for range upsertRetries {
		if err = upsert(); !isDuplicateKey(err) {
			return err
		}
	}
	return err
}

// mapInternal is mapErr for writes where every unique key is the server's
// own choice (a generated _id, a change sequence): a duplicate key there is
// the platform's fault, so it stays an internal error, never the client's
// ErrConflict.
func mapInternal(op string, err error) error {
	if isDuplicateKey(err) {
		return fmt.Errorf("store: %s: duplicate server-chosen key: %w", op, err)
	}
	return mapErr(op, err)
}

// findAll reads every document filter selects and converts each with conv:
// the lists of the small collections, which hold a year's contest work.
func findAll[D, M any](ctx context.Context, c *mongo.Collection, op string, filter any, conv func(D) M,
	opts ...options.Lister[options.FindOptions]) ([]M, error) {
	cur, err := c.Find(ctx, filter, opts...)
	if err != nil {
		return nil, mapErr(op, err)
	}
	var docs []D
	if err := cur.All(ctx, &docs); err != nil {
		return nil, mapErr(op, err)
	}
	out := make([]M, len(docs))
	for i, d := range docs {
		out[i] = conv(d)
	}
	return out, nil
}

package store_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/wsis-platform/wsis/models"
	"github.com/wsis-platform/wsis/store"
	"github.com/wsis-platform/wsis/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func TestOpen_EmbeddedStartsAndRestartKeepsData(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	cfg := store.Config{Database: "wsis", DataDir: dir, Logger: quiet()}

	s, err := store.Open(ctx, cfg)
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	if !s.Embedded() {
		t.Fatal("store without a URI is not embedded")
	}
	if _, err := s.Database().Collection("probe").InsertOne(ctx, bson.D{{Key: "_id", Value: "kept"}, {Key: "n", Value: 42}}); err != nil {
		t.Fatalf("insert: %v", err)
	}
	if err := s.Close(ctx); err != nil {
		t.Fatalf("close: %v", err)
	}
	if err := s.Ping(ctx); err == nil {
		t.Fatal("a closed store still answers")
	}

	s, err = store.Open(ctx, cfg)
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	defer s.Close(ctx)
	var got struct {
		N int `bson:"n"`
	}
	if err := s.Database().Collection("probe").FindOne(ctx, bson.D{{Key: "_id", Value: "kept"}}).Decode(&got); err != nil {
		t.Fatalf("read after restart: %v", err)
	}
	if got.N != 42 {
		t.Fatalf("read after restart: n = %d, want 42", got.N)
	}
}

func TestOpen_UnreachableServerFails(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	_, err := store.Open(ctx, store.Config{URI: "mongodb://127.0.0.1:1/?serverSelectionTimeoutMS=500", Database: "wsis"})
	if err == nil {
		t.Fatal("open of an unreachable server succeeded")
	}
}

func TestEnsureIndexes_Idempotent(t *testing.T) {
	s := storetest.Empty(t)
	for i := range 2 {
		if err := s.EnsureIndexes(context.Background()); err != nil {
			t.Fatalf("run %d: %v", i+1, err)
		}
	}
}

func TestMapErr_DuplicateKeyIsConflict(t *testing.T) {
	s := storetest.Empty(t)
	err := store.InsertProbe(context.Background(), s, "same")
	if err != nil {
		t.Fatalf("first insert: %v", err)
	}
	err = store.InsertProbe(context.Background(), s, "same")
	if !errors.Is(err, models.ErrConflict) {
		t.Fatalf("second insert: %v, want ErrConflict", err)
	}
}

func TestEnsureIndexes_UniqueIndexRejectsDuplicates(t *testing.T) {
	s := storetest.Empty(t)
	ctx := context.Background()
	if err := store.EnsureProbeIndex(ctx, s, true, bson.D{{Key: "email", Value: 1}}); err != nil {
		t.Fatalf("create index: %v", err)
	}
	if err := store.InsertProbeEmail(ctx, s, "a@example.org"); err != nil {
		t.Fatalf("first insert: %v", err)
	}
	if err := store.InsertProbeEmail(ctx, s, "a@example.org"); !errors.Is(err, models.ErrConflict) {
		t.Fatalf("duplicate insert: %v, want ErrConflict", err)
	}
}

func TestEnsureIndexes_ConflictingDefinitionFailsFast(t *testing.T) {
	s := storetest.Empty(t)
	ctx := context.Background()
	if err := store.EnsureProbeIndex(ctx, s, false, bson.D{{Key: "email", Value: 1}}); err != nil {
		t.Fatalf("create index: %v", err)
	}
	if err := store.EnsureProbeIndex(ctx, s, true, bson.D{{Key: "email", Value: -1}}); err == nil {
		t.Fatal("an index redefined under the same name was accepted")
	}
}

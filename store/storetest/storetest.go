// Package storetest gives each test its own database on one MongoDB-compatible
// server per test binary: the embedded FerretDB, or the deployment named by
// WSIS_TEST_MONGODB_URI. Tests use the real driver against it; nothing is
// mocked.
package storetest

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/wsis-platform/wsis/store"
)

var (
	once     sync.Once
	client   *mongo.Client
	embedded *store.Embedded
	dir      string
	startErr error
	seq      atomic.Int64
)

// Main runs the package's tests and then stops the shared server and removes
// its files. Call it from TestMain.
func Main(m *testing.M) {
	code := m.Run()
	if client != nil {
		_ = client.Disconnect(context.Background())
	}
	if embedded != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		_ = embedded.Stop(ctx)
		cancel()
	}
	if dir != "" {
		_ = os.RemoveAll(dir)
	}
	os.Exit(code)
}

// URI returns the connection string of the shared server, starting it on
// first use.
func URI(t testing.TB) string {
	t.Helper()
	start(t)
	if embedded != nil {
		return embedded.URI()
	}
	return os.Getenv("WSIS_TEST_MONGODB_URI")
}

func start(t testing.TB) {
	t.Helper()
	once.Do(func() {
		uri := os.Getenv("WSIS_TEST_MONGODB_URI")
		if uri == "" {
			if dir, startErr = os.MkdirTemp("", "wsis-storetest-"); startErr != nil {
				return
			}
			logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
			if embedded, startErr = store.StartEmbedded(dir, logger); startErr != nil {
				return
			}
			uri = embedded.URI()
		}
		client, startErr = mongo.Connect(options.Client().ApplyURI(uri).SetTimeout(60 * time.Second))
	})
	if startErr != nil {
		t.Fatalf("storetest: start test database: %v", startErr)
	}
}

var unsafe = regexp.MustCompile(`[^a-zA-Z0-9]+`)

// Store returns a Store on a new, empty database with the platform's indexes,
// dropped when the test ends.
func Store(t testing.TB) *store.Store {
	t.Helper()
	s := Empty(t)
	if err := s.EnsureIndexes(context.Background()); err != nil {
		t.Fatalf("storetest: create indexes: %v", err)
	}
	return s
}

// Empty returns a Store on a new database without indexes, dropped when the
// test ends.
func Empty(t testing.TB) *store.Store {
	t.Helper()
	start(t)
	name := strings.ToLower(unsafe.ReplaceAllString(t.Name(), "_"))
	if len(name) > 40 {
		name = name[:40]
	}
	name = fmt.Sprintf("t%d_%d_%s", os.Getpid()%100000, seq.Add(1), name)
	s := store.New(client, name, embedded)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		_ = s.Database().Drop(ctx)
	})
	return s
}

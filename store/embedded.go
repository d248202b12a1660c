package store

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/FerretDB/FerretDB/ferretdb"
)

// Embedded is a FerretDB server running in this process on SQLite files, so
// the platform runs with no database to install. Clients reach it over TCP on
// the loopback interface with the ordinary MongoDB driver.
type Embedded struct {
	uri    string
	cancel context.CancelFunc
	done   chan struct{}
}

// StartEmbedded starts FerretDB with its SQLite files in dir (created when
// missing) and listens on a free loopback port. Only warnings and errors of
// FerretDB's own reach logger: it reports every failed command at warning
// level, which the platform's own errors already cover.
func StartEmbedded(dir string, logger *slog.Logger) (*Embedded, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("store: embedded database directory: %w", err)
	}
	if strings.ContainsAny(abs, "?#") {
		return nil, fmt.Errorf("store: embedded database directory %q must not contain '?' or '#'", abs)
	}
	if err := os.MkdirAll(abs, 0o700); err != nil {
		return nil, fmt.Errorf("store: embedded database directory: %w", err)
	}
	f, err := ferretdb.New(&ferretdb.Config{
		Listener:  ferretdb.ListenerConfig{TCP: "127.0.0.1:0"},
		Handler:   "sqlite",
		SQLiteURL: "file:" + filepath.ToSlash(abs) + "/",
		Logger:    slog.New(quietHandler{logger.Handler().WithAttrs([]slog.Attr{slog.String("component", "ferretdb")})}),
	})
	if err != nil {
		return nil, fmt.Errorf("store: start embedded database: %w", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	e := &Embedded{uri: f.MongoDBURI(), cancel: cancel, done: make(chan struct{})}
	go func() {
		defer close(e.done)
		_ = f.Run(ctx) // Run only returns nil, once ctx is cancelled.
	}()
	return e, nil
}

// URI is the MongoDB connection string of the embedded server.
func (e *Embedded) URI() string { return e.uri }

// Stop closes the listener and the SQLite files, waiting at most until ctx
// ends.
func (e *Embedded) Stop(ctx context.Context) error {
	e.cancel()
	select {
	case <-e.done:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("store: stop embedded database: %w", ctx.Err())
	}
}

// quietHandler passes on FerretDB's own warnings and errors and drops its
// per-command logs: the dumps of every request and of every failed response.
type quietHandler struct{ next slog.Handler }

func (h quietHandler) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= slog.LevelWarn && h.next.Enabled(ctx, l)
}

func (h quietHandler) Handle(ctx context.Context, r slog.Record) error {
	if strings.HasPrefix(r.Message, "Response ") || strings.HasPrefix(r.Message, "Proxy response ") ||
		strings.HasPrefix(r.Message, "Request ") {
		return nil
	}
	return h.next.Handle(ctx, r)
}

func (h quietHandler) WithAttrs(as []slog.Attr) slog.Handler {
	return quietHandler{h.next.WithAttrs(as)}
}
func (h quietHandler) WithGroup(name string) slog.Handler {
	return quietHandler{h.next.WithGroup(name)}
}

// stopTimeout bounds how long Close waits for the embedded server.
const stopTimeout = 10 * time.Second

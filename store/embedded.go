package store

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/FerretDB/FerretDB/ferretdb"
)

// Embedded is a FerretDB server running in this process on SQLite files, so
// the platform runs with no database to install. It has no authentication,
// so clients reach it over a Unix socket inside its private (0700)
// directory, where no other local user can connect; only when that path is
// too long for a socket does it listen on TCP loopback instead.
type Embedded struct {
	dir    string
	uri    string
	cancel context.CancelFunc
	done   chan struct{}
	// locks make the read-modify-writes of every Store on this server
	// atomic (see docLocks).
	locks docLocks
	// accounts caches accounts by database (see userCache).
	accountsMu sync.Mutex
	accounts   map[string]*userCache
}

// users returns the account cache of the database name on this server.
func (e *Embedded) users(name string) *userCache {
	e.accountsMu.Lock()
	defer e.accountsMu.Unlock()
	if e.accounts == nil {
		e.accounts = map[string]*userCache{}
	}
	c := e.accounts[name]
	if c == nil {
		c = &userCache{}
		e.accounts[name] = c
	}
	return c
}

// socketName is the embedded server's Unix socket within its directory; the
// driver takes a host ending in ".sock" for a socket path.
const socketName = "ferretdb.sock"

// maxSocketPath is the longest Unix socket path every platform accepts:
// sun_path holds 104 bytes on macOS and the BSDs (108 on Linux), with room
// for the terminating NUL.
const maxSocketPath = 103

// StartEmbedded starts FerretDB with its SQLite files in dir (created when
// missing, and made private to the process's user) and listens on the Unix
// socket dir/ferretdb.sock. When that path is longer than a socket path may
// be, it listens on a free loopback port instead and logs a warning saying
// why. A socket left by a process that died is replaced; one that a running
// server still answers on is an error. Only warnings and errors of
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
	// The files hold password hashes and signing keys, and the socket has
	// no password: only the process's user may enter the directory.
	if err := os.Chmod(abs, 0o700); err != nil {
		return nil, fmt.Errorf("store: embedded database directory: %w", err)
	}
	listener, uri := ferretdb.ListenerConfig{}, ""
	socket := filepath.Join(abs, socketName)
	if len(socket) <= maxSocketPath {
		if err := removeStaleSocket(socket); err != nil {
			return nil, err
		}
		listener.Unix = socket
		uri = "mongodb://" + url.QueryEscape(socket) + "/"
	} else {
		logger.Warn("embedded database: listening on TCP loopback without authentication, so local users can "+
			"connect to it, because the Unix socket path would be too long; choose a shorter WSIS_DATA_DIR",
			"socket", socket, "bytes", len(socket), "max_bytes", maxSocketPath)
		listener.TCP = "127.0.0.1:0"
	}
	f, err := ferretdb.New(&ferretdb.Config{
		Listener:  listener,
		Handler:   "sqlite",
		SQLiteURL: "file:" + filepath.ToSlash(abs) + "/",
		Logger:    slog.New(quietHandler{logger.Handler().WithAttrs([]slog.Attr{slog.String("component", "ferretdb")})}),
	})
	if err != nil {
		return nil, fmt.Errorf("store: start embedded database: %w", err)
	}
	if uri == "" {
		uri = f.MongoDBURI()
	}
	ctx, cancel := context.WithCancel(context.Background())
	e := &Embedded{dir: abs, uri: uri, cancel: cancel, done: make(chan struct{})}
	go func() {
		defer close(e.done)
		_ = f.Run(ctx) // Run only returns nil, once ctx is cancelled.
	}()
	return e, nil
}

// removeStaleSocket removes the socket file at path when no server answers
// on it (its process died without removing it), so that listening there
// succeeds. A live socket means another process serves the same files.
func removeStaleSocket(path string) error {
	info, err := os.Lstat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("store: embedded database socket: %w", err)
	}
	if info.Mode()&fs.ModeSocket == 0 {
		return fmt.Errorf("store: embedded database: %s is in the way of its socket", path)
	}
	conn, err := net.DialTimeout("unix", path, time.Second)
	if err == nil {
		_ = conn.Close()
		return fmt.Errorf("store: embedded database: another process serves %s", path)
	}
	if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("store: embedded database: remove stale socket: %w", err)
	}
	return nil
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

package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/FerretDB/FerretDB/ferretdb"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// sharedServer returns the connection string of a MongoDB-compatible server
// that several processes can share, and whether it is FerretDB. It is the
// deployment WSIS_TEST_MONGODB_URI names, or else FerretDB on a PostgreSQL
// of Debian's packages that this test starts in a temporary directory (as
// the postgres user when run as root): the machine has no MongoDB. Without
// PostgreSQL the test is skipped, unless CI is set.
func sharedServer(t *testing.T) (uri string, ferret bool) {
	t.Helper()
	if uri := os.Getenv("WSIS_TEST_MONGODB_URI"); uri != "" {
		return uri, isFerretDB(t, uri)
	}
	bin := postgresBin()
	if bin == "" {
		skipUnlessCI(t, "no PostgreSQL binaries (apt-get install postgresql) and no WSIS_TEST_MONGODB_URI")
	}
	// A short path: the server's Unix socket lives in it (107 bytes at most).
	dir, err := os.MkdirTemp("", "wsis-pg-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.RemoveAll(dir) })
	asPostgres, err := postgresRunner(dir)
	if err != nil {
		skipUnlessCI(t, "cannot run PostgreSQL: "+err.Error())
	}
	data := filepath.Join(dir, "data")
	if out, err := asPostgres(filepath.Join(bin, "initdb"), "-D", data, "-A", "trust", "-U", "postgres", "--no-sync").CombinedOutput(); err != nil {
		skipUnlessCI(t, fmt.Sprintf("initdb: %v\n%s", err, out))
	}
	opts := fmt.Sprintf("-k %s -c listen_addresses='' -c fsync=off -c max_connections=300", dir)
	if out, err := asPostgres(filepath.Join(bin, "pg_ctl"), "-D", data, "-o", opts, "-w", "-l", filepath.Join(dir, "log"), "start").CombinedOutput(); err != nil {
		log, _ := os.ReadFile(filepath.Join(dir, "log"))
		skipUnlessCI(t, fmt.Sprintf("pg_ctl start: %v\n%s\n%s", err, out, log))
	}
	t.Cleanup(func() {
		_ = asPostgres(filepath.Join(bin, "pg_ctl"), "-D", data, "-m", "immediate", "stop").Run()
	})

	f, err := ferretdb.New(&ferretdb.Config{
		Listener:      ferretdb.ListenerConfig{TCP: "127.0.0.1:0"},
		Handler:       "postgresql",
		PostgreSQLURL: "postgres://postgres@/postgres?host=" + dir + "&pool_max_conns=100",
		Logger:        slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	if err != nil {
		t.Fatalf("FerretDB on PostgreSQL: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = f.Run(ctx)
	}()
	t.Cleanup(func() {
		cancel()
		<-done
	})
	return f.MongoDBURI(), true
}

func skipUnlessCI(t *testing.T, why string) {
	t.Helper()
	if os.Getenv("CI") != "" {
		t.Fatalf("CI is set and the shared server cannot start: %s", why)
	}
	t.Skipf("no shared MongoDB-compatible server: %s", why)
}

// postgresBin is the directory of Debian's PostgreSQL server binaries, the
// newest installed, or "" when there is none.
func postgresBin() string {
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	for i := len(dirs) - 1; i >= 0; i-- {
		if _, err := os.Stat(filepath.Join(dirs[i], "pg_ctl")); err == nil {
			return dirs[i]
		}
	}
	return ""
}

// postgresRunner returns how to run a PostgreSQL binary so that it may own
// dir: PostgreSQL refuses to run as root, so as root the command runs as the
// postgres user (runuser) and dir becomes that user's.
func postgresRunner(dir string) (func(name string, args ...string) *exec.Cmd, error) {
	if os.Geteuid() != 0 {
		return exec.Command, nil
	}
	pg, err := user.Lookup("postgres")
	if err != nil {
		return nil, err
	}
	uid, _ := strconv.Atoi(pg.Uid)
	gid, _ := strconv.Atoi(pg.Gid)
	if err := os.Chown(dir, uid, gid); err != nil {
		return nil, err
	}
	return func(name string, args ...string) *exec.Cmd {
		return exec.Command("runuser", append([]string{"-u", "postgres", "--", name}, args...)...)
	}, nil
}

// isFerretDB reports whether the server at uri says it is FerretDB.
func isFerretDB(t *testing.T, uri string) bool {
	t.Helper()
	c := connect(t, uri)
	var info bson.M
	if err := c.Database("admin").RunCommand(context.Background(), bson.D{{Key: "buildInfo", Value: 1}}).Decode(&info); err != nil {
		t.Fatalf("buildInfo: %v", err)
	}
	_, ferret := info["ferretdb"]
	return ferret
}

// connect is a driver client of its own (its own connection pool) to uri,
// disconnected when the test ends.
func connect(t *testing.T, uri string) *mongo.Client {
	t.Helper()
	c, err := mongo.Connect(options.Client().ApplyURI(uri).SetTimeout(30 * time.Second))
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	t.Cleanup(func() { _ = c.Disconnect(context.Background()) })
	return c
}

var suffixes atomic.Int64

// uniqueSuffix tells apart the databases of the tests of this process and
// of earlier runs on a shared server.
func uniqueSuffix() int64 { return time.Now().UnixNano()%1e9*100 + suffixes.Add(1)%100 }

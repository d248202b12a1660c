package store_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

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
	ctx := context.Background()
	for i := range 2 {
		if err := s.EnsureIndexes(ctx); err != nil {
			t.Fatalf("run %d: %v", i+1, err)
		}
	}
	names, err := s.Database().ListCollectionNames(ctx, bson.D{})
	if err != nil {
		t.Fatalf("list collections: %v", err)
	}
	for _, c := range store.Collections {
		if !slices.Contains(names, c) {
			t.Errorf("collection %s was not created", c)
		}
	}
	want := map[string]map[string]store.DeclaredIndex{}
	for _, ix := range store.DeclaredIndexes() {
		if want[ix.Collection] == nil {
			want[ix.Collection] = map[string]store.DeclaredIndex{}
		}
		want[ix.Collection][ix.Name] = ix
	}
	for collection, declared := range want {
		specs, err := s.Database().Collection(collection).Indexes().ListSpecifications(ctx)
		if err != nil {
			t.Fatalf("list indexes of %s: %v", collection, err)
		}
		got := map[string]bool{}
		for _, spec := range specs {
			if spec.Name == "_id_" {
				continue
			}
			got[spec.Name] = true
			ix, ok := declared[spec.Name]
			if !ok {
				t.Errorf("%s has index %s, which is not declared", collection, spec.Name)
				continue
			}
			if keys := indexKeys(t, spec.KeysDocument); keys != fmt.Sprint(ix.Keys) {
				t.Errorf("%s.%s keys = %s, want %v", collection, spec.Name, keys, ix.Keys)
			}
			if unique := spec.Unique != nil && *spec.Unique; unique != ix.Unique {
				t.Errorf("%s.%s unique = %v, want %v", collection, spec.Name, unique, ix.Unique)
			}
		}
		for name := range declared {
			if !got[name] {
				t.Errorf("index %s of %s does not exist after two runs", name, collection)
			}
		}
	}
}

// indexKeys prints an index's keys as fmt prints a declared bson.D, whatever
// number type the server answers the directions in.
func indexKeys(t *testing.T, raw bson.Raw) string {
	t.Helper()
	var keys bson.D
	if err := bson.Unmarshal(raw, &keys); err != nil {
		t.Fatalf("index keys: %v", err)
	}
	for i, k := range keys {
		switch v := k.Value.(type) {
		case int32:
			keys[i].Value = int(v)
		case int64:
			keys[i].Value = int(v)
		case float64:
			keys[i].Value = int(v)
		}
	}
	return fmt.Sprint(keys)
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

// shortTempDir returns a new directory whose path is short enough for a Unix
// socket inside it, removed when the test ends.
func shortTempDir(t *testing.T) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "wsis")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.RemoveAll(dir) })
	return dir
}

func ping(t *testing.T, uri string) {
	t.Helper()
	client, err := mongo.Connect(options.Client().ApplyURI(uri).SetTimeout(10 * time.Second))
	if err != nil {
		t.Fatalf("connect to %s: %v", uri, err)
	}
	defer client.Disconnect(context.Background())
	if err := client.Ping(context.Background(), nil); err != nil {
		t.Fatalf("ping %s: %v", uri, err)
	}
}

func TestStartEmbedded_ListensOnASocketInAPrivateDirectory(t *testing.T) {
	dir := filepath.Join(shortTempDir(t), "db +x")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	e, err := store.StartEmbedded(dir, quiet())
	if err != nil {
		t.Fatal(err)
	}
	defer e.Stop(context.Background())
	if strings.Contains(e.URI(), "127.0.0.1") || !strings.HasSuffix(e.URI(), ".sock/") {
		t.Fatalf("URI = %s, want a Unix socket", e.URI())
	}
	socket, err := os.Stat(filepath.Join(dir, "ferretdb.sock"))
	if err != nil || socket.Mode()&fs.ModeSocket == 0 {
		t.Fatalf("no socket in the directory: %v %v", socket, err)
	}
	if info, err := os.Stat(dir); err != nil || info.Mode().Perm() != 0o700 {
		t.Fatalf("directory mode %v (%v), want 0700", info.Mode().Perm(), err)
	}
	ping(t, e.URI())
	if _, err := store.StartEmbedded(dir, quiet()); err == nil {
		t.Fatal("a second server started on the socket of a running one")
	}
}

func TestStartEmbedded_ReplacesASocketLeftByADeadProcess(t *testing.T) {
	dir := shortTempDir(t)
	ln, err := net.Listen("unix", filepath.Join(dir, "ferretdb.sock"))
	if err != nil {
		t.Fatal(err)
	}
	ln.(*net.UnixListener).SetUnlinkOnClose(false)
	_ = ln.Close()
	e, err := store.StartEmbedded(dir, quiet())
	if err != nil {
		t.Fatalf("start over a stale socket: %v", err)
	}
	defer e.Stop(context.Background())
	ping(t, e.URI())
}

func TestStartEmbedded_TooLongForASocketFallsBackToLoopbackWithAWarning(t *testing.T) {
	dir := filepath.Join(shortTempDir(t), strings.Repeat("d", 100))
	var logs strings.Builder
	e, err := store.StartEmbedded(dir, slog.New(slog.NewTextHandler(&logs, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer e.Stop(context.Background())
	if !strings.HasPrefix(e.URI(), "mongodb://127.0.0.1:") {
		t.Fatalf("URI = %s, want TCP loopback", e.URI())
	}
	if !strings.Contains(logs.String(), "level=WARN") || !strings.Contains(logs.String(), "too long") {
		t.Fatalf("no warning saying why:\n%s", logs.String())
	}
	ping(t, e.URI())
}

func TestDeleteExpired_RemovesOnlyExpiredRecords(t *testing.T) {
	s := storetest.Store(t)
	ctx := context.Background()
	now := time.Now().UTC().Truncate(time.Millisecond)
	user, err := s.CreateUser(ctx, models.User{Email: "amina@example.org", CreatedAt: now}, "hash")
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range []struct {
		name    string
		expires time.Time
	}{{"old", now.Add(-time.Hour)}, {"live", now.Add(time.Hour)}} {
		rt := models.RefreshToken{Hash: "rt-" + r.name, FamilyID: "fam-" + r.name, UserID: user.ID,
			CreatedAt: now.Add(-2 * time.Hour), ExpiresAt: r.expires, FamilyExpiresAt: r.expires}
		if err := s.InsertRefreshToken(ctx, rt); err != nil {
			t.Fatal(err)
		}
		if err := s.SpendRefreshToken(ctx, rt, now.Add(-2*time.Hour)); err != nil {
			t.Fatal(err)
		}
		if err := s.RevokeFamily(ctx, rt.FamilyID, "logout", now.Add(-2*time.Hour), r.expires); err != nil {
			t.Fatal(err)
		}
		bs := models.BrowserSession{Hash: "bs-" + r.name, UserID: user.ID, CreatedAt: now.Add(-2 * time.Hour), ExpiresAt: r.expires}
		if err := s.InsertBrowserSession(ctx, bs); err != nil {
			t.Fatal(err)
		}
		if err := s.EndBrowserSession(ctx, bs, now.Add(-time.Hour)); err != nil {
			t.Fatal(err)
		}
		for _, kind := range []string{"spent", "unused"} {
			at := models.ActionToken{Hash: "at-" + kind + "-" + r.name, Kind: models.ActionVerifyEmail, UserID: user.ID, ExpiresAt: r.expires}
			if err := s.InsertActionToken(ctx, at); err != nil {
				t.Fatal(err)
			}
			if kind == "spent" {
				if _, err := s.UseActionToken(ctx, at.Kind, at.Hash, now.Add(-2*time.Hour)); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	collections := []string{"refresh_tokens", "refresh_spent", "refresh_revoked", "action_tokens", "action_tokens_spent",
		"browser_sessions", "browser_sessions_ended"}
	count := func(c string) int64 {
		n, err := s.Database().Collection(c).CountDocuments(ctx, bson.D{})
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	before := map[string]int64{}
	for _, c := range collections {
		before[c] = count(c)
	}

	n, err := s.DeleteExpired(ctx, now)
	if err != nil {
		t.Fatal(err)
	}
	if n != 8 {
		t.Errorf("DeleteExpired removed %d records, want 8", n)
	}
	for _, c := range collections {
		var ids []struct {
			ID string `bson:"_id"`
		}
		cur, err := s.Database().Collection(c).Find(ctx, bson.D{})
		if err != nil || cur.All(ctx, &ids) != nil {
			t.Fatal(err)
		}
		for _, id := range ids {
			if strings.HasSuffix(id.ID, "-old") {
				t.Errorf("%s: expired record %s kept", c, id.ID)
			}
		}
		if want := before[c] / 2; int64(len(ids)) != want {
			t.Errorf("%s: %d records left of %d, want %d", c, len(ids), before[c], want)
		}
	}
	if _, err := s.RefreshToken(ctx, "rt-live"); err != nil {
		t.Errorf("live refresh token: %v", err)
	}
	if _, err := s.RefreshTokenSpentAt(ctx, "rt-live"); err != nil {
		t.Errorf("spent record of the live token: %v", err)
	}
	if revoked, err := s.FamilyRevoked(ctx, "fam-live"); err != nil || !revoked {
		t.Errorf("revocation of the live family: %v %v", revoked, err)
	}
}

func TestUseActionToken_RefusedOnceTheSessionVersionMovedOn(t *testing.T) {
	s := storetest.Store(t)
	ctx := context.Background()
	now := time.Now().UTC()
	user, err := s.CreateUser(ctx, models.User{Email: "amina@example.org", CreatedAt: now}, "hash")
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range []string{"first", "second"} {
		if err := s.InsertActionToken(ctx, models.ActionToken{Hash: h, Kind: models.ActionResetPassword, UserID: user.ID, ExpiresAt: now.Add(time.Hour)}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.UseActionToken(ctx, models.ActionResetPassword, "second", now); err != nil {
		t.Fatalf("use: %v", err)
	}
	if _, err := s.SetPassword(ctx, user.ID, "new hash", now); err != nil {
		t.Fatal(err)
	}
	if _, err := s.UseActionToken(ctx, models.ActionResetPassword, "first", now); !errors.Is(err, models.ErrNotFound) {
		t.Fatalf("a link issued before the reset: %v, want ErrNotFound", err)
	}
	if err := s.InsertActionToken(ctx, models.ActionToken{Hash: "third", Kind: models.ActionResetPassword, UserID: user.ID, ExpiresAt: now.Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.UseActionToken(ctx, models.ActionResetPassword, "third", now); err != nil {
		t.Fatalf("a link issued after the reset: %v", err)
	}
}

func TestMapErr_UniqueIndexBrokenByUpdateIsConflict(t *testing.T) {
	s := storetest.Empty(t)
	ctx := context.Background()
	if err := store.EnsureProbeIndex(ctx, s, true, bson.D{{Key: "email", Value: 1}}); err != nil {
		t.Fatalf("create index: %v", err)
	}
	for _, e := range []string{"a@example.org", "b@example.org"} {
		if err := store.InsertProbeEmail(ctx, s, e); err != nil {
			t.Fatal(err)
		}
	}
	if err := store.SetProbeEmail(ctx, s, "b@example.org", "a@example.org"); !errors.Is(err, models.ErrConflict) {
		t.Fatalf("update onto a taken unique value: %v, want ErrConflict", err)
	}
}

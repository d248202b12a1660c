package store_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/wsis-platform/wsis/models"
	"github.com/wsis-platform/wsis/store"
	"github.com/wsis-platform/wsis/store/seed"
	"github.com/wsis-platform/wsis/store/storetest"
)

// seedForBackup fills s with accounts, projects, a contest and its votes.
func seedForBackup(t *testing.T, s *store.Store) []models.Vote {
	t.Helper()
	ctx := context.Background()
	now := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	res, err := seed.Run(ctx, s, seed.Options{Projects: 40, Users: 12, PasswordHash: "$argon2id$unused", Seed: 7, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateContest(ctx, models.Contest{Year: 2031, Title: "WSIS Prizes 2031", CreatedAt: now, UpdatedAt: now}); err != nil {
		t.Fatal(err)
	}
	var votes []models.Vote
	for i, u := range res.Users {
		category := 1 + i%3
		votes = append(votes, models.Vote{ID: models.VoteID(2031, category, u.ID), Contest: 2031, Category: category,
			NominationID: fmt.Sprintf("nomination-%d", category), VoterID: u.ID, CastAt: now,
			Receipt: fmt.Sprintf("%064x", i), ClientHash: fmt.Sprintf("%032x", i), AgentHash: fmt.Sprintf("%032x", i)})
	}
	for _, err := range s.InsertVotes(ctx, votes) {
		if err != nil {
			t.Fatal(err)
		}
	}
	return votes
}

// openFresh opens an embedded store in a new data directory, closed when the
// test ends.
func openFresh(t *testing.T) *store.Store {
	t.Helper()
	s, err := store.Open(context.Background(), store.Config{Database: "wsis", DataDir: t.TempDir(), Logger: quiet()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close(context.Background()) })
	return s
}

// documents returns every document of every collection of s, by collection
// and _id.
func documents(t *testing.T, s *store.Store) map[string]map[string]string {
	t.Helper()
	ctx := context.Background()
	names, err := s.Database().ListCollectionNames(ctx, bson.D{})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]map[string]string{}
	for _, name := range names {
		cur, err := s.Database().Collection(name).Find(ctx, bson.D{})
		if err != nil {
			t.Fatal(err)
		}
		docs := map[string]string{}
		for cur.Next(ctx) {
			docs[cur.Current.Lookup("_id").String()] = string(cur.Current)
		}
		if err := cur.Err(); err != nil {
			t.Fatal(err)
		}
		out[name] = docs
	}
	return out
}

func TestBackup_RoundTripRestoresEveryCollectionAndIndex(t *testing.T) {
	ctx := context.Background()
	src := storetest.Store(t)
	votes := seedForBackup(t, src)
	var file bytes.Buffer
	m, err := src.Backup(ctx, &file, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]store.BackupCollection{}
	for _, c := range m.Collections {
		byName[c.Name] = c
	}
	for _, name := range append(slices.Clone(store.Collections), store.VoteCollectionNames(2031)...) {
		if _, ok := byName[name]; !ok {
			t.Errorf("backup lacks collection %s", name)
		}
	}
	if byName["users"].Count != 12 || byName["projects"].Count != 40 {
		t.Fatalf("manifest counts users %d, projects %d; want 12 and 40", byName["users"].Count, byName["projects"].Count)
	}

	dst := openFresh(t)
	if _, err := dst.Restore(ctx, bytes.NewReader(file.Bytes()), store.RestoreOptions{}); err != nil {
		t.Fatalf("restore: %v", err)
	}
	want, got := documents(t, src), documents(t, dst)
	for name, docs := range want {
		if len(got[name]) != len(docs) {
			t.Errorf("%s: %d documents restored, want %d", name, len(got[name]), len(docs))
		}
		for id, doc := range docs {
			if got[name][id] != doc {
				t.Errorf("%s: document %s differs after the restore", name, id)
			}
		}
	}
	var again bytes.Buffer
	m2, err := dst.Backup(ctx, &again, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range m2.Collections {
		w := byName[c.Name]
		if c.Count != w.Count || fmt.Sprint(c.Indexes) != fmt.Sprint(w.Indexes) {
			t.Errorf("%s: restored %d documents with indexes %v; backed up %d with %v", c.Name, c.Count, c.Indexes, w.Count, w.Indexes)
		}
	}
	if len(m2.Collections) != len(m.Collections) {
		t.Errorf("restored %d collections, backed up %d", len(m2.Collections), len(m.Collections))
	}

	// The unique indexes hold again: a second vote of one voter in one
	// category is refused, and so is a second project with a taken seq.
	if errs := dst.InsertVotes(ctx, votes[:1]); !errors.Is(errs[0], models.ErrConflict) {
		t.Errorf("a restored vote's _id taken again: %v, want ErrConflict", errs[0])
	}
	var project bson.Raw
	if project, err = dst.Database().Collection("projects").FindOne(ctx, bson.D{}).Raw(); err != nil {
		t.Fatal(err)
	}
	_, err = dst.Database().Collection("projects").InsertOne(ctx, bson.D{{Key: "_id", Value: "another"}, {Key: "seq", Value: project.Lookup("seq")}})
	if err == nil {
		t.Error("a project with a restored project's seq was stored: the unique seq index did not come back")
	}

	// The embedded store's _id lookups search an index again.
	for _, name := range []string{"users", "projects", store.VoteCollectionNames(2031)[0]} {
		update, _, ok, err := store.IDPlans(ctx, dst, name)
		if err != nil || !ok {
			t.Fatalf("plans of %s: %v", name, err)
		}
		if !usesIDIndex(update) {
			t.Errorf("%s: update by _id plans %q after the restore, want the _id lookup index", name, update)
		}
	}
}

func TestRestore_CorruptFileIsRefusedAndChangesNothing(t *testing.T) {
	ctx := context.Background()
	src := storetest.Store(t)
	seedForBackup(t, src)
	var file bytes.Buffer
	if _, err := src.Backup(ctx, &file, time.Now()); err != nil {
		t.Fatal(err)
	}
	good := file.Bytes()
	flip := func(b []byte) []byte {
		// Change one letter inside a seeded document: the BSON stays valid,
		// only the checksum can tell.
		i := bytes.Index(b, []byte("stakeholder3@"))
		if i < 0 {
			t.Fatal("seeded email not in the backup")
		}
		out := slices.Clone(b)
		out[i] = 'S'
		return out
	}
	for name, bad := range map[string][]byte{
		"one changed byte": flip(good),
		"truncated":        good[:len(good)-10],
		"another format":   append([]byte("wsis-backup 9\n"), good[len("wsis-backup 1\n"):]...),
		"trailing data":    append(slices.Clone(good), 'D'),
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := store.ReadBackup(bytes.NewReader(bad)); !errors.Is(err, store.ErrBackupCorrupt) {
				t.Fatalf("read: %v, want ErrBackupCorrupt", err)
			}
			dst := storetest.Empty(t)
			if _, err := dst.Restore(ctx, bytes.NewReader(bad), store.RestoreOptions{}); !errors.Is(err, store.ErrBackupCorrupt) {
				t.Fatalf("restore: %v, want ErrBackupCorrupt", err)
			}
			names, err := dst.Database().ListCollectionNames(ctx, bson.D{})
			if err != nil || len(names) != 0 {
				t.Fatalf("a refused restore created collections %v (%v)", names, err)
			}
		})
	}
}

func TestRestore_NonEmptyDatabaseNeedsForce(t *testing.T) {
	ctx := context.Background()
	src := storetest.Store(t)
	seedForBackup(t, src)
	var file bytes.Buffer
	if _, err := src.Backup(ctx, &file, time.Now()); err != nil {
		t.Fatal(err)
	}
	dst := storetest.Store(t)
	if err := store.InsertProbe(ctx, dst, "kept-unless-forced"); err != nil {
		t.Fatal(err)
	}
	if _, err := dst.Restore(ctx, bytes.NewReader(file.Bytes()), store.RestoreOptions{}); !errors.Is(err, store.ErrDatabaseNotEmpty) {
		t.Fatalf("restore into a database with data: %v, want ErrDatabaseNotEmpty", err)
	}
	if n, _ := dst.Database().Collection("probe").CountDocuments(ctx, bson.D{}); n != 1 {
		t.Fatalf("a refused restore changed the database: probe holds %d", n)
	}
	if _, err := dst.Restore(ctx, bytes.NewReader(file.Bytes()), store.RestoreOptions{Force: true}); err != nil {
		t.Fatalf("forced restore: %v", err)
	}
	if n, _ := dst.Database().Collection("users").CountDocuments(ctx, bson.D{}); n != 12 {
		t.Fatalf("forced restore: %d users, want 12", n)
	}
	if names, _ := dst.Database().ListCollectionNames(ctx, bson.D{}); slices.Contains(names, "probe") {
		t.Fatal("a forced restore kept a collection the backup does not hold")
	}
}

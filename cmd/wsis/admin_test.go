package main

import (
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wsis-platform/wsis/auth"
	"github.com/wsis-platform/wsis/models"
	"github.com/wsis-platform/wsis/store"
	"github.com/wsis-platform/wsis/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

func TestAdminCreate_CreatesThenPromotesAndResets(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	environ := env(map[string]string{"WSIS_DATA_DIR": dir})
	var out strings.Builder
	err := run(ctx, []string{"admin", "create", "--email", "chief@example.org"}, environ,
		strings.NewReader("first admin password\n"), &out, io.Discard)
	if err != nil {
		t.Fatalf("admin create: %v", err)
	}
	if !strings.Contains(out.String(), "chief@example.org") {
		t.Fatalf("output %q does not name the admin", out.String())
	}
	err = run(ctx, []string{"admin", "create", "--email", "chief@example.org"}, environ,
		strings.NewReader("second admin password\n"), io.Discard, io.Discard)
	if err != nil {
		t.Fatalf("admin create again: %v", err)
	}
	err = run(ctx, []string{"admin", "create", "--email", "chief@example.org"}, environ, strings.NewReader("short\n"), io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "12 characters") {
		t.Fatalf("a short password was accepted: %v", err)
	}

	st, err := store.Open(ctx, store.Config{Database: "wsis", DataDir: filepath.Join(dir, "db"), Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close(ctx)
	user, hash, err := st.UserCredentials(ctx, "CHIEF@example.org")
	if err != nil {
		t.Fatalf("the admin was not stored: %v", err)
	}
	verified, _ := st.EmailVerified(ctx, user.ID)
	if !slices.Contains(user.Roles, models.RoleAdmin) || !verified || user.Disabled {
		t.Fatalf("admin = %+v, verified %v", user, verified)
	}
	if ok, _ := auth.NewHasher(1).Verify(ctx, hash, "second admin password"); !ok {
		t.Fatal("the second run did not set the new password")
	}
	entries, _, err := st.ListAudit(ctx, store.AuditQuery{TargetID: user.ID, Limit: 10})
	if err != nil || len(entries) != 2 || entries[1].Action != "admin.create" || entries[0].Action != "admin.update" {
		t.Fatalf("audit = %+v, %v", entries, err)
	}
}

func TestAdminCreate_NeedsAnEmail(t *testing.T) {
	err := run(context.Background(), []string{"admin", "create"}, env(map[string]string{"WSIS_DATA_DIR": t.TempDir()}),
		strings.NewReader("long enough password\n"), io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "--email") {
		t.Fatalf("err = %v", err)
	}
}

func TestEnsureAdmin_SameValuesAgainChangeNothing(t *testing.T) {
	st := storetest.Store(t)
	ctx := context.Background()
	clock := models.NewFixedClock(time.Now())
	hasher := auth.NewHasher(2)
	admin, err := ensureAdmin(ctx, st, hasher, "chief@example.org", "chief admin password", clock)
	if err != nil {
		t.Fatal(err)
	}
	sessions := auth.NewSessions(st, clock)
	refresh, _, err := sessions.Start(ctx, admin)
	if err != nil {
		t.Fatal(err)
	}
	// The next start of the server, or of another replica.
	again, err := ensureAdmin(ctx, st, hasher, "chief@example.org", "chief admin password", clock)
	if err != nil {
		t.Fatal(err)
	}
	if again.ID != admin.ID || again.Version != admin.Version {
		t.Fatalf("the account changed: %+v, was %+v", again, admin)
	}
	if _, _, _, err := sessions.Rotate(ctx, refresh); err != nil {
		t.Fatalf("the admin's session did not survive the restart: %v", err)
	}
	entries, _, err := st.ListAudit(ctx, store.AuditQuery{TargetID: admin.ID, Limit: 10})
	if err != nil || len(entries) != 1 || entries[0].Action != "admin.create" {
		t.Fatalf("audit = %+v, %v; want only the creation", entries, err)
	}
}

func TestEnsureAdmin_RestoresOnlyWhatDiffers(t *testing.T) {
	st := storetest.Store(t)
	ctx := context.Background()
	clock := models.NewFixedClock(time.Now())
	hasher := auth.NewHasher(2)
	admin, err := ensureAdmin(ctx, st, hasher, "chief@example.org", "chief admin password", clock)
	if err != nil {
		t.Fatal(err)
	}
	roles, disabled := []models.Role{models.RoleReviewer}, true
	if _, _, err := st.UpdateAccess(ctx, admin.ID, 0, store.AccessPatch{Roles: &roles, Disabled: &disabled}, clock.Now()); err != nil {
		t.Fatal(err)
	}
	user, err := ensureAdmin(ctx, st, hasher, "chief@example.org", "chief admin password", clock)
	if err != nil {
		t.Fatal(err)
	}
	if user.Disabled || !slices.Equal(user.Roles, []models.Role{models.RoleReviewer, models.RoleAdmin}) {
		t.Fatalf("admin = %+v", user)
	}
	entries, _, err := st.ListAudit(ctx, store.AuditQuery{TargetID: admin.ID, Limit: 10})
	if err != nil || len(entries) != 2 || entries[0].Action != "admin.update" {
		t.Fatalf("audit = %+v, %v", entries, err)
	}
	if _, ok := entries[0].After["password"]; ok || entries[0].After["disabled"] != false {
		t.Fatalf("update entry = %+v; the password was not changed", entries[0])
	}
}

func TestEnsureAdmin_ReplicasStartingTogetherAllSucceed(t *testing.T) {
	st := storetest.Store(t)
	ctx := context.Background()
	clock := models.NewFixedClock(time.Now())
	hasher := auth.NewHasher(4)
	const replicas = 4
	var wg sync.WaitGroup
	ids := make(chan string, replicas)
	for range replicas {
		wg.Go(func() {
			u, err := ensureAdmin(ctx, st, hasher, "chief@example.org", "chief admin password", clock)
			if err != nil {
				t.Errorf("a replica failed to start: %v", err)
				return
			}
			ids <- u.ID
		})
	}
	wg.Wait()
	close(ids)
	var first string
	for id := range ids {
		if first == "" {
			first = id
		}
		if id != first {
			t.Fatalf("replicas ended with different admins: %s and %s", first, id)
		}
	}
	entries, _, err := st.ListAudit(ctx, store.AuditQuery{TargetID: first, Limit: 10})
	if err != nil || len(entries) != 1 || entries[0].Action != "admin.create" {
		t.Fatalf("audit = %+v, %v; want one creation", entries, err)
	}
}

func TestKeysAdd_RotatesTheSigningKey(t *testing.T) {
	dir := t.TempDir()
	environ := env(map[string]string{"WSIS_DATA_DIR": dir})
	var out strings.Builder
	for range 2 {
		out.Reset()
		if err := run(context.Background(), []string{"keys", "add"}, environ, strings.NewReader(""), &out, io.Discard); err != nil {
			t.Fatalf("keys add: %v", err)
		}
	}
	// The first run also created the initial key: three keys verify now.
	if !strings.Contains(out.String(), "3 keys verify tokens") {
		t.Fatalf("keys add said %q", out.String())
	}
}

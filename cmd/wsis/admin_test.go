package main

import (
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/wsis-platform/wsis/auth"
	"github.com/wsis-platform/wsis/models"
	"github.com/wsis-platform/wsis/store"
)

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

package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// wsisIn runs a subcommand against the data directory dir and returns its
// standard output.
func wsisIn(t *testing.T, dir string, args ...string) (string, error) {
	t.Helper()
	var out strings.Builder
	err := run(context.Background(), args, env(map[string]string{"WSIS_DATA_DIR": dir}), strings.NewReader(""), &out, io.Discard)
	return out.String(), err
}

func TestBackupRestore_CommandsRoundTripIntoAFreshDataDir(t *testing.T) {
	src, dst := t.TempDir(), t.TempDir()
	if _, err := wsisIn(t, src, "seed", "--projects", "25", "--users", "3"); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "wsis.backup")
	out, err := wsisIn(t, src, "backup", "--out", file)
	if err != nil || !strings.Contains(out, "backed up database \"wsis\"") {
		t.Fatalf("backup: %v %q", err, out)
	}
	if info, err := os.Stat(file); err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("backup file: %v, mode %v; want a private file", err, info.Mode())
	}
	if out, err = wsisIn(t, dst, "restore", file); err != nil || !strings.Contains(out, "restored database \"wsis\"") {
		t.Fatalf("restore: %v %q", err, out)
	}
	if _, err := wsisIn(t, dst, "restore", file); err == nil || !strings.Contains(err.Error(), "--force") {
		t.Fatalf("restore into a database with data: %v, want a refusal naming --force", err)
	}
	if _, err := wsisIn(t, dst, "restore", file, "--force"); err != nil {
		t.Fatalf("restore --force: %v", err)
	}

	base, stop := startServer(t, dst, io.Discard)
	defer func() {
		if err := stop(); err != nil {
			t.Errorf("stop: %v", err)
		}
	}()
	code, body := get(t, base+"/api/v1/stats")
	var stats struct {
		Total int `json:"total"`
	}
	if err := json.Unmarshal([]byte(body), &stats); err != nil || code != http.StatusOK || stats.Total != 25 {
		t.Fatalf("stats after the restore: %d %s, want 25 projects", code, body)
	}
	if code, _ := post(t, base+"/api/v1/auth/login", `{"email":"stakeholder0@seed.example","password":"`+seedPassword+`"}`); code != http.StatusOK {
		t.Fatalf("a restored account cannot sign in: %d", code)
	}
}

func TestBackupRestore_HelpAndMissingArguments(t *testing.T) {
	dir := t.TempDir()
	for _, args := range [][]string{{"backup", "--help"}, {"restore", "--help"}} {
		var usage strings.Builder
		err := run(context.Background(), args, env(nil), strings.NewReader(""), io.Discard, &usage)
		if err == nil || !strings.Contains(usage.String(), "-data-dir") {
			t.Errorf("%v: %v, usage %q", args, err, usage.String())
		}
	}
	if _, err := wsisIn(t, dir, "backup"); err == nil || !strings.Contains(err.Error(), "--out") {
		t.Errorf("backup without --out: %v", err)
	}
	if _, err := wsisIn(t, dir, "restore"); err == nil || !strings.Contains(err.Error(), "FILE") {
		t.Errorf("restore without a file: %v", err)
	}
}

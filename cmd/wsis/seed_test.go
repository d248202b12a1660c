package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
)

func TestSeed_FillsTheStoreAndTheServerCatalogues(t *testing.T) {
	dir := t.TempDir()
	var out strings.Builder
	err := run(context.Background(), []string{"seed", "--projects", "300", "--users", "5"},
		env(map[string]string{"WSIS_DATA_DIR": dir}), strings.NewReader(""), &out, io.Discard)
	if err != nil {
		t.Fatalf("seed: %v", err)
	}
	if !strings.Contains(out.String(), "seeded 300 projects and 5 accounts") {
		t.Fatalf("seed said %q", out.String())
	}
	base, stop := startServer(t, dir, io.Discard)
	defer func() {
		if err := stop(); err != nil {
			t.Errorf("stop: %v", err)
		}
	}()
	code, body := get(t, base+"/api/v1/stats")
	var stats struct {
		Total      int            `json:"total"`
		ActionLine map[string]int `json:"action_line"`
		Region     map[string]int `json:"region"`
	}
	if err := json.Unmarshal([]byte(body), &stats); err != nil || code != http.StatusOK {
		t.Fatalf("stats: %d %s", code, body)
	}
	if stats.Total != 300 || len(stats.ActionLine) < 15 || len(stats.Region) != 6 {
		t.Fatalf("stats = %+v; want 300 projects over the action lines and all 6 regions", stats)
	}
	if code, _ := post(t, base+"/api/v1/auth/login", `{"email":"stakeholder0@seed.example","password":"`+seedPassword+`"}`); code != http.StatusOK {
		t.Fatalf("a seeded account cannot sign in: %d", code)
	}
}

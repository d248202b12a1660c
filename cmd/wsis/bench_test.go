package main

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"
)

// TestBenchAccounts_LoadsEveryRequestWithoutErrors runs the accounts
// benchmark at a tiny size: each request kind is answered, and none fails.
func TestBenchAccounts_LoadsEveryRequestWithoutErrors(t *testing.T) {
	var out bytes.Buffer
	err := run(context.Background(), []string{"bench", "accounts", "--users", "20", "--concurrency", "2", "--duration", "300ms"},
		func(string) string { return "" }, strings.NewReader(""), &out, io.Discard)
	if err != nil {
		t.Fatalf("bench accounts: %v\n%s", err, &out)
	}
	for _, req := range []string{"GET /me", "PATCH /me", "POST /auth/login", "POST /auth/refresh"} {
		var line string
		for _, l := range strings.Split(out.String(), "\n") {
			if strings.HasPrefix(l, req+" ") {
				line = l
			}
		}
		f := strings.Fields(strings.TrimPrefix(line, req))
		if len(f) != 5 || f[0] == "0" || f[4] != "0" {
			t.Errorf("%s: line %q, want requests served and 0 errors\n%s", req, line, &out)
		}
	}
}

// TestBenchVotes_EveryAcknowledgedVoteIsCounted runs the votes benchmark at
// a tiny size: every vote is answered 201 and the recount finds exactly
// those.
func TestBenchVotes_EveryAcknowledgedVoteIsCounted(t *testing.T) {
	var out bytes.Buffer
	err := run(context.Background(), []string{"bench", "votes", "--voters", "10", "--concurrency", "4"},
		func(string) string { return "" }, strings.NewReader(""), &out, io.Discard)
	if err != nil {
		t.Fatalf("bench votes: %v\n%s", err, &out)
	}
	if !strings.Contains(out.String(), "recount 180, answered 201 180, 409 0: lost: 0, duplicates: 0") ||
		!strings.Contains(out.String(), "ratio app/raw: ") {
		t.Fatalf("output:\n%s", &out)
	}
}

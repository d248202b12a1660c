package main

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"
)

// TestBenchSoak_MixedTrafficHasNoErrors runs the soak for a few seconds:
// every route is reported with 0 errors, and the memory samples are
// compared.
func TestBenchSoak_MixedTrafficHasNoErrors(t *testing.T) {
	var out bytes.Buffer
	err := run(context.Background(), []string{"bench", "soak", "--duration", "3s", "--concurrency", "3", "--voters", "20"},
		func(string) string { return "" }, strings.NewReader(""), &out, io.Discard)
	if err != nil {
		t.Fatalf("bench soak: %v\n%s", err, &out)
	}
	report := out.String()
	for _, r := range soakRoutes {
		var line string
		for _, l := range strings.Split(report, "\n") {
			if strings.HasPrefix(l, r.name+" ") {
				line = l
			}
		}
		f := strings.Fields(strings.TrimPrefix(line, r.name))
		if len(f) != 4 || f[3] != "0" {
			t.Errorf("%s: line %q, want the route with 0 errors\n%s", r.name, line, report)
		}
	}
	if !strings.Contains(report, ", errors: 0\n") || !strings.Contains(report, "memory: RSS first quarter ") {
		t.Fatalf("report:\n%s", report)
	}
	if !strings.Contains(report, "GET /projects ") || strings.Contains(report, "GET /projects                    0 ") {
		t.Fatalf("no catalogue read was served:\n%s", report)
	}
}

// TestMemoryTrend_ComparesFirstAndLastQuarter holds the memory verdict to
// its rule: flat within 25% (or 32 MiB) of the first quarter.
func TestMemoryTrend_ComparesFirstAndLastQuarter(t *testing.T) {
	const mib = 1 << 20
	for _, tc := range []struct {
		name       string
		mem        []int64
		flat, okay bool
	}{
		{"steady", []int64{100 * mib, 101 * mib, 99 * mib, 100 * mib}, true, true},
		{"doubled", []int64{100 * mib, 120 * mib, 160 * mib, 200 * mib}, false, true},
		{"small growth within 32 MiB", []int64{40 * mib, 50 * mib, 60 * mib, 70 * mib}, true, true},
		{"too few samples", []int64{1, 2, 3}, false, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, flat, ok := memoryTrend(tc.mem)
			if flat != tc.flat || ok != tc.okay {
				t.Fatalf("memoryTrend = flat %v, ok %v; want %v, %v", flat, ok, tc.flat, tc.okay)
			}
		})
	}
}

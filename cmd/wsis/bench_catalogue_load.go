package main

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"time"

	"github.com/wsis-platform/wsis/models"
)

// searchWords is the vocabulary of the load's random searches: words of the
// seeded entries, some rare and some in almost every one.
var searchWords = []string{"digital", "literacy", "mobile", "health", "records", "broadband", "schools", "government",
	"open", "data", "cybersecurity", "telemedicine", "agriculture", "payments", "community", "networks", "learning",
	"climate", "language", "commerce", "identity", "women", "technology", "disaster", "science", "rural", "urban",
	"remote", "coastal", "mountain"}

// catalogueLoad runs the three kinds of catalogue requests a spike brings —
// the front page, random filter combinations, random two-word searches —
// each from c concurrent clients for d, and prints requests per second and
// latency of each.
func catalogueLoad(ctx context.Context, base string, c int, d time.Duration, stdout io.Writer) {
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: c}}
	get := func(query string) error {
		res, err := client.Get(base + query)
		if err != nil {
			return err
		}
		defer res.Body.Close()
		if _, err := io.Copy(io.Discard, res.Body); err != nil {
			return err
		}
		if res.StatusCode != http.StatusOK {
			return fmt.Errorf("GET %s: status %d", query, res.StatusCode)
		}
		return nil
	}
	regions := models.Regions
	fmt.Fprintf(stdout, "\n%d clients for %s each\n%-20s %10s %8s %8s %8s %8s\n", c, d, "query", "req/s", "p50 ms", "p95 ms", "p99 ms", "errors")
	for _, kind := range []struct {
		name  string
		query func(rng *rand.Rand) string
	}{
		{"front page", func(*rand.Rand) string { return "limit=20" }},
		{"random filters", func(rng *rand.Rand) string {
			v := url.Values{"limit": {"20"}}
			v.Set("action_line", models.ActionLines[rng.IntN(len(models.ActionLines))].Code)
			v.Set("region", string(regions[rng.IntN(len(regions))]))
			v.Set("sdg", fmt.Sprint(1+rng.IntN(17)))
			return v.Encode()
		}},
		{"random searches", func(rng *rand.Rand) string {
			q := searchWords[rng.IntN(len(searchWords))] + " " + searchWords[rng.IntN(len(searchWords))]
			return url.Values{"limit": {"20"}, "q": {q}}.Encode()
		}},
	} {
		load(ctx, c, d, func(_ int, rng *rand.Rand) error { return get(kind.query(rng)) }).print(stdout, kind.name)
	}
}

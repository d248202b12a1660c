package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"
	"time"

	"github.com/wsis-platform/wsis/models"
)

// benchRecount runs "wsis bench recount": N votes inserted in bulk into a
// fresh embedded store, each as large as a cast vote (receipt, client and
// agent hashes), then the authoritative recount of them, timed, with
// the process's peak memory before and after it.
func benchRecount(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("wsis bench recount", flag.ContinueOnError)
	fs.SetOutput(stderr)
	votes := fs.Int("votes", 100000, "votes to insert and recount")
	profile := fs.String("cpuprofile", "", "write a CPU profile of the recount to this file")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *votes < 1 {
		return fmt.Errorf("bench recount: --votes must be ≥ 1")
	}
	st, _, done, err := openBenchStore(ctx)
	if err != nil {
		return err
	}
	defer done()
	const contest, categories, nominees, batch = 2030, 18, 20, 1000
	start := time.Now()
	at := time.Now().UTC().Truncate(time.Millisecond)
	for n := 0; n < *votes; n += batch {
		vs := make([]models.Vote, 0, batch)
		for i := n; i < min(*votes, n+batch); i++ {
			voter, category := fmt.Sprintf("%024x", i/categories), 1+i%categories
			vs = append(vs, models.Vote{ID: models.VoteID(contest, category, voter), Contest: contest, Category: category,
				NominationID: fmt.Sprintf("nominee-%02d-%02d", category, (i/categories)%nominees), VoterID: voter, CastAt: at,
				Receipt: fmt.Sprintf("%064x", i), ClientHash: fmt.Sprintf("%032x", i/categories%5000), AgentHash: fmt.Sprintf("%032x", i%7)})
		}
		for _, err := range st.InsertVotes(ctx, vs) {
			if err != nil {
				return err
			}
		}
	}
	fmt.Fprintf(stdout, "inserted %d votes in %s; RSS %s\n", *votes, time.Since(start).Round(time.Millisecond), peakRSS())
	runtime.GC()
	stopProfile, err := startCPUProfile(*profile)
	if err != nil {
		return err
	}
	start = time.Now()
	r, err := st.RecountVotes(ctx, contest, 0)
	stopProfile()
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "recounted %d votes in %s (%.0f votes/s); RSS %s\n", r.Votes, time.Since(start).Round(time.Millisecond),
		float64(r.Votes)/time.Since(start).Seconds(), peakRSS())
	if r.Votes != int64(*votes) {
		return fmt.Errorf("bench recount: counted %d of %d votes", r.Votes, *votes)
	}
	return nil
}

// peakRSS is the process's resident memory now and its peak so far, from
// /proc on Linux.
func peakRSS() string {
	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return "unknown"
	}
	var now, peak string
	for _, line := range strings.Split(string(status), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			now = strings.TrimSpace(v)
		}
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			peak = strings.TrimSpace(v)
		}
	}
	return fmt.Sprintf("%s (peak %s)", now, peak)
}

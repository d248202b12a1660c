package main

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// loadResult is what a load of concurrent clients measured.
type loadResult struct {
	elapsed   time.Duration
	latencies []time.Duration // sorted, of the requests that succeeded
	errors    int
	firstErr  error
}

// load runs request from c concurrent clients, numbered from 0 and each
// with its own random source, for d (or until ctx ends), and measures every
// call.
func load(ctx context.Context, c int, d time.Duration, request func(client int, rng *rand.Rand) error) loadResult {
	ctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	return drive(c, func(client int, rng *rand.Rand) (bool, error) {
		if ctx.Err() != nil {
			return true, nil
		}
		return false, request(client, rng)
	})
}

// runEach runs work(0) … work(n-1) from c concurrent workers and measures
// every call.
func runEach(c, n int, work func(i int) error) loadResult {
	var next atomic.Int64
	return drive(c, func(int, *rand.Rand) (bool, error) {
		i := int(next.Add(1) - 1)
		if i >= n {
			return true, nil
		}
		return false, work(i)
	})
}

// drive runs c workers, each calling step with its number and random source
// until step reports it is done, and measures every call that did work.
func drive(c int, step func(client int, rng *rand.Rand) (done bool, err error)) loadResult {
	var (
		mu  sync.Mutex
		res loadResult
		wg  sync.WaitGroup
	)
	start := time.Now()
	for i := range c {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(i), 0x10ad))
			var lat []time.Duration
			errs, first := 0, error(nil)
			for {
				t := time.Now()
				done, err := step(i, rng)
				if done {
					break
				}
				if err != nil {
					errs++
					first = cmpErr(first, err)
					continue
				}
				lat = append(lat, time.Since(t))
			}
			mu.Lock()
			res.latencies = append(res.latencies, lat...)
			res.errors += errs
			res.firstErr = cmpErr(res.firstErr, first)
			mu.Unlock()
		})
	}
	wg.Wait()
	res.elapsed = time.Since(start)
	slices.Sort(res.latencies)
	return res
}

func cmpErr(first, err error) error {
	if first == nil {
		return err
	}
	return first
}

// rate is the requests per second that succeeded.
func (r loadResult) rate() float64 { return float64(len(r.latencies)) / r.elapsed.Seconds() }

// print writes one line: requests per second that succeeded, latency
// percentiles and the number of errors, with the first error below it.
func (r loadResult) print(w io.Writer, name string) {
	if len(r.latencies) == 0 {
		fmt.Fprintf(w, "%-20s %10s %8s %8s %8s %8d\n", name, "0", "-", "-", "-", r.errors)
	} else {
		fmt.Fprintf(w, "%-20s %10.0f %8.2f %8.2f %8.2f %8d\n", name, float64(len(r.latencies))/r.elapsed.Seconds(),
			pct(r.latencies, 50), pct(r.latencies, 95), pct(r.latencies, 99), r.errors)
	}
	if r.firstErr != nil {
		fmt.Fprintf(w, "  first error: %v\n", r.firstErr)
	}
}

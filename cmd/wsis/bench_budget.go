package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"time"
)

// benchBudget runs the platform's performance budget in one go, each part
// the benchmark of its own command with the budget's sizes: the catalogue
// (sequential latencies and the load), the vote path against raw inserts
// with the server's resident memory, the recount, and the time from start
// to ready on an existing data directory. --small runs every part at sizes
// that only prove they run (CI).
func benchBudget(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("wsis bench budget", flag.ContinueOnError)
	fs.SetOutput(stderr)
	small := fs.Bool("small", false, "every part at a size that only proves it runs")
	if err := fs.Parse(args); err != nil {
		return err
	}
	projects, voters, votes, duration := 20000, 2000, 1000000, "8s"
	if *small {
		projects, voters, votes, duration = 1100, 40, 5000, "1s" // the catalogue's deep page is its 51st of 20
	}
	parts := []struct {
		title string
		run   func() error
	}{
		{fmt.Sprintf("catalogue, %d published projects", projects), func() error {
			return benchCommand(ctx, []string{"catalogue", "--projects", strconv.Itoa(projects), "--direct=false",
				"--concurrency", "16", "--duration", duration}, getenv, stdout, stderr)
		}},
		{fmt.Sprintf("the vote path, %d voters in 18 categories", voters), func() error {
			return benchVotes(ctx, []string{"--voters", strconv.Itoa(voters), "--concurrency", "64"}, getenv, stdout, stderr)
		}},
		{fmt.Sprintf("the recount, %d votes", votes), func() error {
			return benchRecount(ctx, []string{"--votes", strconv.Itoa(votes)}, stdout, stderr)
		}},
		{fmt.Sprintf("start to ready, %d published projects", projects), func() error {
			return startToReady(ctx, projects, stdout)
		}},
	}
	start := time.Now()
	for i, p := range parts {
		fmt.Fprintf(stdout, "\n== %d. %s\n", i+1, p.title)
		if err := p.run(); err != nil {
			return fmt.Errorf("bench budget: %s: %w", p.title, err)
		}
	}
	fmt.Fprintf(stdout, "\nbudget run in %s\n", time.Since(start).Round(time.Second))
	return nil
}

// startToReady seeds a data directory with n published projects (the seed
// builds its search index too) and times two starts of the server on it
// until /readyz answers: the start of a replica on an existing data
// directory, the first after the seed and one after a clean stop.
func startToReady(ctx context.Context, n int, stdout io.Writer) error {
	exe, err := os.Executable()
	if err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "wsis-ready-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	env := append(os.Environ(), "WSIS_DATA_DIR="+filepath.Join(dir, "data"), "WSIS_LOG_LEVEL=warn")
	seed := exec.CommandContext(ctx, exe, "seed", "--projects", strconv.Itoa(n))
	seed.Env = env
	if out, err := seed.CombinedOutput(); err != nil {
		return fmt.Errorf("seed: %w: %s", err, out)
	}
	first, err := timeToReady(ctx, exe, env)
	if err != nil {
		return err
	}
	again, err := timeToReady(ctx, exe, env)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "start to ready on the existing data directory: %s after the seed, %s after a clean stop\n",
		first.Round(time.Millisecond), again.Round(time.Millisecond))
	return nil
}

// timeToReady starts the server with env on a free loopback port, times it
// until /readyz answers 200, and stops it.
func timeToReady(ctx context.Context, exe string, env []string) (time.Duration, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	addr := l.Addr().String()
	_ = l.Close()
	cmd := exec.CommandContext(ctx, exe, "serve")
	cmd.Env = append(env, "WSIS_ADDR="+addr)
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return 0, err
	}
	defer func() {
		_ = cmd.Process.Signal(os.Interrupt)
		_ = cmd.Wait()
	}()
	client := &http.Client{Timeout: time.Second}
	for time.Since(start) < 10*time.Minute {
		res, err := client.Get("http://" + addr + "/readyz")
		if err == nil {
			_, _ = io.Copy(io.Discard, res.Body)
			_ = res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return time.Since(start), nil
			}
		}
		time.Sleep(10 * time.Millisecond)
	}
	return 0, errors.New("the server was not ready within 10 minutes")
}

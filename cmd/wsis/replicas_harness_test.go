package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// replica is one "wsis" server process of the built binary.
type replica struct {
	name string
	url  string
	cmd  *exec.Cmd
	logs *lockedBuffer
}

// logEntries returns the JSON entries of log whose level is level.
func logEntries(log, level string) []string {
	var out []string
	for line := range strings.SplitSeq(log, "\n") {
		var e struct {
			Level string `json:"level"`
		}
		if json.Unmarshal([]byte(line), &e) == nil && e.Level == level {
			out = append(out, line)
		}
	}
	return out
}

var (
	buildOnce sync.Once
	builtBin  string
	buildErr  error
)

// wsisBinary builds this command once per test binary and returns its path.
func wsisBinary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "wsis-bin-")
		if err != nil {
			buildErr = err
			return
		}
		builtBin = filepath.Join(dir, "wsis")
		out, err := exec.Command("go", "build", "-o", builtBin, ".").CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return builtBin
}

// startReplicas starts one server process per name with the environment
// env plus a data directory and a loopback port of its own, all at once,
// and waits until each serves. They are stopped (SIGTERM, then killed) when
// the test ends.
func startReplicas(t *testing.T, env map[string]string, names ...string) []*replica {
	t.Helper()
	bin := wsisBinary(t)
	rs := make([]*replica, len(names))
	ready := make([]chan string, len(names))
	for i, name := range names {
		r := &replica{name: name, logs: &lockedBuffer{}}
		r.cmd = exec.Command(bin, "serve")
		r.cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME"),
			"WSIS_ADDR=127.0.0.1:0", "WSIS_DATA_DIR=" + t.TempDir(), "WSIS_LOG_LEVEL=info"}
		for k, v := range env {
			r.cmd.Env = append(r.cmd.Env, k+"="+v)
		}
		stderr, err := r.cmd.StderrPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := r.cmd.Start(); err != nil {
			t.Fatalf("start %s: %v", name, err)
		}
		ready[i] = make(chan string, 1)
		go scanLog(stderr, r.logs, ready[i])
		t.Cleanup(func() { r.stop(t) })
		rs[i] = r
	}
	for i, r := range rs {
		select {
		case addr := <-ready[i]:
			r.url = "http://" + addr
		case <-time.After(2 * time.Minute):
			t.Fatalf("%s did not serve within 2 minutes; its log:\n%s", r.name, r.logs)
		}
	}
	return rs
}

// scanLog copies a replica's log into logs and sends the address once the
// replica says it serves.
func scanLog(r io.Reader, logs *lockedBuffer, ready chan<- string) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		line := sc.Bytes()
		_, _ = logs.Write(append(line, '\n'))
		var e struct {
			Msg  string `json:"msg"`
			Addr string `json:"addr"`
		}
		if json.Unmarshal(line, &e) == nil && e.Msg == "serving" {
			select {
			case ready <- e.Addr:
			default:
			}
		}
	}
}

func (r *replica) stop(t *testing.T) {
	if r.cmd.ProcessState != nil {
		return
	}
	_ = r.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan error, 1)
	go func() { done <- r.cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil && !t.Failed() {
			t.Errorf("%s stopped with %v; its log:\n%s", r.name, err, r.logs)
		}
	case <-time.After(40 * time.Second):
		_ = r.cmd.Process.Kill()
		<-done
		t.Errorf("%s did not stop within 40 s of SIGTERM", r.name)
	}
	if t.Failed() {
		t.Logf("log of %s:\n%s", r.name, r.logs)
	}
}

// call sends a JSON request to the replica, with the bearer token when one
// is given, and returns the status and the body.
func (r *replica) call(t *testing.T, method, path, token string, body any) (int, []byte) {
	t.Helper()
	var rd io.Reader
	if body != nil {
		raw, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequestWithContext(context.Background(), method, r.url+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Errorf("%s %s on %s: %v", method, path, r.name, err)
		return 0, nil
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	return res.StatusCode, raw
}

// must is call that fails the test unless the answer has status want, and
// decodes the body into out when out is not nil.
func (r *replica) must(t *testing.T, want int, method, path, token string, body, out any) {
	t.Helper()
	code, raw := r.call(t, method, path, token, body)
	if code != want {
		t.Fatalf("%s %s on %s: %d %s, want %d", method, path, r.name, code, raw, want)
	}
	if out != nil {
		if err := json.Unmarshal(raw, out); err != nil {
			t.Fatalf("%s %s on %s: decode %s: %v", method, path, r.name, raw, err)
		}
	}
}

// eventually polls cond every 100 ms until it holds, failing after within.
func eventually(t *testing.T, within time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("not within %v: %s", within, what)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

type lockedBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// startServer runs serve like `go run ./cmd/wsis` does and returns its base
// URL and a stop function that waits for a clean shutdown. extra are more
// environment variables, name and value.
func startServer(t *testing.T, dataDir string, logs io.Writer, extra ...string) (string, func() error) {
	t.Helper()
	vars := map[string]string{"WSIS_ADDR": "127.0.0.1:0", "WSIS_DATA_DIR": dataDir,
		"WSIS_ADMIN_EMAIL": "chief@example.org", "WSIS_ADMIN_PASSWORD": "chief admin password", "WSIS_DEV_MAILBOX": "true"}
	for i := 0; i+1 < len(extra); i += 2 {
		vars[extra[i]] = extra[i+1]
	}
	cfg, err := loadConfig("wsis", nil, env(vars), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	addrc := make(chan string, 1)
	done := make(chan error, 1)
	go func() { done <- serve(ctx, cfg, logs, func(a string) { addrc <- a }) }()
	select {
	case a := <-addrc:
		return "http://" + a, func() error {
			cancel()
			select {
			case err := <-done:
				return err
			case <-time.After(30 * time.Second):
				return fmt.Errorf("server did not stop")
			}
		}
	case err := <-done:
		cancel()
		t.Fatalf("serve: %v", err)
	case <-time.After(60 * time.Second):
		cancel()
		t.Fatal("server did not start")
	}
	return "", nil
}

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(body)
}

func post(t *testing.T, url, body string) (int, string) {
	t.Helper()
	res, err := http.Post(url, "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatalf("POST %s: %v", url, err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

func TestServe_EmbeddedStoreStartsServesAndRestarts(t *testing.T) {
	dir := t.TempDir()
	const amina = `{"email":"amina@example.org","password":"amina's long password"}`
	for run := 1; run <= 2; run++ {
		logs := &lockedBuffer{}
		base, stop := startServer(t, dir, logs)
		for _, path := range []string{"/healthz", "/readyz", "/", "/api/v1/reference", "/api/v1/openapi.yaml", "/metrics", "/.well-known/jwks.json"} {
			if code, _ := get(t, base+path); code != http.StatusOK {
				t.Errorf("run %d: GET %s = %d", run, path, code)
			}
		}
		if code, body := post(t, base+"/api/v1/auth/login", `{"email":"chief@example.org","password":"chief admin password"}`); code != http.StatusOK {
			t.Errorf("run %d: the configured admin cannot sign in: %d %s", run, code, body)
		}
		if run == 1 {
			code, body := post(t, base+"/api/v1/auth/register", strings.TrimSuffix(amina, "}")+
				`,"name":"Amina","organization":"Digital Sahel","stakeholder_type":"academia","country":"SN"}`)
			if code != http.StatusCreated {
				t.Fatalf("register: %d %s", code, body)
			}
			if _, mailbox := get(t, base+"/api/v1/dev/mailbox"); !strings.Contains(mailbox, "/verify-email?token=") {
				t.Errorf("the dev mailbox lacks the verification mail: %s", mailbox)
			}
		}
		// The account registered in the first run is still there after the restart.
		if code, body := post(t, base+"/api/v1/auth/login", amina); code != http.StatusOK {
			t.Errorf("run %d: login of the registered account: %d %s", run, code, body)
		}
		if err := stop(); err != nil {
			t.Fatalf("run %d: shutdown: %v", run, err)
		}
		out := logs.String()
		for _, want := range []string{"embedded FerretDB", "database closed"} {
			if !strings.Contains(out, want) {
				t.Errorf("run %d: log lacks %q:\n%s", run, want, out)
			}
		}
	}
}

func TestRun_InvalidConfigurationStopsTheStart(t *testing.T) {
	err := run(context.Background(), nil, env(map[string]string{"WSIS_ADDR": "nope", "WSIS_DATA_DIR": t.TempDir()}),
		strings.NewReader(""), io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "WSIS_ADDR") {
		t.Fatalf("err = %v", err)
	}
}

func TestServe_StopLetsAnInFlightRequestFinish(t *testing.T) {
	logs := &lockedBuffer{}
	base, stop := startServer(t, t.TempDir(), logs)

	// A sign-in whose body arrives slowly: the server has begun the request
	// when the stop is asked for.
	body, w := io.Pipe()
	req, err := http.NewRequest(http.MethodPost, base+"/api/v1/auth/login", body)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	type answer struct {
		code int
		body string
		err  error
	}
	answered := make(chan answer, 1)
	go func() {
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			answered <- answer{err: err}
			return
		}
		defer res.Body.Close()
		b, err := io.ReadAll(res.Body)
		answered <- answer{res.StatusCode, string(b), err}
	}()
	if _, err := io.WriteString(w, `{"email":"chief@example.org",`); err != nil {
		t.Fatal(err)
	}
	time.Sleep(300 * time.Millisecond) // the first bytes reach the server

	stopped := make(chan error, 1)
	go func() { stopped <- stop() }()
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(logs.String(), "stopping: finishing in-flight requests") {
		if time.Now().After(deadline) {
			t.Fatalf("the server did not begin to stop:\n%s", logs.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
	time.Sleep(200 * time.Millisecond)
	select {
	case err := <-stopped:
		t.Fatalf("the server stopped (%v) before its in-flight request finished", err)
	default:
	}

	if _, err := io.WriteString(w, `"password":"chief admin password"}`); err != nil {
		t.Fatal(err)
	}
	_ = w.Close()
	select {
	case a := <-answered:
		if a.err != nil || a.code != http.StatusOK || !strings.Contains(a.body, "access_token") {
			t.Fatalf("in-flight sign-in: %d %q %v", a.code, a.body, a.err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("the in-flight request got no answer")
	}
	select {
	case err := <-stopped:
		if err != nil {
			t.Fatalf("stop: %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the server did not stop")
	}
}

func TestHealthcheck_ReadyServerPassesStoppedOneFails(t *testing.T) {
	base, stop := startServer(t, t.TempDir(), io.Discard)
	var out strings.Builder
	if err := run(context.Background(), []string{"healthcheck", "--url", base + "/readyz"}, env(nil), strings.NewReader(""), &out, io.Discard); err != nil {
		t.Fatalf("healthcheck of a ready server: %v", err)
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	if err := run(context.Background(), []string{"healthcheck", "--url", base + "/readyz"}, env(nil), strings.NewReader(""), io.Discard, io.Discard); err == nil {
		t.Fatal("healthcheck of a stopped server passed")
	}
}

func TestRun_HelpListsEveryCommand(t *testing.T) {
	commands := []string{"serve", "admin create", "seed", "bench catalogue", "bench accounts", "bench votes",
		"bench recount", "bench soak", "backup", "restore", "verify-receipt", "keys add", "healthcheck", "help"}
	for _, args := range [][]string{{"--help"}, {"-h"}, {"help"}} {
		t.Run(args[0], func(t *testing.T) {
			var out strings.Builder
			if err := run(context.Background(), args, env(nil), strings.NewReader(""), &out, io.Discard); err != nil {
				t.Fatalf("err = %v", err)
			}
			for _, c := range commands {
				if !strings.Contains(out.String(), "\n  "+c+" ") {
					t.Errorf("help lacks a line for %q:\n%s", c, out.String())
				}
			}
		})
	}
}

func TestRun_UnknownCommandSaysSoAndListsCommands(t *testing.T) {
	var errOut strings.Builder
	err := run(context.Background(), []string{"frobnicate"}, env(nil), strings.NewReader(""), io.Discard, &errOut)
	if err == nil || !strings.Contains(err.Error(), `unknown command "frobnicate"`) {
		t.Fatalf("err = %v", err)
	}
	if !strings.Contains(errOut.String(), "bench recount") {
		t.Errorf("the command list is not shown:\n%s", errOut.String())
	}
}

func TestServe_MetricsOnTheirOwnAddress(t *testing.T) {
	logs := &lockedBuffer{}
	base, stop := startServer(t, t.TempDir(), logs, "WSIS_METRICS_ADDR", "127.0.0.1:0")
	var metricsURL string
	for line := range strings.Lines(logs.String()) {
		var entry struct{ Msg, Addr string }
		if json.Unmarshal([]byte(line), &entry) == nil && entry.Msg == "serving metrics" {
			metricsURL = "http://" + entry.Addr + "/metrics"
		}
	}
	if metricsURL == "" {
		t.Fatalf("no metrics address in the log:\n%s", logs.String())
	}
	get(t, base+"/api/v1/reference")
	if code, _ := get(t, base+"/metrics"); code != http.StatusNotFound {
		t.Errorf("GET /metrics on the main address = %d, want 404", code)
	}
	code, body := get(t, metricsURL)
	if want := `wsis_http_requests_total{method="GET",route="/api/v1/reference",status="200"} 1`; code != http.StatusOK || !strings.Contains(body, want) {
		t.Errorf("metrics address: %d, lacks %s", code, want)
	}
	if code, _ := get(t, strings.TrimSuffix(metricsURL, "metrics")+"api/v1/reference"); code != http.StatusNotFound {
		t.Errorf("the metrics address serves the API: %d", code)
	}
	if err := stop(); err != nil {
		t.Fatalf("shutdown: %v", err)
	}
	if _, err := http.Get(metricsURL); err == nil {
		t.Error("the metrics address still answers after the stop")
	}
}

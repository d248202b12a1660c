package handlers_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/wsis-platform/wsis/auth"
	"github.com/wsis-platform/wsis/handlers"
	"github.com/wsis-platform/wsis/mail"
	"github.com/wsis-platform/wsis/models"
	"github.com/wsis-platform/wsis/store"
	"github.com/wsis-platform/wsis/store/search"
	"github.com/wsis-platform/wsis/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

// syncBuffer is a log sink safe for the server's goroutines.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// testServer is the platform's engine on a fresh test database, with its log
// captured. Its mails go to the outbox; with an SMTP server they are also
// delivered.
type testServer struct {
	engine *gin.Engine
	log    *syncBuffer
	store  *store.Store
	tokens *auth.Tokens
	hasher *auth.Hasher
	clock  *models.FixedClock
	search *search.Index
}

const testPublicURL = "http://wsis.test"

// generous limits, so that only the rate-limit tests meet them.
var testLimits = handlers.RateLimits{
	Login: handlers.Rate{Events: 1000, Per: time.Minute}, Register: handlers.Rate{Events: 1000, Per: time.Minute},
	Refresh: handlers.Rate{Events: 1000, Per: time.Minute}, Forgot: handlers.Rate{Events: 1000, Per: time.Minute},
	Write: handlers.Rate{Events: 1000, Per: time.Minute}, Vote: handlers.Rate{Events: 1000, Per: time.Minute},
	VoteIP: handlers.Rate{Events: 1000, Per: time.Minute},
}

func newServer(t *testing.T, mutate ...func(*handlers.Config)) *testServer {
	t.Helper()
	ctx := context.Background()
	logs := &syncBuffer{}
	logger := slog.New(slog.NewJSONHandler(logs, nil))
	st := storetest.Store(t)
	clock := models.NewFixedClock(time.Now().UTC().Truncate(time.Second))
	tokens, err := auth.NewTokens(ctx, st, testPublicURL, testPublicURL+"/api", clock)
	if err != nil {
		t.Fatalf("tokens: %v", err)
	}
	hasher := auth.NewHasher(4)
	index, err := search.Open(filepath.Join(t.TempDir(), "search"), logger)
	if err != nil {
		t.Fatalf("search index: %v", err)
	}
	t.Cleanup(func() { _ = index.Close() })
	st.Observe(index)
	cfg := handlers.Config{
		Store: st, Search: index, Tokens: tokens, Hasher: hasher, Logger: logger, Clock: clock, PublicURL: testPublicURL,
		Mailer:     mail.New(st, nil, logger, mail.Options{Clock: clock}),
		RateLimits: testLimits,
	}
	for _, m := range mutate {
		m(&cfg)
	}
	engine, err := handlers.New(cfg)
	if err != nil {
		t.Fatalf("handlers.New: %v", err)
	}
	return &testServer{engine: engine, log: logs, store: st, tokens: tokens, hasher: hasher, clock: clock, search: index}
}

// serve answers req and holds the answer to openapi.yaml.
func (s *testServer) serve(t testing.TB, req *http.Request) *httptest.ResponseRecorder {
	t.Helper()
	rec := httptest.NewRecorder()
	s.engine.ServeHTTP(rec, req)
	holdToContract(t, req, rec)
	return rec
}

// do sends a request and returns the recorded answer.
func (s *testServer) do(t *testing.T, method, path string, body io.Reader, headers ...string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(method, path, body)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	return s.serve(t, req)
}

type problem struct {
	Type      string `json:"type"`
	Title     string `json:"title"`
	Status    int    `json:"status"`
	Detail    string `json:"detail"`
	RequestID string `json:"request_id"`
	Errors    []struct {
		Field   string `json:"field"`
		Message string `json:"message"`
	} `json:"errors"`
}

// wantProblem asserts that rec is a problem+json answer with status and a
// type ending in slug, and returns it.
func wantProblem(t *testing.T, rec *httptest.ResponseRecorder, status int, slug string) problem {
	t.Helper()
	if rec.Code != status {
		t.Fatalf("status = %d, want %d; body %s", rec.Code, status, rec.Body)
	}
	if ct := rec.Header().Get("Content-Type"); ct != "application/problem+json" {
		t.Fatalf("Content-Type = %q, want application/problem+json", ct)
	}
	var p problem
	if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil {
		t.Fatalf("problem body: %v: %s", err, rec.Body)
	}
	if p.Status != status || !strings.HasSuffix(p.Type, "/"+slug) || p.Title == "" {
		t.Fatalf("problem = %+v, want status %d and type …/%s", p, status, slug)
	}
	if p.RequestID == "" || p.RequestID != rec.Header().Get("X-Request-ID") {
		t.Fatalf("problem request_id %q does not match X-Request-ID %q", p.RequestID, rec.Header().Get("X-Request-ID"))
	}
	return p
}

func decode[T any](t *testing.T, rec *httptest.ResponseRecorder) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(rec.Body.Bytes(), &v); err != nil {
		t.Fatalf("decode %s: %v", rec.Body, err)
	}
	return v
}

// doUnsized posts body without a Content-Length, as a chunked upload does.
func (s *testServer) doUnsized(t *testing.T, path string, body io.Reader) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(http.MethodPost, path, io.NopCloser(body))
	req.ContentLength = -1
	req.Header.Set("Content-Type", "application/json")
	return s.serve(t, req)
}

type handlersConfig = handlers.Config

func rate(n int, per time.Duration) handlers.Rate { return handlers.Rate{Events: n, Per: per} }

// nilIfEmpty turns a nil *strings.Reader into a nil io.Reader, so that a
// request without a body has none.
func nilIfEmpty(r *strings.Reader) io.Reader {
	if r == nil {
		return nil
	}
	return r
}

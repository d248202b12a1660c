package handlers_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/wsis-platform/wsis/handlers"
)

// echoRequest exercises decoding and validation on a route that exists only
// in these tests.
type echoRequest struct {
	Title        string   `json:"title" validate:"required,min=5,max=200"`
	ContactEmail string   `json:"contact_email" validate:"required,email"`
	Countries    []string `json:"countries" validate:"required,min=1,dive,len=2"`
	Partner      struct {
		Name string `json:"name" validate:"required"`
	} `json:"partner"`
}

func withEcho(t *testing.T, s *testServer) {
	t.Helper()
	s.engine.POST("/api/v1/test/echo", func(c *gin.Context) {
		var req echoRequest
		if !handlers.BindJSONForTest(c, &req) {
			return
		}
		c.JSON(http.StatusOK, req)
	})
	s.engine.GET("/api/v1/test/panic", func(c *gin.Context) {
		panic("secret internal state: password=hunter2")
	})
}

const validEcho = `{"title":"Digital farmers","contact_email":"a@example.org","countries":["KE"],"partner":{"name":"ITU"}}`

func TestErrors_ProblemShapes(t *testing.T) {
	s := newServer(t)
	withEcho(t, s)

	t.Run("valid body is accepted", func(t *testing.T) {
		rec := s.do(t, http.MethodPost, "/api/v1/test/echo", strings.NewReader(validEcho))
		if rec.Code != http.StatusOK {
			t.Fatalf("status %d: %s", rec.Code, rec.Body)
		}
	})
	t.Run("unknown API path is 404", func(t *testing.T) {
		wantProblem(t, s.do(t, http.MethodGet, "/api/v1/no-such-thing", nil), http.StatusNotFound, "not-found")
	})
	t.Run("unknown API path asked for HTML is still 404", func(t *testing.T) {
		wantProblem(t, s.do(t, http.MethodGet, "/api/v1/no-such-thing", nil, "Accept", "text/html"), http.StatusNotFound, "not-found")
	})
	t.Run("wrong method is 405 with Allow", func(t *testing.T) {
		rec := s.do(t, http.MethodDelete, "/api/v1/reference", nil)
		wantProblem(t, rec, http.StatusMethodNotAllowed, "method-not-allowed")
		if rec.Header().Get("Allow") != "GET, HEAD" {
			t.Fatalf("Allow = %q, want GET, HEAD", rec.Header().Get("Allow"))
		}
	})
	t.Run("malformed JSON is 400", func(t *testing.T) {
		wantProblem(t, s.do(t, http.MethodPost, "/api/v1/test/echo", strings.NewReader(`{"title": "x",`)), http.StatusBadRequest, "bad-request")
	})
	t.Run("unknown field is 400 naming it", func(t *testing.T) {
		body := strings.Replace(validEcho, `{`, `{"state":"published",`, 1)
		p := wantProblem(t, s.do(t, http.MethodPost, "/api/v1/test/echo", strings.NewReader(body)), http.StatusBadRequest, "bad-request")
		if !strings.Contains(p.Detail, `"state"`) {
			t.Fatalf("detail %q does not name the unknown field", p.Detail)
		}
	})
	t.Run("operator object in a string field is 400", func(t *testing.T) {
		body := strings.Replace(validEcho, `"title":"Digital farmers"`, `"title":{"$gt":""}`, 1)
		p := wantProblem(t, s.do(t, http.MethodPost, "/api/v1/test/echo", strings.NewReader(body)), http.StatusBadRequest, "bad-request")
		if !strings.Contains(p.Detail, "title") {
			t.Fatalf("detail %q does not name the field", p.Detail)
		}
	})
	t.Run("trailing data is 400", func(t *testing.T) {
		wantProblem(t, s.do(t, http.MethodPost, "/api/v1/test/echo", strings.NewReader(validEcho+validEcho)), http.StatusBadRequest, "bad-request")
	})
	t.Run("a stray closing brace after the value is 400", func(t *testing.T) {
		wantProblem(t, s.do(t, http.MethodPost, "/api/v1/test/echo", strings.NewReader(validEcho+"}")), http.StatusBadRequest, "bad-request")
		wantProblem(t, s.do(t, http.MethodPost, "/api/v1/test/echo", strings.NewReader(`{"title":"x"}}`)), http.StatusBadRequest, "bad-request")
	})
	t.Run("whitespace after the value is fine", func(t *testing.T) {
		if rec := s.do(t, http.MethodPost, "/api/v1/test/echo", strings.NewReader(validEcho+"\n\t ")); rec.Code != http.StatusOK {
			t.Fatalf("status %d: %s", rec.Code, rec.Body)
		}
	})
	t.Run("empty body is 400", func(t *testing.T) {
		wantProblem(t, s.do(t, http.MethodPost, "/api/v1/test/echo", strings.NewReader("")), http.StatusBadRequest, "bad-request")
	})
	t.Run("non-JSON media type is 415", func(t *testing.T) {
		wantProblem(t, s.do(t, http.MethodPost, "/api/v1/test/echo", strings.NewReader(validEcho), "Content-Type", "text/plain"),
			http.StatusUnsupportedMediaType, "unsupported-media-type")
	})
	t.Run("body over 1 MiB is 413", func(t *testing.T) {
		big := `{"title":"` + strings.Repeat("a", 1<<20) + `"}`
		wantProblem(t, s.do(t, http.MethodPost, "/api/v1/test/echo", strings.NewReader(big)), http.StatusRequestEntityTooLarge, "body-too-large")
	})
	t.Run("body over 1 MiB without a length is 413", func(t *testing.T) {
		big := `{"title":"` + strings.Repeat("a", 1<<20) + `"}`
		req := strings.NewReader(big)
		rec := s.doUnsized(t, "/api/v1/test/echo", req)
		wantProblem(t, rec, http.StatusRequestEntityTooLarge, "body-too-large")
	})
	t.Run("invalid fields are 422 by JSON name", func(t *testing.T) {
		body := `{"title":"abc","contact_email":"not-an-email","countries":["KEN"],"partner":{"name":""}}`
		p := wantProblem(t, s.do(t, http.MethodPost, "/api/v1/test/echo", strings.NewReader(body)), http.StatusUnprocessableEntity, "validation")
		got := map[string]string{}
		for _, e := range p.Errors {
			got[e.Field] = e.Message
		}
		for _, field := range []string{"title", "contact_email", "countries[0]", "partner.name"} {
			if got[field] == "" {
				t.Errorf("no error for field %q; errors %v", field, got)
			}
		}
		for field := range got {
			if strings.ContainsAny(field[:1], "ABCDEFGHIJKLMNOPQRSTUVWXYZ") {
				t.Errorf("field %q is a Go name, not a JSON name", field)
			}
		}
	})
	t.Run("panic is 500 without internals and logged with the request id", func(t *testing.T) {
		rec := s.do(t, http.MethodGet, "/api/v1/test/panic", nil)
		p := wantProblem(t, rec, http.StatusInternalServerError, "internal")
		if strings.Contains(rec.Body.String(), "hunter2") || strings.Contains(rec.Body.String(), "goroutine") {
			t.Fatalf("500 body leaks internals: %s", rec.Body)
		}
		logs := s.log.String()
		if !strings.Contains(logs, "hunter2") || !strings.Contains(logs, `"request_id":"`+p.RequestID+`"`) {
			t.Fatalf("panic not logged with request id %s:\n%s", p.RequestID, logs)
		}
	})
}

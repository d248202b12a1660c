package handlers_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"

	"github.com/wsis-platform/wsis/handlers"
	"github.com/wsis-platform/wsis/static"
)

// contract is openapi.yaml, loaded once, with the router that finds an
// answer's operation. Every answer the handler tests receive through do,
// doUnsized or concurrently is held against it (holdToContract).
var contract = sync.OnceValues(func() (routers.Router, error) {
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(static.OpenAPI)
	if err != nil {
		return nil, err
	}
	if err := doc.Validate(loader.Context); err != nil {
		return nil, err
	}
	// Documents (the description, pages, assets, exports) are described as
	// strings or binaries; their bodies are not JSON to decode.
	for _, ct := range []string{"application/yaml", "text/html", "text/css", "text/javascript", "text/csv"} {
		openapi3filter.RegisterBodyDecoder(ct, openapi3filter.PlainBodyDecoder)
	}
	openapi3filter.RegisterBodyDecoder("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", openapi3filter.FileBodyDecoder)
	return legacy.NewRouter(doc)
})

// holdToContract fails t unless openapi.yaml describes the answer rec gave to
// req: its operation found, its status listed and its body valid against the
// schema of its content type. A path or method the description does not know
// is fine only when the server refused it too (404 or 405).
func holdToContract(t testing.TB, req *http.Request, rec *httptest.ResponseRecorder) {
	t.Helper()
	if strings.HasPrefix(req.URL.Path, "/api/v1/test/") {
		return // routes a test mounts for itself (errors_test.go), not the API's
	}
	router, err := contract()
	if err != nil {
		t.Fatalf("openapi.yaml does not load: %v", err)
	}
	described := req
	if req.Method == http.MethodHead {
		// HEAD is answered wherever GET is; the GET's operation describes it.
		described = req.Clone(req.Context())
		described.Method = http.MethodGet
	}
	route, params, err := router.FindRoute(described)
	if err != nil {
		if rec.Code == http.StatusNotFound || rec.Code == http.StatusMethodNotAllowed {
			return
		}
		if handlers.IsUIPageForTest(req.URL.Path) {
			return // a page of the web UI, HTML rather than an API answer (page_test.go holds them)
		}
		t.Errorf("contract: %s %s answered %d but is not in openapi.yaml: %v", req.Method, req.URL.Path, rec.Code, err)
		return
	}
	if req.Method == http.MethodHead {
		return // no body to hold; GET's description covers the headers
	}
	input := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{
			Request: req, PathParams: params, Route: route,
			Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc},
		},
		Status:  rec.Code,
		Header:  rec.Header(),
		Body:    io.NopCloser(bytes.NewReader(rec.Body.Bytes())),
		Options: &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true},
	}
	if err := openapi3filter.ValidateResponse(context.Background(), input); err != nil {
		t.Errorf("contract: %s (%s %s) answered %d outside openapi.yaml: %s\nbody: %.600s",
			route.Operation.OperationID, req.Method, route.Path, rec.Code, describe(err), rec.Body.String())
	}
}

// describe flattens kin-openapi's nested errors into one readable line each.
func describe(err error) string {
	var multi openapi3.MultiError
	if errors.As(err, &multi) {
		parts := make([]string, 0, len(multi))
		for _, e := range multi {
			parts = append(parts, describe(e))
		}
		return strings.Join(parts, "; ")
	}
	var schemaErr *openapi3.SchemaError
	if errors.As(err, &schemaErr) {
		return "at " + strings.Join(schemaErr.JSONPointer(), "/") + ": " + schemaErr.Reason
	}
	return err.Error()
}

// TestOpenAPI_LoadsInKinOpenAPI keeps openapi.yaml valid for strict OpenAPI
// libraries, with the shared project fields (a YAML merge) in every schema
// that reuses them.
func TestOpenAPI_LoadsInKinOpenAPI(t *testing.T) {
	if _, err := contract(); err != nil {
		t.Fatalf("openapi.yaml: %v", err)
	}
	doc, err := openapi3.NewLoader().LoadFromData(static.OpenAPI)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"ProjectContent", "ProjectPatch", "PublishedContent", "Project"} {
		if doc.Components.Schemas[name].Value.Properties["title"] == nil {
			t.Errorf("schema %s lacks the project field title", name)
		}
	}
	if len(doc.Components.Schemas["ProjectContent"].Value.Properties["description"].Value.Properties) != 0 {
		t.Error("ProjectContent.description is an object; want a string")
	}
}

// failureLog is a testing.TB that keeps the failures it is told of.
type failureLog struct {
	testing.TB
	failures []string
}

func (f *failureLog) Helper() {}
func (f *failureLog) Errorf(s string, a ...any) {
	f.failures = append(f.failures, fmt.Sprintf(s, a...))
}
func (f *failureLog) Fatalf(s string, a ...any) { f.Errorf(s, a...) }

// TestContract_RefusesAnswersOutsideTheDescription keeps the contract check a
// check: an unlisted status, a body against its schema and an answer on an
// undescribed route each fail, naming the operation; a described answer and
// a refused unknown route pass.
func TestContract_RefusesAnswersOutsideTheDescription(t *testing.T) {
	answer := func(status int, contentType, body string) *httptest.ResponseRecorder {
		rec := httptest.NewRecorder()
		rec.Header().Set("Content-Type", contentType)
		rec.WriteHeader(status)
		rec.WriteString(body)
		return rec
	}
	for _, tc := range []struct {
		name, method, path string
		rec                *httptest.ResponseRecorder
		want               string // in the failure; empty when the answer is described
	}{
		{"described answer passes", "GET", "/healthz", answer(200, "application/json", `{"status":"ok"}`), ""},
		{"unlisted status fails", "GET", "/api/v1/contests/2027", answer(418, "application/json", `{}`), "getContest"},
		{"body against its schema fails", "GET", "/api/v1/contests/2027", answer(200, "application/json", `{"year":"twenty"}`), "year"},
		{"problem without its required fields fails", "GET", "/api/v1/contests/2027", answer(404, "application/problem+json", `{"title":"x"}`), "type"},
		{"undescribed route answering fails", "GET", "/api/v1/nowhere", answer(200, "application/json", `{}`), "not in openapi.yaml"},
		{"refused unknown route passes", "GET", "/api/v1/nowhere", answer(404, "application/problem+json", `{}`), ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			log := &failureLog{TB: t}
			holdToContract(log, httptest.NewRequest(tc.method, tc.path, nil), tc.rec)
			got := strings.Join(log.failures, "\n")
			if (tc.want == "") != (got == "") || !strings.Contains(got, tc.want) {
				t.Fatalf("failures %q, want one containing %q", got, tc.want)
			}
		})
	}
}

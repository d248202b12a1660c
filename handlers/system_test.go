package handlers_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/goccy/go-yaml"

	"github.com/wsis-platform/wsis/handlers"
	"github.com/wsis-platform/wsis/models"
	"github.com/wsis-platform/wsis/static"
	"github.com/wsis-platform/wsis/store"
)

func TestReference_ServesSPECData(t *testing.T) {
	s := newServer(t)
	rec := s.do(t, http.MethodGet, "/api/v1/reference", nil)
	if rec.Code != http.StatusOK {
		t.Fatalf("status %d", rec.Code)
	}
	ref := decode[models.Reference](t, rec)

	wantCodes := []string{"c1", "c2", "c3", "c4", "c5", "c6", "c7-e-government", "c7-e-business", "c7-e-learning",
		"c7-e-health", "c7-e-employment", "c7-e-environment", "c7-e-agriculture", "c7-e-science", "c8", "c9", "c10", "c11"}
	if len(ref.Categories) != 18 {
		t.Fatalf("%d categories, want 18", len(ref.Categories))
	}
	for i, c := range ref.Categories {
		if c.Number != i+1 || c.Code != wantCodes[i] || c.Name == "" {
			t.Errorf("category %d = %+v, want number %d code %s", i+1, c, i+1, wantCodes[i])
		}
	}
	if len(ref.SDGs) != 17 || len(ref.GDCObjectives) != 5 || len(ref.StakeholderTypes) != 6 || len(ref.Regions) != 6 {
		t.Fatalf("counts: %d SDGs, %d GDC objectives, %d stakeholder types, %d regions; want 17, 5, 6, 6",
			len(ref.SDGs), len(ref.GDCObjectives), len(ref.StakeholderTypes), len(ref.Regions))
	}
	for i, g := range ref.SDGs {
		if g.Number != i+1 || g.Name == "" {
			t.Errorf("SDG %d = %+v", i+1, g)
		}
	}
	wantStakeholders := []models.StakeholderType{"government", "private-sector", "civil-society", "academia", "international-organization", "other"}
	if !slices.Equal(ref.StakeholderTypes, wantStakeholders) {
		t.Errorf("stakeholder types = %v, want %v", ref.StakeholderTypes, wantStakeholders)
	}
	if len(ref.Countries) != 249 {
		t.Errorf("%d countries, want all 249 ISO 3166-1 alpha-2 codes", len(ref.Countries))
	}
	perRegion := map[models.Region]int{}
	for _, c := range ref.Countries {
		if !slices.Contains(ref.Regions, c.Region) {
			t.Errorf("country %s has region %q, not one of %v", c.Code, c.Region, ref.Regions)
		}
		perRegion[c.Region]++
	}
	for _, r := range ref.Regions {
		if perRegion[r] == 0 {
			t.Errorf("region %s has no country", r)
		}
	}
	wantCriteria := []string{"relevance", "impact", "empowerment", "sdg_gdc", "replicability", "sustainability", "partnerships", "wsis_values"}
	var criteria []string
	for _, c := range ref.Criteria {
		criteria = append(criteria, c.Key)
	}
	if !slices.Equal(criteria, wantCriteria) {
		t.Errorf("criteria = %v, want %v", criteria, wantCriteria)
	}
}

// TestOpenAPI_MatchesRoutes keeps openapi.yaml true: every route is
// described and every described operation is routed.
func TestOpenAPI_MatchesRoutes(t *testing.T) {
	var spec struct {
		OpenAPI string                    `yaml:"openapi"`
		Paths   map[string]map[string]any `yaml:"paths"`
	}
	if err := yaml.Unmarshal(static.OpenAPI, &spec); err != nil {
		t.Fatalf("openapi.yaml: %v", err)
	}
	if !strings.HasPrefix(spec.OpenAPI, "3.0") {
		t.Fatalf("openapi version %q, want 3.0.x", spec.OpenAPI)
	}
	described := map[string]bool{}
	for path, ops := range spec.Paths {
		for method := range ops {
			switch method {
			case "get", "put", "post", "patch", "delete", "head", "options":
				described[strings.ToUpper(method)+" "+path] = true
			}
		}
	}
	routed := map[string]bool{}
	for _, r := range newServer(t).engine.Routes() {
		routed[r.Method+" "+ginToOpenAPI(r.Path)] = true
	}
	for op := range routed {
		if _, path, _ := strings.Cut(op, " "); !described["GET "+path] && handlers.IsUIPageForTest(path) {
			continue // a page of the web UI, not an API route (the UI's home page "/" is described)
		}
		// HEAD is answered wherever GET is, as openapi.yaml's info says.
		if path, ok := strings.CutPrefix(op, "HEAD "); ok {
			if !described["GET "+path] {
				t.Errorf("route %s answers HEAD but its GET is not in openapi.yaml", path)
			}
			continue
		}
		if !described[op] {
			t.Errorf("route %s is not in openapi.yaml", op)
		}
		if path, ok := strings.CutPrefix(op, "GET "); ok && !routed["HEAD "+path] {
			t.Errorf("route %s answers GET but not HEAD", path)
		}
	}
	for op := range described {
		if !routed[op] {
			t.Errorf("openapi.yaml describes %s, which is not routed", op)
		}
	}
}

// ginToOpenAPI turns /projects/:id into /projects/{id}.
func ginToOpenAPI(p string) string {
	parts := strings.Split(p, "/")
	for i, s := range parts {
		if strings.HasPrefix(s, ":") || strings.HasPrefix(s, "*") {
			parts[i] = "{" + s[1:] + "}"
		}
	}
	return strings.Join(parts, "/")
}

func TestOpenAPI_ServedAsYAML(t *testing.T) {
	rec := newServer(t).do(t, http.MethodGet, "/api/v1/openapi.yaml", nil)
	if rec.Code != http.StatusOK || !strings.HasPrefix(rec.Header().Get("Content-Type"), "application/yaml") {
		t.Fatalf("status %d, Content-Type %q", rec.Code, rec.Header().Get("Content-Type"))
	}
	if !strings.Contains(rec.Body.String(), "/api/v1/reference:") {
		t.Fatal("served spec does not describe /api/v1/reference")
	}
}

func TestHealth_ReadyzFollowsTheDatabase(t *testing.T) {
	s := newServer(t)
	if rec := s.do(t, http.MethodGet, "/healthz", nil); rec.Code != http.StatusOK {
		t.Fatalf("healthz %d", rec.Code)
	}
	if rec := s.do(t, http.MethodGet, "/readyz", nil); rec.Code != http.StatusOK {
		t.Fatalf("readyz with the database up: %d", rec.Code)
	}

	ctx := context.Background()
	down, err := store.Open(ctx, store.Config{Database: "wsis", DataDir: filepath.Join(t.TempDir(), "db"),
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	if err := down.Close(ctx); err != nil {
		t.Fatalf("close: %v", err)
	}
	s = newServer(t, func(c *handlers.Config) { c.Store = down })
	wantProblem(t, s.do(t, http.MethodGet, "/readyz", nil), http.StatusServiceUnavailable, "unavailable")
	if rec := s.do(t, http.MethodGet, "/healthz", nil); rec.Code != http.StatusOK {
		t.Fatalf("healthz with the database down: %d, want 200 (the process is up)", rec.Code)
	}
}

func TestMetrics_CountsByRouteAndStatus(t *testing.T) {
	s := newServer(t)
	for range 3 {
		s.do(t, http.MethodGet, "/api/v1/reference", nil)
	}
	s.do(t, http.MethodGet, "/api/v1/scanner/probe-1", nil)
	s.do(t, http.MethodGet, "/api/v1/scanner/probe-2", nil)
	body := s.do(t, http.MethodGet, "/metrics", nil).Body.String()
	for _, want := range []string{
		`wsis_http_requests_total{method="GET",route="/api/v1/reference",status="200"} 3`,
		`wsis_http_requests_total{method="GET",route="unmatched",status="404"} 2`,
		`wsis_http_request_duration_seconds_count{method="GET",route="/api/v1/reference",status="200"} 3`,
		`go_goroutines`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("metrics lack %s", want)
		}
	}
	if strings.Contains(body, "probe-1") {
		t.Error("an unmatched path became a metric label")
	}
}

func TestMetrics_ElsewhereIsNotFoundHereAndServedByItsHandler(t *testing.T) {
	reg := handlers.NewRegistry()
	s := newServer(t, func(c *handlers.Config) { c.Registry, c.MetricsElsewhere = reg, true })
	s.do(t, http.MethodGet, "/api/v1/reference", nil)
	wantProblem(t, s.do(t, http.MethodGet, "/metrics", nil), http.StatusNotFound, "not-found")
	rec := httptest.NewRecorder()
	handlers.MetricsHandler(reg).ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	if want := `wsis_http_requests_total{method="GET",route="/api/v1/reference",status="200"} 1`; !strings.Contains(rec.Body.String(), want) {
		t.Errorf("the metrics handler lacks %s:\n%.400s", want, rec.Body)
	}
}

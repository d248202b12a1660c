// Package handlers is the platform's HTTP API and web UI on gin: the route
// table, middleware, request decoding and validation, and the one mapping
// from domain errors to RFC 9457 problems. Handlers are thin: who is asking,
// path parameters, a request type, validation, the store, the answer.
package handlers

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/wsis-platform/wsis/models"
)

// Database is what the handlers need of the store.
type Database interface {
	Ping(ctx context.Context) error
}

// Config is what the HTTP layer is built from.
type Config struct {
	Store  Database
	Logger *slog.Logger
	Clock  models.Clock
	// TrustedProxies are the addresses or CIDRs whose X-Forwarded-For gin
	// believes when resolving the client IP; none by default.
	TrustedProxies []string
	// HSTS adds Strict-Transport-Security, for a platform served over https.
	HSTS bool
	// Registry receives the platform's metrics; nil makes a new one.
	Registry *prometheus.Registry
}

// server holds the dependencies every handler shares.
type server struct {
	store    Database
	log      *slog.Logger
	clock    models.Clock
	registry *prometheus.Registry
}

// New builds the gin engine: middleware, every route and the problem answers
// for unknown paths and methods.
func New(cfg Config) (*gin.Engine, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Clock == nil {
		cfg.Clock = models.SystemClock{}
	}
	if cfg.Registry == nil {
		cfg.Registry = prometheus.NewRegistry()
		cfg.Registry.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	}
	s := &server{store: cfg.Store, log: cfg.Logger, clock: cfg.Clock, registry: cfg.Registry}

	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	r.HandleMethodNotAllowed = true
	r.RedirectTrailingSlash = false
	r.RedirectFixedPath = false
	if err := r.SetTrustedProxies(cfg.TrustedProxies); err != nil {
		return nil, fmt.Errorf("handlers: trusted proxies: %w", err)
	}
	r.Use(
		withRequestID(cfg.Logger),
		accessLog(),
		newHTTPMetrics(cfg.Registry).middleware(),
		recovery(),
		securityHeaders(cfg.HSTS),
		limitBody(),
	)
	s.routes(r)
	return r, nil
}

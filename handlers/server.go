// Package handlers is the platform's HTTP API and web UI on gin: the route
// table, middleware, request decoding and validation, and the one mapping
// from domain errors to RFC 9457 problems. Handlers are thin: who is asking,
// path parameters, a request type, validation, the store, the answer.
package handlers

import (
	"errors"
	"fmt"
	"log/slog"
	"sync"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/wsis-platform/wsis/app"
	"github.com/wsis-platform/wsis/auth"
	"github.com/wsis-platform/wsis/models"
	"github.com/wsis-platform/wsis/store"
	"github.com/wsis-platform/wsis/store/search"
)

// Mailer sends mail through the durable outbox; it is the use cases' mailer.
type Mailer = app.Mailer

// Config is what the HTTP layer is built from.
type Config struct {
	Store  *store.Store
	Search *search.Index
	Tokens *auth.Tokens
	Hasher *auth.Hasher
	Mailer Mailer
	Logger *slog.Logger
	Clock  models.Clock
	// PublicURL is where users reach the platform, for links in mails.
	PublicURL string
	// DevMailbox serves the outbox at /api/v1/dev/mailbox.
	DevMailbox bool
	// TrustedProxies are the addresses or CIDRs whose X-Forwarded-For gin
	// believes when resolving the client IP; none by default.
	TrustedProxies []string
	// HSTS adds Strict-Transport-Security, for a platform served over https.
	HSTS bool
	// RateLimits are the abuse limits; zero fields take DefaultRateLimits.
	RateLimits RateLimits
	// Registry receives the platform's metrics; nil makes one (NewRegistry).
	Registry *prometheus.Registry
	// MetricsElsewhere leaves /metrics unrouted (404) here, for a platform
	// that serves MetricsHandler(Registry) on an address of its own.
	MetricsElsewhere bool
	// Background, when set, counts the work a request starts and does not
	// wait for (queueing a password-reset mail). Whoever stops the server
	// waits for it after the HTTP server has shut down and before closing
	// the store, so that no such work is cut off.
	Background *sync.WaitGroup
	// App is the use-case layer the handlers call; nil builds one from the
	// fields above. Whoever stops the server closes it (app.Service.Close)
	// after the HTTP server has shut down, so that queued votes are stored.
	App *app.Service
}

// server holds the dependencies every handler shares.
type server struct {
	app       *app.Service
	store     *store.Store
	search    *search.Index
	tokens    *auth.Tokens
	hasher    *auth.Hasher
	sessions  *auth.Sessions
	mailer    Mailer
	log       *slog.Logger
	clock     models.Clock
	publicURL string
	mailboxOn bool
	registry  *prometheus.Registry
	metricsOn bool
	bg        *sync.WaitGroup
	answers   answerCache
	limits    struct {
		login, register, refresh, forgot *limiter
		write, vote, voteIP              *keyedLimiter
	}
}

// New builds the gin engine: middleware, every route and the problem answers
// for unknown paths and methods.
func New(cfg Config) (*gin.Engine, error) {
	if cfg.Store == nil || cfg.Search == nil || cfg.Tokens == nil || cfg.Hasher == nil || cfg.Mailer == nil {
		return nil, errors.New("handlers: Store, Search, Tokens, Hasher and Mailer are required")
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Clock == nil {
		cfg.Clock = models.SystemClock{}
	}
	if cfg.Background == nil {
		cfg.Background = &sync.WaitGroup{}
	}
	if cfg.Registry == nil {
		cfg.Registry = NewRegistry()
	}
	service := cfg.App
	if service == nil {
		var err error
		if service, err = app.New(app.Config{Store: cfg.Store, Mailer: cfg.Mailer, Clock: cfg.Clock, Logger: cfg.Logger,
			PublicURL: cfg.PublicURL}); err != nil {
			return nil, fmt.Errorf("handlers: %w", err)
		}
	}
	s := &server{app: service, store: cfg.Store, search: cfg.Search, tokens: cfg.Tokens, hasher: cfg.Hasher, mailer: cfg.Mailer,
		sessions: auth.NewSessions(cfg.Store, cfg.Clock), log: cfg.Logger, clock: cfg.Clock,
		publicURL: cfg.PublicURL, mailboxOn: cfg.DevMailbox, registry: cfg.Registry, bg: cfg.Background,
		metricsOn: !cfg.MetricsElsewhere}
	limits := withDefaults(cfg.RateLimits)
	s.limits.login, s.limits.register = newLimiter(limits.Login), newLimiter(limits.Register)
	s.limits.refresh, s.limits.forgot = newLimiter(limits.Refresh), newLimiter(limits.Forgot)
	s.limits.write = newKeyedLimiter(limits.Write)
	s.limits.vote, s.limits.voteIP = newKeyedLimiter(limits.Vote), newKeyedLimiter(limits.VoteIP)

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
		compress(),
		recovery(),
		securityHeaders(cfg.HSTS),
		limitBody(),
	)
	crossOrigin, err := refuseCrossOrigin(cfg.PublicURL)
	if err != nil {
		return nil, fmt.Errorf("handlers: %w", err)
	}
	s.routes(r, crossOrigin)
	return r, nil
}

// NewRegistry is a metrics registry with the Go runtime's and the process's
// collectors, to which New adds the HTTP metrics.
func NewRegistry() *prometheus.Registry {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return reg
}

func withDefaults(l RateLimits) RateLimits {
	for _, p := range []struct{ got, def *Rate }{
		{&l.Login, &DefaultRateLimits.Login}, {&l.Register, &DefaultRateLimits.Register},
		{&l.Refresh, &DefaultRateLimits.Refresh}, {&l.Forgot, &DefaultRateLimits.Forgot},
		{&l.Write, &DefaultRateLimits.Write}, {&l.Vote, &DefaultRateLimits.Vote}, {&l.VoteIP, &DefaultRateLimits.VoteIP},
	} {
		if p.got.Events == 0 {
			*p.got = *p.def
		}
	}
	return l
}

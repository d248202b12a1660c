// Package app is the platform's use cases of the WSIS Prizes: the contest's
// schedule and rules, nominations and the nominee list. It sits between the
// HTTP layer (handlers, and the server-rendered pages) and the store: each
// method takes a context, the actor and typed values, reads the clock once,
// applies the rules of models and answers model errors (models.ErrNotFound,
// models.ErrConflict, …), which the caller maps to its own answers.
package app

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/wsis-platform/wsis/models"
	"github.com/wsis-platform/wsis/store"
)

// Mailer sends mail through the durable outbox.
type Mailer interface {
	Send(ctx context.Context, m models.Mail) (models.Mail, error)
}

// Config is what a Service is built from.
type Config struct {
	Store  *store.Store
	Mailer Mailer
	Clock  models.Clock
	// Logger receives what a use case cannot answer (a mail not queued, an
	// audit entry lost) when the context carries no request logger.
	Logger *slog.Logger
	// PublicURL is where users reach the platform, for links in mails.
	PublicURL string
	// ReceiptMailEvery is how long a voter's receipts gather before they go
	// out in one mail; 5 minutes by default.
	ReceiptMailEvery time.Duration
	// Anomalies are the thresholds of the vote anomaly report; zero fields
	// take models.AnomalyThresholds' defaults.
	Anomalies models.AnomalyThresholds
}

// Service runs the use cases. It is safe for concurrent use.
type Service struct {
	store     *store.Store
	mailer    Mailer
	clock     models.Clock
	log       *slog.Logger
	publicURL string
	voting    *voting
	trees     treeCache // of the verifiable tally's proofs

	anomalyThresholds models.AnomalyThresholds
}

// New returns the Service of cfg; Store and Mailer are required, the clock
// defaults to the system's and the logger to slog's default.
func New(cfg Config) (*Service, error) {
	if cfg.Store == nil || cfg.Mailer == nil {
		return nil, errors.New("app: Store and Mailer are required")
	}
	if cfg.Clock == nil {
		cfg.Clock = models.SystemClock{}
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.ReceiptMailEvery <= 0 {
		cfg.ReceiptMailEvery = 5 * time.Minute
	}
	return &Service{store: cfg.Store, mailer: cfg.Mailer, clock: cfg.Clock, log: cfg.Logger, publicURL: cfg.PublicURL,
		voting:            newVoting(cfg.Store, cfg.Mailer, cfg.PublicURL, cfg.ReceiptMailEvery, cfg.Logger),
		anomalyThresholds: cfg.Anomalies.WithDefaults()}, nil
}

// Close stops taking votes, stores every vote already handed over (each
// caller is answered), writes the live counters and queues the waiting
// receipt mails. Call it after the HTTP server stopped and before the store
// closes. Returns ctx's error if that takes longer than ctx allows.
func (s *Service) Close(ctx context.Context) error {
	return s.voting.close(ctx)
}

// Origin is where a use case was asked from, besides the actor: what the
// audit trail and the log name.
type Origin struct {
	// ClientIP is the address the request came from.
	ClientIP string
	// Logger is the request's logger, which names its request id.
	Logger *slog.Logger
}

type originKey struct{}

// WithOrigin returns ctx carrying o, for the use cases run under it.
func WithOrigin(ctx context.Context, o Origin) context.Context {
	return context.WithValue(ctx, originKey{}, o)
}

// origin returns the Origin ctx carries, its logger defaulting to the
// Service's.
func (s *Service) origin(ctx context.Context) Origin {
	o, _ := ctx.Value(originKey{}).(Origin)
	if o.Logger == nil {
		o.Logger = s.log
	}
	return o
}

// requireAdmin returns ErrForbidden unless actor is an admin.
func requireAdmin(actor models.User) error {
	if actor.ID == "" || !actor.HasRole(models.RoleAdmin) {
		return models.ErrForbidden
	}
	return nil
}

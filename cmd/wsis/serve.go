package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/wsis-platform/wsis/app"
	"github.com/wsis-platform/wsis/auth"
	"github.com/wsis-platform/wsis/handlers"
	"github.com/wsis-platform/wsis/mail"
	"github.com/wsis-platform/wsis/models"
	"github.com/wsis-platform/wsis/store"
	"github.com/wsis-platform/wsis/store/search"
)

// shutdownTimeout bounds how long in-flight requests may take to finish once
// a stop is asked for.
const shutdownTimeout = 20 * time.Second

// serve runs the HTTP server until ctx ends, then lets in-flight requests
// and the background work they started finish, stops the mail worker and
// closes the database. ready, when set, receives the address the server
// listens on.
func serve(ctx context.Context, cfg config, logOut io.Writer, ready func(addr string)) error {
	log := newLogger(logOut, cfg.LogLevel)
	log.Info("starting", cfg.logValue()...)

	st, err := openStore(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer func() {
		closeCtx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
		defer cancel()
		if err := st.Close(closeCtx); err != nil {
			log.Error("closing the database", "err", err)
		}
		log.Info("database closed")
	}()
	clock := models.SystemClock{}
	hasher := auth.NewHasher(hashSlots())
	if cfg.AdminEmail != "" {
		admin, err := ensureAdmin(ctx, st, hasher, cfg.AdminEmail, cfg.AdminPassword, clock)
		if err != nil {
			return fmt.Errorf("WSIS_ADMIN_EMAIL: %w", err)
		}
		log.Info("admin ready", "email", admin.Email, "id", admin.ID)
	}
	tokens, err := auth.NewTokens(ctx, st, cfg.PublicURL, cfg.PublicURL+"/api", clock)
	if err != nil {
		return err
	}
	var sender mail.Sender
	if cfg.SMTPURL != "" {
		if sender, err = mail.NewSMTPSender(cfg.SMTPURL, cfg.MailFrom); err != nil {
			return fmt.Errorf("WSIS_SMTP_URL: %w", err)
		}
	} else {
		log.Warn("no WSIS_SMTP_URL: mails stay in the outbox and the log")
	}
	mailOpts := mail.Options{From: cfg.MailFrom, Clock: clock}
	if !st.Embedded() {
		// Other replicas write the outbox too, and one may stop holding a claim.
		mailOpts.Rescan = 5 * time.Minute
	}
	outbox := mail.New(st, sender, log, mailOpts)
	index, err := openSearch(ctx, cfg, st, log)
	if err != nil {
		return err
	}
	defer index.Close()

	service, err := app.New(app.Config{Store: st, Mailer: outbox, Clock: clock, Logger: log, PublicURL: cfg.PublicURL})
	if err != nil {
		return err
	}
	var background sync.WaitGroup
	registry := handlers.NewRegistry()
	engine, err := handlers.New(handlers.Config{
		Store: st, Search: index, Tokens: tokens, Hasher: hasher, Mailer: outbox, Logger: log, Clock: clock,
		PublicURL: cfg.PublicURL, DevMailbox: cfg.DevMailbox, TrustedProxies: cfg.TrustedProxies,
		HSTS: strings.HasPrefix(cfg.PublicURL, "https://"), RateLimits: cfg.RateLimits, Background: &background,
		App: service, Registry: registry, MetricsElsewhere: cfg.MetricsAddr != "",
	})
	if err != nil {
		return err
	}
	if cfg.DevMailbox {
		log.Warn("WSIS_DEV_MAILBOX is on: every mail, with its links, is readable at /api/v1/dev/mailbox")
	}

	workCtx, stopWork := context.WithCancel(context.WithoutCancel(ctx))
	var work sync.WaitGroup
	work.Go(func() {
		if err := outbox.Run(workCtx); err != nil {
			log.Error("mail worker stopped", "err", err)
		}
	})
	// The periodic jobs run once per period across replicas: each period
	// is claimed in the store first (store.ClaimJobRun).
	owner := mail.DefaultOwner()
	work.Go(func() { cleanExpired(workCtx, st, clock, owner, log) })
	work.Go(func() { followStore(workCtx, index, st, log) })
	work.Go(func() { refreshAnomalies(workCtx, service, st, owner, log) })
	work.Go(func() { service.RunReviewReminders(workCtx, cfg.ReviewReminders, reviewRemindersEvery) })
	defer func() {
		stopWork()
		work.Wait()
	}()
	// Once the HTTP server has shut down, and before the mail worker stops:
	// the votes handed over are stored and answered, the counters written
	// and the waiting receipt mails queued.
	defer func() {
		closeCtx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
		defer cancel()
		if err := service.Close(closeCtx); err != nil {
			log.Error("votes not drained at shutdown", "err", err)
		}
	}()
	// Work that requests leave running (queueing reset mails) ends before
	// the mail worker, the index and the database close: this defer runs
	// first, once the HTTP server has shut down.
	defer background.Wait()

	servers := []*http.Server{httpServer(engine, log)}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s (WSIS_ADDR): %w", cfg.Addr, err)
	}
	listeners := []net.Listener{ln}
	if cfg.MetricsAddr != "" {
		mux := http.NewServeMux()
		mux.Handle("GET /metrics", handlers.MetricsHandler(registry))
		mln, err := net.Listen("tcp", cfg.MetricsAddr)
		if err != nil {
			_ = ln.Close()
			return fmt.Errorf("listen on %s (WSIS_METRICS_ADDR): %w", cfg.MetricsAddr, err)
		}
		log.Info("serving metrics", "addr", mln.Addr().String())
		servers, listeners = append(servers, httpServer(mux, log)), append(listeners, mln)
	}
	log.Info("serving", "addr", ln.Addr().String(), "public_url", cfg.PublicURL)
	if ready != nil {
		ready(ln.Addr().String())
	}
	return serveUntilDone(ctx, servers, listeners, log)
}

// httpServer is an http.Server of h with the platform's timeouts and limits.
func httpServer(h http.Handler, log *slog.Logger) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      120 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
}

// serveUntilDone serves servers[i] on listeners[i] until ctx ends, then shuts
// them all down, letting in-flight requests finish within shutdownTimeout.
// Should one stop serving by itself, the others are closed and its error
// returned.
func serveUntilDone(ctx context.Context, servers []*http.Server, listeners []net.Listener, log *slog.Logger) error {
	errc := make(chan error, len(servers))
	for i, srv := range servers {
		go func() { errc <- srv.Serve(listeners[i]) }()
	}
	select {
	case err := <-errc:
		for _, srv := range servers {
			_ = srv.Close()
		}
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	log.Info("stopping: finishing in-flight requests")
	shutCtx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer cancel()
	var shutdown sync.WaitGroup
	shutErrs := make([]error, len(servers))
	for i, srv := range servers {
		shutdown.Go(func() { shutErrs[i] = srv.Shutdown(shutCtx) })
	}
	shutdown.Wait()
	if err := errors.Join(shutErrs...); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	for range servers {
		if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
			return fmt.Errorf("serve: %w", err)
		}
	}
	return nil
}

// openStore opens the configured database, logs which one it is, creates
// the indexes, failing fast when one cannot be, and brings stored
// nominations' slots up to the current organization identity (a warning
// for each pair that now collides; both are kept).
func openStore(ctx context.Context, cfg config, log *slog.Logger) (*store.Store, error) {
	dir := filepath.Join(cfg.DataDir, "db")
	st, err := store.Open(ctx, store.Config{URI: cfg.MongoURI, Database: cfg.Database, DataDir: dir, Logger: log})
	if err != nil {
		return nil, err
	}
	if st.Embedded() {
		log.Info("database: embedded FerretDB (SQLite)", "dir", dir, "database", cfg.Database)
	} else {
		log.Info("database: MongoDB", "uri", redactURL(cfg.MongoURI), "database", cfg.Database, "write_concern", "majority")
	}
	if err := st.EnsureIndexes(ctx); err != nil {
		_ = st.Close(context.WithoutCancel(ctx))
		return nil, err
	}
	collisions, err := st.MigrateSlots(ctx)
	if err != nil {
		_ = st.Close(context.WithoutCancel(ctx))
		return nil, err
	}
	for _, c := range collisions {
		log.Warn("nomination slot: two nominations made before the organization identity changed now share a slot; both kept",
			"nomination", c.NominationID, "holder", c.HolderID, "slot", c.Slot)
	}
	return st, nil
}

// openSearch opens the search read model under the data directory, has it
// hear every project write, and catches it up with the store.
func openSearch(ctx context.Context, cfg config, st *store.Store, log *slog.Logger) (*search.Index, error) {
	index, err := search.Open(filepath.Join(cfg.DataDir, "search"), log)
	if err != nil {
		return nil, err
	}
	st.Observe(index)
	start := time.Now()
	n, err := index.CatchUp(ctx, st)
	if err != nil {
		_ = index.Close()
		return nil, err
	}
	log.Info("search index caught up", "projects", n, "last_seq", index.LastSeq(), "took", time.Since(start).String())
	return index, nil
}

// followStore keeps the search index caught up with writes it did not hear
// of: other replicas' (with a MongoDB deployment, every few seconds), its
// own failed updates, and sequences taken whose writes never landed. A
// catch-up that finds nothing reads one counter, so the embedded store's
// index follows too (every 30 s), which keeps a restart after a crash as
// short as one after a clean stop. It returns when ctx ends.
func followStore(ctx context.Context, index *search.Index, st *store.Store, log *slog.Logger) {
	every := 5 * time.Second
	if st.Embedded() {
		every = 30 * time.Second // one process owns the embedded store and hears its writes
	}
	tick := time.NewTicker(every)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		if n, err := index.CatchUp(ctx, st); err != nil && ctx.Err() == nil {
			log.Warn("search index catch-up failed", "err", err)
		} else if n > 0 {
			log.Debug("search index caught up", "documents", n)
		}
	}
}

// reviewRemindersEvery is how often the due review reminders are sent; each
// goes out once, whichever replica's run comes first.
const reviewRemindersEvery = 10 * time.Minute

// anomalyEvery is how often the anomaly reports of contests in or just
// after voting are computed again in the background.
const anomalyEvery = 10 * time.Minute

// refreshAnomalies keeps the anomaly reports current until ctx ends, so
// that the admins' page answers at once (app.Service.RefreshAnomalies).
func refreshAnomalies(ctx context.Context, service *app.Service, st *store.Store, owner string, log *slog.Logger) {
	tick := time.NewTicker(anomalyEvery)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		if !claimRun(ctx, st, "anomalies", anomalyEvery, owner, log) {
			continue
		}
		if n, err := service.RefreshAnomalies(ctx); err != nil && ctx.Err() == nil {
			log.Warn("anomaly reports not refreshed", "err", err)
		} else if n > 0 {
			log.Debug("anomaly reports refreshed", "contests", n)
		}
	}
}

// hashSlots bounds concurrent password hashes at 19 MiB each: one per core
// (GOMAXPROCS), and at least two.
func hashSlots() int { return max(2, runtime.GOMAXPROCS(0)) }

// cleanExpired deletes expired credentials records every hour until ctx ends.
func cleanExpired(ctx context.Context, st *store.Store, clock models.Clock, owner string, log *slog.Logger) {
	tick := time.NewTicker(time.Hour)
	defer tick.Stop()
	for {
		if claimRun(ctx, st, "clean-up", time.Hour, owner, log) {
			n, err := st.DeleteExpired(ctx, clock.Now())
			if err != nil && ctx.Err() == nil {
				log.Warn("clean-up of expired records failed", "err", err)
			} else if n > 0 {
				log.Info("expired records removed", "count", n)
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

func newLogger(w io.Writer, level string) *slog.Logger {
	var l slog.Level
	_ = l.UnmarshalText([]byte(level))
	return slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: l}))
}

// claimRun reports whether this process runs job for the current period
// (real time: periods are shared between processes); a failed claim is
// logged and the period skipped, the next one is claimed anew.
func claimRun(ctx context.Context, st *store.Store, job string, period time.Duration, owner string, log *slog.Logger) bool {
	won, err := st.ClaimJobRun(ctx, job, period, time.Now(), owner)
	if err != nil && ctx.Err() == nil {
		log.Warn("periodic job not claimed", "job", job, "err", err)
	}
	return won
}

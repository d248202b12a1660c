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
	"strings"
	"time"

	"github.com/wsis-platform/wsis/handlers"
	"github.com/wsis-platform/wsis/store"
)

// shutdownTimeout bounds how long in-flight requests may take to finish once
// a stop is asked for.
const shutdownTimeout = 20 * time.Second

// serve runs the HTTP server until ctx ends, then lets in-flight requests
// finish and closes the database. ready, when set, receives the address the
// server listens on.
func serve(ctx context.Context, cfg config, logOut io.Writer, ready func(addr string)) error {
	log := newLogger(logOut, cfg.LogLevel)
	log.Info("starting", cfg.logValue()...)

	st, err := store.Open(ctx, store.Config{URI: cfg.MongoURI, Database: cfg.Database,
		DataDir: filepath.Join(cfg.DataDir, "db"), Logger: log})
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
	if st.Embedded() {
		log.Info("database: embedded FerretDB (SQLite)", "dir", filepath.Join(cfg.DataDir, "db"), "database", cfg.Database)
	} else {
		log.Info("database: MongoDB", "uri", redactURL(cfg.MongoURI), "database", cfg.Database, "write_concern", "majority")
	}
	if err := st.EnsureIndexes(ctx); err != nil {
		return err
	}

	engine, err := handlers.New(handlers.Config{
		Store: st, Logger: log, TrustedProxies: cfg.TrustedProxies,
		HSTS: strings.HasPrefix(cfg.PublicURL, "https://"),
	})
	if err != nil {
		return err
	}
	srv := &http.Server{
		Handler:           engine,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      120 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s (WSIS_ADDR): %w", cfg.Addr, err)
	}
	log.Info("serving", "addr", ln.Addr().String(), "public_url", cfg.PublicURL)
	if ready != nil {
		ready(ln.Addr().String())
	}

	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	log.Info("stopping: finishing in-flight requests")
	shutCtx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(shutCtx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve: %w", err)
	}
	return nil
}

func newLogger(w io.Writer, level string) *slog.Logger {
	var l slog.Level
	_ = l.UnmarshalText([]byte(level))
	return slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: l}))
}

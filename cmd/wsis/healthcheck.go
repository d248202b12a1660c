package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"
)

// healthcheckCommand runs "wsis healthcheck": it asks the local server's
// /readyz and fails unless it answers 200. Container healthchecks use it, as
// the runtime image has no shell or HTTP client.
func healthcheckCommand(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var target string
	cfg, err := loadConfig("wsis healthcheck", args, getenv, stderr, func(fs *flag.FlagSet) {
		fs.StringVar(&target, "url", "", "URL to check; default http://127.0.0.1:<WSIS_ADDR port>/readyz")
	})
	if err != nil {
		return err
	}
	if target == "" {
		_, port, _ := net.SplitHostPort(cfg.Addr)
		target = "http://127.0.0.1:" + port + "/readyz"
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, target, nil)
	if err != nil {
		return fmt.Errorf("healthcheck: %w", err)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("healthcheck: %w", err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("healthcheck: %s answered %d", target, res.StatusCode)
	}
	fmt.Fprintln(stdout, "ready")
	return nil
}

package handlers_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/wsis-platform/wsis/handlers"
	"github.com/wsis-platform/wsis/mail"
)

func TestSecurityHeaders_OnUIAndAPI(t *testing.T) {
	s := newServer(t)
	for _, path := range []string{"/", "/api/v1/reference", "/api/v1/missing"} {
		h := s.do(t, http.MethodGet, path, nil).Header()
		csp := h.Get("Content-Security-Policy")
		if !strings.Contains(csp, "frame-ancestors 'none'") || !strings.Contains(csp, "script-src 'self'") {
			t.Errorf("%s: CSP %q lacks frame-ancestors or script-src", path, csp)
		}
		if h.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("%s: no nosniff", path)
		}
		if h.Get("Strict-Transport-Security") != "" {
			t.Errorf("%s: HSTS sent for a platform not served over https", path)
		}
	}
	s = newServer(t, func(c *handlers.Config) { c.HSTS = true })
	if s.do(t, http.MethodGet, "/", nil).Header().Get("Strict-Transport-Security") == "" {
		t.Error("no HSTS for an https platform")
	}
}

func TestRequestID_EchoedOrGenerated(t *testing.T) {
	s := newServer(t)
	if got := s.do(t, http.MethodGet, "/healthz", nil, "X-Request-ID", "lb-0123456789").Header().Get("X-Request-ID"); got != "lb-0123456789" {
		t.Errorf("a well-formed incoming id was replaced by %q", got)
	}
	got := s.do(t, http.MethodGet, "/healthz", nil, "X-Request-ID", "bad id\r\nInjected: 1").Header().Get("X-Request-ID")
	if got == "" || strings.ContainsAny(got, " \r\n:") {
		t.Errorf("a malformed incoming id gave %q", got)
	}
}

// clientIPs returns the client_ip of every access-log line.
func clientIPs(t *testing.T, logs string) []string {
	t.Helper()
	var ips []string
	for _, line := range strings.Split(strings.TrimSpace(logs), "\n") {
		var entry struct {
			Msg      string `json:"msg"`
			ClientIP string `json:"client_ip"`
		}
		if err := json.Unmarshal([]byte(line), &entry); err == nil && entry.Msg == "request" {
			ips = append(ips, entry.ClientIP)
		}
	}
	return ips
}

func TestTrustedProxies_NoneByDefault(t *testing.T) {
	s := newServer(t)
	s.do(t, http.MethodGet, "/healthz", nil, "X-Forwarded-For", "203.0.113.7")
	if ips := clientIPs(t, s.log.String()); len(ips) != 1 || ips[0] == "203.0.113.7" {
		t.Fatalf("client IPs %v: X-Forwarded-For believed without a trusted proxy", ips)
	}

	s = newServer(t, func(c *handlers.Config) { c.TrustedProxies = []string{"192.0.2.0/24"} })
	s.do(t, http.MethodGet, "/healthz", nil, "X-Forwarded-For", "203.0.113.7")
	// httptest requests come from 192.0.2.1, inside the trusted range.
	if ips := clientIPs(t, s.log.String()); len(ips) != 1 || ips[0] != "203.0.113.7" {
		t.Fatalf("client IPs %v: X-Forwarded-For from a trusted proxy ignored", ips)
	}
}

func TestTrustedProxies_InvalidIsAnError(t *testing.T) {
	s := newServer(t)
	_, err := handlers.New(handlers.Config{Store: s.store, Search: s.search, Tokens: s.tokens, Hasher: s.hasher,
		Mailer: mail.New(s.store, nil, nil, mail.Options{}), TrustedProxies: []string{"not-an-ip"}})
	if err == nil || !strings.Contains(err.Error(), "trusted proxies") {
		t.Fatalf("err = %v, want one about the invalid trusted proxy", err)
	}
}

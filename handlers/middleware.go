package handlers

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"runtime/debug"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/wsis-platform/wsis/models"
)

const (
	requestIDHeader = "X-Request-ID"
	requestIDKey    = "wsis.request_id"
	loggerKey       = "wsis.logger"
	// maxBodyBytes caps every request body (SPEC §6: 413 above 1 MiB).
	maxBodyBytes = 1 << 20
)

var validRequestID = regexp.MustCompile(`^[A-Za-z0-9._-]{8,64}$`)

// withRequestID gives each request an id: the caller's X-Request-ID when it
// is a plain token, otherwise a new random one. The id is echoed in the
// response, carried by the request's logger and put in every problem.
func withRequestID(base *slog.Logger) gin.HandlerFunc {
	return func(c *gin.Context) {
		id := c.GetHeader(requestIDHeader)
		if !validRequestID.MatchString(id) {
			var b [12]byte
			_, _ = rand.Read(b[:])
			id = hex.EncodeToString(b[:])
		}
		c.Set(requestIDKey, id)
		c.Set(loggerKey, base.With("request_id", id))
		c.Header(requestIDHeader, id)
		c.Next()
	}
}

func requestID(c *gin.Context) string { return c.GetString(requestIDKey) }

// logger returns the request's logger, which names the request id.
func logger(c *gin.Context) *slog.Logger {
	if l, ok := c.Get(loggerKey); ok {
		return l.(*slog.Logger)
	}
	return slog.Default()
}

// accessLog writes one structured line per request once it is answered.
func accessLog() gin.HandlerFunc {
	return func(c *gin.Context) {
		start := time.Now()
		c.Next()
		status := c.Writer.Status()
		level := slog.LevelInfo
		if status >= http.StatusInternalServerError {
			level = slog.LevelError
		}
		logger(c).LogAttrs(c.Request.Context(), level, "request",
			slog.String("method", c.Request.Method),
			slog.String("path", c.Request.URL.Path),
			slog.String("route", routeLabel(c)),
			slog.Int("status", status),
			slog.Int("bytes", c.Writer.Size()),
			slog.Float64("duration_ms", float64(time.Since(start).Microseconds())/1000),
			slog.String("client_ip", c.ClientIP()),
		)
	}
}

// recovery turns a panic into a logged error and a 500 problem that shows
// the client nothing of the panic but the request id.
func recovery() gin.HandlerFunc {
	return func(c *gin.Context) {
		defer func() {
			v := recover()
			if v == nil {
				return
			}
			if v == http.ErrAbortHandler { //nolint:errorlint // the sentinel is compared as net/http does
				panic(v)
			}
			logger(c).ErrorContext(c.Request.Context(), "panic", "panic", fmt.Sprint(v), "stack", string(debug.Stack()),
				"method", c.Request.Method, "path", c.Request.URL.Path)
			if c.Writer.Written() {
				c.Abort()
				return
			}
			respondError(c, errors.New("panic"))
		}()
		c.Next()
	}
}

// securityHeaders sets the headers every answer carries: a strict content
// security policy for the UI (its own scripts and styles only, no framing),
// nosniff and no referrer. With an https public URL it adds HSTS.
func securityHeaders(hsts bool) gin.HandlerFunc {
	const csp = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
		"connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; " +
		"frame-ancestors 'none'"
	return func(c *gin.Context) {
		h := c.Writer.Header()
		h.Set("Content-Security-Policy", csp)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
		if hsts {
			h.Set("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
		}
		c.Next()
	}
}

// limitBody caps the bytes a handler can read from the request body; reading
// past the cap fails with *http.MaxBytesError, which decodeJSON answers 413.
func limitBody() gin.HandlerFunc {
	return func(c *gin.Context) {
		if c.Request.ContentLength > maxBodyBytes {
			respondError(c, &requestError{http.StatusRequestEntityTooLarge, "body-too-large", "Request body too large",
				"the request body must be at most " + strconv.Itoa(maxBodyBytes) + " bytes"})
			return
		}
		c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, maxBodyBytes)
		c.Next()
	}
}

// httpMetrics counts requests and observes their latency by method, route
// and status. Unmatched paths share one route label so that scanners cannot
// grow the series without bound.
type httpMetrics struct {
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
}

func newHTTPMetrics(reg prometheus.Registerer) *httpMetrics {
	m := &httpMetrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "wsis_http_requests_total", Help: "HTTP requests answered, by method, route and status.",
		}, []string{"method", "route", "status"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "wsis_http_request_duration_seconds", Help: "HTTP request latency, by method, route and status.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}, []string{"method", "route", "status"}),
	}
	reg.MustRegister(m.requests, m.duration)
	return m
}

func (m *httpMetrics) middleware() gin.HandlerFunc {
	return func(c *gin.Context) {
		start := time.Now()
		c.Next()
		labels := prometheus.Labels{"method": methodLabel(c.Request.Method), "route": routeLabel(c),
			"status": strconv.Itoa(c.Writer.Status())}
		m.requests.With(labels).Inc()
		m.duration.With(labels).Observe(time.Since(start).Seconds())
	}
}

func routeLabel(c *gin.Context) string {
	if r := c.FullPath(); r != "" {
		return r
	}
	return "unmatched"
}

func methodLabel(m string) string {
	switch m {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete, http.MethodOptions:
		return m
	}
	return "other"
}

// refuseCrossOrigin answers 403 to an unsafe request that a browser sent
// from another site, told by Sec-Fetch-Site or else by an Origin that is
// neither the request's host nor publicURL's (net/http's
// CrossOriginProtection). It guards the routes that read the session
// cookie, beside its SameSite=Strict, which older browsers ignore. Clients
// sending neither header (not browsers) pass.
func refuseCrossOrigin(publicURL string) (gin.HandlerFunc, error) {
	cop := http.NewCrossOriginProtection()
	if publicURL != "" {
		u, err := url.Parse(publicURL)
		if err != nil {
			return nil, fmt.Errorf("public URL: %w", err)
		}
		if err := cop.AddTrustedOrigin(u.Scheme + "://" + u.Host); err != nil {
			return nil, fmt.Errorf("public URL: %w", err)
		}
	}
	return func(c *gin.Context) {
		if err := cop.Check(c.Request); err != nil {
			respondError(c, models.WithDetail(models.ErrForbidden, "cross-origin request refused: send it from the platform's own pages"))
			return
		}
		c.Next()
	}, nil
}

package handlers

import (
	"context"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/wsis-platform/wsis/models"
	"github.com/wsis-platform/wsis/static"
)

// healthz answers 200 while the process serves requests.
func (s *server) healthz(c *gin.Context) {
	c.JSON(http.StatusOK, gin.H{"status": "ok"})
}

// readyz answers 200 when the database answers a ping within two seconds,
// and 503 otherwise, so a load balancer stops sending traffic.
func (s *server) readyz(c *gin.Context) {
	ctx, cancel := context.WithTimeout(c.Request.Context(), 2*time.Second)
	defer cancel()
	if err := s.store.Ping(ctx); err != nil {
		logger(c).WarnContext(ctx, "readiness: database unreachable", "err", err)
		writeProblem(c, Problem{Type: "/problems/unavailable", Title: "Database unreachable",
			Status: http.StatusServiceUnavailable, Detail: "the database does not answer"})
		return
	}
	c.JSON(http.StatusOK, gin.H{"status": "ready"})
}

// metrics serves the Prometheus metrics of the platform's registry.
func (s *server) metrics() gin.HandlerFunc { return gin.WrapH(MetricsHandler(s.registry)) }

// MetricsHandler serves the metrics of reg in Prometheus's text format, the
// handler of /metrics wherever it is served.
func MetricsHandler(reg *prometheus.Registry) http.Handler {
	return promhttp.HandlerFor(reg, promhttp.HandlerOpts{})
}

// openAPI serves the hand-written OpenAPI description of this API.
func (s *server) openAPI(c *gin.Context) {
	c.Data(http.StatusOK, "application/yaml; charset=utf-8", static.OpenAPI)
}

// reference serves SPEC §2's reference data; it changes only with a release,
// so clients may cache it for an hour.
func (s *server) reference(c *gin.Context) {
	c.Header("Cache-Control", "public, max-age=3600")
	c.JSON(http.StatusOK, models.ReferenceData())
}

package handlers

import (
	"github.com/gin-gonic/gin"
)

// routes is the whole route table. Every route is in openapi.yaml and every
// path there is routed here (TestOpenAPI_MatchesRoutes).
func (s *server) routes(r *gin.Engine) {
	r.GET("/", s.uiShell)
	r.GET("/healthz", s.healthz)
	r.GET("/readyz", s.readyz)
	r.GET("/metrics", s.metrics())

	api := r.Group("/api/v1")
	// Anyone.
	api.GET("/openapi.yaml", s.openAPI)
	api.GET("/reference", s.reference)

	r.NoRoute(s.noRoute)
	r.NoMethod(s.noMethod)
}

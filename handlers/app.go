package handlers

import (
	"context"

	"github.com/gin-gonic/gin"

	"github.com/wsis-platform/wsis/app"
)

// useCase is the request's context for a use case of package app: it carries
// the client's IP and the request's logger, which name the request in the
// audit trail and the log.
func useCase(c *gin.Context) context.Context {
	return app.WithOrigin(c.Request.Context(), app.Origin{ClientIP: c.ClientIP(), Logger: logger(c)})
}

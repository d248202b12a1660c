package handlers

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/wsis-platform/wsis/models"
)

type moderationRequest struct {
	Note string `json:"note" validate:"max=2000,multiline"`
}

// moderate publishes, returns or rejects a submitted project; admins only.
// Publishing makes the working copy the public version. Each step is audited
// and mailed to the owner (app.Service.Moderate).
func (s *server) moderate(step models.ModerationStep) gin.HandlerFunc {
	return func(c *gin.Context) {
		version, ok := ifMatch(c)
		if !ok {
			return
		}
		var req moderationRequest
		if c.Request.ContentLength != 0 && !bindJSON(c, &req) {
			return
		}
		p, err := s.app.Moderate(useCase(c), currentUser(c), c.Param("id"), version, step, req.Note)
		if err != nil {
			respondError(c, err)
			return
		}
		answerProject(c, http.StatusOK, p)
	}
}

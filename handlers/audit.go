package handlers

import (
	"github.com/gin-gonic/gin"
)

// record appends an audit entry of the signed-in user's action, with the
// server's time and the client's IP; a failure to write it is logged, not
// answered (app.Service.Record).
func (s *server) record(c *gin.Context, action, targetType, targetID string, before, after map[string]any) {
	s.app.Record(useCase(c), currentUser(c), action, targetType, targetID, before, after)
}

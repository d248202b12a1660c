package handlers

import (
	"github.com/gin-gonic/gin"

	"github.com/wsis-platform/wsis/models"
)

// record appends an audit entry of the signed-in user's action, with the
// server's time and the client's IP. The change it records has happened, so
// a failure to write the entry is logged loudly rather than answered.
func (s *server) record(c *gin.Context, action, targetType, targetID string, before, after map[string]any) {
	ctx := c.Request.Context()
	err := s.store.Audit(ctx, models.AuditEntry{Time: s.clock.Now(), ActorID: currentUser(c).ID, Action: action,
		TargetType: targetType, TargetID: targetID, Before: before, After: after, ClientIP: c.ClientIP()})
	if err != nil {
		logger(c).ErrorContext(ctx, "audit entry lost", "err", err, "action", action, "target", targetID)
	}
}

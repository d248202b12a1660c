package handlers

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/wsis-platform/wsis/models"
	"github.com/wsis-platform/wsis/store"
)

// listAudit answers the audit log, newest first, filtered by actor, action,
// target and time (`from` inclusive, `to` exclusive, RFC 3339); admins only.
func (s *server) listAudit(c *gin.Context) {
	limit, before, ok := pageParams(c)
	if !ok {
		return
	}
	q := store.AuditQuery{ActorID: c.Query("actor"), Action: c.Query("action"), TargetID: c.Query("target"),
		Before: before, Limit: limit}
	for _, t := range []struct {
		name string
		dst  *time.Time
	}{{"from", &q.From}, {"to", &q.To}} {
		if v := c.Query(t.name); v != "" {
			parsed, err := time.Parse(time.RFC3339, v)
			if err != nil {
				respondError(c, models.Invalid(t.name, "must be an RFC 3339 time, e.g. 2027-03-01T00:00:00Z"))
				return
			}
			*t.dst = parsed
		}
	}
	entries, next, err := s.store.ListAudit(c.Request.Context(), q)
	if err != nil {
		respondError(c, err)
		return
	}
	c.JSON(http.StatusOK, page[models.AuditEntry]{Items: entries, NextCursor: encodeCursor(next)})
}

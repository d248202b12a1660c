package app

import (
	"context"
	"time"

	"github.com/wsis-platform/wsis/models"
)

// record appends an audit entry of actor's action at now, the time the use
// case read once, with the client's IP from ctx's Origin. The change it
// records has happened, so a failure to write the entry is logged loudly
// rather than returned.
func (s *Service) record(ctx context.Context, now time.Time, actor models.User, action, targetType, targetID string, before, after map[string]any) {
	o := s.origin(ctx)
	err := s.store.Audit(ctx, models.AuditEntry{Time: now, ActorID: actor.ID, Action: action,
		TargetType: targetType, TargetID: targetID, Before: before, After: after, ClientIP: o.ClientIP})
	if err != nil {
		o.Logger.ErrorContext(ctx, "audit entry lost", "err", err, "action", action, "target", targetID)
	}
}

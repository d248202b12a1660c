package app

import (
	"context"
	"encoding/json"
	"time"

	"github.com/wsis-platform/wsis/models"
	"github.com/wsis-platform/wsis/store"
)

// record appends an audit entry of actor's action at now, the time the use
// case read once, with the client's IP from ctx's Origin. The change it
// records has happened, so a failure to write the entry is logged loudly
// rather than returned.
func (s *Service) record(ctx context.Context, now time.Time, actor models.User, action, targetType, targetID string, before, after map[string]any) {
	o := s.origin(ctx)
	err := s.store.Audit(ctx, models.AuditEntry{Time: now, ActorID: actor.ID, Action: action,
		TargetType: targetType, TargetID: targetID, Before: apiNames(before), After: apiNames(after), ClientIP: o.ClientIP})
	if err != nil {
		o.Logger.ErrorContext(ctx, "audit entry lost", "err", err, "action", action, "target", targetID)
	}
}

// apiNames gives a change's values the names and forms the API answers them
// with (their JSON: opens_at, nominees_per_category), so that an audit entry
// does not show the store's lowercased Go field names (opensat).
func apiNames(change map[string]any) map[string]any {
	if change == nil {
		return nil
	}
	b, err := json.Marshal(change)
	if err != nil {
		return change
	}
	var named map[string]any
	if err := json.Unmarshal(b, &named); err != nil {
		return change
	}
	return named
}

// ListAudit returns a page of the audit log, newest first, filtered by
// q's actor, action, target and time (From inclusive, To exclusive), and
// the entry id to continue before when more follow. Admins only. Returns
// ErrForbidden for anyone else and ErrInvalid for a malformed cursor.
func (s *Service) ListAudit(ctx context.Context, actor models.User, q store.AuditQuery) ([]models.AuditEntry, string, error) {
	if err := requireAdmin(actor); err != nil {
		return nil, "", err
	}
	return s.store.ListAudit(ctx, q)
}

package app

import (
	"context"
	"strconv"
	"strings"

	"github.com/wsis-platform/wsis/models"
	"github.com/wsis-platform/wsis/store"
)

// ConsoleContests returns every contest, newest year first, for the
// secretariat's console. Admins only. Returns ErrForbidden for anyone else.
func (s *Service) ConsoleContests(ctx context.Context, actor models.User) ([]models.Contest, error) {
	if err := requireAdmin(actor); err != nil {
		return nil, err
	}
	return s.store.Contests(ctx)
}

// ContestChange is an audit entry of a contest with the name of the admin
// who made the change.
type ContestChange struct {
	models.AuditEntry
	// ActorName is the actor's name, or their id when the account is gone
	// and "system" for the platform itself.
	ActorName string
}

// ContestHistory returns the latest limit audit entries of the year's
// contest (its creation, schedule, settings, title and stage changes),
// newest first. Admins only. Returns ErrForbidden for anyone else and
// ErrNotFound for a missing contest.
func (s *Service) ContestHistory(ctx context.Context, actor models.User, year, limit int) ([]ContestChange, error) {
	if err := requireAdmin(actor); err != nil {
		return nil, err
	}
	if _, err := s.store.Contest(ctx, year); err != nil {
		return nil, err
	}
	entries, _, err := s.store.ListAudit(ctx, store.AuditQuery{TargetID: strconv.Itoa(year), Limit: limit})
	if err != nil {
		return nil, err
	}
	names := map[string]string{models.ActorSystem: models.ActorSystem}
	out := make([]ContestChange, 0, len(entries))
	for _, e := range entries {
		if e.TargetType != "contest" || !strings.HasPrefix(e.Action, "contest.") {
			continue
		}
		name, ok := names[e.ActorID]
		if !ok {
			name = e.ActorID
			if u, err := s.store.UserByID(ctx, e.ActorID); err == nil {
				name = u.Name
			}
			names[e.ActorID] = name
		}
		out = append(out, ContestChange{AuditEntry: e, ActorName: name})
	}
	return out, nil
}

// Reviewers returns every active member of the Expert Group, the reviewers
// an admin may assign. Admins only. Returns ErrForbidden for anyone else.
func (s *Service) Reviewers(ctx context.Context, actor models.User) ([]models.User, error) {
	if err := requireAdmin(actor); err != nil {
		return nil, err
	}
	return s.store.UsersWithRole(ctx, models.RoleReviewer)
}

// ContestAssignments returns every assignment of the year's contest, by
// category, nomination and reviewer. Admins only. Returns ErrForbidden for
// anyone else.
func (s *Service) ContestAssignments(ctx context.Context, actor models.User, year int) ([]models.Assignment, error) {
	if err := requireAdmin(actor); err != nil {
		return nil, err
	}
	return s.store.Assignments(ctx, store.AssignmentQuery{Contest: year})
}

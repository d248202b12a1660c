package app

import (
	"context"
	"slices"

	"github.com/wsis-platform/wsis/models"
	"github.com/wsis-platform/wsis/store"
)

// Profile returns u, the actor or an account an admin changed, with whether
// its email is verified. Its user and admins may; it returns only database
// errors.
func (s *Service) Profile(ctx context.Context, u models.User) (models.User, error) {
	verified, err := s.store.EmailVerified(ctx, u.ID)
	if err != nil {
		return models.User{}, err
	}
	u.EmailVerified = verified
	return u, nil
}

// EditProfile applies the fields of p that are set to actor's own profile;
// email, roles and state are not among them. version is the If-Match
// version, 0 for none. Any signed-in user may change theirs. Returns
// ErrNotFound for an account that is gone and ErrPreconditionFailed for a
// stale version.
func (s *Service) EditProfile(ctx context.Context, actor models.User, version int, p store.ProfilePatch) (models.User, error) {
	u, err := s.store.UpdateProfile(ctx, actor.ID, version, p, s.clock.Now())
	if err != nil {
		return models.User{}, err
	}
	return s.Profile(ctx, u)
}

// ChangeAccess grants or withdraws roles of the account id and disables or
// enables it (nil fields stay as they are); disabling ends its sessions at
// once. Each change is audited with its old and new value at the time it is
// stored. version is the If-Match version, 0 for none. Admins only, and an
// admin cannot disable themselves or withdraw their own admin role, so the
// platform always keeps one. Returns ErrForbidden for anyone else,
// ErrConflict for an admin locking themselves out, ErrNotFound and
// ErrPreconditionFailed for a stale version.
func (s *Service) ChangeAccess(ctx context.Context, actor models.User, id string, version int, p store.AccessPatch) (models.User, error) {
	if err := requireAdmin(actor); err != nil {
		return models.User{}, err
	}
	if actor.LocksOutSelf(id, p.Roles, p.Disabled) {
		return models.User{}, models.WithDetail(models.ErrConflict, "you cannot disable yourself or withdraw your own admin role")
	}
	now := s.clock.Now()
	before, after, err := s.store.UpdateAccess(ctx, id, version, p, now)
	if err != nil {
		return models.User{}, err
	}
	if p.Roles != nil && !slices.Equal(before.Roles, after.Roles) {
		s.record(ctx, now, actor, "user.roles", "user", id, map[string]any{"roles": before.Roles}, map[string]any{"roles": after.Roles})
	}
	if p.Disabled != nil && before.Disabled != after.Disabled {
		action := "user.enable"
		if after.Disabled {
			action = "user.disable"
		}
		s.record(ctx, now, actor, action, "user", id, map[string]any{"disabled": before.Disabled}, map[string]any{"disabled": after.Disabled})
	}
	return s.Profile(ctx, after)
}

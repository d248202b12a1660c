package handlers

import (
	"net/http"
	"slices"

	"github.com/gin-gonic/gin"

	"github.com/wsis-platform/wsis/models"
	"github.com/wsis-platform/wsis/store"
	"github.com/wsis-platform/wsis/store/search"
)

// listUsers answers accounts for admins from the search read model, found by
// any part of their email, name or organization as plain text (`q`), in
// pages.
func (s *server) listUsers(c *gin.Context) {
	limit, after, ok := pageParams(c)
	if !ok {
		return
	}
	q := c.Query("q")
	if len(q) > 200 {
		respondError(c, models.Invalid("q", "must have at most 200 characters"))
		return
	}
	ctx := c.Request.Context()
	users, _, next, err := s.search.Users(ctx, search.UserQuery{Text: q, After: after, Limit: limit})
	if err != nil {
		respondError(c, err)
		return
	}
	for i := range users {
		if users[i].EmailVerified, err = s.store.EmailVerified(ctx, users[i].ID); err != nil {
			respondError(c, err)
			return
		}
	}
	c.JSON(http.StatusOK, page[models.User]{Items: users, NextCursor: encodeCursor(next)})
}

type patchUserRequest struct {
	Roles    *[]models.Role `json:"roles" validate:"omitempty,max=2,unique,dive,role"`
	Disabled *bool          `json:"disabled"`
}

// patchUser grants or withdraws roles and disables or enables an account;
// admins only. Disabling ends the account's sessions at once. Each change is
// audited with its old and new value. An admin cannot disable themselves or
// withdraw their own admin role, so the platform always keeps one.
func (s *server) patchUser(c *gin.Context) {
	version, ok := ifMatch(c)
	if !ok {
		return
	}
	var req patchUserRequest
	if !bindJSON(c, &req) {
		return
	}
	admin, id := currentUser(c), c.Param("id")
	if id == admin.ID && ((req.Disabled != nil && *req.Disabled) ||
		(req.Roles != nil && !slices.Contains(*req.Roles, models.RoleAdmin))) {
		respondError(c, models.WithDetail(models.ErrConflict, "you cannot disable yourself or withdraw your own admin role"))
		return
	}
	ctx := c.Request.Context()
	now := s.clock.Now()
	before, after, err := s.store.UpdateAccess(ctx, id, version, store.AccessPatch{Roles: req.Roles, Disabled: req.Disabled}, now)
	if err != nil {
		respondError(c, err)
		return
	}
	if req.Roles != nil && !slices.Equal(before.Roles, after.Roles) {
		s.record(c, "user.roles", "user", id, map[string]any{"roles": before.Roles}, map[string]any{"roles": after.Roles})
	}
	if req.Disabled != nil && before.Disabled != after.Disabled {
		action := "user.enable"
		if after.Disabled {
			action = "user.disable"
		}
		s.record(c, action, "user", id, map[string]any{"disabled": before.Disabled}, map[string]any{"disabled": after.Disabled})
	}
	s.answerProfile(c, after)
}

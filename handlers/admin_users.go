package handlers

import (
	"net/http"

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
	role, state, err := userFilters(c.Query("role"), c.Query("state"))
	if err != nil {
		respondError(c, err)
		return
	}
	ctx := c.Request.Context()
	users, _, next, err := s.search.Users(ctx, search.UserQuery{Text: q, Role: role, State: state, After: after, Limit: limit})
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

// userFilters checks the accounts list's role and state filters: a role
// (or "stakeholder", every account) and "active" or "disabled"; empty is
// no filter.
func userFilters(role, state string) (string, string, error) {
	if role != "" && role != search.UserStakeholder && !models.ValidRole(models.Role(role)) {
		return "", "", models.Invalid("role", "must be stakeholder, reviewer or admin")
	}
	if state != "" && state != search.UserActive && state != search.UserDisabled {
		return "", "", models.Invalid("state", "must be active or disabled")
	}
	return role, state, nil
}

type patchUserRequest struct {
	Roles    *[]models.Role `json:"roles" validate:"omitempty,max=2,unique,dive,role"`
	Disabled *bool          `json:"disabled"`
}

// patchUser grants or withdraws roles and disables or enables an account;
// admins only. Disabling ends the account's sessions at once. Each change is
// audited with its old and new value. An admin cannot disable themselves or
// withdraw their own admin role, so the platform always keeps one
// (app.Service.ChangeAccess).
func (s *server) patchUser(c *gin.Context) {
	version, ok := ifMatch(c)
	if !ok {
		return
	}
	var req patchUserRequest
	if !bindJSON(c, &req) {
		return
	}
	user, err := s.app.ChangeAccess(useCase(c), currentUser(c), c.Param("id"), version,
		store.AccessPatch{Roles: req.Roles, Disabled: req.Disabled})
	if err != nil {
		respondError(c, err)
		return
	}
	answerProfile(c, user)
}

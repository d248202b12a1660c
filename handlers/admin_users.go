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

package handlers

import (
	"net/http"
	"slices"
	"time"

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

type mailboxEntry struct {
	To        string    `json:"to"`
	Subject   string    `json:"subject"`
	Body      string    `json:"body"`
	CreatedAt time.Time `json:"created_at"`
}

// devMailbox serves the outbox, newest first, when WSIS_DEV_MAILBOX is on;
// otherwise the path does not exist (404).
func (s *server) devMailbox(c *gin.Context) {
	if !s.mailboxOn {
		respondError(c, &requestError{http.StatusNotFound, "not-found", "Not found", "the development mailbox is off"})
		return
	}
	mails, err := s.store.RecentMails(c.Request.Context(), 200)
	if err != nil {
		respondError(c, err)
		return
	}
	out := make([]mailboxEntry, len(mails))
	for i, m := range mails {
		out[i] = mailboxEntry{To: m.To, Subject: m.Subject, Body: m.Body, CreatedAt: m.CreatedAt}
	}
	c.JSON(http.StatusOK, out)
}

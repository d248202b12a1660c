package handlers

import (
	"errors"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/wsis-platform/wsis/auth"
	"github.com/wsis-platform/wsis/models"
)

const userKey = "wsis.user"

// errNoSession is the one answer to every missing or unusable access token.
var errNoSession = models.WithDetail(models.ErrUnauthorized, "sign in: a valid access token is required")

// requireUser authenticates the bearer access token and loads its user with
// an _id read, so that roles are current and a disabled account, or a token
// of a session the user ended (password reset), is refused at once rather
// than when the token expires. Answers 401 otherwise.
func (s *server) requireUser() gin.HandlerFunc {
	return func(c *gin.Context) {
		user, err := s.authenticate(c)
		if err != nil {
			respondError(c, err)
			return
		}
		c.Set(userKey, user)
		c.Next()
	}
}

// allowAnonymous authenticates the caller when an Authorization header is
// sent (a bad token is still 401) and lets anonymous callers through.
func (s *server) allowAnonymous() gin.HandlerFunc {
	return func(c *gin.Context) {
		if c.GetHeader("Authorization") == "" {
			c.Next()
			return
		}
		s.requireUser()(c)
	}
}

func (s *server) authenticate(c *gin.Context) (models.User, error) {
	h := c.GetHeader("Authorization")
	if len(h) > len("Bearer ")+auth.MaxTokenBytes {
		return models.User{}, errNoSession
	}
	scheme, raw, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") || raw == "" {
		return models.User{}, errNoSession
	}
	claims, err := s.tokens.Verify(c.Request.Context(), raw)
	if err != nil {
		if !errors.Is(err, auth.ErrInvalidToken) {
			return models.User{}, err
		}
		logger(c).InfoContext(c.Request.Context(), "access token refused", "reason", err.Error())
		return models.User{}, errNoSession
	}
	user, err := s.store.UserByID(c.Request.Context(), claims.Subject)
	if errors.Is(err, models.ErrNotFound) || (err == nil && (user.Disabled || user.SessionVersion != claims.SessionVersion)) {
		return models.User{}, errNoSession
	}
	return user, err
}

// requireRole lets through only users holding role; others get 403. It runs
// after requireUser.
func requireRole(role models.Role) gin.HandlerFunc {
	return func(c *gin.Context) {
		if !currentUser(c).HasRole(role) {
			respondError(c, models.WithDetail(models.ErrForbidden, "this needs the "+string(role)+" role"))
			return
		}
		c.Next()
	}
}

// currentUser is the authenticated user of a route behind requireUser.
func currentUser(c *gin.Context) models.User {
	u, _ := c.Get(userKey)
	user, _ := u.(models.User)
	return user
}

// optionalUser is the caller of a route behind allowAnonymous, if signed in.
func optionalUser(c *gin.Context) (models.User, bool) {
	u, ok := c.Get(userKey)
	if !ok {
		return models.User{}, false
	}
	user, ok := u.(models.User)
	return user, ok
}

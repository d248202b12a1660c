package handlers

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/wsis-platform/wsis/app"
	"github.com/wsis-platform/wsis/auth"
	"github.com/wsis-platform/wsis/models"
)

const refreshCookie = "wsis_refresh"

type registerRequest struct {
	Email           string                 `json:"email" validate:"required,email,max=254"`
	Password        string                 `json:"password" validate:"required,password"`
	Name            string                 `json:"name" validate:"required,max=200,singleline"`
	Organization    string                 `json:"organization" validate:"required,max=200,singleline"`
	StakeholderType models.StakeholderType `json:"stakeholder_type" validate:"required,stakeholder_type"`
	Country         string                 `json:"country" validate:"required,country"`
	// Language is the account's preferred language; without it, the best
	// match of the request's Accept-Language.
	Language string `json:"language" validate:"omitempty,oneof=en fr es ar zh ru"`
}

// normalize trims the email, name and organization, so that a blank name is
// missing and the stored values are the validated ones.
func (r *registerRequest) normalize() {
	r.Email, r.Name, r.Organization = strings.TrimSpace(r.Email), strings.TrimSpace(r.Name), strings.TrimSpace(r.Organization)
}

// register creates an account and mails a verification link. Anyone may
// call it; a taken email is 409 (which tells that the email has an
// account: registration is rate limited per client to keep that slow).
func (s *server) register(c *gin.Context) {
	var req registerRequest
	if !bindJSON(c, &req) {
		return
	}
	if !s.limits.register.allow(c, "") {
		return
	}
	if req.Language == "" {
		req.Language = catalogues.Match(c.GetHeader("Accept-Language")).Code
	}
	ctx := c.Request.Context()
	hash, err := s.hasher.Hash(ctx, req.Password)
	if err != nil {
		respondError(c, err)
		return
	}
	user, err := s.store.CreateUser(ctx, models.User{
		Email: req.Email, Name: req.Name, Organization: req.Organization, StakeholderType: req.StakeholderType,
		Country: req.Country, Language: req.Language, CreatedAt: s.clock.Now(),
	}, hash)
	if err != nil {
		respondError(c, err)
		return
	}
	if err := s.app.MailVerificationLink(ctx, app.MailLocale(user), user); err != nil {
		// The account exists; the user can ask for a new link.
		logger(c).ErrorContext(ctx, "verification mail not queued", "err", err, "user_id", user.ID)
	}
	c.Header("Location", "/api/v1/me")
	c.JSON(http.StatusCreated, user)
}

type tokenRequest struct {
	Token string `json:"token" validate:"required,max=100"`
}

// verifyEmail consumes an emailed verification token. Anyone may call it.
func (s *server) verifyEmail(c *gin.Context) {
	var req tokenRequest
	if !bindJSON(c, &req) {
		return
	}
	if err := s.app.VerifyEmail(useCase(c), req.Token); err != nil {
		respondError(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

// resendVerification mails the signed-in user a new verification link.
func (s *server) resendVerification(c *gin.Context) {
	user := currentUser(c)
	if !s.limits.forgot.allow(c, user.ID) {
		return
	}
	ctx := c.Request.Context()
	verified, err := s.store.EmailVerified(ctx, user.ID)
	if err == nil && verified {
		err = models.WithDetail(models.ErrConflict, "your email is already verified")
	}
	if err == nil {
		err = s.app.MailVerificationLink(ctx, requestLocale(c), user)
	}
	if err != nil {
		respondError(c, err)
		return
	}
	c.Status(http.StatusAccepted)
}

type loginRequest struct {
	Email    string `json:"email" validate:"required,max=254"`
	Password string `json:"password" validate:"required,max=1024"`
}

type tokenResponse struct {
	AccessToken  string `json:"access_token"`
	TokenType    string `json:"token_type"`
	ExpiresIn    int    `json:"expires_in"`
	RefreshToken string `json:"refresh_token"`
}

var errBadLogin = models.WithDetail(models.ErrUnauthorized, "the email or the password is wrong")

// login checks an email and password and starts a session. Unknown emails
// cost the same hashing time as known ones and get the same answer as a
// wrong password, and count alike against the account's limit, which only
// failures spend; the client's limit counts every attempt.
func (s *server) login(c *gin.Context) {
	var req loginRequest
	if !bindJSON(c, &req) {
		return
	}
	account := models.NormalizeEmail(req.Email)
	if !s.limits.login.allowFailures(c, account) {
		return
	}
	ctx := c.Request.Context()
	user, hash, err := s.store.UserCredentials(ctx, req.Email)
	if errors.Is(err, models.ErrNotFound) {
		s.hasher.SpendEqualTime(ctx, req.Password)
		s.limits.login.failed(account)
		respondError(c, errBadLogin)
		return
	}
	if err != nil {
		respondError(c, err)
		return
	}
	ok, err := s.hasher.Verify(ctx, hash, req.Password)
	if err != nil {
		respondError(c, err)
		return
	}
	if !ok {
		s.limits.login.failed(account)
		respondError(c, errBadLogin)
		return
	}
	if user.Disabled {
		respondError(c, models.WithDetail(models.ErrForbidden, "this account is disabled"))
		return
	}
	raw, rt, err := s.sessions.Start(ctx, user)
	if err != nil {
		respondError(c, err)
		return
	}
	s.answerTokens(c, user, raw, rt.ExpiresAt)
}

type refreshRequest struct {
	RefreshToken string `json:"refresh_token" validate:"omitempty,max=100"`
}

// refresh rotates a refresh token, from the body or the cookie, and issues a
// new access token. A refused token's cookie is cleared, except when a
// concurrent refresh of the same token has just won: its answer carries the
// session's next token, which this answer must not clear.
func (s *server) refresh(c *gin.Context) {
	raw, ok := s.refreshToken(c)
	if !ok || !s.limits.refresh.allow(c, "") {
		return
	}
	user, next, rt, err := s.sessions.Rotate(c.Request.Context(), raw)
	if err != nil {
		if errors.Is(err, models.ErrUnauthorized) && !errors.Is(err, auth.ErrRefreshRaced) {
			clearRefreshCookie(c)
		}
		respondError(c, err)
		return
	}
	s.answerTokens(c, user, next, rt.ExpiresAt)
}

// logout revokes the session of the refresh token, from the body or the
// cookie, and answers 204, whether or not the token was still live. Without
// a token it answers 401.
func (s *server) logout(c *gin.Context) {
	raw, ok := s.refreshToken(c)
	if !ok {
		return
	}
	if err := s.sessions.End(c.Request.Context(), raw); err != nil {
		respondError(c, err)
		return
	}
	clearRefreshCookie(c)
	c.Status(http.StatusNoContent)
}

// refreshToken reads the refresh token from an optional JSON body, falling
// back to the cookie; with neither it answers 401.
func (s *server) refreshToken(c *gin.Context) (string, bool) {
	var req refreshRequest
	if c.Request.ContentLength != 0 {
		if !bindJSON(c, &req) {
			return "", false
		}
	}
	if req.RefreshToken == "" {
		req.RefreshToken, _ = c.Cookie(refreshCookie)
	}
	if req.RefreshToken == "" {
		respondError(c, models.WithDetail(models.ErrUnauthorized, "send the refresh token in the body or its cookie"))
		return "", false
	}
	return req.RefreshToken, true
}

func (s *server) answerTokens(c *gin.Context, user models.User, refresh string, refreshExpires time.Time) {
	access, _, err := s.tokens.Issue(user)
	if err != nil {
		respondError(c, err)
		return
	}
	http.SetCookie(c.Writer, &http.Cookie{Name: refreshCookie, Value: refresh, Path: "/api/v1/auth",
		MaxAge: int(refreshExpires.Sub(s.clock.Now()).Seconds()), HttpOnly: true, Secure: true, SameSite: http.SameSiteStrictMode})
	c.Header("Cache-Control", "no-store")
	c.JSON(http.StatusOK, tokenResponse{AccessToken: access, TokenType: "Bearer",
		ExpiresIn: int(auth.AccessTokenTTL.Seconds()), RefreshToken: refresh})
}

func clearRefreshCookie(c *gin.Context) {
	http.SetCookie(c.Writer, &http.Cookie{Name: refreshCookie, Value: "", Path: "/api/v1/auth", MaxAge: -1,
		HttpOnly: true, Secure: true, SameSite: http.SameSiteStrictMode})
}

type forgotRequest struct {
	Email string `json:"email" validate:"required,max=254"`
}

// forgotPassword mails a reset link when the email belongs to an active
// account. It answers 202 at once in every case, before looking, so the
// answer does not tell whether the account exists; the look-up and the mail
// run in the background that Config.Background counts, and do the same work
// either way (mailResetLink), so the load they put on the server does not
// tell either.
func (s *server) forgotPassword(c *gin.Context) {
	var req forgotRequest
	if !bindJSON(c, &req) {
		return
	}
	if !s.limits.forgot.allow(c, models.NormalizeEmail(req.Email)) {
		return
	}
	log, l := logger(c), requestLocale(c)
	s.bg.Go(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := s.app.MailResetLink(ctx, l, req.Email); err != nil {
			log.ErrorContext(ctx, "password reset mail not queued", "err", err)
		}
	})
	c.Status(http.StatusAccepted)
}

type resetRequest struct {
	Token    string `json:"token" validate:"required,max=100"`
	Password string `json:"password" validate:"required,password"`
}

// resetPassword sets a new password with an emailed reset token and ends
// every session of the account. The link proves control of the mailbox, so
// it also verifies the email.
func (s *server) resetPassword(c *gin.Context) {
	var req resetRequest
	if !bindJSON(c, &req) {
		return
	}
	if err := s.app.ResetPassword(useCase(c), s.hasher, req.Token, req.Password); err != nil {
		respondError(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

// jwks publishes the public keys that verify access tokens.
func (s *server) jwks(c *gin.Context) {
	c.Header("Cache-Control", "public, max-age=300")
	c.JSON(http.StatusOK, gin.H{"keys": s.tokens.JWKS()})
}

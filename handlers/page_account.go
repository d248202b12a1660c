package handlers

import (
	"context"
	"errors"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/wsis-platform/wsis/app"
	"github.com/wsis-platform/wsis/models"
)

// registerFields are the fields of the registration form, in its order.
var registerFields = []string{"email", "password", "name", "organization", "stakeholder_type", "country"}

// registerPage shows the registration form.
func (w *webUI) registerPage(c *gin.Context) {
	v := w.newView(c)
	v.Title, v.Description, v.Public = v.L.T("register.title"), v.L.T("register.meta"), true
	w.render(c, http.StatusOK, "register", v)
}

// register creates an account from the form, under the JSON API's rules
// and limit, in the page's language (the language of its mails), mails the
// verification link and signs the new user in. The
// form comes back with its errors next to their fields.
func (w *webUI) register(c *gin.Context) {
	v := w.newView(c)
	v.Title, v.Form = v.L.T("register.title"), formValues(postForm(c), registerFields...)
	req := registerRequest{Email: v.Form.Get("email"), Password: v.Form.Get("password"), Name: v.Form.Get("name"),
		Organization: v.Form.Get("organization"), StakeholderType: models.StakeholderType(v.Form.Get("stakeholder_type")),
		Country: v.Form.Get("country"), Language: v.L.Code}
	req.normalize()
	if v.Errors = checkForm(v.L, req); len(v.Errors) > 0 {
		w.render(c, http.StatusUnprocessableEntity, "register", v)
		return
	}
	if wait, ok := w.limits.register.byClient.take(clientKey(c)); !ok {
		w.tooManyPage(c, v, "register", wait)
		return
	}
	ctx := useCase(c)
	user, err := w.app.Register(ctx, w.hasher, models.User{Email: req.Email, Name: req.Name, Organization: req.Organization,
		StakeholderType: req.StakeholderType, Country: req.Country, Language: req.Language}, req.Password)
	if errors.Is(err, models.ErrConflict) {
		v.Errors = []fieldError{{Field: "email", Message: v.L.T("form.error.email_taken")}}
		w.render(c, http.StatusConflict, "register", v)
		return
	}
	if err != nil {
		w.failPage(c, err)
		return
	}
	if err := w.app.MailVerificationLink(ctx, v.L, user); err != nil {
		// The account exists; its profile page offers a new link.
		logger(c).ErrorContext(ctx, "verification mail not queued", "err", err, "user_id", user.ID)
	}
	if !w.startSession(c, user) {
		return
	}
	redirect(c, "/profile", url.Values{"done": {"registered"}})
}

// verifyPage shows the page the verification mail links to: one button
// that verifies, so that a mail scanner following the link spends nothing.
func (w *webUI) verifyPage(c *gin.Context) {
	v := w.newView(c)
	v.Title, v.Form, v.Data = v.L.T("verify.title"), url.Values{"token": {c.Query("token")}}, true
	w.render(c, http.StatusOK, "verify", v)
}

// verifyEmail consumes the emailed verification token (app.Service.VerifyEmail).
func (w *webUI) verifyEmail(c *gin.Context) {
	v := w.newView(c)
	v.Title = v.L.T("verify.title")
	token := postForm(c).Get("token")
	if err := w.app.VerifyEmail(useCase(c), token); err != nil {
		if !w.linkRefused(c, v, "verify", err) {
			w.failPage(c, err)
		}
		return
	}
	v.Notice = v.L.T("verify.done")
	w.render(c, http.StatusOK, "verify", v)
}

// loginPage shows the login form; next is the page to return to.
func (w *webUI) loginPage(c *gin.Context) {
	v := w.newView(c)
	v.Title, v.Form = v.L.T("login.title"), url.Values{"next": {c.Query("next")}}
	w.render(c, http.StatusOK, "login", v)
}

// login checks the form's email and password under the JSON API's limits
// (every attempt counts against the client, failures against the account)
// and starts a browser session, then returns to the page the user came
// for, if it is one of the platform's.
func (w *webUI) login(c *gin.Context) {
	v := w.newView(c)
	v.Title, v.Form = v.L.T("login.title"), formValues(postForm(c), "email", "password", "next")
	email, password := strings.TrimSpace(v.Form.Get("email")), v.Form.Get("password")
	if v.Errors = checkForm(v.L, loginRequest{Email: email, Password: password}); len(v.Errors) > 0 {
		w.render(c, http.StatusUnprocessableEntity, "login", v)
		return
	}
	account := models.NormalizeEmail(email)
	wait, ok := w.limits.login.byClient.take(clientKey(c))
	if ok {
		wait, ok = w.limits.login.byAccount.peek(account)
	}
	if !ok {
		w.tooManyPage(c, v, "login", wait)
		return
	}
	user, err := w.app.SignIn(useCase(c), w.hasher, email, password)
	switch {
	case errors.Is(err, app.ErrAccountDisabled):
		v.Errors = []fieldError{{Field: "email", Message: v.L.T("login.error.disabled")}}
		w.render(c, http.StatusForbidden, "login", v)
		return
	case errors.Is(err, models.ErrUnauthorized):
		w.limits.login.failed(account)
		v.Errors = []fieldError{{Field: "password", Message: v.L.T("login.error.bad")}}
		w.render(c, http.StatusUnauthorized, "login", v)
		return
	case err != nil:
		w.failPage(c, err)
		return
	}
	if !w.startSession(c, user) {
		return
	}
	next := v.Form.Get("next")
	if !localPath(next) {
		next = "/profile"
	}
	redirect(c, next, nil)
}

// logout ends the browser's session and clears its cookie.
func (w *webUI) logout(c *gin.Context) {
	if raw, err := c.Cookie(sessionCookie); err == nil && raw != "" {
		if err := w.app.EndBrowserSession(useCase(c), raw); err != nil {
			w.failPage(c, err)
			return
		}
	}
	w.clearSessionCookie(c)
	redirect(c, "/", url.Values{"done": {"logout"}})
}

// startSession starts a browser session for user and sets its cookie; on
// failure it answers the error page and returns false.
func (w *webUI) startSession(c *gin.Context, user models.User) bool {
	raw, expires, err := w.app.StartBrowserSession(useCase(c), user)
	if err != nil {
		w.failPage(c, err)
		return false
	}
	w.setSessionCookie(c, raw, expires)
	return true
}

// linkRefused shows page again saying that its emailed link cannot be used,
// when err says so (app's refusal of an unknown, used or expired token).
func (w *webUI) linkRefused(c *gin.Context, v *pageView, page string, err error) bool {
	var ve *models.ValidationError
	if !errors.As(err, &ve) || len(ve.Fields) != 1 || ve.Fields[0].Field != "token" {
		return false
	}
	v.Errors = []fieldError{{Message: v.L.T("form.error.bad_link")}}
	w.render(c, http.StatusUnprocessableEntity, page, v)
	return true
}

// tooManyPage shows page again with a rate limit's refusal, 429 with
// Retry-After.
func (w *webUI) tooManyPage(c *gin.Context, v *pageView, page string, wait time.Duration) {
	c.Header("Retry-After", retryAfter(wait))
	v.Errors = []fieldError{{Message: v.L.T("login.error.too_many")}}
	w.render(c, http.StatusTooManyRequests, page, v)
}

// postForm is the request's urlencoded form body; a body that does not parse
// is an empty form, whose fields are then missing.
func postForm(c *gin.Context) url.Values {
	if err := c.Request.ParseForm(); err != nil {
		return url.Values{}
	}
	return c.Request.PostForm
}

// mailResetLinkLater queues the reset link for email, in the page's
// language, in the background the server counts, as the JSON API does
// (forgotPassword), so that the answer comes before the look-up.
func (w *webUI) mailResetLinkLater(c *gin.Context, email string) {
	log, l := logger(c), pageLocale(c)
	w.bg.Go(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := w.app.MailResetLink(ctx, l, email); err != nil {
			log.ErrorContext(ctx, "password reset mail not queued", "err", err)
		}
	})
}

func retryAfter(wait time.Duration) string {
	return strconv.Itoa(int(math.Ceil(wait.Seconds())))
}

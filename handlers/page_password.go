package handlers

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/wsis-platform/wsis/models"
)

// forgotPage shows the form that asks for a password reset link.
func (w *webUI) forgotPage(c *gin.Context) {
	v := w.newView(c)
	v.Title = v.L.T("forgot.title")
	w.render(c, http.StatusOK, "forgot", v)
}

// forgotPassword mails a reset link to the form's email when it belongs to
// an active account, exactly as the JSON API does: the same limits, the
// work in the background, and the same answer whether or not the account
// exists.
func (w *webUI) forgotPassword(c *gin.Context) {
	v := w.newView(c)
	v.Title, v.Form = v.L.T("forgot.title"), formValues(postForm(c), "email")
	email := strings.TrimSpace(v.Form.Get("email"))
	if v.Errors = checkForm(v.L, forgotRequest{Email: email}); len(v.Errors) > 0 {
		w.render(c, http.StatusUnprocessableEntity, "forgot", v)
		return
	}
	wait, ok := w.limits.forgot.byClient.take(clientKey(c))
	if ok {
		wait, ok = w.limits.forgot.byAccount.take(models.NormalizeEmail(email))
	}
	if !ok {
		w.tooManyPage(c, v, "forgot", wait)
		return
	}
	w.mailResetLinkLater(c, email)
	redirect(c, "/forgot-password", url.Values{"done": {"forgot"}})
}

// resetPage shows the form the reset mail links to.
func (w *webUI) resetPage(c *gin.Context) {
	v := w.newView(c)
	v.Title, v.Form = v.L.T("reset.title"), url.Values{"token": {c.Query("token")}}
	w.render(c, http.StatusOK, "reset", v)
}

// resetPassword sets the new password with the emailed token, which ends
// every session of the account, this browser's too
// (app.Service.ResetPassword); the user then logs in with it.
func (w *webUI) resetPassword(c *gin.Context) {
	v := w.newView(c)
	v.Title, v.Form = v.L.T("reset.title"), formValues(postForm(c), "token", "password")
	req := resetRequest{Token: v.Form.Get("token"), Password: v.Form.Get("password")}
	if v.Errors = checkForm(v.L, req); len(v.Errors) > 0 {
		for i, e := range v.Errors {
			if e.Field == "token" {
				v.Errors[i] = fieldError{Message: v.L.T("form.error.bad_link")}
			}
		}
		w.render(c, http.StatusUnprocessableEntity, "reset", v)
		return
	}
	if err := w.app.ResetPassword(useCase(c), w.hasher, req.Token, req.Password); err != nil {
		if !w.linkRefused(c, v, "reset", err) {
			w.failPage(c, err)
		}
		return
	}
	w.clearSessionCookie(c)
	redirect(c, "/login", url.Values{"done": {"reset"}})
}

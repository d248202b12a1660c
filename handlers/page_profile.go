package handlers

import (
	"net/http"
	"net/url"

	"github.com/gin-gonic/gin"

	"github.com/wsis-platform/wsis/models"
	"github.com/wsis-platform/wsis/store"
)

var profileFields = []string{"name", "organization", "stakeholder_type", "country", "language"}

// profilePage shows the signed-in user's profile: email, whether it is
// verified (with a new link when it is not), roles, and the form of the
// fields a user may change, the language of their mails among them.
func (w *webUI) profilePage(c *gin.Context) {
	v := w.newView(c)
	user, err := w.app.Profile(useCase(c), *v.User)
	if err != nil {
		w.failPage(c, err)
		return
	}
	if c.Query("done") == "registered" {
		v.Notice = v.L.T("register.done", "Email", user.Email)
	}
	v.Title, v.Data, v.Form = v.L.T("profile.title"), user, profileForm(user)
	w.render(c, http.StatusOK, "profile", v)
}

// profileForm is the profile form filled with user's fields.
func profileForm(user models.User) url.Values {
	return url.Values{"name": {user.Name}, "organization": {user.Organization},
		"stakeholder_type": {string(user.StakeholderType)}, "country": {user.Country}, "language": {user.Language}}
}

// saveProfile changes the fields of the profile a user may change, under
// the JSON API's rules (app.Service.EditProfile).
func (w *webUI) saveProfile(c *gin.Context) {
	v := w.newView(c)
	ctx := useCase(c)
	v.Title, v.Form = v.L.T("profile.title"), formValues(postForm(c), profileFields...)
	name, org := v.Form.Get("name"), v.Form.Get("organization")
	st, country := models.StakeholderType(v.Form.Get("stakeholder_type")), v.Form.Get("country")
	req := patchMeRequest{Name: &name, Organization: &org, StakeholderType: &st, Country: &country}
	if lang, sent := postForm(c)["language"]; sent {
		req.Language = &lang[0]
	} else {
		v.Form.Set("language", v.User.Language) // a form without the field leaves the language as it is
	}
	req.normalize()
	if v.Errors = checkForm(v.L, req); len(v.Errors) > 0 {
		user, err := w.app.Profile(ctx, *v.User)
		if err != nil {
			w.failPage(c, err)
			return
		}
		v.Data = user
		w.render(c, http.StatusUnprocessableEntity, "profile", v)
		return
	}
	if _, err := w.app.EditProfile(ctx, *v.User, 0, store.ProfilePatch{Name: req.Name, Organization: req.Organization,
		StakeholderType: req.StakeholderType, Country: req.Country, Language: req.Language}); err != nil {
		w.failPage(c, err)
		return
	}
	redirect(c, "/profile", url.Values{"done": {"profile"}})
}

// resendVerification mails the signed-in user a new verification link,
// under the JSON API's limit; a verified email needs none.
func (w *webUI) resendVerification(c *gin.Context) {
	user, _ := pageUser(c)
	ctx := useCase(c)
	profile, err := w.app.Profile(ctx, user)
	if err != nil {
		w.failPage(c, err)
		return
	}
	if profile.EmailVerified {
		redirect(c, "/profile", nil)
		return
	}
	if wait, ok := w.limits.forgot.byAccount.take(user.ID); !ok {
		v := w.newView(c)
		v.Title, v.Data, v.Form = v.L.T("profile.title"), profile, profileForm(profile)
		w.tooManyPage(c, v, "profile", wait)
		return
	}
	if err := w.app.MailVerificationLink(ctx, pageLocale(c), user); err != nil {
		w.failPage(c, err)
		return
	}
	redirect(c, "/profile", url.Values{"done": {"resent"}})
}

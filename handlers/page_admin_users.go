package handlers

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/wsis-platform/wsis/models"
	"github.com/wsis-platform/wsis/store"
	"github.com/wsis-platform/wsis/store/search"
)

// usersView is one page of the accounts, found by the search text, with
// the forms that change each one's roles and state.
type usersView struct {
	Query, Back, Next   string
	Search, Role, State fieldInput
	Users               []userRow
}

// filterField is an optional select of a list's filter: "any" first, then
// each value with its label's catalogue key, chosen the one in use.
func filterField(v *pageView, name, labelKey, chosen string, values [][2]string) fieldInput {
	f := fieldInput{Name: name, Label: v.L.T(labelKey), Placeholder: v.L.T("oversight.users.any")}
	for _, o := range values {
		f.Options = append(f.Options, fieldOption{Value: o[0], Label: v.L.T(o[1]), Selected: o[0] == chosen})
	}
	return f
}

type userRow struct {
	ID, Email, Name, Organization, Roles, State, Verified string
	Disabled, Self                                        bool
	Reviewer, Admin                                       bool
	Error                                                 string
}

// usersPageSize is how many accounts a page lists unless ?limit= says.
const usersPageSize = 20

// adminUsersPage lists the accounts a page at a time in the order of their
// ids, as the admin API does, found by any part of their email, name or
// organization (?q=), each with its roles, state and whether its email is
// verified, and the forms that change them. The search read model serves
// the list; app.Service.Profile says whether each email is verified.
func (w *webUI) adminUsersPage(c *gin.Context) {
	v := w.newView(c)
	switch c.Query("done") {
	case "roles":
		v.Notice = v.L.T("oversight.users.roles_done")
	case "disabled":
		v.Notice = v.L.T("oversight.users.disabled_done")
	case "enabled":
		v.Notice = v.L.T("oversight.users.enabled_done")
	}
	w.showUsers(c, v, "", "", http.StatusOK)
}

func (w *webUI) showUsers(c *gin.Context, v *pageView, failedID, failure string, status int) {
	q := c.Query("q")
	limit, err := strconv.Atoi(c.DefaultQuery("limit", strconv.Itoa(usersPageSize)))
	if err != nil || limit < 1 || limit > maxLimit || len(q) > 200 {
		errorPage(c, http.StatusNotFound, "error.not_found.title", "error.not_found.text")
		return
	}
	role, state, ferr := userFilters(c.Query("role"), c.Query("state"))
	if ferr != nil {
		errorPage(c, http.StatusNotFound, "error.not_found.title", "error.not_found.text")
		return
	}
	users, _, next, err := w.search.Users(c.Request.Context(), search.UserQuery{Text: q, Role: role, State: state, After: c.Query("after"), Limit: limit})
	if err != nil {
		w.failPage(c, err)
		return
	}
	self, _ := pageUser(c)
	v.Title = v.L.T("oversight.users.title")
	v.Form = url.Values{"q": {q}}
	data := usersView{Query: q, Back: c.Request.URL.RawQuery,
		Search: inputField(v, "q", "search", "oversight.users.search"),
		Role: filterField(v, "role", "oversight.users.role_filter", role, [][2]string{
			{search.UserStakeholder, "oversight.users.stakeholder"}, {string(models.RoleReviewer), "oversight.role.reviewer"},
			{string(models.RoleAdmin), "oversight.role.admin"}}),
		State: filterField(v, "state", "oversight.users.state_filter", state, [][2]string{
			{search.UserActive, "oversight.users.active"}, {search.UserDisabled, "oversight.users.disabled"}})}
	if next != "" {
		data.Next = "/admin/users?" + url.Values{"q": {q}, "role": {role}, "state": {state}, "limit": {strconv.Itoa(limit)}, "after": {next}}.Encode()
	}
	for _, u := range users {
		if u, err = w.app.Profile(useCase(c), u); err != nil {
			w.failPage(c, err)
			return
		}
		row := userRow{ID: u.ID, Email: u.Email, Name: u.Name, Organization: u.Organization, Disabled: u.Disabled,
			Self: u.ID == self.ID, Reviewer: u.HasRole(models.RoleReviewer), Admin: u.HasRole(models.RoleAdmin),
			Roles: v.L.T("oversight.users.stakeholder"), State: v.L.T("oversight.users.active"), Verified: v.L.T("oversight.no")}
		if row.Admin && row.Reviewer {
			row.Roles = v.L.T("oversight.role.admin") + ", " + v.L.T("oversight.role.reviewer")
		} else if row.Admin {
			row.Roles = v.L.T("oversight.role.admin")
		} else if row.Reviewer {
			row.Roles = v.L.T("oversight.role.reviewer")
		}
		if u.Disabled {
			row.State = v.L.T("oversight.users.disabled")
		}
		if u.EmailVerified {
			row.Verified = v.L.T("oversight.yes")
		}
		if u.ID == failedID {
			row.Error = failure
		}
		data.Users = append(data.Users, row)
	}
	v.Data = data
	w.render(c, status, "admin_users", v)
}

// adminChangeAccess grants or withdraws the account's roles (the form's
// "roles", sent with "change=roles") or disables or enables it
// ("change=disable" or "change=enable") under the admin API's rules
// (app.Service.ChangeAccess): an admin cannot disable themselves or
// withdraw their own admin role. The list comes back at the page it was
// sent from, a refusal said beside the account.
func (w *webUI) adminChangeAccess(c *gin.Context) {
	form := postForm(c)
	// The list shown again is the one the form was sent from.
	back, err := url.ParseQuery(form.Get("back"))
	if err != nil {
		back = url.Values{}
	}
	back.Del("done")
	c.Request.URL.RawQuery = back.Encode()
	v := w.newView(c)
	var patch store.AccessPatch
	done := ""
	switch form.Get("change") {
	case "roles":
		roles := []models.Role{}
		for _, r := range form["roles"] {
			if !models.ValidRole(models.Role(r)) {
				w.showUsers(c, v, c.Param("id"), v.L.T("form.error.invalid"), http.StatusUnprocessableEntity)
				return
			}
			roles = append(roles, models.Role(r))
		}
		patch.Roles, done = &roles, "roles"
	case "disable", "enable":
		disabled := form.Get("change") == "disable"
		patch.Disabled, done = &disabled, form.Get("change")+"d"
	default:
		w.showUsers(c, v, c.Param("id"), v.L.T("form.error.invalid"), http.StatusUnprocessableEntity)
		return
	}
	user, _ := pageUser(c)
	_, err = w.app.ChangeAccess(useCase(c), user, c.Param("id"), 0, patch)
	switch {
	case err == nil:
		back.Set("done", done)
		redirect(c, "/admin/users", back)
	case errors.Is(err, models.ErrConflict):
		w.showUsers(c, v, c.Param("id"), v.L.T("oversight.users.self"), http.StatusConflict)
	default:
		w.failPage(c, err)
	}
}

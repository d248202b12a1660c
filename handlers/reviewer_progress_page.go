package handlers

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/wsis-platform/wsis/app"
	"github.com/wsis-platform/wsis/models"
)

// extensionInput is how the extension form writes its closing time: a
// datetime-local value, read in UTC.
const extensionInput = "2006-01-02T15:04"

// reviewersView is the admins' follow-up of a contest's review: each
// reviewer's progress and the form to grant or withdraw their extension.
type reviewersView struct {
	Year     string
	Action   string
	Deadline deadlineView
	Rows     []reviewerRow
}

// reviewerRow is one reviewer's line: their counts, their extension and
// its form, with the form's values and errors when it was just refused.
type reviewerRow struct {
	ID, Name, Email                    string
	Assigned, Opened, Drafts, Finished string
	Extension                          *deadlineView
	Reason                             string
	ClosesAt, ClosesAtError            string
	ReasonValue, ReasonError           string
	Action                             string
}

// reviewersPage shows every reviewer's progress in the contest (assigned,
// opened, draft, submitted) with their extension and its form; admins only
// (app.Service.ReviewersProgress).
func (w *webUI) reviewersPage(c *gin.Context) {
	contest, ok := w.pageContest(c)
	if !ok {
		return
	}
	v := w.newView(c)
	switch c.Query("done") {
	case "granted":
		v.Notice = v.L.T("admin.reviewers.granted")
	case "revoked":
		v.Notice = v.L.T("admin.reviewers.revoked")
	}
	w.showReviewers(c, v, contest, "", http.StatusOK)
}

func (w *webUI) showReviewers(c *gin.Context, v *pageView, contest models.Contest, refused string, status int) {
	user, _ := pageUser(c)
	list, err := w.app.ReviewersProgress(useCase(c), user, contest.Year)
	if err != nil {
		w.failPage(c, err)
		return
	}
	now := w.clock.Now()
	year := strconv.Itoa(contest.Year)
	v.Title = v.L.T("admin.reviewers.title", "Year", v.L.Plain(contest.Year))
	data := &reviewersView{Year: year, Deadline: deadlineOf(v.L, contest.Schedule.Review.ClosesAt, now)}
	for _, p := range list {
		row := reviewerRow{ID: p.Reviewer.ID, Name: p.Reviewer.Name, Email: p.Reviewer.Email, Assigned: v.L.Num(p.Assigned),
			Opened: v.L.Num(p.Opened), Drafts: v.L.Num(p.Drafts), Finished: v.L.Num(p.Submitted),
			Action: "/admin/contests/" + year + "/reviewers/" + url.PathEscape(p.Reviewer.ID) + "/extension"}
		if p.Extension != nil {
			d := deadlineOf(v.L, p.Extension.ClosesAt, now)
			row.Extension, row.Reason, row.ReasonValue = &d, p.Extension.Reason, p.Extension.Reason
			row.ClosesAt = p.Extension.ClosesAt.UTC().Format(extensionInput)
		}
		if p.Reviewer.ID == refused {
			row.ClosesAt, row.ReasonValue = v.Form.Get("closes_at"), v.Form.Get("reason")
			for i, e := range v.Errors {
				switch e.Field {
				case "closes_at":
					row.ClosesAtError = e.Message
				case "reason":
					row.ReasonError = e.Message
				default:
					continue
				}
				v.Errors[i].Field = e.Field + "-" + row.ID // the summary links to this row's field
			}
		}
		data.Rows = append(data.Rows, row)
	}
	v.Data = data
	w.render(c, status, "admin_reviewers", v)
}

// grantExtension grants the reviewer of the :id path parameter an
// extension until the form's closing time (UTC) with its reason
// (app.Service.GrantExtension); the page comes back with the errors next
// to that reviewer's fields.
func (w *webUI) grantExtension(c *gin.Context) {
	contest, ok := w.pageContest(c)
	if !ok {
		return
	}
	user, _ := pageUser(c)
	form := postForm(c)
	v := w.newView(c)
	v.Form = formValues(form, "closes_at", "reason")
	reviewerID := c.Param("id")
	closes, parseErr := time.ParseInLocation(extensionInput, strings.TrimSpace(form.Get("closes_at")), time.UTC)
	req := extensionRequest{ClosesAt: closes, Reason: form.Get("reason")}
	if parseErr != nil {
		req.ClosesAt = contest.Schedule.Review.ClosesAt // only the reason is left to check
	}
	v.Errors = checkForm(v.L, req)
	if parseErr != nil {
		v.Errors = append([]fieldError{{Field: "closes_at", Message: v.L.T("admin.reviewers.error.closes_at")}}, v.Errors...)
	}
	if len(v.Errors) > 0 {
		w.showReviewers(c, v, contest, reviewerID, http.StatusUnprocessableEntity)
		return
	}
	_, err := w.app.GrantExtension(useCase(c), user, contest.Year, reviewerID, app.Extension{ClosesAt: closes, Reason: req.Reason})
	var ve *models.ValidationError
	switch {
	case err == nil:
		redirect(c, "/admin/contests/"+strconv.Itoa(contest.Year)+"/reviewers", url.Values{"done": {"granted"}})
	case errors.As(err, &ve):
		for _, f := range ve.Fields {
			key := "admin.reviewers.error.closes_at_range"
			if f.Field == "reason" {
				key = "form.error.required"
			}
			v.Errors = append(v.Errors, fieldError{Field: f.Field, Message: v.L.T(key)})
		}
		w.showReviewers(c, v, contest, reviewerID, http.StatusUnprocessableEntity)
	case errors.Is(err, models.ErrConflict):
		v.Errors = []fieldError{{Message: v.L.T("admin.reviewers.error.published")}}
		w.showReviewers(c, v, contest, reviewerID, http.StatusConflict)
	default:
		w.failPage(c, err)
	}
}

// revokeExtension withdraws the reviewer's extension
// (app.Service.RevokeExtension).
func (w *webUI) revokeExtension(c *gin.Context) {
	contest, ok := w.pageContest(c)
	if !ok {
		return
	}
	user, _ := pageUser(c)
	err := w.app.RevokeExtension(useCase(c), user, contest.Year, c.Param("id"))
	switch {
	case err == nil:
		redirect(c, "/admin/contests/"+strconv.Itoa(contest.Year)+"/reviewers", url.Values{"done": {"revoked"}})
	case errors.Is(err, models.ErrConflict):
		v := w.newView(c)
		v.Errors = []fieldError{{Message: v.L.T("admin.reviewers.error.published")}}
		w.showReviewers(c, v, contest, "", http.StatusConflict)
	default:
		w.failPage(c, err)
	}
}

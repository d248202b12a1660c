package handlers

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/wsis-platform/wsis/app"
	"github.com/wsis-platform/wsis/models"
)

// scoringView is the scoring form of one assignment: the nomination, one
// score per criterion, the comment, and the reviewer's deadline; Closed
// says why the review can no longer be saved.
type scoringView struct {
	Action, Title, Organization, Category, Countries, Progress string
	Texts                                                      []scoringText
	Criteria                                                   []fieldInput
	Comment                                                    fieldInput
	Deadline                                                   deadlineView
	Editable, Submitted, Extended                              bool
	Closed                                                     string
}

type scoringText struct{ Label, Text string }

// scoreField is the form field of criterion key's score.
func scoreField(key string) string { return "scores." + key }

// scoringPage shows the scoring form of the reviewer's assignment, filled
// with their review so far, and records that they opened it
// (app.Service.OpenAssignment); another reviewer's assignment is 404.
func (w *webUI) scoringPage(c *gin.Context) {
	user, _ := pageUser(c)
	sheet, err := w.app.OpenAssignment(useCase(c), user, c.Param("id"))
	if err != nil {
		w.failPage(c, err)
		return
	}
	v := w.newView(c)
	switch c.Query("done") {
	case "draft":
		v.Notice = v.L.T("review.scoring.saved")
	case "submitted":
		v.Notice = v.L.T("review.scoring.submitted")
	}
	v.Form = url.Values{"comment": {sheet.Comment}}
	for key, score := range sheet.Scores {
		v.Form.Set(scoreField(key), strconv.Itoa(score))
	}
	w.showScoring(c, v, sheet, http.StatusOK)
}

func (w *webUI) showScoring(c *gin.Context, v *pageView, sheet app.ReviewSheet, status int) {
	n := sheet.Nomination
	v.Title = v.L.T("review.scoring.title", "Title", n.ProjectTitle)
	data := &scoringView{Action: "/review/assignments/" + sheet.ID, Title: n.ProjectTitle, Organization: n.Organization,
		Category: categoryName(v.L, n.Category).Name, Progress: v.L.T("review.progress." + string(app.ProgressOf(sheet.Assignment))),
		Deadline: deadlineOf(v.L, sheet.Deadline, w.clock.Now()), Editable: sheet.Editable,
		Submitted: sheet.State == models.ReviewSubmitted, Extended: !sheet.Deadline.Equal(sheet.Contest.Schedule.Review.ClosesAt)}
	names := make([]string, 0, len(n.Countries))
	for _, code := range n.Countries {
		names = append(names, v.L.Country(code))
	}
	data.Countries = strings.Join(names, ", ")
	t := n.Text()
	for _, f := range []struct{ key, text string }{{"field.short_description", t.ShortDescription}, {"field.impact", t.Impact},
		{"field.sdg_linkage", t.SDGLinkage}, {"field.partnerships", t.Partnerships}, {"field.challenges", t.Challenges}} {
		data.Texts = append(data.Texts, scoringText{Label: v.L.T(f.key), Text: f.text})
	}
	data.Texts = append(data.Texts, scoringText{Label: v.L.T("field.implementation"), Text: v.L.T("implementation." + t.Implementation)})
	for _, cr := range sheet.Criteria {
		f := fieldInput{Name: scoreField(cr.Key), Label: criterionName(v, cr), Value: v.Form.Get(scoreField(cr.Key)),
			Placeholder: v.L.T("review.scoring.no_score")}
		for score := 0; score <= 10; score++ {
			s := strconv.Itoa(score)
			f.Options = append(f.Options, fieldOption{Value: s, Label: v.L.Num(score), Selected: f.Value == s})
		}
		f.describe(v)
		data.Criteria = append(data.Criteria, f)
	}
	data.Comment = inputField(v, "comment", "textarea", "review.scoring.comment", "hint=review.scoring.comment_hint")
	switch {
	case sheet.Editable:
	case !n.InReview():
		data.Closed = v.L.T("review.scoring.no_longer")
	case w.clock.Now().Before(sheet.Contest.Schedule.Review.OpensAt):
		data.Closed = v.L.T("review.scoring.not_yet", "Opens", v.L.DateTime(sheet.Contest.Schedule.Review.OpensAt))
	default:
		data.Closed = v.L.T("review.scoring.closed", "Closed", v.L.DateTime(sheet.Deadline))
	}
	v.Data = data
	w.render(c, status, "review_scoring", v)
}

// criterionName is the name of a review criterion in the page's language:
// the catalogue's for the default criteria, the contest's own otherwise.
func criterionName(v *pageView, cr models.Criterion) string {
	if name, ok := v.L.Text("review.criterion."+cr.Key, nil); ok {
		return name
	}
	return cr.Name
}

// saveScores saves the reviewer's scores and comment, as a draft or
// (action=submit) submitted, under the JSON API's rules until their
// deadline (app.Service.SaveReview); the form comes back with its errors
// next to their fields, or closed once the deadline has passed.
func (w *webUI) saveScores(c *gin.Context) {
	user, _ := pageUser(c)
	ctx := useCase(c)
	sheet, err := w.app.OpenAssignment(ctx, user, c.Param("id"))
	if err != nil {
		w.failPage(c, err)
		return
	}
	form := postForm(c)
	v := w.newView(c)
	v.Form = url.Values{"comment": {form.Get("comment")}}
	req := reviewRequest{Scores: map[string]int{}, Comment: form.Get("comment"), Submit: form.Get("action") == "submit"}
	for _, cr := range sheet.Criteria {
		raw := strings.TrimSpace(form.Get(scoreField(cr.Key)))
		v.Form.Set(scoreField(cr.Key), raw)
		if raw == "" {
			continue
		}
		score, err := strconv.Atoi(raw)
		if err != nil || score < 0 || score > 10 {
			v.Errors = append(v.Errors, fieldError{Field: scoreField(cr.Key), Message: v.L.T("review.error.score_range")})
			continue
		}
		req.Scores[cr.Key] = score
	}
	v.Errors = append(v.Errors, checkForm(v.L, req)...)
	if len(v.Errors) > 0 {
		w.showScoring(c, v, sheet, http.StatusUnprocessableEntity)
		return
	}
	if _, err := w.app.SaveReview(ctx, user, sheet.ID, app.Review(req)); err != nil {
		if v.Errors = reviewRefusal(v, err); v.Errors == nil {
			w.failPage(c, err)
			return
		}
		if errors.Is(err, models.ErrPhaseClosed) {
			sheet.Editable = false
		}
		w.showScoring(c, v, sheet, statusOf(err))
		return
	}
	done := "draft"
	if req.Submit {
		done = "submitted"
	}
	redirect(c, "/review/assignments/"+sheet.ID, url.Values{"done": {done}})
}

// reviewRefusal says in v's language why SaveReview refused a review; nil
// for an error no form can answer.
func reviewRefusal(v *pageView, err error) []fieldError {
	var ve *models.ValidationError
	switch {
	case errors.As(err, &ve):
		var fields []fieldError
		for _, f := range ve.Fields {
			msg := v.L.T("review.error.score_range")
			if f.Message == "is required" {
				msg = v.L.T("review.error.score_required")
			}
			fields = appendOnce(fields, fieldError{Field: f.Field, Message: msg})
		}
		return fields
	case errors.Is(err, models.ErrPhaseClosed):
		return []fieldError{{Message: v.L.T("review.error.closed")}}
	case errors.Is(err, models.ErrConflict):
		return []fieldError{{Message: v.L.T("review.error.conflict")}}
	}
	return nil
}

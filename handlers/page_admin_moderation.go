package handlers

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/wsis-platform/wsis/models"
	"github.com/wsis-platform/wsis/store/search"
)

// moderationView is one page of the moderation queue in one order.
type moderationView struct {
	Sort     string
	Sorts    []fieldOption
	Total    string
	Projects []moderationLine
	Next     string
}

// moderationLine is a submitted project with its decision form.
type moderationLine struct {
	ID, Title, Organization, Updated, UpdatedISO string
	Version                                      int
	// Republished is true for an edit of a published project: the public
	// keeps the published version whatever the decision.
	Republished bool
	Note        fieldInput
	Action      string
}

// moderationSorts are the orders of the queue: the longest waiting first
// by default.
var moderationSorts = []string{"oldest", "newest"}

// moderationDone are the confirmations of the queue, by ?done=.
var moderationDone = []string{"published", "returned", "rejected"}

// moderationPage shows the submitted projects, a page at a time in the
// order ?sort= asks for, each with a link to it and the form that
// publishes, returns or rejects it.
func (w *webUI) moderationPage(c *gin.Context) {
	v := w.newView(c)
	if done := c.Query("done"); slices.Contains(moderationDone, done) {
		v.Notice = v.L.T("console.moderation.done." + done)
	}
	w.showModeration(c, v, http.StatusOK)
}

func (w *webUI) showModeration(c *gin.Context, v *pageView, status int) {
	sort := c.DefaultQuery("sort", moderationSorts[0])
	if !slices.Contains(moderationSorts, sort) {
		errorPage(c, http.StatusNotFound, "error.not_found.title", "error.not_found.text")
		return
	}
	after, err := decodeKey(c.Query("cursor"), "work-"+sort, 2)
	if err != nil {
		errorPage(c, http.StatusNotFound, "error.not_found.title", "error.not_found.text")
		return
	}
	items, total, next, err := w.search.Work(c.Request.Context(), search.WorkQuery{
		States: []models.ProjectState{models.ProjectSubmitted}, Oldest: sort == "oldest", After: after, Limit: consolePageSize})
	if err != nil {
		w.failPage(c, err)
		return
	}
	v.Title = v.L.T("console.moderation.title")
	data := moderationView{Sort: sort, Total: v.L.T("console.moderation.total", "Count", v.L.Num(total))}
	for _, s := range moderationSorts {
		data.Sorts = append(data.Sorts, fieldOption{Value: s, Label: v.L.T("console.moderation.sort." + s), Selected: s == sort})
	}
	back := url.Values{"sort": {sort}}
	if raw := c.Query("cursor"); raw != "" {
		back.Set("cursor", raw)
	}
	for _, p := range items {
		line := moderationLine{ID: p.ID, Title: p.Title, Organization: p.Organization, Version: p.Version,
			Updated: v.L.DateTime(p.UpdatedAt), UpdatedISO: p.UpdatedAt.UTC().Format(time.RFC3339), Republished: p.IsPublished,
			Action: "/admin/projects/" + p.ID + "/moderate?" + back.Encode()}
		line.Note = fieldInput{Name: "note-" + p.ID, Label: v.L.T("console.moderation.note"), Value: v.Form.Get("note-" + p.ID),
			Hint: v.L.T("console.moderation.note_hint")}
		line.Note.describe(v)
		data.Projects = append(data.Projects, line)
	}
	if key := encodeKey("work-"+sort, next); key != "" {
		data.Next = nextPageHref("/admin/projects", c.Request.URL.Query(), key)
	}
	v.Data = &data
	w.render(c, status, "admin_moderation", v)
}

// moderateProject applies the step its button names (publish, return or
// reject) with the note to a submitted project, at the version the queue
// showed (app.Service.Moderate); returning and rejecting need a note,
// which the queue then asks for next to the project.
func (w *webUI) moderateProject(c *gin.Context) {
	user, _ := pageUser(c)
	v := w.newView(c)
	form := postForm(c)
	id := c.Param("id")
	field := "note-" + id
	note := strings.TrimSpace(form.Get("note"))
	v.Form = url.Values{field: {form.Get("note")}}
	step := models.ModerationStep(form.Get("step"))
	done := map[models.ModerationStep]string{models.ModeratePublish: "published", models.ModerateReturn: "returned",
		models.ModerateReject: "rejected"}[step]
	switch {
	case done == "":
		v.Errors = []fieldError{{Message: v.L.T("form.error.invalid")}}
	case step != models.ModeratePublish && note == "":
		v.Errors = []fieldError{{Field: field, Message: v.L.T("console.moderation.error.note")}}
	default:
		if errs := checkForm(v.L, moderationRequest{Note: note}); errs != nil {
			v.Errors = []fieldError{{Field: field, Message: errs[0].Message}}
		}
	}
	if len(v.Errors) > 0 {
		w.showModeration(c, v, http.StatusUnprocessableEntity)
		return
	}
	version, _ := strconv.Atoi(form.Get("version"))
	if _, err := w.app.Moderate(useCase(c), user, id, version, step, note); err != nil {
		if v.Errors = consoleRefusal(v.L, err); v.Errors == nil {
			w.failPage(c, err)
			return
		}
		w.showModeration(c, v, statusOf(err))
		return
	}
	back := url.Values{"done": {done}}
	if sort := c.Query("sort"); sort != "" {
		back.Set("sort", sort)
	}
	redirect(c, "/admin/projects", back)
}

package handlers

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/wsis-platform/wsis/app"
	"github.com/wsis-platform/wsis/models"
)

// screeningStates are the nomination states the screening list filters by.
var screeningStates = []models.NominationState{models.NominationSubmitted, models.NominationIneligible,
	models.NominationWithdrawn, models.NominationNominee, models.NominationChampion, models.NominationWinner}

// screeningView is one page of a contest's nominations, filtered.
type screeningView struct {
	Year                int
	Categories, States  []fieldOption
	Nominations         []screeningLine
	Next                string
	Category, StateName string
}

// screeningLine is a nomination with, while it is submitted, the form that
// marks it ineligible.
type screeningLine struct {
	ID, ProjectID, Title, Organization, Category, State, Reason string
	Version                                                     int
	Submitted, SlotsReleased                                    bool
	ReasonField                                                 fieldInput
	Action                                                      string
}

// screeningFilter reads ?category= (1–18) and ?state= of the screening
// list; ok is false for a value no filter offers.
func screeningFilter(c *gin.Context) (f app.NominationFilter, ok bool) {
	if raw := c.Query("category"); raw != "" {
		n, err := strconv.Atoi(raw)
		if err != nil || n < 1 || n > len(models.ActionLines) {
			return f, false
		}
		f.Category = n
	}
	if raw := c.Query("state"); raw != "" {
		if !slices.Contains(screeningStates, models.NominationState(raw)) {
			return f, false
		}
		f.States = []models.NominationState{models.NominationState(raw)}
	}
	return f, true
}

// screeningPage lists a contest's nominations, a page at a time, filtered
// by category and state on the server (app.Service.ContestNominations),
// each submitted one with the form that marks it ineligible with a reason.
func (w *webUI) screeningPage(c *gin.Context) {
	contest, ok := w.pageContest(c)
	if !ok {
		return
	}
	v := w.newView(c)
	if c.Query("done") == "ineligible" {
		v.Notice = v.L.T("console.screening.done")
	}
	w.showScreening(c, v, contest.Year, http.StatusOK)
}

func (w *webUI) showScreening(c *gin.Context, v *pageView, year, status int) {
	user, _ := pageUser(c)
	f, ok := screeningFilter(c)
	after, bad := consoleCursor(c)
	if !ok || bad {
		errorPage(c, http.StatusNotFound, "error.not_found.title", "error.not_found.text")
		return
	}
	list, err := w.app.ContestNominations(useCase(c), user, year, f, app.PageRequest{Limit: consolePageSize, After: after})
	if err != nil {
		w.failPage(c, err)
		return
	}
	v.Title = v.L.T("console.screening.title", "Year", v.L.Plain(year))
	data := screeningView{Year: year, Category: c.Query("category"), StateName: c.Query("state")}
	for _, al := range models.ActionLines {
		n := strconv.Itoa(al.Number)
		data.Categories = append(data.Categories, fieldOption{Value: n, Label: categoryName(v.L, al.Number).Name, Selected: n == data.Category})
	}
	for _, s := range screeningStates {
		data.States = append(data.States, fieldOption{Value: string(s), Label: v.L.T("nomination.state." + string(s)),
			Selected: string(s) == data.StateName})
	}
	back := url.Values{}
	for _, k := range []string{"category", "state", "cursor"} {
		if q := c.Query(k); q != "" {
			back.Set(k, q)
		}
	}
	for _, n := range list.Items {
		line := screeningLine{ID: n.ID, ProjectID: n.ProjectID, Title: n.ProjectTitle, Organization: n.Organization,
			Category: categoryName(v.L, n.Category).Name, State: v.L.T("nomination.state." + string(n.State)),
			Reason: n.IneligibleReason, Version: n.Version, Submitted: n.State == models.NominationSubmitted,
			SlotsReleased: n.SlotsReleased, Action: "/admin/nominations/" + n.ID + "/ineligible?" + back.Encode()}
		line.ReasonField = fieldInput{Name: "reason-" + n.ID, Label: v.L.T("console.screening.reason"), Value: v.Form.Get("reason-" + n.ID)}
		line.ReasonField.describe(v)
		data.Nominations = append(data.Nominations, line)
	}
	data.Next = nextPageHref(c.Request.URL.Path, c.Request.URL.Query(), encodeCursor(list.Next))
	v.Data = &data
	w.render(c, status, "admin_screening", v)
}

// screenOutNomination marks a submitted nomination ineligible with the
// form's reason, freeing its slots when asked (app.Service.ScreenOut); a
// missing reason is asked for next to the nomination.
func (w *webUI) screenOutNomination(c *gin.Context) {
	user, _ := pageUser(c)
	ctx := useCase(c)
	n, whole, err := w.app.Nomination(ctx, user, c.Param("id"))
	if err == nil && !whole {
		err = models.ErrNotFound
	}
	if err != nil {
		w.failPage(c, err)
		return
	}
	v := w.newView(c)
	form := postForm(c)
	field := "reason-" + n.ID
	reason := strings.TrimSpace(form.Get("reason"))
	v.Form = url.Values{field: {form.Get("reason")}}
	req := ineligibleRequest{Reason: reason, ReleaseSlots: form.Get("release_slots") == "on"}
	if errs := checkForm(v.L, req); errs != nil {
		msg := errs[0].Message
		if reason == "" {
			msg = v.L.T("console.screening.error.reason")
		}
		v.Errors = []fieldError{{Field: field, Message: msg}}
		w.showScreening(c, v, n.Contest, http.StatusUnprocessableEntity)
		return
	}
	version, _ := strconv.Atoi(form.Get("version"))
	if _, err := w.app.ScreenOut(ctx, user, n.ID, version, app.Screening(req)); err != nil {
		if v.Errors = consoleRefusal(v.L, err); v.Errors == nil {
			w.failPage(c, err)
			return
		}
		w.showScreening(c, v, n.Contest, statusOf(err))
		return
	}
	back := url.Values{"done": {"ineligible"}}
	for _, k := range []string{"category", "state"} {
		if q := c.Query(k); q != "" {
			back.Set(k, q)
		}
	}
	redirect(c, "/admin/contests/"+strconv.Itoa(n.Contest)+"/nominations", back)
}

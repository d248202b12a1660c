package handlers

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/wsis-platform/wsis/app"
	"github.com/wsis-platform/wsis/models"
)

// selectionView is the Expert Group's choice of winners: per category the
// champions to pick one from, the reviewer's pick, and the deadline; Closed
// says why picks are not taken now.
type selectionView struct {
	Action     string
	Closed     string
	Deadline   deadlineView
	Categories []selectionCategory
}

// selectionCategory is one category's champions as a group of radio
// buttons (its Field), with the reviewer's pick.
type selectionCategory struct {
	Number int
	Field  fieldInput
	Picked string
}

// selectionPage shows the champions of each category with the reviewer's
// pick, and during the selection window a form per category to pick or
// change it (app.Service.MySelections, app.Service.Nominees).
func (w *webUI) selectionPage(c *gin.Context) {
	contest, ok := w.pageContest(c)
	if !ok {
		return
	}
	v := w.newView(c)
	if c.Query("done") == "picked" {
		v.Notice = v.L.T("review.selection.saved")
	}
	w.showSelection(c, v, contest, http.StatusOK)
}

func (w *webUI) showSelection(c *gin.Context, v *pageView, contest models.Contest, status int) {
	user, _ := pageUser(c)
	ctx := useCase(c)
	v.Title = v.L.T("review.selection.title", "Year", v.L.Plain(contest.Year))
	now := w.clock.Now()
	data := &selectionView{Action: "/review/contests/" + strconv.Itoa(contest.Year) + "/selection",
		Deadline: deadlineOf(v.L, contest.Schedule.Selection.ClosesAt, now)}
	v.Data = data
	if !contest.Stages.ChampionsPublished {
		data.Closed = v.L.T("review.selection.not_published")
		w.render(c, status, "review_selection", v)
		return
	}
	if err := contest.RequireSelection(now); err != nil {
		sel := contest.Schedule.Selection
		data.Closed = v.L.T("review.selection.closed", "Opens", v.L.DateTime(sel.OpensAt), "Closes", v.L.DateTime(sel.ClosesAt))
	}
	nominees, err := w.app.Nominees(ctx, contest.Year, 0, app.PageRequest{})
	var picks []models.Selection
	if err == nil {
		picks, err = w.app.MySelections(ctx, user, contest.Year)
	}
	if err != nil {
		w.failPage(c, err)
		return
	}
	picked := map[int]string{}
	for _, p := range picks {
		picked[p.Category] = p.NominationID
	}
	byCategory := map[int]*selectionCategory{}
	for _, n := range nominees.Items {
		if n.State != models.NominationChampion && n.State != models.NominationWinner {
			continue
		}
		cat := byCategory[n.Category]
		if cat == nil {
			cat = &selectionCategory{Number: n.Category, Picked: picked[n.Category],
				Field: fieldInput{Name: "category-" + strconv.Itoa(n.Category), Label: categoryName(v.L, n.Category).Name}}
			if posted := v.Form.Get("category"); posted == strconv.Itoa(n.Category) {
				cat.Picked = v.Form.Get("nomination_id")
			}
			cat.Field.describe(v)
			byCategory[n.Category] = cat
		}
		cat.Field.Options = append(cat.Field.Options, fieldOption{Value: n.ID, Label: n.ProjectTitle + " (" + n.Organization + ")",
			Selected: cat.Picked == n.ID})
	}
	for number := 1; number <= len(models.ActionLines); number++ {
		if cat, ok := byCategory[number]; ok {
			data.Categories = append(data.Categories, *cat)
		}
	}
	w.render(c, status, "review_selection", v)
}

// selectChampion records the reviewer's pick in one category during the
// selection window (app.Service.SelectChampion); the page comes back with
// the error next to the category's champions.
func (w *webUI) selectChampion(c *gin.Context) {
	contest, ok := w.pageContest(c)
	if !ok {
		return
	}
	user, _ := pageUser(c)
	form := postForm(c)
	v := w.newView(c)
	v.Form = formValues(form, "category", "nomination_id")
	category, err := strconv.Atoi(form.Get("category"))
	if err != nil || category < 1 || category > len(models.ActionLines) {
		v.Errors = []fieldError{{Message: v.L.T("form.error.invalid")}}
		w.showSelection(c, v, contest, http.StatusUnprocessableEntity)
		return
	}
	field := "category-" + strconv.Itoa(category)
	if form.Get("nomination_id") == "" {
		v.Errors = []fieldError{{Field: field, Message: v.L.T("review.selection.choose")}}
		w.showSelection(c, v, contest, http.StatusUnprocessableEntity)
		return
	}
	if _, err := w.app.SelectChampion(useCase(c), user, contest.Year, category, form.Get("nomination_id")); err != nil {
		var ve *models.ValidationError
		status := http.StatusUnprocessableEntity
		switch {
		case errors.Is(err, models.ErrPhaseClosed):
			v.Errors, status = []fieldError{{Message: v.L.T("review.selection.refused_closed")}}, http.StatusConflict
		case errors.As(err, &ve), errors.Is(err, models.ErrNotFound):
			v.Errors = []fieldError{{Field: field, Message: v.L.T("review.selection.not_a_champion")}}
		default:
			w.failPage(c, err)
			return
		}
		w.showSelection(c, v, contest, status)
		return
	}
	redirect(c, "/review/contests/"+strconv.Itoa(contest.Year)+"/selection", url.Values{"done": {"picked"}})
}

package handlers

import (
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/wsis-platform/wsis/app"
	"github.com/wsis-platform/wsis/models"
)

// publishView is the publication of a contest's champions and results: the
// stages reached, the dates that allow each step, the nominees with their
// state, and the two forms with their confirmation steps.
type publishView struct {
	Year                                          int
	Nominees, Champions, Results                  bool
	VotingCloses, SelectionOpens, SelectionCloses string
	Categories                                    []publishCategory
	ChampionsForm, ResultsForm                    overridesForm
	Confirm                                       *overridesConfirm
}

type publishCategory struct {
	Category namedCode
	Rows     []publishRow
}

type publishRow struct{ Title, State string }

// overridesForm is the form of one publication: its overrides and reason,
// its fields named after the step ("champions_add", "results_reason").
type overridesForm struct {
	Action      string
	Add, Remove fieldInput
	Reason      fieldInput
	Show        bool
}

// overridesConfirm is the confirmation step of a publication.
type overridesConfirm struct {
	Step, Action, Title, Reason string
	Add, Remove                 []publishChoice
}

type publishChoice struct{ ID, Title string }

// publishSteps are the publications the page runs, by the path's step.
var publishSteps = map[string]string{"champions": "oversight.publish.champions", "results": "oversight.publish.results"}

// adminPublishPage shows where a contest's publication stands and the forms
// that publish its champions and then its results, with overrides and
// their reason.
func (w *webUI) adminPublishPage(c *gin.Context) {
	contest, ok := w.pageContest(c)
	if !ok {
		return
	}
	v := w.newView(c)
	switch c.Query("done") {
	case "champions":
		v.Notice = v.L.T("oversight.publish.champions_done")
	case "results":
		v.Notice = v.L.T("oversight.publish.results_done")
	}
	w.showPublish(c, v, contest, nil, http.StatusOK)
}

func (w *webUI) showPublish(c *gin.Context, v *pageView, contest models.Contest, confirm *overridesConfirm, status int) {
	user, _ := pageUser(c)
	list, err := w.app.ContestNominations(useCase(c), user, contest.Year, app.NominationFilter{States: []models.NominationState{
		models.NominationNominee, models.NominationChampion, models.NominationWinner}}, app.PageRequest{})
	if err != nil {
		w.failPage(c, err)
		return
	}
	year := strconv.Itoa(contest.Year)
	sch := contest.Schedule
	v.Title = v.L.T("oversight.publish.title", "Year", v.L.Plain(contest.Year))
	data := publishView{Year: contest.Year, Nominees: contest.Stages.NomineesPublished, Champions: contest.Stages.ChampionsPublished,
		Results: contest.Stages.ResultsPublished, VotingCloses: v.L.DateTime(sch.Voting.ClosesAt),
		SelectionOpens: v.L.DateTime(sch.Selection.OpensAt), SelectionCloses: v.L.DateTime(sch.Selection.ClosesAt), Confirm: confirm}
	var nominees, champions []fieldOption
	for _, cat := range contest.Categories {
		pc := publishCategory{Category: categoryName(v.L, cat.Number)}
		for _, n := range list.Items {
			if n.Category != cat.Number {
				continue
			}
			pc.Rows = append(pc.Rows, publishRow{Title: n.ProjectTitle, State: v.L.T("nomination.state." + string(n.State))})
			o := fieldOption{Value: n.ID, Label: n.ProjectTitle + " · " + pc.Category.Name}
			nominees = append(nominees, o)
			if n.State != models.NominationNominee {
				champions = append(champions, o)
			}
		}
		if len(pc.Rows) > 0 {
			data.Categories = append(data.Categories, pc)
		}
	}
	data.ChampionsForm = overridesFormOf(v, "champions", "/admin/contests/"+year+"/publish/champions", nominees)
	data.ChampionsForm.Show = data.Nominees && !data.Results
	data.ResultsForm = overridesFormOf(v, "results", "/admin/contests/"+year+"/publish/results", champions)
	data.ResultsForm.Show = data.Champions && !data.Results
	v.Data = data
	w.render(c, status, "admin_publish", v)
}

func overridesFormOf(v *pageView, step, action string, options []fieldOption) overridesForm {
	f := overridesForm{Action: action,
		Add:    fieldInput{Name: step + "_add", Label: v.L.T("oversight.publish." + step + "_add")},
		Remove: fieldInput{Name: step + "_remove", Label: v.L.T("oversight.publish." + step + "_remove")},
		Reason: inputField(v, step+"_reason", "textarea", "oversight.field.reason", "hint=oversight.publish.reason_hint")}
	for _, in := range []*fieldInput{&f.Add, &f.Remove} {
		for _, o := range options {
			o.Selected = slices.Contains(v.Form[in.Name], o.Value)
			in.Options = append(in.Options, o)
		}
		in.describe(v)
	}
	return f
}

// adminPublishChampions chooses and publishes the champions by valid votes
// with the admin's overrides (app.Service.PublishChampions), once
// confirmed.
func (w *webUI) adminPublishChampions(c *gin.Context) { w.publishStep(c, "champions") }

// adminPublishResults decides and publishes the winners by the reviewers'
// picks with the admin's overrides (app.Service.PublishResults), once
// confirmed.
func (w *webUI) adminPublishResults(c *gin.Context) { w.publishStep(c, "results") }

// publishStep runs one publication: the first press checks the form and
// shows the confirmation step, naming the overrides; the confirmed form
// publishes. A refusal comes back next to its field, or saying why the
// schedule does not allow it now, and changes nothing.
func (w *webUI) publishStep(c *gin.Context, step string) {
	contest, ok := w.pageContest(c)
	if !ok {
		return
	}
	v := w.newView(c)
	form := postForm(c)
	v.Form = url.Values{step + "_add": form[step+"_add"], step + "_remove": form[step+"_remove"],
		step + "_reason": {form.Get(step + "_reason")}}
	req := overridesRequest{Add: form[step+"_add"], Remove: form[step+"_remove"], Reason: strings.TrimSpace(form.Get(step + "_reason"))}
	if v.Errors = prefixed(step, checkForm(v.L, req)); len(v.Errors) == 0 && (len(req.Add) > 0 || len(req.Remove) > 0) && req.Reason == "" {
		v.Errors = []fieldError{{Field: step + "_reason", Message: v.L.T("oversight.publish.reason_required")}}
	}
	if len(v.Errors) > 0 {
		w.showPublish(c, v, contest, nil, http.StatusUnprocessableEntity)
		return
	}
	if !confirmed(form) {
		titles, err := w.nomineeTitles(c, contest.Year)
		if err != nil {
			w.failPage(c, err)
			return
		}
		cf := &overridesConfirm{Step: step, Action: c.Request.URL.Path, Title: v.L.T(publishSteps[step]), Reason: req.Reason}
		for _, id := range req.Add {
			cf.Add = append(cf.Add, publishChoice{ID: id, Title: titleOr(titles, id)})
		}
		for _, id := range req.Remove {
			cf.Remove = append(cf.Remove, publishChoice{ID: id, Title: titleOr(titles, id)})
		}
		w.showPublish(c, v, contest, cf, http.StatusOK)
		return
	}
	user, _ := pageUser(c)
	o := app.Overrides(req)
	var err error
	if step == "champions" {
		_, err = w.app.PublishChampions(useCase(c), user, contest.Year, o)
	} else {
		_, err = w.app.PublishResults(useCase(c), user, contest.Year, o)
	}
	switch {
	case err == nil:
		redirect(c, "/admin/contests/"+strconv.Itoa(contest.Year)+"/publish", url.Values{"done": {step}})
		return
	case errors.Is(err, models.ErrInvalid):
		fields, _ := formErrors(v.L, err)
		v.Errors = prefixed(step, fields)
	case errors.Is(err, models.ErrPhaseClosed):
		v.Errors = []fieldError{{Message: v.L.T("oversight.publish.not_now")}}
	case errors.Is(err, models.ErrConflict):
		v.Errors = []fieldError{{Message: v.L.T("oversight.publish.results_already")}}
	default:
		w.failPage(c, err)
		return
	}
	w.showPublish(c, v, contest, nil, statusOf(err))
}

// prefixed names the fields of a publication's errors as its form does.
func prefixed(step string, errs []fieldError) []fieldError {
	for i := range errs {
		if errs[i].Field != "" {
			errs[i].Field = step + "_" + errs[i].Field
		}
	}
	return errs
}

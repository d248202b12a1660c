package handlers

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/wsis-platform/wsis/models"
	"github.com/wsis-platform/wsis/store/search"
)

// myProjectLine is one of the owner's projects in their list.
type myProjectLine struct {
	ID, Title, State, Note string
	Editable               bool
}

// projectFormView is the project form: where it is sent, and for a
// project that exists its state, the moderators' note and version.
type projectFormView struct {
	Action, ID, State, Note string
	Version                 int
	CanSubmit               bool
}

// projectFields are the project form's fields, in its order.
var projectFields = []string{"title", "summary", "description", "organization", "stakeholder_type", "countries",
	"coverage", "action_lines", "sdgs", "gdc_objectives", "status", "start_date", "end_date", "website", "partners", "contact_email"}

// myProjectsPage lists the signed-in user's projects, newest change first,
// with their state and the moderators' note (the read model's working
// copies, as GET /me/projects).
func (w *webUI) myProjectsPage(c *gin.Context) {
	user, _ := pageUser(c)
	items, _, _, err := w.search.Work(c.Request.Context(), search.WorkQuery{OwnerID: user.ID, Limit: 100})
	if err != nil {
		w.failPage(c, err)
		return
	}
	v := w.newView(c)
	v.Title = v.L.T("myprojects.title")
	switch c.Query("done") {
	case "saved":
		v.Notice = v.L.T("project.form.saved")
	case "submitted":
		v.Notice = v.L.T("project.form.submitted")
	}
	var lines []myProjectLine
	for _, p := range items {
		lines = append(lines, myProjectLine{ID: p.ID, Title: p.Title, State: v.L.T("state." + string(p.State)), Note: p.Note,
			Editable: models.Project{State: p.State}.CanEdit() == nil})
	}
	v.Data = lines
	w.render(c, http.StatusOK, "my_projects", v)
}

// newProjectPage shows the empty project form.
func (w *webUI) newProjectPage(c *gin.Context) {
	v := w.newView(c)
	v.Title, v.Data = v.L.T("project.form.new_title"), projectFormView{Action: "/my/projects"}
	w.render(c, http.StatusOK, "project_form", v)
}

// createProject records the form as a new draft of the signed-in user
// (app.Service.CreateProject), under the JSON API's rules.
func (w *webUI) createProject(c *gin.Context) {
	user, _ := pageUser(c)
	v := w.newView(c)
	v.Title, v.Data = v.L.T("project.form.new_title"), projectFormView{Action: "/my/projects"}
	var req projectRequest
	v.Form = projectFormValues(postForm(c))
	fillProjectRequest(&req, v.Form)
	if v.Errors = checkForm(v.L, req); len(v.Errors) > 0 {
		w.render(c, http.StatusUnprocessableEntity, "project_form", v)
		return
	}
	p, err := w.app.CreateProject(useCase(c), user, req.content())
	if err != nil {
		w.failPage(c, err)
		return
	}
	redirect(c, "/my/projects/"+p.ID+"/edit", url.Values{"done": {"saved"}})
}

// editProjectPage shows the form of the owner's project, filled with its
// working copy, with its state, the moderators' note and, when the state
// allows, the button that submits it. Another user's project is 404.
func (w *webUI) editProjectPage(c *gin.Context) {
	user, _ := pageUser(c)
	p, err := w.app.OwnedProject(useCase(c), user, c.Param("id"))
	if err != nil {
		w.failPage(c, err)
		return
	}
	v := w.newView(c)
	switch c.Query("done") {
	case "saved":
		v.Notice = v.L.T("project.form.saved")
	case "submitted":
		v.Notice = v.L.T("project.form.submitted")
	}
	w.showProjectForm(c, v, p, http.StatusOK)
}

func (w *webUI) showProjectForm(c *gin.Context, v *pageView, p models.Project, status int) {
	v.Title = v.L.T("project.form.edit_title", "Title", p.Title)
	v.Data = projectFormView{Action: "/my/projects/" + p.ID, ID: p.ID, State: v.L.T("state." + string(p.State)),
		Note: p.Note, Version: p.Version, CanSubmit: p.CanSubmit() == nil}
	if v.Form == nil {
		v.Form = projectForm(p.ProjectContent)
	}
	w.render(c, status, "project_form", v)
}

// saveProject replaces the working copy of the owner's project with the
// form (app.Service.EditProject), at the version the form was filled from,
// so that an edit made from a stale page is refused rather than lost.
func (w *webUI) saveProject(c *gin.Context) {
	user, _ := pageUser(c)
	ctx := useCase(c)
	p, err := w.app.OwnedProject(ctx, user, c.Param("id"))
	if err != nil {
		w.failPage(c, err)
		return
	}
	v := w.newView(c)
	req := requestOf(p.ProjectContent)
	v.Form = projectFormValues(postForm(c))
	fillProjectRequest(&req, v.Form)
	if v.Errors = checkForm(v.L, req); len(v.Errors) > 0 {
		w.showProjectForm(c, v, p, http.StatusUnprocessableEntity)
		return
	}
	version, _ := strconv.Atoi(postForm(c).Get("version"))
	if version < 1 {
		version = p.Version
	}
	if _, err := w.app.EditProject(ctx, user, p, version, req.content()); err != nil {
		w.refuseProjectChange(c, v, p, err, "project.form.locked")
		return
	}
	redirect(c, "/my/projects/"+p.ID+"/edit", url.Values{"done": {"saved"}})
}

// submitProject sends the owner's project to the moderators
// (app.Service.SubmitProject).
func (w *webUI) submitProject(c *gin.Context) {
	user, _ := pageUser(c)
	ctx := useCase(c)
	p, err := w.app.OwnedProject(ctx, user, c.Param("id"))
	if err != nil {
		w.failPage(c, err)
		return
	}
	version, _ := strconv.Atoi(postForm(c).Get("version"))
	if _, err := w.app.SubmitProject(ctx, user, p.ID, version); err != nil {
		w.refuseProjectChange(c, w.newView(c), p, err, "project.form.cannot_submit")
		return
	}
	redirect(c, "/my/projects", url.Values{"done": {"submitted"}})
}

// refuseProjectChange shows the project form again saying why a change was
// refused: a stale version, or a state that does not allow it (conflictKey).
func (w *webUI) refuseProjectChange(c *gin.Context, v *pageView, p models.Project, err error, conflictKey string) {
	switch {
	case errors.Is(err, models.ErrPreconditionFailed):
		v.Errors = []fieldError{{Message: v.L.T("project.form.stale")}}
		w.showProjectForm(c, v, p, http.StatusPreconditionFailed)
	case errors.Is(err, models.ErrConflict):
		v.Errors = []fieldError{{Message: v.L.T(conflictKey)}}
		w.showProjectForm(c, v, p, http.StatusConflict)
	default:
		w.failPage(c, err)
	}
}

// projectFormValues keeps the project fields of a submitted form.
func projectFormValues(form url.Values) url.Values {
	out := url.Values{}
	for _, name := range projectFields {
		if vs, ok := form[name]; ok {
			out[name] = vs
		}
	}
	return out
}

// fillProjectRequest sets req's fields from the form: lists from their
// repeated values, SDGs and GDC objectives as numbers (a value that is
// not one fails the rules as 0), partners one per line.
func fillProjectRequest(req *projectRequest, form url.Values) {
	req.Title, req.Summary, req.Description = form.Get("title"), form.Get("summary"), form.Get("description")
	req.Organization, req.StakeholderType = strings.TrimSpace(form.Get("organization")), models.StakeholderType(form.Get("stakeholder_type"))
	req.Countries, req.Coverage, req.ActionLines = nonEmpty(form["countries"]), form.Get("coverage"), nonEmpty(form["action_lines"])
	req.SDGs = nil
	for _, s := range nonEmpty(form["sdgs"]) {
		n, _ := strconv.Atoi(s)
		req.SDGs = append(req.SDGs, n)
	}
	req.GDCObjectives = nil
	for _, s := range nonEmpty(form["gdc_objectives"]) {
		n, _ := strconv.Atoi(s)
		req.GDCObjectives = append(req.GDCObjectives, n)
	}
	req.Status, req.StartDate, req.EndDate = form.Get("status"), form.Get("start_date"), form.Get("end_date")
	req.Website, req.ContactEmail = strings.TrimSpace(form.Get("website")), strings.TrimSpace(form.Get("contact_email"))
	req.Partners = nil
	for _, line := range strings.Split(form.Get("partners"), "\n") {
		if line = strings.TrimSpace(line); line != "" {
			req.Partners = append(req.Partners, line)
		}
	}
}

// projectForm is the form filled with a project's content.
func projectForm(p models.ProjectContent) url.Values {
	sdgs, gdc := make([]string, len(p.SDGs)), make([]string, len(p.GDCObjectives))
	for i, n := range p.SDGs {
		sdgs[i] = strconv.Itoa(n)
	}
	for i, n := range p.GDCObjectives {
		gdc[i] = strconv.Itoa(n)
	}
	return url.Values{"title": {p.Title}, "summary": {p.Summary}, "description": {p.Description},
		"organization": {p.Organization}, "stakeholder_type": {string(p.StakeholderType)}, "countries": p.Countries,
		"coverage": {p.Coverage}, "action_lines": p.ActionLines, "sdgs": sdgs, "gdc_objectives": gdc, "status": {p.Status},
		"start_date": {p.StartDate}, "end_date": {p.EndDate}, "website": {p.Website},
		"partners": {strings.Join(p.Partners, "\n")}, "contact_email": {p.ContactEmail}}
}

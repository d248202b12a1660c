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
	"github.com/wsis-platform/wsis/store/search"
)

// nominationTextFields are the fields of what a nominator writes, in the
// form's order.
var nominationTextFields = []string{"short_description", "impact", "sdg_linkage", "partnerships", "challenges", "implementation"}

// nominateView is the nomination form of a contest: the nominator's own
// projects to choose from, and when the contest takes third-party
// nominations (ThirdParty) a search of the published projects (Search, its
// results Found once Searched); once a project is chosen, its action lines
// as the categories it may enter. Closed says when nominations are taken,
// while they are not.
type nominateView struct {
	Year, Version            int
	Closed                   string
	Projects, Category       fieldInput
	Search                   fieldInput
	Found                    []nominableProject
	ProjectID, Title, Action string
	HasProjects              bool
	ThirdParty, Searched     bool
}

// nominableProject is a published project a search found, with the link
// that chooses it.
type nominableProject struct {
	Title, Organization, Href string
}

// nominationLine is one of the nominator's nominations in their list.
type nominationLine struct {
	ID, Contest, Category, Title, State string
	Version                             int
	Open                                bool
}

// nominatePage shows the nomination form: first the choice of one of the
// user's own projects that is not a draft or, when the contest takes
// third-party nominations, of any published project found by its title,
// words or id (?q=), then (?project=ID) the category among that project's
// action lines and the texts, with word counters. Outside the submission
// window it says when nominations are taken.
func (w *webUI) nominatePage(c *gin.Context) {
	contest, ok := w.pageContest(c)
	if !ok {
		return
	}
	v := w.newView(c)
	v.Form = url.Values{"project_id": {c.Query("project")}, "q": {strings.TrimSpace(c.Query("q"))}}
	w.showNominate(c, v, contest, http.StatusOK)
}

func (w *webUI) showNominate(c *gin.Context, v *pageView, contest models.Contest, status int) {
	user, _ := pageUser(c)
	ctx := useCase(c)
	v.Title = v.L.T("nominate.title", "Year", v.L.Plain(contest.Year))
	data := nominateView{Year: contest.Year, Action: "/contests/" + strconv.Itoa(contest.Year) + "/nominate"}
	v.Data = &data
	if sub := contest.Schedule.Submission; !sub.OpenAt(w.clock.Now()) {
		data.Closed = v.L.T("nominate.closed", "Opens", v.L.DateTime(sub.OpensAt), "Closes", v.L.DateTime(sub.ClosesAt))
		w.render(c, status, "nominate", v)
		return
	}
	own, _, _, err := w.search.Work(c.Request.Context(), search.WorkQuery{OwnerID: user.ID, Limit: 100,
		States: []models.ProjectState{models.ProjectSubmitted, models.ProjectPublished, models.ProjectReturned}})
	if err != nil {
		w.failPage(c, err)
		return
	}
	chosen := v.Form.Get("project_id")
	data.Projects = fieldInput{Name: "project", Label: v.L.T("nominate.choose_project"), Required: true,
		Placeholder: v.L.T("field.choose")}
	for _, p := range own {
		data.Projects.Options = append(data.Projects.Options, fieldOption{Value: p.ID, Label: p.Title, Selected: p.ID == chosen})
	}
	data.HasProjects = len(own) > 0
	data.ThirdParty = contest.Settings.AllowThirdPartyNominations
	if data.ThirdParty {
		data.Search = inputField(v, "q", "search", "nominate.search.label", "hint=nominate.search.hint")
		if q := v.Form.Get("q"); q != "" {
			if data.Found, err = w.findNominable(c, user, data.Action, q); err != nil {
				w.failPage(c, err)
				return
			}
			data.Searched = true
		}
	}
	if chosen != "" {
		p, _, err := w.app.Project(ctx, user, chosen)
		if err != nil {
			w.failPage(c, err)
			return
		}
		if p.OwnerID != user.ID && !data.ThirdParty {
			// The use case refuses it (models.CheckNominable); say why on the
			// choice of project rather than offer a form it would refuse.
			v.Errors = append(withoutField(v.Errors, "project"), fieldError{Field: "project", Message: v.L.T("nominate.own_only")})
			data.Projects.describe(v)
			w.render(c, status, "nominate", v)
			return
		}
		content := p.ProjectContent
		if p.Published != nil {
			content = *p.Published
		}
		data.ProjectID, data.Title = p.ID, content.Title
		data.Category = fieldInput{Name: "category", Label: v.L.T("field.category"), Required: true,
			Placeholder: v.L.T("field.choose"), Hint: v.L.T("nominate.category_hint")}
		for _, code := range content.ActionLines {
			if al, ok := models.ActionLineByCode(code); ok {
				n := strconv.Itoa(al.Number)
				data.Category.Options = append(data.Category.Options, fieldOption{Value: n,
					Label: categoryName(v.L, al.Number).Name, Selected: v.Form.Get("category") == n})
			}
		}
		data.Category.describe(v)
	}
	data.Projects.describe(v)
	w.render(c, status, "nominate", v)
}

// nominate enters the chosen project into the chosen category under the
// JSON API's rules (app.Service.Nominate); the form comes back with its
// errors next to their fields, or saying why the nomination is refused.
func (w *webUI) nominate(c *gin.Context) {
	contest, ok := w.pageContest(c)
	if !ok {
		return
	}
	user, _ := pageUser(c)
	v := w.newView(c)
	v.Form = formValues(postForm(c), append([]string{"project_id", "category"}, nominationTextFields...)...)
	category, _ := strconv.Atoi(v.Form.Get("category"))
	req := createNominationRequest{ProjectID: v.Form.Get("project_id"), Category: category}
	readNominationText(&req, v.Form)
	if v.Errors = checkForm(v.L, req); len(v.Errors) > 0 {
		w.showNominate(c, v, contest, http.StatusUnprocessableEntity)
		return
	}
	_, err := w.app.Nominate(useCase(c), user, contest.Year, req.nomination())
	if err != nil {
		if v.Errors = w.nominationRefusal(v, err); v.Errors == nil {
			w.failPage(c, err)
			return
		}
		for i := range v.Errors {
			if v.Errors[i].Field == "project_id" {
				v.Errors[i].Field = "project" // the visible choice; project_id is hidden
			}
		}
		w.showNominate(c, v, contest, statusOf(err))
		return
	}
	redirect(c, "/my/nominations", url.Values{"done": {"nominated"}})
}

// nominableLimit is the most projects a search of the nomination page
// offers.
const nominableLimit = 20

// findNominable returns the published projects a third-party nominator may
// choose for the query q: the project whose id q is, else those of the
// catalogue's search for q, each with its link to the form at action.
func (w *webUI) findNominable(c *gin.Context, user models.User, action, q string) ([]nominableProject, error) {
	link := func(id string) string { return action + "?" + url.Values{"project": {id}}.Encode() }
	if p, _, err := w.app.Project(useCase(c), user, q); err == nil && p.Published != nil {
		return []nominableProject{{Title: p.Published.Title, Organization: p.Published.Organization, Href: link(p.ID)}}, nil
	} else if err != nil && !errors.Is(err, models.ErrNotFound) {
		return nil, err
	}
	res, err := w.search.Catalogue(c.Request.Context(), search.CatalogueQuery{Text: q, Limit: nominableLimit})
	if err != nil {
		return nil, err
	}
	found := make([]nominableProject, 0, len(res.Items))
	for _, p := range res.Items {
		found = append(found, nominableProject{Title: p.Title, Organization: p.Organization, Href: link(p.ID)})
	}
	return found, nil
}

// withoutField returns errs without those of the field name.
func withoutField(errs []fieldError, name string) []fieldError {
	out := errs[:0:0]
	for _, e := range errs {
		if e.Field != name {
			out = append(out, e)
		}
	}
	return out
}

// nominationRefusal says in v's language why a use case refused a
// nomination or its change; nil for an error no form can answer.
func (w *webUI) nominationRefusal(v *pageView, err error) []fieldError {
	var ve *models.ValidationError
	switch {
	case errors.As(err, &ve):
		fields, _ := formErrors(v.L, err)
		return fields
	case errors.Is(err, models.ErrPreconditionFailed):
		return []fieldError{{Message: v.L.T("nominate.stale")}}
	case errors.Is(err, models.ErrPhaseClosed):
		return []fieldError{{Message: v.L.T("nominate.locked")}}
	case errors.Is(err, models.ErrConflict):
		return []fieldError{{Message: v.L.T("nominate.taken")}}
	}
	return nil
}

// myNominationsPage lists the user's nominations, newest contest first,
// with their state, and while the submission window is open the links to
// edit or withdraw those still submitted.
func (w *webUI) myNominationsPage(c *gin.Context) {
	user, _ := pageUser(c)
	ctx := useCase(c)
	list, err := w.app.NominationsOf(ctx, user, app.PageRequest{})
	if err != nil {
		w.failPage(c, err)
		return
	}
	v := w.newView(c)
	v.Title = v.L.T("mynominations.title")
	switch c.Query("done") {
	case "nominated":
		v.Notice = v.L.T("nominate.done")
	case "saved":
		v.Notice = v.L.T("nominate.saved")
	case "withdrawn":
		v.Notice = v.L.T("nominate.withdrawn")
	}
	open := map[int]bool{}
	var lines []nominationLine
	for _, n := range list.Items {
		if _, seen := open[n.Contest]; !seen {
			contest, err := w.app.Contest(ctx, n.Contest)
			if err != nil {
				w.failPage(c, err)
				return
			}
			open[n.Contest] = contest.Schedule.Submission.OpenAt(w.clock.Now())
		}
		lines = append(lines, nominationLine{ID: n.ID, Contest: v.L.Plain(n.Contest), Category: categoryName(v.L, n.Category).Name,
			Title: n.ProjectTitle, State: v.L.T("nomination.state." + string(n.State)), Version: n.Version,
			Open: open[n.Contest] && n.State == models.NominationSubmitted})
	}
	v.Data = lines
	w.render(c, http.StatusOK, "my_nominations", v)
}

// editNominationPage shows the nominator's form of their nomination, filled
// with what they wrote (app.Service.Nomination); another user's is 404.
func (w *webUI) editNominationPage(c *gin.Context) {
	n, ok := w.ownNomination(c)
	if !ok {
		return
	}
	v := w.newView(c)
	t := n.Text()
	v.Form = url.Values{"short_description": {t.ShortDescription}, "impact": {t.Impact}, "sdg_linkage": {t.SDGLinkage},
		"partnerships": {t.Partnerships}, "challenges": {t.Challenges}, "implementation": {t.Implementation}}
	w.showNominationForm(c, v, n, http.StatusOK)
}

func (w *webUI) showNominationForm(c *gin.Context, v *pageView, n models.Nomination, status int) {
	v.Title = v.L.T("nominate.edit_title", "Title", n.ProjectTitle)
	v.Data = &nominateView{Year: n.Contest, Version: n.Version, ProjectID: n.ProjectID, Title: n.ProjectTitle,
		Action: "/my/nominations/" + n.ID}
	w.render(c, status, "nomination_form", v)
}

// saveNomination changes the nominator's texts until the submission
// deadline, at the version the form was filled from
// (app.Service.EditNomination).
func (w *webUI) saveNomination(c *gin.Context) {
	n, ok := w.ownNomination(c)
	if !ok {
		return
	}
	user, _ := pageUser(c)
	v := w.newView(c)
	form := postForm(c)
	v.Form = formValues(form, nominationTextFields...)
	req := createNominationRequest{ProjectID: n.ProjectID, Category: n.Category}
	readNominationText(&req, v.Form)
	if v.Errors = checkForm(v.L, req); len(v.Errors) > 0 {
		w.showNominationForm(c, v, n, http.StatusUnprocessableEntity)
		return
	}
	version, _ := strconv.Atoi(form.Get("version"))
	t := req.nomination().Text
	_, err := w.app.EditNomination(useCase(c), user, n.ID, version, app.NominationUpdate{ShortDescription: &t.ShortDescription,
		Impact: &t.Impact, SDGLinkage: &t.SDGLinkage, Partnerships: &t.Partnerships, Challenges: &t.Challenges,
		Implementation: &t.Implementation})
	if err != nil {
		if v.Errors = w.nominationRefusal(v, err); v.Errors == nil {
			w.failPage(c, err)
			return
		}
		w.showNominationForm(c, v, n, statusOf(err))
		return
	}
	redirect(c, "/my/nominations", url.Values{"done": {"saved"}})
}

// withdrawNomination withdraws the nomination until the submission
// deadline (app.Service.WithdrawNomination): its nominator may, and so may
// its project's owner.
func (w *webUI) withdrawNomination(c *gin.Context) {
	user, _ := pageUser(c)
	version, _ := strconv.Atoi(postForm(c).Get("version"))
	if err := w.app.WithdrawNomination(useCase(c), user, c.Param("id"), version); err != nil {
		v := w.newView(c)
		if v.Errors = w.nominationRefusal(v, err); v.Errors == nil {
			w.failPage(c, err)
			return
		}
		v.Title = v.L.T("mynominations.title")
		w.render(c, statusOf(err), "my_nominations", v)
		return
	}
	redirect(c, "/my/nominations", url.Values{"done": {"withdrawn"}})
}

// ownNomination is the nomination of the :id path parameter when the page's
// user nominated it; otherwise it answers the not-found page.
func (w *webUI) ownNomination(c *gin.Context) (models.Nomination, bool) {
	user, _ := pageUser(c)
	n, whole, err := w.app.Nomination(useCase(c), user, c.Param("id"))
	if err == nil && (!whole || n.NominatorID != user.ID) {
		err = models.ErrNotFound
	}
	if err != nil {
		w.failPage(c, err)
		return models.Nomination{}, false
	}
	return n, true
}

func readNominationText(req *createNominationRequest, form url.Values) {
	req.ShortDescription, req.Impact, req.SDGLinkage = form.Get("short_description"), form.Get("impact"), form.Get("sdg_linkage")
	req.Partnerships, req.Challenges, req.Implementation = form.Get("partnerships"), form.Get("challenges"), form.Get("implementation")
}

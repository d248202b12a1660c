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

// assignmentsView is a contest's assignment console: the review window,
// the last automatic assignment's report, each reviewer's load and a page
// of the nominations in review with their reviewers.
type assignmentsView struct {
	Year          int
	Window        windowView
	Closed        bool
	PerNomination fieldInput
	Report        *assignmentReport
	Loads         []reviewerLoad
	Nominations   []assignmentLine
	Next, Path    string
	NoReviewers   bool
}

// assignmentReport is what an automatic assignment did, in names.
type assignmentReport struct {
	Assigned  []assignedPair
	Loads     []reviewerLoad
	Uncovered []uncoveredLine
	Count     string
}

type assignedPair struct{ Reviewer, Nomination string }

type reviewerLoad struct {
	Name, Count string
}

type uncoveredLine struct{ Nomination, Why string }

// assignmentLine is a nomination in review with its reviewers and the form
// that assigns one more by hand.
type assignmentLine struct {
	ID, ProjectID, Title, Organization, Category string
	Reviewers                                    []assignedReviewer
	Choice                                       fieldInput
}

type assignedReviewer struct {
	AssignmentID, Name, State string
	Submitted                 bool
}

// assignmentsPage shows the contest's assignment console.
func (w *webUI) assignmentsPage(c *gin.Context) {
	contest, ok := w.pageContest(c)
	if !ok {
		return
	}
	v := w.newView(c)
	switch c.Query("done") {
	case "assigned":
		v.Notice = v.L.T("console.assign.done")
	case "unassigned":
		v.Notice = v.L.T("console.unassign.done")
	}
	w.showAssignments(c, v, contest, nil, http.StatusOK)
}

func (w *webUI) showAssignments(c *gin.Context, v *pageView, contest models.Contest, report *app.AssignmentReport, status int) {
	user, _ := pageUser(c)
	ctx := useCase(c)
	after, bad := consoleCursor(c)
	if bad {
		errorPage(c, http.StatusNotFound, "error.not_found.title", "error.not_found.text")
		return
	}
	reviewers, err := w.app.Reviewers(ctx, user)
	var assignments []models.Assignment
	if err == nil {
		assignments, err = w.app.ContestAssignments(ctx, user, contest.Year)
	}
	var all app.Page[models.Nomination]
	if err == nil {
		all, err = w.app.ContestNominations(ctx, user, contest.Year, app.NominationFilter{States: models.ReviewedStates}, app.PageRequest{})
	}
	if err != nil {
		w.failPage(c, err)
		return
	}
	names := map[string]string{}
	for _, r := range reviewers {
		names[r.ID] = r.Name
	}
	titles := map[string]string{}
	for _, n := range all.Items {
		titles[n.ID] = n.ProjectTitle
	}
	path := "/admin/contests/" + strconv.Itoa(contest.Year) + "/assignments"
	v.Title = v.L.T("console.assignments.title", "Year", v.L.Plain(contest.Year))
	now := w.clock.Now()
	review := contest.Schedule.Review
	data := assignmentsView{Year: contest.Year, Path: path, Closed: !now.Before(review.ClosesAt), NoReviewers: len(reviewers) == 0,
		Window:        summarize(v.L, contest, now).Windows[slices.Index(models.WindowNames, models.WindowReview)],
		PerNomination: inputField(v, "reviews_per_nomination", "number", "console.auto.per_nomination", "hint=console.auto.per_nomination_hint")}
	if data.PerNomination.Value == "" {
		data.PerNomination.Value = strconv.Itoa(contest.Settings.ReviewsPerNomination)
	}
	loads := map[string]int{}
	byNomination := map[string][]models.Assignment{}
	for _, a := range assignments {
		loads[a.ReviewerID]++
		byNomination[a.NominationID] = append(byNomination[a.NominationID], a)
	}
	for _, r := range reviewers {
		data.Loads = append(data.Loads, reviewerLoad{Name: r.Name, Count: v.L.Num(loads[r.ID])})
	}
	if report != nil {
		data.Report = reportOf(v, *report, reviewers, names, titles)
	}
	page, err := w.app.ContestNominations(ctx, user, contest.Year, app.NominationFilter{States: models.ReviewedStates},
		app.PageRequest{Limit: consolePageSize, After: after})
	if err != nil {
		w.failPage(c, err)
		return
	}
	for _, n := range page.Items {
		line := assignmentLine{ID: n.ID, ProjectID: n.ProjectID, Title: n.ProjectTitle, Organization: n.Organization,
			Category: categoryName(v.L, n.Category).Name}
		on := map[string]bool{}
		for _, a := range byNomination[n.ID] {
			on[a.ReviewerID] = true
			name := names[a.ReviewerID]
			if name == "" {
				name = a.ReviewerID
			}
			line.Reviewers = append(line.Reviewers, assignedReviewer{AssignmentID: a.ID, Name: name,
				State: v.L.T("console.review." + string(a.State)), Submitted: a.State == models.ReviewSubmitted})
		}
		line.Choice = fieldInput{Name: "reviewer-" + n.ID, Label: v.L.T("console.assign.reviewer"), Placeholder: v.L.T("field.choose")}
		for _, r := range reviewers {
			if !on[r.ID] {
				line.Choice.Options = append(line.Choice.Options, fieldOption{Value: r.ID, Label: r.Name + " (" + r.Organization + ")",
					Selected: v.Form.Get("reviewer-"+n.ID) == r.ID})
			}
		}
		line.Choice.describe(v)
		data.Nominations = append(data.Nominations, line)
	}
	data.Next = nextPageHref(path, c.Request.URL.Query(), encodeCursor(page.Next))
	v.Data = &data
	w.render(c, status, "admin_assignments", v)
}

// reportOf names the reviewers and nominations of an automatic
// assignment's report in v's language.
func reportOf(v *pageView, r app.AssignmentReport, reviewers []models.User, names, titles map[string]string) *assignmentReport {
	out := &assignmentReport{Count: v.L.T("console.auto.count", "Count", v.L.Num(len(r.Assigned)))}
	for _, a := range r.Assigned {
		out.Assigned = append(out.Assigned, assignedPair{Reviewer: names[a.ReviewerID], Nomination: titles[a.NominationID]})
	}
	for _, u := range reviewers {
		if n, ok := r.Loads[u.ID]; ok {
			out.Loads = append(out.Loads, reviewerLoad{Name: u.Name, Count: v.L.Num(n)})
		}
	}
	for _, u := range r.Uncovered {
		out.Uncovered = append(out.Uncovered, uncoveredLine{Nomination: titles[u.Nomination],
			Why: v.L.T("console.auto.uncovered_why", "Missing", v.L.Num(u.Missing), "Possible", v.L.Num(u.Possible))})
	}
	return out
}

// autoAssignForm runs the automatic assignment of the contest with the
// form's reviews per nomination (app.Service.AutoAssign) and shows its
// report: who got what, each reviewer's load, what could not be covered
// and why.
func (w *webUI) autoAssignForm(c *gin.Context) {
	contest, ok := w.pageContest(c)
	if !ok {
		return
	}
	user, _ := pageUser(c)
	v := w.newView(c)
	form := postForm(c)
	v.Form = formValues(form, "reviews_per_nomination")
	per := 0
	if raw := strings.TrimSpace(form.Get("reviews_per_nomination")); raw != "" {
		n, err := strconv.Atoi(raw)
		if err != nil || n < 1 || n > 20 {
			v.Errors = []fieldError{{Field: "reviews_per_nomination", Message: v.L.T("console.auto.error.per_nomination")}}
			w.showAssignments(c, v, contest, nil, http.StatusUnprocessableEntity)
			return
		}
		per = n
	}
	report, err := w.app.AutoAssign(useCase(c), user, contest.Year, app.AutoAssignment{PerNomination: per})
	if err != nil {
		if v.Errors = consoleRefusal(v.L, err); v.Errors == nil {
			w.failPage(c, err)
			return
		}
		w.showAssignments(c, v, contest, nil, statusOf(err))
		return
	}
	v.Notice = v.L.T("console.auto.done")
	w.showAssignments(c, v, contest, &report, http.StatusOK)
}

// assignByHand assigns the chosen reviewer to a nomination
// (app.Service.AssignReviewer); a conflict of interest is refused with the
// conflict explained next to the nomination's choice.
func (w *webUI) assignByHand(c *gin.Context) {
	contest, ok := w.pageContest(c)
	if !ok {
		return
	}
	user, _ := pageUser(c)
	v := w.newView(c)
	form := postForm(c)
	nomination, reviewer := form.Get("nomination_id"), form.Get("reviewer_id")
	field := "reviewer-" + nomination
	v.Form = url.Values{field: {reviewer}}
	if reviewer == "" {
		v.Errors = []fieldError{{Field: field, Message: v.L.T("console.assign.error.choose")}}
		w.showAssignments(c, v, contest, nil, http.StatusUnprocessableEntity)
		return
	}
	if _, err := w.app.AssignReviewer(useCase(c), user, nomination, reviewer); err != nil {
		if v.Errors = w.assignRefusal(c, v, field, reviewer, err); v.Errors == nil {
			w.failPage(c, err)
			return
		}
		w.showAssignments(c, v, contest, nil, statusOf(err))
		return
	}
	redirect(c, "/admin/contests/"+strconv.Itoa(contest.Year)+"/assignments", url.Values{"done": {"assigned"}})
}

// assignRefusal says in v's language why a manual assignment is refused,
// next to the nomination's field; nil for an error no form can answer.
func (w *webUI) assignRefusal(c *gin.Context, v *pageView, field, reviewerID string, err error) []fieldError {
	var coi *app.ConflictOfInterest
	var ve *models.ValidationError
	switch {
	case errors.As(err, &coi):
		name := reviewerID
		user, _ := pageUser(c)
		if list, lerr := w.app.Reviewers(useCase(c), user); lerr == nil {
			for _, r := range list {
				if r.ID == reviewerID {
					name = r.Name
				}
			}
		}
		subject := coi.Subject
		if coi.Kind == app.ConflictDeclaredCountry {
			subject = v.L.Country(coi.Subject)
		}
		return []fieldError{{Field: field, Message: v.L.T("console.assign.conflict."+coi.Kind, "Reviewer", name, "Subject", subject)}}
	case errors.As(err, &ve):
		return []fieldError{{Field: field, Message: v.L.T("console.assign.error.reviewer")}}
	case errors.Is(err, models.ErrPhaseClosed):
		return consoleRefusal(v.L, err)
	case errors.Is(err, models.ErrConflict):
		return []fieldError{{Field: field, Message: v.L.T("console.assign.error.taken")}}
	}
	return nil
}

// unassignForm removes an assignment whose review is not submitted
// (app.Service.UnassignReviewer) and returns to its contest's console.
func (w *webUI) unassignForm(c *gin.Context) {
	year, err := strconv.Atoi(postForm(c).Get("year"))
	if err != nil {
		errorPage(c, http.StatusNotFound, "error.not_found.title", "error.not_found.text")
		return
	}
	contest, err := w.app.Contest(useCase(c), year)
	if err != nil {
		w.failPage(c, err)
		return
	}
	user, _ := pageUser(c)
	if err := w.app.UnassignReviewer(useCase(c), user, c.Param("id")); err != nil {
		v := w.newView(c)
		if v.Errors = consoleRefusal(v.L, err); v.Errors == nil {
			w.failPage(c, err)
			return
		}
		if errors.Is(err, models.ErrConflict) {
			v.Errors = []fieldError{{Message: v.L.T("console.unassign.error.submitted")}}
		}
		w.showAssignments(c, v, contest, nil, statusOf(err))
		return
	}
	redirect(c, "/admin/contests/"+strconv.Itoa(year)+"/assignments", url.Values{"done": {"unassigned"}})
}

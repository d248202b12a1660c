package handlers

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/wsis-platform/wsis/app"
	"github.com/wsis-platform/wsis/locale"
	"github.com/wsis-platform/wsis/models"
)

// reviewPages adds the Expert Group's pages under /review (reviewers) and
// the admins' follow-up of the review under /admin. A visitor is sent to
// the login form; a signed-in user without the role is answered 404.
func (w *webUI) reviewPages(signedIn, signedInForms headRouter) {
	review := signedIn.Group("/review", requirePageRole(models.RoleReviewer))
	review.GET("", w.reviewConsolePage)
	review.GET("/conflicts", w.conflictsPage)
	review.GET("/assignments/:id", w.scoringPage)
	review.GET("/contests/:year/selection", w.selectionPage)
	reviewForms := signedInForms.Group("/review", requirePageRole(models.RoleReviewer))
	reviewForms.POST("/conflicts", w.saveConflicts)
	reviewForms.POST("/assignments/:id", w.saveScores)
	reviewForms.POST("/contests/:year/selection", w.selectChampion)
	admin := signedIn.Group("/admin", requirePageRole(models.RoleAdmin))
	admin.GET("/contests/:year/reviewers", w.reviewersPage)
	adminForms := signedInForms.Group("/admin", requirePageRole(models.RoleAdmin))
	adminForms.POST("/contests/:year/reviewers/:id/extension", w.grantExtension)
	adminForms.POST("/contests/:year/reviewers/:id/extension/revoke", w.revokeExtension)
}

// requirePageRole answers the not-found page to a signed-in user without
// role, so the pages of the Expert Group and of the admins do not show that
// they exist. It follows requirePageUser.
func requirePageRole(role models.Role) gin.HandlerFunc {
	return func(c *gin.Context) {
		if u, _ := pageUser(c); !u.HasRole(role) {
			errorPage(c, http.StatusNotFound, "error.not_found.title", "error.not_found.text")
			c.Abort()
			return
		}
		c.Next()
	}
}

// deadlineView is a deadline as pages show it: in UTC, as an RFC 3339
// time that the script also shows in the reader's time zone, and the time
// left while it has not passed.
type deadlineView struct {
	UTC, ISO, Left string
	Passed         bool
}

func deadlineOf(l *locale.Locale, t, now time.Time) deadlineView {
	d := deadlineView{UTC: l.DateTime(t), ISO: t.UTC().Format(time.RFC3339), Passed: !now.Before(t)}
	if !d.Passed {
		d.Left = l.TimeLeft(t.Sub(now))
	}
	return d
}

// consoleContest is one contest of a reviewer's console: their deadline
// and their assignments in it.
type consoleContest struct {
	year          int
	Year, Title   string
	Deadline      deadlineView
	Extended      bool
	Counts        string
	Assignments   []consoleLine
	SelectionHref string
}

// consoleLine is one assignment in the console.
type consoleLine struct {
	Href, Title, Organization, Category, Progress, ProgressClass string
}

// reviewConsolePage is the reviewer's console: their assignments by
// contest, each with its progress (not started, draft, submitted), their
// review deadline in UTC and local time, and the selection of winners once
// the champions are published (app.Service.AssignmentsOf).
func (w *webUI) reviewConsolePage(c *gin.Context) {
	user, _ := pageUser(c)
	ctx := useCase(c)
	list, err := w.app.AssignmentsOf(ctx, user, app.PageRequest{})
	if err != nil {
		w.failPage(c, err)
		return
	}
	v := w.newView(c)
	v.Title = v.L.T("review.console.title")
	now := w.clock.Now()
	var contests []*consoleContest
	byYear := map[int]*consoleContest{}
	add := func(contest models.Contest) error {
		deadline, err := w.app.ReviewDeadline(ctx, contest, user.ID)
		if err != nil {
			return err
		}
		cc := &consoleContest{year: contest.Year, Year: v.L.Plain(contest.Year), Title: contest.Title, Deadline: deadlineOf(v.L, deadline, now),
			Extended: !deadline.Equal(contest.Schedule.Review.ClosesAt)}
		if contest.Stages.ChampionsPublished {
			cc.SelectionHref = "/review/contests/" + strconv.Itoa(contest.Year) + "/selection"
		}
		byYear[contest.Year] = cc
		contests = append(contests, cc)
		return nil
	}
	if latest, ok, err := w.app.LatestContest(ctx); err != nil {
		w.failPage(c, err)
		return
	} else if ok && latest.Stages.ChampionsPublished {
		if err := add(latest); err != nil {
			w.failPage(c, err)
			return
		}
	}
	submitted := map[int]int{}
	total := map[int]int{}
	for _, a := range list.Items {
		if _, ok := byYear[a.Contest]; !ok {
			contest, err := w.app.Contest(ctx, a.Contest)
			if err == nil {
				err = add(contest)
			}
			if err != nil {
				w.failPage(c, err)
				return
			}
		}
		progress := app.ProgressOf(a.Assignment)
		total[a.Contest]++
		if progress == app.ReviewSubmitted {
			submitted[a.Contest]++
		}
		byYear[a.Contest].Assignments = append(byYear[a.Contest].Assignments, consoleLine{Href: "/review/assignments/" + a.ID,
			Title: a.Nomination.ProjectTitle, Organization: a.Nomination.Organization, Category: categoryName(v.L, a.Category).Name,
			Progress: v.L.T("review.progress." + string(progress)), ProgressClass: string(progress)})
	}
	for year, cc := range byYear {
		cc.Counts = v.L.T("review.console.counts", "Submitted", v.L.Num(submitted[year]), "Total", v.L.Num(total[year]))
	}
	slices.SortFunc(contests, func(a, b *consoleContest) int { return b.year - a.year })
	v.Data = contests
	w.render(c, http.StatusOK, "review_console", v)
}

// conflictsView is the form of a reviewer's declared conflicts.
type conflictsView struct {
	Organizations, Countries fieldInput
}

// conflictsPage shows the reviewer's declared conflicts of interest in a
// form: organizations one a line, countries chosen from the list
// (app.Service.Conflicts).
func (w *webUI) conflictsPage(c *gin.Context) {
	user, _ := pageUser(c)
	conflicts, err := w.app.Conflicts(useCase(c), user)
	if err != nil {
		w.failPage(c, err)
		return
	}
	v := w.newView(c)
	if c.Query("done") == "saved" {
		v.Notice = v.L.T("review.conflicts.saved")
	}
	v.Form = url.Values{"organizations": {strings.Join(conflicts.Organizations, "\n")}, "countries": conflicts.Countries}
	w.showConflicts(c, v, http.StatusOK)
}

func (w *webUI) showConflicts(c *gin.Context, v *pageView, status int) {
	v.Title = v.L.T("review.conflicts.title")
	data := conflictsView{Organizations: inputField(v, "organizations", "textarea", "review.conflicts.organizations",
		"hint=review.conflicts.organizations_hint"), Countries: choicesField(v, "countries", "review.conflicts.countries", "countries")}
	data.Countries.Required, data.Countries.Hint = false, v.L.T("review.conflicts.countries_hint")
	data.Countries.describe(v)
	v.Data = data
	w.render(c, status, "review_conflicts", v)
}

// saveConflicts replaces the reviewer's declared conflicts under the JSON
// API's rules (app.Service.DeclareConflicts); the form comes back with its
// errors next to their fields.
func (w *webUI) saveConflicts(c *gin.Context) {
	user, _ := pageUser(c)
	form := postForm(c)
	v := w.newView(c)
	v.Form = url.Values{"organizations": {form.Get("organizations")}, "countries": form["countries"]}
	req := conflictsRequest{Organizations: []string{}, Countries: form["countries"]}
	for line := range strings.SplitSeq(form.Get("organizations"), "\n") {
		if line = strings.TrimSpace(line); line != "" {
			req.Organizations = append(req.Organizations, line)
		}
	}
	if req.Countries == nil {
		req.Countries = []string{}
	}
	if v.Errors = checkForm(v.L, req); len(v.Errors) > 0 {
		w.showConflicts(c, v, http.StatusUnprocessableEntity)
		return
	}
	if _, err := w.app.DeclareConflicts(useCase(c), user, req.Organizations, req.Countries); err != nil {
		w.failPage(c, err)
		return
	}
	redirect(c, "/review/conflicts", url.Values{"done": {"saved"}})
}

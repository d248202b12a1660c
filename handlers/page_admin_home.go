package handlers

import (
	"encoding/base64"
	"net/http"
	"net/url"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/wsis-platform/wsis/locale"
	"github.com/wsis-platform/wsis/models"
)

// consolePageSize is how many lines a console list shows on one page.
const consolePageSize = 20

// consoleRoutes registers the secretariat's console under /admin: pages
// for admins only, whose forms refuse cross-site requests. A visitor is
// sent to the login form; a signed-in user who is not an admin gets the
// not-found page, so the console's existence does not leak.
func (w *webUI) consoleRoutes(pages, forms headRouter) {
	console := pages.Group("/admin", requirePageUser(), requirePageRole(models.RoleAdmin))
	console.GET("", w.consoleHome)
	console.GET("/contests/new", w.newContestPage)
	console.GET("/contests/:year/schedule", w.schedulePage)
	console.GET("/projects", w.moderationPage)
	console.GET("/contests/:year/nominations", w.screeningPage)
	console.GET("/contests/:year/assignments", w.assignmentsPage)
	console.GET("/contests/:year/rankings", w.rankingsPage)
	consoleForms := forms.Group("/admin", requirePageUser(), requirePageRole(models.RoleAdmin))
	consoleForms.POST("/contests", w.createContestForm)
	consoleForms.POST("/contests/:year/schedule", w.saveSchedule)
	consoleForms.POST("/projects/:id/moderate", w.moderateProject)
	consoleForms.POST("/nominations/:id/ineligible", w.screenOutNomination)
	consoleForms.POST("/contests/:year/assignments/auto", w.autoAssignForm)
	consoleForms.POST("/contests/:year/assignments", w.assignByHand)
	consoleForms.POST("/assignments/:id/delete", w.unassignForm)
	consoleForms.POST("/contests/:year/nominees/publish", w.publishNomineesForm)
}

// adminContest is a contest as the console's home lists it: where it
// stands and its stages.
type adminContest struct {
	Year         int
	Title, Phase string
	PhaseOpen    bool
	Stages       []string
	Windows      []windowView
}

// consoleHome lists the contests with their phase and the links to every
// console page (app.Service.ConsoleContests).
func (w *webUI) consoleHome(c *gin.Context) {
	user, _ := pageUser(c)
	list, err := w.app.ConsoleContests(useCase(c), user)
	if err != nil {
		w.failPage(c, err)
		return
	}
	v := w.newView(c)
	v.Title = v.L.T("console.home.title")
	if c.Query("done") == "created" {
		v.Notice = v.L.T("console.contest.created")
	}
	now := w.clock.Now()
	contests := make([]adminContest, 0, len(list))
	for _, contest := range list {
		contests = append(contests, adminContestOf(v.L, contest, now))
	}
	v.Data = contests
	w.render(c, http.StatusOK, "admin_home", v)
}

// adminContestOf says in l where contest stands at now: the window open,
// or whether it is before, between or after its windows.
func adminContestOf(l *locale.Locale, contest models.Contest, now time.Time) adminContest {
	sum := summarize(l, contest, now)
	cc := adminContest{Year: contest.Year, Title: contest.Title, Windows: sum.Windows}
	first, last := contest.Schedule.Window(models.WindowNames[0]), contest.Schedule.Window(models.WindowNames[len(models.WindowNames)-1])
	switch {
	case sum.Open != nil:
		cc.Phase, cc.PhaseOpen = l.T("console.phase.open", "Window", sum.Open.Name, "Closes", sum.Open.Closes), true
	case now.Before(first.OpensAt):
		cc.Phase = l.T("console.phase.before", "Opens", l.DateTime(first.OpensAt))
	case !now.Before(last.ClosesAt):
		cc.Phase = l.T("console.phase.over")
	default:
		cc.Phase = l.T("console.phase.between", "Window", sum.Next.Name, "Opens", sum.Next.Opens)
	}
	for _, st := range []struct {
		done bool
		key  string
	}{{contest.Stages.NomineesPublished, "console.stage.nominees"}, {contest.Stages.ChampionsPublished, "console.stage.champions"},
		{contest.Stages.ResultsPublished, "console.stage.results"}} {
		if st.done {
			cc.Stages = append(cc.Stages, l.T(st.key))
		}
	}
	return cc
}

// consoleCursor is the cursor of a console list's next page in its
// query, an app cursor base64-encoded; bad is true for one no page gave.
func consoleCursor(c *gin.Context) (after string, bad bool) {
	raw := c.Query("cursor")
	if raw == "" {
		return "", false
	}
	b, err := base64.RawURLEncoding.DecodeString(raw)
	return string(b), err != nil || len(b) == 0
}

// nextPageHref is path with query and next, the encoded cursor of the next
// page, or "" on the last page.
func nextPageHref(path string, query url.Values, next string) string {
	if next == "" {
		return ""
	}
	q := url.Values{}
	for k, vs := range query {
		if k != "cursor" && k != "done" && k != langParam {
			q[k] = vs
		}
	}
	q.Set("cursor", next)
	return path + "?" + q.Encode()
}

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

// oversightPages routes the secretariat's results and oversight pages
// under /admin: the tally, the anomalies, the publication of champions and
// results, the users, the audit log and the exports. A visitor is sent to
// the login form; any signed-in user but an admin gets the not-found page,
// as the admin API answers them 403 and its pages must not tell they exist.
// Every form refuses cross-site requests.
func (w *webUI) oversightPages(pages, forms headRouter) {
	view := pages.Group("/admin", requirePageUser(), requirePageRole(models.RoleAdmin))
	view.GET("/contests/:year/tally", w.adminTallyPage)
	view.GET("/contests/:year/anomalies", w.adminAnomaliesPage)
	view.GET("/contests/:year/publish", w.adminPublishPage)
	view.GET("/users", w.adminUsersPage)
	view.GET("/audit", w.adminAuditPage)
	view.GET("/exports", w.adminExportsPage)
	view.GET("/contests/:year/exports", w.adminContestExportsPage)
	view.GET("/contests/:year/exports/:what", w.adminContestExport)
	act := forms.Group("/admin", requirePageUser(), requirePageRole(models.RoleAdmin))
	act.POST("/contests/:year/commitment", w.adminPublishCommitment)
	act.POST("/contests/:year/anomalies/invalidate", w.adminInvalidateVotes)
	act.POST("/contests/:year/publish/champions", w.adminPublishChampions)
	act.POST("/contests/:year/publish/results", w.adminPublishResults)
	act.POST("/users/:id", w.adminChangeAccess)
}

// confirmed reports whether a form of an irreversible action comes from its
// confirmation step rather than from the form that asks for it.
func confirmed(form url.Values) bool { return form.Get("confirm") == "yes" }

// tallyView is a contest's tally as the admin's page shows it.
type tallyView struct {
	Year                  int
	Votes, CountedAt      string
	Differences           int
	Categories            []tallyCategory
	Commitment            *commitmentState
	VotingClosed, Confirm bool
	Action                string
}

type tallyCategory struct {
	Category                namedCode
	Rows                    []tallyRow
	Invalidated, Incomplete string
}

type tallyRow struct {
	Title, Live, Recount string
	Differs              bool
}

// commitmentState says whether the recount reproduces the last commitment
// published, and in which categories it does not.
type commitmentState struct {
	Version    string
	Reproduces bool
	Differs    []string
}

// adminTallyPage shows a contest's live counters beside the recount per
// category and nominee, the votes left out of the recount, whether the
// recount reproduces the published commitment (app.Service.Tally), and
// once voting has closed the button that publishes the commitment.
func (w *webUI) adminTallyPage(c *gin.Context) {
	contest, ok := w.pageContest(c)
	if !ok {
		return
	}
	v := w.newView(c)
	if c.Query("done") == "committed" {
		v.Notice = v.L.T("oversight.tally.committed")
	}
	w.showTally(c, v, contest, false, http.StatusOK)
}

func (w *webUI) showTally(c *gin.Context, v *pageView, contest models.Contest, confirm bool, status int) {
	user, _ := pageUser(c)
	ctx := useCase(c)
	t, err := w.app.Tally(ctx, user, contest.Year)
	if err != nil {
		w.failPage(c, err)
		return
	}
	titles, err := w.nomineeTitles(c, contest.Year)
	if err != nil {
		w.failPage(c, err)
		return
	}
	v.Title = v.L.T("oversight.tally.title", "Year", v.L.Plain(contest.Year))
	data := tallyView{Year: contest.Year, Votes: v.L.Num(t.Votes), CountedAt: v.L.DateTime(t.CountedAt),
		Differences: t.Differences, VotingClosed: contest.RequireClosed(models.WindowVoting, w.clock.Now()) == nil,
		Confirm: confirm, Action: "/admin/contests/" + strconv.Itoa(contest.Year) + "/commitment"}
	for _, cat := range contest.Categories {
		key := strconv.Itoa(cat.Number)
		tc := tallyCategory{Category: categoryName(v.L, cat.Number), Invalidated: v.L.Num(t.Invalidated[key]),
			Incomplete: v.L.Num(t.Incomplete[key])}
		for _, r := range t.Rows {
			if r.Category == cat.Number {
				tc.Rows = append(tc.Rows, tallyRow{Title: titleOr(titles, r.NominationID), Live: v.L.Num(r.Live),
					Recount: v.L.Num(r.Recount), Differs: r.Live != r.Recount})
			}
		}
		data.Categories = append(data.Categories, tc)
	}
	if t.Commitment != nil {
		cs := &commitmentState{Version: v.L.Plain(t.Commitment.Version), Reproduces: t.Commitment.Reproduces}
		for _, n := range t.Commitment.Differs {
			cs.Differs = append(cs.Differs, categoryName(v.L, n).Name)
		}
		data.Commitment = cs
	}
	v.Data = data
	w.render(c, status, "admin_tally", v)
}

// adminPublishCommitment publishes the contest's commitment to its counted
// votes (app.Service.PublishCommitment) once the admin confirmed it; the
// first press shows the confirmation step. Before voting closes the tally
// says why it cannot be published.
func (w *webUI) adminPublishCommitment(c *gin.Context) {
	contest, ok := w.pageContest(c)
	if !ok {
		return
	}
	v := w.newView(c)
	if !confirmed(postForm(c)) {
		w.showTally(c, v, contest, true, http.StatusOK)
		return
	}
	user, _ := pageUser(c)
	_, err := w.app.PublishCommitment(useCase(c), user, contest.Year)
	switch {
	case err == nil:
		redirect(c, "/admin/contests/"+strconv.Itoa(contest.Year)+"/tally", url.Values{"done": {"committed"}})
	case errors.Is(err, models.ErrPhaseClosed):
		v.Errors = []fieldError{{Message: v.L.T("oversight.tally.not_closed")}}
		w.showTally(c, v, contest, false, http.StatusConflict)
	default:
		w.failPage(c, err)
	}
}

// nomineeTitles are the project titles of the contest's nominations, by
// nomination id (app.Service.ContestNominations).
func (w *webUI) nomineeTitles(c *gin.Context, year int) (map[string]string, error) {
	user, _ := pageUser(c)
	list, err := w.app.ContestNominations(useCase(c), user, year, app.NominationFilter{}, app.PageRequest{})
	if err != nil {
		return nil, err
	}
	titles := make(map[string]string, len(list.Items))
	for _, n := range list.Items {
		titles[n.ID] = n.ProjectTitle
	}
	return titles, nil
}

// titleOr is the title of nomination id, or the id when it has none.
func titleOr(titles map[string]string, id string) string {
	if t, ok := titles[id]; ok {
		return t
	}
	return id
}

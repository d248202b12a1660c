package handlers

import (
	"errors"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/wsis-platform/wsis/app"
	"github.com/wsis-platform/wsis/locale"
	"github.com/wsis-platform/wsis/models"
)

// rankingsView is one category's ranking of a contest, a page at a time,
// and the form that publishes the nominees with overrides.
type rankingsView struct {
	Year          int
	Categories    []fieldOption
	Category      string
	Normalization string
	PerCategory   string
	Rows          []rankingLine
	Next          string
	// Publishable is true while the nominees may be published; Published
	// once they are; Wait says when they may be, while they may not.
	Publishable, Published bool
	Wait                   string
	Reason                 fieldInput
}

// rankingLine is a ranked nomination: raw and normalised scores side by
// side, the reviews behind them and whether its reviewers disagree.
type rankingLine struct {
	ID, ProjectID, Title, Organization, State     string
	Rank, Reviews, Raw, Normalised, Spread        string
	Disagreement, Shortlisted, Addable, Removable bool
	Added, Removed                                bool
}

// rankingsPage shows a category's ranking (?category=N, the first by
// default) from the submitted reviews (app.Service.Rankings) and, between
// the review and the voting windows, the form that publishes the nominees.
func (w *webUI) rankingsPage(c *gin.Context) {
	contest, ok := w.pageContest(c)
	if !ok {
		return
	}
	v := w.newView(c)
	if c.Query("done") == "published" {
		v.Notice = v.L.T("console.rankings.published_done")
	}
	w.showRankings(c, v, contest, http.StatusOK)
}

func (w *webUI) showRankings(c *gin.Context, v *pageView, contest models.Contest, status int) {
	user, _ := pageUser(c)
	category, err := strconv.Atoi(c.DefaultQuery("category", "1"))
	after, bad := consoleCursor(c)
	if err != nil || category < 1 || category > len(models.ActionLines) || bad {
		errorPage(c, http.StatusNotFound, "error.not_found.title", "error.not_found.text")
		return
	}
	ranking, err := w.app.Rankings(useCase(c), user, contest.Year, category, app.PageRequest{Limit: consolePageSize, After: after})
	if err != nil {
		w.failPage(c, err)
		return
	}
	v.Title = v.L.T("console.rankings.title", "Year", v.L.Plain(contest.Year))
	data := rankingsView{Year: contest.Year, Category: strconv.Itoa(category), Published: contest.Stages.NomineesPublished,
		Normalization: v.L.T("console.rankings.method." + ranking.Normalization),
		PerCategory:   v.L.T("console.rankings.per_category", "Count", v.L.Num(contest.Settings.NomineesPerCategory)),
		Reason:        inputField(v, "reason", "textarea", "console.rankings.reason", "hint=console.rankings.reason_hint")}
	publishErr := contest.CheckNomineesPublishable(w.clock.Now())
	data.Publishable = publishErr == nil
	if pc := (*models.PhaseClosedError)(nil); errors.As(publishErr, &pc) {
		review := contest.Schedule.Review
		data.Wait = v.L.T("console.rankings.wait", "Closes", v.L.DateTime(review.ClosesAt), "Opens", v.L.DateTime(contest.Schedule.Voting.OpensAt))
	}
	for _, al := range models.ActionLines {
		n := strconv.Itoa(al.Number)
		data.Categories = append(data.Categories, fieldOption{Value: n, Label: categoryName(v.L, al.Number).Name, Selected: n == data.Category})
	}
	for _, r := range ranking.Rows {
		line := rankingLine{ID: r.NominationID, Title: r.ProjectTitle, Organization: r.Organization,
			State: v.L.T("nomination.state." + string(r.State)), Rank: v.L.Plain(r.Rank), Reviews: v.L.Num(r.Reviews),
			Raw: decimal(v.L, r.RawMean), Normalised: decimal(v.L, r.ZMean), Spread: decimal(v.L, r.Spread),
			Disagreement: r.Disagreement(), Shortlisted: contest.Shortlists(r.RankedNomination, r.State),
			Added: slices.Contains(v.Form["add"], r.NominationID), Removed: slices.Contains(v.Form["remove"], r.NominationID)}
		line.Addable = !line.Shortlisted && r.State == models.NominationSubmitted
		line.Removable = line.Shortlisted
		data.Rows = append(data.Rows, line)
	}
	data.Next = nextPageHref(c.Request.URL.Path, c.Request.URL.Query(), encodeCursor(ranking.Next))
	v.Data = &data
	w.render(c, status, "admin_rankings", v)
}

// decimal writes x with two decimals in l's digits and decimal separator.
func decimal(l *locale.Locale, x float64) string {
	sign := ""
	if x < 0 {
		sign, x = "-", -x
	}
	cents := int64(math.Round(x * 100))
	return sign + l.Plain(cents/100) + l.T("console.decimal") + l.Plain(cents%100/10) + l.Plain(cents%10)
}

// publishNomineesForm publishes the contest's nominees, the top of each
// category's ranking with the form's additions and removals and their
// reason (app.Service.PublishNominees).
func (w *webUI) publishNomineesForm(c *gin.Context) {
	contest, ok := w.pageContest(c)
	if !ok {
		return
	}
	user, _ := pageUser(c)
	v := w.newView(c)
	form := postForm(c)
	v.Form = url.Values{"add": form["add"], "remove": form["remove"], "reason": {form.Get("reason")}}
	req := publishNomineesRequest{Add: form["add"], Remove: form["remove"], Reason: strings.TrimSpace(form.Get("reason"))}
	if errs := checkForm(v.L, req); errs != nil {
		v.Errors = []fieldError{{Field: "reason", Message: errs[0].Message}}
		w.showRankings(c, v, contest, http.StatusUnprocessableEntity)
		return
	}
	_, err := w.app.PublishNominees(useCase(c), user, contest.Year, app.NomineeOverrides(req))
	if err != nil {
		var ve *models.ValidationError
		switch {
		case errors.As(err, &ve) && len(ve.Fields) > 0 && ve.Fields[0].Field == "reason":
			v.Errors = []fieldError{{Field: "reason", Message: v.L.T("console.rankings.error.reason")}}
		case errors.Is(err, models.ErrConflict) && contest.Stages.NomineesPublished:
			v.Errors = []fieldError{{Message: v.L.T("console.rankings.error.published")}}
		default:
			v.Errors = consoleRefusal(v.L, err)
		}
		if v.Errors == nil {
			w.failPage(c, err)
			return
		}
		w.showRankings(c, v, contest, statusOf(err))
		return
	}
	back := url.Values{"done": {"published"}}
	if category := c.Query("category"); category != "" {
		back.Set("category", category)
	}
	redirect(c, "/admin/contests/"+strconv.Itoa(contest.Year)+"/rankings", back)
}

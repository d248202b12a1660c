package handlers

import (
	"errors"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/wsis-platform/wsis/locale"
	"github.com/wsis-platform/wsis/models"
)

// homeView is the home page: the latest contest and the prize categories.
type homeView struct {
	Contest    *contestSummary
	Categories []namedCode
}

// namedCode is a code of reference data with its name in the page's
// language.
type namedCode struct {
	Code, Name string
}

// contestSummary is a contest's schedule as a page shows it: which window
// is open and the time left in it, which opens next, every window's dates.
type contestSummary struct {
	Year                                int
	Open, Next                          *windowView
	Windows                             []windowView
	NomineesPublished, ResultsPublished bool
	// SubmissionOpen and VotingOpen are true while projects are nominated
	// and while the public votes for the nominees.
	SubmissionOpen, VotingOpen bool
}

type windowView struct {
	Name, Opens, Closes, OpensISO, ClosesISO string
	// Left is the time left before the window closes, said in words.
	Left    string
	Current bool
}

// summarize says contest's schedule in l at now.
func summarize(l *locale.Locale, contest models.Contest, now time.Time) *contestSummary {
	sum := &contestSummary{Year: contest.Year, NomineesPublished: contest.Stages.NomineesPublished,
		ResultsPublished: contest.Stages.ResultsPublished,
		SubmissionOpen:   contest.Schedule.Submission.OpenAt(now),
		VotingOpen:       contest.Stages.NomineesPublished && contest.Schedule.Voting.OpenAt(now)}
	for _, name := range models.WindowNames {
		w := contest.Schedule.Window(name)
		v := windowView{Name: l.T("window." + string(name)), Opens: l.DateTime(w.OpensAt), Closes: l.DateTime(w.ClosesAt),
			OpensISO: w.OpensAt.UTC().Format(time.RFC3339), ClosesISO: w.ClosesAt.UTC().Format(time.RFC3339),
			Current: w.OpenAt(now)}
		if v.Current {
			v.Left = l.TimeLeft(w.ClosesAt.Sub(now))
			open := v
			sum.Open = &open
		}
		if sum.Next == nil && now.Before(w.OpensAt) {
			next := v
			sum.Next = &next
		}
		sum.Windows = append(sum.Windows, v)
	}
	return sum
}

// homePage shows the latest contest with its open window and the time left
// in it, a search of the Stocktaking and the prize categories. Anyone may
// see it.
func (w *webUI) homePage(c *gin.Context) {
	contest, ok, err := w.app.LatestContest(useCase(c))
	if err != nil {
		w.failPage(c, err)
		return
	}
	v := w.newView(c)
	v.Title, v.Description, v.Public = v.L.T("home.title"), v.L.T("home.meta"), true
	data := homeView{}
	if ok {
		data.Contest = summarize(v.L, contest, w.clock.Now())
	}
	for _, al := range models.ActionLines {
		data.Categories = append(data.Categories, namedCode{Code: al.Code, Name: v.L.ActionLine(al.Code)})
	}
	v.Data = data
	w.render(c, http.StatusOK, "home", v)
}

// failPage answers an error no page expects: not found as the not-found
// page, anything else logged and answered as the internal-error page.
func (w *webUI) failPage(c *gin.Context, err error) {
	if errors.Is(err, models.ErrNotFound) {
		errorPage(c, http.StatusNotFound, "error.not_found.title", "error.not_found.text")
		return
	}
	logger(c).ErrorContext(c.Request.Context(), "page failed", "err", err, "path", c.Request.URL.Path)
	errorPage(c, http.StatusInternalServerError, "error.internal.title", "error.internal.text")
}

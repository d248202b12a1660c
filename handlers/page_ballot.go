package handlers

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/wsis-platform/wsis/app"
	"github.com/wsis-platform/wsis/locale"
	"github.com/wsis-platform/wsis/models"
)

// ballotPageView is a voter's ballot, one category at a time: every category
// marked voted or not, and the current one's nominees, or the voter's vote
// there with its receipt. When the voter cannot vote it says why instead.
type ballotPageView struct {
	Year int
	// Why the voter cannot vote now, if they cannot: one of these is set.
	NotPublished, Unverified bool
	NotOpen, Closed          string
	Categories               []ballotCategoryLink
	Category                 namedCode
	Nominees                 []ballotNominee
	Vote                     *voteLine
}

type ballotCategoryLink struct {
	Name, Href     string
	Voted, Current bool
}

type ballotNominee struct {
	ID string
	nomineeCard
	Chosen bool
}

// voteLine is a cast vote as its voter sees it, with its receipt.
type voteLine struct {
	Category, Title, ID, Receipt, CastAt, CastAtISO string
	ProofPath                                       string // the vote's proof page
}

// confirmView is the confirmation step of a vote.
type confirmView struct {
	Year     int
	Category namedCode
	Nominee  ballotNominee
}

// ballotPage shows the signed-in voter's ballot of a contest in the
// category ?category=N (the first by default), from app.Service.Ballot.
// Choosing a nominee leads to a confirmation step (confirmVotePage); a
// page says so when the nominees are not published, the voting window is
// not open, or the voter's email is not verified.
func (w *webUI) ballotPage(c *gin.Context) {
	contest, ok := w.pageContest(c)
	if !ok {
		return
	}
	v := w.newView(c)
	if c.Query("done") == "voted" {
		v.Notice = v.L.T("ballot.done")
	}
	w.showBallot(c, v, contest, http.StatusOK)
}

// showBallot renders the ballot of contest for the page's user in the
// category of the request, with status.
func (w *webUI) showBallot(c *gin.Context, v *pageView, contest models.Contest, status int) {
	user, _ := pageUser(c)
	ctx := useCase(c)
	v.Title = v.L.T("ballot.title", "Year", v.L.Plain(contest.Year))
	category, ok := categoryParam(c)
	if !ok {
		errorPage(c, http.StatusNotFound, "error.not_found.title", "error.not_found.text")
		return
	}
	data := ballotPageView{Year: contest.Year, Category: categoryName(v.L, category)}
	v.Data = &data
	profile, err := w.app.Profile(ctx, user)
	if err != nil {
		w.failPage(c, err)
		return
	}
	data.Unverified = !profile.EmailVerified
	ballot, err := w.app.Ballot(ctx, user, contest.Year)
	if errors.Is(err, models.ErrNotFound) {
		data.NotPublished = true
		w.render(c, status, "ballot", v)
		return
	}
	if err != nil {
		w.failPage(c, err)
		return
	}
	now := w.clock.Now()
	switch {
	case now.Before(ballot.Voting.OpensAt):
		data.NotOpen = v.L.DateTime(ballot.Voting.OpensAt)
	case !ballot.Open:
		data.Closed = v.L.DateTime(ballot.Voting.ClosesAt)
	}
	chosen := c.Query("nomination_id")
	for _, bc := range ballot.Categories {
		q := url.Values{"category": {strconv.Itoa(bc.Category.Number)}}
		data.Categories = append(data.Categories, ballotCategoryLink{Name: categoryName(v.L, bc.Category.Number).Name,
			Href: "/contests/" + strconv.Itoa(contest.Year) + "/ballot?" + q.Encode(), Voted: bc.Vote != nil,
			Current: bc.Category.Number == category})
		if bc.Category.Number != category {
			continue
		}
		for _, n := range bc.Nominees {
			data.Nominees = append(data.Nominees, ballotNominee{ID: n.ID, nomineeCard: nomineeOf(v.L, n), Chosen: n.ID == chosen})
		}
		if bc.Vote != nil {
			data.Vote = voteOf(v.L, *bc.Vote, bc.Nominees)
		}
	}
	w.render(c, status, "ballot", v)
}

// confirmVotePage is the confirmation step: it names the nominee chosen on
// the ballot and says that a vote is final, with the button that casts it.
// Without a nominee of the category chosen, the ballot comes back saying
// so.
func (w *webUI) confirmVotePage(c *gin.Context) {
	contest, ok := w.pageContest(c)
	if !ok {
		return
	}
	v := w.newView(c)
	user, _ := pageUser(c)
	category, ok := categoryParam(c)
	if !ok {
		errorPage(c, http.StatusNotFound, "error.not_found.title", "error.not_found.text")
		return
	}
	ballot, err := w.app.Ballot(useCase(c), user, contest.Year)
	if err != nil {
		w.failPage(c, err)
		return
	}
	id := c.Query("nomination_id")
	for _, bc := range ballot.Categories {
		if bc.Category.Number != category {
			continue
		}
		for _, n := range bc.Nominees {
			if n.ID == id {
				v.Title = v.L.T("ballot.confirm.title")
				v.Data = confirmView{Year: contest.Year, Category: categoryName(v.L, category),
					Nominee: ballotNominee{ID: n.ID, nomineeCard: nomineeOf(v.L, n)}}
				w.render(c, http.StatusOK, "confirm_vote", v)
				return
			}
		}
	}
	v.Errors = []fieldError{{Field: "nominees", Message: v.L.T("ballot.error.choose")}}
	w.showBallot(c, v, contest, http.StatusUnprocessableEntity)
}

// castVote casts the confirmed vote (app.Service.CastVote) under the JSON
// API's vote limits and returns to the ballot, which shows the vote and its
// receipt. A refusal comes back on the ballot, saying why.
func (w *webUI) castVote(c *gin.Context) {
	contest, ok := w.pageContest(c)
	if !ok {
		return
	}
	user, _ := pageUser(c)
	form := postForm(c)
	category, err := strconv.Atoi(form.Get("category"))
	if err != nil || category < 1 || category > len(models.ActionLines) {
		errorPage(c, http.StatusNotFound, "error.not_found.title", "error.not_found.text")
		return
	}
	// The ballot shown again is the category voted in.
	c.Request.URL.RawQuery = url.Values{"category": {strconv.Itoa(category)}}.Encode()
	v := w.newView(c)
	wait, ok := w.limits.voteIP.take(clientKey(c))
	if ok {
		wait, ok = w.limits.vote.take(user.ID)
	}
	if !ok {
		c.Header("Retry-After", retryAfter(wait))
		v.Errors = []fieldError{{Message: v.L.T("login.error.too_many")}}
		w.showBallot(c, v, contest, http.StatusTooManyRequests)
		return
	}
	_, err = w.app.CastVote(useCase(c), user, contest.Year, category, form.Get("nomination_id"),
		app.Source{ClientIP: c.ClientIP(), UserAgent: c.Request.UserAgent()})
	switch {
	case err == nil:
		redirect(c, "/contests/"+strconv.Itoa(contest.Year)+"/ballot", url.Values{"category": {strconv.Itoa(category)}, "done": {"voted"}})
	case errors.Is(err, models.ErrConflict):
		v.Errors = []fieldError{{Message: v.L.T("ballot.error.already")}}
		w.showBallot(c, v, contest, http.StatusConflict)
	case errors.Is(err, models.ErrPhaseClosed), errors.Is(err, models.ErrForbidden):
		// The ballot says why: the window's dates, or the email to verify.
		w.showBallot(c, v, contest, statusOf(err))
	case errors.Is(err, models.ErrInvalid), errors.Is(err, models.ErrNotFound):
		v.Errors = []fieldError{{Field: "nominees", Message: v.L.T("ballot.error.choose")}}
		w.showBallot(c, v, contest, http.StatusUnprocessableEntity)
	default:
		w.failPage(c, err)
	}
}

// myVotesPage lists the signed-in voter's votes in a contest with their
// receipts (app.Service.MyVotes), each named by its category and nominee.
func (w *webUI) myVotesPage(c *gin.Context) {
	contest, ok := w.pageContest(c)
	if !ok {
		return
	}
	user, _ := pageUser(c)
	ctx := useCase(c)
	v := w.newView(c)
	v.Title = v.L.T("myvotes.title", "Year", v.L.Plain(contest.Year))
	votes, err := w.app.MyVotes(ctx, user, contest.Year)
	if err != nil {
		w.failPage(c, err)
		return
	}
	var nominees []models.Nomination
	if len(votes) > 0 {
		ballot, err := w.app.Ballot(ctx, user, contest.Year)
		if err != nil {
			w.failPage(c, err)
			return
		}
		for _, bc := range ballot.Categories {
			nominees = append(nominees, bc.Nominees...)
		}
	}
	var list []voteLine
	for _, vote := range votes {
		list = append(list, *voteOf(v.L, vote, nominees))
	}
	v.Data = list
	w.render(c, http.StatusOK, "my_votes", v)
}

func voteOf(l *locale.Locale, vote models.Vote, nominees []models.Nomination) *voteLine {
	view := &voteLine{Category: categoryName(l, vote.Category).Name, Title: vote.NominationID, ID: vote.ID,
		Receipt: vote.Receipt, CastAt: l.DateTime(vote.CastAt), CastAtISO: vote.CastAt.UTC().Format(time.RFC3339),
		ProofPath: "/contests/" + strconv.Itoa(vote.Contest) + "/my-votes/" + url.PathEscape(vote.ID) + "/proof"}
	for _, n := range nominees {
		if n.ID == vote.NominationID {
			view.Title = n.ProjectTitle
		}
	}
	return view
}

// categoryParam reads ?category=N, 1 when absent; false for anything but a
// prize category.
func categoryParam(c *gin.Context) (int, bool) {
	n, err := strconv.Atoi(c.DefaultQuery("category", "1"))
	return n, err == nil && n >= 1 && n <= len(models.ActionLines)
}

// statusOf is the HTTP status of a refusal, as the JSON API answers it.
func statusOf(err error) int {
	for _, k := range problemKinds {
		if errors.Is(err, k.kind) {
			return k.status
		}
	}
	return http.StatusInternalServerError
}

// proofView is a vote's inclusion proof as the proof page shows it.
type proofView struct {
	Year        int
	Category    string
	Proof       models.InclusionProof
	Path        string // the audit path, space-separated, for the page's check
	NotYet      bool   // no commitment is published yet
	Reason      string // the catalogue key of why the vote is not counted
	ProofJSON   string // the proof as the API answers it, for wsis verify-receipt
	ResultsPath string
}

// voteProofPage shows the inclusion proof of one of the voter's votes in
// its category's published tree (app.Service.VoteProof), with a button
// whose script checks it in the browser with Web Crypto, and how to check
// it offline; another user's vote is 404.
func (w *webUI) voteProofPage(c *gin.Context) {
	contest, ok := w.pageContest(c)
	if !ok {
		return
	}
	user, _ := pageUser(c)
	v := w.newView(c)
	p, err := w.app.VoteProof(useCase(c), user, c.Param("id"))
	view := proofView{Year: contest.Year}
	switch {
	case errors.Is(err, models.ErrPhaseClosed):
		view.NotYet = true
	case err != nil:
		w.failPage(c, err)
		return
	case p.Contest != contest.Year:
		w.failPage(c, models.ErrNotFound)
		return
	default:
		view.Proof, view.Path = p, strings.Join(p.AuditPath, " ")
		view.Category = categoryName(v.L, p.Category).Name
		if !p.Counted {
			view.Reason = "proof.reason." + p.Reason
		}
		b, _ := json.MarshalIndent(p, "", "  ")
		view.ProofJSON = string(b)
	}
	v.Title = v.L.T("proof.title")
	v.Data = view
	w.render(c, http.StatusOK, "vote_proof", v)
}

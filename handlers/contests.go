package handlers

import (
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/wsis-platform/wsis/app"
	"github.com/wsis-platform/wsis/models"
)

type windowRequest struct {
	OpensAt  time.Time `json:"opens_at" validate:"required"`
	ClosesAt time.Time `json:"closes_at" validate:"required"`
}

type scheduleRequest struct {
	Submission *windowRequest `json:"submission"`
	Review     *windowRequest `json:"review"`
	Voting     *windowRequest `json:"voting"`
	Selection  *windowRequest `json:"selection"`
}

// change is the windows the request holds.
func (r *scheduleRequest) change() app.ScheduleChange {
	if r == nil {
		return nil
	}
	out := app.ScheduleChange{}
	for name, w := range map[models.WindowName]*windowRequest{models.WindowSubmission: r.Submission,
		models.WindowReview: r.Review, models.WindowVoting: r.Voting, models.WindowSelection: r.Selection} {
		if w != nil {
			out[name] = models.Window{OpensAt: w.OpensAt, ClosesAt: w.ClosesAt}
		}
	}
	return out
}

// criterionRequest is one review criterion as an admin defines it.
type criterionRequest struct {
	Key  string `json:"key" validate:"required,max=40,criterion_key"`
	Name string `json:"name" validate:"required,max=200,singleline"`
}

type settingsRequest struct {
	NomineesPerCategory        *int                `json:"nominees_per_category" validate:"omitempty,min=1,max=100"`
	ChampionsPerCategory       *int                `json:"champions_per_category" validate:"omitempty,min=1,max=20"`
	ReviewsPerNomination       *int                `json:"reviews_per_nomination" validate:"omitempty,min=1,max=20"`
	Criteria                   *[]criterionRequest `json:"criteria" validate:"omitempty,min=1,max=20,unique=Key,dive"`
	ScoreNormalization         *string             `json:"score_normalization" validate:"omitempty,oneof=zscore none"`
	AllowThirdPartyNominations *bool               `json:"allow_third_party_nominations"`
	RequireCompleteBallot      *bool               `json:"require_complete_ballot"`
}

// change is the settings the request holds.
func (r *settingsRequest) change() *app.SettingsChange {
	if r == nil {
		return nil
	}
	out := &app.SettingsChange{NomineesPerCategory: r.NomineesPerCategory, ChampionsPerCategory: r.ChampionsPerCategory,
		ReviewsPerNomination: r.ReviewsPerNomination, ScoreNormalization: r.ScoreNormalization,
		AllowThirdPartyNominations: r.AllowThirdPartyNominations, RequireCompleteBallot: r.RequireCompleteBallot}
	if r.Criteria != nil {
		criteria := make([]models.Criterion, len(*r.Criteria))
		for i, c := range *r.Criteria {
			criteria[i] = models.Criterion{Key: c.Key, Name: c.Name}
		}
		out.Criteria = &criteria
	}
	return out
}

type createContestRequest struct {
	Year     int              `json:"year" validate:"required,min=2000,max=2200"`
	Title    string           `json:"title" validate:"required,max=200,singleline"`
	Schedule *scheduleRequest `json:"schedule" validate:"required"`
	Settings *settingsRequest `json:"settings"`
}

// createContest opens a year's contest with its schedule and settings;
// admins only (app.Service.CreateContest).
func (s *server) createContest(c *gin.Context) {
	var req createContestRequest
	if !bindJSON(c, &req) {
		return
	}
	contest, err := s.app.CreateContest(useCase(c), currentUser(c), app.NewContest{Year: req.Year, Title: req.Title,
		Schedule: req.Schedule.change(), Settings: req.Settings.change()})
	if err != nil {
		respondError(c, err)
		return
	}
	c.Header("Location", "/api/v1/contests/"+strconv.Itoa(contest.Year))
	s.answerContest(c, http.StatusCreated, contest)
}

type patchContestRequest struct {
	Title    *string          `json:"title" validate:"omitempty,min=1,max=200,singleline"`
	Schedule *scheduleRequest `json:"schedule"`
	Settings *settingsRequest `json:"settings"`
}

// patchContest moves deadlines and changes settings until the first vote is
// cast; admins only (app.Service.UpdateContest).
func (s *server) patchContest(c *gin.Context) {
	year, ok := yearParam(c)
	if !ok {
		return
	}
	version, ok := ifMatch(c)
	if !ok {
		return
	}
	var req patchContestRequest
	if !bindJSON(c, &req) {
		return
	}
	contest, err := s.app.UpdateContest(useCase(c), currentUser(c), year, version, app.ContestUpdate{Title: req.Title,
		Schedule: req.Schedule.change(), Settings: req.Settings.change()})
	if err != nil {
		respondError(c, err)
		return
	}
	s.answerContest(c, http.StatusOK, contest)
}

// contestAnswer is a contest with the window open now, by the server's
// clock.
type contestAnswer struct {
	models.Contest
	OpenWindow *models.WindowName `json:"open_window"`
	Now        time.Time          `json:"now"`
}

func (s *server) contestView(contest models.Contest) contestAnswer {
	now := s.clock.Now()
	a := contestAnswer{Contest: contest, Now: now}
	if name, ok := contest.OpenWindow(now); ok {
		a.OpenWindow = &name
	}
	return a
}

func (s *server) answerContest(c *gin.Context, status int, contest models.Contest) {
	c.Header("ETag", etag(contest.Version))
	c.JSON(status, s.contestView(contest))
}

// listContests answers every contest, newest first, with its open window.
func (s *server) listContests(c *gin.Context) {
	limit, after, ok := pageParams(c)
	if !ok {
		return
	}
	before := 0
	if after != "" {
		var err error
		if before, err = strconv.Atoi(after); err != nil {
			respondError(c, models.Invalid("cursor", "is not a cursor this list gave"))
			return
		}
	}
	list, next, err := s.store.ContestsPage(c.Request.Context(), before, limit)
	if err != nil {
		respondError(c, err)
		return
	}
	items := make([]contestAnswer, len(list))
	for i, contest := range list {
		items[i] = s.contestView(contest)
	}
	cursor := ""
	if next > 0 {
		cursor = encodeCursor(strconv.Itoa(next))
	}
	c.JSON(http.StatusOK, page[contestAnswer]{Items: items, NextCursor: cursor})
}

// getContest answers one contest: schedule, the window open now, settings
// and stage flags.
func (s *server) getContest(c *gin.Context) {
	year, ok := yearParam(c)
	if !ok {
		return
	}
	contest, err := s.store.Contest(c.Request.Context(), year)
	if err != nil {
		respondError(c, err)
		return
	}
	s.answerContest(c, http.StatusOK, contest)
}

// yearParam reads the {year} path parameter; a malformed one is 404, as no
// contest has it.
func yearParam(c *gin.Context) (int, bool) {
	year, err := strconv.Atoi(c.Param("year"))
	if err != nil || year < 2000 || year > 2200 {
		respondError(c, models.WithDetail(models.ErrNotFound, "no contest for "+c.Param("year")))
		return 0, false
	}
	return year, true
}

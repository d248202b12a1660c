package handlers

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/wsis-platform/wsis/models"
	"github.com/wsis-platform/wsis/store"
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

// apply sets the windows the request holds on s.
func (r *scheduleRequest) apply(s *models.Schedule) {
	for name, w := range map[models.WindowName]*windowRequest{models.WindowSubmission: r.Submission,
		models.WindowReview: r.Review, models.WindowVoting: r.Voting, models.WindowSelection: r.Selection} {
		if w != nil {
			s.Set(name, models.Window{OpensAt: w.OpensAt.UTC(), ClosesAt: w.ClosesAt.UTC()})
		}
	}
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

func (r *settingsRequest) apply(s *models.ContestSettings) {
	if r.NomineesPerCategory != nil {
		s.NomineesPerCategory = *r.NomineesPerCategory
	}
	if r.ChampionsPerCategory != nil {
		s.ChampionsPerCategory = *r.ChampionsPerCategory
	}
	if r.ReviewsPerNomination != nil {
		s.ReviewsPerNomination = *r.ReviewsPerNomination
	}
	if r.Criteria != nil {
		s.Criteria = make([]models.Criterion, len(*r.Criteria))
		for i, c := range *r.Criteria {
			s.Criteria[i] = models.Criterion{Key: c.Key, Name: strings.TrimSpace(c.Name)}
		}
	}
	if r.ScoreNormalization != nil {
		s.ScoreNormalization = *r.ScoreNormalization
	}
	if r.AllowThirdPartyNominations != nil {
		s.AllowThirdPartyNominations = *r.AllowThirdPartyNominations
	}
	if r.RequireCompleteBallot != nil {
		s.RequireCompleteBallot = *r.RequireCompleteBallot
	}
}

type createContestRequest struct {
	Year     int              `json:"year" validate:"required,min=2000,max=2200"`
	Title    string           `json:"title" validate:"required,max=200,singleline"`
	Schedule *scheduleRequest `json:"schedule" validate:"required"`
	Settings *settingsRequest `json:"settings"`
}

// createContest opens a year's contest with its schedule and settings
// (defaults of SPEC §3 for those not given); admins only. Audited.
func (s *server) createContest(c *gin.Context) {
	var req createContestRequest
	if !bindJSON(c, &req) {
		return
	}
	now := s.clock.Now()
	contest := models.Contest{Year: req.Year, Title: strings.TrimSpace(req.Title), Settings: models.DefaultContestSettings(),
		CreatedAt: now, UpdatedAt: now}
	req.Schedule.apply(&contest.Schedule)
	if req.Settings != nil {
		req.Settings.apply(&contest.Settings)
	}
	if err := contest.Schedule.Validate(); err != nil {
		respondError(c, err)
		return
	}
	contest, err := s.store.CreateContest(c.Request.Context(), contest)
	if err != nil {
		respondError(c, err)
		return
	}
	s.record(c, "contest.create", "contest", strconv.Itoa(contest.Year), nil, map[string]any{"title": contest.Title,
		"schedule": contest.Schedule, "settings": contest.Settings})
	c.Header("Location", "/api/v1/contests/"+strconv.Itoa(contest.Year))
	s.answerContest(c, http.StatusCreated, contest)
}

type patchContestRequest struct {
	Title    *string          `json:"title" validate:"omitempty,min=1,max=200,singleline"`
	Schedule *scheduleRequest `json:"schedule"`
	Settings *settingsRequest `json:"settings"`
}

// patchContest moves deadlines (any window, any time, as long as the
// schedule stays ordered) and changes settings until the first vote is
// cast; admins only. Each change is audited with its old and new values.
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
	ctx := c.Request.Context()
	now := s.clock.Now()
	before, after, err := s.store.UpdateContest(ctx, year, version, now, func(contest *models.Contest) error {
		// Checked inside the change, which is written only if nothing changed
		// the contest since it was read.
		if req.Settings != nil {
			if err := s.settingsMayChange(c, year, req.Settings); err != nil {
				return err
			}
		}
		if req.Title != nil {
			contest.Title = strings.TrimSpace(*req.Title)
		}
		if req.Schedule != nil {
			req.Schedule.apply(&contest.Schedule)
			if err := contest.Schedule.Validate(); err != nil {
				return err
			}
		}
		if req.Settings != nil {
			req.Settings.apply(&contest.Settings)
		}
		return nil
	})
	if err != nil {
		respondError(c, err)
		return
	}
	if !before.Schedule.Equal(after.Schedule) {
		s.record(c, "contest.schedule", "contest", strconv.Itoa(year), map[string]any{"schedule": before.Schedule}, map[string]any{"schedule": after.Schedule})
	}
	if req.Settings != nil {
		s.record(c, "contest.settings", "contest", strconv.Itoa(year), map[string]any{"settings": before.Settings}, map[string]any{"settings": after.Settings})
	}
	if before.Title != after.Title {
		s.record(c, "contest.title", "contest", strconv.Itoa(year), map[string]any{"title": before.Title}, map[string]any{"title": after.Title})
	}
	s.answerContest(c, http.StatusOK, after)
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
	list, err := s.store.Contests(c.Request.Context())
	if err != nil {
		respondError(c, err)
		return
	}
	items := make([]contestAnswer, len(list))
	for i, contest := range list {
		items[i] = s.contestView(contest)
	}
	c.JSON(http.StatusOK, gin.H{"items": items, "next_cursor": ""})
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

// settingsMayChange refuses a change of settings once the first vote of the
// contest is cast (SPEC §5, rules freeze), and a change of the criteria once
// a review is submitted, since submitted scores are of the old criteria.
func (s *server) settingsMayChange(c *gin.Context, year int, req *settingsRequest) error {
	ctx := c.Request.Context()
	at, voted, err := s.store.FirstVoteAt(ctx, year)
	if err != nil {
		return err
	}
	if voted {
		return models.WithDetail(models.ErrConflict, "the rules are frozen: the first vote was cast at "+
			at.UTC().Format(time.RFC3339)+"; only the schedule can change")
	}
	if req.Criteria == nil {
		return nil
	}
	reviews, err := s.store.Assignments(ctx, store.AssignmentQuery{Contest: year, State: models.ReviewSubmitted})
	if err != nil {
		return err
	}
	if len(reviews) > 0 {
		return models.WithDetail(models.ErrConflict, "the criteria cannot change: reviews have been submitted with them")
	}
	return nil
}

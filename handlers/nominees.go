package handlers

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/wsis-platform/wsis/models"
	"github.com/wsis-platform/wsis/store"
)

// rankingRow is a nomination's place with what the secretariat needs to read
// it: raw and normalised scores side by side, the number of reviews and the
// disagreement between reviewers.
type rankingRow struct {
	models.RankedNomination
	ProjectTitle string                 `json:"project_title"`
	Organization string                 `json:"organization"`
	State        models.NominationState `json:"state"`
}

// contestRanking ranks the contest's reviewed nominations per category under
// its score normalization, from submitted reviews only.
func (s *server) contestRanking(c *gin.Context, contest models.Contest) (map[int][]rankingRow, error) {
	ctx := c.Request.Context()
	nominations, err := s.store.Nominations(ctx, store.NominationQuery{Contest: contest.Year,
		States: []models.NominationState{models.NominationSubmitted, models.NominationNominee, models.NominationChampion, models.NominationWinner}})
	if err != nil {
		return nil, err
	}
	reviews, err := s.store.Assignments(ctx, store.AssignmentQuery{Contest: contest.Year, State: models.ReviewSubmitted})
	if err != nil {
		return nil, err
	}
	in := models.RankInput{Normalization: contest.Settings.ScoreNormalization}
	for _, cr := range contest.Settings.Criteria {
		in.Criteria = append(in.Criteria, cr.Key)
	}
	byID := map[string]models.Nomination{}
	for _, n := range nominations {
		byID[n.ID] = n
		in.Nominations = append(in.Nominations, models.RankCandidate{ID: n.ID, Category: n.Category, SubmittedAt: n.CreatedAt})
	}
	// Every submitted review of the contest calibrates its reviewer's scale,
	// also reviews of nominations screened out since (SPEC §5).
	for _, r := range reviews {
		in.Reviews = append(in.Reviews, models.SubmittedReview{NominationID: r.NominationID, ReviewerID: r.ReviewerID, Scores: r.Scores})
	}
	out := map[int][]rankingRow{}
	for category, ranked := range models.Rank(in) {
		for _, r := range ranked {
			n := byID[r.NominationID]
			out[category] = append(out[category], rankingRow{RankedNomination: r, ProjectTitle: n.ProjectTitle,
				Organization: n.Organization, State: n.State})
		}
	}
	return out, nil
}

// rankings answers the ranking of a contest's nominations, for one category
// or all; admins only.
func (s *server) rankings(c *gin.Context) {
	year, ok := yearParam(c)
	if !ok {
		return
	}
	category, ok := categoryQuery(c)
	if !ok {
		return
	}
	contest, err := s.store.Contest(c.Request.Context(), year)
	if err != nil {
		respondError(c, err)
		return
	}
	ranking, err := s.contestRanking(c, contest)
	if err != nil {
		respondError(c, err)
		return
	}
	items := []rankingRow{}
	for cat := 1; cat <= len(models.ActionLines); cat++ {
		if category == 0 || category == cat {
			items = append(items, ranking[cat]...)
		}
	}
	c.JSON(http.StatusOK, gin.H{"normalization": contest.Settings.ScoreNormalization, "items": items, "next_cursor": ""})
}

func categoryQuery(c *gin.Context) (int, bool) {
	v := c.Query("category")
	if v == "" {
		return 0, true
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > len(models.ActionLines) {
		respondError(c, models.Invalid("category", "must be from 1 to 18"))
		return 0, false
	}
	return n, true
}

type publishNomineesRequest struct {
	Add    []string `json:"add" validate:"max=500,unique,dive,required,max=64"`
	Remove []string `json:"remove" validate:"max=500,unique,dive,required,max=64"`
	Reason string   `json:"reason" validate:"max=2000,multiline"`
}

// publishNominees makes the top nominees_per_category of each category
// nominees, after the review window closes and before voting opens; admins
// may add or remove nominations with a reason. The shortlist, its overrides
// and the normalization it was ranked by are audited and stored. Once
// published, the nominees are public.
func (s *server) publishNominees(c *gin.Context) {
	year, ok := yearParam(c)
	if !ok {
		return
	}
	var req publishNomineesRequest
	if c.Request.ContentLength != 0 && !bindJSON(c, &req) {
		return
	}
	if (len(req.Add) > 0 || len(req.Remove) > 0) && strings.TrimSpace(req.Reason) == "" {
		respondError(c, models.Invalid("reason", "is required with add or remove"))
		return
	}
	ctx := c.Request.Context()
	now := s.clock.Now()
	contest, err := s.store.Contest(ctx, year)
	if err == nil && contest.Stages.NomineesPublished {
		err = models.WithDetail(models.ErrConflict, "the nominees of this contest are published")
	}
	if err == nil {
		err = contest.RequireClosed(models.WindowReview, now)
	}
	if err == nil {
		err = contest.RequireNotOpened(models.WindowVoting, now)
	}
	var ranking map[int][]rankingRow
	if err == nil {
		ranking, err = s.contestRanking(c, contest)
	}
	if err != nil {
		respondError(c, err)
		return
	}
	chosen := map[string]bool{}
	for _, rows := range ranking {
		for _, r := range rows {
			if r.Rank <= contest.Settings.NomineesPerCategory && r.Reviews > 0 && r.State == models.NominationSubmitted {
				chosen[r.NominationID] = true
			}
		}
	}
	for i, id := range req.Add {
		n, err := s.store.Nomination(ctx, id)
		if err != nil || n.Contest != year || n.State != models.NominationSubmitted {
			respondError(c, models.Invalid(fmt.Sprintf("add[%d]", i), "is not a submitted nomination of this contest"))
			return
		}
		chosen[id] = true
	}
	for i, id := range req.Remove {
		n, err := s.store.Nomination(ctx, id)
		if err != nil || n.Contest != year {
			respondError(c, models.Invalid(fmt.Sprintf("remove[%d]", i), "is not a nomination of this contest"))
			return
		}
		delete(chosen, id)
	}
	ids := make([]string, 0, len(chosen))
	for id := range chosen {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		// Nominations turn nominee before the stage flag is set, and the public
		// sees nominees only once it is: a step cut short is simply run again,
		// and a nominee from the first run is already done.
		if _, err := s.store.UpdateNomination(ctx, id, 0, now, func(n *models.Nomination) error {
			switch n.State {
			case models.NominationNominee:
				return nil
			case models.NominationSubmitted:
				n.State = models.NominationNominee
				return nil
			}
			return models.WithDetail(models.ErrConflict, "nomination "+id+" is "+string(n.State))
		}); err != nil {
			respondError(c, err)
			return
		}
	}
	_, after, err := s.store.UpdateContest(ctx, year, 0, now, func(ct *models.Contest) error {
		if ct.Stages.NomineesPublished {
			return models.WithDetail(models.ErrConflict, "the nominees of this contest are published")
		}
		ct.Stages.NomineesPublished = true
		ct.ShortlistMethod = ct.Settings.ScoreNormalization
		return nil
	})
	if err != nil {
		respondError(c, err)
		return
	}
	s.record(c, "contest.nominees.publish", "contest", strconv.Itoa(year), nil, map[string]any{"nominees": ids, "added": req.Add,
		"removed": req.Remove, "reason": req.Reason, "method": after.ShortlistMethod})
	c.JSON(http.StatusOK, gin.H{"nominees": ids, "method": after.ShortlistMethod})
}

// nominees answers a contest's published nominees, by category: project
// title, organization, countries and short description; never scores.
func (s *server) nominees(c *gin.Context) {
	year, ok := yearParam(c)
	if !ok {
		return
	}
	category, ok := categoryQuery(c)
	if !ok {
		return
	}
	ctx := c.Request.Context()
	contest, err := s.store.Contest(ctx, year)
	if err == nil && !contest.Stages.NomineesPublished {
		err = models.WithDetail(models.ErrNotFound, "the nominees of this contest are not published yet")
	}
	var list []models.Nomination
	if err == nil {
		list, err = s.store.Nominations(ctx, store.NominationQuery{Contest: year, Category: category,
			States: []models.NominationState{models.NominationNominee, models.NominationChampion, models.NominationWinner}})
	}
	if err != nil {
		respondError(c, err)
		return
	}
	items := make([]publicNominationView, 0, len(list))
	for _, n := range list {
		if view, ok := publicNomination(n, contest.Stages); ok {
			items = append(items, view)
		}
	}
	c.Header("Cache-Control", "public, max-age=60")
	c.JSON(http.StatusOK, gin.H{"items": items, "next_cursor": ""})
}

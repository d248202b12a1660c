package app

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strconv"

	"github.com/wsis-platform/wsis/models"
	"github.com/wsis-platform/wsis/store"
)

// PublishResults decides and publishes the results of the year's contest
// (SPEC §5): per category the champion or champions with most reviewer
// picks become winners (a tie gives several), with the admin's overrides.
// The results keep each champion's valid votes and each category's
// invalidated votes from the recount the champions were chosen by, so the
// published figures are the ones that made the champions. The results are
// stored, the results stage is set, the decision is audited and every
// champion's nominator is mailed. A publication cut short may simply run
// again. Admins only. Returns ErrForbidden for anyone else, ErrNotFound for
// a missing contest, ErrInvalid for an override without a reason or naming
// no champion of the contest, ErrPhaseClosed before the champions are
// published and the selection closes, and ErrConflict once the results are
// published.
func (s *Service) PublishResults(ctx context.Context, actor models.User, year int, o Overrides) (models.Results, error) {
	if err := requireAdmin(actor); err != nil {
		return models.Results{}, err
	}
	if err := o.check(); err != nil {
		return models.Results{}, err
	}
	now := s.clock.Now()
	contest, err := s.store.Contest(ctx, year)
	if err == nil {
		err = contest.CheckResultsPublishable(now)
	}
	if err != nil {
		return models.Results{}, err
	}
	counts, err := s.store.ChampionCounts(ctx, year)
	if err != nil {
		return models.Results{}, err
	}
	champions, err := s.store.Nominations(ctx, store.NominationQuery{Contest: year,
		States: []models.NominationState{models.NominationChampion, models.NominationWinner}})
	if err != nil {
		return models.Results{}, err
	}
	picks, err := s.store.Picks(ctx, year)
	if err != nil {
		return models.Results{}, err
	}
	won, err := winners(champions, picks, o)
	if err != nil {
		return models.Results{}, err
	}
	res := models.Results{Contest: year, PublishedAt: now.UTC(), Categories: []models.CategoryResult{}}
	for _, cc := range counts.Categories {
		cr := models.CategoryResult{Category: cc.Category, Invalidated: cc.Invalidated, Winners: []string{}, Champions: []models.ChampionResult{}}
		for _, n := range champions {
			if n.Category != cc.Category {
				continue
			}
			cr.Champions = append(cr.Champions, models.ChampionResult{NominationID: n.ID, ProjectTitle: n.ProjectTitle,
				Organization: n.Organization, Votes: cc.Votes(n.ID), Picks: picks[n.Category][n.ID], Winner: won[n.ID]})
			if won[n.ID] {
				cr.Winners = append(cr.Winners, n.ID)
			}
		}
		slices.SortStableFunc(cr.Champions, func(a, b models.ChampionResult) int { return cmp.Compare(b.Votes, a.Votes) })
		slices.Sort(cr.Winners)
		res.Categories = append(res.Categories, cr)
	}
	// Nominations change first, then the results are kept, then the stage
	// flag makes them public: a run cut short is simply run again.
	for _, n := range champions {
		if won[n.ID] == (n.State == models.NominationWinner) {
			continue
		}
		if _, err := s.store.UpdateNomination(ctx, n.ID, 0, now, func(n *models.Nomination) error { return n.SetWinner(won[n.ID]) }); err != nil {
			return models.Results{}, err
		}
	}
	if err := s.store.PutResults(ctx, res); err != nil {
		return models.Results{}, err
	}
	if _, _, err := s.updateContest(ctx, year, 0, now, (*models.Contest).PublishResults); err != nil {
		return models.Results{}, err
	}
	winnerIDs := []string{}
	for _, cr := range res.Categories {
		winnerIDs = append(winnerIDs, cr.Winners...)
	}
	s.record(ctx, now, actor, "contest.results.publish", "contest", strconv.Itoa(year), nil, map[string]any{"winners": winnerIDs,
		"added": o.Add, "removed": o.Remove, "reason": o.Reason})
	for _, n := range champions {
		if won[n.ID] {
			s.mailNominator(ctx, n, MailResultsWinner, MailData{})
		} else {
			s.mailNominator(ctx, n, MailResultsChampion, MailData{})
		}
	}
	return res, nil
}

// winners are the champions that win, by id: per category those with most
// picks (models.Winners), with o's additions and without its removals.
func winners(champions []models.Nomination, picks map[int]map[string]int, o Overrides) (map[string]bool, error) {
	byCategory := map[int][]string{}
	isChampion := map[string]bool{}
	for _, n := range champions {
		byCategory[n.Category] = append(byCategory[n.Category], n.ID)
		isChampion[n.ID] = true
	}
	won := map[string]bool{}
	for category, ids := range byCategory {
		for _, id := range models.Winners(ids, picks[category]) {
			won[id] = true
		}
	}
	for i, id := range o.Add {
		if !isChampion[id] {
			return nil, models.Invalid(fmt.Sprintf("add[%d]", i), "is not a champion of this contest")
		}
		won[id] = true
	}
	for i, id := range o.Remove {
		if !isChampion[id] {
			return nil, models.Invalid(fmt.Sprintf("remove[%d]", i), "is not a champion of this contest")
		}
		delete(won, id)
	}
	return won, nil
}

// Results returns the year's published results: per category the winners
// and the champions with their valid votes, and the number of invalidated
// votes. Anyone may read them, the anonymous zero User included, once an
// admin published them. Returns ErrNotFound for a missing contest or before
// the results are published.
func (s *Service) Results(ctx context.Context, year int) (models.Results, error) {
	contest, err := s.store.Contest(ctx, year)
	if err == nil && !contest.Stages.ResultsPublished {
		err = models.WithDetail(models.ErrNotFound, "the results of this contest are not published yet")
	}
	if err != nil {
		return models.Results{}, err
	}
	res, err := s.store.Results(ctx, year)
	if err != nil {
		return models.Results{}, err
	}
	published, err := s.store.Commitments(ctx, year)
	if n := len(published); n > 0 {
		res.Commitment = &published[n-1]
	}
	return res, err
}

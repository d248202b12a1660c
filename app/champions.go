package app

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/wsis-platform/wsis/models"
	"github.com/wsis-platform/wsis/store"
)

// Overrides are an admin's changes to a choice the platform makes by count
// (champions by votes, winners by picks), with the reason they are made.
type Overrides struct {
	// Add are ids of nominations to choose as well.
	Add []string
	// Remove are ids of nominations to leave out.
	Remove []string
	// Reason is required with Add or Remove.
	Reason string
}

func (o Overrides) check() error {
	if (len(o.Add) > 0 || len(o.Remove) > 0) && strings.TrimSpace(o.Reason) == "" {
		return models.Invalid("reason", "is required with add or remove")
	}
	return nil
}

// PublishChampions chooses the champions of the year's contest (SPEC §5):
// per category the top champions_per_category nominees by valid votes in a
// recount of the votes, ties by ranking score and then earlier submission,
// with the admin's overrides. They become champions, the recount they were
// chosen by is stored (every figure published later comes from it), the
// champions stage is set, the choice is audited and the nominators of the
// champions, and of nominees a new run no longer chooses, are mailed. It may
// run again until the selection window opens (the first run may come while
// it is open: models.CheckChampionsPublishable). Admins only. Returns
// ErrForbidden for anyone else, ErrNotFound for a missing contest,
// ErrInvalid for an override without a reason or naming no nominee of the
// contest, and ErrPhaseClosed before the nominees are published and the
// voting closes, and after the selection opens for a run again or closes.
func (s *Service) PublishChampions(ctx context.Context, actor models.User, year int, o Overrides) (models.ChampionCounts, error) {
	if err := requireAdmin(actor); err != nil {
		return models.ChampionCounts{}, err
	}
	if err := o.check(); err != nil {
		return models.ChampionCounts{}, err
	}
	now := s.clock.Now()
	contest, err := s.store.Contest(ctx, year)
	if err == nil {
		err = contest.CheckChampionsPublishable(now)
	}
	if err != nil {
		return models.ChampionCounts{}, err
	}
	// The commitment to the counted votes comes first (SPEC §5): when
	// voting closed, before any champion; the champions follow from the
	// same recount.
	_, r, err := s.publishCommitment(ctx, actor, contest, "voting closed")
	if err != nil {
		return models.ChampionCounts{}, err
	}
	nominees, err := s.store.Nominations(ctx, store.NominationQuery{Contest: year,
		States: []models.NominationState{models.NominationNominee, models.NominationChampion}})
	if err != nil {
		return models.ChampionCounts{}, err
	}
	counts, err := s.countChampions(ctx, contest, r, nominees, o, now)
	if err != nil {
		return models.ChampionCounts{}, err
	}
	chosen := map[string]bool{}
	for _, c := range counts.Categories {
		for _, id := range c.Champions {
			chosen[id] = true
		}
	}
	// Nominations change before the stage flag is set and the counts are
	// kept: a run cut short is simply run again.
	var changed []models.Nomination
	for _, n := range nominees {
		if chosen[n.ID] == (n.State == models.NominationChampion) {
			continue
		}
		after, err := s.store.UpdateNomination(ctx, n.ID, 0, now, func(n *models.Nomination) error { return n.SetChampion(chosen[n.ID]) })
		if err != nil {
			return models.ChampionCounts{}, err
		}
		changed = append(changed, after)
	}
	if err := s.store.PutChampionCounts(ctx, counts); err != nil {
		return models.ChampionCounts{}, err
	}
	if _, _, err := s.updateContest(ctx, year, 0, now, (*models.Contest).PublishChampions); err != nil {
		return models.ChampionCounts{}, err
	}
	ids := slices.Sorted(maps.Keys(chosen))
	s.record(ctx, now, actor, "contest.champions.publish", "contest", strconv.Itoa(year), nil, map[string]any{"champions": ids,
		"added": o.Add, "removed": o.Remove, "reason": o.Reason})
	for _, n := range changed {
		if n.State == models.NominationChampion {
			s.mailNominator(ctx, n, MailChampionChosen, MailData{})
		} else {
			s.mailNominator(ctx, n, MailChampionDropped, MailData{})
		}
	}
	return counts, nil
}

// countChampions chooses, from the contest's recount r made at now, each
// category's champions among nominees, with o's overrides.
func (s *Service) countChampions(ctx context.Context, contest models.Contest, r store.Recount, nominees []models.Nomination, o Overrides, now time.Time) (models.ChampionCounts, error) {
	ranking, err := s.ranking(ctx, contest)
	if err != nil {
		return models.ChampionCounts{}, err
	}
	score := map[string]float64{}
	for _, rows := range ranking {
		for _, row := range rows {
			score[row.NominationID] = row.Score
		}
	}
	byID := map[string]models.Nomination{}
	candidates := map[int][]models.ChampionCandidate{}
	for _, n := range nominees {
		byID[n.ID] = n
		candidates[n.Category] = append(candidates[n.Category], models.ChampionCandidate{NominationID: n.ID,
			Votes: r.Count(n.Category, n.ID), RankScore: score[n.ID], SubmittedAt: n.CreatedAt})
	}
	chosen := map[int][]string{}
	for category, cs := range candidates {
		for _, c := range models.TopChampions(cs, contest.Settings.ChampionsPerCategory) {
			chosen[category] = append(chosen[category], c.NominationID)
		}
	}
	for i, id := range o.Add {
		n, ok := byID[id]
		if !ok {
			return models.ChampionCounts{}, models.Invalid(fmt.Sprintf("add[%d]", i), "is not a nominee of this contest")
		}
		if !slices.Contains(chosen[n.Category], id) {
			chosen[n.Category] = append(chosen[n.Category], id)
		}
	}
	for i, id := range o.Remove {
		n, ok := byID[id]
		if !ok {
			return models.ChampionCounts{}, models.Invalid(fmt.Sprintf("remove[%d]", i), "is not a nominee of this contest")
		}
		chosen[n.Category] = slices.DeleteFunc(chosen[n.Category], func(c string) bool { return c == id })
	}
	out := models.ChampionCounts{Contest: contest.Year, CountedAt: now.UTC(), Categories: []models.CategoryChampions{}}
	for _, line := range contest.Categories {
		cs, ok := candidates[line.Number]
		if !ok {
			continue
		}
		cc := models.CategoryChampions{Category: line.Number, Invalidated: r.Invalidated[line.Number], Champions: chosen[line.Number]}
		for _, c := range models.OrderChampions(cs) {
			cc.Nominees = append(cc.Nominees, models.NomineeVotes{NominationID: c.NominationID, Category: line.Number, Votes: c.Votes})
		}
		if cc.Champions == nil {
			cc.Champions = []string{}
		}
		out.Categories = append(out.Categories, cc)
	}
	return out, nil
}

package app

import (
	"context"
	"strconv"
	"strings"

	"github.com/wsis-platform/wsis/models"
	"github.com/wsis-platform/wsis/store"
)

// ScheduleChange holds the windows to set, by name; the windows it does not
// name stay as they are.
type ScheduleChange map[models.WindowName]models.Window

func (c ScheduleChange) apply(s *models.Schedule) {
	for name, w := range c {
		s.Set(name, models.Window{OpensAt: w.OpensAt.UTC(), ClosesAt: w.ClosesAt.UTC()})
	}
}

// SettingsChange holds the settings to change; nil fields stay as they are.
type SettingsChange struct {
	NomineesPerCategory        *int
	ChampionsPerCategory       *int
	ReviewsPerNomination       *int
	Criteria                   *[]models.Criterion
	ScoreNormalization         *string
	AllowThirdPartyNominations *bool
	RequireCompleteBallot      *bool
}

func (c SettingsChange) apply(s *models.ContestSettings) {
	set := func(dst *int, v *int) {
		if v != nil {
			*dst = *v
		}
	}
	set(&s.NomineesPerCategory, c.NomineesPerCategory)
	set(&s.ChampionsPerCategory, c.ChampionsPerCategory)
	set(&s.ReviewsPerNomination, c.ReviewsPerNomination)
	if c.Criteria != nil {
		s.Criteria = make([]models.Criterion, len(*c.Criteria))
		for i, cr := range *c.Criteria {
			s.Criteria[i] = models.Criterion{Key: cr.Key, Name: strings.TrimSpace(cr.Name)}
		}
	}
	if c.ScoreNormalization != nil {
		s.ScoreNormalization = *c.ScoreNormalization
	}
	if c.AllowThirdPartyNominations != nil {
		s.AllowThirdPartyNominations = *c.AllowThirdPartyNominations
	}
	if c.RequireCompleteBallot != nil {
		s.RequireCompleteBallot = *c.RequireCompleteBallot
	}
}

// NewContest is a year's contest as an admin opens it.
type NewContest struct {
	Year     int
	Title    string
	Schedule ScheduleChange
	// Settings change the defaults of SPEC §3; nil keeps them all.
	Settings *SettingsChange
}

// CreateContest opens a year's contest with its schedule and settings, the
// defaults of SPEC §3 for those not given, and audits it. Admins only.
// Returns ErrForbidden for anyone else, ErrInvalid naming each field of a
// schedule out of order, and ErrConflict when the year has a contest.
func (s *Service) CreateContest(ctx context.Context, actor models.User, req NewContest) (models.Contest, error) {
	if err := requireAdmin(actor); err != nil {
		return models.Contest{}, err
	}
	now := s.clock.Now()
	contest := models.Contest{Year: req.Year, Title: strings.TrimSpace(req.Title), Settings: models.DefaultContestSettings(),
		CreatedAt: now, UpdatedAt: now}
	req.Schedule.apply(&contest.Schedule)
	if req.Settings != nil {
		req.Settings.apply(&contest.Settings)
	}
	if err := contest.Schedule.Validate(); err != nil {
		return models.Contest{}, err
	}
	contest, err := s.store.CreateContest(ctx, contest)
	if err != nil {
		return models.Contest{}, err
	}
	s.record(ctx, now, actor, "contest.create", "contest", strconv.Itoa(contest.Year), nil, map[string]any{"title": contest.Title,
		"schedule": contest.Schedule, "settings": contest.Settings})
	return contest, nil
}

// ContestUpdate is an admin's change of a contest; nil fields stay as they
// are.
type ContestUpdate struct {
	Title    *string
	Schedule ScheduleChange
	Settings *SettingsChange
}

// UpdateContest moves deadlines (any window, any time, as long as the
// schedule stays ordered) and changes settings until the first vote is cast
// (the rules freeze), the criteria only until a review is submitted; each
// change is audited with its old and new values. version is the If-Match
// version, 0 for none. Admins only. Returns ErrForbidden for anyone else,
// ErrNotFound, ErrPreconditionFailed for a stale version, ErrInvalid for a
// schedule out of order, and ErrConflict once the rules are frozen.
func (s *Service) UpdateContest(ctx context.Context, actor models.User, year, version int, u ContestUpdate) (models.Contest, error) {
	if err := requireAdmin(actor); err != nil {
		return models.Contest{}, err
	}
	now := s.clock.Now()
	before, after, err := s.updateContest(ctx, year, version, now, func(contest *models.Contest) error {
		// Checked inside the change, which is written only if nothing changed
		// the contest since it was read.
		if u.Settings != nil {
			if err := s.settingsMayChange(ctx, year, u.Settings.Criteria != nil); err != nil {
				return err
			}
		}
		if u.Title != nil {
			contest.Title = strings.TrimSpace(*u.Title)
		}
		if u.Schedule != nil {
			u.Schedule.apply(&contest.Schedule)
			if err := contest.Schedule.Validate(); err != nil {
				return err
			}
		}
		if u.Settings != nil {
			u.Settings.apply(&contest.Settings)
		}
		return nil
	})
	if err != nil {
		return models.Contest{}, err
	}
	target := strconv.Itoa(year)
	if !before.Schedule.Equal(after.Schedule) {
		s.record(ctx, now, actor, "contest.schedule", "contest", target, map[string]any{"schedule": before.Schedule}, map[string]any{"schedule": after.Schedule})
	}
	if u.Settings != nil {
		s.record(ctx, now, actor, "contest.settings", "contest", target, map[string]any{"settings": before.Settings}, map[string]any{"settings": after.Settings})
	}
	if before.Title != after.Title {
		s.record(ctx, now, actor, "contest.title", "contest", target, map[string]any{"title": before.Title}, map[string]any{"title": after.Title})
	}
	return after, nil
}

// settingsMayChange applies the rules freeze to a change of the settings of
// the year's contest, and of its criteria when criteria.
func (s *Service) settingsMayChange(ctx context.Context, year int, criteria bool) error {
	at, voted, err := s.store.FirstVoteAt(ctx, year)
	if err != nil {
		return err
	}
	if err := models.RulesFrozen(at, voted); err != nil || !criteria {
		return err
	}
	reviews, err := s.store.Assignments(ctx, store.AssignmentQuery{Contest: year, State: models.ReviewSubmitted})
	if err != nil {
		return err
	}
	return models.CriteriaFrozen(len(reviews))
}

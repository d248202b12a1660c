package app

import (
	"context"

	"github.com/wsis-platform/wsis/models"
)

// LatestContest returns the contest of the latest year, the one the public
// pages lead with, and false when no contest exists yet. Anyone may call
// it; it returns only database errors.
func (s *Service) LatestContest(ctx context.Context) (models.Contest, bool, error) {
	list, _, err := s.store.ContestsPage(ctx, 0, 1)
	if err != nil || len(list) == 0 {
		return models.Contest{}, false, err
	}
	return list[0], true, nil
}

// Contest returns the contest of the year. Anyone may call it. Returns
// ErrNotFound when there is none.
func (s *Service) Contest(ctx context.Context, year int) (models.Contest, error) {
	return s.store.Contest(ctx, year)
}

// Contests returns every contest, newest first. Anyone may call it; it
// returns only database errors.
func (s *Service) Contests(ctx context.Context) ([]models.Contest, error) {
	return s.store.Contests(ctx)
}

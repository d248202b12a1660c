package app

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/wsis-platform/wsis/models"
)

// SelectChampion records the reviewer's pick of nominationID in category of
// the year's contest, replacing their pick there before (SPEC §5): at most
// one per reviewer per category, however concurrent, and changeable until
// the selection window closes. Reviewers only. Returns ErrForbidden for
// anyone else, ErrNotFound for a missing contest or a nomination that is not
// a champion of it, ErrInvalid for another category than the champion's,
// and ErrPhaseClosed before the champions are published or outside the
// selection window.
func (s *Service) SelectChampion(ctx context.Context, actor models.User, year, category int, nominationID string) (models.Selection, error) {
	if err := requireReviewer(actor); err != nil {
		return models.Selection{}, err
	}
	now := s.clock.Now()
	contest, err := s.store.Contest(ctx, year)
	if err == nil {
		err = contest.RequireSelection(now)
	}
	if err != nil {
		return models.Selection{}, err
	}
	if !slices.Contains(categoryNumbers(contest), category) {
		return models.Selection{}, models.Invalid("category", "is not a category of this contest")
	}
	n, err := s.store.Nomination(ctx, nominationID)
	if errors.Is(err, models.ErrNotFound) || err == nil && (n.Contest != year || n.State != models.NominationChampion) {
		return models.Selection{}, models.WithDetail(models.ErrNotFound, "no champion of this contest has that id")
	}
	if err != nil {
		return models.Selection{}, err
	}
	if n.Category != category {
		return models.Selection{}, models.Invalid("nomination_id", fmt.Sprintf("is a champion of category %d, not %d", n.Category, category))
	}
	return s.store.PutSelection(ctx, models.Selection{Contest: year, Category: category, NominationID: nominationID,
		ReviewerID: actor.ID, At: now})
}

// MySelections returns the reviewer's own picks in the year's contest, by
// category; nobody sees another reviewer's. Reviewers only. Returns
// ErrForbidden for anyone else and ErrNotFound for a missing contest.
func (s *Service) MySelections(ctx context.Context, actor models.User, year int) ([]models.Selection, error) {
	if err := requireReviewer(actor); err != nil {
		return nil, err
	}
	if _, err := s.store.Contest(ctx, year); err != nil {
		return nil, err
	}
	picks, err := s.store.SelectionsOf(ctx, year, actor.ID)
	if picks == nil && err == nil {
		picks = []models.Selection{}
	}
	return picks, err
}

// requireReviewer returns ErrForbidden unless actor is in the Expert Group.
func requireReviewer(actor models.User) error {
	if actor.ID == "" || !actor.HasRole(models.RoleReviewer) {
		return models.ErrForbidden
	}
	return nil
}

package app

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/wsis-platform/wsis/models"
	"github.com/wsis-platform/wsis/store"
)

// Extension is an admin's grant of more time to one reviewer: their reviews
// of the contest may be saved until ClosesAt, after the review window.
type Extension struct {
	ClosesAt time.Time
	Reason   string
}

// GrantExtension lets the reviewer with reviewerID save their reviews of the
// year's contest until e.ClosesAt, replacing any extension they had; the
// other reviewers keep the review window's deadline. ClosesAt must fall
// after the review window closes, and the nominees must not be published
// yet (their publication ends every review: its nominations leave review). Audited with the old and new closing
// time and the reason, at one reading of the clock. Admins only. Returns
// ErrForbidden for anyone else, ErrNotFound for a missing contest or a user
// who is not an active reviewer, a ValidationError for the closing time or
// the reason, and ErrConflict once the nominees are published.
func (s *Service) GrantExtension(ctx context.Context, actor models.User, year int, reviewerID string, e Extension) (store.ReviewExtension, error) {
	now := s.clock.Now()
	contest, err := s.extending(ctx, actor, year, reviewerID)
	if err != nil {
		return store.ReviewExtension{}, err
	}
	e.Reason = strings.TrimSpace(e.Reason)
	review := contest.Schedule.Review
	switch {
	case !e.ClosesAt.After(review.ClosesAt):
		return store.ReviewExtension{}, models.Invalid("closes_at", "must be after the review window closes at "+review.ClosesAt.UTC().Format(time.RFC3339))
	case e.Reason == "":
		return store.ReviewExtension{}, models.Invalid("reason", "is required")
	}
	granted := store.ReviewExtension{Contest: year, ReviewerID: reviewerID, ClosesAt: e.ClosesAt.UTC(), Reason: e.Reason,
		GrantedBy: actor.ID, GrantedAt: now}
	before, err := s.store.PutReviewExtension(ctx, granted)
	if err != nil {
		return store.ReviewExtension{}, err
	}
	var old map[string]any
	if before != nil {
		old = extensionAudit(*before)
	}
	s.record(ctx, now, actor, "review.extension.grant", "reviewer", reviewerID, old, extensionAudit(granted))
	return granted, nil
}

// RevokeExtension withdraws the reviewer's extension in the year's contest,
// so the review window's deadline is theirs again; audited. Admins only.
// Returns ErrForbidden for anyone else, ErrNotFound for a missing contest
// or extension, and ErrConflict once the nominees are published.
func (s *Service) RevokeExtension(ctx context.Context, actor models.User, year int, reviewerID string) error {
	now := s.clock.Now()
	if err := requireAdmin(actor); err != nil {
		return err
	}
	contest, err := s.store.Contest(ctx, year)
	if err == nil && contest.Stages.NomineesPublished {
		err = models.WithDetail(models.ErrConflict, "the nominees are published; the review is over")
	}
	var gone store.ReviewExtension
	if err == nil {
		gone, err = s.store.DeleteReviewExtension(ctx, year, reviewerID)
	}
	if err != nil {
		return err
	}
	s.record(ctx, now, actor, "review.extension.revoke", "reviewer", reviewerID, extensionAudit(gone), nil)
	return nil
}

// extending returns the year's contest when actor, an admin, may change the
// extension of the reviewer with reviewerID in it.
func (s *Service) extending(ctx context.Context, actor models.User, year int, reviewerID string) (models.Contest, error) {
	if err := requireAdmin(actor); err != nil {
		return models.Contest{}, err
	}
	contest, err := s.store.Contest(ctx, year)
	if err != nil {
		return models.Contest{}, err
	}
	if contest.Stages.NomineesPublished {
		return models.Contest{}, models.WithDetail(models.ErrConflict, "the nominees are published; the review is over")
	}
	reviewer, err := s.store.UserByID(ctx, reviewerID)
	if err == nil && !reviewer.ActiveReviewer() {
		err = models.WithDetail(models.ErrNotFound, "no active reviewer has that id")
	}
	return contest, err
}

func extensionAudit(e store.ReviewExtension) map[string]any {
	return map[string]any{"contest": e.Contest, "reviewer_id": e.ReviewerID,
		"closes_at": e.ClosesAt.UTC().Format(time.RFC3339), "reason": e.Reason}
}

// ReviewDeadline is when the reviewer's reviews of the contest close: the
// review window's end, or their extension's when they have one.
func (s *Service) ReviewDeadline(ctx context.Context, contest models.Contest, reviewerID string) (time.Time, error) {
	e, err := s.store.ReviewExtension(ctx, contest.Year, reviewerID)
	if errors.Is(err, models.ErrNotFound) {
		return contest.Schedule.Review.ClosesAt, nil
	}
	if err != nil {
		return time.Time{}, err
	}
	return e.ClosesAt, nil
}

// requireReviewOpen returns a *PhaseClosedError unless the reviewer may save
// reviews of the contest at now: within the review window, or after it
// until their own extension ends. Only an extended reviewer's request
// outside the window reads the extension.
func (s *Service) requireReviewOpen(ctx context.Context, contest models.Contest, reviewerID string, now time.Time) error {
	window := contest.Schedule.Review
	if window.OpenAt(now) || now.Before(window.OpensAt) {
		return contest.RequireOpen(models.WindowReview, now)
	}
	deadline, err := s.ReviewDeadline(ctx, contest, reviewerID)
	if err != nil {
		return err
	}
	if !now.Before(deadline) {
		return &models.PhaseClosedError{Name: models.WindowReview, Dates: models.Window{OpensAt: window.OpensAt, ClosesAt: deadline}}
	}
	return nil
}

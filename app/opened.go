package app

import (
	"context"
	"time"

	"github.com/wsis-platform/wsis/models"
)

// ReviewProgress is how far a reviewer's review of one assignment has come.
type ReviewProgress string

// The steps of a review: assigned and never saved, saved as a draft, and
// submitted.
const (
	ReviewNotStarted ReviewProgress = "not_started"
	ReviewDrafted    ReviewProgress = "draft"
	ReviewSubmitted  ReviewProgress = "submitted"
)

// ProgressOf is how far the review of a has come. An assignment is stored
// as a draft at version 1, so a draft never saved is not started.
func ProgressOf(a models.Assignment) ReviewProgress {
	switch {
	case a.State == models.ReviewSubmitted:
		return ReviewSubmitted
	case a.Version > 1:
		return ReviewDrafted
	}
	return ReviewNotStarted
}

// ReviewSheet is one of a reviewer's assignments as they score it: the
// nomination and criteria, when they first opened it, and their deadline
// (the review window's end or their extension's) with whether their review
// can be saved now.
type ReviewSheet struct {
	AssignmentToReview
	Contest  models.Contest
	OpenedAt time.Time
	Deadline time.Time
	Editable bool
}

// OpenAssignment returns actor's assignment id to score, and records the
// first time its reviewer opened it: an inserted fact keyed by the
// assignment, so opening it again, or many times at once, keeps the first
// time. Its reviewer only (ErrForbidden without the role). Returns ErrNotFound for an assignment that is
// missing or another reviewer's.
func (s *Service) OpenAssignment(ctx context.Context, actor models.User, id string) (ReviewSheet, error) {
	if err := requireReviewer(actor); err != nil {
		return ReviewSheet{}, err
	}
	now := s.clock.Now()
	a, err := s.store.AssignmentOf(ctx, id, actor.ID)
	if err != nil {
		return ReviewSheet{}, err
	}
	opened, err := s.opened(ctx, a, now)
	if err != nil {
		return ReviewSheet{}, err
	}
	n, err := s.store.Nomination(ctx, a.NominationID)
	if err != nil {
		return ReviewSheet{}, err
	}
	contest, err := s.store.Contest(ctx, a.Contest)
	if err != nil {
		return ReviewSheet{}, err
	}
	deadline, err := s.ReviewDeadline(ctx, contest, actor.ID)
	if err != nil {
		return ReviewSheet{}, err
	}
	sheet := ReviewSheet{AssignmentToReview: AssignmentToReview{Assignment: a, Nomination: n, Criteria: contest.Settings.Criteria},
		Contest: contest, OpenedAt: opened, Deadline: deadline,
		Editable: n.InReview() && !now.Before(contest.Schedule.Review.OpensAt) && now.Before(deadline)}
	return sheet, nil
}

// opened returns when a was first opened, recording now as that time when
// it never was. Opening it again reads the record and writes nothing; of
// concurrent first opens, the store keeps one.
func (s *Service) opened(ctx context.Context, a models.Assignment, now time.Time) (time.Time, error) {
	at, err := s.store.AssignmentOpened(ctx, a.ID)
	if err != nil || at != nil {
		return deref(at), err
	}
	first, err := s.store.RecordAssignmentOpened(ctx, a, now)
	if err != nil || first {
		return now, err
	}
	at, err = s.store.AssignmentOpened(ctx, a.ID) // another open came first
	return deref(at), err
}

func deref(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return *t
}

package app

import (
	"context"
	"strings"

	"github.com/wsis-platform/wsis/models"
	"github.com/wsis-platform/wsis/store"
)

// Conflicts returns actor's declared conflicts of interest. A reviewer
// reads their own; anyone else gets ErrForbidden.
func (s *Service) Conflicts(ctx context.Context, actor models.User) (models.Conflicts, error) {
	if err := requireReviewer(actor); err != nil {
		return models.Conflicts{}, err
	}
	return s.store.Conflicts(ctx, actor.ID)
}

// DeclareConflicts replaces actor's declared organizations (trimmed) and
// countries; assignments made from then on respect them. A reviewer
// declares their own; anyone else gets ErrForbidden.
func (s *Service) DeclareConflicts(ctx context.Context, actor models.User, organizations, countries []string) (models.Conflicts, error) {
	if err := requireReviewer(actor); err != nil {
		return models.Conflicts{}, err
	}
	c := models.Conflicts{ReviewerID: actor.ID, Organizations: make([]string, 0, len(organizations)), Countries: countries,
		UpdatedAt: s.clock.Now()}
	for _, o := range organizations {
		c.Organizations = append(c.Organizations, strings.TrimSpace(o))
	}
	if c.Countries == nil {
		c.Countries = []string{}
	}
	return c, s.store.SetConflicts(ctx, c)
}

// Review is a reviewer's scores (criterion key → 0–10) and comment; with
// Submit it is complete and submitted, otherwise a draft.
type Review struct {
	Scores  map[string]int
	Comment string
	Submit  bool
}

// SaveReview saves actor's review of their assignment id during the review
// window, or after it until the reviewer's extension ends (GrantExtension):
// a draft, or with Submit a complete review, which stays editable until
// the deadline. The window check and the stored times are one reading
// of the clock. Its reviewer only (ErrForbidden without the role).
// Returns ErrNotFound for an assignment
// that is missing or another reviewer's, ErrPhaseClosed outside the review
// window, a ValidationError for scores that do not fit the contest's
// criteria, and ErrConflict for a nomination no longer reviewed or a draft
// of a submitted review.
func (s *Service) SaveReview(ctx context.Context, actor models.User, id string, r Review) (models.Assignment, error) {
	if err := requireReviewer(actor); err != nil {
		return models.Assignment{}, err
	}
	now := s.clock.Now()
	a, err := s.store.AssignmentOf(ctx, id, actor.ID)
	var contest models.Contest
	if err == nil {
		contest, err = s.store.Contest(ctx, a.Contest)
	}
	if err == nil {
		err = s.requireReviewOpen(ctx, contest, actor.ID, now) // the window, or this reviewer's extension
	}
	if err == nil {
		var n models.Nomination
		if n, err = s.store.Nomination(ctx, a.NominationID); err == nil && !n.InReview() {
			err = models.WithDetail(models.ErrConflict, "the nomination is "+string(n.State)+" and is no longer reviewed")
		}
	}
	if err == nil {
		err = models.CheckScores(r.Scores, contest.Settings.Criteria, r.Submit)
	}
	if err != nil {
		return models.Assignment{}, err
	}
	return s.store.UpdateAssignment(ctx, a.ID, now, func(a *models.Assignment) error {
		return a.SaveReview(r.Scores, r.Comment, r.Submit, now)
	})
}

// AssignmentToReview is a reviewer's assignment with the nomination it is
// about and its contest's criteria.
type AssignmentToReview struct {
	models.Assignment
	Nomination models.Nomination
	Criteria   []models.Criterion
}

// AssignmentsOf answers the page r asks for of actor's own assignments,
// each with its nomination and
// criteria. A reviewer lists their own; anyone else gets ErrForbidden.
func (s *Service) AssignmentsOf(ctx context.Context, actor models.User, r PageRequest) (Page[AssignmentToReview], error) {
	if err := requireReviewer(actor); err != nil {
		return Page[AssignmentToReview]{}, err
	}
	list, err := s.store.Assignments(ctx, store.AssignmentQuery{ReviewerID: actor.ID})
	if err != nil {
		return Page[AssignmentToReview]{}, err
	}
	// Only the page's nominations and contests are read.
	page := pageOf(list, r, assignmentKey)
	contests := map[int]models.Contest{}
	out := make([]AssignmentToReview, 0, len(page.Items))
	for _, a := range page.Items {
		n, err := s.store.Nomination(ctx, a.NominationID)
		if err != nil {
			return Page[AssignmentToReview]{}, err
		}
		contest, ok := contests[a.Contest]
		if !ok {
			if contest, err = s.store.Contest(ctx, a.Contest); err != nil {
				return Page[AssignmentToReview]{}, err
			}
			contests[a.Contest] = contest
		}
		out = append(out, AssignmentToReview{Assignment: a, Nomination: n, Criteria: contest.Settings.Criteria})
	}
	return Page[AssignmentToReview]{Items: out, Next: page.Next}, nil
}

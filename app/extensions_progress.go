package app

import (
	"cmp"
	"context"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/wsis-platform/wsis/models"
	"github.com/wsis-platform/wsis/store"
)

// ReviewerProgress is where one reviewer stands in a contest's review: each
// of their assignments with its progress and first opening, the counts of
// those, and their extension, if any.
type ReviewerProgress struct {
	Reviewer    models.User
	Assignments []AssignmentProgress
	Assigned    int
	Opened      int
	Drafts      int
	Submitted   int
	Extension   *store.ReviewExtension
}

// AssignmentProgress is one assignment as the admins follow it.
type AssignmentProgress struct {
	models.Assignment
	Progress ReviewProgress
	OpenedAt *time.Time
}

// ReviewersProgress returns the progress of every reviewer of the year's
// contest: the active Expert Group and anyone assigned, by name. It lists
// the Expert Group from the accounts collection, as an automatic assignment
// does, so only an admin's request runs it. Admins only. Returns ErrForbidden for anyone else and ErrNotFound for a missing
// contest.
func (s *Service) ReviewersProgress(ctx context.Context, actor models.User, year int) ([]ReviewerProgress, error) {
	if err := requireAdmin(actor); err != nil {
		return nil, err
	}
	if _, err := s.store.Contest(ctx, year); err != nil {
		return nil, err
	}
	assignments, err := s.store.Assignments(ctx, store.AssignmentQuery{Contest: year})
	if err != nil {
		return nil, err
	}
	opens, err := s.store.AssignmentOpens(ctx, year)
	if err != nil {
		return nil, err
	}
	extensions, err := s.store.ReviewExtensions(ctx, year)
	if err != nil {
		return nil, err
	}
	group, err := s.store.UsersWithRole(ctx, models.RoleReviewer)
	if err != nil {
		return nil, err
	}
	byID := map[string]*ReviewerProgress{}
	for _, u := range group {
		byID[u.ID] = &ReviewerProgress{Reviewer: u}
	}
	reviewer := func(id string) (*ReviewerProgress, error) {
		if p, ok := byID[id]; ok {
			return p, nil
		}
		u, err := s.store.UserByID(ctx, id)
		if errors.Is(err, models.ErrNotFound) {
			u, err = models.User{ID: id}, nil
		}
		if err != nil {
			return nil, err
		}
		byID[id] = &ReviewerProgress{Reviewer: u}
		return byID[id], nil
	}
	for _, a := range assignments {
		p, err := reviewer(a.ReviewerID)
		if err != nil {
			return nil, err
		}
		ap := AssignmentProgress{Assignment: a, Progress: ProgressOf(a)}
		if at, ok := opens[a.ID]; ok {
			ap.OpenedAt = &at
			p.Opened++
		}
		p.Assignments = append(p.Assignments, ap)
		p.Assigned++
		switch ap.Progress {
		case ReviewDrafted:
			p.Drafts++
		case ReviewSubmitted:
			p.Submitted++
		}
	}
	for _, e := range extensions {
		p, err := reviewer(e.ReviewerID)
		if err != nil {
			return nil, err
		}
		p.Extension = &e
	}
	out := make([]ReviewerProgress, 0, len(byID))
	for _, p := range byID {
		out = append(out, *p)
	}
	slices.SortFunc(out, func(a, b ReviewerProgress) int {
		return cmp.Or(strings.Compare(a.Reviewer.Name, b.Reviewer.Name), strings.Compare(a.Reviewer.ID, b.Reviewer.ID))
	})
	return out, nil
}

package app

import (
	"context"

	"github.com/wsis-platform/wsis/models"
)

// Moderate applies an admin's step (publish, return or reject) with note to
// a submitted project; version is the If-Match version, 0 for none. The
// stored time, the first publication time and the audit entry are one
// reading of the clock; the owner is mailed the decision. Admins only.
// Returns ErrForbidden for anyone else, a ValidationError for a return or
// rejection without a note, ErrNotFound, ErrPreconditionFailed for a stale
// version and ErrConflict for a project that is not submitted.
func (s *Service) Moderate(ctx context.Context, actor models.User, id string, version int, step models.ModerationStep, note string) (models.Project, error) {
	if err := requireAdmin(actor); err != nil {
		return models.Project{}, err
	}
	if err := step.CheckNote(note); err != nil {
		return models.Project{}, err
	}
	now := s.clock.Now()
	var before models.ProjectState
	p, err := s.store.UpdateProject(ctx, id, "", version, now, func(p *models.Project) error {
		before = p.State
		return p.Moderate(step, note, now)
	})
	if err != nil {
		return models.Project{}, err
	}
	s.record(ctx, now, actor, "project."+string(step), "project", p.ID, map[string]any{"state": before},
		map[string]any{"state": p.State, "note": p.Note})
	decision := step.Decision()
	s.mailUser(ctx, p.OwnerID, models.MailProjectChanged, MailProjectModerated, MailData{Project: p, Decision: decision,
		KeptPublished: decision == models.ProjectRejected && p.State == models.ProjectPublished}, "project", p.ID)
	return p, nil
}

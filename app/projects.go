package app

import (
	"context"

	"github.com/wsis-platform/wsis/models"
)

// CreateProject records content as a new draft project of actor, created
// and changed at one reading of the clock. Any signed-in user may; it
// returns only database errors.
func (s *Service) CreateProject(ctx context.Context, actor models.User, content models.ProjectContent) (models.Project, error) {
	now := s.clock.Now()
	return s.store.CreateProject(ctx, models.Project{ProjectContent: content, State: models.ProjectDraft,
		OwnerID: actor.ID, CreatedAt: now, UpdatedAt: now})
}

// Project returns the project with id and whether actor may read it whole:
// its owner and admins may (whole is true); anyone else, the anonymous zero
// User included, reads only its published version (whole false), so the
// caller shows p.Public(). Returns ErrNotFound when there is none or actor
// may not see it.
func (s *Service) Project(ctx context.Context, actor models.User, id string) (p models.Project, whole bool, err error) {
	if p, err = s.store.Project(ctx, id); err != nil {
		return models.Project{}, false, err
	}
	if actor.OwnerOrAdmin(p.OwnerID) {
		return p, true, nil
	}
	if !p.IsPublic() {
		return models.Project{}, false, models.WithDetail(models.ErrNotFound, "no such project")
	}
	return p, false, nil
}

// OwnedProject returns actor's own project with id, as the base of an edit.
// Its owner only. Returns ErrNotFound for a project that is missing or
// another user's.
func (s *Service) OwnedProject(ctx context.Context, actor models.User, id string) (models.Project, error) {
	return s.store.OwnedProject(ctx, id, actor.ID)
}

// EditProject replaces the working copy of actor's project base (as
// OwnedProject returned it) with content, when the project's state allows
// an edit; version is the If-Match version, 0 for base's, so that an edit
// made from a stale read is refused too. Its owner only. Returns
// ErrNotFound for another user's project, ErrPreconditionFailed for a stale
// version and ErrConflict for a project under review or rejected.
func (s *Service) EditProject(ctx context.Context, actor models.User, base models.Project, version int, content models.ProjectContent) (models.Project, error) {
	if version == 0 {
		version = base.Version
	}
	return s.store.UpdateProject(ctx, base.ID, actor.ID, version, s.clock.Now(), func(p *models.Project) error {
		if err := p.CanEdit(); err != nil {
			return err
		}
		p.ProjectContent = content
		return nil
	})
}

// DeleteProject deletes actor's project that was never published; version
// is the If-Match version, 0 for none. Its owner only. Returns ErrNotFound
// for a project that is missing or another user's, ErrPreconditionFailed for
// a stale version and ErrConflict for one published or under review.
func (s *Service) DeleteProject(ctx context.Context, actor models.User, id string, version int) error {
	return s.store.DeleteProject(ctx, id, actor.ID, version, s.clock.Now(), func(p *models.Project) error { return p.CanDelete() })
}

// SubmitProject sends the working copy of actor's project to the
// moderators; version is the If-Match version, 0 for none. Its owner only.
// Returns ErrNotFound for a project that is missing or another user's,
// ErrPreconditionFailed for a stale version and ErrConflict when the state
// does not allow a submission (models.Project.CanSubmit).
func (s *Service) SubmitProject(ctx context.Context, actor models.User, id string, version int) (models.Project, error) {
	return s.store.UpdateProject(ctx, id, actor.ID, version, s.clock.Now(), (*models.Project).Submit)
}

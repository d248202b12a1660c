package app

import (
	"context"
	"errors"
	"time"

	"github.com/wsis-platform/wsis/models"
	"github.com/wsis-platform/wsis/store"
)

// NewNomination is a nominator's entry of a project into a category.
type NewNomination struct {
	ProjectID string
	Category  int
	Text      models.NominationText
}

// Nominate enters a project into a category of the year's contest, during
// its submission window only, and mails the nominator a receipt; the window
// check and the stored times are one reading of the clock. Any signed-in
// user may nominate their own project or, when the contest allows, any
// published one. Returns ErrNotFound for a missing contest or a project the
// actor may not see, ErrPhaseClosed outside the window, ErrInvalid for a
// category that is not one of the project's action lines or a project that
// won before, and ErrConflict for a second nomination of the project in the
// contest or of its organization in the category (naming, to the project's
// owner, the nomination someone else holds).
func (s *Service) Nominate(ctx context.Context, actor models.User, year int, req NewNomination) (models.Nomination, error) {
	now := s.clock.Now()
	contest, err := s.store.Contest(ctx, year)
	if err == nil {
		err = contest.RequireOpen(models.WindowSubmission, now)
	}
	var project models.Project
	if err == nil {
		project, err = s.nominableProject(ctx, contest, actor, req)
	}
	if err != nil {
		return models.Nomination{}, err
	}
	content := project.ProjectContent
	if project.Published != nil {
		content = *project.Published
	}
	n := models.Nomination{Contest: year, Category: req.Category, ProjectID: project.ID, ProjectTitle: content.Title,
		Organization: content.Organization, Countries: content.Countries, NominatorID: actor.ID,
		State: models.NominationSubmitted, CreatedAt: now, UpdatedAt: now}
	if err := n.Edit(req.Text); err != nil {
		return models.Nomination{}, err
	}
	if n, err = s.store.CreateNomination(ctx, n); err != nil {
		if errors.Is(err, models.ErrConflict) && project.OwnerID == actor.ID {
			err = s.explainSquat(ctx, year, project.ID, actor.ID, err)
		}
		return models.Nomination{}, err
	}
	s.mailNominator(ctx, n, MailNominationReceived, MailData{ActionLine: models.ActionLines[n.Category-1].Name,
		ClosesAt: contest.Schedule.Submission.ClosesAt})
	return n, nil
}

// nominableProject returns the project actor nominates by req in contest,
// if SPEC §5's rules about the project allow it.
func (s *Service) nominableProject(ctx context.Context, contest models.Contest, actor models.User, req NewNomination) (models.Project, error) {
	project, err := s.store.Project(ctx, req.ProjectID)
	if err == nil {
		err = models.CheckNominable(contest, project, actor.ID, req.Category)
	}
	if err == nil {
		var won bool
		if won, err = s.store.WonBefore(ctx, project.ID, contest.Year); err == nil && won {
			err = models.Invalid("project_id", "this project won an earlier WSIS Prize and cannot be nominated again")
		}
	}
	return project, err
}

// explainSquat turns the conflict of a project owner's nomination into one
// that names the nomination of their project someone else holds, which the
// owner may withdraw; err when there is none.
func (s *Service) explainSquat(ctx context.Context, year int, projectID, ownerID string, err error) error {
	held, lerr := s.store.Nominations(ctx, store.NominationQuery{Contest: year, ProjectID: projectID})
	if lerr != nil {
		return err
	}
	for _, n := range held {
		if n.State == models.NominationSubmitted && n.NominatorID != ownerID {
			return models.WithDetail(models.ErrConflict, "this project is already nominated in this contest by another user "+
				"(nomination "+n.ID+"); as the project's owner you may withdraw that nomination and nominate it yourself")
		}
	}
	return err
}

// NominationUpdate is a nominator's change of their text; nil fields stay
// as they are.
type NominationUpdate struct {
	ShortDescription *string
	Impact           *string
	SDGLinkage       *string
	Partnerships     *string
	Challenges       *string
	Implementation   *string
}

func (u NominationUpdate) apply(t *models.NominationText) {
	for _, f := range []struct{ dst, v *string }{{&t.ShortDescription, u.ShortDescription}, {&t.Impact, u.Impact},
		{&t.SDGLinkage, u.SDGLinkage}, {&t.Partnerships, u.Partnerships}, {&t.Challenges, u.Challenges},
		{&t.Implementation, u.Implementation}} {
		if f.v != nil {
			*f.dst = *f.v
		}
	}
}

// EditNomination changes the text of the actor's submitted nomination until
// the submission deadline; version is the If-Match version, 0 for none. Its
// nominator only. Returns ErrNotFound for a nomination that is missing or
// another user's, ErrPhaseClosed after the deadline, ErrPreconditionFailed
// for a stale version and ErrConflict for a nomination no longer submitted.
func (s *Service) EditNomination(ctx context.Context, actor models.User, id string, version int, u NominationUpdate) (models.Nomination, error) {
	now := s.clock.Now()
	current, err := s.store.NominationOf(ctx, id, actor.ID)
	if err == nil {
		err = s.submissionOpen(ctx, current.Contest, now)
	}
	if err != nil {
		return models.Nomination{}, err
	}
	if version == 0 {
		version = current.Version
	}
	return s.store.UpdateNomination(ctx, id, version, now, func(n *models.Nomination) error {
		t := n.Text()
		u.apply(&t)
		return n.Edit(t)
	})
}

// WithdrawNomination withdraws a submitted nomination until the submission
// deadline, freeing its project's and organization's slots; version is the
// If-Match version, 0 for none. Its nominator may, and so may its project's
// owner, whatever user nominated the project; a nominator whose nomination
// the owner withdrew is told by mail. Returns ErrNotFound for a nomination
// that is missing or that the actor may not withdraw, ErrPhaseClosed after
// the deadline, ErrPreconditionFailed for a stale version and ErrConflict
// for a nomination no longer submitted.
func (s *Service) WithdrawNomination(ctx context.Context, actor models.User, id string, version int) error {
	now := s.clock.Now()
	current, err := s.store.NominationWithdrawableBy(ctx, id, actor.ID)
	if err == nil {
		err = s.submissionOpen(ctx, current.Contest, now)
	}
	if err != nil {
		return err
	}
	n, err := s.store.UpdateNomination(ctx, id, version, now, (*models.Nomination).Withdraw)
	if err != nil {
		return err
	}
	if n.NominatorID != actor.ID {
		s.mailNominator(ctx, n, MailNominationWithdrawn, MailData{})
	}
	return nil
}

// submissionOpen returns ErrPhaseClosed unless the submission window of the
// year's contest is open at now.
func (s *Service) submissionOpen(ctx context.Context, year int, now time.Time) error {
	contest, err := s.store.Contest(ctx, year)
	if err != nil {
		return err
	}
	return contest.RequireOpen(models.WindowSubmission, now)
}

// Screening is an admin's decision that a nomination breaks the contest's
// rules.
type Screening struct {
	Reason string
	// ReleaseSlots frees the nomination's project and organization slots,
	// so that they may be nominated again in the category.
	ReleaseSlots bool
}

// ScreenOut marks a submitted nomination ineligible with a reason, audits it
// and mails the nominator; with ReleaseSlots its project and organization
// may be nominated again in the category, without, it keeps their slots.
// version is the If-Match version, 0 for none. Admins only. Returns
// ErrForbidden for anyone else, ErrNotFound, ErrPreconditionFailed for a
// stale version and ErrConflict for a nomination that is not submitted.
func (s *Service) ScreenOut(ctx context.Context, actor models.User, id string, version int, req Screening) (models.Nomination, error) {
	if err := requireAdmin(actor); err != nil {
		return models.Nomination{}, err
	}
	now := s.clock.Now()
	n, err := s.store.UpdateNomination(ctx, id, version, now, func(n *models.Nomination) error {
		return n.MarkIneligible(req.Reason, req.ReleaseSlots)
	})
	if err != nil {
		return models.Nomination{}, err
	}
	s.record(ctx, now, actor, "nomination.ineligible", "nomination", n.ID, map[string]any{"state": models.NominationSubmitted},
		map[string]any{"state": n.State, "reason": n.IneligibleReason, "slots_released": n.SlotsReleased})
	s.mailNominator(ctx, n, MailNominationScreenedOut, MailData{})
	return n, nil
}

// mailNominator sends n's nominator the mail key with data about n; a
// failure is logged, as the change it tells of has happened.
func (s *Service) mailNominator(ctx context.Context, n models.Nomination, key MailKey, data MailData) {
	data.Year, data.Nomination = n.Contest, n
	s.mailUser(ctx, n.NominatorID, models.MailNomination, key, data, "nomination", n.ID)
}

// Nomination returns the nomination with id as actor may read it: whole
// (whole is true) to its nominator, its project's owner and admins; to
// anyone else, the anonymous zero User included, only once it is a nominee,
// with the state the contest's published stages show (models.PublicState)
// and whole false, so the caller shows only its public view. Returns
// ErrNotFound when there is none or actor may not see it.
func (s *Service) Nomination(ctx context.Context, actor models.User, id string) (n models.Nomination, whole bool, err error) {
	if n, err = s.store.NominationVisibleTo(ctx, id, actor); err == nil {
		return n, true, nil
	}
	if !errors.Is(err, models.ErrNotFound) {
		return models.Nomination{}, false, err
	}
	if n, err = s.store.Nomination(ctx, id); err != nil {
		return models.Nomination{}, false, err
	}
	contest, err := s.store.Contest(ctx, n.Contest)
	if err != nil {
		return models.Nomination{}, false, err
	}
	state, ok := n.PublicState(contest.Stages)
	if !ok {
		return models.Nomination{}, false, models.ErrNotFound
	}
	n.State = state
	return n, false, nil
}

// NominationsOf answers the page r asks for of actor's own nominations,
// newest contest first. Any
// signed-in user may list theirs; it returns only database errors.
func (s *Service) NominationsOf(ctx context.Context, actor models.User, r PageRequest) (Page[models.Nomination], error) {
	list, err := s.store.Nominations(ctx, store.NominationQuery{NominatorID: actor.ID})
	if err != nil {
		return Page[models.Nomination]{}, err
	}
	return pageOf(list, r, nominationKey), nil
}

// NominationFilter selects a contest's nominations; zero fields do not
// filter.
type NominationFilter struct {
	Category int
	States   []models.NominationState
}

// ContestNominations answers the page r asks for of the year's
// nominations, by category and state.
// Admins only. Returns ErrForbidden for anyone else.
func (s *Service) ContestNominations(ctx context.Context, actor models.User, year int, f NominationFilter, r PageRequest) (Page[models.Nomination], error) {
	if err := requireAdmin(actor); err != nil {
		return Page[models.Nomination]{}, err
	}
	list, err := s.store.Nominations(ctx, store.NominationQuery{Contest: year, Category: f.Category, States: f.States})
	if err != nil {
		return Page[models.Nomination]{}, err
	}
	return pageOf(list, r, nominationKey), nil
}

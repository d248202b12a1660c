package app

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/wsis-platform/wsis/models"
	"github.com/wsis-platform/wsis/store"
)

// AutoAssignment is an admin's request for automatic assignment; zero
// fields take the defaults.
type AutoAssignment struct {
	// PerNomination is how many reviewers each nomination gets; the
	// contest's reviews_per_nomination by default.
	PerNomination int
	// ReviewerIDs is the Expert Group; every active reviewer by default.
	ReviewerIDs []string
}

// AssignmentReport is what an automatic assignment did: the assignments it
// made, the nominations it could not cover and why, and each reviewer's
// load (assignments in the contest) afterwards.
type AssignmentReport struct {
	Assigned  []models.Assignment
	Uncovered []models.Uncovered
	Loads     map[string]int
}

// AutoAssign gives every nomination of the year's contest that is in review
// PerNomination distinct, conflict-free reviewers, keeping the assignments
// it has, with loads as even as conflicts allow (models.AutoAssign);
// running it again adds nothing. The window check, the stored times and the
// audit are one reading of the clock; reviewers are mailed their new work.
// Admins only. Returns ErrForbidden for anyone else, ErrNotFound for a
// missing contest, ErrPhaseClosed once the review window closed and a
// ValidationError for a named reviewer who is not an active one.
func (s *Service) AutoAssign(ctx context.Context, actor models.User, year int, req AutoAssignment) (AssignmentReport, error) {
	now := s.clock.Now()
	contest, err := s.assigning(ctx, actor, year, now)
	if err != nil {
		return AssignmentReport{}, err
	}
	in := models.AssignInput{PerNomination: req.PerNomination, Existing: map[string][]string{}}
	if in.PerNomination == 0 {
		in.PerNomination = contest.Settings.ReviewsPerNomination
	}
	byID, existing, err := s.assignInput(ctx, year, req.ReviewerIDs, &in)
	if err != nil {
		return AssignmentReport{}, err
	}
	result := models.AutoAssign(in)
	var fresh []models.Assignment
	for _, id := range in.Nominations {
		for _, r := range result.New[id] {
			fresh = append(fresh, newAssignment(byID[id], r, now))
		}
	}
	created, err := s.store.CreateAssignments(ctx, fresh)
	if err != nil {
		return AssignmentReport{}, err
	}
	s.assigned(ctx, actor, now, "assignment.auto", created)
	report := AssignmentReport{Assigned: created, Uncovered: result.Uncovered, Loads: map[string]int{}}
	for _, r := range in.Reviewers {
		report.Loads[r] = 0
	}
	for _, a := range append(existing, created...) {
		if _, ok := report.Loads[a.ReviewerID]; ok {
			report.Loads[a.ReviewerID]++
		}
	}
	if report.Assigned == nil {
		report.Assigned = []models.Assignment{}
	}
	if report.Uncovered == nil {
		report.Uncovered = []models.Uncovered{}
	}
	return report, nil
}

// assignInput fills in with the year's nominations in review, their
// assignments and the Expert Group named by reviewerIDs with their
// conflicts; it returns the nominations by id and the assignments.
func (s *Service) assignInput(ctx context.Context, year int, reviewerIDs []string, in *models.AssignInput) (map[string]models.Nomination, []models.Assignment, error) {
	reviewers, err := s.expertGroup(ctx, reviewerIDs)
	if err != nil {
		return nil, nil, err
	}
	nominations, err := s.store.Nominations(ctx, store.NominationQuery{Contest: year, States: models.ReviewedStates})
	if err != nil {
		return nil, nil, err
	}
	existing, err := s.store.Assignments(ctx, store.AssignmentQuery{Contest: year})
	if err != nil {
		return nil, nil, err
	}
	byID := map[string]models.Nomination{}
	for _, n := range nominations {
		in.Nominations = append(in.Nominations, n.ID)
		byID[n.ID] = n
	}
	for _, a := range existing {
		in.Existing[a.NominationID] = append(in.Existing[a.NominationID], a.ReviewerID)
	}
	type member struct {
		user      models.User
		conflicts models.Conflicts
	}
	members := map[string]member{}
	for _, r := range reviewers {
		conflicts, err := s.store.Conflicts(ctx, r.ID)
		if err != nil {
			return nil, nil, err
		}
		members[r.ID] = member{r, conflicts}
		in.Reviewers = append(in.Reviewers, r.ID)
	}
	in.Conflict = func(nomination, reviewer string) bool {
		m := members[reviewer]
		return m.conflicts.ConflictWith(m.user.Organization, byID[nomination]) != ""
	}
	return byID, existing, nil
}

// expertGroup returns the reviewers named, each of whom must be an active
// reviewer, or every active reviewer when none is named.
func (s *Service) expertGroup(ctx context.Context, ids []string) ([]models.User, error) {
	if len(ids) == 0 {
		return s.store.UsersWithRole(ctx, models.RoleReviewer)
	}
	out := make([]models.User, 0, len(ids))
	for i, id := range ids {
		u, err := s.store.UserByID(ctx, id)
		if err != nil || !u.ActiveReviewer() {
			return nil, models.Invalid(fmt.Sprintf("reviewer_ids[%d]", i), "is not an active member of the Expert Group (reviewer role)")
		}
		out = append(out, u)
	}
	return out, nil
}

// ConflictOfInterest is AssignReviewer's refusal of a reviewer who must not
// review the nomination; it is an ErrConflict whose detail says why.
type ConflictOfInterest struct {
	// Kind is ConflictOwnOrganization, ConflictDeclaredOrganization or
	// ConflictDeclaredCountry.
	Kind string
	// Subject is the nominated organization, or the country code of a
	// declared country.
	Subject string
	err     error
}

// The kinds of a conflict of interest (SPEC §5).
const (
	ConflictOwnOrganization      = "own_organization"
	ConflictDeclaredOrganization = "declared_organization"
	ConflictDeclaredCountry      = "declared_country"
)

func (e *ConflictOfInterest) Error() string { return e.err.Error() }
func (e *ConflictOfInterest) Unwrap() error { return e.err }

// conflictOfInterest names which of the rules of models.Conflicts refuses
// reviewer for n, asking each rule on its own.
func conflictOfInterest(reviewer models.User, c models.Conflicts, n models.Nomination, why string) error {
	e := &ConflictOfInterest{Kind: ConflictDeclaredCountry, err: models.WithDetail(models.ErrConflict, "conflict of interest: "+why)}
	switch {
	case models.Conflicts{}.ConflictWith(reviewer.Organization, n) != "":
		e.Kind, e.Subject = ConflictOwnOrganization, n.Organization
	case models.Conflicts{Organizations: c.Organizations}.ConflictWith("", n) != "":
		e.Kind, e.Subject = ConflictDeclaredOrganization, n.Organization
	default:
		for _, country := range n.Countries {
			if (models.Conflicts{Countries: c.Countries}).ConflictWith("", models.Nomination{Countries: []string{country}}) != "" {
				e.Subject = country
				break
			}
		}
	}
	return e
}

// AssignReviewer assigns the reviewer with reviewerID to a nomination by
// hand; window check, stored times and audit are one reading of the clock,
// and the reviewer is mailed. Admins only. Returns ErrForbidden for anyone
// else, ErrNotFound for a missing nomination or contest, ErrPhaseClosed
// once the review window closed, a ValidationError for a reviewer who is
// not an active one, and ErrConflict for a nomination not in review, a
// conflict of interest (a *ConflictOfInterest, saying which) or a reviewer
// already assigned.
func (s *Service) AssignReviewer(ctx context.Context, actor models.User, nominationID, reviewerID string) (models.Assignment, error) {
	now := s.clock.Now()
	n, err := s.store.Nomination(ctx, nominationID)
	if err == nil && !n.InReview() {
		err = models.WithDetail(models.ErrConflict, "a "+string(n.State)+" nomination is not reviewed")
	}
	if err == nil {
		_, err = s.assigning(ctx, actor, n.Contest, now)
	}
	var reviewer models.User
	if err == nil {
		reviewer, err = s.store.UserByID(ctx, reviewerID)
	}
	if err == nil && !reviewer.ActiveReviewer() {
		err = models.Invalid("reviewer_id", "is not an active member of the Expert Group (reviewer role)")
	}
	var conflicts models.Conflicts
	if err == nil {
		conflicts, err = s.store.Conflicts(ctx, reviewer.ID)
	}
	if err == nil {
		if why := conflicts.ConflictWith(reviewer.Organization, n); why != "" {
			err = conflictOfInterest(reviewer, conflicts, n, why)
		}
	}
	var created []models.Assignment
	if err == nil {
		created, err = s.store.CreateAssignments(ctx, []models.Assignment{newAssignment(n, reviewer.ID, now)})
	}
	if err == nil && len(created) == 0 {
		err = models.WithDetail(models.ErrConflict, "the reviewer is already assigned to this nomination")
	}
	if err != nil {
		return models.Assignment{}, err
	}
	s.assigned(ctx, actor, now, "assignment.create", created)
	return created[0], nil
}

// UnassignReviewer removes the assignment id whose review is not
// submitted, until the review window closes; audited. Admins only. Returns
// ErrForbidden for anyone else, ErrNotFound, ErrPhaseClosed once the review
// window closed and ErrConflict for a submitted review.
func (s *Service) UnassignReviewer(ctx context.Context, actor models.User, id string) error {
	now := s.clock.Now()
	a, err := s.store.Assignment(ctx, id)
	if err == nil {
		_, err = s.assigning(ctx, actor, a.Contest, now)
	}
	if err == nil {
		a, err = s.store.DeleteAssignment(ctx, a.ID)
	}
	if err != nil {
		return err
	}
	s.audit(ctx, actor, now, "assignment.delete", []models.Assignment{a})
	return nil
}

// assigning returns the year's contest if actor, an admin, may still change
// its assignments at now: until its review window closes.
func (s *Service) assigning(ctx context.Context, actor models.User, year int, now time.Time) (models.Contest, error) {
	if err := requireAdmin(actor); err != nil {
		return models.Contest{}, err
	}
	contest, err := s.store.Contest(ctx, year)
	if err == nil {
		err = contest.RequireNotClosed(models.WindowReview, now)
	}
	return contest, err
}

func newAssignment(n models.Nomination, reviewerID string, now time.Time) models.Assignment {
	return models.Assignment{Contest: n.Contest, Category: n.Category, NominationID: n.ID, ReviewerID: reviewerID,
		CreatedAt: now, UpdatedAt: now}
}

// assigned audits the assignments created under action and mails each
// reviewer of theirs in one mail.
func (s *Service) assigned(ctx context.Context, actor models.User, now time.Time, action string, created []models.Assignment) {
	s.audit(ctx, actor, now, action, created)
	perReviewer := map[string][]models.Assignment{}
	for _, a := range created {
		perReviewer[a.ReviewerID] = append(perReviewer[a.ReviewerID], a)
	}
	ids := make([]string, 0, len(perReviewer))
	for id := range perReviewer {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		data := MailData{Count: len(perReviewer[id])}
		for _, a := range perReviewer[id] {
			if n, err := s.store.Nomination(ctx, a.NominationID); err == nil {
				data.Nominations = append(data.Nominations, n)
			}
		}
		s.mailUser(ctx, id, models.MailAssignment, MailAssignmentsNew, data, "reviewer", id)
	}
}

func (s *Service) audit(ctx context.Context, actor models.User, now time.Time, action string, as []models.Assignment) {
	for _, a := range as {
		s.record(ctx, now, actor, action, "assignment", a.ID, nil, map[string]any{"nomination_id": a.NominationID,
			"reviewer_id": a.ReviewerID, "contest": a.Contest})
	}
}

package handlers

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/wsis-platform/wsis/models"
	"github.com/wsis-platform/wsis/store"
)

// nominationContent is what a nominator writes (SPEC §3): the short
// description voters read, and the longer answers reviewers read.
type nominationContent struct {
	ShortDescription string `json:"short_description" validate:"required,minwords=150,maxwords=200,multiline"`
	Impact           string `json:"impact" validate:"required,minwords=50,maxwords=500,multiline"`
	SDGLinkage       string `json:"sdg_linkage" validate:"required,minwords=50,maxwords=500,multiline"`
	Partnerships     string `json:"partnerships" validate:"required,minwords=50,maxwords=500,multiline"`
	Challenges       string `json:"challenges" validate:"required,minwords=50,maxwords=500,multiline"`
	Implementation   string `json:"implementation" validate:"required,oneof=completed major-phase-completed"`
}

func (r nominationContent) apply(n *models.Nomination) {
	n.ShortDescription, n.Impact = strings.TrimSpace(r.ShortDescription), strings.TrimSpace(r.Impact)
	n.SDGLinkage, n.Partnerships = strings.TrimSpace(r.SDGLinkage), strings.TrimSpace(r.Partnerships)
	n.Challenges, n.Implementation = strings.TrimSpace(r.Challenges), r.Implementation
}

type createNominationRequest struct {
	ProjectID        string `json:"project_id" validate:"required,max=64"`
	Category         int    `json:"category" validate:"required,min=1,max=18"`
	ShortDescription string `json:"short_description" validate:"required,minwords=150,maxwords=200,multiline"`
	Impact           string `json:"impact" validate:"required,minwords=50,maxwords=500,multiline"`
	SDGLinkage       string `json:"sdg_linkage" validate:"required,minwords=50,maxwords=500,multiline"`
	Partnerships     string `json:"partnerships" validate:"required,minwords=50,maxwords=500,multiline"`
	Challenges       string `json:"challenges" validate:"required,minwords=50,maxwords=500,multiline"`
	Implementation   string `json:"implementation" validate:"required,oneof=completed major-phase-completed"`
}

func (r createNominationRequest) content() nominationContent {
	return nominationContent{ShortDescription: r.ShortDescription, Impact: r.Impact, SDGLinkage: r.SDGLinkage,
		Partnerships: r.Partnerships, Challenges: r.Challenges, Implementation: r.Implementation}
}

// nominate enters a project into a category of the contest, during its
// submission window only. The project is the nominator's own or, when the
// contest allows, any published one (another user's unpublished project is
// 404); the category must be one of its action lines; an earlier winner is
// ineligible (422). A second nomination of the project in the contest, or of
// its organization in the category, is 409 — held by unique indexes.
func (s *server) nominate(c *gin.Context) {
	year, ok := yearParam(c)
	if !ok {
		return
	}
	ctx := c.Request.Context()
	contest, err := s.store.Contest(ctx, year)
	if err == nil {
		err = contest.RequireOpen(models.WindowSubmission, s.clock.Now())
	}
	if err != nil {
		respondError(c, err)
		return
	}
	var req createNominationRequest
	if !bindJSON(c, &req) {
		return
	}
	user := currentUser(c)
	project, err := s.store.Project(ctx, req.ProjectID)
	if err == nil {
		err = models.CheckNominable(contest, project, user.ID, req.Category)
	}
	if err == nil {
		var won bool
		if won, err = s.store.WonBefore(ctx, project.ID, year); err == nil && won {
			err = models.Invalid("project_id", "this project won an earlier WSIS Prize and cannot be nominated again")
		}
	}
	if err != nil {
		respondError(c, err)
		return
	}
	content := project.ProjectContent
	if project.Published != nil {
		content = *project.Published
	}
	now := s.clock.Now()
	n := models.Nomination{Contest: year, Category: req.Category, ProjectID: project.ID, ProjectTitle: content.Title,
		Organization: content.Organization, Countries: content.Countries, NominatorID: user.ID,
		State: models.NominationSubmitted, CreatedAt: now, UpdatedAt: now}
	req.content().apply(&n)
	if n, err = s.store.CreateNomination(ctx, n); err != nil {
		if errors.Is(err, models.ErrConflict) && project.OwnerID == user.ID {
			err = s.explainSquat(ctx, year, project.ID, user.ID, err)
		}
		respondError(c, err)
		return
	}
	s.mailNominator(ctx, c, n, fmt.Sprintf("Your nomination for the WSIS Prizes %d is received", year),
		fmt.Sprintf("Your nomination of \"%s\" in category %d (%s) is received. You can edit or withdraw it until the "+
			"submission window closes at %s (UTC).", n.ProjectTitle, n.Category, models.ActionLines[n.Category-1].Name,
			contest.Schedule.Submission.ClosesAt.Format("2006-01-02 15:04")))
	c.Header("Location", "/api/v1/nominations/"+n.ID)
	answerNomination(c, http.StatusCreated, n)
}

// explainSquat turns the conflict of a project owner's nomination into one
// that names the nomination of their project someone else holds, which the
// owner may withdraw; err when there is none.
func (s *server) explainSquat(ctx context.Context, year int, projectID, ownerID string, err error) error {
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

// projectOwner returns the id of the owner of n's project, or "" when the
// project cannot be read.
func (s *server) projectOwner(ctx context.Context, n models.Nomination) string {
	p, err := s.store.Project(ctx, n.ProjectID)
	if err != nil {
		return ""
	}
	return p.OwnerID
}

// getNomination answers a nomination to its nominator, to its project's
// owner and to admins, and to anyone once it is a nominee; otherwise 404.
func (s *server) getNomination(c *gin.Context) {
	ctx := c.Request.Context()
	n, err := s.store.Nomination(ctx, c.Param("id"))
	if err != nil {
		respondError(c, err)
		return
	}
	if user, ok := optionalUser(c); ok && (user.ID == n.NominatorID || user.HasRole(models.RoleAdmin) ||
		user.ID == s.projectOwner(ctx, n)) {
		answerNomination(c, http.StatusOK, n)
		return
	}
	contest, err := s.store.Contest(c.Request.Context(), n.Contest)
	if err != nil {
		respondError(c, err)
		return
	}
	view, ok := publicNomination(n, contest.Stages)
	if !ok {
		respondError(c, models.ErrNotFound)
		return
	}
	c.JSON(http.StatusOK, view)
}

// publicNominationView is what anyone may read of a nominee.
type publicNominationView struct {
	ID               string                 `json:"id"`
	Contest          int                    `json:"contest"`
	Category         int                    `json:"category"`
	ProjectID        string                 `json:"project_id"`
	ProjectTitle     string                 `json:"project_title"`
	Organization     string                 `json:"organization"`
	Countries        []string               `json:"countries"`
	ShortDescription string                 `json:"short_description"`
	State            models.NominationState `json:"state"`
}

// publicNomination is the public view of n under the contest's stage flags,
// and whether the public may see it at all.
func publicNomination(n models.Nomination, st models.Stages) (publicNominationView, bool) {
	state, ok := n.PublicState(st)
	if !ok {
		return publicNominationView{}, false
	}
	return publicNominationView{ID: n.ID, Contest: n.Contest, Category: n.Category, ProjectID: n.ProjectID,
		ProjectTitle: n.ProjectTitle, Organization: n.Organization, Countries: n.Countries,
		ShortDescription: n.ShortDescription, State: state}, true
}

// ownNomination loads the signed-in nominator's nomination that may still
// change (with projectOwnerToo, also one of the user's own project that
// another user made): 404 for any other, 409 phase-closed after the
// submission deadline.
func (s *server) ownNomination(c *gin.Context, projectOwnerToo bool) (models.Nomination, bool) {
	ctx := c.Request.Context()
	user := currentUser(c)
	n, err := s.store.Nomination(ctx, c.Param("id"))
	if err == nil && n.NominatorID != user.ID {
		if !projectOwnerToo || !n.MayWithdraw(user.ID, s.projectOwner(ctx, n)) {
			err = models.ErrNotFound
		}
	}
	var contest models.Contest
	if err == nil {
		contest, err = s.store.Contest(ctx, n.Contest)
	}
	if err == nil {
		err = contest.RequireOpen(models.WindowSubmission, s.clock.Now())
	}
	if err != nil {
		respondError(c, err)
		return n, false
	}
	return n, true
}

// patchNomination edits the nominator's submitted nomination until the
// submission deadline: the fields sent replace the stored ones.
func (s *server) patchNomination(c *gin.Context) {
	version, ok := ifMatch(c)
	if !ok {
		return
	}
	current, ok := s.ownNomination(c, false)
	if !ok {
		return
	}
	req := nominationContent{ShortDescription: current.ShortDescription, Impact: current.Impact,
		SDGLinkage: current.SDGLinkage, Partnerships: current.Partnerships, Challenges: current.Challenges,
		Implementation: current.Implementation}
	if !bindJSON(c, &req) {
		return
	}
	if version == 0 {
		version = current.Version
	}
	n, err := s.store.UpdateNomination(c.Request.Context(), current.ID, version, s.clock.Now(), func(n *models.Nomination) error {
		if n.State != models.NominationSubmitted {
			return models.WithDetail(models.ErrConflict, "only a submitted nomination can change; this one is "+string(n.State))
		}
		req.apply(n)
		return nil
	})
	if err != nil {
		respondError(c, err)
		return
	}
	answerNomination(c, http.StatusOK, n)
}

// withdrawNomination withdraws a submitted nomination until the submission
// deadline, freeing its project's and organization's slots. Its nominator
// may, and so may its project's owner, whatever user nominated the project;
// a nominator whose nomination the owner withdrew is told by mail.
func (s *server) withdrawNomination(c *gin.Context) {
	version, ok := ifMatch(c)
	if !ok {
		return
	}
	current, ok := s.ownNomination(c, true)
	if !ok {
		return
	}
	ctx := c.Request.Context()
	n, err := s.store.UpdateNomination(ctx, current.ID, version, s.clock.Now(), (*models.Nomination).Withdraw)
	if err != nil {
		respondError(c, err)
		return
	}
	if n.NominatorID != currentUser(c).ID {
		s.mailNominator(ctx, c, n, fmt.Sprintf("Your nomination for the WSIS Prizes %d was withdrawn", n.Contest),
			fmt.Sprintf("The owner of \"%s\" withdrew your nomination of it in category %d.", n.ProjectTitle, n.Category))
	}
	c.Status(http.StatusNoContent)
}

// myNominations lists the signed-in user's nominations, newest contest
// first.
func (s *server) myNominations(c *gin.Context) {
	list, err := s.store.Nominations(c.Request.Context(), store.NominationQuery{NominatorID: currentUser(c).ID})
	if err != nil {
		respondError(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"items": list, "next_cursor": ""})
}

// contestNominations lists a contest's nominations for admins, by category
// and state.
func (s *server) contestNominations(c *gin.Context) {
	q, ok := nominationFilter(c)
	if !ok {
		return
	}
	list, err := s.store.Nominations(c.Request.Context(), q)
	if err != nil {
		respondError(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"items": list, "next_cursor": ""})
}

func nominationFilter(c *gin.Context) (store.NominationQuery, bool) {
	year, ok := yearParam(c)
	if !ok {
		return store.NominationQuery{}, false
	}
	q := store.NominationQuery{Contest: year}
	if v := c.Query("category"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 18 {
			respondError(c, models.Invalid("category", "must be from 1 to 18"))
			return q, false
		}
		q.Category = n
	}
	for _, v := range c.QueryArray("state") {
		st := models.NominationState(v)
		if !slices.Contains([]models.NominationState{models.NominationSubmitted, models.NominationWithdrawn,
			models.NominationIneligible, models.NominationNominee, models.NominationChampion, models.NominationWinner}, st) {
			respondError(c, models.Invalid("state", "is not a nomination state"))
			return q, false
		}
		q.States = append(q.States, st)
	}
	return q, true
}

type ineligibleRequest struct {
	Reason string `json:"reason" validate:"required,max=2000,multiline"`
	// ReleaseSlots frees the nomination's project and organization slots,
	// so that they may be nominated again in the category.
	ReleaseSlots bool `json:"release_slots"`
}

// markIneligible screens a submitted nomination out with a reason; admins
// only. With release_slots its project and its organization may be
// nominated again in the category; without, the nomination keeps their
// slots. Audited and mailed to the nominator.
func (s *server) markIneligible(c *gin.Context) {
	version, ok := ifMatch(c)
	if !ok {
		return
	}
	var req ineligibleRequest
	if !bindJSON(c, &req) {
		return
	}
	ctx := c.Request.Context()
	now := s.clock.Now()
	n, err := s.store.UpdateNomination(ctx, c.Param("id"), version, now, func(n *models.Nomination) error {
		return n.MarkIneligible(req.Reason, req.ReleaseSlots)
	})
	if err != nil {
		respondError(c, err)
		return
	}
	s.record(c, "nomination.ineligible", "nomination", n.ID, map[string]any{"state": models.NominationSubmitted},
		map[string]any{"state": n.State, "reason": n.IneligibleReason, "slots_released": n.SlotsReleased})
	s.mailNominator(ctx, c, n, fmt.Sprintf("Your nomination for the WSIS Prizes %d was screened out", n.Contest),
		fmt.Sprintf("Your nomination of \"%s\" in category %d does not meet the contest's rules:\n\n%s", n.ProjectTitle,
			n.Category, n.IneligibleReason))
	answerNomination(c, http.StatusOK, n)
}

func (s *server) mailNominator(ctx context.Context, c *gin.Context, n models.Nomination, subject, text string) {
	nominator, err := s.store.UserByID(ctx, n.NominatorID)
	if err == nil {
		_, err = s.mailer.Send(ctx, models.Mail{To: nominator.Email, Kind: models.MailNomination, Subject: subject,
			Body: fmt.Sprintf("Hello %s,\n\n%s\n\n%s/nominations/%s\n", nominator.Name, text, s.publicURL, n.ID)})
	}
	if err != nil {
		logger(c).ErrorContext(ctx, "nomination mail not queued", "err", err, "nomination", n.ID)
	}
}

func answerNomination(c *gin.Context, status int, n models.Nomination) {
	c.Header("ETag", etag(n.Version))
	c.Header("Cache-Control", "no-store")
	c.JSON(status, n)
}

package handlers

import (
	"net/http"
	"slices"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/wsis-platform/wsis/models"
	"github.com/wsis-platform/wsis/store"
)

type conflictsRequest struct {
	Organizations []string `json:"organizations" validate:"max=100,dive,required,max=200,singleline"`
	Countries     []string `json:"countries" validate:"max=249,unique,dive,country"`
}

// getConflicts answers the signed-in reviewer's declared conflicts.
func (s *server) getConflicts(c *gin.Context) {
	conflicts, err := s.store.Conflicts(c.Request.Context(), currentUser(c).ID)
	if err != nil {
		respondError(c, err)
		return
	}
	c.JSON(http.StatusOK, conflicts)
}

// putConflicts replaces the signed-in reviewer's declared organizations and
// countries. Assignments made from then on respect them.
func (s *server) putConflicts(c *gin.Context) {
	var req conflictsRequest
	if !bindJSON(c, &req) {
		return
	}
	conflicts := models.Conflicts{ReviewerID: currentUser(c).ID, Organizations: trimAll(req.Organizations),
		Countries: req.Countries, UpdatedAt: s.clock.Now()}
	if conflicts.Countries == nil {
		conflicts.Countries = []string{}
	}
	if err := s.store.SetConflicts(c.Request.Context(), conflicts); err != nil {
		respondError(c, err)
		return
	}
	c.JSON(http.StatusOK, conflicts)
}

func trimAll(xs []string) []string {
	out := make([]string, 0, len(xs))
	for _, x := range xs {
		out = append(out, strings.TrimSpace(x))
	}
	return out
}

// reviewerAssignment is what a reviewer reads of an assignment: their own
// review and the nomination's content, never another reviewer's work.
type reviewerAssignment struct {
	models.Assignment
	Nomination reviewedNomination `json:"nomination"`
	Criteria   []models.Criterion `json:"criteria"`
}

type reviewedNomination struct {
	ID               string   `json:"id"`
	Category         int      `json:"category"`
	ProjectID        string   `json:"project_id"`
	ProjectTitle     string   `json:"project_title"`
	Organization     string   `json:"organization"`
	Countries        []string `json:"countries"`
	ShortDescription string   `json:"short_description"`
	Impact           string   `json:"impact"`
	SDGLinkage       string   `json:"sdg_linkage"`
	Partnerships     string   `json:"partnerships"`
	Challenges       string   `json:"challenges"`
	Implementation   string   `json:"implementation"`
}

func reviewed(n models.Nomination) reviewedNomination {
	return reviewedNomination{ID: n.ID, Category: n.Category, ProjectID: n.ProjectID, ProjectTitle: n.ProjectTitle,
		Organization: n.Organization, Countries: n.Countries, ShortDescription: n.ShortDescription, Impact: n.Impact,
		SDGLinkage: n.SDGLinkage, Partnerships: n.Partnerships, Challenges: n.Challenges, Implementation: n.Implementation}
}

// myAssignments lists the signed-in reviewer's own assignments with each
// nomination's content and the contest's criteria.
func (s *server) myAssignments(c *gin.Context) {
	ctx := c.Request.Context()
	list, err := s.store.Assignments(ctx, store.AssignmentQuery{ReviewerID: currentUser(c).ID})
	if err != nil {
		respondError(c, err)
		return
	}
	contests := map[int]models.Contest{}
	items := make([]reviewerAssignment, 0, len(list))
	for _, a := range list {
		n, err := s.store.Nomination(ctx, a.NominationID)
		if err != nil {
			respondError(c, err)
			return
		}
		contest, ok := contests[a.Contest]
		if !ok {
			if contest, err = s.store.Contest(ctx, a.Contest); err != nil {
				respondError(c, err)
				return
			}
			contests[a.Contest] = contest
		}
		items = append(items, reviewerAssignment{Assignment: a, Nomination: reviewed(n), Criteria: contest.Settings.Criteria})
	}
	c.JSON(http.StatusOK, gin.H{"items": items, "next_cursor": ""})
}

type reviewRequest struct {
	Scores  map[string]int `json:"scores" validate:"max=20"`
	Comment string         `json:"comment" validate:"max=20000,multiline"`
	Submit  bool           `json:"submit"`
}

// putReview saves the signed-in reviewer's review of their assignment during
// the review window: a draft, or, with submit, a complete review, which
// stays editable until the deadline. Another reviewer's assignment is 404.
func (s *server) putReview(c *gin.Context) {
	var req reviewRequest
	if !bindJSON(c, &req) {
		return
	}
	ctx := c.Request.Context()
	a, err := s.store.Assignment(ctx, c.Param("id"))
	if err == nil && a.ReviewerID != currentUser(c).ID {
		err = models.ErrNotFound
	}
	var contest models.Contest
	if err == nil {
		contest, err = s.store.Contest(ctx, a.Contest)
	}
	if err == nil {
		err = contest.RequireOpen(models.WindowReview, s.clock.Now())
	}
	if err == nil {
		var n models.Nomination
		if n, err = s.store.Nomination(ctx, a.NominationID); err == nil && !slices.Contains(eligibleForReview, n.State) {
			err = models.WithDetail(models.ErrConflict, "the nomination is "+string(n.State)+" and is no longer reviewed")
		}
	}
	if err == nil {
		err = models.CheckScores(req.Scores, contest.Settings.Criteria, req.Submit)
	}
	if err != nil {
		respondError(c, err)
		return
	}
	now := s.clock.Now()
	a, err = s.store.UpdateAssignment(ctx, a.ID, now, func(a *models.Assignment) error {
		if a.State == models.ReviewSubmitted && !req.Submit {
			return models.WithDetail(models.ErrConflict, "the review is submitted; send submit: true with its changes")
		}
		a.Scores, a.Comment = req.Scores, strings.TrimSpace(req.Comment)
		if a.Scores == nil {
			a.Scores = map[string]int{}
		}
		if req.Submit {
			if a.SubmittedAt == nil {
				a.SubmittedAt = &now
			}
			a.State = models.ReviewSubmitted
		}
		return nil
	})
	if err != nil {
		respondError(c, err)
		return
	}
	c.JSON(http.StatusOK, a)
}

// eligibleForReview are the nomination states that reviewers judge.
var eligibleForReview = []models.NominationState{models.NominationSubmitted}

type manualAssignmentRequest struct {
	NominationID string `json:"nomination_id" validate:"required,max=64"`
	ReviewerID   string `json:"reviewer_id" validate:"required,max=64"`
}

// assignReviewer assigns one reviewer by hand; admins only. The reviewer
// must hold the role and have no conflict with the nomination (409 with the
// reason).
func (s *server) assignReviewer(c *gin.Context) {
	var req manualAssignmentRequest
	if !bindJSON(c, &req) {
		return
	}
	ctx := c.Request.Context()
	n, err := s.store.Nomination(ctx, req.NominationID)
	if err == nil && !slices.Contains(eligibleForReview, n.State) {
		err = models.WithDetail(models.ErrConflict, "a "+string(n.State)+" nomination is not reviewed")
	}
	if err == nil {
		err = s.requireAssigning(c, n.Contest)
	}
	var reviewer models.User
	if err == nil {
		reviewer, err = s.store.UserByID(ctx, req.ReviewerID)
	}
	if err == nil && (!reviewer.HasRole(models.RoleReviewer) || reviewer.Disabled) {
		err = models.Invalid("reviewer_id", "is not an active member of the Expert Group (reviewer role)")
	}
	var conflicts models.Conflicts
	if err == nil {
		conflicts, err = s.store.Conflicts(ctx, reviewer.ID)
	}
	if err == nil {
		if why := conflicts.ConflictWith(reviewer.Organization, n); why != "" {
			err = models.WithDetail(models.ErrConflict, "conflict of interest: "+why)
		}
	}
	if err != nil {
		respondError(c, err)
		return
	}
	now := s.clock.Now()
	created, err := s.store.CreateAssignments(ctx, []models.Assignment{{Contest: n.Contest, Category: n.Category,
		NominationID: n.ID, ReviewerID: reviewer.ID, CreatedAt: now, UpdatedAt: now}})
	if err == nil && len(created) == 0 {
		err = models.WithDetail(models.ErrConflict, "the reviewer is already assigned to this nomination")
	}
	if err != nil {
		respondError(c, err)
		return
	}
	s.auditAssignments(c, "assignment.create", created)
	s.mailAssignments(c, map[string][]models.Assignment{reviewer.ID: created})
	c.JSON(http.StatusCreated, created[0])
}

// unassignReviewer removes an assignment whose review is not submitted;
// admins only.
func (s *server) unassignReviewer(c *gin.Context) {
	ctx := c.Request.Context()
	a, err := s.store.Assignment(ctx, c.Param("id"))
	if err == nil {
		err = s.requireAssigning(c, a.Contest)
	}
	if err == nil {
		a, err = s.store.DeleteAssignment(ctx, a.ID)
	}
	if err != nil {
		respondError(c, err)
		return
	}
	s.auditAssignments(c, "assignment.delete", []models.Assignment{a})
	c.Status(http.StatusNoContent)
}

// requireAssigning refuses changes of a contest's assignments once its
// review window has closed (409 phase-closed).
func (s *server) requireAssigning(c *gin.Context, year int) error {
	contest, err := s.store.Contest(c.Request.Context(), year)
	if err != nil {
		return err
	}
	return contest.RequireNotClosed(models.WindowReview, s.clock.Now())
}

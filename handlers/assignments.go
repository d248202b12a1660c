package handlers

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/wsis-platform/wsis/app"
	"github.com/wsis-platform/wsis/models"
)

type autoAssignRequest struct {
	ReviewsPerNomination int      `json:"reviews_per_nomination" validate:"omitempty,min=1,max=20"`
	ReviewerIDs          []string `json:"reviewer_ids" validate:"max=500,unique,dive,required,max=64"`
}

type autoAssignAnswer struct {
	Assigned  []models.Assignment `json:"assigned"`
	Uncovered []models.Uncovered  `json:"uncovered"`
	Loads     map[string]int      `json:"loads"`
}

// autoAssign gives every eligible nomination of the contest k distinct,
// conflict-free reviewers, keeping the assignments it has, with loads as
// even as conflicts allow. Without reviewer_ids the Expert Group is every
// active reviewer; k defaults to the contest's reviews_per_nomination.
// Running it again adds nothing. Admins only; audited; reviewers are mailed
// their new work (app.Service.AutoAssign).
func (s *server) autoAssign(c *gin.Context) {
	year, ok := yearParam(c)
	if !ok {
		return
	}
	var req autoAssignRequest
	if c.Request.ContentLength != 0 && !bindJSON(c, &req) {
		return
	}
	report, err := s.app.AutoAssign(useCase(c), currentUser(c), year, app.AutoAssignment{
		PerNomination: req.ReviewsPerNomination, ReviewerIDs: req.ReviewerIDs})
	if err != nil {
		respondError(c, err)
		return
	}
	c.JSON(http.StatusOK, autoAssignAnswer(report))
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
// nomination's content and the contest's criteria (app.Service.AssignmentsOf).
func (s *server) myAssignments(c *gin.Context) {
	r, ok := pageRequest(c)
	if !ok {
		return
	}
	list, err := s.app.AssignmentsOf(useCase(c), currentUser(c), r)
	if err != nil {
		respondError(c, err)
		return
	}
	items := make([]reviewerAssignment, 0, len(list.Items))
	for _, a := range list.Items {
		items = append(items, reviewerAssignment{Assignment: a.Assignment, Nomination: reviewed(a.Nomination), Criteria: a.Criteria})
	}
	c.JSON(http.StatusOK, page[reviewerAssignment]{Items: items, NextCursor: encodeCursor(list.Next)})
}

type manualAssignmentRequest struct {
	NominationID string `json:"nomination_id" validate:"required,max=64"`
	ReviewerID   string `json:"reviewer_id" validate:"required,max=64"`
}

// assignReviewer assigns one reviewer by hand; admins only. The reviewer
// must hold the role and have no conflict with the nomination (409 with the
// reason; app.Service.AssignReviewer).
func (s *server) assignReviewer(c *gin.Context) {
	var req manualAssignmentRequest
	if !bindJSON(c, &req) {
		return
	}
	a, err := s.app.AssignReviewer(useCase(c), currentUser(c), req.NominationID, req.ReviewerID)
	if err != nil {
		respondError(c, err)
		return
	}
	c.JSON(http.StatusCreated, a)
}

// unassignReviewer removes an assignment whose review is not submitted;
// admins only (app.Service.UnassignReviewer).
func (s *server) unassignReviewer(c *gin.Context) {
	if err := s.app.UnassignReviewer(useCase(c), currentUser(c), c.Param("id")); err != nil {
		respondError(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

package handlers

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/wsis-platform/wsis/app"
	"github.com/wsis-platform/wsis/store"
)

// reviewerProgressRoutes adds the API's routes of the review's follow-up:
// a reviewer's read of one assignment (which records that they opened it),
// and the admins' view of every reviewer's progress with the extensions
// they grant.
func (s *server) reviewerProgressRoutes(reviewer, admin headRouter) {
	reviewer.GET("/assignments/:id", s.openAssignment)
	admin.GET("/contests/:year/reviewers", s.reviewersProgress)
	admin.PUT("/contests/:year/reviewers/:id/extension", s.putExtension)
	admin.DELETE("/contests/:year/reviewers/:id/extension", s.deleteExtension)
}

// openedAssignment is a reviewer's read of one assignment: what
// reviewerAssignment holds, when they first opened it, their deadline and
// whether the review can be saved now.
type openedAssignment struct {
	reviewerAssignment
	OpenedAt time.Time `json:"opened_at"`
	Deadline time.Time `json:"deadline"`
	Editable bool      `json:"editable"`
}

// openAssignment answers the signed-in reviewer's assignment and records the
// first time they opened it; another reviewer's is 404
// (app.Service.OpenAssignment).
func (s *server) openAssignment(c *gin.Context) {
	sheet, err := s.app.OpenAssignment(useCase(c), currentUser(c), c.Param("id"))
	if err != nil {
		respondError(c, err)
		return
	}
	c.Header("Cache-Control", "private, no-store")
	c.JSON(http.StatusOK, openedAssignment{reviewerAssignment: reviewerAssignment{Assignment: sheet.Assignment,
		Nomination: reviewed(sheet.Nomination), Criteria: sheet.Criteria},
		OpenedAt: sheet.OpenedAt, Deadline: sheet.Deadline, Editable: sheet.Editable})
}

type extensionAnswer struct {
	Contest    int       `json:"contest"`
	ReviewerID string    `json:"reviewer_id"`
	ClosesAt   time.Time `json:"closes_at"`
	Reason     string    `json:"reason"`
	GrantedBy  string    `json:"granted_by"`
	GrantedAt  time.Time `json:"granted_at"`
}

func extensionOf(e store.ReviewExtension) extensionAnswer {
	return extensionAnswer(e)
}

type assignmentProgressAnswer struct {
	ID           string             `json:"id"`
	NominationID string             `json:"nomination_id"`
	Category     int                `json:"category"`
	Progress     app.ReviewProgress `json:"progress"`
	OpenedAt     *time.Time         `json:"opened_at"`
	SubmittedAt  *time.Time         `json:"submitted_at"`
}

type reviewerProgressAnswer struct {
	ReviewerID  string                     `json:"reviewer_id"`
	Name        string                     `json:"name"`
	Email       string                     `json:"email"`
	Assigned    int                        `json:"assigned"`
	Opened      int                        `json:"opened"`
	Draft       int                        `json:"draft"`
	Submitted   int                        `json:"submitted"`
	Extension   *extensionAnswer           `json:"extension"`
	Assignments []assignmentProgressAnswer `json:"assignments"`
}

// reviewersProgress answers every reviewer's progress in the contest:
// their assignments' counts (assigned, opened, draft, submitted), each
// assignment's progress and first opening, and their extension. Admins
// only (app.Service.ReviewersProgress).
func (s *server) reviewersProgress(c *gin.Context) {
	year, ok := yearParam(c)
	if !ok {
		return
	}
	list, err := s.app.ReviewersProgress(useCase(c), currentUser(c), year)
	if err != nil {
		respondError(c, err)
		return
	}
	items := make([]reviewerProgressAnswer, 0, len(list))
	for _, p := range list {
		r := reviewerProgressAnswer{ReviewerID: p.Reviewer.ID, Name: p.Reviewer.Name, Email: p.Reviewer.Email,
			Assigned: p.Assigned, Opened: p.Opened, Draft: p.Drafts, Submitted: p.Submitted,
			Assignments: make([]assignmentProgressAnswer, 0, len(p.Assignments))}
		if p.Extension != nil {
			e := extensionOf(*p.Extension)
			r.Extension = &e
		}
		for _, a := range p.Assignments {
			r.Assignments = append(r.Assignments, assignmentProgressAnswer{ID: a.ID, NominationID: a.NominationID,
				Category: a.Category, Progress: a.Progress, OpenedAt: a.OpenedAt, SubmittedAt: a.SubmittedAt})
		}
		items = append(items, r)
	}
	c.Header("Cache-Control", "private, no-store")
	c.JSON(http.StatusOK, page[reviewerProgressAnswer]{Items: items})
}

type extensionRequest struct {
	ClosesAt time.Time `json:"closes_at" validate:"required"`
	Reason   string    `json:"reason" validate:"required,max=500,singleline"`
}

// putExtension grants one reviewer time past the review window to save
// their reviews, until closes_at, with a reason; audited. Admins only
// (app.Service.GrantExtension).
func (s *server) putExtension(c *gin.Context) {
	year, ok := yearParam(c)
	if !ok {
		return
	}
	var req extensionRequest
	if !bindJSON(c, &req) {
		return
	}
	e, err := s.app.GrantExtension(useCase(c), currentUser(c), year, c.Param("id"), app.Extension{ClosesAt: req.ClosesAt, Reason: req.Reason})
	if err != nil {
		respondError(c, err)
		return
	}
	c.JSON(http.StatusOK, extensionOf(e))
}

// deleteExtension withdraws a reviewer's extension; audited. Admins only
// (app.Service.RevokeExtension).
func (s *server) deleteExtension(c *gin.Context) {
	year, ok := yearParam(c)
	if !ok {
		return
	}
	if err := s.app.RevokeExtension(useCase(c), currentUser(c), year, c.Param("id")); err != nil {
		respondError(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

package handlers

import (
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/go-playground/validator/v10"

	"github.com/wsis-platform/wsis/models"
)

// projectRequest is a project's content as an owner sends it. The state,
// owner, version and timestamps are not in it, so a client cannot set them.
type projectRequest struct {
	Title           string                 `json:"title" validate:"required,min=5,max=200,singleline"`
	Summary         string                 `json:"summary" validate:"required,minwords=20,maxwords=300,multiline"`
	Description     string                 `json:"description" validate:"max=60000,maxwords=5000,multiline"`
	Organization    string                 `json:"organization" validate:"required,max=200,singleline"`
	StakeholderType models.StakeholderType `json:"stakeholder_type" validate:"required,stakeholder_type"`
	Countries       []string               `json:"countries" validate:"required,min=1,max=249,unique,dive,country"`
	Coverage        string                 `json:"coverage" validate:"required,oneof=local national regional international"`
	ActionLines     []string               `json:"action_lines" validate:"required,min=1,max=18,unique,dive,action_line"`
	SDGs            []int                  `json:"sdgs" validate:"required,min=1,max=17,unique,dive,min=1,max=17"`
	GDCObjectives   []int                  `json:"gdc_objectives" validate:"max=5,unique,dive,min=1,max=5"`
	Status          string                 `json:"status" validate:"required,oneof=planned ongoing completed"`
	StartDate       string                 `json:"start_date" validate:"required,date"`
	EndDate         string                 `json:"end_date" validate:"omitempty,date"`
	Website         string                 `json:"website" validate:"omitempty,max=500,http_url"`
	Partners        []string               `json:"partners" validate:"max=50,dive,required,max=200,singleline"`
	ContactEmail    string                 `json:"contact_email" validate:"required,email,max=254"`
}

// validateProjectDates is projectRequest's rule across fields: the project
// cannot end before it starts. Dates as YYYY-MM-DD compare as text.
func validateProjectDates(sl validator.StructLevel) {
	r := sl.Current().Interface().(projectRequest)
	if r.EndDate != "" && r.StartDate != "" && r.EndDate < r.StartDate {
		sl.ReportError(r.EndDate, "end_date", "EndDate", "not_before_start", "")
	}
}

func (r projectRequest) content() models.ProjectContent {
	nonNil := func(s []string) []string {
		if s == nil {
			return []string{}
		}
		return s
	}
	gdc := r.GDCObjectives
	if gdc == nil {
		gdc = []int{}
	}
	return models.ProjectContent{Title: strings.TrimSpace(r.Title), Summary: strings.TrimSpace(r.Summary),
		Description: strings.TrimSpace(r.Description), Organization: strings.TrimSpace(r.Organization),
		StakeholderType: r.StakeholderType, Countries: r.Countries, Coverage: r.Coverage, ActionLines: r.ActionLines,
		SDGs: r.SDGs, GDCObjectives: gdc, Status: r.Status, StartDate: r.StartDate, EndDate: r.EndDate,
		Website: r.Website, Partners: nonNil(r.Partners), ContactEmail: strings.TrimSpace(r.ContactEmail)}
}

func requestOf(c models.ProjectContent) projectRequest {
	return projectRequest{Title: c.Title, Summary: c.Summary, Description: c.Description, Organization: c.Organization,
		StakeholderType: c.StakeholderType, Countries: c.Countries, Coverage: c.Coverage, ActionLines: c.ActionLines,
		SDGs: c.SDGs, GDCObjectives: c.GDCObjectives, Status: c.Status, StartDate: c.StartDate, EndDate: c.EndDate,
		Website: c.Website, Partners: c.Partners, ContactEmail: c.ContactEmail}
}

// createProject records a new project as the signed-in user's draft
// (app.Service.CreateProject).
func (s *server) createProject(c *gin.Context) {
	var req projectRequest
	if !bindJSON(c, &req) {
		return
	}
	p, err := s.app.CreateProject(useCase(c), currentUser(c), req.content())
	if err != nil {
		respondError(c, err)
		return
	}
	c.Header("Location", "/api/v1/projects/"+p.ID)
	answerProject(c, http.StatusCreated, p)
}

// getProject answers a project: the whole entry to its owner and to admins,
// the published version to anyone else, and 404 when the caller may not see
// it (app.Service.Project).
func (s *server) getProject(c *gin.Context) {
	user, _ := optionalUser(c)
	p, whole, err := s.app.Project(useCase(c), user, c.Param("id"))
	switch {
	case err != nil:
		respondError(c, err)
	case whole:
		answerProject(c, http.StatusOK, p)
	default:
		c.JSON(http.StatusOK, p.Public())
	}
}

// patchProject changes the owner's working copy: the fields sent replace
// those stored, and the whole content must then be valid. Another user's
// project is 404; a stale If-Match is 412 (app.Service.EditProject).
func (s *server) patchProject(c *gin.Context) {
	version, ok := ifMatch(c)
	if !ok {
		return
	}
	ctx, user := useCase(c), currentUser(c)
	current, err := s.app.OwnedProject(ctx, user, c.Param("id"))
	if err != nil {
		respondError(c, err)
		return
	}
	req := requestOf(current.ProjectContent)
	if !bindJSON(c, &req) {
		return
	}
	p, err := s.app.EditProject(ctx, user, current, version, req.content())
	if err != nil {
		respondError(c, err)
		return
	}
	answerProject(c, http.StatusOK, p)
}

// deleteProject deletes the owner's project that was never published
// (app.Service.DeleteProject).
func (s *server) deleteProject(c *gin.Context) {
	version, ok := ifMatch(c)
	if !ok {
		return
	}
	if err := s.app.DeleteProject(useCase(c), currentUser(c), c.Param("id"), version); err != nil {
		respondError(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

// submitProject sends the owner's working copy to the moderators
// (app.Service.SubmitProject).
func (s *server) submitProject(c *gin.Context) {
	version, ok := ifMatch(c)
	if !ok {
		return
	}
	p, err := s.app.SubmitProject(useCase(c), currentUser(c), c.Param("id"), version)
	if err != nil {
		respondError(c, err)
		return
	}
	answerProject(c, http.StatusOK, p)
}

// myProjects lists the signed-in user's projects, newest change first,
// optionally in some states.
func (s *server) myProjects(c *gin.Context) {
	s.listWork(c, currentUser(c).ID, nil)
}

// moderationQueue lists projects for admins by state (default: submitted).
func (s *server) moderationQueue(c *gin.Context) {
	s.listWork(c, "", []models.ProjectState{models.ProjectSubmitted})
}

func answerProject(c *gin.Context, status int, p models.Project) {
	c.Header("ETag", etag(p.Version))
	c.Header("Cache-Control", "no-store")
	c.JSON(status, p)
}

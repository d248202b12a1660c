package handlers

import (
	"net/http"
	"slices"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/wsis-platform/wsis/app"
	"github.com/wsis-platform/wsis/models"
)

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

func (r createNominationRequest) nomination() app.NewNomination {
	return app.NewNomination{ProjectID: r.ProjectID, Category: r.Category, Text: models.NominationText{
		ShortDescription: r.ShortDescription, Impact: r.Impact, SDGLinkage: r.SDGLinkage,
		Partnerships: r.Partnerships, Challenges: r.Challenges, Implementation: r.Implementation}}
}

// nominate enters a project into a category of the contest
// (app.Service.Nominate).
func (s *server) nominate(c *gin.Context) {
	year, ok := yearParam(c)
	if !ok {
		return
	}
	var req createNominationRequest
	if !bindJSON(c, &req) {
		return
	}
	n, err := s.app.Nominate(useCase(c), currentUser(c), year, req.nomination())
	if err != nil {
		respondError(c, err)
		return
	}
	c.Header("Location", "/api/v1/nominations/"+n.ID)
	answerNomination(c, http.StatusCreated, n)
}

// getNomination answers a nomination whole to its nominator, to its
// project's owner and to admins, and its public view to anyone once it is a
// nominee; otherwise 404 (app.Service.Nomination).
func (s *server) getNomination(c *gin.Context) {
	user, _ := optionalUser(c)
	n, whole, err := s.app.Nomination(useCase(c), user, c.Param("id"))
	switch {
	case err != nil:
		respondError(c, err)
	case whole:
		answerNomination(c, http.StatusOK, n)
	default:
		c.JSON(http.StatusOK, publicNomination(n))
	}
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

// publicNomination is the public view of n, whose state is the one the
// public may see.
func publicNomination(n models.Nomination) publicNominationView {
	return publicNominationView{ID: n.ID, Contest: n.Contest, Category: n.Category, ProjectID: n.ProjectID,
		ProjectTitle: n.ProjectTitle, Organization: n.Organization, Countries: n.Countries,
		ShortDescription: n.ShortDescription, State: n.State}
}

// patchNominationRequest holds the fields of a nomination's text a PATCH
// replaces; those not sent stay.
type patchNominationRequest struct {
	ShortDescription *string `json:"short_description" validate:"omitempty,minwords=150,maxwords=200,multiline"`
	Impact           *string `json:"impact" validate:"omitempty,minwords=50,maxwords=500,multiline"`
	SDGLinkage       *string `json:"sdg_linkage" validate:"omitempty,minwords=50,maxwords=500,multiline"`
	Partnerships     *string `json:"partnerships" validate:"omitempty,minwords=50,maxwords=500,multiline"`
	Challenges       *string `json:"challenges" validate:"omitempty,minwords=50,maxwords=500,multiline"`
	Implementation   *string `json:"implementation" validate:"omitempty,oneof=completed major-phase-completed"`
}

// patchNomination edits the nominator's submitted nomination until the
// submission deadline (app.Service.EditNomination).
func (s *server) patchNomination(c *gin.Context) {
	version, ok := ifMatch(c)
	if !ok {
		return
	}
	var req patchNominationRequest
	if !bindJSON(c, &req) {
		return
	}
	n, err := s.app.EditNomination(useCase(c), currentUser(c), c.Param("id"), version, app.NominationUpdate(req))
	if err != nil {
		respondError(c, err)
		return
	}
	answerNomination(c, http.StatusOK, n)
}

// withdrawNomination withdraws a submitted nomination until the submission
// deadline, by its nominator or its project's owner
// (app.Service.WithdrawNomination).
func (s *server) withdrawNomination(c *gin.Context) {
	version, ok := ifMatch(c)
	if !ok {
		return
	}
	if err := s.app.WithdrawNomination(useCase(c), currentUser(c), c.Param("id"), version); err != nil {
		respondError(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

// myNominations lists the signed-in user's nominations, newest contest
// first.
func (s *server) myNominations(c *gin.Context) {
	r, ok := pageRequest(c)
	if !ok {
		return
	}
	list, err := s.app.NominationsOf(useCase(c), currentUser(c), r)
	if err != nil {
		respondError(c, err)
		return
	}
	c.JSON(http.StatusOK, pageOf(list))
}

// contestNominations lists a contest's nominations for admins, by category
// and state.
func (s *server) contestNominations(c *gin.Context) {
	year, ok := yearParam(c)
	if !ok {
		return
	}
	f, ok := nominationFilter(c)
	if !ok {
		return
	}
	r, ok := pageRequest(c)
	if !ok {
		return
	}
	list, err := s.app.ContestNominations(useCase(c), currentUser(c), year, f, r)
	if err != nil {
		respondError(c, err)
		return
	}
	c.JSON(http.StatusOK, pageOf(list))
}

// nominationFilter reads the category and state query parameters.
func nominationFilter(c *gin.Context) (app.NominationFilter, bool) {
	var f app.NominationFilter
	if v := c.Query("category"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 18 {
			respondError(c, models.Invalid("category", "must be from 1 to 18"))
			return f, false
		}
		f.Category = n
	}
	for _, v := range c.QueryArray("state") {
		st := models.NominationState(v)
		if !slices.Contains([]models.NominationState{models.NominationSubmitted, models.NominationWithdrawn,
			models.NominationIneligible, models.NominationNominee, models.NominationChampion, models.NominationWinner}, st) {
			respondError(c, models.Invalid("state", "is not a nomination state"))
			return f, false
		}
		f.States = append(f.States, st)
	}
	return f, true
}

type ineligibleRequest struct {
	Reason string `json:"reason" validate:"required,max=2000,multiline"`
	// ReleaseSlots frees the nomination's project and organization slots,
	// so that they may be nominated again in the category.
	ReleaseSlots bool `json:"release_slots"`
}

// markIneligible screens a submitted nomination out with a reason; admins
// only (app.Service.ScreenOut).
func (s *server) markIneligible(c *gin.Context) {
	version, ok := ifMatch(c)
	if !ok {
		return
	}
	var req ineligibleRequest
	if !bindJSON(c, &req) {
		return
	}
	n, err := s.app.ScreenOut(useCase(c), currentUser(c), c.Param("id"), version, app.Screening(req))
	if err != nil {
		respondError(c, err)
		return
	}
	answerNomination(c, http.StatusOK, n)
}

func answerNomination(c *gin.Context, status int, n models.Nomination) {
	c.Header("ETag", etag(n.Version))
	c.Header("Cache-Control", "no-store")
	c.JSON(status, n)
}

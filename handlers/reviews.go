package handlers

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/wsis-platform/wsis/app"
)

type conflictsRequest struct {
	Organizations []string `json:"organizations" validate:"max=100,dive,required,max=200,singleline"`
	Countries     []string `json:"countries" validate:"max=249,unique,dive,country"`
}

// getConflicts answers the signed-in reviewer's declared conflicts
// (app.Service.Conflicts).
func (s *server) getConflicts(c *gin.Context) {
	conflicts, err := s.app.Conflicts(useCase(c), currentUser(c))
	if err != nil {
		respondError(c, err)
		return
	}
	c.JSON(http.StatusOK, conflicts)
}

// putConflicts replaces the signed-in reviewer's declared organizations and
// countries. Assignments made from then on respect them
// (app.Service.DeclareConflicts).
func (s *server) putConflicts(c *gin.Context) {
	var req conflictsRequest
	if !bindJSON(c, &req) {
		return
	}
	conflicts, err := s.app.DeclareConflicts(useCase(c), currentUser(c), req.Organizations, req.Countries)
	if err != nil {
		respondError(c, err)
		return
	}
	c.JSON(http.StatusOK, conflicts)
}

type reviewRequest struct {
	Scores  map[string]int `json:"scores" validate:"max=20"`
	Comment string         `json:"comment" validate:"max=20000,multiline"`
	Submit  bool           `json:"submit"`
}

// putReview saves the signed-in reviewer's review of their assignment during
// the review window: a draft, or, with submit, a complete review, which
// stays editable until the deadline. Another reviewer's assignment is 404
// (app.Service.SaveReview).
func (s *server) putReview(c *gin.Context) {
	var req reviewRequest
	if !bindJSON(c, &req) {
		return
	}
	a, err := s.app.SaveReview(useCase(c), currentUser(c), c.Param("id"), app.Review(req))
	if err != nil {
		respondError(c, err)
		return
	}
	c.JSON(http.StatusOK, a)
}

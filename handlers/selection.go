package handlers

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/wsis-platform/wsis/models"
)

type selectionRequest struct {
	NominationID string `json:"nomination_id" validate:"required,max=64"`
}

// putSelection records the signed-in reviewer's pick of a champion in one
// category, replacing their pick there before (app.Service.SelectChampion).
func (s *server) putSelection(c *gin.Context) {
	year, ok := yearParam(c)
	if !ok {
		return
	}
	category, err := strconv.Atoi(c.Param("category"))
	if err != nil || category < 1 || category > len(models.ActionLines) {
		respondError(c, models.Invalid("category", "must be from 1 to 18"))
		return
	}
	var req selectionRequest
	if !bindJSON(c, &req) {
		return
	}
	sel, err := s.app.SelectChampion(useCase(c), currentUser(c), year, category, req.NominationID)
	if err != nil {
		respondError(c, err)
		return
	}
	c.Header("Cache-Control", "no-store")
	c.JSON(http.StatusOK, sel)
}

// mySelections answers the signed-in reviewer's own picks in a contest
// (app.Service.MySelections).
func (s *server) mySelections(c *gin.Context) {
	year, ok := yearParam(c)
	if !ok {
		return
	}
	picks, err := s.app.MySelections(useCase(c), currentUser(c), year)
	if err != nil {
		respondError(c, err)
		return
	}
	c.Header("Cache-Control", "private, no-store")
	c.JSON(http.StatusOK, page[models.Selection]{Items: picks})
}

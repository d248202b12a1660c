package handlers

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/wsis-platform/wsis/app"
	"github.com/wsis-platform/wsis/models"
)

type invalidateRequest struct {
	Contest int      `json:"contest" validate:"required,min=1"`
	VoteIDs []string `json:"vote_ids" validate:"max=1000,dive,required,max=128"`
	VoterID string   `json:"voter_id" validate:"max=64"`
	Reason  string   `json:"reason" validate:"required,max=2000"`
}

// invalidateVotes records that the named votes, or all of a voter's votes
// in a contest, do not count; admins only (app.Service.InvalidateVotes).
func (s *server) invalidateVotes(c *gin.Context) {
	var req invalidateRequest
	if !bindJSON(c, &req) {
		return
	}
	out, err := s.app.InvalidateVotes(useCase(c), currentUser(c), app.InvalidateRequest{Contest: req.Contest,
		VoteIDs: req.VoteIDs, VoterID: req.VoterID, Reason: req.Reason})
	if err != nil {
		respondError(c, err)
		return
	}
	c.Header("Cache-Control", "no-store")
	c.JSON(http.StatusOK, out)
}

// anomalies answers the explainable anomalies of a contest's votes; admins
// only (app.Service.Anomalies).
func (s *server) anomalies(c *gin.Context) {
	year, ok := yearParam(c)
	if !ok {
		return
	}
	fresh := c.Query("fresh")
	if fresh != "" && fresh != "true" && fresh != "false" {
		respondError(c, models.Invalid("fresh", "must be true or false"))
		return
	}
	r, err := s.app.Anomalies(useCase(c), currentUser(c), year, fresh == "true")
	if err != nil {
		respondError(c, err)
		return
	}
	c.Header("Cache-Control", "no-store")
	c.JSON(http.StatusOK, r)
}

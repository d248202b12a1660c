package handlers

import (
	"net/http"
	"slices"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/wsis-platform/wsis/models"
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

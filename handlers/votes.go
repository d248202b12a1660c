package handlers

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/wsis-platform/wsis/app"
	"github.com/wsis-platform/wsis/models"
)

// ballot answers the contest's nominees by category with the signed-in
// voter's own votes (app.Service.Ballot).
func (s *server) ballot(c *gin.Context) {
	year, ok := yearParam(c)
	if !ok {
		return
	}
	b, err := s.app.Ballot(useCase(c), currentUser(c), year)
	if err != nil {
		respondError(c, err)
		return
	}
	view := ballotView{Contest: b.Contest, Voting: b.Voting, Open: b.Open, Categories: make([]ballotCategoryView, len(b.Categories))}
	for i, bc := range b.Categories {
		cv := ballotCategoryView{Category: bc.Category, Vote: bc.Vote, Nominees: make([]publicNominationView, len(bc.Nominees))}
		for j, n := range bc.Nominees {
			cv.Nominees[j] = publicNomination(n)
		}
		view.Categories[i] = cv
	}
	c.Header("Cache-Control", "private, no-store")
	c.JSON(http.StatusOK, view)
}

// ballotView is the ballot as a voter reads it: the public view of each
// nominee.
type ballotView struct {
	Contest    int                  `json:"contest"`
	Voting     models.Window        `json:"voting"`
	Open       bool                 `json:"open"`
	Categories []ballotCategoryView `json:"categories"`
}

type ballotCategoryView struct {
	Category models.ActionLine      `json:"category"`
	Nominees []publicNominationView `json:"nominees"`
	Vote     *models.Vote           `json:"vote,omitempty"`
}

type voteRequest struct {
	Category     int    `json:"category" validate:"required,min=1,max=18"`
	NominationID string `json:"nomination_id" validate:"required,max=64"`
}

// castVote records the signed-in voter's vote in one category and answers
// it with its receipt, 201 (app.Service.CastVote).
func (s *server) castVote(c *gin.Context) {
	year, ok := yearParam(c)
	if !ok {
		return
	}
	var req voteRequest
	if !bindJSON(c, &req) {
		return
	}
	v, err := s.app.CastVote(useCase(c), currentUser(c), year, req.Category, req.NominationID,
		app.Source{ClientIP: c.ClientIP(), UserAgent: c.Request.UserAgent()})
	if err != nil {
		respondError(c, err)
		return
	}
	c.Header("Location", "/api/v1/me/votes?contest="+strconv.Itoa(year))
	c.Header("Cache-Control", "no-store")
	c.JSON(http.StatusCreated, v)
}

// myVotes answers the signed-in voter's votes in a contest with their
// receipts (app.Service.MyVotes).
func (s *server) myVotes(c *gin.Context) {
	year, err := strconv.Atoi(c.Query("contest"))
	if err != nil || year < 1 {
		respondError(c, models.Invalid("contest", "is required: the contest's year"))
		return
	}
	votes, err := s.app.MyVotes(useCase(c), currentUser(c), year)
	if err != nil {
		respondError(c, err)
		return
	}
	c.Header("Cache-Control", "private, no-store")
	c.JSON(http.StatusOK, page[models.Vote]{Items: votes})
}

// tally answers the live counters beside the recount; admins only
// (app.Service.Tally).
func (s *server) tally(c *gin.Context) {
	year, ok := yearParam(c)
	if !ok {
		return
	}
	t, err := s.app.Tally(useCase(c), currentUser(c), year)
	if err != nil {
		respondError(c, err)
		return
	}
	c.Header("Cache-Control", "no-store")
	c.JSON(http.StatusOK, t)
}

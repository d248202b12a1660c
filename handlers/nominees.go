package handlers

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/wsis-platform/wsis/app"
	"github.com/wsis-platform/wsis/models"
)

// rankings answers the ranking of a contest's nominations, for one category
// or all; admins only (app.Service.Rankings).
func (s *server) rankings(c *gin.Context) {
	year, ok := yearParam(c)
	if !ok {
		return
	}
	category, ok := categoryQuery(c)
	if !ok {
		return
	}
	r, ok := pageRequest(c)
	if !ok {
		return
	}
	ranking, err := s.app.Rankings(useCase(c), currentUser(c), year, category, r)
	if err != nil {
		respondError(c, err)
		return
	}
	c.JSON(http.StatusOK, rankingPage{Normalization: ranking.Normalization,
		page: page[app.RankingRow]{Items: ranking.Rows, NextCursor: encodeCursor(ranking.Next)}})
}

// rankingPage is a page of a ranking with the normalization it is ranked
// by.
type rankingPage struct {
	Normalization string `json:"normalization"`
	page[app.RankingRow]
}

func categoryQuery(c *gin.Context) (int, bool) {
	v := c.Query("category")
	if v == "" {
		return 0, true
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > len(models.ActionLines) {
		respondError(c, models.Invalid("category", "must be from 1 to 18"))
		return 0, false
	}
	return n, true
}

type publishNomineesRequest struct {
	Add    []string `json:"add" validate:"max=500,unique,dive,required,max=64"`
	Remove []string `json:"remove" validate:"max=500,unique,dive,required,max=64"`
	Reason string   `json:"reason" validate:"max=2000,multiline"`
}

// publishNominees makes the top nominees of each category nominees, with an
// admin's overrides; admins only (app.Service.PublishNominees). The body is
// optional.
func (s *server) publishNominees(c *gin.Context) {
	year, ok := yearParam(c)
	if !ok {
		return
	}
	var req publishNomineesRequest
	if c.Request.ContentLength != 0 && !bindJSON(c, &req) {
		return
	}
	list, err := s.app.PublishNominees(useCase(c), currentUser(c), year, app.NomineeOverrides(req))
	if err != nil {
		respondError(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"nominees": list.Nominees, "method": list.Method})
}

// nominees answers a contest's published nominees, by category: project
// title, organization, countries and short description; never scores
// (app.Service.Nominees).
func (s *server) nominees(c *gin.Context) {
	year, ok := yearParam(c)
	if !ok {
		return
	}
	category, ok := categoryQuery(c)
	if !ok {
		return
	}
	r, ok := pageRequest(c)
	if !ok {
		return
	}
	list, err := s.app.Nominees(useCase(c), year, category, r)
	if err != nil {
		respondError(c, err)
		return
	}
	items := make([]publicNominationView, len(list.Items))
	for i, n := range list.Items {
		items[i] = publicNomination(n)
	}
	c.Header("Cache-Control", "public, max-age=60")
	c.JSON(http.StatusOK, page[publicNominationView]{Items: items, NextCursor: encodeCursor(list.Next)})
}

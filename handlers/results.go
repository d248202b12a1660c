package handlers

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/wsis-platform/wsis/app"
	"github.com/wsis-platform/wsis/models"
)

// overridesRequest is an admin's overrides of a choice by count: the body
// of the champions' and the results' publication.
type overridesRequest struct {
	Add    []string `json:"add" validate:"max=500,unique,dive,required,max=64"`
	Remove []string `json:"remove" validate:"max=500,unique,dive,required,max=64"`
	Reason string   `json:"reason" validate:"max=2000,multiline"`
}

// publishChampions chooses the champions by valid votes, with an admin's
// overrides, and answers the recount they were chosen by; admins only
// (app.Service.PublishChampions). The body is optional.
func (s *server) publishChampions(c *gin.Context) {
	year, ok := yearParam(c)
	if !ok {
		return
	}
	var req overridesRequest
	if c.Request.ContentLength != 0 && !bindJSON(c, &req) {
		return
	}
	counts, err := s.app.PublishChampions(useCase(c), currentUser(c), year, app.Overrides(req))
	if err != nil {
		respondError(c, err)
		return
	}
	c.Header("Cache-Control", "no-store")
	c.JSON(http.StatusOK, counts)
}

// publishResults decides the winners by the reviewers' picks, with an
// admin's overrides, and answers the published results; admins only
// (app.Service.PublishResults). The body is optional.
func (s *server) publishResults(c *gin.Context) {
	year, ok := yearParam(c)
	if !ok {
		return
	}
	var req overridesRequest
	if c.Request.ContentLength != 0 && !bindJSON(c, &req) {
		return
	}
	res, err := s.app.PublishResults(useCase(c), currentUser(c), year, app.Overrides(req))
	if err != nil {
		respondError(c, err)
		return
	}
	c.Header("Cache-Control", "no-store")
	c.JSON(http.StatusOK, resultsOf(res))
}

// results answers a contest's published results to anyone; 404 before they
// are published (app.Service.Results).
func (s *server) results(c *gin.Context) {
	year, ok := yearParam(c)
	if !ok {
		return
	}
	res, err := s.app.Results(useCase(c), year)
	if err != nil {
		respondError(c, err)
		return
	}
	c.Header("Cache-Control", "public, max-age=60")
	c.JSON(http.StatusOK, resultsOf(res))
}

// resultsView is the public form of a contest's results: never the
// reviewers' picks.
type resultsView struct {
	Contest     int                  `json:"contest"`
	Categories  []categoryResultView `json:"categories"`
	PublishedAt time.Time            `json:"published_at"`
	// Commitment is the published commitment to the counted votes, whose
	// roots a voter's proof leads to.
	Commitment *models.Commitment `json:"commitment,omitempty"`
}

type categoryResultView struct {
	Category         int                  `json:"category"`
	Winners          []string             `json:"winners"`
	Champions        []championResultView `json:"champions"`
	InvalidatedVotes int64                `json:"invalidated_votes"`
}

type championResultView struct {
	NominationID string `json:"nomination_id"`
	ProjectTitle string `json:"project_title"`
	Organization string `json:"organization"`
	Votes        int64  `json:"votes"`
	Winner       bool   `json:"winner"`
}

func resultsOf(r models.Results) resultsView {
	v := resultsView{Contest: r.Contest, PublishedAt: r.PublishedAt, Categories: make([]categoryResultView, len(r.Categories)),
		Commitment: r.Commitment}
	for i, cr := range r.Categories {
		cv := categoryResultView{Category: cr.Category, Winners: cr.Winners, InvalidatedVotes: cr.Invalidated,
			Champions: make([]championResultView, len(cr.Champions))}
		for j, ch := range cr.Champions {
			cv.Champions[j] = championResultView{NominationID: ch.NominationID, ProjectTitle: ch.ProjectTitle,
				Organization: ch.Organization, Votes: ch.Votes, Winner: ch.Winner}
		}
		v.Categories[i] = cv
	}
	return v
}

// commitments answers every published version of a contest's commitment to
// its counted votes, oldest first, to anyone; 404 before voting closes and
// the first is published (app.Service.Commitments).
func (s *server) commitments(c *gin.Context) {
	year, ok := yearParam(c)
	if !ok {
		return
	}
	cs, err := s.app.Commitments(useCase(c), year)
	if err != nil {
		respondError(c, err)
		return
	}
	c.Header("Cache-Control", "public, max-age=60")
	c.JSON(http.StatusOK, gin.H{"items": cs, "next_cursor": nil})
}

// publishCommitment publishes the contest's commitment to its counted votes
// once voting has closed; admins only (app.Service.PublishCommitment).
func (s *server) publishCommitment(c *gin.Context) {
	year, ok := yearParam(c)
	if !ok {
		return
	}
	cm, err := s.app.PublishCommitment(useCase(c), currentUser(c), year)
	if err != nil {
		respondError(c, err)
		return
	}
	c.Header("Cache-Control", "no-store")
	c.JSON(http.StatusOK, cm)
}

// voteProof answers the inclusion proof of the caller's vote in its
// category's published tree, or why the vote is not counted
// (app.Service.VoteProof); another user's vote is 404.
func (s *server) voteProof(c *gin.Context) {
	p, err := s.app.VoteProof(useCase(c), currentUser(c), c.Param("id"))
	if err != nil {
		respondError(c, err)
		return
	}
	c.Header("Cache-Control", "no-store")
	c.JSON(http.StatusOK, p)
}

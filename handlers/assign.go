package handlers

import (
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/wsis-platform/wsis/models"
	"github.com/wsis-platform/wsis/store"
)

type autoAssignRequest struct {
	ReviewsPerNomination int      `json:"reviews_per_nomination" validate:"omitempty,min=1,max=20"`
	ReviewerIDs          []string `json:"reviewer_ids" validate:"max=500,unique,dive,required,max=64"`
}

type autoAssignAnswer struct {
	Assigned  []models.Assignment `json:"assigned"`
	Uncovered []models.Uncovered  `json:"uncovered"`
	Loads     map[string]int      `json:"loads"`
}

// autoAssign gives every eligible nomination of the contest k distinct,
// conflict-free reviewers, keeping the assignments it has, with loads as
// even as conflicts allow (a min-cost flow; models.AutoAssign). Without
// reviewer_ids the Expert Group is every user with the reviewer role; k
// defaults to the contest's reviews_per_nomination. Running it again adds
// nothing. Admins only; audited; reviewers are mailed their new work.
func (s *server) autoAssign(c *gin.Context) {
	year, ok := yearParam(c)
	if !ok {
		return
	}
	var req autoAssignRequest
	if c.Request.ContentLength != 0 && !bindJSON(c, &req) {
		return
	}
	ctx := c.Request.Context()
	contest, err := s.store.Contest(ctx, year)
	if err == nil {
		err = contest.RequireNotClosed(models.WindowReview, s.clock.Now())
	}
	if err != nil {
		respondError(c, err)
		return
	}
	k := req.ReviewsPerNomination
	if k == 0 {
		k = contest.Settings.ReviewsPerNomination
	}
	reviewers, err := s.expertGroup(c, req.ReviewerIDs)
	if err != nil {
		respondError(c, err)
		return
	}
	nominations, err := s.store.Nominations(ctx, store.NominationQuery{Contest: year, States: eligibleForReview})
	if err != nil {
		respondError(c, err)
		return
	}
	existing, err := s.store.Assignments(ctx, store.AssignmentQuery{Contest: year})
	if err != nil {
		respondError(c, err)
		return
	}
	in := models.AssignInput{PerNomination: k, Existing: map[string][]string{}}
	byID := map[string]models.Nomination{}
	for _, n := range nominations {
		in.Nominations = append(in.Nominations, n.ID)
		byID[n.ID] = n
	}
	for _, a := range existing {
		in.Existing[a.NominationID] = append(in.Existing[a.NominationID], a.ReviewerID)
	}
	type member struct {
		user      models.User
		conflicts models.Conflicts
	}
	members := map[string]member{}
	for _, r := range reviewers {
		conflicts, err := s.store.Conflicts(ctx, r.ID)
		if err != nil {
			respondError(c, err)
			return
		}
		members[r.ID] = member{r, conflicts}
		in.Reviewers = append(in.Reviewers, r.ID)
	}
	in.Conflict = func(nomination, reviewer string) bool {
		m := members[reviewer]
		return m.conflicts.ConflictWith(m.user.Organization, byID[nomination]) != ""
	}
	result := models.AutoAssign(in)

	now := s.clock.Now()
	var fresh []models.Assignment
	for _, id := range in.Nominations {
		for _, r := range result.New[id] {
			n := byID[id]
			fresh = append(fresh, models.Assignment{Contest: year, Category: n.Category, NominationID: id, ReviewerID: r,
				CreatedAt: now, UpdatedAt: now})
		}
	}
	created, err := s.store.CreateAssignments(ctx, fresh)
	if err != nil {
		respondError(c, err)
		return
	}
	if len(created) > 0 {
		s.auditAssignments(c, "assignment.auto", created)
	}
	perReviewer := map[string][]models.Assignment{}
	for _, a := range created {
		perReviewer[a.ReviewerID] = append(perReviewer[a.ReviewerID], a)
	}
	s.mailAssignments(c, perReviewer)
	loads := map[string]int{}
	for _, r := range in.Reviewers {
		loads[r] = 0
	}
	for _, a := range append(existing, created...) {
		if _, ok := loads[a.ReviewerID]; ok {
			loads[a.ReviewerID]++
		}
	}
	if created == nil {
		created = []models.Assignment{}
	}
	uncovered := result.Uncovered
	if uncovered == nil {
		uncovered = []models.Uncovered{}
	}
	c.JSON(http.StatusOK, autoAssignAnswer{Assigned: created, Uncovered: uncovered, Loads: loads})
}

// expertGroup returns the reviewers named, each of whom must be an active
// reviewer, or every active reviewer when none is named.
func (s *server) expertGroup(c *gin.Context, ids []string) ([]models.User, error) {
	ctx := c.Request.Context()
	if len(ids) == 0 {
		return s.store.UsersWithRole(ctx, models.RoleReviewer)
	}
	out := make([]models.User, 0, len(ids))
	for i, id := range ids {
		u, err := s.store.UserByID(ctx, id)
		if err != nil || !u.HasRole(models.RoleReviewer) || u.Disabled {
			return nil, models.Invalid(fmt.Sprintf("reviewer_ids[%d]", i), "is not an active member of the Expert Group (reviewer role)")
		}
		out = append(out, u)
	}
	return out, nil
}

func (s *server) auditAssignments(c *gin.Context, action string, as []models.Assignment) {
	for _, a := range as {
		s.record(c, action, "assignment", a.ID, nil, map[string]any{"nomination_id": a.NominationID,
			"reviewer_id": a.ReviewerID, "contest": a.Contest})
	}
}

// mailAssignments tells each reviewer of their new assignments in one mail.
func (s *server) mailAssignments(c *gin.Context, perReviewer map[string][]models.Assignment) {
	ctx := c.Request.Context()
	ids := make([]string, 0, len(perReviewer))
	for id := range perReviewer {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		reviewer, err := s.store.UserByID(ctx, id)
		if err == nil {
			var lines []string
			for _, a := range perReviewer[id] {
				n, err := s.store.Nomination(ctx, a.NominationID)
				if err == nil {
					lines = append(lines, fmt.Sprintf("- category %d: %s (%s)", n.Category, n.ProjectTitle, n.Organization))
				}
			}
			_, err = s.mailer.Send(ctx, models.Mail{To: reviewer.Email, Kind: models.MailAssignment,
				Subject: fmt.Sprintf("%d new WSIS Prizes nominations to review", len(perReviewer[id])),
				Body: fmt.Sprintf("Hello %s,\n\nYou have new nominations to review:\n\n%s\n\nReview them at %s/reviewer\n",
					reviewer.Name, strings.Join(lines, "\n"), s.publicURL)})
		}
		if err != nil {
			logger(c).ErrorContext(ctx, "assignment mail not queued", "err", err, "reviewer", id)
		}
	}
}

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

// reviewerAssignment is what a reviewer reads of an assignment: their own
// review and the nomination's content, never another reviewer's work.
type reviewerAssignment struct {
	models.Assignment
	Nomination reviewedNomination `json:"nomination"`
	Criteria   []models.Criterion `json:"criteria"`
}

type reviewedNomination struct {
	ID               string   `json:"id"`
	Category         int      `json:"category"`
	ProjectID        string   `json:"project_id"`
	ProjectTitle     string   `json:"project_title"`
	Organization     string   `json:"organization"`
	Countries        []string `json:"countries"`
	ShortDescription string   `json:"short_description"`
	Impact           string   `json:"impact"`
	SDGLinkage       string   `json:"sdg_linkage"`
	Partnerships     string   `json:"partnerships"`
	Challenges       string   `json:"challenges"`
	Implementation   string   `json:"implementation"`
}

func reviewed(n models.Nomination) reviewedNomination {
	return reviewedNomination{ID: n.ID, Category: n.Category, ProjectID: n.ProjectID, ProjectTitle: n.ProjectTitle,
		Organization: n.Organization, Countries: n.Countries, ShortDescription: n.ShortDescription, Impact: n.Impact,
		SDGLinkage: n.SDGLinkage, Partnerships: n.Partnerships, Challenges: n.Challenges, Implementation: n.Implementation}
}

// myAssignments lists the signed-in reviewer's own assignments with each
// nomination's content and the contest's criteria.
func (s *server) myAssignments(c *gin.Context) {
	ctx := c.Request.Context()
	list, err := s.store.Assignments(ctx, store.AssignmentQuery{ReviewerID: currentUser(c).ID})
	if err != nil {
		respondError(c, err)
		return
	}
	contests := map[int]models.Contest{}
	items := make([]reviewerAssignment, 0, len(list))
	for _, a := range list {
		n, err := s.store.Nomination(ctx, a.NominationID)
		if err != nil {
			respondError(c, err)
			return
		}
		contest, ok := contests[a.Contest]
		if !ok {
			if contest, err = s.store.Contest(ctx, a.Contest); err != nil {
				respondError(c, err)
				return
			}
			contests[a.Contest] = contest
		}
		items = append(items, reviewerAssignment{Assignment: a, Nomination: reviewed(n), Criteria: contest.Settings.Criteria})
	}
	c.JSON(http.StatusOK, page[reviewerAssignment]{Items: items})
}

// eligibleForReview are the nomination states that reviewers judge.
var eligibleForReview = []models.NominationState{models.NominationSubmitted}

type manualAssignmentRequest struct {
	NominationID string `json:"nomination_id" validate:"required,max=64"`
	ReviewerID   string `json:"reviewer_id" validate:"required,max=64"`
}

// assignReviewer assigns one reviewer by hand; admins only. The reviewer
// must hold the role and have no conflict with the nomination (409 with the
// reason).
func (s *server) assignReviewer(c *gin.Context) {
	var req manualAssignmentRequest
	if !bindJSON(c, &req) {
		return
	}
	ctx := c.Request.Context()
	n, err := s.store.Nomination(ctx, req.NominationID)
	if err == nil && !slices.Contains(eligibleForReview, n.State) {
		err = models.WithDetail(models.ErrConflict, "a "+string(n.State)+" nomination is not reviewed")
	}
	if err == nil {
		err = s.requireAssigning(c, n.Contest)
	}
	var reviewer models.User
	if err == nil {
		reviewer, err = s.store.UserByID(ctx, req.ReviewerID)
	}
	if err == nil && (!reviewer.HasRole(models.RoleReviewer) || reviewer.Disabled) {
		err = models.Invalid("reviewer_id", "is not an active member of the Expert Group (reviewer role)")
	}
	var conflicts models.Conflicts
	if err == nil {
		conflicts, err = s.store.Conflicts(ctx, reviewer.ID)
	}
	if err == nil {
		if why := conflicts.ConflictWith(reviewer.Organization, n); why != "" {
			err = models.WithDetail(models.ErrConflict, "conflict of interest: "+why)
		}
	}
	if err != nil {
		respondError(c, err)
		return
	}
	now := s.clock.Now()
	created, err := s.store.CreateAssignments(ctx, []models.Assignment{{Contest: n.Contest, Category: n.Category,
		NominationID: n.ID, ReviewerID: reviewer.ID, CreatedAt: now, UpdatedAt: now}})
	if err == nil && len(created) == 0 {
		err = models.WithDetail(models.ErrConflict, "the reviewer is already assigned to this nomination")
	}
	if err != nil {
		respondError(c, err)
		return
	}
	s.auditAssignments(c, "assignment.create", created)
	s.mailAssignments(c, map[string][]models.Assignment{reviewer.ID: created})
	c.JSON(http.StatusCreated, created[0])
}

// unassignReviewer removes an assignment whose review is not submitted;
// admins only.
func (s *server) unassignReviewer(c *gin.Context) {
	ctx := c.Request.Context()
	a, err := s.store.Assignment(ctx, c.Param("id"))
	if err == nil {
		err = s.requireAssigning(c, a.Contest)
	}
	if err == nil {
		a, err = s.store.DeleteAssignment(ctx, a.ID)
	}
	if err != nil {
		respondError(c, err)
		return
	}
	s.auditAssignments(c, "assignment.delete", []models.Assignment{a})
	c.Status(http.StatusNoContent)
}

// requireAssigning refuses changes of a contest's assignments once its
// review window has closed (409 phase-closed).
func (s *server) requireAssigning(c *gin.Context, year int) error {
	contest, err := s.store.Contest(c.Request.Context(), year)
	if err != nil {
		return err
	}
	return contest.RequireNotClosed(models.WindowReview, s.clock.Now())
}

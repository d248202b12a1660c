package app

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/wsis-platform/wsis/models"
	"github.com/wsis-platform/wsis/store"
)

// ExportKinds are what a contest export may hold.
var ExportKinds = []string{"nominations", "reviews", "results", "votes"}

// ExportContest calls row with each row of the year's contest data of kind
// what, the header first: its nominations, its reviews, its results once
// published (with the reviewers' picks per champion, which the public never
// sees), or its votes (streamed; see ExportVotes). Nothing is passed to row
// before every check has passed, so a caller may answer an error as such
// until the first row. Admins only. Returns ErrForbidden, ErrInvalid for an
// unknown kind, ErrNotFound for a missing contest or unpublished results,
// or row's error.
func (s *Service) ExportContest(ctx context.Context, actor models.User, year int, what string, row func([]string) error) error {
	if err := requireAdmin(actor); err != nil {
		return err
	}
	var rows [][]string
	var err error
	switch what {
	case "votes":
		return s.exportVotes(ctx, year, row)
	case "nominations":
		rows, err = s.nominationRows(ctx, year)
	case "reviews":
		rows, err = s.reviewRows(ctx, year)
	case "results":
		rows, err = s.resultRows(ctx, year)
	default:
		return models.Invalid("what", "must be nominations, reviews, results or votes")
	}
	if err != nil {
		return err
	}
	for _, r := range rows {
		if err := row(r); err != nil {
			return err
		}
	}
	return nil
}

var nominationColumns = []string{"id", "contest", "category", "category_code", "project_id", "project_title", "organization",
	"countries", "nominator_id", "state", "ineligible_reason", "implementation", "short_description", "impact", "sdg_linkage",
	"partnerships", "challenges", "created_at", "updated_at"}

func (s *Service) nominationRows(ctx context.Context, year int) ([][]string, error) {
	if _, err := s.store.Contest(ctx, year); err != nil {
		return nil, err
	}
	list, err := s.store.Nominations(ctx, store.NominationQuery{Contest: year})
	if err != nil {
		return nil, err
	}
	rows := [][]string{nominationColumns}
	for _, n := range list {
		rows = append(rows, []string{n.ID, strconv.Itoa(n.Contest), strconv.Itoa(n.Category), models.ActionLines[n.Category-1].Code,
			n.ProjectID, n.ProjectTitle, n.Organization, strings.Join(n.Countries, ";"), n.NominatorID, string(n.State),
			n.IneligibleReason, n.Implementation, n.ShortDescription, n.Impact, n.SDGLinkage, n.Partnerships, n.Challenges,
			n.CreatedAt.UTC().Format(time.RFC3339), n.UpdatedAt.UTC().Format(time.RFC3339)})
	}
	return rows, nil
}

// reviewRows are a contest's reviews, one row per assignment, with a column
// per criterion.
func (s *Service) reviewRows(ctx context.Context, year int) ([][]string, error) {
	contest, err := s.store.Contest(ctx, year)
	if err != nil {
		return nil, err
	}
	nominations, err := s.store.Nominations(ctx, store.NominationQuery{Contest: year})
	if err != nil {
		return nil, err
	}
	assignments, err := s.store.Assignments(ctx, store.AssignmentQuery{Contest: year})
	if err != nil {
		return nil, err
	}
	titles := map[string]string{}
	for _, n := range nominations {
		titles[n.ID] = n.ProjectTitle
	}
	header := []string{"assignment_id", "contest", "category", "nomination_id", "project_title", "reviewer_id", "state"}
	for _, cr := range contest.Settings.Criteria {
		header = append(header, cr.Key)
	}
	rows := [][]string{append(header, "comment", "submitted_at")}
	for _, a := range assignments {
		row := []string{a.ID, strconv.Itoa(a.Contest), strconv.Itoa(a.Category), a.NominationID, titles[a.NominationID],
			a.ReviewerID, string(a.State)}
		for _, cr := range contest.Settings.Criteria {
			if v, ok := a.Scores[cr.Key]; ok {
				row = append(row, strconv.Itoa(v))
			} else {
				row = append(row, "")
			}
		}
		submitted := ""
		if a.SubmittedAt != nil {
			submitted = a.SubmittedAt.UTC().Format(time.RFC3339)
		}
		rows = append(rows, append(row, a.Comment, submitted))
	}
	return rows, nil
}

// resultRows are a contest's published results, one row per champion.
func (s *Service) resultRows(ctx context.Context, year int) ([][]string, error) {
	res, err := s.Results(ctx, year)
	if err != nil {
		return nil, err
	}
	rows := [][]string{{"contest", "category", "category_code", "nomination_id", "project_title", "organization",
		"votes", "picks", "winner", "invalidated_votes_in_category", "published_at"}}
	for _, cr := range res.Categories {
		for _, ch := range cr.Champions {
			rows = append(rows, []string{strconv.Itoa(year), strconv.Itoa(cr.Category), models.ActionLines[cr.Category-1].Code,
				ch.NominationID, ch.ProjectTitle, ch.Organization, strconv.FormatInt(ch.Votes, 10), strconv.Itoa(ch.Picks),
				strconv.FormatBool(ch.Winner), strconv.FormatInt(cr.Invalidated, 10), res.PublishedAt.UTC().Format(time.RFC3339)})
		}
	}
	return rows, nil
}

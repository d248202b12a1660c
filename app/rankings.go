package app

import (
	"context"

	"github.com/wsis-platform/wsis/models"
	"github.com/wsis-platform/wsis/store"
)

// RankingRow is a nomination's place with what the secretariat needs to read
// it: raw and normalised scores side by side, the number of reviews and the
// disagreement between reviewers.
type RankingRow struct {
	models.RankedNomination
	ProjectTitle string                 `json:"project_title"`
	Organization string                 `json:"organization"`
	State        models.NominationState `json:"state"`
}

// DisagreementSpread is the spread of a nomination's review totals (their
// standard deviation, on the 0–10 scale of the criteria) from which its
// reviewers are said to disagree: the secretariat reads those reviews
// before it publishes the nominees.
const DisagreementSpread = 2.0

// Disagreement reports whether the row's reviewers disagree: at least two
// submitted reviews whose totals spread by DisagreementSpread or more.
func (r RankingRow) Disagreement() bool { return r.Reviews >= 2 && r.Spread >= DisagreementSpread }

// Ranking is a contest's ranking, for one category or all.
type Ranking struct {
	// Normalization is the score normalization the rows are ranked by.
	Normalization string
	// Rows are by category, then rank.
	Rows []RankingRow
	// Next is the cursor of the last row when more rows follow.
	Next string
}

// Rankings ranks the year's reviewed nominations in category, or in every
// category when it is 0, from submitted reviews only, and answers the page
// of rows r asks for. Admins only. Returns
// ErrForbidden for anyone else and ErrNotFound for a missing contest.
func (s *Service) Rankings(ctx context.Context, actor models.User, year, category int, r PageRequest) (Ranking, error) {
	if err := requireAdmin(actor); err != nil {
		return Ranking{}, err
	}
	contest, err := s.store.Contest(ctx, year)
	if err != nil {
		return Ranking{}, err
	}
	ranking, err := s.ranking(ctx, contest)
	if err != nil {
		return Ranking{}, err
	}
	var rows []RankingRow
	for cat := 1; cat <= len(models.ActionLines); cat++ {
		if category == 0 || category == cat {
			rows = append(rows, ranking[cat]...)
		}
	}
	p := pageOf(rows, r, rankingKey)
	return Ranking{Normalization: contest.Settings.ScoreNormalization, Rows: p.Items, Next: p.Next}, nil
}

// ranking ranks the contest's reviewed nominations per category under its
// score normalization, from submitted reviews only.
func (s *Service) ranking(ctx context.Context, contest models.Contest) (map[int][]RankingRow, error) {
	nominations, err := s.store.Nominations(ctx, store.NominationQuery{Contest: contest.Year,
		States: []models.NominationState{models.NominationSubmitted, models.NominationNominee, models.NominationChampion, models.NominationWinner}})
	if err != nil {
		return nil, err
	}
	reviews, err := s.store.Assignments(ctx, store.AssignmentQuery{Contest: contest.Year, State: models.ReviewSubmitted})
	if err != nil {
		return nil, err
	}
	in := models.RankInput{Normalization: contest.Settings.ScoreNormalization}
	for _, cr := range contest.Settings.Criteria {
		in.Criteria = append(in.Criteria, cr.Key)
	}
	byID := map[string]models.Nomination{}
	for _, n := range nominations {
		byID[n.ID] = n
		in.Nominations = append(in.Nominations, models.RankCandidate{ID: n.ID, Category: n.Category, SubmittedAt: n.CreatedAt})
	}
	// Every submitted review of the contest calibrates its reviewer's scale,
	// also reviews of nominations screened out since (SPEC §5).
	for _, r := range reviews {
		in.Reviews = append(in.Reviews, models.SubmittedReview{NominationID: r.NominationID, ReviewerID: r.ReviewerID, Scores: r.Scores})
	}
	out := map[int][]RankingRow{}
	for category, ranked := range models.Rank(in) {
		for _, r := range ranked {
			n := byID[r.NominationID]
			out[category] = append(out[category], RankingRow{RankedNomination: r, ProjectTitle: n.ProjectTitle,
				Organization: n.Organization, State: n.State})
		}
	}
	return out, nil
}

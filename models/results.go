package models

import (
	"fmt"
	"time"
)

// CheckChampionsPublishable applies SPEC §5's rule for the champions: they
// are chosen once the nominees are published and the voting window has
// closed, and may be chosen again (after an invalidation, say) until the
// selection window opens, since reviewers pick among them from then on. A
// first choice may still come while the selection is open (the windows may
// follow each other without a gap), as nobody can pick before it. Returns
// ErrPhaseClosed outside that time.
func (c Contest) CheckChampionsPublishable(now time.Time) error {
	if !c.Stages.NomineesPublished {
		return c.phaseClosed(WindowVoting, "the nominees of this contest are not published")
	}
	if err := c.RequireClosed(WindowVoting, now); err != nil {
		return err
	}
	if c.Stages.ChampionsPublished {
		return c.RequireNotOpened(WindowSelection, now)
	}
	return c.RequireNotClosed(WindowSelection, now)
}

// PublishChampions sets the stage flag that makes the champions public. It
// is idempotent, since the champions may be chosen again until the
// selection opens (CheckChampionsPublishable).
func (c *Contest) PublishChampions() error {
	c.Stages.ChampionsPublished = true
	return nil
}

// RequireSelection returns nil when reviewers may pick champions at t: the
// champions are published and the selection window is open; otherwise a
// phase-closed error saying which.
func (c Contest) RequireSelection(t time.Time) error {
	if !c.Stages.ChampionsPublished {
		return c.phaseClosed(WindowSelection, "the champions of this contest are not published yet")
	}
	return c.RequireOpen(WindowSelection, t)
}

// CheckResultsPublishable applies SPEC §5's rule for the results: published
// once, by an admin, after the selection window closes. Returns ErrConflict
// when they are published already and ErrPhaseClosed before their time.
func (c Contest) CheckResultsPublishable(now time.Time) error {
	if c.Stages.ResultsPublished {
		return WithDetail(ErrConflict, "the results of this contest are published")
	}
	if !c.Stages.ChampionsPublished {
		return c.phaseClosed(WindowSelection, "the champions of this contest are not published")
	}
	return c.RequireClosed(WindowSelection, now)
}

// PublishResults sets the stage flag that makes the winners and the results
// public. Returns ErrConflict when they are published already.
func (c *Contest) PublishResults() error {
	if c.Stages.ResultsPublished {
		return WithDetail(ErrConflict, "the results of this contest are published")
	}
	c.Stages.ResultsPublished = true
	return nil
}

// SetChampion makes a nominee a champion (champion true) or a champion a
// nominee again (false), for a choice of champions run again; a nomination
// already in the wanted state stays as it is. Returns ErrConflict for a
// nomination in any other state.
func (n *Nomination) SetChampion(champion bool) error {
	if n.State != NominationNominee && n.State != NominationChampion {
		return WithDetail(ErrConflict, "nomination "+n.ID+" is "+string(n.State))
	}
	n.State = NominationNominee
	if champion {
		n.State = NominationChampion
	}
	return nil
}

// SetWinner makes a champion a winner (winner true) or a winner a champion
// again (false), so that a publication of results cut short may run again
// with other overrides; a nomination already in the wanted state stays as it
// is. Returns ErrConflict for a nomination in any other state.
func (n *Nomination) SetWinner(winner bool) error {
	if n.State != NominationChampion && n.State != NominationWinner {
		return WithDetail(ErrConflict, "nomination "+n.ID+" is "+string(n.State))
	}
	n.State = NominationChampion
	if winner {
		n.State = NominationWinner
	}
	return nil
}

// TopChampions returns the first n of one category's candidates in
// champion order (OrderChampions): the champions by the votes.
func TopChampions(cs []ChampionCandidate, n int) []ChampionCandidate {
	ordered := OrderChampions(cs)
	return ordered[:min(max(n, 0), len(ordered))]
}

// Selection is one reviewer's pick of a champion in one category of a
// contest (SPEC §5): at most one per reviewer per category, changeable
// until the selection closes. Its ID is built from contest, category and
// reviewer, so the store keeps one.
type Selection struct {
	ID           string    `json:"id"`
	Contest      int       `json:"contest"`
	Category     int       `json:"category"`
	NominationID string    `json:"nomination_id"`
	ReviewerID   string    `json:"-"`
	At           time.Time `json:"at"`
}

// SelectionID is the identity of reviewerID's pick in category of contest.
func SelectionID(contest, category int, reviewerID string) string {
	return fmt.Sprintf("%d-%02d-%s", contest, category, reviewerID)
}

// ChampionCounts is the recount a publication of champions chose them by,
// kept so that every figure published later comes from it.
type ChampionCounts struct {
	Contest    int                 `json:"contest"`
	Categories []CategoryChampions `json:"categories"`
	CountedAt  time.Time           `json:"counted_at"`
}

// CategoryChampions is one category of a ChampionCounts: every nominee with
// its valid votes in champion order, the champions chosen (after an admin's
// overrides), and the category's invalidated votes.
type CategoryChampions struct {
	Category    int            `json:"category"`
	Nominees    []NomineeVotes `json:"nominees"`
	Champions   []string       `json:"champions"`
	Invalidated int64          `json:"invalidated"`
}

// Votes returns the valid votes of nominationID in the category, 0 when
// it had none.
func (c CategoryChampions) Votes(nominationID string) int64 {
	for _, n := range c.Nominees {
		if n.NominationID == nominationID {
			return n.Votes
		}
	}
	return 0
}

// Results are a contest's published results (SPEC §5).
type Results struct {
	Contest     int              `json:"contest"`
	Categories  []CategoryResult `json:"categories"`
	PublishedAt time.Time        `json:"published_at"`
	// Commitment is the last published commitment to the counted votes.
	Commitment *Commitment `json:"commitment,omitempty" bson:"-"`
}

// CategoryResult is one category's results: its winners' ids and its
// champions with their valid votes, and how many of its votes were
// invalidated.
type CategoryResult struct {
	Category    int              `json:"category"`
	Winners     []string         `json:"winners"`
	Champions   []ChampionResult `json:"champions"`
	Invalidated int64            `json:"invalidated_votes"`
}

// ChampionResult is one champion in the results. Picks, the reviewers'
// picks, is for the admins' export, never shown to the public.
type ChampionResult struct {
	NominationID string `json:"nomination_id"`
	ProjectTitle string `json:"project_title"`
	Organization string `json:"organization"`
	Votes        int64  `json:"votes"`
	Picks        int    `json:"-"`
	Winner       bool   `json:"winner"`
}

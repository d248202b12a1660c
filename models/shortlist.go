package models

import "time"

// CheckNomineesPublishable applies SPEC §5's rule for the nominee list: it
// is published once, after the review window closes and before the voting
// window opens. Returns ErrConflict when it is published already, and
// ErrPhaseClosed outside that time.
func (c Contest) CheckNomineesPublishable(now time.Time) error {
	if c.Stages.NomineesPublished {
		return WithDetail(ErrConflict, "the nominees of this contest are published")
	}
	if err := c.RequireClosed(WindowReview, now); err != nil {
		return err
	}
	return c.RequireNotOpened(WindowVoting, now)
}

// PublishNominees sets the stage flag that makes the nominees public and
// records the score normalization they were ranked by. Returns ErrConflict
// when they are published already.
func (c *Contest) PublishNominees() error {
	if c.Stages.NomineesPublished {
		return WithDetail(ErrConflict, "the nominees of this contest are published")
	}
	c.Stages.NomineesPublished = true
	c.ShortlistMethod = c.Settings.ScoreNormalization
	return nil
}

// Shortlists reports whether the ranked nomination, in state, is among its
// category's nominees by score: reviewed, still submitted, and ranked within
// the contest's nominees_per_category.
func (c Contest) Shortlists(r RankedNomination, state NominationState) bool {
	return r.Rank <= c.Settings.NomineesPerCategory && r.Reviews > 0 && state == NominationSubmitted
}

// RulesFrozen returns ErrConflict once the contest's first vote is cast (at
// firstVoteAt, when voted): from then on only the schedule may change (SPEC
// §5, rules freeze).
func RulesFrozen(firstVoteAt time.Time, voted bool) error {
	if !voted {
		return nil
	}
	return WithDetail(ErrConflict, "the rules are frozen: the first vote was cast at "+
		firstVoteAt.UTC().Format(time.RFC3339)+"; only the schedule can change")
}

// CriteriaFrozen returns ErrConflict once any review is submitted, since
// submitted scores are of the criteria they were given with.
func CriteriaFrozen(submittedReviews int) error {
	if submittedReviews == 0 {
		return nil
	}
	return WithDetail(ErrConflict, "the criteria cannot change: reviews have been submitted with them")
}

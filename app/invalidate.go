package app

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"

	"github.com/wsis-platform/wsis/models"
	"github.com/wsis-platform/wsis/store"
)

// InvalidateRequest names the votes to invalidate: either VoteIDs or all
// the votes of VoterID in the contest, with the reason.
type InvalidateRequest struct {
	Contest int
	VoteIDs []string
	VoterID string
	Reason  string
}

// Invalidation is what an invalidation did: the votes it invalidated now
// and those that were invalid already.
type Invalidation struct {
	Invalidated []string `json:"invalidated"`
	Already     []string `json:"already_invalid"`
}

// InvalidateVotes records, for each vote the request names, the fact that
// it does not count (SPEC §5): the votes stay as cast and are left out of
// every recount, and the live counters lose one vote per newly invalidated
// vote, so repeating a request, even concurrently, changes nothing. One
// audit entry lists the votes. Admins only (ErrForbidden). The reason is
// required and exactly one of VoteIDs and VoterID (ErrInvalid); a missing
// contest, a vote id that is not a vote of the contest (all are checked
// before anything changes, and the error lists them) or a voter without
// votes there is ErrNotFound.
func (s *Service) InvalidateVotes(ctx context.Context, actor models.User, req InvalidateRequest) (Invalidation, error) {
	if err := requireAdmin(actor); err != nil {
		return Invalidation{}, err
	}
	now := s.clock.Now()
	reason := strings.TrimSpace(req.Reason)
	switch {
	case reason == "":
		return Invalidation{}, models.Invalid("reason", "is required: say why the votes do not count")
	case (len(req.VoteIDs) == 0) == (req.VoterID == ""):
		return Invalidation{}, models.Invalid("vote_ids", "give either vote_ids or voter_id, not both")
	}
	contest, err := s.store.Contest(ctx, req.Contest)
	if err != nil {
		return Invalidation{}, err
	}
	votes, err := s.votesToInvalidate(ctx, contest, req)
	if err != nil {
		return Invalidation{}, err
	}
	invs := make([]store.Invalidation, len(votes))
	for i, v := range votes {
		invs[i] = store.Invalidation{Vote: v, Reason: reason, By: actor.ID, At: now}
	}
	added, err := s.store.InsertInvalidations(ctx, invs)
	// What was added is recorded and taken off the counters even when a
	// later insert failed: those facts stand.
	out := Invalidation{Invalidated: []string{}, Already: []string{}}
	fresh := map[string]bool{}
	for _, inv := range added {
		out.Invalidated = append(out.Invalidated, inv.Vote.ID)
		fresh[inv.Vote.ID] = true
	}
	if len(added) > 0 {
		s.record(ctx, now, actor, "votes.invalidate", "contest", strconv.Itoa(contest.Year), nil,
			map[string]any{"vote_ids": out.Invalidated, "voter_id": req.VoterID, "reason": reason})
		s.uncount(ctx, contest.Year, added)
	}
	if err != nil {
		return Invalidation{}, err
	}
	if len(added) > 0 {
		// A published commitment no longer names the counted votes: publish
		// the next version (the earlier stays in the history).
		published, err := s.store.Commitments(ctx, contest.Year)
		if err == nil && len(published) > 0 {
			_, _, err = s.publishCommitment(ctx, actor, contest, "votes invalidated: "+reason)
		}
		if err != nil {
			return Invalidation{}, err
		}
	}
	for _, v := range votes {
		if !fresh[v.ID] {
			out.Already = append(out.Already, v.ID)
		}
	}
	return out, nil
}

// votesToInvalidate reads the votes req names: each vote id once, or the
// voter's votes in every category of the contest; all by _id.
func (s *Service) votesToInvalidate(ctx context.Context, contest models.Contest, req InvalidateRequest) ([]models.Vote, error) {
	if req.VoterID != "" {
		votes, err := s.store.VotesOf(ctx, contest.Year, req.VoterID, categoryNumbers(contest))
		if err == nil && len(votes) == 0 {
			err = models.WithDetail(models.ErrNotFound, "this voter has no votes in this contest")
		}
		return votes, err
	}
	ids := slices.Clone(req.VoteIDs)
	slices.Sort(ids)
	ids = slices.Compact(ids)
	var votes []models.Vote
	var missing []string
	for _, id := range ids {
		v, err := s.store.Vote(ctx, id)
		switch {
		case err == nil && v.Contest == contest.Year:
			votes = append(votes, v)
		case err == nil || errors.Is(err, models.ErrNotFound):
			missing = append(missing, id)
		default:
			return nil, err
		}
	}
	if len(missing) > 0 {
		return nil, models.WithDetail(models.ErrNotFound, "no vote of contest "+strconv.Itoa(contest.Year)+
			" has these ids: "+strings.Join(missing, ", "))
	}
	return votes, nil
}

// uncount takes the newly invalidated votes off their nominees' live
// counters, one $inc per nominee. A failure is logged, not returned: the
// invalidations stand, and the admin tally shows the counter's difference
// from the recount.
func (s *Service) uncount(ctx context.Context, year int, added []store.Invalidation) {
	// This process's pending increments go first, so a counter never shows
	// fewer votes than were cast for it.
	s.voting.batcher.FlushCounts(ctx)
	type nominee struct {
		category   int
		nomination string
	}
	lost := map[nominee]int64{}
	for _, inv := range added {
		lost[nominee{inv.Vote.Category, inv.Vote.NominationID}]++
	}
	deltas := make([]models.NomineeVotes, 0, len(lost))
	for n, votes := range lost {
		deltas = append(deltas, models.NomineeVotes{Category: n.category, NominationID: n.nomination, Votes: -votes})
	}
	if err := s.store.AddVoteCounts(ctx, deltas, year); err != nil {
		s.origin(ctx).Logger.ErrorContext(ctx, "invalidated votes still on the live counters", "err", err, "contest", year)
	}
}

package app

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/wsis-platform/wsis/models"
	"github.com/wsis-platform/wsis/store"
)

// Source is where a vote came from: kept only as HMACs (SPEC §5).
type Source struct {
	ClientIP  string
	UserAgent string
}

// BallotCategory is one category of a ballot: its nominees and the voter's
// vote there, if any.
type BallotCategory struct {
	Category models.ActionLine   `json:"category"`
	Nominees []models.Nomination `json:"nominees"`
	Vote     *models.Vote        `json:"vote,omitempty"`
}

// Ballot is a contest's ballot as one voter sees it.
type Ballot struct {
	Contest    int              `json:"contest"`
	Voting     models.Window    `json:"voting"`
	Open       bool             `json:"open"`
	Categories []BallotCategory `json:"categories"`
}

// receiptKeyName names the server secret that keys receipts and source
// hashes.
const receiptKeyName = "vote-receipts"

// Ballot returns the year's nominees by category with the actor's own
// votes. Any signed-in user may read it once the nominees are published.
// Returns ErrNotFound for a missing contest or unpublished nominees.
func (s *Service) Ballot(ctx context.Context, actor models.User, year int) (Ballot, error) {
	now := s.clock.Now()
	contest, nominees, err := s.voting.nominees(ctx, year, now)
	if err != nil {
		return Ballot{}, err
	}
	votes, err := s.store.VotesOf(ctx, year, actor.ID, categoryNumbers(contest))
	if err != nil {
		return Ballot{}, err
	}
	b := Ballot{Contest: year, Voting: contest.Schedule.Voting, Open: contest.RequireVoting(now) == nil}
	for _, c := range contest.Categories {
		bc := BallotCategory{Category: c, Nominees: nominees.list[c.Number]}
		if bc.Nominees == nil {
			bc.Nominees = []models.Nomination{}
		}
		for i := range votes {
			if votes[i].Category == c.Number {
				bc.Vote = &votes[i]
			}
		}
		b.Categories = append(b.Categories, bc)
	}
	return b, nil
}

// CastVote records the actor's vote for nominationID in category of the
// year's contest and returns it with its receipt (SPEC §5). The actor must
// have a verified email and an enabled account (ErrForbidden, saying
// which); the voting window must be open and the nominees published
// (ErrPhaseClosed); the nomination must be a nominee of the contest
// (ErrNotFound) in that category (ErrInvalid). A vote is final: a second
// vote in the category, however concurrent, is ErrConflict. Every read on
// this path is an _id read or a cache; the vote is stored by the batcher.
func (s *Service) CastVote(ctx context.Context, actor models.User, year, category int, nominationID string, src Source) (models.Vote, error) {
	now := s.clock.Now().UTC().Truncate(time.Millisecond) // as the database keeps it
	if err := s.voting.mayVote(ctx, actor); err != nil {
		return models.Vote{}, err
	}
	contest, err := s.voting.contest(ctx, year, now)
	if err != nil {
		return models.Vote{}, err
	}
	if err := contest.RequireVoting(now); err != nil {
		return models.Vote{}, err
	}
	contest, nominees, err := s.voting.nominees(ctx, year, now)
	if err != nil {
		return models.Vote{}, err
	}
	if !slices.Contains(categoryNumbers(contest), category) {
		return models.Vote{}, models.Invalid("category", "is not a category of this contest")
	}
	switch got, ok := nominees.category[nominationID]; {
	case !ok:
		return models.Vote{}, models.WithDetail(models.ErrNotFound, "no nominee of this contest has that id")
	case got != category:
		return models.Vote{}, models.Invalid("nomination_id", fmt.Sprintf("is a nominee of category %d, not %d", got, category))
	}
	key, err := s.voting.receiptKey(ctx, now)
	if err != nil {
		return models.Vote{}, err
	}
	v := models.Vote{ID: models.VoteID(year, category, actor.ID), Contest: year, Category: category,
		NominationID: nominationID, VoterID: actor.ID, CastAt: now,
		ClientHash: models.SourceMAC(key, "ip", src.ClientIP), AgentHash: models.SourceMAC(key, "ua", src.UserAgent)}
	v.Receipt = models.ReceiptMAC(key, v)
	if err := s.voting.batcher.Cast(ctx, v); err != nil {
		if errors.Is(err, store.ErrBatcherClosed) {
			return models.Vote{}, models.WithDetail(models.ErrUnavailable, "the platform is restarting; vote again in a moment")
		}
		return models.Vote{}, err
	}
	s.voting.receipts.add(actor, v)
	return v, nil
}

// MyVotes returns the actor's votes in the year's contest with their
// receipts: one _id read per category. Returns ErrNotFound for a missing
// contest.
func (s *Service) MyVotes(ctx context.Context, actor models.User, year int) ([]models.Vote, error) {
	contest, err := s.voting.contest(ctx, year, s.clock.Now())
	if err != nil {
		return nil, err
	}
	votes, err := s.store.VotesOf(ctx, year, actor.ID, categoryNumbers(contest))
	if votes == nil && err == nil {
		votes = []models.Vote{}
	}
	return votes, err
}

// Tally is the admin's view of a contest's count: each nominee's live
// counter beside the authoritative recount, and where they differ.
type Tally struct {
	Contest     int              `json:"contest"`
	Rows        []TallyRow       `json:"rows"`
	Invalidated map[string]int64 `json:"invalidated"` // by category number
	Incomplete  map[string]int64 `json:"incomplete"`  // by category number
	Votes       int64            `json:"votes"`
	Differences int              `json:"differences"`
	CountedAt   time.Time        `json:"counted_at"`
	// Commitment says whether the recount reproduces the published
	// commitment; absent before one is published.
	Commitment *CommitmentCheck `json:"commitment,omitempty"`
}

// TallyRow is one nominee's two counts.
type TallyRow struct {
	Category     int    `json:"category"`
	NominationID string `json:"nomination_id"`
	Live         int64  `json:"live"`
	Recount      int64  `json:"recount"`
}

// Tally recounts the year's votes and sets the live counters beside the
// recount. Admins only, also while voting is open (the public sees no count
// until results). The live counter counts every vote stored; the recount
// leaves out invalidated votes and incomplete ballots, which the tally
// lists. Returns ErrForbidden or ErrNotFound.
func (s *Service) Tally(ctx context.Context, actor models.User, year int) (Tally, error) {
	if err := requireAdmin(actor); err != nil {
		return Tally{}, err
	}
	now := s.clock.Now()
	contest, err := s.store.Contest(ctx, year)
	if err != nil {
		return Tally{}, err
	}
	s.voting.batcher.FlushCounts(ctx)
	live, err := s.store.VoteCounts(ctx, year)
	if err != nil {
		return Tally{}, err
	}
	// Once a commitment is published, one recount with receipts serves both
	// the counts and the check of the commitment.
	published, err := s.store.Commitments(ctx, year)
	if err != nil {
		return Tally{}, err
	}
	var r store.Recount
	if len(published) > 0 {
		r, err = s.store.RecountWithReceipts(ctx, year, completeBallot(contest))
	} else {
		r, err = s.recount(ctx, contest)
	}
	if err != nil {
		return Tally{}, err
	}
	t := Tally{Contest: year, Votes: r.Votes, CountedAt: now, Invalidated: byCategory(r.Invalidated), Incomplete: byCategory(r.Incomplete)}
	type nominee struct {
		category int
		id       string
	}
	seen := map[nominee]bool{}
	for _, c := range live {
		row := TallyRow{Category: c.Category, NominationID: c.NominationID, Live: c.Votes, Recount: r.Count(c.Category, c.NominationID)}
		seen[nominee{c.Category, c.NominationID}] = true
		t.Rows = append(t.Rows, row)
	}
	for category, counts := range r.Valid {
		for id, n := range counts {
			if !seen[nominee{category, id}] {
				t.Rows = append(t.Rows, TallyRow{Category: category, NominationID: id, Recount: n})
			}
		}
	}
	slices.SortFunc(t.Rows, func(a, b TallyRow) int {
		if a.Category != b.Category {
			return a.Category - b.Category
		}
		return strings.Compare(a.NominationID, b.NominationID)
	})
	for _, row := range t.Rows {
		if row.Live != row.Recount {
			t.Differences++
		}
	}
	if len(published) > 0 {
		t.Commitment = checkCommitment(contest, r, published[len(published)-1])
	}
	return t, nil
}

// recount is the authoritative count of the contest's votes (SPEC §5).
func (s *Service) recount(ctx context.Context, contest models.Contest) (store.Recount, error) {
	return s.store.RecountVotes(ctx, contest.Year, completeBallot(contest))
}

func byCategory(m map[int]int64) map[string]int64 {
	out := make(map[string]int64, len(m))
	for k, v := range m {
		out[fmt.Sprint(k)] = v
	}
	return out
}

func categoryNumbers(c models.Contest) []int {
	out := make([]int, len(c.Categories))
	for i, a := range c.Categories {
		out[i] = a.Number
	}
	return out
}

package app

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/wsis-platform/wsis/models"
	"github.com/wsis-platform/wsis/store"
)

// NomineeOverrides are an admin's changes to the shortlist by score, with
// the reason they are made.
type NomineeOverrides struct {
	// Add are ids of submitted nominations to make nominees as well.
	Add []string
	// Remove are ids of nominations to leave out.
	Remove []string
	// Reason is required with Add or Remove.
	Reason string
}

// Shortlist is the outcome of publishing a contest's nominees.
type Shortlist struct {
	// Nominees are the ids of the nominations made nominees, sorted.
	Nominees []string
	// Method is the score normalization they were ranked by.
	Method string
}

// PublishNominees makes the top nominees_per_category of each category of
// the year's contest nominees, after the review window closes and before
// voting opens, with the admin's overrides; the shortlist, its overrides and
// the normalization it was ranked by are audited and stored, and the
// nominees are public from then on; each nominee's nominator is mailed, and
// so is the nominator of each submitted nomination left out. A publication
// cut short may simply run
// again. Admins only. Returns ErrForbidden for anyone else, ErrNotFound for
// a missing contest, ErrInvalid for an override without a reason or naming a
// nomination that does not qualify, ErrPhaseClosed outside the time, and
// ErrConflict once the nominees are published.
func (s *Service) PublishNominees(ctx context.Context, actor models.User, year int, o NomineeOverrides) (Shortlist, error) {
	if err := requireAdmin(actor); err != nil {
		return Shortlist{}, err
	}
	if (len(o.Add) > 0 || len(o.Remove) > 0) && strings.TrimSpace(o.Reason) == "" {
		return Shortlist{}, models.Invalid("reason", "is required with add or remove")
	}
	now := s.clock.Now()
	contest, err := s.store.Contest(ctx, year)
	if err == nil {
		err = contest.CheckNomineesPublishable(now)
	}
	if err != nil {
		return Shortlist{}, err
	}
	ids, err := s.shortlist(ctx, contest, o)
	if err != nil {
		return Shortlist{}, err
	}
	for _, id := range ids {
		// Nominations turn nominee before the stage flag is set, and the public
		// sees nominees only once it is: a step cut short is simply run again,
		// and a nominee from the first run is already done.
		if _, err := s.store.UpdateNomination(ctx, id, 0, now, (*models.Nomination).MakeNominee); err != nil {
			return Shortlist{}, err
		}
	}
	_, after, err := s.updateContest(ctx, year, 0, now, (*models.Contest).PublishNominees)
	if err != nil {
		return Shortlist{}, err
	}
	s.record(ctx, now, actor, "contest.nominees.publish", "contest", strconv.Itoa(year), nil, map[string]any{"nominees": ids,
		"added": o.Add, "removed": o.Remove, "reason": o.Reason, "method": after.ShortlistMethod})
	s.mailShortlist(ctx, year)
	return Shortlist{Nominees: ids, Method: after.ShortlistMethod}, nil
}

// mailShortlist tells the nominator of every nominee of the year, and of
// every submitted nomination the shortlist left out, how it went. The
// nominees are published by then, so a failure is logged, not returned.
func (s *Service) mailShortlist(ctx context.Context, year int) {
	list, err := s.store.Nominations(ctx, store.NominationQuery{Contest: year,
		States: []models.NominationState{models.NominationSubmitted, models.NominationNominee}})
	if err != nil {
		s.origin(ctx).Logger.ErrorContext(ctx, "nominee mails not queued", "err", err, "contest", year)
		return
	}
	for _, n := range list {
		key := MailNomineeNotShortlisted
		if n.State == models.NominationNominee {
			key = MailNomineeChosen
		}
		s.mailNominator(ctx, n, key, MailData{})
	}
}

// shortlist is the sorted ids of the contest's nominees: those its ranking
// shortlists, with o's additions and without its removals.
func (s *Service) shortlist(ctx context.Context, contest models.Contest, o NomineeOverrides) ([]string, error) {
	ranking, err := s.ranking(ctx, contest)
	if err != nil {
		return nil, err
	}
	chosen := map[string]bool{}
	for _, rows := range ranking {
		for _, r := range rows {
			if contest.Shortlists(r.RankedNomination, r.State) {
				chosen[r.NominationID] = true
			}
		}
	}
	for i, id := range o.Add {
		n, err := s.store.Nomination(ctx, id)
		if err != nil || n.Contest != contest.Year || n.State != models.NominationSubmitted {
			return nil, models.Invalid(fmt.Sprintf("add[%d]", i), "is not a submitted nomination of this contest")
		}
		chosen[id] = true
	}
	for i, id := range o.Remove {
		n, err := s.store.Nomination(ctx, id)
		if err != nil || n.Contest != contest.Year {
			return nil, models.Invalid(fmt.Sprintf("remove[%d]", i), "is not a nomination of this contest")
		}
		delete(chosen, id)
	}
	ids := make([]string, 0, len(chosen))
	for id := range chosen {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids, nil
}

// Nominees returns the year's published nominees in category, or in every
// category when it is 0, each with the state the published stages show,
// the page r asks for.
// Anyone may read them, the anonymous zero User included. Returns
// ErrNotFound for a missing contest or one whose nominees are not published
// yet.
func (s *Service) Nominees(ctx context.Context, year, category int, r PageRequest) (Page[models.Nomination], error) {
	contest, err := s.store.Contest(ctx, year)
	if err == nil && !contest.Stages.NomineesPublished {
		err = models.WithDetail(models.ErrNotFound, "the nominees of this contest are not published yet")
	}
	var list []models.Nomination
	if err == nil {
		list, err = s.store.Nominations(ctx, store.NominationQuery{Contest: year, Category: category,
			States: []models.NominationState{models.NominationNominee, models.NominationChampion, models.NominationWinner}})
	}
	if err != nil {
		return Page[models.Nomination]{}, err
	}
	out := make([]models.Nomination, 0, len(list))
	for _, n := range list {
		if state, ok := n.PublicState(contest.Stages); ok {
			n.State = state
			out = append(out, n)
		}
	}
	return pageOf(out, r, nominationKey), nil
}

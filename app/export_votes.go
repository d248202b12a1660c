package app

import (
	"context"
	"strconv"
	"time"

	"github.com/wsis-platform/wsis/models"
)

// voteExportColumns are the columns of a contest's vote export.
var voteExportColumns = []string{"vote_id_hash", "contest", "category", "category_code", "nomination_id", "voter_hash",
	"cast_at", "receipt", "invalidated", "invalidation_reason"}

// exportVotes calls row with the header and then every vote of the year's
// contest, streaming them in constant memory (but for the contest's
// invalidations). Voters appear only as an HMAC under the server's receipt
// key, stable within the export so that one voter's votes can be grouped,
// and so do vote ids, which name the voter; no client address or user agent
// is exported. Returns ErrNotFound for a missing contest, or row's error.
func (s *Service) exportVotes(ctx context.Context, year int, row func([]string) error) error {
	now := s.clock.Now()
	if _, err := s.store.Contest(ctx, year); err != nil {
		return err
	}
	key, err := s.voting.receiptKey(ctx, now)
	if err != nil {
		return err
	}
	invalid, err := s.store.InvalidatedVotes(ctx, year)
	if err != nil {
		return err
	}
	if err := row(voteExportColumns); err != nil {
		return err
	}
	return s.store.EachVote(ctx, year, func(v models.Vote) error {
		reason, invalidated := invalid[v.ID]
		return row([]string{models.SourceMAC(key, "vote", v.ID), strconv.Itoa(v.Contest), strconv.Itoa(v.Category),
			models.ActionLines[v.Category-1].Code, v.NominationID, models.SourceMAC(key, "voter", v.VoterID),
			v.CastAt.UTC().Format(time.RFC3339Nano), v.Receipt, strconv.FormatBool(invalidated), reason})
	})
}

package models

import (
	"cmp"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Vote is one voter's vote in one category of a contest (SPEC §5): final
// once cast. Its ID is built from contest, category and voter, so the
// store's unique _id holds "one vote per voter per category".
type Vote struct {
	ID           string    `json:"id"`
	Contest      int       `json:"contest"`
	Category     int       `json:"category"`
	NominationID string    `json:"nomination_id"`
	VoterID      string    `json:"-"`
	CastAt       time.Time `json:"cast_at"`
	// Receipt is the HMAC the voter keeps to show the vote is theirs.
	Receipt string `json:"receipt"`
	// ClientHash and AgentHash are HMACs of the client IP and user agent:
	// enough to see many votes from one source, never the raw values.
	ClientHash string `json:"-"`
	AgentHash  string `json:"-"`
}

// VoteID is the identity of the vote of voterID in category of contest:
// two attempts at the same vote share it.
func VoteID(contest, category int, voterID string) string {
	return fmt.Sprintf("%d-%02d-%s", contest, category, voterID)
}

// ParseVoteID returns the contest, category and voter that a vote id built
// by VoteID names, and false for any other string.
func ParseVoteID(id string) (contest, category int, voterID string, ok bool) {
	parts := strings.SplitN(id, "-", 3)
	if len(parts) != 3 || parts[2] == "" {
		return 0, 0, "", false
	}
	contest, err1 := strconv.Atoi(parts[0])
	category, err2 := strconv.Atoi(parts[1])
	if err1 != nil || err2 != nil || VoteID(contest, category, parts[2]) != id {
		return 0, 0, "", false
	}
	return contest, category, parts[2], true
}

// NomineeKey names a nominee in its category of a contest: the identity of
// its live vote counter.
func NomineeKey(contest, category int, nominationID string) string {
	return fmt.Sprintf("%d-%02d-%s", contest, category, nominationID)
}

// ReceiptMAC is a vote's receipt: HMAC-SHA-256, under the server's receipt
// key, over contest, category, nomination, voter and the time of casting
// (in milliseconds), each field length-prefixed so that no two votes share
// an input. Hex, 64 characters.
func ReceiptMAC(key []byte, v Vote) string {
	m := hmac.New(sha256.New, key)
	for _, f := range []string{strconv.Itoa(v.Contest), strconv.Itoa(v.Category), v.NominationID, v.VoterID,
		strconv.FormatInt(v.CastAt.UTC().UnixMilli(), 10)} {
		fmt.Fprintf(m, "%d:%s;", len(f), f)
	}
	return hex.EncodeToString(m.Sum(nil))
}

// SourceMAC is the HMAC of a vote's client address or user agent under the
// server's receipt key, prefixed by what it is of, so the two never match
// each other. Hex, 32 characters: enough to group, nothing to reverse.
func SourceMAC(key []byte, kind, value string) string {
	m := hmac.New(sha256.New, key)
	fmt.Fprintf(m, "%s:%s", kind, value)
	return hex.EncodeToString(m.Sum(nil)[:16])
}

// Voter reports why u may not vote, or nil: a voter has a verified email and
// an enabled account (SPEC §5). The error is ErrForbidden with the reason.
func Voter(u User, emailVerified bool) error {
	switch {
	case u.Disabled:
		return WithDetail(ErrForbidden, "this account is disabled")
	case !emailVerified:
		return WithDetail(ErrForbidden, "verify your email address before voting")
	}
	return nil
}

// RequireVoting returns nil when contest c takes votes at t: its nominees
// are published and its voting window is open; otherwise a phase-closed
// error saying which.
func (c Contest) RequireVoting(t time.Time) error {
	if !c.Stages.NomineesPublished {
		return c.phaseClosed(WindowVoting, "the nominees of this contest are not published yet")
	}
	return c.RequireOpen(WindowVoting, t)
}

// CategoryCount is the number of categories of a contest, so the number of
// votes a complete ballot has.
func (c Contest) CategoryCount() int { return len(c.Categories) }

// NomineeVotes is one nominee's count in a tally.
type NomineeVotes struct {
	NominationID string `json:"nomination_id"`
	Category     int    `json:"category"`
	Votes        int64  `json:"votes"`
}

// ChampionCandidate is a nominee competing for a champion's place: its valid
// votes, and its Expert Group ranking for the ties.
type ChampionCandidate struct {
	NominationID string
	Votes        int64
	// RankScore is the ranking score the nominees were published by.
	RankScore   float64
	SubmittedAt time.Time
}

// OrderChampions orders one category's nominees for the champions' places
// (SPEC §5): more valid votes first; ties by higher ranking score, then by
// earlier submission, then by id so the order is total. It returns a new
// slice.
func OrderChampions(cs []ChampionCandidate) []ChampionCandidate {
	out := slices.Clone(cs)
	slices.SortStableFunc(out, func(a, b ChampionCandidate) int {
		if c := cmp.Compare(b.Votes, a.Votes); c != 0 {
			return c
		}
		if c := compareDescending(a.RankScore, b.RankScore); c != 0 {
			return c
		}
		if c := a.SubmittedAt.Compare(b.SubmittedAt); c != 0 {
			return c
		}
		return cmp.Compare(a.NominationID, b.NominationID)
	})
	return out
}

// Winners returns the champions of one category with the most reviewer
// picks (SPEC §5): ties give several winners; no pick at all, none. picks
// maps a champion's nomination id to its picks.
func Winners(champions []string, picks map[string]int) []string {
	best := 0
	for _, c := range champions {
		best = max(best, picks[c])
	}
	if best == 0 {
		return nil
	}
	var out []string
	for _, c := range champions {
		if picks[c] == best {
			out = append(out, c)
		}
	}
	slices.Sort(out)
	return out
}

package app

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/wsis-platform/wsis/models"
)

// AnomalyReport is what an anomaly scan of a contest's votes found, with
// the thresholds it used.
type AnomalyReport struct {
	Contest    int                      `json:"contest"`
	ComputedAt time.Time                `json:"computed_at"`
	Votes      int64                    `json:"votes"`
	Thresholds models.AnomalyThresholds `json:"thresholds"`
	Anomalies  []models.Anomaly         `json:"anomalies"`
}

// voterCacheLimit bounds the voters a scan keeps in memory; past it the
// cache starts again and a voter may be read twice.
const voterCacheLimit = 200_000

// Anomalies returns the year's anomaly report (SPEC §5): many votes from
// one client hash within the client window, accounts created within the
// burst window voting for one nominee, voters with a disposable email
// domain. It answers the newest report the background refresh stored
// (RefreshAnomalies), and computes one now when fresh is set or none is
// stored yet, keeping it as the newest. Admins only (ErrForbidden); a
// missing contest is ErrNotFound.
func (s *Service) Anomalies(ctx context.Context, actor models.User, year int, fresh bool) (AnomalyReport, error) {
	if err := requireAdmin(actor); err != nil {
		return AnomalyReport{}, err
	}
	if _, err := s.store.Contest(ctx, year); err != nil {
		return AnomalyReport{}, err
	}
	if !fresh {
		var r AnomalyReport
		_, err := s.store.LatestAnomalyReport(ctx, year, &r)
		if err == nil {
			return r, nil
		}
		if !errors.Is(err, models.ErrNotFound) {
			return AnomalyReport{}, err
		}
	}
	return s.refreshAnomalies(ctx, year, s.clock.Now())
}

// anomalyRefreshAfter is how long after voting closes the background keeps
// refreshing a contest's anomaly report: invalidations go on meanwhile.
const anomalyRefreshAfter = 7 * 24 * time.Hour

// RefreshAnomalies computes and stores the anomaly report of every contest
// whose voting window is open, or closed less than a week ago, so that the
// admins' page answers at once however many votes there are (a scan reads
// them all). The background calls it every few minutes; a scan that fails
// is logged and the others go on. Returns the reports stored.
func (s *Service) RefreshAnomalies(ctx context.Context) (int, error) {
	now := s.clock.Now()
	contests, err := s.store.Contests(ctx)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, c := range contests {
		v := c.Schedule.Voting
		if now.Before(v.OpensAt) || now.Sub(v.ClosesAt) > anomalyRefreshAfter {
			continue
		}
		if _, err := s.refreshAnomalies(ctx, c.Year, now); err != nil {
			s.log.Error("anomaly report not refreshed", "contest", c.Year, "err", err)
			continue
		}
		n++
	}
	return n, nil
}

// refreshAnomalies scans the year's votes and stores the report. It streams
// the votes with a cursor once to count, keeping per client hash and per
// nominee a histogram of times, not the votes, and reading each voter by
// _id; and once more, only when something was flagged, to list the
// evidence.
func (s *Service) refreshAnomalies(ctx context.Context, year int, now time.Time) (AnomalyReport, error) {
	sc := &anomalyScan{s: s, th: s.anomalyThresholds.WithDefaults(), clients: map[string]*models.Histogram{},
		nominees: map[nomineeKey]*models.Histogram{}, disposable: map[string]*disposableVoters{}, voters: map[string]voterFacts{}}
	if err := s.store.EachVote(ctx, year, func(v models.Vote) error { return sc.count(ctx, v) }); err != nil {
		return AnomalyReport{}, err
	}
	sc.flag()
	if len(sc.flags) > 0 {
		if err := s.store.EachVote(ctx, year, func(v models.Vote) error { return sc.evidence(ctx, v) }); err != nil {
			return AnomalyReport{}, err
		}
	}
	r := AnomalyReport{Contest: year, ComputedAt: now, Votes: sc.votes, Thresholds: sc.th, Anomalies: []models.Anomaly{}}
	for _, f := range sc.flags {
		r.Anomalies = append(r.Anomalies, f.Anomaly)
	}
	domains := make([]string, 0, len(sc.disposable))
	for d := range sc.disposable {
		domains = append(domains, d)
	}
	slices.Sort(domains)
	for _, d := range domains {
		dv := sc.disposable[d]
		slices.Sort(dv.ids)
		r.Anomalies = append(r.Anomalies, models.Anomaly{Kind: models.AnomalyDisposableEmail, Domain: d, Votes: dv.votes,
			Voters: dv.voters, VoterIDs: dv.ids,
			Explanation: fmt.Sprintf("%d voters with %d votes use addresses at %s, a disposable email domain", dv.voters, dv.votes, d)})
	}
	if err := s.store.InsertAnomalyReport(ctx, year, now, r); err != nil {
		return AnomalyReport{}, err
	}
	return r, nil
}

type nomineeKey struct {
	category   int
	nomination string
}

// voterFacts is what a scan needs of a voter: when the account was made
// and the disposable domain of its email, if any.
type voterFacts struct {
	created    time.Time
	disposable string
	missing    bool
}

type disposableVoters struct {
	votes, voters int
	ids           []string
	seen          map[string]bool
}

// anomalyScan is one scan's state: per client hash the times of its
// votes, per nominee the creation times of its voters, both as
// histograms; the voters with disposable domains; the flags.
type anomalyScan struct {
	s          *Service
	th         models.AnomalyThresholds
	votes      int64
	clients    map[string]*models.Histogram
	nominees   map[nomineeKey]*models.Histogram
	disposable map[string]*disposableVoters
	voters     map[string]voterFacts
	flags      []*anomalyFlag
}

// anomalyFlag is a flagged span of one client hash or one nominee, whose
// evidence the second pass collects.
type anomalyFlag struct {
	models.Anomaly
	span   models.Span
	voters map[string]bool
}

func (sc *anomalyScan) voter(ctx context.Context, id string) (voterFacts, error) {
	if f, ok := sc.voters[id]; ok {
		return f, nil
	}
	u, err := sc.s.store.UserByID(ctx, id)
	var f voterFacts
	switch {
	case errors.Is(err, models.ErrNotFound):
		f.missing = true
	case err != nil:
		return f, err
	default:
		f.created = u.CreatedAt
		f.disposable, _ = models.DisposableDomain(u.Email)
	}
	if len(sc.voters) >= voterCacheLimit {
		sc.voters = map[string]voterFacts{}
	}
	sc.voters[id] = f
	return f, nil
}

func (sc *anomalyScan) count(ctx context.Context, v models.Vote) error {
	sc.votes++
	h := sc.clients[v.ClientHash]
	if h == nil {
		h = models.NewHistogram(sc.th.ClientWindow)
		sc.clients[v.ClientHash] = h
	}
	h.Add(v.CastAt)
	f, err := sc.voter(ctx, v.VoterID)
	if err != nil || f.missing {
		return err
	}
	k := nomineeKey{v.Category, v.NominationID}
	n := sc.nominees[k]
	if n == nil {
		n = models.NewHistogram(sc.th.BurstWindow)
		sc.nominees[k] = n
	}
	n.Add(f.created)
	if f.disposable != "" {
		dv := sc.disposable[f.disposable]
		if dv == nil {
			dv = &disposableVoters{seen: map[string]bool{}}
			sc.disposable[f.disposable] = dv
		}
		dv.votes++
		if !dv.seen[v.VoterID] {
			dv.seen[v.VoterID] = true
			dv.voters++
			if len(dv.ids) < models.EvidenceLimit {
				dv.ids = append(dv.ids, v.VoterID)
			}
		}
	}
	return nil
}

// flag turns the histograms into flags, in a stable order.
func (sc *anomalyScan) flag() {
	hashes := make([]string, 0, len(sc.clients))
	for k := range sc.clients {
		hashes = append(hashes, k)
	}
	slices.Sort(hashes)
	for _, hash := range hashes {
		for _, sp := range sc.clients[hash].Bursts(sc.th.ClientVotes) {
			from, to := sp.From, sp.To
			sc.flags = append(sc.flags, &anomalyFlag{span: sp, voters: map[string]bool{}, Anomaly: models.Anomaly{
				Kind: models.AnomalyClientBurst, ClientHash: hash, From: &from, To: &to, Votes: sp.Count,
				Explanation: fmt.Sprintf("%d votes came from one client address between %s and %s; the threshold is %d within %s",
					sp.Count, from.Format(time.RFC3339), to.Format(time.RFC3339), sc.th.ClientVotes, sc.th.ClientWindow)}})
		}
		delete(sc.clients, hash)
	}
	keys := make([]nomineeKey, 0, len(sc.nominees))
	for k := range sc.nominees {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b nomineeKey) int {
		if a.category != b.category {
			return a.category - b.category
		}
		return strings.Compare(a.nomination, b.nomination)
	})
	for _, k := range keys {
		for _, sp := range sc.nominees[k].Bursts(sc.th.BurstVoters) {
			from, to := sp.From, sp.To
			sc.flags = append(sc.flags, &anomalyFlag{span: sp, voters: map[string]bool{}, Anomaly: models.Anomaly{
				Kind: models.AnomalyAccountBurst, Category: k.category, NominationID: k.nomination, From: &from, To: &to,
				Votes: sp.Count, Voters: sp.Count,
				Explanation: fmt.Sprintf("%d voters of nominee %s in category %d have accounts created between %s and %s; the threshold is %d within %s",
					sp.Count, k.nomination, k.category, from.Format(time.RFC3339), to.Format(time.RFC3339), sc.th.BurstVoters, sc.th.BurstWindow)}})
		}
		delete(sc.nominees, k)
	}
}

// evidence adds v to the evidence of each flag it falls in.
func (sc *anomalyScan) evidence(ctx context.Context, v models.Vote) error {
	for _, f := range sc.flags {
		switch f.Kind {
		case models.AnomalyClientBurst:
			if f.ClientHash != v.ClientHash || !f.span.Contains(v.CastAt) {
				continue
			}
			if f.list(v) {
				f.Voters++
			}
		case models.AnomalyAccountBurst:
			if f.Category != v.Category || f.NominationID != v.NominationID {
				continue
			}
			voter, err := sc.voter(ctx, v.VoterID)
			if err != nil {
				return err
			}
			if !voter.missing && f.span.Contains(voter.created) {
				f.list(v)
			}
		}
	}
	return nil
}

// list adds v to the flag's evidence and reports whether its voter is new
// there.
func (f *anomalyFlag) list(v models.Vote) bool {
	if len(f.VoteIDs) < models.EvidenceLimit {
		f.VoteIDs = append(f.VoteIDs, v.ID)
	}
	if f.voters[v.VoterID] {
		return false
	}
	f.voters[v.VoterID] = true
	if len(f.VoterIDs) < models.EvidenceLimit {
		f.VoterIDs = append(f.VoterIDs, v.VoterID)
	}
	return true
}

package handlers_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/wsis-platform/wsis/app"
	"github.com/wsis-platform/wsis/models"
	"github.com/wsis-platform/wsis/store"
)

// castFrom casts a vote from the client address ip and returns the vote.
func (s *votingSetup) castFrom(t *testing.T, tok, ip string, n models.Nomination) models.Vote {
	t.Helper()
	rec := s.concurrently(t, 1, func(int) *http.Request {
		r := s.vote(t, tok, n.Category, n.ID)
		r.RemoteAddr = ip + ":4711"
		return r
	})[0]
	if rec.Code != http.StatusCreated {
		t.Fatalf("vote: %d %s", rec.Code, rec.Body)
	}
	return decode[models.Vote](t, rec)
}

func (s *votingSetup) invalidate(t *testing.T, tok, body string) *http.Request {
	t.Helper()
	return request(http.MethodPost, "/api/v1/admin/votes/invalidate", body, bearer(tok)...)
}

func (s *votingSetup) tallyRow(t *testing.T, nominationID string) (app.Tally, app.TallyRow) {
	t.Helper()
	tally := decode[app.Tally](t, s.do(t, http.MethodGet, "/api/v1/admin/contests/2027/tally", nil, bearer(s.adminTok)...))
	for _, row := range tally.Rows {
		if row.NominationID == nominationID {
			return tally, row
		}
	}
	t.Fatalf("no tally row for %s: %+v", nominationID, tally.Rows)
	return tally, app.TallyRow{}
}

func (s *votingSetup) anomalies(t *testing.T) app.AnomalyReport {
	t.Helper()
	return decode[app.AnomalyReport](t, s.do(t, http.MethodGet, "/api/v1/admin/contests/2027/anomalies", nil, bearer(s.adminTok)...))
}

func kinds(r app.AnomalyReport, kind string) []models.Anomaly {
	var out []models.Anomaly
	for _, a := range r.Anomalies {
		if a.Kind == kind {
			out = append(out, a)
		}
	}
	return out
}

func TestInvalidateVotes_LeftOutOfTheRecountAndTheLiveCounterOnce(t *testing.T) {
	s := newVotingSetup(t, "")
	n := s.nominations[0]
	var votes []models.Vote
	for i := range 3 {
		_, tok := s.signIn(t, fmt.Sprintf("voter%d@example.org", i))
		votes = append(votes, s.castFrom(t, tok, "198.51.100.1", n))
	}
	body := fmt.Sprintf(`{"contest":2027,"vote_ids":[%q],"reason":"Scripted from one address."}`, votes[0].ID)
	got := decode[app.Invalidation](t, s.concurrently(t, 1, func(int) *http.Request { return s.invalidate(t, s.adminTok, body) })[0])
	if len(got.Invalidated) != 1 || got.Invalidated[0] != votes[0].ID || len(got.Already) != 0 {
		t.Fatalf("answer = %+v", got)
	}
	for range 2 { // the second time, a repeat changes nothing
		tally, row := s.tallyRow(t, n.ID)
		if row.Live != 2 || row.Recount != 2 || tally.Invalidated["3"] != 1 || tally.Differences != 0 || tally.Votes != 3 {
			t.Fatalf("tally %+v, row %+v", tally, row)
		}
		again := decode[app.Invalidation](t, s.concurrently(t, 1, func(int) *http.Request { return s.invalidate(t, s.adminTok, body) })[0])
		if len(again.Invalidated) != 0 || len(again.Already) != 1 {
			t.Fatalf("repeat = %+v", again)
		}
	}
	entries, _, err := s.store.ListAudit(t.Context(), store.AuditQuery{Action: "votes.invalidate"})
	if err != nil || len(entries) != 1 || !strings.Contains(fmt.Sprint(entries[0].After), votes[0].ID) {
		t.Fatalf("audit entries = %+v (%v), want one naming the vote", entries, err)
	}
}

func TestInvalidateVotes_AVoterIDInvalidatesAllTheirVotes(t *testing.T) {
	s := newVotingSetup(t, "")
	voter, tok := s.signIn(t, "voter@example.org")
	a, b := s.castFrom(t, tok, "198.51.100.1", s.nominations[0]), s.castFrom(t, tok, "198.51.100.1", s.nominations[1])
	body := fmt.Sprintf(`{"contest":2027,"voter_id":%q,"reason":"A disposable address."}`, voter.ID)
	got := decode[app.Invalidation](t, s.concurrently(t, 1, func(int) *http.Request { return s.invalidate(t, s.adminTok, body) })[0])
	if strings.Join(sortedIDs(got.Invalidated), ",") != strings.Join(sortedIDs([]string{a.ID, b.ID}), ",") {
		t.Fatalf("invalidated %v, want %s and %s", got.Invalidated, a.ID, b.ID)
	}
	tally, row := s.tallyRow(t, s.nominations[0].ID)
	if row.Live != 0 || row.Recount != 0 || tally.Invalidated["3"] != 1 || tally.Invalidated["4"] != 1 {
		t.Fatalf("tally %+v", tally)
	}
}

func TestInvalidateVotes_RefusalsChangeNothing(t *testing.T) {
	s := newVotingSetup(t, "")
	_, tok := s.signIn(t, "voter@example.org")
	v := s.castFrom(t, tok, "198.51.100.1", s.nominations[0])
	for name, tc := range map[string]struct {
		tok, body, slug string
		status          int
	}{
		"reason required is 422":         {s.adminTok, fmt.Sprintf(`{"contest":2027,"vote_ids":[%q],"reason":"  "}`, v.ID), "validation", 422},
		"both vote_ids and voter is 422": {s.adminTok, fmt.Sprintf(`{"contest":2027,"vote_ids":[%q],"voter_id":"x","reason":"r"}`, v.ID), "validation", 422},
		"neither is 422":                 {s.adminTok, `{"contest":2027,"reason":"r"}`, "validation", 422},
		"unknown vote ids are 404":       {s.adminTok, fmt.Sprintf(`{"contest":2027,"vote_ids":[%q,"2027-03-nobody","2027-04-ghost"],"reason":"r"}`, v.ID), "not-found", 404},
		"non-admin is 403":               {s.userTok, fmt.Sprintf(`{"contest":2027,"vote_ids":[%q],"reason":"r"}`, v.ID), "forbidden", 403},
	} {
		t.Run(name, func(t *testing.T) {
			p := wantProblem(t, s.concurrently(t, 1, func(int) *http.Request { return s.invalidate(t, tc.tok, tc.body) })[0], tc.status, tc.slug)
			if tc.status == 404 && (!strings.Contains(p.Detail, "2027-03-nobody") || !strings.Contains(p.Detail, "2027-04-ghost") || strings.Contains(p.Detail, v.ID)) {
				t.Fatalf("404 detail %q does not list exactly the unknown ids", p.Detail)
			}
		})
	}
	if invalid, err := s.store.Invalidated(t.Context(), v.ID); err != nil || invalid {
		t.Fatalf("the vote was invalidated by a refused request: %v %v", invalid, err)
	}
	if _, row := s.tallyRow(t, s.nominations[0].ID); row.Live != 1 || row.Recount != 1 {
		t.Fatalf("row %+v", row)
	}
}

func TestInvalidateVotes_ConcurrentRequestsInvalidateEachVoteOnce(t *testing.T) {
	s := newVotingSetup(t, "")
	n := s.nominations[2]
	var ids []string
	for i := range 4 {
		_, tok := s.signIn(t, fmt.Sprintf("voter%d@example.org", i))
		ids = append(ids, fmt.Sprintf("%q", s.castFrom(t, tok, "198.51.100.1", n).ID))
	}
	body := fmt.Sprintf(`{"contest":2027,"vote_ids":[%s],"reason":"One script."}`, strings.Join(ids[:3], ","))
	const n20 = 20
	recs := s.concurrently(t, n20, func(int) *http.Request { return s.invalidate(t, s.adminTok, body) })
	total := 0
	for _, rec := range recs {
		got := decode[app.Invalidation](t, rec)
		total += len(got.Invalidated)
		if len(got.Invalidated)+len(got.Already) != 3 {
			t.Fatalf("answer %+v", got)
		}
	}
	if total != 3 {
		t.Fatalf("%d invalidations over %d requests, want 3", total, n20)
	}
	tally, row := s.tallyRow(t, n.ID)
	if row.Live != 1 || row.Recount != 1 || tally.Invalidated["3"] != 3 {
		t.Fatalf("tally %+v row %+v", tally, row)
	}
}

func TestAnomalies_ABurstFromOneClientIsFlaggedWithItsEvidence(t *testing.T) {
	s := newVotingSetup(t, "")
	var voteIDs []string
	for i := range 10 {
		_, tok := s.signIn(t, fmt.Sprintf("voter%d@example.org", i))
		for _, n := range []models.Nomination{s.nominations[i%2*2], s.nominations[1+i%2*2]} {
			voteIDs = append(voteIDs, s.castFrom(t, tok, "203.0.113.7", n).ID)
		}
	}
	wantProblem(t, s.do(t, http.MethodGet, "/api/v1/admin/contests/2027/anomalies", nil, bearer(s.userTok)...), http.StatusForbidden, "forbidden")
	r := s.anomalies(t)
	bursts := kinds(r, models.AnomalyClientBurst)
	if len(bursts) != 1 || r.Votes != 20 {
		t.Fatalf("client bursts = %+v in %+v", bursts, r)
	}
	b := bursts[0]
	if b.Votes != 20 || b.Voters != 10 || b.ClientHash == "" || b.From == nil || b.To.Sub(*b.From) > 10*time.Minute ||
		strings.Join(sortedIDs(b.VoteIDs), ",") != strings.Join(sortedIDs(voteIDs), ",") || len(b.VoterIDs) != 10 {
		t.Fatalf("burst %+v", b)
	}
	if b.From.After(s.clock.Now()) || !b.To.After(s.clock.Now()) || !strings.Contains(b.Explanation, "20 votes") {
		t.Fatalf("burst window %v–%v does not hold the votes at %v: %s", b.From, b.To, s.clock.Now(), b.Explanation)
	}
}

func TestAnomalies_ANormalSpreadIsNotFlagged(t *testing.T) {
	s := newVotingSetup(t, "")
	start := s.clock.Now()
	// 24 votes from one address, but two every quarter of an hour, by
	// accounts made a quarter of an hour apart.
	for i := range 12 {
		s.setClock(t, start.Add(time.Duration(i)*15*time.Minute))
		_, tok := s.signIn(t, fmt.Sprintf("voter%d@example.org", i))
		s.castFrom(t, tok, "203.0.113.7", s.nominations[i%2*2])
		s.castFrom(t, tok, "203.0.113.7", s.nominations[1+i%2*2])
	}
	if r := s.anomalies(t); len(r.Anomalies) != 0 || r.Votes != 24 {
		t.Fatalf("a normal spread is flagged: %+v", r)
	}
}

func TestAnomalies_BurstCreatedAccountsVotingForOneNomineeAreFlagged(t *testing.T) {
	s := newVotingSetup(t, "")
	n := s.nominations[3]
	var voters []string
	for i := range 10 {
		u, tok := s.signIn(t, fmt.Sprintf("new%d@example.org", i))
		voters = append(voters, u.ID)
		s.castFrom(t, tok, fmt.Sprintf("198.51.100.%d", 10+i), n)
	}
	r := s.anomalies(t)
	if got := kinds(r, models.AnomalyClientBurst); len(got) != 0 {
		t.Fatalf("distinct addresses flagged as one: %+v", got)
	}
	bursts := kinds(r, models.AnomalyAccountBurst)
	if len(bursts) != 1 {
		t.Fatalf("account bursts = %+v", bursts)
	}
	b := bursts[0]
	if b.NominationID != n.ID || b.Category != n.Category || b.Voters != 10 || b.From == nil ||
		strings.Join(sortedIDs(b.VoterIDs), ",") != strings.Join(sortedIDs(voters), ",") || len(b.VoteIDs) != 10 {
		t.Fatalf("burst %+v", b)
	}
}

func TestAnomalies_ADisposableEmailDomainIsFlagged(t *testing.T) {
	s := newVotingSetup(t, "")
	throwaway, tok := s.signIn(t, "someone@mailinator.com")
	s.castFrom(t, tok, "198.51.100.1", s.nominations[0])
	_, tok = s.signIn(t, "someone@example.org")
	s.castFrom(t, tok, "198.51.100.2", s.nominations[0])
	got := kinds(s.anomalies(t), models.AnomalyDisposableEmail)
	if len(got) != 1 || got[0].Domain != "mailinator.com" || got[0].Voters != 1 || got[0].Votes != 1 ||
		len(got[0].VoterIDs) != 1 || got[0].VoterIDs[0] != throwaway.ID {
		t.Fatalf("disposable flags = %+v", got)
	}
}

package handlers_test

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/wsis-platform/wsis/app"
	"github.com/wsis-platform/wsis/models"
	"github.com/wsis-platform/wsis/store"
)

// votingSetup is the 2027 contest with four nominees published (two in
// category 3, two in category 4), its clock inside the voting window,
// which opens a week after the review closes.
type votingSetup struct {
	*reviewSetup
	opens time.Time
}

func newVotingSetup(t *testing.T, settings string, mutate ...func(*handlersConfig)) *votingSetup {
	t.Helper()
	s := &votingSetup{reviewSetup: newReviewSetup(t, settings, []string{"Digital Sahel", "Andes Connect", "Pacific Links", "Nordic Bridges"}, 0, mutate...)}
	s.at(t, revCloses.Add(-time.Hour))
	s.opens = revCloses.AddDate(0, 0, 7)
	patch := fmt.Sprintf(`{"schedule":{"voting":{"opens_at":%q,"closes_at":%q}}}`, s.opens.Format(time.RFC3339), voteCloses.Format(time.RFC3339))
	if rec := s.do(t, http.MethodPatch, "/api/v1/admin/contests/2027", jsonBody(patch), bearer(s.adminTok)...); rec.Code != http.StatusOK {
		t.Fatalf("move the vote: %d %s", rec.Code, rec.Body)
	}
	s.at(t, revCloses.Add(time.Hour))
	// Nothing was reviewed here: the secretariat adds the four by hand.
	var ids []string
	for _, n := range s.nominations {
		ids = append(ids, fmt.Sprintf("%q", n.ID))
	}
	body := fmt.Sprintf(`{"add":[%s],"reason":"The Expert Group met in person."}`, strings.Join(ids, ","))
	if rec := s.do(t, http.MethodPost, "/api/v1/admin/contests/2027/nominees/publish", jsonBody(body), bearer(s.adminTok)...); rec.Code != http.StatusOK {
		t.Fatalf("publish nominees: %d %s", rec.Code, rec.Body)
	}
	s.at(t, s.opens.Add(time.Hour))
	return s
}

func (s *votingSetup) vote(t *testing.T, tok string, category int, nominationID string) *http.Request {
	t.Helper()
	return request(http.MethodPost, "/api/v1/contests/2027/votes", fmt.Sprintf(`{"category":%d,"nomination_id":%q}`, category, nominationID), bearer(tok)...)
}

func (s *votingSetup) cast(t *testing.T, tok string, category int, nominationID string) (int, string) {
	t.Helper()
	rec := s.concurrently(t, 1, func(int) *http.Request { return s.vote(t, tok, category, nominationID) })[0]
	return rec.Code, rec.Body.String()
}

func TestCastVote_ConcurrentVotesOfOneVoterInOneCategoryStoreOne(t *testing.T) {
	s := newVotingSetup(t, "")
	_, tok := s.signIn(t, "voter@example.org")
	const n = 40
	recs := s.concurrently(t, n, func(i int) *http.Request {
		return s.vote(t, tok, 3, []string{s.nominations[0].ID, s.nominations[2].ID}[i%2])
	})
	counts := statusCounts(recs)
	if counts[http.StatusCreated] != 1 || counts[http.StatusConflict] != n-1 {
		t.Fatalf("answers = %v, want one 201 and %d × 409", counts, n-1)
	}
	mine := decode[struct {
		Items []models.Vote `json:"items"`
	}](t, s.do(t, http.MethodGet, "/api/v1/me/votes?contest=2027", nil, bearer(tok)...))
	if len(mine.Items) != 1 {
		t.Fatalf("my votes = %+v, want one", mine.Items)
	}
}

func TestCastVote_RefusalsSayWhy(t *testing.T) {
	s := newVotingSetup(t, "")
	_, tok := s.signIn(t, "voter@example.org")
	hash, _ := s.hasher.Hash(context.Background(), testPassword)
	if _, err := s.store.CreateUser(context.Background(), models.User{Email: "new@example.org", Name: "New Voter",
		Organization: "None", StakeholderType: models.StakeholderCivilSociety, Country: "KE", CreatedAt: s.clock.Now()}, hash); err != nil {
		t.Fatal(err)
	}
	newTok := s.login(t, "new@example.org", testPassword).AccessToken
	c3, c4 := s.nominations[0], s.nominations[1]

	p := wantProblem(t, s.concurrently(t, 1, func(int) *http.Request { return s.vote(t, newTok, 3, c3.ID) })[0], http.StatusForbidden, "forbidden")
	if !strings.Contains(p.Detail, "verify") {
		t.Fatalf("an unverified voter is told %q", p.Detail)
	}
	wantProblem(t, s.concurrently(t, 1, func(int) *http.Request { return s.vote(t, tok, 4, c3.ID) })[0], http.StatusUnprocessableEntity, "validation")
	wantProblem(t, s.concurrently(t, 1, func(int) *http.Request { return s.vote(t, tok, 3, "no-such-nomination") })[0], http.StatusNotFound, "not-found")
	wantProblem(t, s.concurrently(t, 1, func(int) *http.Request { return s.vote(t, tok, 7, c3.ID) })[0], http.StatusUnprocessableEntity, "validation")
	wantProblem(t, s.do(t, http.MethodPost, "/api/v1/contests/2027/votes", jsonBody(`{"category":3}`), bearer(tok)...), http.StatusUnprocessableEntity, "validation")

	// Before the window opens and after it closes: phase-closed, nothing stored.
	for _, at := range []time.Time{s.opens.Add(-time.Minute), voteCloses} {
		s.clock.Set(at)
		tok := s.login(t, "voter@example.org", testPassword).AccessToken
		wantProblem(t, s.concurrently(t, 1, func(int) *http.Request { return s.vote(t, tok, 4, c4.ID) })[0], http.StatusConflict, "phase-closed")
	}
	s.clock.Set(s.opens.Add(time.Hour))
	tok = s.login(t, "voter@example.org", testPassword).AccessToken
	mine := decode[struct {
		Items []models.Vote `json:"items"`
	}](t, s.do(t, http.MethodGet, "/api/v1/me/votes?contest=2027", nil, bearer(tok)...))
	if len(mine.Items) != 0 {
		t.Fatalf("refused votes were stored: %+v", mine.Items)
	}
	wantProblem(t, s.do(t, http.MethodPost, "/api/v1/contests/2027/votes", jsonBody(`{"category":3,"nomination_id":"x"}`)), http.StatusUnauthorized, "unauthorized")
}

func TestCastVote_NotBeforeTheNomineesArePublished(t *testing.T) {
	s := newReviewSetup(t, "", []string{"Digital Sahel"}, 0)
	s.at(t, revCloses.Add(time.Hour)) // voting is open, nothing published
	_, tok := s.signIn(t, "voter@example.org")
	rec := s.do(t, http.MethodPost, "/api/v1/contests/2027/votes", jsonBody(fmt.Sprintf(`{"category":3,"nomination_id":%q}`, s.nominations[0].ID)), bearer(tok)...)
	wantProblem(t, rec, http.StatusConflict, "phase-closed")
	wantProblem(t, s.do(t, http.MethodGet, "/api/v1/contests/2027/ballot", nil, bearer(tok)...), http.StatusNotFound, "not-found")
}

func TestBallot_NomineesByCategoryWithTheVotersOwnVoteAndReceipt(t *testing.T) {
	s := newVotingSetup(t, "")
	voter, tok := s.signIn(t, "voter@example.org")
	code, body := s.cast(t, tok, 4, s.nominations[3].ID)
	if code != http.StatusCreated {
		t.Fatalf("vote: %d %s", code, body)
	}
	var cast models.Vote
	if err := json.Unmarshal([]byte(body), &cast); err != nil {
		t.Fatal(err)
	}
	b := decode[struct {
		Open       bool `json:"open"`
		Categories []struct {
			Category models.ActionLine `json:"category"`
			Nominees []map[string]any  `json:"nominees"`
			Vote     *models.Vote      `json:"vote"`
		} `json:"categories"`
	}](t, s.do(t, http.MethodGet, "/api/v1/contests/2027/ballot", nil, bearer(tok)...))
	if !b.Open || len(b.Categories) != 18 {
		t.Fatalf("ballot open=%v with %d categories", b.Open, len(b.Categories))
	}
	for _, c := range b.Categories {
		switch c.Category.Number {
		case 3, 4:
			if len(c.Nominees) != 2 {
				t.Fatalf("category %d has %d nominees", c.Category.Number, len(c.Nominees))
			}
			for _, n := range c.Nominees {
				if _, leaks := n["nominator_id"]; leaks {
					t.Fatal("the ballot shows who nominated")
				}
			}
		default:
			if len(c.Nominees) != 0 || c.Vote != nil {
				t.Fatalf("category %d: %+v", c.Category.Number, c)
			}
		}
		if (c.Vote != nil) != (c.Category.Number == 4) {
			t.Fatalf("category %d vote = %+v", c.Category.Number, c.Vote)
		}
	}
	// The receipt is the HMAC of the vote under the server's key.
	key, err := s.store.Secret(context.Background(), "vote-receipts", s.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	cast.VoterID = voter.ID
	if want := models.ReceiptMAC(key, cast); cast.Receipt != want || len(want) != 64 {
		t.Fatalf("receipt %q, want %q", cast.Receipt, want)
	}
	other := cast
	other.NominationID = s.nominations[2].ID
	if models.ReceiptMAC(key, other) == cast.Receipt {
		t.Fatal("a receipt does not depend on the nomination")
	}
}

func TestTally_AdminsSeeCountersBesideTheRecountAndThePublicNothing(t *testing.T) {
	s := newVotingSetup(t, "")
	const voters = 6
	for i := range voters {
		_, tok := s.signIn(t, fmt.Sprintf("voter%d@example.org", i))
		for _, n := range []models.Nomination{s.nominations[i%2*2], s.nominations[1]} {
			if code, body := s.cast(t, tok, n.Category, n.ID); code != http.StatusCreated {
				t.Fatalf("vote: %d %s", code, body)
			}
		}
	}
	wantProblem(t, s.do(t, http.MethodGet, "/api/v1/admin/contests/2027/tally", nil, bearer(s.userTok)...), http.StatusForbidden, "forbidden")
	for _, path := range []string{"/api/v1/contests/2027/nominees", "/api/v1/contests/2027", "/api/v1/nominations/" + s.nominations[0].ID} {
		if body := s.do(t, http.MethodGet, path, nil).Body.String(); strings.Contains(body, "votes") {
			t.Fatalf("%s shows counts while voting is open: %s", path, body)
		}
	}
	tally := decode[app.Tally](t, s.do(t, http.MethodGet, "/api/v1/admin/contests/2027/tally", nil, bearer(s.adminTok)...))
	if tally.Votes != 2*voters || tally.Differences != 0 {
		t.Fatalf("tally: %+v", tally)
	}
	want := map[string]int64{s.nominations[0].ID: voters / 2, s.nominations[2].ID: voters / 2, s.nominations[1].ID: voters}
	for _, row := range tally.Rows {
		if row.Live != want[row.NominationID] || row.Recount != row.Live {
			t.Fatalf("row %+v, want %d", row, want[row.NominationID])
		}
	}
	if len(tally.Rows) != 3 {
		t.Fatalf("rows = %+v", tally.Rows)
	}
}

func TestCastVote_ReceiptsMailedTogether(t *testing.T) {
	var service *app.Service
	s := newVotingSetup(t, "", func(cfg *handlersConfig) {
		var err error
		service, err = app.New(app.Config{Store: cfg.Store, Mailer: cfg.Mailer, Clock: cfg.Clock, Logger: cfg.Logger,
			PublicURL: cfg.PublicURL, ReceiptMailEvery: time.Hour})
		if err != nil {
			t.Fatal(err)
		}
		cfg.App = service
	})
	voter, tok := s.signIn(t, "voter@example.org")
	for _, n := range s.nominations[:2] {
		if code, body := s.cast(t, tok, n.Category, n.ID); code != http.StatusCreated {
			t.Fatalf("vote: %d %s", code, body)
		}
	}
	// The stop sends what the hour would have gathered.
	if err := service.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	mails, err := s.store.RecentMails(context.Background(), 50)
	if err != nil {
		t.Fatal(err)
	}
	var receipts []models.Mail
	for _, m := range mails {
		if m.To == voter.Email && m.Kind == models.MailVoteReceipt {
			receipts = append(receipts, m)
		}
	}
	if len(receipts) != 1 || strings.Count(receipts[0].Body, "receipt ") != 2 {
		t.Fatalf("receipt mails = %+v, want one listing both votes", receipts)
	}
}

func TestCastVote_ConcurrentBurstTallyAgreesWithTheRecount(t *testing.T) {
	s := newVotingSetup(t, "")
	const voters = 24
	toks := make([]string, voters)
	for i := range toks {
		_, toks[i] = s.signIn(t, fmt.Sprintf("burst%d@example.org", i))
	}
	recs := s.concurrently(t, 2*voters, func(i int) *http.Request {
		n := s.nominations[i%4]
		return s.vote(t, toks[i/2], n.Category, n.ID)
	})
	if counts := statusCounts(recs); counts[http.StatusCreated] != 2*voters {
		t.Fatalf("answers = %v, want %d × 201", counts, 2*voters)
	}
	tally := decode[app.Tally](t, s.do(t, http.MethodGet, "/api/v1/admin/contests/2027/tally", nil, bearer(s.adminTok)...))
	if tally.Votes != 2*voters || tally.Differences != 0 {
		t.Fatalf("tally after the burst: %+v", tally)
	}
}

func TestRulesFreeze_FirstCastVoteFreezesTheSettings(t *testing.T) {
	s := newVotingSetup(t, "")
	settings := `{"settings":{"champions_per_category":3}}`
	if rec := s.do(t, http.MethodPatch, "/api/v1/admin/contests/2027", jsonBody(settings), bearer(s.adminTok)...); rec.Code != http.StatusOK {
		t.Fatalf("before any vote: %d %s", rec.Code, rec.Body)
	}
	_, tok := s.signIn(t, "voter@example.org")
	if code, body := s.cast(t, tok, 3, s.nominations[0].ID); code != http.StatusCreated {
		t.Fatalf("vote: %d %s", code, body)
	}
	p := wantProblem(t, s.do(t, http.MethodPatch, "/api/v1/admin/contests/2027", jsonBody(`{"settings":{"champions_per_category":4}}`), bearer(s.adminTok)...),
		http.StatusConflict, "conflict")
	if !strings.Contains(p.Detail, "frozen") {
		t.Fatalf("detail %q does not say why", p.Detail)
	}
}

func TestExportVotes_VotersHashedInvalidatedMarkedNoClientData(t *testing.T) {
	s := newVotingSetup(t, "")
	amina, tok1 := s.signIn(t, "voter1@example.org")
	_, tok2 := s.signIn(t, "voter2@example.org")
	for _, tok := range []string{tok1, tok2} {
		if code, body := s.cast(t, tok, 3, s.nominations[0].ID); code != http.StatusCreated {
			t.Fatalf("vote: %d %s", code, body)
		}
	}
	if code, body := s.cast(t, tok1, 4, s.nominations[1].ID); code != http.StatusCreated {
		t.Fatalf("vote: %d %s", code, body)
	}
	v, err := s.store.Vote(context.Background(), models.VoteID(2027, 3, amina.ID))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.store.InsertInvalidations(context.Background(), []store.Invalidation{{Vote: v, Reason: "scripted", At: s.clock.Now()}}); err != nil {
		t.Fatal(err)
	}
	wantProblem(t, s.do(t, http.MethodGet, "/api/v1/admin/contests/2027/export?what=votes", nil, bearer(s.userTok)...), http.StatusForbidden, "forbidden")
	rec := s.do(t, http.MethodGet, "/api/v1/admin/contests/2027/export?what=votes", nil, bearer(s.adminTok)...)
	if rec.Code != http.StatusOK || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/csv") {
		t.Fatalf("export: %d %s", rec.Code, rec.Header())
	}
	body := rec.Body.String()
	if strings.Contains(body, amina.ID) || strings.Contains(body, "192.0.2.1") {
		t.Fatalf("the export shows a voter id or a client address:\n%s", body)
	}
	rows, err := csv.NewReader(strings.NewReader(body)).ReadAll()
	if err != nil || len(rows) != 4 {
		t.Fatalf("rows %v, %v; want a header and three votes", rows, err)
	}
	col := map[string]int{}
	for i, name := range rows[0] {
		col[name] = i
	}
	voters, invalidated := map[string]int{}, 0
	for _, r := range rows[1:] {
		voters[r[col["voter_hash"]]]++
		if r[col["invalidated"]] == "true" {
			invalidated++
			if r[col["invalidation_reason"]] != "scripted" {
				t.Fatalf("reason %q", r[col["invalidation_reason"]])
			}
		}
	}
	if len(voters) != 2 || invalidated != 1 {
		t.Fatalf("voter hashes %v, invalidated %d; want two voters (one with two votes) and one invalidated", voters, invalidated)
	}
	xlsx := s.do(t, http.MethodGet, "/api/v1/admin/contests/2027/export?what=votes&format=xlsx", nil, bearer(s.adminTok)...)
	if xlsx.Code != http.StatusOK || xlsx.Body.Len() < 1000 || !strings.Contains(xlsx.Header().Get("Content-Type"), "spreadsheetml") {
		t.Fatalf("xlsx export: %d %s, %d bytes", xlsx.Code, xlsx.Header(), xlsx.Body.Len())
	}
}

package handlers_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
)

func invalidated(t *testing.T, s *votingSetup, ids ...string) []bool {
	t.Helper()
	out := make([]bool, len(ids))
	for i, id := range ids {
		var err error
		if out[i], err = s.store.Invalidated(t.Context(), id); err != nil {
			t.Fatal(err)
		}
	}
	return out
}

func TestAdminAnomaliesPage_EvidenceLeadsToAConfirmedInvalidationOfTheVotersVotes(t *testing.T) {
	s := newVotingSetup(t, "")
	voter, tok := s.signIn(t, "voter@mailinator.com")
	a, b := s.castFrom(t, tok, "198.51.100.1", s.nominations[0]), s.castFrom(t, tok, "198.51.100.1", s.nominations[1])
	_, tok2 := s.signIn(t, "other@example.org")
	other := s.castFrom(t, tok2, "198.51.100.2", s.nominations[2])
	admin := adminPages(t, s.testServer)

	doc := admin.get(t, "/admin/contests/2027/anomalies?fresh=true", http.StatusOK)
	card := doc.Find("article.anomaly").FilterFunction(func(_ int, c *goquery.Selection) bool {
		return text(c.Find("h3")) == "Disposable email addresses"
	})
	if got := text(card.Find(".explanation")); got != "1 voters with 2 votes use addresses at mailinator.com, a disposable email domain." {
		t.Errorf("explanation %q", got)
	}
	fill, _ := card.Find("a.fill-voter").Attr("href")
	if !strings.Contains(fill, "voter_id="+voter.ID) {
		t.Fatalf("no link fills the form with the voter: %q", fill)
	}
	fill, _, _ = strings.Cut(fill, "#") // a browser keeps the fragment to itself
	doc = admin.get(t, fill, http.StatusOK)
	if v, _ := doc.Find("#voter_id").Attr("value"); v != voter.ID {
		t.Fatalf("the form is not filled with the voter: %q", v)
	}

	const path = "/admin/contests/2027/anomalies/invalidate"
	for name, tc := range map[string]struct {
		form  url.Values
		field string
	}{
		"reason required":        {url.Values{"voter_id": {voter.ID}, "reason": {"  "}, "confirm": {"yes"}}, "reason"},
		"votes or a voter":       {url.Values{"voter_id": {voter.ID}, "vote_ids": {a.ID}, "reason": {"r"}, "confirm": {"yes"}}, "vote_ids"},
		"neither":                {url.Values{"reason": {"r"}, "confirm": {"yes"}}, "vote_ids"},
		"not a vote of the year": {url.Values{"vote_ids": {other.ID + " 2027-03-ghost"}, "reason": {"r"}, "confirm": {"yes"}}, "vote_ids"},
	} {
		t.Run(name, func(t *testing.T) {
			doc := wantPage(t, admin.post(t, path, tc.form), http.StatusUnprocessableEntity)
			if text(doc.Find("#"+tc.field+"-error")) == "" {
				t.Errorf("no error next to %s: %q", tc.field, text(doc.Find(".form-errors")))
			}
		})
	}
	if got := invalidated(t, s, a.ID, b.ID, other.ID); got[0] || got[1] || got[2] {
		t.Fatalf("a refused form invalidated votes: %v", got)
	}

	form := url.Values{"voter_id": {voter.ID}, "reason": {"A disposable address."}}
	doc = wantPage(t, admin.post(t, path, form), http.StatusOK)
	if got := text(doc.Find(".confirm")); !strings.Contains(got, "every vote of the voter "+voter.ID) || !strings.Contains(got, "A disposable address.") {
		t.Errorf("confirmation step %q", got)
	}
	if got := invalidated(t, s, a.ID, b.ID); got[0] || got[1] {
		t.Fatal("the votes were invalidated before the admin confirmed")
	}
	confirmForm := url.Values{}
	doc.Find(".confirm form input").Each(func(_ int, in *goquery.Selection) {
		name, _ := in.Attr("name")
		value, _ := in.Attr("value")
		confirmForm.Set(name, value)
	})
	doc = wantPage(t, admin.post(t, path, confirmForm), http.StatusOK)
	if got := text(doc.Find(".notice")); got != "Done: 2 votes invalidated now, 0 were invalid already." {
		t.Errorf("notice %q", got)
	}
	if doc.Find("ul.invalidated li").Length() != 2 {
		t.Errorf("the result does not list the two votes: %q", text(doc.Find(".result")))
	}
	if got := invalidated(t, s, a.ID, b.ID, other.ID); !got[0] || !got[1] || got[2] {
		t.Fatalf("invalidated %v, want the voter's two votes only", got)
	}
	doc = wantPage(t, admin.post(t, path, confirmForm), http.StatusOK)
	if doc.Find("ul.already li").Length() != 2 || doc.Find("ul.invalidated li").Length() != 0 {
		t.Errorf("a repeat: %q", text(doc.Find(".result")))
	}
	if _, row := s.tallyRow(t, s.nominations[0].ID); row.Live != 0 || row.Recount != 0 {
		t.Errorf("the tally still counts the invalidated vote: %+v", row)
	}
}

func TestAdminAnomaliesPage_VoteIDsFromTheFormInvalidateThoseVotes(t *testing.T) {
	s := newVotingSetup(t, "")
	var ids []string
	for _, email := range []string{"one@example.org", "two@example.org", "three@example.org"} {
		_, tok := s.signIn(t, email)
		ids = append(ids, s.castFrom(t, tok, "198.51.100.1", s.nominations[0]).ID)
	}
	admin := adminPages(t, s.testServer)
	form := url.Values{"vote_ids": {ids[0] + "\n" + ids[1]}, "reason": {"Scripted."}, "confirm": {"yes"}}
	doc := wantPage(t, admin.post(t, "/admin/contests/2027/anomalies/invalidate", form), http.StatusOK)
	if doc.Find("ul.invalidated li").Length() != 2 {
		t.Errorf("result %q", text(doc.Find(".result")))
	}
	if got := invalidated(t, s, ids...); !got[0] || !got[1] || got[2] {
		t.Fatalf("invalidated %v, want the first two", got)
	}
}

// Two admins confirming the same invalidation at once invalidate each vote
// once: the tally loses each vote once, and between them the answers list
// each vote once as invalidated now.
func TestAdminAnomaliesPage_ConcurrentConfirmationsInvalidateEachVoteOnce(t *testing.T) {
	s := newVotingSetup(t, "")
	var ids []string
	for _, email := range []string{"one@example.org", "two@example.org", "three@example.org"} {
		_, tok := s.signIn(t, email)
		ids = append(ids, s.castFrom(t, tok, "198.51.100.1", s.nominations[0]).ID)
	}
	admin := adminPages(t, s.testServer)
	form := url.Values{"vote_ids": {strings.Join(ids, " ")}, "reason": {"Scripted."}, "confirm": {"yes"}}
	recs := s.concurrently(t, 4, func(int) *http.Request {
		req := httptest.NewRequest(http.MethodPost, "/admin/contests/2027/anomalies/invalidate", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Sec-Fetch-Site", "same-origin")
		req.Header.Set("Accept", browserAccept)
		for _, c := range admin.cookies {
			req.AddCookie(c)
		}
		return req
	})
	now := 0
	for _, rec := range recs {
		doc := wantPage(t, rec, http.StatusOK)
		now += doc.Find("ul.invalidated li").Length()
	}
	if now != len(ids) {
		t.Errorf("the answers invalidated %d votes now, want each of the %d once", now, len(ids))
	}
	if tally, row := s.tallyRow(t, s.nominations[0].ID); row.Live != 0 || row.Recount != 0 || tally.Invalidated["3"] != 3 {
		t.Errorf("tally %+v, row %+v", tally, row)
	}
}

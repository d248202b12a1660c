package handlers_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestPublishNominees_MailsNomineesAndTheNotShortlisted: publishing the
// nominees mails each nominee's nominator, and the nominator of each
// submitted nomination left out; a screened-out nomination, told already,
// gets neither.
func TestPublishNominees_MailsNomineesAndTheNotShortlisted(t *testing.T) {
	s := newReviewSetup(t, "", []string{"Digital Sahel", "Andes Connect", "Pacific Links", "Nordic Bridges"}, 0)
	chosen, left, screened := s.nominations[0], s.nominations[1:3], s.nominations[3]
	s.screenOut(t, screened.ID, `{"reason":"The project is not about ICT."}`)
	s.setClock(t, revCloses.Add(-time.Hour))
	opens := revCloses.AddDate(0, 0, 7)
	patch := fmt.Sprintf(`{"schedule":{"voting":{"opens_at":%q,"closes_at":%q}}}`, opens.Format(time.RFC3339), voteCloses.Format(time.RFC3339))
	if rec := s.do(t, http.MethodPatch, "/api/v1/admin/contests/2027", jsonBody(patch), bearer(s.adminTok)...); rec.Code != http.StatusOK {
		t.Fatalf("move the vote: %d %s", rec.Code, rec.Body)
	}
	s.setClock(t, revCloses.Add(time.Hour))
	body := fmt.Sprintf(`{"add":[%q],"reason":"The Expert Group met in person."}`, chosen.ID)
	if rec := s.do(t, http.MethodPost, "/api/v1/admin/contests/2027/nominees/publish", jsonBody(body), bearer(s.adminTok)...); rec.Code != http.StatusOK {
		t.Fatalf("publish nominees: %d %s", rec.Code, rec.Body)
	}
	mails, err := s.store.RecentMails(context.Background(), 50)
	if err != nil {
		t.Fatal(err)
	}
	subjects := map[string][]string{}
	for _, m := range mails {
		for _, n := range s.nominations {
			if m.To == s.user.Email && strings.Contains(m.Body, "/nominations/"+n.ID) {
				subjects[n.ID] = append(subjects[n.ID], m.Subject)
			}
		}
	}
	want := map[string]string{chosen.ID: "is a nominee", left[0].ID: "nominees of the WSIS Prizes 2027 are published",
		left[1].ID: "nominees of the WSIS Prizes 2027 are published"}
	for id, part := range want {
		if got := subjects[id]; len(got) != 2 || !strings.Contains(got[0], part) {
			t.Errorf("mails about %s: %q, want the receipt and one that says %q", id, got, part)
		}
	}
	if got := subjects[screened.ID]; len(got) != 2 || !strings.Contains(got[0], "screened out") {
		t.Errorf("mails about the screened-out nomination: %q, want the receipt and the screening only", got)
	}
}

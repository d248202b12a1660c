package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/wsis-platform/wsis/models"
	"github.com/wsis-platform/wsis/store"
)

func TestReviewersPage_ShowsProgressAndGrantsAndWithdrawsAnExtension(t *testing.T) {
	s := newReviewSetup(t, "", []string{"Digital Sahel"}, 2)
	s.at(t, subCloses.Add(time.Hour))
	a := decode[models.Assignment](t, s.assign(t, s.nominations[0].ID, s.reviewers[0].ID))
	s.assign(t, s.nominations[0].ID, s.reviewers[1].ID)
	loggedIn(t, s.testServer, s.reviewers[0].Email, "").get(t, "/review/assignments/"+a.ID, http.StatusOK)
	if rec := s.do(t, http.MethodPut, "/api/v1/reviewer/assignments/"+a.ID+"/review", jsonBody(`{"scores":{"impact":4}}`),
		bearer(s.reviewerTok[s.reviewers[0].ID])...); rec.Code != http.StatusOK {
		t.Fatalf("draft: %d %s", rec.Code, rec.Body)
	}
	admin := loggedIn(t, s.testServer, "admin@example.org", "")
	const path = "/admin/contests/2027/reviewers"
	doc := admin.get(t, path, http.StatusOK)
	row := doc.Find("#reviewer-" + s.reviewers[0].ID)
	if got := []string{text(row.Find(".assigned")), text(row.Find(".opened")), text(row.Find(".drafts")), text(row.Find(".submitted"))}; strings.Join(got, " ") != "1 1 1 0" {
		t.Errorf("the first reviewer's counts (assigned opened drafts submitted): %v", got)
	}
	if got := text(doc.Find("#reviewer-" + s.reviewers[1].ID + " .opened")); got != "0" {
		t.Errorf("the second reviewer opened %q", got)
	}

	action := path + "/" + s.reviewers[1].ID + "/extension"
	for name, tc := range map[string]struct {
		form  url.Values
		field string
		want  string
	}{
		"no time":                  {url.Values{"closes_at": {""}, "reason": {"travel"}}, "closes_at", "Enter a date and time."},
		"a time before the window": {url.Values{"closes_at": {"2027-02-20T12:00"}, "reason": {"travel"}}, "closes_at", "Choose a time after the review window closes."},
		"no reason":                {url.Values{"closes_at": {"2027-03-05T12:00"}, "reason": {""}}, "reason", "This field is required."},
	} {
		t.Run(name, func(t *testing.T) {
			doc := wantPage(t, admin.post(t, action, tc.form), http.StatusUnprocessableEntity)
			if got := text(doc.Find("#" + tc.field + "-" + s.reviewers[1].ID + "-error")); got != tc.want {
				t.Errorf("error next to %s: %q, want %q", tc.field, got, tc.want)
			}
			if v, _ := doc.Find("#reason-" + s.reviewers[1].ID).Attr("value"); v != tc.form.Get("reason") {
				t.Errorf("the reason sent is not kept: %q", v)
			}
		})
	}
	if _, err := s.store.ReviewExtension(context.Background(), 2027, s.reviewers[1].ID); err == nil {
		t.Fatal("a refused form granted an extension")
	}
	wantRedirect(t, admin.post(t, action, url.Values{"closes_at": {"2027-03-05T12:00"}, "reason": {"Illness"}}), path+"?done=granted")
	doc = admin.get(t, path+"?done=granted", http.StatusOK)
	ext := doc.Find("#reviewer-" + s.reviewers[1].ID + " .extension time")
	if dt, _ := ext.Attr("datetime"); dt != "2027-03-05T12:00:00Z" || text(doc.Find("[role=status]")) != "The extension is granted." {
		t.Errorf("the extension shown: %q, notice %q", dt, text(doc.Find("[role=status]")))
	}
	if audit, _, _ := s.store.ListAudit(context.Background(), store.AuditQuery{Action: "review.extension.grant", Limit: 5}); len(audit) != 1 ||
		audit[0].After["reason"] != "Illness" {
		t.Fatalf("audit: %+v", audit)
	}
	wantRedirect(t, admin.post(t, action+"/revoke", nil), path+"?done=revoked")
	if doc := admin.get(t, path, http.StatusOK); doc.Find("#reviewer-"+s.reviewers[1].ID+" .extension time").Length() != 0 {
		t.Error("the withdrawn extension is still shown")
	}
}

package handlers_test

import (
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/wsis-platform/wsis/models"
	"github.com/wsis-platform/wsis/store"
)

type reviewerProgressList struct {
	Items []struct {
		ReviewerID string `json:"reviewer_id"`
		Assigned   int    `json:"assigned"`
		Opened     int    `json:"opened"`
		Draft      int    `json:"draft"`
		Submitted  int    `json:"submitted"`
		Extension  *struct {
			ClosesAt time.Time `json:"closes_at"`
			Reason   string    `json:"reason"`
		} `json:"extension"`
		Assignments []struct {
			ID       string     `json:"id"`
			Progress string     `json:"progress"`
			OpenedAt *time.Time `json:"opened_at"`
		} `json:"assignments"`
	} `json:"items"`
}

func extensionBody(closes time.Time, reason string) string {
	return fmt.Sprintf(`{"closes_at":%q,"reason":%q}`, closes.Format(time.RFC3339), reason)
}

func TestReviewExtension_LetsExactlyThatReviewerSubmitAfterTheWindowAudited(t *testing.T) {
	s := newReviewSetup(t, "", []string{"Digital Sahel"}, 2)
	s.at(t, subCloses)
	var ids []string
	for _, r := range s.reviewers {
		ids = append(ids, decode[models.Assignment](t, s.assign(t, s.nominations[0].ID, r.ID)).ID)
	}
	extended, other := s.reviewers[0], s.reviewers[1]
	path := "/api/v1/admin/contests/2027/reviewers/" + extended.ID + "/extension"
	until := revCloses.Add(48 * time.Hour)

	wantProblem(t, s.do(t, http.MethodPut, path, jsonBody(extensionBody(until, "flight cancelled"))), http.StatusUnauthorized, "unauthorized")
	wantProblem(t, s.do(t, http.MethodPut, path, jsonBody(extensionBody(until, "flight cancelled")), bearer(s.reviewerTok[extended.ID])...),
		http.StatusForbidden, "forbidden")
	wantProblem(t, s.do(t, http.MethodGet, "/api/v1/admin/contests/2027/reviewers", nil, bearer(s.userTok)...), http.StatusForbidden, "forbidden")
	for name, body := range map[string]string{
		"closing before the window closes": extensionBody(revCloses.Add(-time.Hour), "flight cancelled"),
		"closing as the window closes":     extensionBody(revCloses, "flight cancelled"),
		"no reason":                        extensionBody(until, ""),
		"a blank reason":                   extensionBody(until, "   "),
	} {
		t.Run(name+" is refused", func(t *testing.T) {
			wantProblem(t, s.do(t, http.MethodPut, path, jsonBody(body), bearer(s.adminTok)...), http.StatusUnprocessableEntity, "validation")
		})
	}
	wantProblem(t, s.do(t, http.MethodPut, "/api/v1/admin/contests/2027/reviewers/"+s.user.ID+"/extension",
		jsonBody(extensionBody(until, "not a reviewer")), bearer(s.adminTok)...), http.StatusNotFound, "not-found")
	if audit, _, _ := s.store.ListAudit(context.Background(), store.AuditQuery{Action: "review.extension.grant", Limit: 10}); len(audit) != 0 {
		t.Fatalf("refused grants were audited: %+v", audit)
	}

	rec := s.do(t, http.MethodPut, path, jsonBody(extensionBody(until, "flight cancelled")), bearer(s.adminTok)...)
	if rec.Code != http.StatusOK {
		t.Fatalf("grant: %d %s", rec.Code, rec.Body)
	}
	audit, _, err := s.store.ListAudit(context.Background(), store.AuditQuery{Action: "review.extension.grant", Limit: 10})
	if err != nil || len(audit) != 1 || audit[0].TargetID != extended.ID || audit[0].After["reason"] != "flight cancelled" ||
		audit[0].After["closes_at"] != until.Format(time.RFC3339) {
		t.Fatalf("audit of the grant: %v %+v", err, audit)
	}

	s.at(t, revCloses.Add(time.Hour))
	review := func(i int) *http.Request {
		req, _ := http.NewRequest(http.MethodPut, "/api/v1/reviewer/assignments/"+ids[i]+"/review",
			jsonBody(`{"scores":`+fullScores+`,"submit":true}`))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+s.reviewerTok[s.reviewers[i].ID])
		return req
	}
	wantProblem(t, s.serve(t, review(1)), http.StatusConflict, "phase-closed")
	if rec := s.serve(t, review(0)); rec.Code != http.StatusOK || decode[models.Assignment](t, rec).State != models.ReviewSubmitted {
		t.Fatalf("the extended reviewer's submission after the window: %d %s", rec.Code, rec.Body)
	}
	list := decode[reviewerProgressList](t, s.do(t, http.MethodGet, "/api/v1/admin/contests/2027/reviewers", nil, bearer(s.adminTok)...))
	for _, r := range list.Items {
		switch r.ReviewerID {
		case extended.ID:
			if r.Submitted != 1 || r.Extension == nil || !r.Extension.ClosesAt.Equal(until) {
				t.Errorf("the extended reviewer's progress: %+v", r)
			}
		case other.ID:
			if r.Submitted != 0 || r.Assigned != 1 || r.Extension != nil {
				t.Errorf("the other reviewer's progress: %+v", r)
			}
		}
	}

	s.at(t, until)
	wantProblem(t, s.serve(t, review(0)), http.StatusConflict, "phase-closed")
	if rec := s.do(t, http.MethodDelete, path, nil, bearer(s.adminTok)...); rec.Code != http.StatusNoContent {
		t.Fatalf("withdraw: %d %s", rec.Code, rec.Body)
	}
	wantProblem(t, s.do(t, http.MethodDelete, path, nil, bearer(s.adminTok)...), http.StatusNotFound, "not-found")
	if audit, _, _ := s.store.ListAudit(context.Background(), store.AuditQuery{Action: "review.extension.revoke", Limit: 10}); len(audit) != 1 {
		t.Fatalf("the withdrawal is not audited once: %+v", audit)
	}
}

func TestOpenAssignment_RecordsTheFirstOpenOnceAndOnlyForItsReviewer(t *testing.T) {
	s := newReviewSetup(t, "", []string{"Digital Sahel"}, 2)
	s.at(t, subCloses.Add(time.Hour))
	mine := decode[models.Assignment](t, s.assign(t, s.nominations[0].ID, s.reviewers[0].ID))
	s.assign(t, s.nominations[0].ID, s.reviewers[1].ID)
	path := "/api/v1/reviewer/assignments/" + mine.ID
	progress := func() reviewerProgressList {
		return decode[reviewerProgressList](t, s.do(t, http.MethodGet, "/api/v1/admin/contests/2027/reviewers", nil, bearer(s.adminTok)...))
	}
	for _, r := range progress().Items {
		if r.Opened != 0 || len(r.Assignments) != 1 || r.Assignments[0].OpenedAt != nil || r.Assignments[0].Progress != "not_started" {
			t.Fatalf("before any open: %+v", r)
		}
	}
	wantProblem(t, s.do(t, http.MethodGet, path, nil, bearer(s.reviewerTok[s.reviewers[1].ID])...), http.StatusNotFound, "not-found")
	first := s.clock.Now()
	rec := s.do(t, http.MethodGet, path, nil, bearer(s.reviewerTok[s.reviewers[0].ID])...)
	got := decode[struct {
		OpenedAt time.Time `json:"opened_at"`
		Deadline time.Time `json:"deadline"`
		Editable bool      `json:"editable"`
	}](t, rec)
	if rec.Code != http.StatusOK || !got.OpenedAt.Equal(first) || !got.Deadline.Equal(revCloses) || !got.Editable {
		t.Fatalf("open: %d %s", rec.Code, rec.Body)
	}
	s.clock.Advance(time.Minute)
	again := decode[struct {
		OpenedAt time.Time `json:"opened_at"`
	}](t, s.do(t, http.MethodGet, path, nil, bearer(s.reviewerTok[s.reviewers[0].ID])...))
	if !again.OpenedAt.Equal(first) {
		t.Fatalf("a second open moved the first open to %s", again.OpenedAt)
	}
	for _, r := range progress().Items {
		want := 0
		if r.ReviewerID == s.reviewers[0].ID {
			want = 1
		}
		if r.Opened != want || (want == 1) != (r.Assignments[0].OpenedAt != nil) {
			t.Errorf("reviewer %s: opened %d, want %d (another reviewer's read of it does not count): %+v", r.ReviewerID, r.Opened, want, r)
		}
		if want == 1 && !r.Assignments[0].OpenedAt.Equal(first) {
			t.Errorf("opened at %s, want %s", r.Assignments[0].OpenedAt, first)
		}
	}
}

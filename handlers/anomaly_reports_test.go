package handlers_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/wsis-platform/wsis/app"
)

// The admins' page answers the stored report at once; a fresh one is asked
// for, and the background stores one for every contest in voting.
func TestAnomalies_StoredReportUntilAFreshOneIsAskedFor(t *testing.T) {
	var service *app.Service
	s := newVotingSetup(t, "", func(cfg *handlersConfig) {
		var err error
		if service, err = app.New(app.Config{Store: cfg.Store, Mailer: cfg.Mailer, Clock: cfg.Clock, Logger: cfg.Logger}); err != nil {
			t.Fatal(err)
		}
		cfg.App = service
	})
	_, tok := s.signIn(t, "voter@example.org")
	s.castFrom(t, tok, "203.0.113.7", s.nominations[0])
	if n, err := service.RefreshAnomalies(t.Context()); err != nil || n != 1 {
		t.Fatalf("background refresh: %d reports, %v; want the one contest in voting", n, err)
	}
	first := s.anomalies(t)
	if first.Votes != 1 {
		t.Fatalf("stored report counts %d votes, want 1", first.Votes)
	}
	s.clock.Set(s.clock.Now().Add(time.Minute))
	_, tok2 := s.signIn(t, "second@example.org")
	s.castFrom(t, tok2, "203.0.113.8", s.nominations[1])
	if again := s.anomalies(t); again.Votes != 1 || !again.ComputedAt.Equal(first.ComputedAt) {
		t.Fatalf("without fresh: %d votes computed at %v; want the stored report of %v", again.Votes, again.ComputedAt, first.ComputedAt)
	}
	fresh := decode[app.AnomalyReport](t, s.do(t, http.MethodGet, "/api/v1/admin/contests/2027/anomalies?fresh=true", nil, bearer(s.adminTok)...))
	if fresh.Votes != 2 || !fresh.ComputedAt.After(first.ComputedAt) {
		t.Fatalf("fresh report: %d votes at %v", fresh.Votes, fresh.ComputedAt)
	}
	if latest := s.anomalies(t); latest.Votes != 2 {
		t.Fatalf("the fresh report is not the newest stored: %+v", latest)
	}
	wantProblem(t, s.do(t, http.MethodGet, "/api/v1/admin/contests/2027/anomalies?fresh=maybe", nil, bearer(s.adminTok)...),
		http.StatusUnprocessableEntity, "validation")
}

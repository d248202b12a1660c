package app_test

import (
	"context"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wsis-platform/wsis/app"
	"github.com/wsis-platform/wsis/mail"
	"github.com/wsis-platform/wsis/models"
)

var testReminders = []time.Duration{168 * time.Hour, 48 * time.Hour, 24 * time.Hour}

// reminderSetup is a nomination in review with three reviewers assigned to
// it: none has saved anything yet.
type reminderSetup struct {
	*fixture
	reviewers   []models.User
	assignments []models.Assignment
}

func newReminderSetup(t *testing.T) *reminderSetup {
	t.Helper()
	f, n := inReview(t)
	s := &reminderSetup{fixture: f}
	for _, email := range []string{"rev0@expert.example", "rev1@expert.example", "rev2@expert.example"} {
		r := f.createUser(t, email, models.RoleReviewer)
		a, err := f.svc.AssignReviewer(context.Background(), f.admin, n.ID, r.ID)
		if err != nil {
			t.Fatal(err)
		}
		s.reviewers, s.assignments = append(s.reviewers, r), append(s.assignments, a)
	}
	return s
}

func (s *reminderSetup) submit(t *testing.T, i int) {
	t.Helper()
	scores := map[string]int{}
	for _, c := range models.DefaultCriteria {
		scores[c.Key] = 7
	}
	if _, err := s.svc.SaveReview(context.Background(), s.reviewers[i], s.assignments[i].ID, app.Review{Scores: scores, Submit: true}); err != nil {
		t.Fatal(err)
	}
}

// reminders returns the review reminders in the outbox, by id.
func (s *reminderSetup) reminders(t *testing.T) map[string]models.Mail {
	t.Helper()
	mails, err := s.store.RecentMails(context.Background(), 1000)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]models.Mail{}
	for _, m := range mails {
		if m.Kind == app.MailKindReviewReminder {
			out[m.ID] = m
		}
	}
	return out
}

// runAt runs the reminder job with the clock at at and returns how many
// mails it queued.
func (s *reminderSetup) runAt(t *testing.T, at time.Time) int {
	t.Helper()
	s.clock.Set(at)
	n, err := s.svc.SendReviewReminders(context.Background(), testReminders)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func reminderIDs(offset time.Duration, reviewers ...models.User) []string {
	var ids []string
	for _, r := range reviewers {
		ids = append(ids, app.ReviewReminderMailID(2027, r.ID, offset))
	}
	return ids
}

func wantReminders(t *testing.T, got map[string]models.Mail, want ...[]string) {
	t.Helper()
	var all []string
	for _, w := range want {
		all = append(all, w...)
	}
	ids := make([]string, 0, len(got))
	for id := range got {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	slices.Sort(all)
	if !slices.Equal(ids, all) {
		t.Fatalf("reminders in the outbox:\n %v\nwant\n %v", ids, all)
	}
}

func TestSendReviewReminders_SentAtTheirTimesOnceEachAndNotToReviewersWhoSubmitted(t *testing.T) {
	s := newReminderSetup(t)
	done, drafting, idle := s.reviewers[0], s.reviewers[1], s.reviewers[2]
	s.submit(t, 0)
	if _, err := s.svc.SaveReview(context.Background(), drafting, s.assignments[1].ID, app.Review{Comment: "half way"}); err != nil {
		t.Fatal(err)
	}

	if n := s.runAt(t, reviewCloses.Add(-168*time.Hour-time.Second)); n != 0 {
		t.Fatalf("a second before the first reminder's time: %d mails", n)
	}
	if n := s.runAt(t, reviewCloses.Add(-168*time.Hour)); n != 2 {
		t.Fatalf("at 7 days before the deadline: %d mails, want 2", n)
	}
	got := s.reminders(t)
	wantReminders(t, got, reminderIDs(168*time.Hour, drafting, idle))
	m := got[app.ReviewReminderMailID(2027, idle.ID, 168*time.Hour)]
	if m.To != idle.Email || !strings.Contains(m.Body, "2 March 2027, 00:00 UTC") || !strings.Contains(m.Body, "http://wsis.test/review") {
		t.Fatalf("reminder to %s: %q", m.To, m.Body)
	}
	if n := s.runAt(t, reviewCloses.Add(-100*time.Hour)); n != 0 {
		t.Fatalf("between two reminders' times: %d mails", n)
	}
	if n := s.runAt(t, reviewCloses.Add(-48*time.Hour)); n != 2 {
		t.Fatalf("at 2 days before the deadline: %d mails, want 2", n)
	}
	if n := s.runAt(t, reviewCloses.Add(-47*time.Hour)); n != 0 {
		t.Fatalf("the 2-day reminder again: %d mails", n)
	}
	s.submit(t, 1)
	if n := s.runAt(t, reviewCloses.Add(-24*time.Hour)); n != 1 {
		t.Fatalf("at 1 day before the deadline: %d mails, want 1 (one reviewer submitted meanwhile)", n)
	}
	if n := s.runAt(t, reviewCloses); n != 0 {
		t.Fatalf("at the deadline: %d mails", n)
	}
	wantReminders(t, s.reminders(t), reminderIDs(168*time.Hour, drafting, idle), reminderIDs(48*time.Hour, drafting, idle),
		reminderIDs(24*time.Hour, idle))
	for id := range s.reminders(t) {
		if strings.Contains(id, done.ID) {
			t.Fatalf("the reviewer who submitted everything was reminded: %s", id)
		}
	}
}

func TestSendReviewReminders_ALateRunSendsOnlyTheLatestDueAndFollowsAnExtension(t *testing.T) {
	s := newReminderSetup(t)
	ctx := context.Background()
	s.submit(t, 0)
	s.submit(t, 1)
	idle := s.reviewers[2]
	extended := reviewCloses.Add(24 * time.Hour)
	if _, err := s.svc.GrantExtension(ctx, s.admin, 2027, idle.ID, app.Extension{ClosesAt: extended, Reason: "travel"}); err != nil {
		t.Fatal(err)
	}
	// 6 hours before the window closes is 30 before the extension ends: the
	// 7-day and the 2-day reminders are due then, and only the 2-day one goes.
	if n := s.runAt(t, extended.Add(-30*time.Hour)); n != 1 {
		t.Fatalf("30 hours before the extension ends: %d mails, want 1", n)
	}
	wantReminders(t, s.reminders(t), reminderIDs(48*time.Hour, idle))
	if body := s.reminders(t)[app.ReviewReminderMailID(2027, idle.ID, 48*time.Hour)].Body; !strings.Contains(body, "3 March 2027, 00:00 UTC") {
		t.Fatalf("the reminder names another deadline than the extension's: %q", body)
	}
}

func TestSendReviewReminders_ConcurrentJobsQueueOneMailPerReminder(t *testing.T) {
	s := newReminderSetup(t)
	s.clock.Set(reviewCloses.Add(-24 * time.Hour))
	logger := slog.New(slog.DiscardHandler)
	const replicas = 6
	services := []*app.Service{s.svc}
	for range replicas - 1 {
		svc, err := app.New(app.Config{Store: s.store, Mailer: mail.New(s.store, nil, logger, mail.Options{Clock: s.clock}),
			Clock: s.clock, Logger: logger, PublicURL: "http://wsis.test"})
		if err != nil {
			t.Fatal(err)
		}
		services = append(services, svc)
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	total := 0
	for _, svc := range services {
		for range 2 {
			wg.Go(func() {
				n, err := svc.SendReviewReminders(context.Background(), testReminders)
				if err != nil {
					t.Error(err)
				}
				mu.Lock()
				total += n
				mu.Unlock()
			})
		}
	}
	wg.Wait()
	if total != 3 {
		t.Fatalf("the jobs report %d mails queued, want 3 (one per reviewer)", total)
	}
	wantReminders(t, s.reminders(t), reminderIDs(24*time.Hour, s.reviewers...))
}

func TestParseReviewReminders_ReadsDurationsAndNamesWhatIsWrong(t *testing.T) {
	got, err := app.ParseReviewReminders("24h, 168h,48h")
	if err != nil || !slices.Equal(got, testReminders) {
		t.Fatalf("parsed %v (%v), want %v longest first", got, err, testReminders)
	}
	for _, bad := range []string{"", "1d", "-1h", "24h,24h", "9000h"} {
		if _, err := app.ParseReviewReminders(bad); err == nil {
			t.Errorf("%q was accepted", bad)
		}
	}
}

package app_test

import (
	"context"
	"errors"
	"log/slog"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/wsis-platform/wsis/app"
	"github.com/wsis-platform/wsis/mail"
	"github.com/wsis-platform/wsis/models"
	"github.com/wsis-platform/wsis/store"
	"github.com/wsis-platform/wsis/store/seed"
	"github.com/wsis-platform/wsis/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

// The 2027 contest's submission window in these tests; each other window
// lasts a month and opens a day after the one before closes.
var (
	subOpens  = time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)
	subCloses = time.Date(2027, 2, 1, 0, 0, 0, 0, time.UTC)
)

// tickingClock is a FixedClock that moves on by a millisecond (the
// precision of stored times) each time it is read, so that a use case
// reading it twice sees two times.
type tickingClock struct{ *models.FixedClock }

func (c tickingClock) Now() time.Time {
	t := c.FixedClock.Now()
	c.Advance(time.Millisecond)
	return t
}

// fixture is a Service on a fresh database with a 2027 contest, an admin and
// a stakeholder.
type fixture struct {
	svc         *app.Service
	store       *store.Store
	clock       *models.FixedClock
	admin, user models.User
}

func newFixture(t *testing.T, clock models.Clock, fixed *models.FixedClock) *fixture {
	t.Helper()
	ctx := context.Background()
	st := storetest.Store(t)
	logger := slog.New(slog.DiscardHandler)
	svc, err := app.New(app.Config{Store: st, Mailer: mail.New(st, nil, logger, mail.Options{Clock: fixed}), Clock: clock,
		Logger: logger, PublicURL: "http://wsis.test"})
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{svc: svc, store: st, clock: fixed}
	f.admin = f.createUser(t, "admin@example.org", models.RoleAdmin)
	f.user = f.createUser(t, "amina@example.org")
	schedule := app.ScheduleChange{}
	at := subOpens
	for _, name := range models.WindowNames {
		next := at.AddDate(0, 1, 0)
		schedule[name] = models.Window{OpensAt: at, ClosesAt: next}
		at = next.Add(24 * time.Hour)
	}
	if _, err := svc.CreateContest(ctx, f.admin, app.NewContest{Year: 2027, Title: "WSIS Prizes 2027", Schedule: schedule}); err != nil {
		t.Fatalf("create contest: %v", err)
	}
	return f
}

func (f *fixture) createUser(t *testing.T, email string, roles ...models.Role) models.User {
	t.Helper()
	u, err := f.store.CreateUser(context.Background(), models.User{Email: email, Name: strings.Split(email, "@")[0],
		Roles: roles, CreatedAt: f.clock.Now()}, "not a hash")
	if err != nil {
		t.Fatalf("create user: %v", err)
	}
	return u
}

// publishedProject stores a published project of owner in action line C1,
// category 1.
func (f *fixture) publishedProject(t *testing.T, owner models.User) models.Project {
	t.Helper()
	p := seed.Project(rand.New(rand.NewPCG(1, uint64(time.Now().UnixNano()))), owner.ID, f.clock.Now())
	p.ActionLines = []string{models.ActionLines[0].Code}
	pub := p.ProjectContent
	p.Published = &pub
	ps := []models.Project{p}
	if err := f.store.InsertProjects(context.Background(), ps); err != nil {
		t.Fatal(err)
	}
	return ps[0]
}

func words(n int, w string) string { return strings.TrimSpace(strings.Repeat(w+" ", n)) }

func nomination(p models.Project) app.NewNomination {
	return app.NewNomination{ProjectID: p.ID, Category: 1, Text: models.NominationText{ShortDescription: words(160, "voters"),
		Impact: words(60, "impact"), SDGLinkage: words(60, "sdg"), Partnerships: words(60, "partners"),
		Challenges: words(60, "challenges"), Implementation: "completed"}}
}

func TestNominate_AtTheDeadlineUsesOneClockReading(t *testing.T) {
	fixed := models.NewFixedClock(subOpens)
	f := newFixture(t, tickingClock{fixed}, fixed)
	p := f.publishedProject(t, f.user)
	last := subCloses.Add(-time.Millisecond)
	fixed.Set(last)
	n, err := f.svc.Nominate(context.Background(), f.user, 2027, nomination(p))
	if err != nil {
		t.Fatalf("nominate in the window's last instant: %v", err)
	}
	if !n.CreatedAt.Equal(last) || !n.UpdatedAt.Equal(last) {
		t.Fatalf("stored at %s/%s, want the instant the window was checked, %s", n.CreatedAt, n.UpdatedAt, last)
	}
	if _, err := f.svc.Nominate(context.Background(), f.user, 2027, nomination(f.publishedProject(t, f.user))); !errors.Is(err, models.ErrPhaseClosed) {
		t.Fatalf("nominate at the deadline: %v, want phase closed", err)
	}
}

func TestEditNomination_NotFoundForAnotherUser(t *testing.T) {
	fixed := models.NewFixedClock(subOpens.Add(24 * time.Hour))
	f := newFixture(t, fixed, fixed)
	n, err := f.svc.Nominate(context.Background(), f.user, 2027, nomination(f.publishedProject(t, f.user)))
	if err != nil {
		t.Fatal(err)
	}
	other := f.createUser(t, "other@example.org")
	impact := words(70, "changed")
	u := app.NominationUpdate{Impact: &impact}
	if _, err := f.svc.EditNomination(context.Background(), other, n.ID, 0, u); !errors.Is(err, models.ErrNotFound) {
		t.Fatalf("another user's edit: %v, want not found", err)
	}
	if err := f.svc.WithdrawNomination(context.Background(), other, n.ID, 0); !errors.Is(err, models.ErrNotFound) {
		t.Fatalf("another user's withdrawal: %v, want not found", err)
	}
	if _, err := f.svc.EditNomination(context.Background(), f.admin, n.ID, 0, u); !errors.Is(err, models.ErrNotFound) {
		t.Fatalf("an admin's edit: %v, want not found", err)
	}
	got, err := f.svc.EditNomination(context.Background(), f.user, n.ID, 0, u)
	if err != nil || got.Impact != impact || got.ShortDescription != n.ShortDescription {
		t.Fatalf("the nominator's edit: %v, impact %q", err, got.Impact)
	}
}

func TestNomination_WholeToTheProjectOwnerNotFoundToOthersBeforeNominees(t *testing.T) {
	fixed := models.NewFixedClock(subOpens.Add(24 * time.Hour))
	f := newFixture(t, fixed, fixed)
	owner := f.createUser(t, "owner@example.org")
	n, err := f.svc.Nominate(context.Background(), f.user, 2027, nomination(f.publishedProject(t, owner)))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name  string
		actor models.User
		whole bool
		err   error
	}{
		{"nominator reads it whole", f.user, true, nil},
		{"project owner reads it whole", owner, true, nil},
		{"admin reads it whole", f.admin, true, nil},
		{"anonymous gets not found", models.User{}, false, models.ErrNotFound},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, whole, err := f.svc.Nomination(context.Background(), tc.actor, n.ID)
			if !errors.Is(err, tc.err) || whole != tc.whole || (tc.whole && got.Impact != n.Impact) {
				t.Errorf("got whole %v, err %v; want whole %v, err %v", whole, err, tc.whole, tc.err)
			}
		})
	}
}

func TestScreenOut_AdminsOnlyAndAuditedAtTheStoredTime(t *testing.T) {
	fixed := models.NewFixedClock(subOpens.Add(24 * time.Hour))
	f := newFixture(t, tickingClock{fixed}, fixed)
	n, err := f.svc.Nominate(context.Background(), f.user, 2027, nomination(f.publishedProject(t, f.user)))
	if err != nil {
		t.Fatal(err)
	}
	screening := app.Screening{Reason: "not a project", ReleaseSlots: true}
	if _, err := f.svc.ScreenOut(context.Background(), f.user, n.ID, 0, screening); !errors.Is(err, models.ErrForbidden) {
		t.Fatalf("a stakeholder's screening: %v, want forbidden", err)
	}
	got, err := f.svc.ScreenOut(context.Background(), f.admin, n.ID, 0, screening)
	if err != nil || got.State != models.NominationIneligible || !got.SlotsReleased {
		t.Fatalf("screen out: %v, %+v", err, got)
	}
	entries, _, err := f.store.ListAudit(context.Background(), store.AuditQuery{Action: "nomination.ineligible", Limit: 10})
	if err != nil || len(entries) != 1 {
		t.Fatalf("audit: %v, %d entries", err, len(entries))
	}
	if !entries[0].Time.Equal(got.UpdatedAt) || entries[0].ActorID != f.admin.ID {
		t.Fatalf("audited at %s by %s, stored at %s", entries[0].Time, entries[0].ActorID, got.UpdatedAt)
	}
}

func TestPublishNominees_OverridesNeedAReason(t *testing.T) {
	fixed := models.NewFixedClock(subOpens.AddDate(0, 2, 1).Add(time.Hour)) // between review and voting
	f := newFixture(t, fixed, fixed)
	_, err := f.svc.PublishNominees(context.Background(), f.admin, 2027, app.NomineeOverrides{Add: []string{"x"}})
	var v *models.ValidationError
	if !errors.As(err, &v) || v.Fields[0].Field != "reason" {
		t.Fatalf("override without reason: %v", err)
	}
	if _, err := f.svc.PublishNominees(context.Background(), f.user, 2027, app.NomineeOverrides{}); !errors.Is(err, models.ErrForbidden) {
		t.Fatalf("a stakeholder's publication: %v, want forbidden", err)
	}
	list, err := f.svc.PublishNominees(context.Background(), f.admin, 2027, app.NomineeOverrides{})
	if err != nil || len(list.Nominees) != 0 || list.Method != "zscore" {
		t.Fatalf("publish with no reviews: %v, %+v", err, list)
	}
	if _, err := f.svc.PublishNominees(context.Background(), f.admin, 2027, app.NomineeOverrides{}); !errors.Is(err, models.ErrConflict) {
		t.Fatalf("publish twice: %v, want conflict", err)
	}
}

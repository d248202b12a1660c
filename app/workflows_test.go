package app_test

import (
	"context"
	"errors"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/wsis-platform/wsis/app"
	"github.com/wsis-platform/wsis/models"
	"github.com/wsis-platform/wsis/store"
	"github.com/wsis-platform/wsis/store/seed"
)

// The review window of the fixture's contest.
var (
	reviewOpens  = subCloses.Add(24 * time.Hour)
	reviewCloses = reviewOpens.AddDate(0, 1, 0)
)

func TestModerate_OneClockReadingForStoredTimePublicationAndAudit(t *testing.T) {
	fixed := models.NewFixedClock(subOpens)
	f := newFixture(t, tickingClock{fixed}, fixed)
	ctx := context.Background()
	content := seed.Project(rand.New(rand.NewPCG(1, 2)), f.user.ID, fixed.Now()).ProjectContent
	p, err := f.svc.CreateProject(ctx, f.user, content)
	if err == nil {
		p, err = f.svc.SubmitProject(ctx, f.user, p.ID, 0)
	}
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.Moderate(ctx, f.user, p.ID, 0, models.ModeratePublish, ""); !errors.Is(err, models.ErrForbidden) {
		t.Fatalf("a stakeholder's moderation: %v, want forbidden", err)
	}
	var v *models.ValidationError
	if _, err := f.svc.Moderate(ctx, f.admin, p.ID, 0, models.ModerateReturn, ""); !errors.As(err, &v) {
		t.Fatalf("return without a note: %v, want a validation error", err)
	}
	got, err := f.svc.Moderate(ctx, f.admin, p.ID, 0, models.ModeratePublish, "")
	if err != nil || got.State != models.ProjectPublished || got.PublishedAt == nil {
		t.Fatalf("publish: %v, %+v", err, got)
	}
	entries, _, err := f.store.ListAudit(ctx, store.AuditQuery{Action: "project.publish", Limit: 10})
	if err != nil || len(entries) != 1 {
		t.Fatalf("audit: %v, %d entries", err, len(entries))
	}
	if !entries[0].Time.Equal(got.UpdatedAt) || !got.PublishedAt.Equal(got.UpdatedAt) {
		t.Fatalf("audited at %s, published at %s, stored at %s: want one time", entries[0].Time, got.PublishedAt, got.UpdatedAt)
	}
}

// inReview returns a fixture on a fixed clock with a submitted nomination
// of its contest, the clock moved into the review window.
func inReview(t *testing.T) (*fixture, models.Nomination) {
	t.Helper()
	fixed := models.NewFixedClock(subOpens.Add(time.Hour))
	f := newFixture(t, fixed, fixed)
	n, err := f.svc.Nominate(context.Background(), f.user, 2027, nomination(f.publishedProject(t, f.user)))
	if err != nil {
		t.Fatal(err)
	}
	fixed.Set(reviewOpens.Add(time.Hour))
	return f, n
}

func TestSaveReview_RefusedAtTheDeadline(t *testing.T) {
	f, n := inReview(t)
	ctx := context.Background()
	reviewer := f.createUser(t, "reviewer@example.org", models.RoleReviewer)
	a, err := f.svc.AssignReviewer(ctx, f.admin, n.ID, reviewer.ID)
	if err != nil {
		t.Fatal(err)
	}
	other := f.createUser(t, "other-reviewer@example.org", models.RoleReviewer)
	if _, err := f.svc.SaveReview(ctx, other, a.ID, app.Review{Comment: "mine"}); !errors.Is(err, models.ErrNotFound) {
		t.Fatalf("another reviewer's review: %v, want not found", err)
	}
	// The use cases of the Expert Group check the role themselves, not only
	// the routes in front of them.
	if _, err := f.svc.SaveReview(ctx, f.user, a.ID, app.Review{Comment: "mine"}); !errors.Is(err, models.ErrForbidden) {
		t.Fatalf("a stakeholder's review: %v, want forbidden", err)
	}
	if _, err := f.svc.Conflicts(ctx, f.user); !errors.Is(err, models.ErrForbidden) {
		t.Fatalf("a stakeholder's conflicts: %v, want forbidden", err)
	}
	if _, err := f.svc.DeclareConflicts(ctx, f.user, []string{"Org"}, nil); !errors.Is(err, models.ErrForbidden) {
		t.Fatalf("a stakeholder declaring conflicts: %v, want forbidden", err)
	}
	if _, err := f.svc.AssignmentsOf(ctx, f.user, app.PageRequest{Limit: 10}); !errors.Is(err, models.ErrForbidden) {
		t.Fatalf("a stakeholder's assignments: %v, want forbidden", err)
	}
	if _, err := f.svc.OpenAssignment(ctx, f.user, a.ID); !errors.Is(err, models.ErrForbidden) {
		t.Fatalf("a stakeholder opening an assignment: %v, want forbidden", err)
	}
	f.clock.Set(reviewCloses.Add(-time.Millisecond))
	saved, err := f.svc.SaveReview(ctx, reviewer, a.ID, app.Review{Comment: "  a draft  "})
	if err != nil || saved.Comment != "a draft" || !saved.UpdatedAt.Equal(reviewCloses.Add(-time.Millisecond)) {
		t.Fatalf("draft in the window's last instant: %v, %+v", err, saved)
	}
	f.clock.Set(reviewCloses)
	if _, err := f.svc.SaveReview(ctx, reviewer, a.ID, app.Review{Comment: "late"}); !errors.Is(err, models.ErrPhaseClosed) {
		t.Fatalf("review at the deadline: %v, want phase closed", err)
	}
}

func TestAutoAssign_ReportsAssignmentsAndLoadsAndAddsNothingTwice(t *testing.T) {
	f, n := inReview(t)
	ctx := context.Background()
	r1 := f.createUser(t, "r1@example.org", models.RoleReviewer)
	r2 := f.createUser(t, "r2@example.org", models.RoleReviewer)
	if _, err := f.svc.AutoAssign(ctx, f.user, 2027, app.AutoAssignment{}); !errors.Is(err, models.ErrForbidden) {
		t.Fatalf("a stakeholder's auto-assignment: %v, want forbidden", err)
	}
	report, err := f.svc.AutoAssign(ctx, f.admin, 2027, app.AutoAssignment{PerNomination: 1})
	if err != nil || len(report.Assigned) != 1 || report.Assigned[0].NominationID != n.ID || len(report.Uncovered) != 0 {
		t.Fatalf("first run: %v, %+v", err, report)
	}
	if report.Loads[r1.ID]+report.Loads[r2.ID] != 1 || len(report.Loads) != 2 {
		t.Fatalf("loads %v, want one assignment over both reviewers", report.Loads)
	}
	again, err := f.svc.AutoAssign(ctx, f.admin, 2027, app.AutoAssignment{PerNomination: 1})
	if err != nil || len(again.Assigned) != 0 || again.Loads[r1.ID]+again.Loads[r2.ID] != 1 {
		t.Fatalf("second run: %v, %+v", err, again)
	}
	f.clock.Set(reviewCloses)
	if _, err := f.svc.AutoAssign(ctx, f.admin, 2027, app.AutoAssignment{}); !errors.Is(err, models.ErrPhaseClosed) {
		t.Fatalf("after the review window: %v, want phase closed", err)
	}
}

func TestRenderMail_EveryKeyRenders(t *testing.T) {
	data := app.MailData{Name: "Amina", URL: "http://wsis.test", Year: 2027, Link: "http://wsis.test/x?token=t",
		Nomination: models.Nomination{ID: "n1", ProjectTitle: "Open maps", Category: 3},
		Project:    models.Project{ID: "p1", ProjectContent: models.ProjectContent{Title: "Open maps"}, Note: "Add sources"},
		Decision:   models.ProjectReturned, Votes: []models.Vote{{ID: "v1", Category: 3, NominationID: "n1", Receipt: "r"}}}
	for _, key := range []app.MailKey{app.MailNominationReceived, app.MailNominationWithdrawn, app.MailNominationScreenedOut,
		app.MailNomineeChosen, app.MailNomineeNotShortlisted,
		app.MailChampionChosen, app.MailChampionDropped, app.MailResultsWinner, app.MailResultsChampion, app.MailVoteReceipts,
		app.MailProjectModerated, app.MailAssignmentsNew, app.MailVerifyEmail, app.MailResetPassword} {
		t.Run(string(key), func(t *testing.T) {
			subject, body, err := app.RenderMail(key, data)
			if err != nil || subject == "" || !strings.Contains(body, "Amina") {
				t.Fatalf("%q, %q, %v", subject, body, err)
			}
		})
	}
	_, body, _ := app.RenderMail(app.MailProjectModerated, data)
	want := "Hello Amina,\n\nThe moderators' decision on your Stocktaking entry \"Open maps\": returned.\n" +
		"\nThe moderators wrote:\n\nAdd sources\n\nSee it at http://wsis.test/projects/p1\n"
	if body != want {
		t.Fatalf("moderation mail:\n%q\nwant\n%q", body, want)
	}
	if _, _, err := app.RenderMail("mail.unknown", data); err == nil {
		t.Fatal("an unknown key renders")
	}
}

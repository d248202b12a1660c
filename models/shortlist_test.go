package models_test

import (
	"errors"
	"testing"
	"time"

	"github.com/wsis-platform/wsis/models"
)

func TestNomination_VisibleToNominatorOwnerAndAdmins(t *testing.T) {
	n := models.Nomination{NominatorID: "nominator"}
	admin := models.User{ID: "admin", Roles: []models.Role{models.RoleAdmin}}
	for _, tc := range []struct {
		name string
		user models.User
		want bool
	}{
		{"nominator sees it", models.User{ID: "nominator"}, true},
		{"project owner sees it", models.User{ID: "owner"}, true},
		{"admin sees it", admin, true},
		{"reviewer does not", models.User{ID: "r", Roles: []models.Role{models.RoleReviewer}}, false},
		{"anonymous does not", models.User{}, false},
		{"anonymous admin role without id does not", models.User{Roles: []models.Role{models.RoleAdmin}}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := n.VisibleTo(tc.user, "owner"); got != tc.want {
				t.Errorf("VisibleTo(%+v) = %v, want %v", tc.user, got, tc.want)
			}
		})
	}
}

func TestNomination_EditOnlyWhileSubmitted(t *testing.T) {
	n := models.Nomination{State: models.NominationSubmitted}
	if err := n.Edit(models.NominationText{Impact: "  changed  ", Implementation: "completed"}); err != nil {
		t.Fatalf("edit: %v", err)
	}
	if n.Impact != "changed" || n.Implementation != "completed" {
		t.Fatalf("edit kept %+v", n.Text())
	}
	for _, st := range []models.NominationState{models.NominationWithdrawn, models.NominationIneligible, models.NominationNominee} {
		n := models.Nomination{State: st, Impact: "before"}
		if err := n.Edit(models.NominationText{Impact: "after"}); !errors.Is(err, models.ErrConflict) || n.Impact != "before" {
			t.Errorf("edit of a %s nomination: %v, impact %q", st, err, n.Impact)
		}
	}
}

func TestNomination_MakeNomineeIsIdempotent(t *testing.T) {
	n := models.Nomination{State: models.NominationSubmitted}
	if err := n.MakeNominee(); err != nil || n.State != models.NominationNominee {
		t.Fatalf("submitted: %v, %s", err, n.State)
	}
	if err := n.MakeNominee(); err != nil || n.State != models.NominationNominee {
		t.Fatalf("again: %v, %s", err, n.State)
	}
	for _, st := range []models.NominationState{models.NominationWithdrawn, models.NominationIneligible, models.NominationWinner} {
		n := models.Nomination{State: st}
		if err := n.MakeNominee(); !errors.Is(err, models.ErrConflict) || n.State != st {
			t.Errorf("%s: %v, now %s", st, err, n.State)
		}
	}
}

func TestContest_NomineesPublishableBetweenReviewAndVoting(t *testing.T) {
	day := time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)
	c := models.Contest{Schedule: models.Schedule{
		Review: models.Window{OpensAt: day, ClosesAt: day.Add(24 * time.Hour)},
		Voting: models.Window{OpensAt: day.Add(48 * time.Hour), ClosesAt: day.Add(72 * time.Hour)}}}
	for _, tc := range []struct {
		name string
		at   time.Time
		want error
	}{
		{"during review is phase closed", day.Add(time.Hour), models.ErrPhaseClosed},
		{"at the review deadline is allowed", day.Add(24 * time.Hour), nil},
		{"just before voting is allowed", day.Add(48*time.Hour - time.Nanosecond), nil},
		{"once voting opens is phase closed", day.Add(48 * time.Hour), models.ErrPhaseClosed},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := c.CheckNomineesPublishable(tc.at); !errors.Is(err, tc.want) {
				t.Errorf("got %v, want %v", err, tc.want)
			}
		})
	}
	published := c
	if err := published.PublishNominees(); err != nil || !published.Stages.NomineesPublished {
		t.Fatalf("publish: %v", err)
	}
	if err := published.CheckNomineesPublishable(day.Add(30 * time.Hour)); !errors.Is(err, models.ErrConflict) {
		t.Errorf("published twice: %v", err)
	}
	if err := published.PublishNominees(); !errors.Is(err, models.ErrConflict) {
		t.Errorf("flag set twice: %v", err)
	}
}

func TestContest_ShortlistsTheReviewedTopSubmitted(t *testing.T) {
	c := models.Contest{Settings: models.ContestSettings{NomineesPerCategory: 2}}
	for _, tc := range []struct {
		name  string
		r     models.RankedNomination
		state models.NominationState
		want  bool
	}{
		{"top ranked reviewed submitted", models.RankedNomination{Rank: 1, Reviews: 3}, models.NominationSubmitted, true},
		{"last place within the limit", models.RankedNomination{Rank: 2, Reviews: 1}, models.NominationSubmitted, true},
		{"beyond the limit", models.RankedNomination{Rank: 3, Reviews: 3}, models.NominationSubmitted, false},
		{"unreviewed", models.RankedNomination{Rank: 1}, models.NominationSubmitted, false},
		{"screened out", models.RankedNomination{Rank: 1, Reviews: 3}, models.NominationIneligible, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := c.Shortlists(tc.r, tc.state); got != tc.want {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}

func TestRulesFreeze_FirstVoteAndSubmittedReviews(t *testing.T) {
	if err := models.RulesFrozen(time.Time{}, false); err != nil {
		t.Errorf("no vote: %v", err)
	}
	if err := models.RulesFrozen(time.Date(2027, 3, 1, 0, 0, 0, 0, time.UTC), true); !errors.Is(err, models.ErrConflict) {
		t.Errorf("after the first vote: %v", err)
	}
	if err := models.CriteriaFrozen(0); err != nil {
		t.Errorf("no review: %v", err)
	}
	if err := models.CriteriaFrozen(1); !errors.Is(err, models.ErrConflict) {
		t.Errorf("a submitted review: %v", err)
	}
}

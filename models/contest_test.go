package models_test

import (
	"errors"
	"testing"
	"time"

	"github.com/wsis-platform/wsis/models"
)

func contest2027() models.Contest {
	d := func(m int) time.Time { return time.Date(2027, time.Month(m), 1, 0, 0, 0, 0, time.UTC) }
	return models.Contest{Year: 2027, Schedule: models.Schedule{
		Submission: models.Window{OpensAt: d(1), ClosesAt: d(2)}, Review: models.Window{OpensAt: d(2), ClosesAt: d(3)},
		Voting: models.Window{OpensAt: d(3), ClosesAt: d(4)}, Selection: models.Window{OpensAt: d(4), ClosesAt: d(5)},
	}}
}

func TestWindow_OpenIsHalfOpenInterval(t *testing.T) {
	c := contest2027()
	w := c.Schedule.Voting
	for _, tc := range []struct {
		at   time.Time
		open bool
	}{
		{w.OpensAt.Add(-time.Nanosecond), false}, {w.OpensAt, true},
		{w.ClosesAt.Add(-time.Nanosecond), true}, {w.ClosesAt, false},
	} {
		if got := c.WindowOpen(models.WindowVoting, tc.at); got != tc.open {
			t.Errorf("open at %s = %v, want %v", tc.at.Format(time.RFC3339Nano), got, tc.open)
		}
		err := c.RequireOpen(models.WindowVoting, tc.at)
		var pc *models.PhaseClosedError
		if tc.open != (err == nil) || (!tc.open && (!errors.As(err, &pc) || pc.Name != models.WindowVoting || !errors.Is(err, models.ErrPhaseClosed))) {
			t.Errorf("RequireOpen at %s = %v", tc.at.Format(time.RFC3339Nano), err)
		}
	}
	if name, ok := c.OpenWindow(w.OpensAt); !ok || name != models.WindowVoting {
		t.Errorf("open window = %s, %v", name, ok)
	}
}

func TestStageSteps_AfterCloseBeforeOpen(t *testing.T) {
	c := contest2027()
	review, voting := c.Schedule.Review, c.Schedule.Voting
	// Publishing nominees: after review closes, before voting opens.
	if err := c.RequireClosed(models.WindowReview, review.ClosesAt.Add(-time.Nanosecond)); !errors.Is(err, models.ErrPhaseClosed) {
		t.Errorf("before review closes: %v", err)
	}
	if err := c.RequireClosed(models.WindowReview, review.ClosesAt); err != nil {
		t.Errorf("at review close: %v", err)
	}
	if err := c.RequireNotOpened(models.WindowVoting, voting.OpensAt.Add(-time.Nanosecond)); err != nil {
		t.Errorf("before voting opens: %v", err)
	}
	if err := c.RequireNotOpened(models.WindowVoting, voting.OpensAt); !errors.Is(err, models.ErrPhaseClosed) {
		t.Errorf("at voting open: %v", err)
	}
}

func TestSchedule_ValidateNamesTheField(t *testing.T) {
	ok := contest2027().Schedule
	if err := ok.Validate(); err != nil {
		t.Fatalf("a good schedule: %v", err)
	}
	for name, tc := range map[string]struct {
		mutate func(*models.Schedule)
		field  string
	}{
		"window closes before it opens": {func(s *models.Schedule) { s.Review.ClosesAt = s.Review.OpensAt }, "schedule.review.closes_at"},
		"windows overlap":               {func(s *models.Schedule) { s.Voting.OpensAt = s.Review.ClosesAt.Add(-time.Hour) }, "schedule.voting.opens_at"},
		"missing window":                {func(s *models.Schedule) { s.Selection = models.Window{} }, "schedule.selection.opens_at"},
	} {
		t.Run(name, func(t *testing.T) {
			s := ok
			tc.mutate(&s)
			var ve *models.ValidationError
			if err := s.Validate(); !errors.As(err, &ve) || ve.Fields[0].Field != tc.field {
				t.Fatalf("Validate = %v, want a problem with %s", err, tc.field)
			}
		})
	}
}

func TestNomination_PublicStateFollowsTheStageFlags(t *testing.T) {
	for _, tc := range []struct {
		state  models.NominationState
		stages models.Stages
		want   models.NominationState
		public bool
	}{
		{models.NominationNominee, models.Stages{}, "", false},
		{models.NominationSubmitted, models.Stages{NomineesPublished: true}, "", false},
		{models.NominationNominee, models.Stages{NomineesPublished: true}, models.NominationNominee, true},
		{models.NominationWinner, models.Stages{NomineesPublished: true}, models.NominationNominee, true},
		{models.NominationWinner, models.Stages{NomineesPublished: true, ChampionsPublished: true}, models.NominationChampion, true},
		{models.NominationWinner, models.Stages{NomineesPublished: true, ChampionsPublished: true, ResultsPublished: true}, models.NominationWinner, true},
	} {
		got, ok := models.Nomination{State: tc.state}.PublicState(tc.stages)
		if got != tc.want || ok != tc.public {
			t.Errorf("%s under %+v: %q %v, want %q %v", tc.state, tc.stages, got, ok, tc.want, tc.public)
		}
	}
}

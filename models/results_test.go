package models_test

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/wsis-platform/wsis/models"
)

func TestTopChampions_ByVotesThenRankingScoreThenEarlierSubmission(t *testing.T) {
	day := time.Date(2027, 1, 10, 0, 0, 0, 0, time.UTC)
	cs := []models.ChampionCandidate{
		{NominationID: "few-votes", Votes: 3, RankScore: 2.0, SubmittedAt: day},
		{NominationID: "later", Votes: 7, RankScore: 0.5, SubmittedAt: day.Add(time.Hour)},
		{NominationID: "lower-score", Votes: 7, RankScore: 0.1, SubmittedAt: day.Add(-time.Hour)},
		{NominationID: "most-votes", Votes: 9, RankScore: -1, SubmittedAt: day.Add(48 * time.Hour)},
		{NominationID: "earlier", Votes: 7, RankScore: 0.5, SubmittedAt: day},
	}
	got := ids(models.TopChampions(cs, 3))
	if want := []string{"most-votes", "earlier", "later"}; !slices.Equal(got, want) {
		t.Fatalf("champions = %v, want %v", got, want)
	}
	if got := ids(models.TopChampions(cs, 10)); len(got) != len(cs) || got[4] != "few-votes" || got[3] != "lower-score" {
		t.Fatalf("all in order = %v", got)
	}
	if got := models.TopChampions(cs, 0); len(got) != 0 {
		t.Fatalf("no places gave %v", got)
	}
}

func ids(cs []models.ChampionCandidate) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.NominationID
	}
	return out
}

func TestWinners_MostPicksAndATieGivesSeveral(t *testing.T) {
	champions := []string{"c", "a", "b"}
	tests := []struct {
		name  string
		picks map[string]int
		want  []string
	}{
		{"most picks wins", map[string]int{"a": 1, "b": 3, "c": 2}, []string{"b"}},
		{"a tie gives two winners", map[string]int{"a": 2, "c": 2, "b": 1}, []string{"a", "c"}},
		{"no pick gives no winner", map[string]int{}, nil},
		{"a pick of no champion is ignored", map[string]int{"x": 5, "a": 1}, []string{"a"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := models.Winners(champions, tt.picks); !slices.Equal(got, tt.want) {
				t.Fatalf("winners = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestContest_ChampionsAfterVotingAgainUntilSelectionOpens(t *testing.T) {
	day := time.Date(2027, 4, 1, 0, 0, 0, 0, time.UTC)
	c := models.Contest{Stages: models.Stages{NomineesPublished: true}, Schedule: models.Schedule{
		Voting:    models.Window{OpensAt: day.AddDate(0, -1, 0), ClosesAt: day},
		Selection: models.Window{OpensAt: day.Add(24 * time.Hour), ClosesAt: day.AddDate(0, 1, 0)}}}
	published := c
	published.Stages.ChampionsPublished = true
	tests := []struct {
		name    string
		contest models.Contest
		at      time.Time
		ok      bool
	}{
		{"while voting is open", c, day.Add(-time.Nanosecond), false},
		{"when voting closes", c, day, true},
		{"again before the selection opens", published, day.Add(24*time.Hour - time.Nanosecond), true},
		{"not again once the selection opens", published, day.Add(24 * time.Hour), false},
		{"a first time while the selection is open", c, day.Add(24 * time.Hour), true},
		{"not once the selection closed", c, day.AddDate(0, 1, 0), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.contest.CheckChampionsPublishable(tt.at)
			if (err == nil) != tt.ok || (err != nil && !errors.Is(err, models.ErrPhaseClosed)) {
				t.Fatalf("err = %v, want ok=%v", err, tt.ok)
			}
		})
	}
	unpublished := c
	unpublished.Stages.NomineesPublished = false
	if err := unpublished.CheckChampionsPublishable(day); !errors.Is(err, models.ErrPhaseClosed) {
		t.Fatalf("without nominees: %v", err)
	}
}

func TestContest_ResultsOnceAfterSelectionCloses(t *testing.T) {
	day := time.Date(2027, 5, 1, 0, 0, 0, 0, time.UTC)
	c := models.Contest{Stages: models.Stages{NomineesPublished: true}, Schedule: models.Schedule{
		Selection: models.Window{OpensAt: day.AddDate(0, -1, 0), ClosesAt: day}}}
	if err := c.CheckResultsPublishable(day); !errors.Is(err, models.ErrPhaseClosed) {
		t.Fatalf("without champions: %v", err)
	}
	c.Stages.ChampionsPublished = true
	if err := c.CheckResultsPublishable(day.Add(-time.Nanosecond)); !errors.Is(err, models.ErrPhaseClosed) {
		t.Fatalf("during the selection: %v", err)
	}
	if err := c.CheckResultsPublishable(day); err != nil {
		t.Fatalf("after the selection: %v", err)
	}
	if err := c.PublishResults(); err != nil || !c.Stages.ResultsPublished {
		t.Fatalf("publish: %v", err)
	}
	if err := c.CheckResultsPublishable(day); !errors.Is(err, models.ErrConflict) {
		t.Fatalf("published twice: %v", err)
	}
}

func TestNomination_ChampionAndWinnerStatesCanBeRunAgain(t *testing.T) {
	n := models.Nomination{State: models.NominationNominee}
	for _, step := range []struct {
		do   func() error
		want models.NominationState
	}{
		{func() error { return n.SetChampion(true) }, models.NominationChampion},
		{func() error { return n.SetChampion(true) }, models.NominationChampion},
		{func() error { return n.SetChampion(false) }, models.NominationNominee},
		{func() error { return n.SetChampion(true) }, models.NominationChampion},
		{func() error { return n.SetWinner(true) }, models.NominationWinner},
		{func() error { return n.SetWinner(true) }, models.NominationWinner},
		{func() error { return n.SetWinner(false) }, models.NominationChampion},
	} {
		if err := step.do(); err != nil || n.State != step.want {
			t.Fatalf("state %s, err %v; want %s", n.State, err, step.want)
		}
	}
	for _, st := range []models.NominationState{models.NominationSubmitted, models.NominationWithdrawn, models.NominationIneligible} {
		n := models.Nomination{State: st}
		if err := n.SetChampion(true); !errors.Is(err, models.ErrConflict) || n.State != st {
			t.Errorf("%s → champion: %v, now %s", st, err, n.State)
		}
		if err := n.SetWinner(true); !errors.Is(err, models.ErrConflict) || n.State != st {
			t.Errorf("%s → winner: %v, now %s", st, err, n.State)
		}
	}
}

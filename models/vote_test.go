package models_test

import (
	"errors"
	"testing"
	"time"

	"github.com/wsis-platform/wsis/models"
)

func TestVoter_VerifiedAndEnabledOnly(t *testing.T) {
	for name, tc := range map[string]struct {
		user     models.User
		verified bool
		ok       bool
	}{
		"verified and enabled": {models.User{ID: "u"}, true, true},
		"unverified":           {models.User{ID: "u"}, false, false},
		"disabled":             {models.User{ID: "u", Disabled: true}, true, false},
	} {
		t.Run(name, func(t *testing.T) {
			err := models.Voter(tc.user, tc.verified)
			if (err == nil) != tc.ok || (err != nil && !errors.Is(err, models.ErrForbidden)) {
				t.Fatalf("Voter = %v, want ok %v", err, tc.ok)
			}
		})
	}
}

func TestRequireVoting_OpenWindowAndPublishedNominees(t *testing.T) {
	opens := time.Date(2027, 3, 1, 0, 0, 0, 0, time.UTC)
	c := models.Contest{Schedule: models.Schedule{Voting: models.Window{OpensAt: opens, ClosesAt: opens.AddDate(0, 1, 0)}},
		Stages: models.Stages{NomineesPublished: true}}
	for name, tc := range map[string]struct {
		at        time.Time
		published bool
		ok        bool
	}{
		"open":                     {opens, true, true},
		"before it opens":          {opens.Add(-time.Millisecond), true, false},
		"at the deadline":          {opens.AddDate(0, 1, 0), true, false},
		"nominees unpublished yet": {opens.Add(time.Hour), false, false},
	} {
		t.Run(name, func(t *testing.T) {
			c := c
			c.Stages.NomineesPublished = tc.published
			err := c.RequireVoting(tc.at)
			if (err == nil) != tc.ok || (err != nil && !errors.Is(err, models.ErrPhaseClosed)) {
				t.Fatalf("RequireVoting = %v, want ok %v", err, tc.ok)
			}
		})
	}
}

func TestReceiptMAC_DependsOnEveryFieldAndTheKey(t *testing.T) {
	key := []byte("0123456789abcdef0123456789abcdef")
	v := models.Vote{Contest: 2027, Category: 3, NominationID: "n1", VoterID: "v1", CastAt: time.Date(2027, 3, 2, 10, 0, 0, 0, time.UTC)}
	base := models.ReceiptMAC(key, v)
	if len(base) != 64 || base != models.ReceiptMAC(key, v) {
		t.Fatalf("receipt %q is not a stable 64-hex HMAC", base)
	}
	for name, change := range map[string]func(*models.Vote){
		"contest":    func(v *models.Vote) { v.Contest++ },
		"category":   func(v *models.Vote) { v.Category++ },
		"nomination": func(v *models.Vote) { v.NominationID = "n2" },
		"voter":      func(v *models.Vote) { v.VoterID = "v2" },
		"time":       func(v *models.Vote) { v.CastAt = v.CastAt.Add(time.Millisecond) },
		// Length prefixes: moving a character between fields changes it.
		"field boundary": func(v *models.Vote) { v.NominationID, v.VoterID = "n1v", "1" },
	} {
		w := v
		change(&w)
		if models.ReceiptMAC(key, w) == base {
			t.Errorf("a different %s gives the same receipt", name)
		}
	}
	if models.ReceiptMAC([]byte("another key of thirty-two bytes!"), v) == base {
		t.Error("another key gives the same receipt")
	}
	if models.SourceMAC(key, "ip", "192.0.2.1") == models.SourceMAC(key, "ua", "192.0.2.1") {
		t.Error("an address and a user agent of the same text hash alike")
	}
}

func TestParseVoteID_InvertsVoteIDOnly(t *testing.T) {
	id := models.VoteID(2031, 7, "64f1c0ffee")
	if contest, category, voter, ok := models.ParseVoteID(id); !ok || contest != 2031 || category != 7 || voter != "64f1c0ffee" {
		t.Fatalf("ParseVoteID(%q) = %d %d %q %v", id, contest, category, voter, ok)
	}
	if _, _, voter, ok := models.ParseVoteID("2031-07-a-b"); !ok || voter != "a-b" {
		t.Fatalf("a voter id with dashes: %q %v", voter, ok)
	}
	for _, bad := range []string{"", "2031", "2031-07", "2031-07-", "2031-7-v", "x-07-v", "2031-x-v", "+2031-07-v"} {
		if _, _, _, ok := models.ParseVoteID(bad); ok {
			t.Errorf("ParseVoteID(%q) accepted", bad)
		}
	}
}

package models_test

import (
	"testing"

	"github.com/wsis-platform/wsis/models"
)

func TestNomination_SlotsHeldUntilWithdrawnOrReleased(t *testing.T) {
	n := models.Nomination{State: models.NominationSubmitted}
	kept, released := n, n
	if err := kept.MarkIneligible(" junk ", false); err != nil || !kept.Active() || kept.IneligibleReason != "junk" {
		t.Fatalf("ineligible without release: %v, active %v", err, kept.Active())
	}
	if err := released.MarkIneligible("junk", true); err != nil || released.Active() {
		t.Fatalf("ineligible with release: %v, active %v", err, released.Active())
	}
	if err := kept.MarkIneligible("again", true); err == nil || !kept.Active() {
		t.Fatal("a screened-out nomination was screened again")
	}
	if err := kept.Withdraw(); err == nil {
		t.Fatal("a screened-out nomination was withdrawn")
	}
	withdrawn := n
	if err := withdrawn.Withdraw(); err != nil || withdrawn.Active() {
		t.Fatalf("withdraw: %v, active %v", err, withdrawn.Active())
	}
}

func TestNomination_ProjectOwnerMayWithdraw(t *testing.T) {
	n := models.Nomination{NominatorID: "outsider"}
	for _, tc := range []struct {
		user, owner string
		want        bool
	}{
		{"outsider", "owner", true},
		{"owner", "owner", true},
		{"stranger", "owner", false},
		{"", "", false},
	} {
		if got := n.MayWithdraw(tc.user, tc.owner); got != tc.want {
			t.Errorf("MayWithdraw(%q, %q) = %v, want %v", tc.user, tc.owner, got, tc.want)
		}
	}
}

package handlers_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/wsis-platform/wsis/models"
)

func TestNomination_LookAlikeOrganizationsShareOneSlot(t *testing.T) {
	s := newPrizes(t, "")
	first := s.publishedProject(t, s.user.ID, "Digital Sahel", "c3")
	if rec := s.nominate(t, s.userTok, nominationBody(first.ID, 3)); rec.Code != http.StatusCreated {
		t.Fatalf("first nomination: %d %s", rec.Code, rec.Body)
	}
	for _, org := range []string{"\u200bDigital Sahel", "Digital Sahel\u00ad", "Digi\u2060tal Sahel", "Digital\x00Sahel",
		"Digit\u0430l S\u0430hel", "DIGITAL SAHEL"} {
		p := s.publishedProject(t, s.user.ID, org, "c3")
		prob := wantProblem(t, s.nominate(t, s.userTok, nominationBody(p.ID, 3)), http.StatusConflict, "conflict")
		if !strings.Contains(prob.Detail, "organization") {
			t.Errorf("%+q: detail %q does not name the organization", org, prob.Detail)
		}
	}
	other := s.publishedProject(t, s.user.ID, "Digital Sahara", "c3")
	if rec := s.nominate(t, s.userTok, nominationBody(other.ID, 3)); rec.Code != http.StatusCreated {
		t.Fatalf("another organization: %d %s", rec.Code, rec.Body)
	}
}

func TestConflicts_DeclaredLookAlikeOrganizationIsConflicted(t *testing.T) {
	s := newReviewSetup(t, "", []string{"Digital Sahel", "Andes Connect"}, 2)
	s.at(t, subCloses)
	declarer := s.reviewers[0]
	// A Cyrillic а and a zero-width space: another name, the same organization.
	body := `{"organizations":["Digit\u0430l\u200b Sahel"]}`
	if rec := s.do(t, http.MethodPut, "/api/v1/reviewer/conflicts", jsonBody(body), bearer(s.reviewerTok[declarer.ID])...); rec.Code != http.StatusUnprocessableEntity {
		t.Fatalf("a declared name with a zero-width space: %d, want 422", rec.Code)
	}
	body = `{"organizations":["Digit\u0430l S\u0430hel"]}`
	if rec := s.do(t, http.MethodPut, "/api/v1/reviewer/conflicts", jsonBody(body), bearer(s.reviewerTok[declarer.ID])...); rec.Code != http.StatusOK {
		t.Fatalf("declare: %d %s", rec.Code, rec.Body)
	}
	// The other reviewer's own organization is a look-alike of it too.
	if _, err := s.store.UpdateProfile(context.Background(), s.reviewers[1].ID, 0, storeProfileOrg("DIGITAL SAHEL"), s.clock.Now()); err != nil {
		t.Fatal(err)
	}
	sahel := s.nominations[0]
	for _, r := range s.reviewers {
		wantProblem(t, s.assign(t, sahel.ID, r.ID), http.StatusConflict, "conflict")
	}
	type answer struct {
		Assigned  []models.Assignment `json:"assigned"`
		Uncovered []struct {
			Nomination string `json:"nomination"`
		} `json:"uncovered"`
	}
	rec := s.do(t, http.MethodPost, "/api/v1/admin/contests/2027/assignments/auto", jsonBody(`{"reviews_per_nomination":1}`), bearer(s.adminTok)...)
	if rec.Code != http.StatusOK {
		t.Fatalf("auto: %d %s", rec.Code, rec.Body)
	}
	got := decode[answer](t, rec)
	for _, a := range got.Assigned {
		if a.NominationID == sahel.ID {
			t.Fatalf("reviewer %s was assigned the look-alike organization's nomination", a.ReviewerID)
		}
	}
	if len(got.Uncovered) != 1 || got.Uncovered[0].Nomination != sahel.ID {
		t.Fatalf("uncovered = %+v, want the Digital Sahel nomination", got.Uncovered)
	}
}

// squat has an outsider nominate the user's published project of Digital
// Sahel in category 3, and returns the outsider's nomination.
func (s *prizesServer) squat(t *testing.T) (models.Project, models.Nomination, string) {
	t.Helper()
	_, outsiderTok := s.signIn(t, "outsider@example.org")
	p := s.publishedProject(t, s.user.ID, "Digital Sahel", "c3", "c4")
	rec := s.nominate(t, outsiderTok, nominationBody(p.ID, 3))
	if rec.Code != http.StatusCreated {
		t.Fatalf("outsider's nomination: %d %s", rec.Code, rec.Body)
	}
	return p, decode[models.Nomination](t, rec), outsiderTok
}

func TestNomination_OwnerWithdrawsAnOutsidersNominationOfTheirProject(t *testing.T) {
	s := newPrizes(t, "")
	p, squatted, outsiderTok := s.squat(t)
	path := "/api/v1/nominations/" + squatted.ID
	// The owner is told which nomination holds the project, and may read it.
	prob := wantProblem(t, s.nominate(t, s.userTok, nominationBody(p.ID, 3)), http.StatusConflict, "conflict")
	if !strings.Contains(prob.Detail, squatted.ID) {
		t.Fatalf("detail %q does not name the outsider's nomination", prob.Detail)
	}
	if rec := s.do(t, http.MethodGet, path, nil, bearer(s.userTok)...); rec.Code != http.StatusOK {
		t.Fatalf("owner reads the nomination of their project: %d", rec.Code)
	}
	// The owner may withdraw it but not edit it.
	wantProblem(t, s.do(t, http.MethodPatch, path, jsonBody(`{"implementation":"major-phase-completed"}`), bearer(s.userTok)...),
		http.StatusNotFound, "not-found")
	if rec := s.do(t, http.MethodDelete, path, nil, append(bearer(s.userTok), "If-Match", `"1"`)...); rec.Code != http.StatusNoContent {
		t.Fatalf("owner withdraws: %d %s", rec.Code, rec.Body)
	}
	if n, _ := s.store.Nomination(context.Background(), squatted.ID); n.State != models.NominationWithdrawn {
		t.Fatalf("state = %s", n.State)
	}
	if rec := s.nominate(t, s.userTok, nominationBody(p.ID, 3)); rec.Code != http.StatusCreated {
		t.Fatalf("owner nominates after withdrawing: %d %s", rec.Code, rec.Body)
	}
	mails, _ := s.store.RecentMails(context.Background(), 10)
	told := false
	for _, m := range mails {
		told = told || (m.To == "outsider@example.org" && strings.Contains(m.Subject, "withdrawn"))
	}
	if !told {
		t.Fatal("the outsider was not told of the withdrawal")
	}
	// Another user who neither nominated nor owns the project may not.
	_, strangerTok := s.signIn(t, "stranger@example.org")
	other := s.publishedProject(t, s.user.ID, "Andes Connect", "c3")
	n := decode[models.Nomination](t, s.nominate(t, outsiderTok, nominationBody(other.ID, 3)))
	wantProblem(t, s.do(t, http.MethodDelete, "/api/v1/nominations/"+n.ID, nil, bearer(strangerTok)...), http.StatusNotFound, "not-found")
	// Nor may the owner once the submission window closed.
	s.setClock(t, subCloses)
	wantProblem(t, s.do(t, http.MethodDelete, "/api/v1/nominations/"+n.ID, nil, bearer(s.userTok)...), http.StatusConflict, "phase-closed")
}

func (s *prizesServer) screenOut(t *testing.T, id, body string) models.Nomination {
	t.Helper()
	rec := s.do(t, http.MethodPost, "/api/v1/admin/nominations/"+id+"/ineligible", jsonBody(body), bearer(s.adminTok)...)
	if rec.Code != http.StatusOK {
		t.Fatalf("screen out: %d %s", rec.Code, rec.Body)
	}
	return decode[models.Nomination](t, rec)
}

func TestScreening_IneligibleWithReleaseFreesTheSlots(t *testing.T) {
	s := newPrizes(t, "")
	p, squatted, _ := s.squat(t)
	n := s.screenOut(t, squatted.ID, `{"reason":"Junk text.","release_slots":true}`)
	if n.State != models.NominationIneligible || !n.SlotsReleased {
		t.Fatalf("screened = %s released %v", n.State, n.SlotsReleased)
	}
	// Another project of the organization, and the project itself.
	sibling := s.publishedProject(t, s.user.ID, "digital sahel", "c3")
	if rec := s.nominate(t, s.userTok, nominationBody(sibling.ID, 3)); rec.Code != http.StatusCreated {
		t.Fatalf("the organization nominates again in the category: %d %s", rec.Code, rec.Body)
	}
	if rec := s.nominate(t, s.userTok, nominationBody(p.ID, 4)); rec.Code != http.StatusCreated {
		t.Fatalf("the project is nominated again: %d %s", rec.Code, rec.Body)
	}
	audit := decode[struct {
		Items []models.AuditEntry `json:"items"`
	}](t, s.do(t, http.MethodGet, "/api/v1/admin/audit?target="+n.ID, nil, bearer(s.adminTok)...))
	if len(audit.Items) != 1 || audit.Items[0].After["slots_released"] != true {
		t.Fatalf("audit = %+v", audit.Items)
	}
}

func TestScreening_IneligibleWithoutReleaseKeepsTheSlots(t *testing.T) {
	s := newPrizes(t, "")
	p, squatted, _ := s.squat(t)
	n := s.screenOut(t, squatted.ID, `{"reason":"Junk text."}`)
	if n.SlotsReleased {
		t.Fatal("slots released without being asked")
	}
	sibling := s.publishedProject(t, s.user.ID, "Digital Sahel", "c3")
	wantProblem(t, s.nominate(t, s.userTok, nominationBody(sibling.ID, 3)), http.StatusConflict, "conflict")
	wantProblem(t, s.nominate(t, s.userTok, nominationBody(p.ID, 4)), http.StatusConflict, "conflict")
	// The owner cannot withdraw a screened-out nomination to get round it.
	wantProblem(t, s.do(t, http.MethodDelete, "/api/v1/nominations/"+n.ID, nil, bearer(s.userTok)...), http.StatusConflict, "conflict")
}
